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

/// Every built-in rule has `docs/rules/<id>.md` (the `helpUri` of SARIF reports), the text
/// of `scaleout explain <id>`; no page is left for a rule that is gone.
#[test]
fn docs_pages_match_the_rules() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules"));
    let catalogue = Catalogue::builtin().unwrap();
    let update = std::env::var_os("UPDATE_README").is_some();
    let mut stale = Vec::new();
    for rule in catalogue.rules() {
        let path = dir.join(format!("{}.md", rule.id));
        let page = scaleout::report::rule_doc::explain(rule);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(page.as_str()) {
            if update {
                std::fs::create_dir_all(dir).unwrap();
                std::fs::write(&path, &page).unwrap();
            }
            stale.push(rule.id.clone());
        }
    }
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let id = path.file_stem().unwrap().to_string_lossy().into_owned();
        if catalogue.get(&id).is_none() {
            if update {
                std::fs::remove_file(&path).unwrap();
            }
            stale.push(id);
        }
    }
    assert!(
        stale.is_empty(),
        "docs/rules/ is out of date for {stale:?}; run `UPDATE_README=1 cargo test --test readme`"
    );
}
