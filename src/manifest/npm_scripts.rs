//! Node scripts that only a `package.json` script runs: a seeder, a migrator, a build
//! step. The nearest `package.json` above a file (skipping `{"type": "module"}`
//! markers) is read for its `scripts`; a JavaScript/TypeScript file named in a script's
//! command (`"seed": "node src/seed.js"`, `"db:migrate": "tsx ./db/migrate.ts"`) is a
//! separate program when every script naming it is a one-off job (`[npm]
//! one_off_scripts` in the placement data) and the package's entry points (`main`,
//! `module`, `bin`, `exports`) do not name it.
//!
//! What this cannot see: a file that the server also imports (the seed function a test
//! endpoint calls) stays quiet here; telling that needs the project's import graph.

use super::lock;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// Extensions of the files a script command can run.
const SCRIPT_EXTENSIONS: &[&str] = &["js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx"];

/// Looks up and caches, per package directory, the files only one-off scripts run.
#[derive(Debug, Default)]
pub struct ScriptCache {
    /// Per source directory: the directory of its nearest `package.json`.
    package_of: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// Per package directory: the files run only by one-off scripts.
    one_off: Mutex<HashMap<PathBuf, BTreeSet<PathBuf>>>,
    /// Per package directory: the files in tooling folders that long-lived scripts run.
    service: Mutex<HashMap<PathBuf, BTreeSet<PathBuf>>>,
}

impl ScriptCache {
    /// Whether the file at `path` is run only by one-off `package.json` scripts.
    pub fn is_one_off_script(&self, path: &Path) -> bool {
        self.files_of(path, &self.one_off, one_off_files)
            .is_some_and(|(path, files)| files.contains(&path))
    }

    /// Whether the file at `path` is a long-lived process's code kept in a tooling folder:
    /// a file that a worker-like `package.json` script runs from there (`"worker": "tsx
    /// scripts/worker.ts"`), or a module in a folder below that file's (`scripts/workers/`).
    pub fn is_service_script(&self, path: &Path) -> bool {
        self.files_of(path, &self.service, service_files)
            .is_some_and(|(path, files)| {
                files.iter().any(|entry| {
                    *entry == path
                        || entry
                            .parent()
                            .is_some_and(|dir| path.starts_with(dir) && path.parent() != Some(dir))
                })
            })
    }

    /// The normalized `path` and the files `select` picks from its nearest package's
    /// `package.json` (cached per package in `cache`).
    fn files_of(
        &self,
        path: &Path,
        cache: &Mutex<HashMap<PathBuf, BTreeSet<PathBuf>>>,
        select: fn(&str) -> BTreeSet<String>,
    ) -> Option<(PathBuf, BTreeSet<PathBuf>)> {
        let path = normalize(&std::path::absolute(path).ok()?);
        let dir = path.parent()?;
        let cached = lock(&self.package_of).get(dir).cloned();
        let package = cached.unwrap_or_else(|| {
            let found = nearest_package(dir);
            lock(&self.package_of).insert(dir.to_path_buf(), found.clone());
            found
        })?;
        if let Some(files) = lock(cache).get(&package) {
            return Some((path, files.clone()));
        }
        let text = std::fs::read_to_string(package.join("package.json")).unwrap_or_default();
        let files: BTreeSet<PathBuf> = select(&text)
            .into_iter()
            .map(|f| normalize(&package.join(f)))
            .collect();
        lock(cache).insert(package, files.clone());
        Some((path, files))
    }
}

/// The directory of the nearest `package.json` that is not a bare `{"type": ...}` marker.
fn nearest_package(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().find_map(|d| {
        let text = std::fs::read_to_string(d.join("package.json")).ok()?;
        let Ok(Value::Object(root)) = serde_json::from_str::<Value>(&text) else {
            return Some(d.to_path_buf());
        };
        let marker = root.keys().all(|k| k == "type" || k == "private");
        (!marker).then(|| d.to_path_buf())
    })
}

/// The files (relative to the package, as written) that only one-off scripts of a
/// `package.json` text run.
pub fn one_off_files(text: &str) -> BTreeSet<String> {
    let Ok(Value::Object(root)) = serde_json::from_str::<Value>(text) else {
        return BTreeSet::new();
    };
    let Some(scripts) = root.get("scripts").and_then(Value::as_object) else {
        return BTreeSet::new();
    };
    let mut one_off = BTreeSet::new();
    let mut kept = BTreeSet::new();
    for (name, command) in scripts {
        let Some(command) = command.as_str() else {
            continue;
        };
        let target = if is_one_off(name) {
            &mut one_off
        } else {
            &mut kept
        };
        target.extend(script_files(command));
    }
    for field in ["main", "module", "bin", "exports"] {
        if let Some(value) = root.get(field) {
            strings(value, &mut kept);
        }
    }
    let kept: BTreeSet<String> = kept.iter().map(|f| clean(f)).collect();
    one_off
        .into_iter()
        .map(|f| clean(&f))
        .filter(|f| !kept.contains(f))
        .collect()
}

