//! Helpers shared by the CLI test files: throwaway projects and runs of the binary.
#![allow(dead_code)] // each test file uses its own subset

use assert_cmd::Command;
use std::path::Path;

/// JavaScript with one `node-fs-write` (line 2) and one `node-set-interval` (line 3).
pub const JS: &str =
    "const fs = require('fs');\napp.post('/', () => fs.writeFileSync('state.json', '{}'));\nsetInterval(tick, 1000);\n";

/// A temporary directory holding `files` (path, contents); parent directories are created.
pub fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    dir
}

/// Writes `files` (path, contents) under `root`.
pub fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// What one run printed and its exit status.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// Runs `scaleout ARGS` in `dir`, with colours and CI detection off.
pub fn run(dir: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("scaleout")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .args(args)
        .output()
        .unwrap();
    Run {
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        code: out.status.code().unwrap(),
    }
}

/// `scaleout check --format concise ARGS` in `dir`.
pub fn concise(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["check", "--format", "concise"];
    all.extend_from_slice(args);
    run(dir, &all)
}

/// Concise output cut after the rule id: `path:line:col: severity [rule]`, one per line.
pub fn brief(stdout: &str) -> String {
    stdout
        .lines()
        .map(|l| l.split_once(']').map_or(l, |(head, _)| head).to_string() + "]\n")
        .collect()
}
