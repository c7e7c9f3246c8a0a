//! End-to-end tests of the `scaleout` binary: exit codes, formats, bad input.

use assert_cmd::Command;
use std::path::Path;

const SAMPLE: &str = "const fs = require('fs');
const cron = require('node-cron');
app.post('/count', () =>
fs.writeFileSync('state.json', JSON.stringify({ counter: 1 })));
cron.schedule('*/5 * * * *', () => mailer.log('ticks'));
";

fn scaleout() -> Command {
    let mut cmd = Command::cargo_bin("scaleout").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("GITHUB_ACTIONS");
    cmd
}

/// A project directory holding `src/sample.js`; the command runs inside it.
fn sample_project() -> (tempfile::TempDir, Command) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/sample.js"), SAMPLE).unwrap();
    let mut cmd = Command::cargo_bin("scaleout").unwrap();
    cmd.current_dir(dir.path()).env_remove("GITHUB_ACTIONS");
    (dir, cmd)
}

fn json(args: &[&str], dir: &Path) -> (serde_json::Value, i32) {
    let out = Command::cargo_bin("scaleout")
        .unwrap()
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    (value, out.status.code().unwrap())
}

/// The `path` of every finding in a JSON report.
fn finding_paths(value: &serde_json::Value) -> Vec<&str> {
    value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect()
}

#[test]
fn human_output_snapshot_and_exit_code() {
    let (_dir, mut cmd) = sample_project();
    let out = cmd
        .args(["check", "--color", "never", "src/sample.js"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("human", String::from_utf8(out.stdout).unwrap());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr.trim(),
        "scaleout: 2 findings (2 warning) in 1 file; 1 file scanned"
    );
}

#[test]
fn json_output_snapshot() {
    let (_dir, mut cmd) = sample_project();
    let out = cmd.args(["check", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    serde_json::from_str::<serde_json::Value>(&stdout).expect("valid JSON");
    insta::assert_snapshot!("json", stdout);
}

#[test]
fn fail_on_threshold_decides_the_exit_code() {
    for (fail_on, code) in [("warning", 1), ("info", 1), ("error", 0), ("never", 0)] {
        let (_dir, mut cmd) = sample_project();
        cmd.args(["check", "--quiet", "--fail-on", fail_on])
            .assert()
            .code(code);
    }
}

#[test]
fn clean_input_exits_zero_and_quiet_prints_nothing_on_stderr() {
    scaleout()
        .args(["check", "--quiet", "fixtures/javascript/quiet"])
        .assert()
        .code(0)
        .stdout("")
        .stderr("");
}

#[test]
fn usage_errors_exit_two() {
    scaleout()
        .args(["check", "--format", "xml"])
        .assert()
        .code(2);
    scaleout().args(["frobnicate"]).assert().code(2);
    scaleout()
        .args(["check", "does/not/exist"])
        .assert()
        .code(2);
    scaleout()
        .args(["explain", "no-such-rule"])
        .assert()
        .code(2);
    scaleout()
        .args(["check", "--threads", "0"])
        .assert()
        .code(2);
}

#[test]
fn rules_and_explain() {
    let out = scaleout().arg("rules").output().unwrap();
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.starts_with("RULE"));
    assert!(table.contains("node-fs-write"));
    assert!(table.contains("local-disk-write"));
    let out = scaleout().args(["explain", "node-cron"]).output().unwrap();
    let doc = String::from_utf8(out.stdout).unwrap();
    for section in [
        "## What it finds",
        "## Why it breaks when scaled out",
        "## Example",
        "## Use instead",
        "## When it is fine",
    ] {
        assert!(doc.contains(section), "missing {section}");
    }
}

#[test]
fn bad_files_are_reported_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("good.js"),
        // Exports something: a module the server imports, not a script run by hand.
        "app.post('/', () => require('fs').writeFileSync('a', 'b'));\nmodule.exports = {};\n",
    )
    .unwrap();
    std::fs::write(d.join("latin1.js"), b"// caf\xe9\nsetInterval(f, 1);\n").unwrap();
    std::fs::write(
        d.join("blob.ts"),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
    )
    .unwrap();
    std::fs::write(d.join("broken.rs"), "fn main( {\n").unwrap();
    std::fs::write(
        d.join("partial.js"),
        "setInterval(poll, 1000);\nfunction (\n",
    )
    .unwrap();
    std::fs::write(
        d.join("deep.js"),
        format!("x = {}1{};\n", "[\n".repeat(5000), "]".repeat(5000)),
    )
    .unwrap();
    std::fs::write(d.join("bundle.min.js"), "setInterval(f,1)").unwrap();
    std::fs::write(
        d.join("long.js"),
        format!("var a='{}';setInterval(f,1);\n", "x".repeat(2000)),
    )
    .unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(d.join("missing.js"), d.join("dangling.js")).unwrap();
        std::fs::create_dir(d.join("loop")).unwrap();
        std::os::unix::fs::symlink(d, d.join("loop").join("back")).unwrap();
    }
    let (value, code) = json(&["--follow", "."], d);
    assert_eq!(code, 1);
    let findings: Vec<(String, u64)> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["start_line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        findings,
        [
            ("good.js".to_string(), 1),
            ("latin1.js".to_string(), 2),
            ("partial.js".to_string(), 1)
        ]
    );
    let errors: Vec<String> = value["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e["path"].as_str().unwrap(),
                e["message"].as_str().unwrap()
            )
        })
        .collect();
    let has = |path: &str, text: &str| {
        errors
            .iter()
            .any(|e| e.starts_with(&format!("{path}: ")) && e.contains(text))
    };
    assert!(
        has("latin1.js", "not valid UTF-8: 1 invalid sequence replaced"),
        "{errors:#?}"
    );
    assert!(has("blob.ts", "binary"), "{errors:#?}");
    assert!(has("broken.rs", "could not parse"), "{errors:#?}");
    assert!(has("partial.js", "syntax error at 2:"), "{errors:#?}");
    assert!(has("deep.js", "nesting too deep"), "{errors:#?}");
    #[cfg(unix)]
    {
        assert!(has("dangling.js", "broken symbolic link"), "{errors:#?}");
        assert!(has("loop/back", "loop"), "{errors:#?}");
    }
    // Linted: good.js, latin1.js, partial.js; skipped: bundle.min.js, long.js; the rest
    // failed.
    assert_eq!(value["summary"]["files_scanned"], 3, "{value:#}");
}

