//! `--changed-since GIT_REF`: the files changed since a git ref, for pull-request runs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The absolute paths of files that differ from `git_ref` in the working tree (committed,
/// staged or not), plus untracked files that are not ignored. An error (with git's message)
/// outside a git repository or for an unknown ref.
pub fn changed_files(git_ref: &str, cwd: &Path) -> Result<BTreeSet<PathBuf>, String> {
    let top = git(cwd, &["rev-parse", "--show-toplevel"])
        .map_err(|e| format!("--changed-since needs a git repository: {e}"))?;
    let top = PathBuf::from(top.trim_end_matches(['\n', '\r']));
    let diff = git(&top, &["diff", "--name-only", "-z", git_ref, "--"])
        .map_err(|e| format!("--changed-since {git_ref}: {e}"))?;
    let untracked = git(&top, &["ls-files", "--others", "--exclude-standard", "-z"])
        .map_err(|e| format!("--changed-since {git_ref}: {e}"))?;
    Ok(diff
        .split('\0')
        .chain(untracked.split('\0'))
        .filter(|p| !p.is_empty())
        .map(|p| top.join(p))
        .collect())
}

/// Runs git in `dir`; its stdout, or its first stderr line as the error.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(stderr.lines().next().unwrap_or("git failed").to_string());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
