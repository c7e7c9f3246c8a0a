//! Server files of Meteor packages. A package's manifest, `package.js` (`Package.onUse`),
//! names the files the framework loads into each process: `api.addFiles('auth_server.js',
//! 'server')`, `api.mainModule('server/main.js', 'server')`. A file loaded on the server runs
//! when the server starts, although no other file imports it and it exports nothing: its top
//! level (handlers it registers, state it keeps) is server code, not a program of its own.
//! A file added without an architecture is loaded on the client and the server alike.
//!
//! The manifest is read as text: the string literals of each `addFiles`/`mainModule` call.

use super::lock;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The manifest's file name, in the package's root directory.
const MANIFEST: &str = "package.js";

/// How many directories above a file are searched for its package's manifest.
const MAX_DEPTH: usize = 4;

/// Looks up and caches, per directory, the server files its Meteor package loads.
#[derive(Debug, Default)]
pub struct MeteorCache {
    /// Per directory: the files its own `package.js` loads on the server (`None`: no
    /// Meteor manifest there).
    packages: Mutex<HashMap<PathBuf, Option<BTreeSet<PathBuf>>>>,
}

impl MeteorCache {
    /// Whether the file at `path` is loaded on the server by the nearest Meteor package
    /// manifest above it (at most a few directories up).
    pub fn is_server_file(&self, path: &Path) -> bool {
        let Ok(path) = std::path::absolute(path) else {
            return false;
        };
        path.ancestors()
            .skip(1)
            .take(MAX_DEPTH)
            .find_map(|dir| self.server_files(dir))
            .is_some_and(|files| files.contains(&path))
    }

    /// The server files of the manifest in `dir`, read once per directory.
    fn server_files(&self, dir: &Path) -> Option<BTreeSet<PathBuf>> {
        if let Some(cached) = lock(&self.packages).get(dir) {
            return cached.clone();
        }
        let files = std::fs::read_to_string(dir.join(MANIFEST))
            .ok()
            .filter(|text| text.contains("Package.onUse"))
            .map(|text| {
                server_files(&text)
                    .into_iter()
                    .map(|f| dir.join(f.trim_start_matches("./")))
                    .collect()
            });
        lock(&self.packages).insert(dir.to_path_buf(), files.clone());
        files
    }
}

/// The files a manifest's `addFiles`/`mainModule` calls load on the server: every string
/// literal of the first argument, when the call names no architecture or names `server`.
pub fn server_files(text: &str) -> BTreeSet<String> {
    let mut files = BTreeSet::new();
    for call in ["addFiles(", "mainModule("] {
        for (at, _) in text.match_indices(call) {
            let Some(arguments) = arguments(&text[at + call.len()..]) else {
                continue;
            };
            let (first, rest) = split_first(arguments);
            let architectures = literals(rest);
            if architectures.is_empty() || architectures.contains(&"server") {
                files.extend(literals(first).into_iter().map(str::to_string));
            }
        }
    }
    files
}

/// The text of a call's arguments, up to its closing parenthesis.
fn arguments(text: &str) -> Option<&str> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' if depth == 0 => return Some(&text[..i]),
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The first argument and the rest, split at the first comma outside brackets.
fn split_first(arguments: &str) -> (&str, &str) {
    let mut depth = 0usize;
    for (i, c) in arguments.char_indices() {
        match c {
            '[' | '{' | '(' => depth += 1,
            ']' | '}' | ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => return (&arguments[..i], &arguments[i + 1..]),
            _ => {}
        }
    }
    (arguments, "")
}

/// The contents of the quoted string literals in `text`.
fn literals(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(['\'', '"', '`']) {
        let quote = rest[start..].chars().next().unwrap_or('\'');
        let body = &rest[start + 1..];
        let Some(end) = body.find(quote) else {
            break;
        };
        out.push(&body[..end]);
        rest = &body[end + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_files_are_those_added_for_the_server_or_for_every_architecture() {
        let manifest = r#"
Package.onUse(function (api) {
  api.use('webapp', 'server');
  api.addFiles('login_client.js', 'web.browser');
  api.addFiles(['login_server.js', "lib/tokens.js"], 'server');
  api.addFiles('shared.js');
  api.addFiles('both.js', ['client', 'server']);
  api.mainModule('server/main.js', 'server');
  api.mainModule('client/main.js', 'client');
});
"#;
        let files: Vec<String> = server_files(manifest).into_iter().collect();
        assert_eq!(
            files,
            [
                "both.js",
                "lib/tokens.js",
                "login_server.js",
                "server/main.js",
                "shared.js"
            ]
        );
        assert!(server_files("api.addFiles(").is_empty());
    }

    #[test]
    fn the_cache_finds_the_manifest_above_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        crate::manifest::write_tree_file(
            root,
            "packages/accounts-sso/package.js",
            "Package.onUse(api => { api.addFiles('server/sso.js', 'server'); api.addFiles('client.js', 'client'); });",
        );
        crate::manifest::write_tree_file(root, "lib/package.js", "module.exports = 'server/x.js';");
        let cache = MeteorCache::default();
        assert!(cache.is_server_file(&root.join("packages/accounts-sso/server/sso.js")));
        assert!(!cache.is_server_file(&root.join("packages/accounts-sso/client.js")));
        assert!(!cache.is_server_file(&root.join("server.js")));
        assert!(!cache.is_server_file(&root.join("lib/server/x.js")));
    }
}