#[test]
fn dependency_and_build_directories_and_gitignored_files_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let write = "app.post('/', () => require('fs').writeFileSync('state.json', '{}'));\nmodule.exports = {};\n";
    for sub in [
        "node_modules/lib",
        "dist",
        "build",
        "obj",
        "vendor",
        "target",
        "src",
        "generated",
    ] {
        std::fs::create_dir_all(d.join(sub)).unwrap();
        std::fs::write(d.join(sub).join("a.js"), write).unwrap();
    }
    std::fs::write(d.join(".gitignore"), "generated/\n").unwrap();
    std::fs::write(d.join("src/app.min.js"), write).unwrap();
    // Generated C# as Roslyn's analyzers know it: by file name or by a header comment in
    // either spelling.
    let generated_write =
        "class F { void W() { System.IO.File.WriteAllText(\"a.txt\", \"\"); } }\n";
    std::fs::write(d.join("src/Form.Designer.cs"), generated_write).unwrap();
    std::fs::write(d.join("src/Codes.generated.cs"), generated_write).unwrap();
    std::fs::write(
        d.join("src/Table.cs"),
        format!("// <autogenerated/>\n{generated_write}"),
    )
    .unwrap();
    std::fs::write(
        d.join("src/Proxy.cs"),
        format!("// <auto-generated>\n// </auto-generated>\n{generated_write}"),
    )
    .unwrap();
    std::fs::write(d.join("src/Handwritten.cs"), generated_write).unwrap();
    let (value, _) = json(&["."], d);
    let paths = finding_paths(&value);
    assert_eq!(paths, ["src/a.js"]);
    // With the unreferenced code shown, only the handwritten C# file has a finding.
    let (value, _) = json(&[".", "--show-all"], d);
    let cs: Vec<&str> = finding_paths(&value)
        .into_iter()
        .filter(|p| p.ends_with(".cs"))
        .collect();
    assert_eq!(cs, ["src/Handwritten.cs"]);
    // A file named on the command line is linted even inside an excluded directory.
    let (value, _) = json(&["dist/a.js"], d);
    assert_eq!(value["findings"][0]["path"], "dist/a.js");
}

