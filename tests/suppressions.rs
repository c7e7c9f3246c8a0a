//! Auditable suppressions: stale and unknown suppressions, `--require-reason`,
//! `--show-suppressed`, `--add-suppressions`.

mod common;

use common::{brief, concise, project, run};

const AUDITED: &str = "const fs = require('fs');
// scaleout: ignore[node-fs-write] -- /data is an EFS volume shared by all pods
fs.writeFileSync('/data/a.json', '{}');
fs.writeFileSync('/data/b.json', '{}'); // scaleout: ignore[local-disk-write]
// scaleout: ignore[node-cron, node-fs-wirte] -- stale
setInterval(tick, 1000);
// scaleout: ignore-file[cron-library] -- no cron here
";

#[test]
fn stale_and_unknown_suppressions_are_reported_as_info() {
    let dir = project(&[("src/a.js", AUDITED), ("test/a.test.js", AUDITED)]);
    let out = concise(dir.path(), &[]);
    insta::assert_snapshot!(out.stdout, @r"
    src/a.js:5:1: info [unused-suppression] This suppression names `node-cron`, but no `node-cron` finding is on this line or the next
    src/a.js:5:1: info [unused-suppression] This suppression names `node-fs-wirte`, which is no rule id or category
    src/a.js:6:1: warning [node-set-interval] `setInterval` starts a recurring job in this process; with several instances the job runs once per instance
    src/a.js:7:1: info [unused-suppression] This suppression names `cron-library`, but no `cron-library` finding is in this file
    ");
    // Only the timer fails the default threshold; test code is not audited.
    assert_eq!(out.code, 1);
    let out = concise(dir.path(), &["--ignore", "node-set-interval"]);
    assert_eq!(out.code, 0, "unused suppressions are info: {}", out.stdout);
    let out = concise(
        dir.path(),
        &["--ignore", "node-set-interval", "--fail-on", "info"],
    );
    assert_eq!(out.code, 1);
}

#[test]
fn require_reason_reports_comments_without_one() {
    let dir = project(&[("src/a.js", AUDITED)]);
    let out = concise(dir.path(), &["--require-reason", "--select", "suppression"]);
    insta::assert_snapshot!(out.stdout, @r"
    src/a.js:4:41: warning [suppression-without-reason] This suppression gives no reason after `--`
    src/a.js:5:1: info [unused-suppression] This suppression names `node-cron`, but no `node-cron` finding is on this line or the next
    src/a.js:5:1: info [unused-suppression] This suppression names `node-fs-wirte`, which is no rule id or category
    src/a.js:7:1: info [unused-suppression] This suppression names `cron-library`, but no `cron-library` finding is in this file
    ");
    assert_eq!(out.code, 1);
    let dir = project(&[
        (
            "scaleout.toml",
            "require-reason = true\nselect = [\"suppression-without-reason\"]\n",
        ),
        ("src/a.js", AUDITED),
    ]);
    let out = concise(dir.path(), &[]);
    insta::assert_snapshot!(brief(&out.stdout), @"src/a.js:4:41: warning [suppression-without-reason]");
}

#[test]
fn show_suppressed_lists_them_with_their_reason_in_json() {
    let dir = project(&[("src/a.js", AUDITED)]);
    let out = run(dir.path(), &["check", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(
        doc.get("suppressed").is_none(),
        "only with --show-suppressed"
    );
    let out = run(
        dir.path(),
        &["check", "--format", "json", "--show-suppressed"],
    );
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let brief: Vec<serde_json::Value> = doc["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            serde_json::json!({
                "rule_id": f["rule_id"],
                "start_line": f["start_line"],
                "fingerprint_len": f["fingerprint"].as_str().unwrap().len(),
                "suppression": f["suppression"],
            })
        })
        .collect();
    insta::assert_json_snapshot!(brief, @r#"
    [
      {
        "fingerprint_len": 16,
        "rule_id": "node-fs-write",
        "start_line": 3,
        "suppression": {
          "kind": "inSource",
          "reason": "/data is an EFS volume shared by all pods"
        }
      },
      {
        "fingerprint_len": 16,
        "rule_id": "node-fs-write",
        "start_line": 4,
        "suppression": {
          "kind": "inSource"
        }
      }
    ]
    "#);
}

const RUST: &str = "use std::fs;

fn save(data: &str) {
    let banner = \"multi
line\"; fs::write(\"state.json\", data).unwrap();
    fs::write(\"orders.json\", data).unwrap();
}
";

const CSHARP: &str = "using System.IO;

namespace Shop
{
    public class Store
    {
        public void Save(string s)
        {
            File.WriteAllText(\"state.json\", s); // scaleout: ignore[other-rule] -- x
        }
    }
}
";

const TYPESCRIPT: &str = "import * as fs from 'fs';

export function start(): void {
\tsetInterval(() => {
\t\tfs.writeFileSync('state.json', '{}');\r
\t}, 1000);
}
";

const JSX: &str = "const fs = require('fs');

export function Page() {
  return (
    <div>
      {fs.writeFileSync('x.json', '{}')}
    </div>
  );
}
";

#[test]
fn add_suppressions_comments_every_finding_once() {
    let files = [
        ("src/main.rs", RUST),
        ("src/Store.cs", CSHARP),
        ("src/jobs.ts", TYPESCRIPT),
        ("web/page.jsx", JSX),
    ];
    let dir = project(&files);
    // `--show-all`: the sample files do not call each other (no server entry point
    // reaches their code).
    let out = run(dir.path(), &["check", "--add-suppressions", "--show-all"]);
    assert_eq!(
        out.code, 1,
        "the stale comment in Store.cs needs a hand: {}",
        out.stderr
    );
    insta::assert_snapshot!(out.stderr, @r"
    not suppressed: src/Store.cs:9: [unused-suppression] fix or delete the comment instead
    scaleout: added 6 suppression comments in 4 files; replace each `TODO: explain why this is safe with several instances`
    ");
    let read = || -> String {
        files
            .iter()
            .map(|(p, _)| {
                let text = std::fs::read_to_string(dir.path().join(p)).unwrap();
                format!("==> {p}\n{}", text.replace('\r', "<CR>"))
            })
            .collect()
    };
    let after_first = read();
    insta::assert_snapshot!("added_comments", after_first);
    let out = run(dir.path(), &["check", "--add-suppressions", "--show-all"]);
    assert!(
        out.stderr
            .contains("added 0 suppression comments in 0 files"),
        "{}",
        out.stderr
    );
    assert_eq!(read(), after_first, "a second run changes nothing");
    let out = concise(dir.path(), &["--ignore", "suppression"]);
    assert_eq!((out.stdout.as_str(), out.code), ("", 0));
}

const LOG4NET: &str = "<log4net>
  <appender name=\"Payments\"
            type=\"log4net.Appender.RollingFileAppender, log4net\">
    <file value=\"logs/payments.log\" />
  </appender>
  <appender name=\"Audit\" type=\"log4net.Appender.FileAppender\">
    <file value=\"logs/audit.log\" />
  </appender>
</log4net>
";

#[test]
fn add_suppressions_writes_xml_comments_between_elements_only() {
    let dir = project(&[("log4net.config", LOG4NET)]);
    let out = concise(dir.path(), &[]);
    insta::assert_snapshot!(brief(&out.stdout), @r"
    log4net.config:3:19: warning [dotnet-file-logger]
    log4net.config:6:32: warning [dotnet-file-logger]
    ");
    let out = run(dir.path(), &["check", "--add-suppressions"]);
    insta::assert_snapshot!(out.stderr, @r"
    not suppressed: log4net.config:3: the line starts inside a multi-line string, comment or XML tag; add the suppression by hand
    scaleout: added 1 suppression comment in 1 file; replace each `TODO: explain why this is safe with several instances`
    ");
    let text = std::fs::read_to_string(dir.path().join("log4net.config")).unwrap();
    insta::assert_snapshot!(text, @r#"
    <log4net>
      <appender name="Payments"
                type="log4net.Appender.RollingFileAppender, log4net">
        <file value="logs/payments.log" />
      </appender>
      <!-- scaleout: ignore[dotnet-file-logger] TODO: explain why this is safe with several instances -->
      <appender name="Audit" type="log4net.Appender.FileAppender">
        <file value="logs/audit.log" />
      </appender>
    </log4net>
    "#);
    assert_eq!(concise(dir.path(), &[]).stdout.lines().count(), 1);
}
