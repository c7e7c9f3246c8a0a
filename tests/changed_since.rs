//! `--changed-since GIT_REF`: only files changed since a ref (and untracked ones) are linted.

mod common;

use common::{brief, concise, project, write, JS};
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn only_changed_and_untracked_files_are_reported() {
    let dir = project(&[
        ("src/old.js", JS),
        ("src/edited.js", "const x = 1;\n"),
        (".gitignore", "generated/\n"),
    ]);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "start"]);
    write(
        dir.path(),
        &[
            ("src/edited.js", JS),
            ("src/staged.js", JS),
            ("src/untracked.js", JS),
            ("generated/ignored.js", JS),
        ],
    );
    git(dir.path(), &["add", "src/staged.js"]);
    let out = concise(
        dir.path(),
        &["--changed-since", "HEAD", "--select", "node-fs-write"],
    );
    insta::assert_snapshot!(brief(&out.stdout), @r"
    src/edited.js:2:21: warning [node-fs-write]
    src/staged.js:2:21: warning [node-fs-write]
    src/untracked.js:2:21: warning [node-fs-write]
    ");
    // From a subdirectory, with a path argument.
    let out = concise(
        &dir.path().join("src"),
        &["--changed-since", "HEAD", "--select", "node-fs-write", "."],
    );
    insta::assert_snapshot!(brief(&out.stdout), @r"
    edited.js:2:21: warning [node-fs-write]
    staged.js:2:21: warning [node-fs-write]
    untracked.js:2:21: warning [node-fs-write]
    ");
    let out = concise(dir.path(), &["--changed-since", "no-such-ref"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("error: --changed-since no-such-ref: "),
        "{}",
        out.stderr
    );
}

#[test]
fn outside_a_git_repository_it_is_a_clear_error() {
    let dir = project(&[("a.js", JS)]);
    // git must not find a repository above the temporary directory either.
    let out = assert_cmd::Command::cargo_bin("scaleout")
        .unwrap()
        .current_dir(dir.path())
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .args(["check", "--changed-since", "main"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(
            "error: --changed-since needs a git repository: fatal: not a git repository"
        ),
        "{stderr}"
    );
}