#[test]
fn concise_output_is_one_line_per_finding() {
    let (_dir, mut cmd) = sample_project();
    let out = cmd.args(["check", "--format", "concise"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("concise", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn a_nul_character_inside_a_string_literal_is_still_source() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("keys.js"),
        "const fs = require('fs');\nconst sep = `\0`;\nfs.writeFileSync('keys.txt', ['a', 'b'].join(sep));\nmodule.exports = {};\n",
    )
    .unwrap();
    let (value, code) = json(&["."], dir.path());
    assert_eq!(code, 1, "{value:#}");
    assert_eq!(value["findings"][0]["start_line"], 3);
    assert_eq!(value["errors"], serde_json::json!([]));
}

#[test]
fn rust_src_bin_is_source_but_dotnet_bin_is_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // `serve()`: a program that starts a server (one that does not is a separate tool).
    let write = "fn main() { serve(save); }\nfn save() { std::fs::write(\"state.json\", b\"{}\").unwrap(); }\n";
    std::fs::create_dir_all(d.join("server/src/bin")).unwrap();
    std::fs::write(d.join("server/src/bin/worker.rs"), write).unwrap();
    std::fs::create_dir_all(d.join("Api/bin/Debug/net8.0")).unwrap();
    std::fs::write(
        d.join("Api/Api.csproj"),
        "<Project Sdk=\"Microsoft.NET.Sdk.Web\" />",
    )
    .unwrap();
    std::fs::write(
        d.join("Api/bin/Debug/net8.0/Gen.cs"),
        "app.MapPost(\"/\", () => System.IO.File.WriteAllText(\"a\", \"b\"));\n",
    )
    .unwrap();
    let (value, _) = json(&["."], d);
    let paths = finding_paths(&value);
    assert_eq!(paths, ["server/src/bin/worker.rs"]);
}

#[test]
fn a_rust_command_line_crate_is_tooling_but_a_server_crate_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // `serve()`: a program that starts a server (one that does not is a separate tool).
    let write = "fn main() { serve(save); }\nfn save() { std::fs::write(\"state.json\", b\"{}\").unwrap(); }\n";
    std::fs::write(
        d.join("Cargo.toml"),
        "[workspace]\nmembers = [\"crates/*\"]\n\n[workspace.dependencies]\nclap = { version = \"4\", features = [\"derive\"] }\n",
    )
    .unwrap();
    for (name, deps) in [
        ("api", "axum = \"0.8\"\nclap.workspace = true\n"),
        ("admin", "clap.workspace = true\nserde_json = \"1\"\n"),
        // The main binary parses arguments and runs the server of a sibling crate.
        (
            "shop",
            "clap.workspace = true\nshop-api = { path = \"../api\" }\n",
        ),
    ] {
        let crate_dir = d.join("crates").join(name);
        std::fs::create_dir_all(crate_dir.join("src")).unwrap();
        std::fs::write(
            crate_dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"shop-{name}\"\nversion = \"0.1.0\"\n\n[dependencies]\n{deps}"
            ),
        )
        .unwrap();
        std::fs::write(crate_dir.join("src/main.rs"), write).unwrap();
    }
    let (value, _) = json(&["."], d);
    let paths: Vec<&str> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["crates/api/src/main.rs", "crates/shop/src/main.rs"]);
    // Scanned from inside a crate, the manifest above the working directory still counts.
    let (value, code) = json(&["."], &d.join("crates/admin/src"));
    assert_eq!(code, 0, "{value:#}");
    let (value, code) = json(&["main.rs"], &d.join("crates/api/src"));
    assert_eq!(code, 1, "{value:#}");
}

#[test]
fn javascript_web_and_command_line_packages_are_quiet_but_a_server_package_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let timer = "setInterval(() => refresh(), 60_000);\n";
    let write = "import fs from 'node:fs';\napp.post('/', () => fs.writeFileSync('state.json', '{}'));\nexport {};\n";
    std::fs::write(
        d.join("package.json"),
        r#"{"name": "shop", "private": true, "workspaces": ["apps/*"], "devDependencies": {"commander": "12"}}"#,
    )
    .unwrap();
    for (name, manifest) in [
        (
            "api",
            r#"{"name": "api", "bin": {"api": "src/index.js"}, "dependencies": {"express": "4", "yargs": "17"}}"#,
        ),
        (
            "web",
            r#"{"name": "web", "dependencies": {"react": "18", "react-dom": "18"}}"#,
        ),
        (
            "cli",
            r#"{"name": "shopctl", "bin": "src/index.js", "dependencies": {"commander": "12"}}"#,
        ),
    ] {
        let pkg = d.join("apps").join(name);
        std::fs::create_dir_all(pkg.join("src")).unwrap();
        std::fs::write(pkg.join("package.json"), manifest).unwrap();
        std::fs::write(pkg.join("src/poll.js"), timer).unwrap();
        std::fs::write(pkg.join("src/save.js"), write).unwrap();
    }
    let (value, code) = json(&["."], d);
    assert_eq!(code, 1, "{value:#}");
    assert_eq!(
        finding_paths(&value),
        ["apps/api/src/poll.js", "apps/api/src/save.js"]
    );
    // Scanned from inside the web package, its manifest above the working directory counts.
    let (value, code) = json(&["."], &d.join("apps/web/src"));
    assert_eq!(code, 0, "{value:#}");
}