/// The files (relative to the package, as written) in tooling folders (`scripts/`) that
/// a long-lived script of a `package.json` text runs (`"worker:prod": "tsx
/// scripts/worker.ts"`), and no one-off script does.
pub fn service_files(text: &str) -> BTreeSet<String> {
    let Ok(Value::Object(root)) = serde_json::from_str::<Value>(text) else {
        return BTreeSet::new();
    };
    let Some(scripts) = root.get("scripts").and_then(Value::as_object) else {
        return BTreeSet::new();
    };
    let commands = |wanted: fn(&str) -> bool| -> BTreeSet<String> {
        scripts
            .iter()
            .filter(|(name, _)| wanted(name))
            .filter_map(|(_, command)| command.as_str())
            .flat_map(script_files)
            .map(|f| clean(&f))
            .collect()
    };
    let one_off = commands(is_one_off);
    commands(is_service)
        .into_iter()
        .filter(|f| !one_off.contains(f))
        .filter(|f| {
            let language = if f.ends_with("ts") || f.ends_with("tsx") {
                crate::frontend::Language::TypeScript
            } else {
                crate::frontend::Language::JavaScript
            };
            crate::placement::of_path(f, language) == crate::placement::Placement::Tooling
        })
        .collect()
}

/// Whether a script name, or one of its `:`/`-`/`_`-separated parts, names a one-off job.
/// (A script that starts the application, `start:admin`, is none, whatever its other parts say.)
fn is_one_off(name: &str) -> bool {
    crate::placement::builtin().is_ok_and(|places| {
        name_matches(name, &places.npm_one_off_scripts)
            && !name_matches(name, &places.npm_start_scripts)
    })
}

/// Whether a script name, or one of its parts, names a long-lived process (a worker).
fn is_service(name: &str) -> bool {
    crate::placement::builtin().is_ok_and(|places| name_matches(name, &places.npm_service_scripts))
}

fn name_matches(name: &str, globs: &[crate::placement::glob::Glob]) -> bool {
    std::iter::once(name)
        .chain(name.split([':', '-', '_']))
        .any(|part| globs.iter().any(|g| g.matches(part)))
}

/// Source files a shell command names: words ending in a script extension.
fn script_files(command: &str) -> Vec<String> {
    command
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | ')'))
        .map(|w| w.trim_matches(|c| matches!(c, '"' | '\'')))
        .filter(|w| !w.starts_with('-') && !w.contains("://") && !w.contains('*'))
        .filter(|w| {
            Path::new(w)
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| SCRIPT_EXTENSIONS.contains(&x))
        })
        .map(str::to_string)
        .collect()
}

/// Every string inside a JSON value (for `exports` maps and `bin` objects).
fn strings(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::String(s) => {
            out.insert(s.clone());
        }
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// A relative path without `./` segments.
fn clean(path: &str) -> String {
    normalize(Path::new(path))
        .to_string_lossy()
        .replace('\\', "/")
}

/// Removes `.` segments and resolves `..` lexically.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_run_only_by_one_off_scripts() {
        let text = r#"{
            "name": "shop", "main": "src/server.js",
            "scripts": {
                "start": "node src/server.js",
                "dev": "nodemon ./src/server.js",
                "seed": "node src/seed.js",
                "db:migrate": "tsx ./db/migrate.ts --env production",
                "build:icons": "node scripts/icons.mjs && vite build",
                "worker": "node src/worker.js",
                "import-products": "ts-node src/import.ts",
                "reindex": "node src/import.ts",
                "postinstall": "node ./src/server.js --check",
                "admin:prune": "node src/admin/prune.js",
                "start:admin": "node src/admin/panel.js"
            }
        }"#;
        let files = one_off_files(text);
        let expected: BTreeSet<String> = [
            "db/migrate.ts",
            "scripts/icons.mjs",
            "src/admin/prune.js",
            "src/seed.js",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(files, expected);
        assert!(one_off_files("not json").is_empty());
        assert!(one_off_files(r#"{"name": "x"}"#).is_empty());
        let exported = r#"{"name": "x", "exports": {".": {"import": "./src/seed.js"}}, "scripts": {"seed": "node src/seed.js"}}"#;
        assert!(one_off_files(exported).is_empty());
    }

    #[test]
    fn the_cache_reads_the_nearest_package() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |p: &str, t: &str| super::super::write_tree_file(root, p, t);
        write(
            "api/package.json",
            r#"{"name": "api", "scripts": {"seed": "node src/db/seed.js", "start": "node src/index.js"}}"#,
        );
        write("api/src/db/package.json", r#"{"type": "module"}"#);
        let cache = ScriptCache::default();
        assert!(cache.is_one_off_script(&root.join("api/src/db/seed.js")));
        assert!(!cache.is_one_off_script(&root.join("api/src/index.js")));
        assert!(!cache.is_one_off_script(&root.join("api/src/db/pool.js")));
        assert!(!cache.is_one_off_script(&root.join("other/seed.js")));
    }

    #[test]
    fn worker_scripts_in_tooling_folders_are_services() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        super::super::write_tree_file(
            root,
            "package.json",
            r#"{"name": "app", "scripts": {"worker:prod": "tsx scripts/worker.ts", "jobs": "node src/jobs.js", "seed": "node scripts/seed.js", "seed:worker": "node scripts/fill.js"}}"#,
        );
        let cache = ScriptCache::default();
        // The worker a long-lived script runs from `scripts/`, and its modules below it.
        assert!(cache.is_service_script(&root.join("scripts/worker.ts")));
        assert!(cache.is_service_script(&root.join("scripts/workers/archive.ts")));
        // Its sibling scripts, a worker outside a tooling folder (server code anyway) and a
        // file a one-off script also runs stay as they are.
        assert!(!cache.is_service_script(&root.join("scripts/make-icons.js")));
        assert!(!cache.is_service_script(&root.join("src/jobs.js")));
        assert!(!cache.is_service_script(&root.join("scripts/fill.js")));
    }
}
