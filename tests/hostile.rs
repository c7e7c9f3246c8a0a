//! Hostile input, generated at test time: every case gives a clear per-file error or a
//! skip, a good file next to it is still reported, and the exit code is never 101.

use assert_cmd::Command;
use std::path::Path;
use std::time::{Duration, Instant};

/// Reported as `node-set-interval` at 1:1 wherever it is.
const GOOD: &str = "setInterval(poll, 1000);\n";

/// One `scaleout check --format json` run.
struct Run {
    json: serde_json::Value,
    code: i32,
}

impl Run {
    /// `(path, line, column)` of every finding.
    fn findings(&self) -> Vec<(String, u64, u64)> {
        self.json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    f["start_line"].as_u64().unwrap(),
                    f["start_column"].as_u64().unwrap(),
                )
            })
            .collect()
    }

    fn has_finding(&self, path: &str) -> bool {
        self.findings().iter().any(|(p, ..)| p == path)
    }

    /// The error message for `path`, if any.
    fn error(&self, path: &str) -> Option<String> {
        self.json["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["path"] == path)
            .map(|e| e["message"].as_str().unwrap().to_string())
    }

    fn errors(&self) -> usize {
        self.json["errors"].as_array().unwrap().len()
    }

    fn files_scanned(&self) -> u64 {
        self.json["summary"]["files_scanned"].as_u64().unwrap()
    }
}

/// Runs `scaleout check --format json ARGS` in `dir` (with a timeout: nothing may block)
/// and checks what holds for every hostile case.
fn check(dir: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("scaleout")
        .unwrap()
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let code = out.status.code().expect("exited, not killed or timed out");
    assert!(
        code == 0 || code == 1,
        "exit code {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    Run { json, code }
}

/// A directory holding `good.js`.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.js"), GOOD).unwrap();
    dir
}

fn assert_good_reported(run: &Run) {
    assert!(
        run.findings().contains(&("good.js".into(), 1, 1)),
        "{:#}",
        run.json
    );
    assert_eq!(run.code, 1);
}