#[test]
fn user_rule_files_add_rules_and_bad_ones_exit_two() {
    let (dir, mut cmd) = sample_project();
    let rule = r#"
id = "team-no-state-json"
category = "local-disk-write"
languages = ["javascript"]
severity = "error"
summary = "Our services keep state in Postgres, never in JSON files"
message = "`{target}` writes a state file"
alternative = "Use the `settings` table"
[[match]]
kind = "call"
targets = ["fs.writeFileSync"]
args_any = ["state.json"]
[docs]
what = "w"
why = "w"
example = "e"
instead = "i"
fine_when = "f"
"#;
    std::fs::write(dir.path().join("team.toml"), rule).unwrap();
    let out = cmd
        .args(["check", "--format", "concise", "--rules", "team.toml"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("error [team-no-state-json]"), "{stdout}");
    assert!(
        stdout.contains("[node-fs-write]"),
        "built-in rules still run: {stdout}"
    );

    std::fs::write(
        dir.path().join("bad.toml"),
        "id = \"x\"\nseverity = \"fatal\"\n",
    )
    .unwrap();
    let out = Command::cargo_bin("scaleout")
        .unwrap()
        .current_dir(dir.path())
        .args(["rules", "--rules", "bad.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("bad.toml") && stderr.contains("fatal"),
        "{stderr}"
    );
}

#[test]
fn configuration_files_are_inputs_with_their_own_positions() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("Api")).unwrap();
    std::fs::create_dir_all(d.join("Api.Tests")).unwrap();
    std::fs::create_dir_all(d.join("prisma")).unwrap();
    let settings = "{\n  \"Serilog\": {\n    \"WriteTo\": [ { \"Name\": \"File\", \"Args\": { \"path\": \"logs/api.txt\" } } ]\n  }\n}\n";
    std::fs::write(d.join("Api/appsettings.json"), settings).unwrap();
    std::fs::write(d.join("Api/appsettings.Development.json"), settings).unwrap();
    std::fs::write(d.join("Api.Tests/appsettings.json"), settings).unwrap();
    std::fs::write(
        d.join("Api/NLog.config"),
        "<nlog>\n  <targets>\n    <!-- scaleout: ignore[dotnet-file-logger] EFS volume -->\n    <target type=\"File\" fileName=\"a.log\" />\n  </targets>\n</nlog>\n",
    )
    .unwrap();
    std::fs::write(d.join("Api/log4net.config"), "<log4net><appender>").unwrap();
    // A desktop app's settings run on a user's machine.
    std::fs::create_dir_all(d.join("Till")).unwrap();
    std::fs::write(
        d.join("Till/Till.csproj"),
        "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><UseWPF>true</UseWPF></PropertyGroup></Project>",
    )
    .unwrap();
    std::fs::write(d.join("Till/appsettings.json"), settings).unwrap();
    std::fs::write(
        d.join("prisma/schema.prisma"),
        "datasource db {\n  provider = \"sqlite\"\n  url = \"file:./dev.db\"\n}\n",
    )
    .unwrap();
    let (value, code) = json(&["."], d);
    assert_eq!(code, 1);
    let findings: Vec<String> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{}:{} {}",
                f["path"].as_str().unwrap(),
                f["start_line"],
                f["start_column"],
                f["rule_id"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        findings,
        [
            "Api/appsettings.json:3:28 dotnet-file-logger",
            "prisma/schema.prisma:2:14 node-embedded-file-database",
        ]
    );
    let errors = value["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["path"], "Api/log4net.config");
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("could not parse"),
        "{errors:#?}"
    );
}
