//! README.md's rule table is generated from the catalogue; this keeps it from drifting.

use scaleout::catalogue::Catalogue;
use scaleout::cli::rules_markdown;

#[test]
fn readme_lists_every_rule() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = "<!-- rules:start -->\n";
    let end = "<!-- rules:end -->";
    let from = readme.find(start).expect("start marker") + start.len();
    let to = readme.find(end).expect("end marker");
    let table = rules_markdown(&Catalogue::builtin().unwrap());
    if readme[from..to] != table {
        if std::env::var_os("UPDATE_README").is_some() {
            let updated = format!("{}{}{}", &readme[..from], table, &readme[to..]);
            std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"), updated).unwrap();
        }
        panic!(
            "README.md's rule table is out of date; run `UPDATE_README=1 cargo test --test readme`"
        );
    }
}
