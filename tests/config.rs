//! `scaleout.toml`: discovery, every key, command-line overrides, errors, `init`, the schema.

mod common;

use common::{brief, concise, project, run, write, JS};

const CONFIG_ALL_KEYS: &str = r#"
ignore = ["in-process-timer"]
exclude = ["src/generated/"]
[severity]
node = "info"
[per-path-ignores]
"src/jobs/**" = ["local-disk-write"]
"#;

#[test]
fn every_key_shapes_the_report() {
    let dir = project(&[
        ("scaleout.toml", CONFIG_ALL_KEYS),
        ("src/a.js", JS),
        ("src/jobs/b.js", JS),
        ("src/generated/c.js", JS),
    ]);
    let out = concise(dir.path(), &[]);
    // a.js: the timer is ignored, fs-write downgraded to info (so exit 0); jobs/ ignores
    // disk writes; generated/ is excluded.
    insta::assert_snapshot!(brief(&out.stdout), @"src/a.js:2:21: info [node-fs-write]");
    assert_eq!(out.code, 0);
    assert!(out.stderr.contains("2 files scanned"), "{}", out.stderr);
}

#[test]
fn command_line_flags_replace_the_file() {
    let dir = project(&[
        ("scaleout.toml", CONFIG_ALL_KEYS),
        ("src/a.js", JS),
        ("src/generated/c.js", JS),
    ]);
    let out = concise(
        dir.path(),
        &["--ignore", "node-fs-write", "--exclude", "src/a.js"],
    );
    insta::assert_snapshot!(brief(&out.stdout), @"src/generated/c.js:3:1: info [node-set-interval]");
    let out = concise(
        dir.path(),
        &["--select", "local-disk-write,node-set-interval"],
    );
    insta::assert_snapshot!(brief(&out.stdout), @"src/a.js:2:21: info [node-fs-write]");
}

