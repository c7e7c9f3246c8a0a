//! Baselines: writing, applying, what survives edits, stale entries, `--strict-baseline`.

mod common;

use common::{brief, concise, project, run, write};

const UPLOAD: &str = "const fs = require('fs');

function save(p, body) {
  fs.writeFileSync(p, body);
}

setInterval(flush, 1000);
app.post('/upload', (req, res) => save(req.params.name, req.body));
";

fn baselined_project() -> tempfile::TempDir {
    let dir = project(&[
        ("src/upload.js", UPLOAD),
        ("src/other.js", "setInterval(a, 1);\n"),
    ]);
    let out = run(
        dir.path(),
        &["check", "--write-baseline", "scaleout-baseline.json"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "scaleout: wrote 3 findings to baseline scaleout-baseline.json\n"
    );
    dir
}

fn with_baseline(dir: &std::path::Path, extra: &[&str]) -> common::Run {
    let mut args = vec!["--baseline", "scaleout-baseline.json"];
    args.extend_from_slice(extra);
    concise(dir, &args)
}

#[test]
fn the_baseline_file_is_sorted_one_entry_per_line() {
    let dir = baselined_project();
    let text = std::fs::read_to_string(dir.path().join("scaleout-baseline.json")).unwrap();
    insta::assert_snapshot!(text);
    let again = baselined_project();
    let second = std::fs::read_to_string(again.path().join("scaleout-baseline.json")).unwrap();
    assert_eq!(text, second, "stable");
}

#[test]
fn only_new_findings_are_reported() {
    let dir = baselined_project();
    let out = with_baseline(dir.path(), &[]);
    assert_eq!((out.stdout.as_str(), out.code), ("", 0));
    insta::assert_snapshot!(out.stderr, @r"
    scaleout: no findings; 2 files scanned
    scaleout: 3 findings in the baseline not shown; 0 stale baseline entries
    ");
    write(
        dir.path(),
        &[(
            "src/upload.js",
            &format!("{UPLOAD}app.post('/', () => fs.unlinkSync('old.json'));\n"),
        )],
    );
    let out = with_baseline(dir.path(), &[]);
    insta::assert_snapshot!(brief(&out.stdout), @"src/upload.js:9:21: warning [node-fs-write]");
    assert_eq!(out.code, 1);
}

#[test]
fn findings_stay_baselined_after_edits_above_and_reformatting() {
    let dir = baselined_project();
    let edited = "// A comment and a new helper above the findings.
const fs = require('fs');
const path = require('path');

function   save( p,body ){
      fs.writeFileSync(p,
         body);
}

setInterval(flush,   1000);
app.post('/upload', (req, res) =>   save(req.params.name, req.body));
";
    write(dir.path(), &[("src/upload.js", edited)]);
    let out = with_baseline(dir.path(), &[]);
    assert_eq!((out.stdout.as_str(), out.code), ("", 0), "{}", out.stderr);
    assert!(out
        .stderr
        .contains("3 findings in the baseline not shown; 0 stale"));
}

#[test]
fn gone_findings_are_stale_and_strict_baseline_fails_on_them() {
    let dir = baselined_project();
    write(
        dir.path(),
        &[("src/other.js", "// the timer moved to a queue\n")],
    );
    let out = with_baseline(dir.path(), &[]);
    assert_eq!(out.code, 0);
    let out = with_baseline(dir.path(), &["--strict-baseline"]);
    assert_eq!(out.code, 1);
    insta::assert_snapshot!(out.stderr, @r"
    scaleout: no findings; 2 files scanned
    stale baseline entry: src/other.js [node-set-interval] e3722c460f02b26e (finding gone; rewrite the baseline with --write-baseline)
    scaleout: 2 findings in the baseline not shown; 1 stale baseline entry
    ");
    // Entries of files this run did not scan are not stale.
    let out = with_baseline(dir.path(), &["--strict-baseline", "src/upload.js"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn a_moved_file_has_new_findings_and_its_old_entries_are_stale() {
    let dir = baselined_project();
    std::fs::create_dir(dir.path().join("lib")).unwrap();
    std::fs::rename(
        dir.path().join("src/upload.js"),
        dir.path().join("lib/upload.js"),
    )
    .unwrap();
    let out = with_baseline(dir.path(), &[]);
    insta::assert_snapshot!(brief(&out.stdout), @r"
    lib/upload.js:4:3: warning [node-fs-write]
    lib/upload.js:7:1: warning [node-set-interval]
    ");
    assert!(
        out.stderr
            .contains("1 finding in the baseline not shown; 2 stale baseline entries"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_baseline_applies_to_every_format_and_shows_as_external_suppressions() {
    let dir = baselined_project();
    let out = run(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--baseline",
            "scaleout-baseline.json",
            "--show-suppressed",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 0);
    assert_eq!(doc["summary"]["findings"], 0);
    let suppressed = doc["suppressed"].as_array().unwrap();
    assert_eq!(suppressed.len(), 3);
    insta::assert_json_snapshot!(suppressed[0]["suppression"], @r#"
    {
      "kind": "external",
      "reason": "in baseline scaleout-baseline.json"
    }
    "#);
}

#[test]
fn a_bad_baseline_file_is_a_usage_error() {
    let dir = project(&[("a.js", UPLOAD), ("b.json", "{\"findings\": []}")]);
    let out = concise(dir.path(), &["--baseline", "b.json"]);
    assert_eq!(out.code, 2);
    insta::assert_snapshot!(out.stderr, @"error: invalid baseline b.json: missing field `scaleout_baseline` at line 1 column 16");
    let out = concise(dir.path(), &["--baseline", "none.json"]);
    assert_eq!(out.code, 2);
    let out = concise(dir.path(), &["--strict-baseline"]);
    assert_eq!(out.code, 2, "--strict-baseline needs --baseline");
}