#[test]
fn invalid_utf8_is_analysed_with_replacement_characters() {
    let dir = tree();
    std::fs::write(
        dir.path().join("latin1.js"),
        b"var s = '\xe9\xe8'; setInterval(f, 1);\n",
    )
    .unwrap();
    let run = check(dir.path(), &["."]);
    assert_good_reported(&run);
    // Each invalid byte is one U+FFFD, so the column is the one an editor shows.
    assert!(run.findings().contains(&("latin1.js".into(), 1, 15)));
    assert_eq!(
        run.error("latin1.js").as_deref(),
        Some("not valid UTF-8: 2 invalid sequences replaced with U+FFFD (first at 1:10); analysed")
    );
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
    units
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

#[test]
fn utf16_with_and_without_bom_is_decoded() {
    let dir = tree();
    let js = "// café\r\nsetInterval(tick, 1000);\r\n";
    let cs = "using System.IO;\r\n// Ünïcödé\r\nclass A { void M() { File.WriteAllText(\"a.txt\", \"x\"); } }\r\n";
    for (name, big, bom) in [
        ("le_bom", false, true),
        ("be_bom", true, true),
        ("le", false, false),
        ("be", true, false),
    ] {
        std::fs::write(dir.path().join(format!("{name}.js")), utf16(js, big, bom)).unwrap();
        std::fs::write(dir.path().join(format!("{name}.cs")), utf16(cs, big, bom)).unwrap();
    }
    // Positions are the point here, not whether a server reaches `M`.
    let run = check(dir.path(), &[".", "--show-all"]);
    assert_good_reported(&run);
    assert_eq!(run.errors(), 0, "{:#}", run.json);
    for name in ["le_bom", "be_bom", "le", "be"] {
        assert!(run.findings().contains(&(format!("{name}.js"), 2, 1)));
        assert!(run.findings().contains(&(format!("{name}.cs"), 3, 22)));
    }
}

#[test]
fn binary_with_a_source_name_is_refused() {
    let dir = tree();
    let mut blob = b"\x7fELF\x02\x01\x01\x00".to_vec();
    blob.extend((0..4096u32).flat_map(|i| [0, (i % 251) as u8, 0, 0]));
    std::fs::write(dir.path().join("blob.js"), blob).unwrap();
    let run = check(dir.path(), &["."]);
    assert_good_reported(&run);
    assert_eq!(
        run.error("blob.js").as_deref(),
        Some("binary file (contains NUL bytes); not analysed")
    );
}

#[test]
fn a_50_mb_minified_bundle_is_skipped_without_being_parsed() {
    let dir = tree();
    let chunk = "setInterval(function(){a.b(c)},1e3);var x=[1,2,3];".repeat(1000);
    let mut bundle = String::with_capacity(50_000_000);
    while bundle.len() < 50_000_000 {
        bundle.push_str(&chunk);
    }
    std::fs::write(dir.path().join("bundle.js"), &bundle).unwrap();
    let start = Instant::now();
    let run = check(dir.path(), &["."]);
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
    assert_good_reported(&run);
    let error = run.error("bundle.js").unwrap();
    assert!(
        error.starts_with("larger than the 4 MiB limit (47.")
            && error.ends_with("MiB); skipped (--max-file-size raises it)"),
        "{error}"
    );
    // With a higher limit it is read, then skipped as minified: still not parsed.
    let run = check(dir.path(), &["--max-file-size", "64MiB", "."]);
    assert_good_reported(&run);
    assert_eq!(run.error("bundle.js"), None);
    assert!(!run.has_finding("bundle.js"));
    assert_eq!(run.files_scanned(), 1);
}

#[test]
fn a_parse_over_the_time_budget_is_reported() {
    let dir = tree();
    let big = "x(1, 2, [3, 4], {a: 5});\n".repeat(120_000);
    std::fs::write(dir.path().join("big.js"), big).unwrap();
    let run = check(dir.path(), &["--parse-timeout", "100ms", "."]);
    assert_good_reported(&run);
    // 3 MB take far longer than 100 ms to parse (about 1 s at tree-sitter's speed in
    // a debug build).
    assert_eq!(
        run.error("big.js").as_deref(),
        Some("parsing took longer than 100ms (--parse-timeout raises the limit); not analysed")
    );
}

#[test]
fn nesting_100000_deep_is_refused_in_every_language() {
    let dir = tree();
    let n = 100_000;
    let mut names = Vec::new();
    for ext in ["rs", "js", "ts", "tsx", "cs"] {
        for (kind, open, close) in [
            ("parens", "(", ")"),
            ("brackets", "[", "]"),
            ("blocks", "{", "}"),
        ] {
            let name = format!("{kind}.{ext}");
            let text = format!(
                "x = {}1{};\n",
                format!("{open}\n").repeat(n),
                close.repeat(n)
            );
            std::fs::write(dir.path().join(&name), text).unwrap();
            names.push(name);
        }
    }
    // Chains without brackets: `syn` would recurse once per link.
    for (kind, chain) in [
        ("not", "!\n".repeat(n) + "x"),
        ("closures", "move ||\n".repeat(n) + "x"),
        ("returns", "return\n".repeat(n) + "x"),
        (
            "fn_types",
            "f as ".to_string() + &"fn() ->\n".repeat(n) + "u8",
        ),
    ] {
        let name = format!("{kind}.rs");
        std::fs::write(
            dir.path().join(&name),
            format!("fn f() {{\n    let x = {chain};\n}}\n"),
        )
        .unwrap();
        names.push(name);
    }
    let run = check(dir.path(), &["."]);
    assert_good_reported(&run);
    for name in &names {
        let error = run
            .error(name)
            .unwrap_or_else(|| panic!("{name}: {:#}", run.json));
        assert!(error.contains("nest"), "{name}: {error}");
    }
    // Deep trees tree-sitter builds without brackets are analysed: a member chain, a
    // sum, an `else if` ladder.
    let n = 20_000;
    let chains = [
        ("member.js", format!("var x = a{};\n", "\n.b".repeat(n))),
        (
            "sum.ts",
            format!("var x = {}1;\nsetInterval(f, 1);\n", "1 +\n".repeat(n)),
        ),
        (
            "ladder.cs",
            format!(
                "class A {{ void M() {{\nif (a) {{ }}{}\n}} }}\n",
                "\nelse if (a) { }".repeat(n)
            ),
        ),
    ];
    for (name, text) in &chains {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let run = check(dir.path(), &["member.js", "sum.ts", "ladder.cs", "good.js"]);
    assert_good_reported(&run);
    assert_eq!(run.errors(), 0, "{:#}", run.json);
    assert!(run.findings().contains(&("sum.ts".into(), n as u64 + 2, 1)));
}

#[test]
fn unterminated_strings_and_comments_are_syntax_errors() {
    let dir = tree();
    let cases = [
        ("string.js", "setInterval(f, 1);\nconst s = 'abc\n"),
        ("comment.ts", "setInterval(f, 1);\n/* never closed\n"),
        ("template.tsx", "setInterval(f, 1);\nconst s = `abc ${x\n"),
        ("string.cs", "class A {\n  string s = \"abc\n}\n"),
        ("comment.cs", "class A { }\n/* never closed\n"),
        ("string.rs", "fn main() {\n    let s = \"abc;\n}\n"),
        ("comment.rs", "fn main() {}\n/* never closed\n"),
        ("raw.rs", "fn main() { let s = r##\"abc\"#; }\n"),
    ];
    for (name, text) in cases {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let run = check(dir.path(), &["."]);
    assert_good_reported(&run);
    for (name, _) in cases {
        let error = run
            .error(name)
            .unwrap_or_else(|| panic!("{name}: {:#}", run.json));
        assert!(
            error.contains("syntax error") || error.contains("could not parse"),
            "{name}: {error}"
        );
    }
    // tree-sitter recovers: what parsed before the error is still reported.
    for name in ["string.js", "comment.ts", "template.tsx"] {
        assert!(run.findings().contains(&(name.into(), 1, 1)), "{name}");
    }
}

#[test]
fn crlf_and_lone_cr_line_ends_give_exact_positions() {
    let dir = tree();
    for (name, end) in [("crlf", "\r\n"), ("cr", "\r"), ("lf", "\n")] {
        let js = ["// é", "const x = 1;", "  setInterval(f, 1);", ""].join(end);
        std::fs::write(dir.path().join(format!("{name}.js")), js).unwrap();
        let rs = [
            "use std::fs;",
            "fn main() {",
            "    fs::write(\"a\", \"b\").unwrap();",
            "}",
            "",
        ]
        .join(end);
        std::fs::write(dir.path().join(format!("{name}.rs")), rs).unwrap();
        let cs = [
            "using System.IO;",
            "class A {",
            "  void M() { File.WriteAllText(\"a.txt\", \"x\"); }",
            "}",
            "",
        ]
        .join(end);
        std::fs::write(dir.path().join(format!("{name}.cs")), cs).unwrap();
    }
    // Positions are the point here, not whether a server reaches `M`.
    let run = check(dir.path(), &[".", "--show-all"]);
    assert_good_reported(&run);
    assert_eq!(run.errors(), 0, "{:#}", run.json);
    let findings: Vec<_> = run.json["findings"].as_array().unwrap().clone();
    for name in ["crlf", "cr", "lf"] {
        let span = |path: String| {
            let f = findings
                .iter()
                .find(|f| f["path"] == path.as_str())
                .unwrap_or_else(|| panic!("{path}"));
            let n = |k: &str| f[k].as_u64().unwrap();
            (
                n("start_line"),
                n("start_column"),
                n("end_line"),
                n("end_column"),
                f["snippet"].as_str().unwrap().to_string(),
            )
        };
        assert_eq!(
            span(format!("{name}.js")),
            (3, 3, 3, 20, "setInterval(f, 1);".into())
        );
        assert_eq!(
            span(format!("{name}.rs")),
            (3, 5, 3, 24, "fs::write(\"a\", \"b\").unwrap();".into())
        );
        assert_eq!(
            span(format!("{name}.cs")),
            (
                3,
                14,
                3,
                45,
                "void M() { File.WriteAllText(\"a.txt\", \"x\"); }".into()
            )
        );
    }
}

#[test]
fn a_file_that_vanishes_after_the_walk_is_reported() {
    use scaleout::catalogue::Catalogue;
    use scaleout::discover::discover;
    use scaleout::engine::Engine;
    use scaleout::limits::Limits;
    use scaleout::progress::ScanProgress;
    use scaleout::scan::scan_files;

    let dir = tree();
    std::fs::write(dir.path().join("gone.js"), GOOD).unwrap();
    let (files, errors) = discover(&[dir.path().to_path_buf()], 2, false);
    assert_eq!((files.len(), errors.len()), (2, 0));
    std::fs::remove_file(dir.path().join("gone.js")).unwrap();
    let engine = Engine::new(&Catalogue::builtin().unwrap());
    let result = scan_files(
        &engine,
        &files,
        Vec::new(),
        dir.path(),
        &Limits::default(),
        &ScanProgress::default(),
        true,
    );
    assert_eq!(result.files_scanned, 1);
    assert_eq!(result.findings[0].path, "good.js");
    assert_eq!(result.errors.len(), 1);
    assert_eq!(result.errors[0].path, "gone.js");
    assert_eq!(
        result.errors[0].message,
        "file disappeared during the scan (or is a broken symbolic link); not analysed"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_reported() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = tree();
    let d = dir.path();
    std::fs::write(d.join("locked.js"), GOOD).unwrap();
    std::fs::set_permissions(d.join("locked.js"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let run = check(d, &["."]);
    assert_good_reported(&run);
    let root = std::fs::metadata(d.join("good.js")).unwrap().uid() == 0;
    if root {
        // Permission bits do not stop root: the file is read like any other.
        assert!(run.has_finding("locked.js"));
    } else {
        let error = run.error("locked.js").unwrap();
        assert!(
            error.starts_with("cannot read file: Permission denied"),
            "{error}"
        );
    }
    // What fails to read even for root: a file whose every read is an I/O error.
    if Path::new("/proc/self/mem").exists() {
        std::os::unix::fs::symlink("/proc/self/mem", d.join("mem.js")).unwrap();
        let run = check(d, &["mem.js", "good.js"]);
        assert_good_reported(&run);
        let error = run.error("mem.js").unwrap();
        assert!(
            error.starts_with("cannot read file: Input/output error"),
            "{error}"
        );
    }
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_never_followed_twice() {
    let dir = tree();
    let d = dir.path();
    std::fs::create_dir(d.join("sub")).unwrap();
    std::fs::write(d.join("sub/inner.js"), GOOD).unwrap();
    std::os::unix::fs::symlink(d, d.join("sub/back")).unwrap();
    std::os::unix::fs::symlink("self.js", d.join("self.js")).unwrap();
    let run = check(d, &["."]);
    assert_good_reported(&run);
    assert_eq!(
        run.errors(),
        0,
        "links are not followed by default: {:#}",
        run.json
    );
    let run = check(d, &["--follow", "."]);
    assert_good_reported(&run);
    assert_eq!(
        run.error("sub/back").as_deref(),
        Some("symbolic link loop; not followed")
    );
    assert!(run.error("self.js").is_some(), "{:#}", run.json);
    let paths: Vec<String> = run.findings().into_iter().map(|f| f.0).collect();
    assert_eq!(paths, ["good.js", "sub/inner.js"]);
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_root_are_followed_only_when_asked_and_once() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.js"), GOOD).unwrap();
    let dir = tree();
    let d = dir.path();
    std::os::unix::fs::symlink(outside.path(), d.join("out")).unwrap();
    std::os::unix::fs::symlink(outside.path(), d.join("out2")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.js"), d.join("linked.js")).unwrap();
    let run = check(d, &["."]);
    assert_good_reported(&run);
    let paths: Vec<String> = run.findings().into_iter().map(|f| f.0).collect();
    assert_eq!(paths, ["good.js"]);
    // With --follow, the outside file is linted once, under its first path.
    let run = check(d, &["--follow", "."]);
    let paths: Vec<String> = run.findings().into_iter().map(|f| f.0).collect();
    assert_eq!(paths, ["good.js", "linked.js"]);
    // A link named on the command line is followed, as in ripgrep.
    let run = check(d, &["out", "good.js"]);
    let paths: Vec<String> = run.findings().into_iter().map(|f| f.0).collect();
    assert_eq!(paths, ["good.js", "out/secret.js"]);
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_are_skipped_without_blocking() {
    let dir = tree();
    let d = dir.path();
    let made = std::process::Command::new("mkfifo")
        .arg(d.join("pipe.js"))
        .status()
        .unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink("/dev/null", d.join("null.cs")).unwrap();
    let skipped = "not a regular file (FIFO, socket or device); skipped";
    let run = check(d, &["."]);
    assert_good_reported(&run);
    assert_eq!(run.error("pipe.js").as_deref(), Some(skipped));
    assert_eq!(
        run.error("null.cs"),
        None,
        "links are not followed by default"
    );
    let run = check(d, &["--follow", "."]);
    assert_good_reported(&run);
    assert_eq!(run.error("pipe.js").as_deref(), Some(skipped));
    assert_eq!(run.error("null.cs").as_deref(), Some(skipped));
    let run = check(d, &["pipe.js", "null.cs", "good.js"]);
    assert_good_reported(&run);
    assert_eq!(run.errors(), 2);
}

#[cfg(unix)]
#[test]
fn long_paths_and_non_utf8_names() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tree();
    let d = dir.path();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.js");
    std::fs::write(d.join(name), GOOD).unwrap();
    // 14 levels of 250-byte names: 3.5 KB, under PATH_MAX.
    let long: std::path::PathBuf = (0..14).map(|i| format!("{i:0>250}")).collect();
    std::fs::create_dir_all(d.join(&long)).unwrap();
    std::fs::write(d.join(&long).join(format!("{:x>240}.js", "")), GOOD).unwrap();
    // 20 levels: over PATH_MAX (4096), made one `cd` at a time.
    let script =
        "for i in $(seq 20); do d=$(printf '%0250d' $i); mkdir $d && cd -P $d || exit 1; done; \
                  printf 'setInterval(f, 1);\\n' > deep.js";
    let made = std::process::Command::new("sh")
        .args(["-c", script])
        .current_dir(d)
        .status()
        .unwrap();
    assert!(made.success());
    let run = check(d, &["."]);
    assert_good_reported(&run);
    let paths: Vec<String> = run.findings().into_iter().map(|f| f.0).collect();
    assert!(paths.contains(&"caf\u{fffd}.js".to_string()), "{paths:?}");
    assert!(
        paths.iter().any(|p| p.len() > 3500 && p.ends_with("x.js")),
        "{paths:?}"
    );
    let too_long: Vec<_> = run.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["message"]
                .as_str()
                .unwrap()
                .contains("File name too long")
        })
        .collect();
    assert_eq!(too_long.len(), 1, "{:#}", run.json["errors"]);
}

#[test]
fn empty_and_bom_only_files_are_analysed() {
    let dir = tree();
    std::fs::write(dir.path().join("empty.js"), "").unwrap();
    std::fs::write(dir.path().join("bom.cs"), b"\xEF\xBB\xBF").unwrap();
    std::fs::write(dir.path().join("bom16.ts"), b"\xFF\xFE").unwrap();
    std::fs::write(dir.path().join("empty.rs"), "").unwrap();
    let run = check(dir.path(), &["."]);
    assert_good_reported(&run);
    assert_eq!(run.errors(), 0, "{:#}", run.json);
    assert_eq!(run.files_scanned(), 5);
}