#[test]
fn files_named_explicitly_still_honour_excludes() {
    let dir = project(&[
        ("scaleout.toml", "exclude = [\"legacy/**/*.js\"]\n"),
        ("legacy/old/a.js", JS),
        ("src/b.js", JS),
    ]);
    let out = concise(dir.path(), &["legacy/old/a.js", "src/b.js"]);
    insta::assert_snapshot!(brief(&out.stdout), @r"
    src/b.js:2:21: warning [node-fs-write]
    src/b.js:3:1: warning [node-set-interval]
    ");
}

#[test]
fn excluded_directories_are_not_walked() {
    let dir = project(&[
        ("scaleout.toml", "exclude = [\"vendored/\"]\n"),
        ("src/a.js", JS),
    ]);
    std::fs::create_dir(dir.path().join("vendored")).unwrap();
    // A binary file is listed under errors whenever the walk reaches it.
    std::fs::write(dir.path().join("vendored/blob.js"), [0u8; 64]).unwrap();
    let out = concise(dir.path(), &[]);
    assert!(!out.stderr.contains("vendored"), "{}", out.stderr);
    let out = concise(dir.path(), &["--no-config"]);
    assert!(out.stderr.contains("vendored/blob.js"), "{}", out.stderr);
}

#[test]
fn the_closest_config_wins_and_roots_must_agree() {
    let dir = project(&[
        ("scaleout.toml", "select = [\"node-fs-write\"]\n"),
        ("api/.scaleout.toml", "select = [\"node-set-interval\"]\n"),
        ("api/a.js", JS),
        ("web/b.js", JS),
    ]);
    let out = concise(dir.path(), &["api"]);
    insta::assert_snapshot!(brief(&out.stdout), @"api/a.js:3:1: warning [node-set-interval]");
    let out = concise(dir.path().join("api").as_path(), &["a.js"]);
    insta::assert_snapshot!(brief(&out.stdout), @"a.js:3:1: warning [node-set-interval]");
    let out = concise(dir.path(), &["web"]);
    insta::assert_snapshot!(brief(&out.stdout), @"web/b.js:2:21: warning [node-fs-write]");
    // Scanning the root uses the root's config for every file below it.
    let out = concise(dir.path(), &[]);
    insta::assert_snapshot!(brief(&out.stdout), @r"
    api/a.js:2:21: warning [node-fs-write]
    web/b.js:2:21: warning [node-fs-write]
    ");
    // Paths under different configs (a monorepo, a pre-commit run): each file gets its own.
    let out = concise(dir.path(), &["api/a.js", "web"]);
    assert_eq!(out.code, 1);
    insta::assert_snapshot!(brief(&out.stdout), @r"
    api/a.js:3:1: warning [node-set-interval]
    web/b.js:2:21: warning [node-fs-write]
    ");
}

#[test]
fn each_config_judges_its_own_files_failure() {
    let dir = project(&[
        ("scaleout.toml", "fail-on = \"never\"\n"),
        ("api/scaleout.toml", "select = [\"node-set-interval\"]\n"),
        ("api/a.js", JS),
        ("web/b.js", JS),
    ]);
    // web's config never fails; api's fails on its warning.
    let out = concise(dir.path(), &["web/b.js", "api/a.js"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let out = concise(dir.path(), &["web/b.js"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // A broken config of one group stops the run, naming the file.
    std::fs::write(dir.path().join("api/scaleout.toml"), "select = 3\n").unwrap();
    let out = concise(dir.path(), &["web/b.js", "api/a.js"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("api/scaleout.toml"), "{}", out.stderr);
}

#[test]
fn config_and_no_config_flags() {
    let dir = project(&[
        ("scaleout.toml", "select = [\"node-fs-write\"]\n"),
        (
            "ops/strict.toml",
            "select = [\"in-process-timer\"]\nfail-on = \"never\"\n",
        ),
        ("src/a.js", JS),
    ]);
    let out = concise(dir.path(), &["--config", "ops/strict.toml"]);
    insta::assert_snapshot!(brief(&out.stdout), @"src/a.js:3:1: warning [node-set-interval]");
    assert_eq!(out.code, 0, "fail-on = never");
    let out = concise(
        dir.path(),
        &["--config", "ops/strict.toml", "--fail-on", "warning"],
    );
    assert_eq!(out.code, 1, "--fail-on beats the file");
    let out = concise(dir.path(), &["--no-config"]);
    assert_eq!(out.stdout.lines().count(), 2);
    let out = concise(dir.path(), &["--config", "missing.toml"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("cannot read config file missing.toml"));
}

#[test]
fn include_tests_reports_test_code() {
    let dir = project(&[("src/a.test.js", JS)]);
    assert_eq!(concise(dir.path(), &[]).stdout, "");
    write(dir.path(), &[("scaleout.toml", "include-tests = true\n")]);
    let out = concise(dir.path(), &[]);
    insta::assert_snapshot!(brief(&out.stdout), @r"
    src/a.test.js:2:21: warning [node-fs-write]
    src/a.test.js:3:1: warning [node-set-interval]
    ");
}

const CUSTOM_RULE: &str = r#"id = "acme-temp-dir"
category = "local-disk-write"
languages = ["javascript"]
severity = "error"
summary = "Writes to the ACME scratch directory"
message = "`{target}` writes to local disk"
alternative = "Use the ACME blob store"
[[match]]
kind = "call"
targets = ["acme.scratch"]
[docs]
what = "w"
why = "w"
example = "w"
instead = "w"
fine_when = "w"
"#;

#[test]
fn extra_rule_files_from_the_config() {
    let dir = project(&[
        ("repo/.git/HEAD", "ref: refs/heads/main\n"),
        (
            "repo/scaleout.toml",
            "rules = [\"ops/rules/*.toml\"]\nselect = [\"acme\"]\n",
        ),
        ("repo/ops/rules/acme.toml", CUSTOM_RULE),
        (
            "repo/src/a.js",
            "const acme = require('acme');\nacme.scratch('x');\nmodule.exports = {};\n",
        ),
        ("outside.toml", CUSTOM_RULE),
    ]);
    let repo = dir.path().join("repo");
    let out = concise(&repo, &[]);
    insta::assert_snapshot!(brief(&out.stdout), @"src/a.js:2:1: error [acme-temp-dir]");
    let out = run(&repo, &["explain", "acme-temp-dir"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    write(
        &repo,
        &[("scaleout.toml", "rules = [\"../outside.toml\"]\n")],
    );
    let out = concise(&repo, &[]);
    assert_eq!(out.code, 2);
    insta::assert_snapshot!(out.stderr, @r#"
    scaleout::config

      × `rules` entry `../outside.toml` leads outside the repository that holds scaleout.toml
       ╭─[scaleout.toml:1:10]
     1 │ rules = ["../outside.toml"]
       ·          ────────┬────────
       ·                  ╰── here
       ╰────
    "#);
    write(
        &repo,
        &[("scaleout.toml", "rules = [\"ops/rules/*.json\"]\n")],
    );
    let out = concise(&repo, &[]);
    assert!(
        out.stderr.contains("matches no rule file"),
        "{}",
        out.stderr
    );
    write(
        &repo,
        &[
            ("ops/rules/bad.toml", "id = 3\n"),
            ("scaleout.toml", "rules = [\"ops/rules\"]\n"),
        ],
    );
    let out = concise(&repo, &[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("bad.toml"), "{}", out.stderr);
}

#[test]
fn config_errors_name_the_file_line_and_key() {
    let cases = [
        "fail-on = \"warning\"\nselectt = [\"node\"]\n",
        "select = [\"node-fs-write\", \"node-fs-wrte\"]\n",
        "[severity]\nnode-set-interval = \"info\"\nno-such-rule = \"error\"\n",
        "[severity]\nnode-set-interval = \"loud\"\n",
        "exclude = [\"ok/\", \"src/{a\"]\n",
        "[per-path-ignores]\n\"scripts/**\" = [\"local-disk-writes\"]\n",
        "include-tests = \"yes\"\n",
    ];
    let mut all = String::new();
    for config in cases {
        let dir = project(&[("scaleout.toml", config), ("a.js", JS)]);
        let out = run(dir.path(), &["check"]);
        assert_eq!(out.code, 2, "{config}");
        assert_eq!(out.stdout, "");
        all.push_str(&out.stderr);
        all.push('\n');
    }
    insta::assert_snapshot!(all);
}

#[test]
fn unknown_flag_selectors_are_errors() {
    let dir = project(&[("a.js", JS)]);
    let out = concise(dir.path(), &["--select", "node,cron-libary"]);
    assert_eq!(out.code, 2);
    insta::assert_snapshot!(out.stderr, @r"
    scaleout::config

      × --select cron-libary: no rule id, id prefix or category `cron-libary` (`scaleout rules` lists
      │ them)
    ");
}

#[test]
fn init_writes_a_starter_config_once() {
    let dir = project(&[("src/a.js", JS)]);
    let out = run(dir.path(), &["init"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = std::fs::read_to_string(dir.path().join("scaleout.toml")).unwrap();
    assert_eq!(written, scaleout::config::STARTER);
    let out = concise(dir.path(), &[]);
    assert_eq!(out.code, 1, "the starter config is valid: {}", out.stderr);
    let out = run(dir.path(), &["init"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: scaleout.toml already exists; not overwriting it\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("scaleout.toml")).unwrap(),
        written
    );
}

/// The committed schema is the one generated from the serde types.
/// `SCALEOUT_WRITE_SCHEMA=1 cargo test --test config` rewrites it after a deliberate change.
#[test]
fn committed_json_schema_matches_the_config_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/scaleout.schema.json");
    let generated = scaleout::config::json_schema();
    if std::env::var_os("SCALEOUT_WRITE_SCHEMA").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schema/scaleout.schema.json is stale; run SCALEOUT_WRITE_SCHEMA=1 cargo test --test config"
    );
    let schema: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert!(schema["properties"]["per-path-ignores"].is_object());
}

/// Editors validate with the schema: the starter config and every key pass, mistakes do not.
#[test]
fn the_json_schema_accepts_valid_configs_and_rejects_mistakes() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/scaleout.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let as_json = |toml_text: &str| -> serde_json::Value {
        let value: toml::Value = toml::from_str(toml_text).unwrap();
        serde_json::to_value(value).unwrap()
    };
    assert!(validator.is_valid(&as_json(scaleout::config::STARTER)));
    assert!(validator.is_valid(&as_json(CONFIG_ALL_KEYS)));
    assert!(validator.is_valid(&as_json(
        "select = [\"node\"]\nfail-on = \"never\"\nrules = [\"r/*.toml\"]\ninclude-tests = true\n"
    )));
    for wrong in [
        "selectt = []\n",
        "fail-on = \"sometimes\"\n",
        "[severity]\nnode = \"loud\"\n",
        "include-tests = \"yes\"\n",
    ] {
        assert!(!validator.is_valid(&as_json(wrong)), "{wrong}");
    }
}
