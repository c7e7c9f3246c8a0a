//! Libraries of a JavaScript monorepo that only client apps and command-line tools use: a
//! workspace package that is neither client-side nor a tool by its own manifest, names no
//! server package, and that at least one other package of the workspace depends on, all of
//! them client-side apps or command-line tools (see [`super::npm::classify`]), runs inside
//! those clients (a script sandbox that the web app and the CLI embed). A library that a
//! server package, or a package that tells nothing, depends on stays server code, and so does
//! one nobody in the workspace depends on (it may be published for services).
//!
//! The workspace is the nearest directory above the package with a `package.json` that has
//! `workspaces`, or a `pnpm-workspace.yaml` or `lerna.json`; its packages are the
//! `package.json` files below it (not in `node_modules` or git-ignored folders), read once
//! per workspace.

use super::lock;
use super::npm::{classify, names_a_server, PackageKind};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// How deep below the workspace root packages are looked for.
const MAX_DEPTH: usize = 6;

/// One package of a workspace.
#[derive(Debug)]
struct Member {
    /// Its `name`.
    name: String,
    /// What its own manifest makes it.
    kind: Option<PackageKind>,
    /// The packages it depends on (every section).
    dependencies: Vec<String>,
}

/// The packages of each workspace, read once per workspace root.
#[derive(Debug, Default)]
pub struct WorkspaceCache {
    by_root: Mutex<HashMap<PathBuf, Arc<Vec<Member>>>>,
}

impl WorkspaceCache {
    /// Whether the package in `dir`, whose manifest is `text`, is a library that only the
    /// client apps and command-line tools of its workspace use.
    pub fn is_client_library(&self, dir: &Path, text: &str) -> bool {
        if classify(text).is_some() || names_a_server(text) {
            return false;
        }
        let Some(name) = package_name(text) else {
            return false;
        };
        let Some(root) = dir.ancestors().skip(1).find(|d| is_workspace_root(d)) else {
            return false;
        };
        let cached = lock(&self.by_root).get(root).cloned();
        let members = cached.unwrap_or_else(|| {
            let found = Arc::new(members(root));
            lock(&self.by_root).insert(root.to_path_buf(), found.clone());
            found
        });
        let mut dependents = members
            .iter()
            .filter(|m| m.name != name && m.dependencies.contains(&name))
            .peekable();
        dependents.peek().is_some()
            && dependents
                .all(|m| matches!(m.kind, Some(PackageKind::ClientSide | PackageKind::Tool)))
    }
}

/// A `package.json` with `workspaces`, or a pnpm or lerna workspace file.
fn is_workspace_root(dir: &Path) -> bool {
    if dir.join("pnpm-workspace.yaml").is_file() || dir.join("lerna.json").is_file() {
        return true;
    }
    std::fs::read_to_string(dir.join("package.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .is_some_and(|v| v.get("workspaces").is_some())
}

/// The `name` of a `package.json` text.
fn package_name(text: &str) -> Option<String> {
    let value: Value = serde_json::from_str(text).ok()?;
    let name = value.get("name")?.as_str()?;
    (!name.is_empty()).then(|| name.to_string())
}

/// The named packages below a workspace root.
fn members(root: &Path) -> Vec<Member> {
    let walker = ignore::WalkBuilder::new(root)
        .max_depth(Some(MAX_DEPTH))
        .filter_entry(|e| e.file_name() != "node_modules")
        .build();
    let mut out: Vec<Member> = walker
        .flatten()
        .filter(|e| e.file_name() == "package.json" && e.path().parent() != Some(root))
        .filter_map(|e| {
            let text = std::fs::read_to_string(e.path()).ok()?;
            let Value::Object(manifest) = serde_json::from_str::<Value>(&text).ok()? else {
                return None;
            };
            let dependencies = [
                "dependencies",
                "peerDependencies",
                "optionalDependencies",
                "devDependencies",
            ]
            .iter()
            .filter_map(|s| manifest.get(*s).and_then(Value::as_object))
            .flat_map(Map::keys)
            .cloned()
            .collect();
            Some(Member {
                name: package_name(&text)?,
                kind: classify(&text),
                dependencies,
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_library_only_clients_and_tools_use_is_client_code() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |p: &str, t: &str| super::super::write_tree_file(root, p, t);
        write("pnpm-workspace.yaml", "packages:\n  - 'packages/*'\n");
        write("package.json", r#"{"name": "mono", "private": true}"#);
        let sandbox = r#"{"name": "@acme/sandbox", "dependencies": {"acorn": "8"}}"#;
        let shared = r#"{"name": "@acme/shared", "dependencies": {"zod": "3"}}"#;
        let lonely = r#"{"name": "@acme/lonely", "dependencies": {"zod": "3"}}"#;
        write("packages/sandbox/package.json", sandbox);
        write("packages/shared/package.json", shared);
        write("packages/lonely/package.json", lonely);
        write(
            "packages/web/package.json",
            r#"{"name": "web", "dependencies": {"vue": "3", "@acme/sandbox": "workspace:^", "@acme/shared": "workspace:^"}}"#,
        );
        write(
            "packages/cli/package.json",
            r#"{"name": "@acme/cli", "bin": "cli.js", "dependencies": {"@acme/sandbox": "workspace:^"}}"#,
        );
        write(
            "packages/api/package.json",
            r#"{"name": "api", "dependencies": {"@nestjs/core": "10", "@acme/shared": "workspace:^"}}"#,
        );
        write(
            "packages/web/node_modules/@acme/shared/package.json",
            r#"{"name": "ghost", "dependencies": {"@acme/lonely": "1"}}"#,
        );
        let cache = WorkspaceCache::default();
        let library = |p: &str, t: &str| cache.is_client_library(&root.join(p), t);
        assert!(library("packages/sandbox", sandbox));
        // A server package depends on it, or nobody in the workspace does.
        assert!(!library("packages/shared", shared));
        assert!(!library("packages/lonely", lonely));
        // A library that names a server package itself is server code.
        let served = r#"{"name": "@acme/sandbox", "dependencies": {"express": "4"}}"#;
        assert!(!library("packages/sandbox", served));
        // Outside a workspace nothing is known.
        let alone = tempfile::tempdir().unwrap();
        assert!(!cache.is_client_library(alone.path(), sandbox));
    }
}
