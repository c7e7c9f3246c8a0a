//! Finds the files to lint: a parallel walk that honours `.gitignore`/`.ignore`
//! and skips dependency and build-output directories.
//!
//! Symbolic links met during the walk are not followed unless asked (as in ripgrep and
//! ruff); links named on the command line are. When following, loops are reported and
//! a file reached through several links is linted once. FIFOs, sockets and devices are
//! never opened.

use crate::frontend::Language;
use ignore::{WalkBuilder, WalkState};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Directory names never descended into (dependencies, build output, VCS metadata);
/// `bin` only when it is .NET build output (see `is_excluded_dir`).
pub const EXCLUDED_DIRS: &[&str] = &[
    "node_modules",
    "target",
    "bin",
    "obj",
    "dist",
    "build",
    "vendor",
    ".git",
];

/// Whether to skip a directory. `bin` is .NET build output only when it holds `Debug`/`Release`
/// folders or sits beside a project file; elsewhere (Rust's `src/bin/`) it is source.
fn is_excluded_dir(path: &Path, name: &str) -> bool {
    if name != "bin" {
        return EXCLUDED_DIRS.contains(&name);
    }
    let build_output = ["Debug", "Release"].iter().any(|d| path.join(d).is_dir());
    let beside_project = path
        .parent()
        .and_then(|p| std::fs::read_dir(p).ok())
        .is_some_and(|entries| {
            entries.filter_map(Result::ok).any(|e| {
                let n = e.file_name();
                let n = n.to_string_lossy();
                n.ends_with(".csproj") || n.ends_with(".fsproj") || n.ends_with(".vbproj")
            })
        });
    build_output || beside_project
}

/// A file to lint.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceFile {
    /// Where it is.
    pub path: PathBuf,
    /// What it is written in.
    pub language: Language,
}

/// A path the walk could not follow (unreadable directory, broken symlink, symlink loop).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkError {
    /// The path, when the walker knows it.
    pub path: Option<PathBuf>,
    /// What went wrong.
    pub message: String,
}

/// Walks `roots` with `threads` threads. Files named explicitly are taken as they are
/// (if their extension is supported); directories are walked with the default excludes.
/// `follow` follows symbolic links inside directories. The result is sorted by path.
pub fn discover(
    roots: &[PathBuf],
    threads: usize,
    follow: bool,
) -> (Vec<SourceFile>, Vec<WalkError>) {
    discover_pruned(roots, threads, follow, |_| false)
}

/// Like [`discover`], and never descends into a directory for which `skip_dir` (given the
/// walked path) is true: the config's excludes.
pub fn discover_pruned(
    roots: &[PathBuf],
    threads: usize,
    follow: bool,
    skip_dir: impl Fn(&Path) -> bool + Send + Sync + 'static,
) -> (Vec<SourceFile>, Vec<WalkError>) {
    let Some((first, rest)) = roots.split_first() else {
        return (Vec::new(), Vec::new());
    };
    let mut builder = WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    builder
        .threads(threads)
        .follow_links(follow)
        .require_git(false)
        .filter_entry(move |entry| {
            entry.depth() == 0
                || !entry.file_type().is_some_and(|t| t.is_dir())
                || !(is_excluded_dir(entry.path(), &entry.file_name().to_string_lossy())
                    || skip_dir(entry.path()))
        });
    let files = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        Box::new(|result| {
            match result {
                Ok(entry) => {
                    let language = Language::from_path(entry.path());
                    match (entry.file_type(), language) {
                        (Some(t), Some(language)) if t.is_file() => {
                            let file = SourceFile {
                                path: entry.into_path(),
                                language,
                            };
                            files.lock().unwrap_or_else(|e| e.into_inner()).push(file);
                        }
                        // Reading a FIFO or a device could block or have side effects.
                        (Some(t), Some(_)) if !t.is_dir() && !t.is_symlink() => {
                            let error = WalkError {
                                path: Some(entry.into_path()),
                                message: NOT_REGULAR.into(),
                            };
                            errors.lock().unwrap_or_else(|e| e.into_inner()).push(error);
                        }
                        _ => {}
                    }
                }
                Err(err) => errors
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(walk_error(err)),
            }
            WalkState::Continue
        })
    });
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort();
    files.dedup();
    if follow {
        once_per_target(&mut files);
    }
    let mut errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    (files, errors)
}

/// Why a FIFO, socket or device with a source file's name is not read.
pub const NOT_REGULAR: &str = "not a regular file (FIFO, socket or device); skipped";

/// Keeps the first (by path) of the files that are the same file reached through
/// different symbolic links.
fn once_per_target(files: &mut Vec<SourceFile>) {
    let mut seen = std::collections::HashSet::new();
    files
        .retain(|f| seen.insert(std::fs::canonicalize(&f.path).unwrap_or_else(|_| f.path.clone())));
}

fn walk_error(err: ignore::Error) -> WalkError {
    // Peel the path/depth wrappers to get at the cause and the innermost path.
    let mut path = None;
    let mut current = &err;
    loop {
        match current {
            ignore::Error::WithPath { path: p, err } => {
                path = Some(p.clone());
                current = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                current = err
            }
            ignore::Error::Loop { child, .. } => {
                return WalkError {
                    path: Some(child.clone()),
                    message: "symbolic link loop; not followed".into(),
                }
            }
            ignore::Error::Io(io) if io.kind() == std::io::ErrorKind::NotFound => {
                return WalkError {
                    path,
                    message: "broken symbolic link or file vanished during the scan".into(),
                }
            }
            other => {
                return WalkError {
                    path,
                    message: other.to_string(),
                }
            }
        }
    }
}

/// The path to show a user: relative to `cwd` when under it, `/`-separated, no `./`.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let relative = path.strip_prefix(cwd).unwrap_or(path);
    let parts: Vec<String> = relative
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let joined = parts.join("/");
    if relative.has_root() && !joined.starts_with('/') {
        // Unix roots come out as a "/" component; keep a single leading slash.
        format!("/{}", joined.trim_start_matches('/'))
    } else {
        joined.replace("//", "/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths_are_relative_and_slash_separated() {
        let cwd = Path::new("/repo");
        assert_eq!(display_path(Path::new("/repo/src/a.js"), cwd), "src/a.js");
        assert_eq!(display_path(Path::new("./src/a.js"), cwd), "src/a.js");
        assert_eq!(display_path(Path::new("/other/a.js"), cwd), "/other/a.js");
        assert_eq!(display_path(Path::new("../x/a.js"), cwd), "../x/a.js");
    }
}
