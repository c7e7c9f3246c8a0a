//! The same tree gives byte-identical output (JSON, SARIF, concise) with one thread and
//! with many, run after run, whatever order its directory entries come in.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir`, relative to it, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// A copy of the fixtures (plus files that give errors), its files created in `order`.
fn copy(order: &[PathBuf]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for rel in order {
        let to = dir.path().join("fixtures").join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(root().join("fixtures").join(rel), to).unwrap();
    }
    let errors: [(&str, &[u8]); 3] = [
        ("bad/latin1.js", b"// caf\xe9\nsetInterval(f, 1);\n"),
        ("bad/broken.rs", b"fn main( {\n"),
        ("bad/partial.ts", b"setInterval(f, 1);\nfunction (\n"),
    ];
    for (rel, bytes) in errors {
        let to = dir.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, bytes).unwrap();
    }
    dir
}

/// The output, with the tree's own location (SARIF's `originalUriBaseIds`) made neutral.
fn output(dir: &Path, format: &str, threads: &str) -> String {
    let out = Command::cargo_bin("scaleout")
        .unwrap()
        .current_dir(dir)
        // A generous parse budget: on a loaded machine the default wall-clock budget is the
        // one input that depends on timing, and this test is about ordering.
        .args(["check", "--format", format, "--threads", threads])
        .args(["--parse-timeout", "600", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let root = format!("file://{}/", dir.display());
    String::from_utf8(out.stdout)
        .unwrap()
        .replace(&root, "file:///ROOT/")
}

#[test]
fn output_is_byte_identical_across_threads_runs_and_creation_orders() {
    let sorted = files(&root().join("fixtures"));
    let reversed: Vec<PathBuf> = sorted.iter().rev().cloned().collect();
    let (a, b) = (copy(&sorted), copy(&reversed));
    for format in ["json", "sarif", "concise"] {
        let expected = output(a.path(), format, "1");
        assert!(expected.len() > 1000, "{format}: the tree has findings");
        for (dir, threads) in [(&a, "8"), (&b, "1"), (&b, "8"), (&a, "8"), (&b, "3")] {
            let got = output(dir.path(), format, threads);
            assert!(
                got == expected,
                "{format} differs with {threads} threads in {}",
                dir.path().display()
            );
        }
    }
}
