//! Which binaries of a Cargo workspace load a Rust file's code (see
//! [`crate::reach`]'s `hosts`): a process is a binary target (`src/main.rs`,
//! `src/bin/*.rs`, a `[[bin]]`), and it loads its own package's library and every workspace
//! crate its package links through `path` dependencies (directly or inherited from the
//! workspace, target-specific and optional ones too), transitively; build- and
//! dev-dependencies do not count. A binary's own root file and module directory belong to
//! it alone; the rest of a package's sources belong to its binaries and to those of every
//! package that links it.
//!
//! A crate that a library built for another language's program links (`crate-type =
//! ["cdylib"]`: a Node or Python extension) is unsure: that program's code calls into it
//! by names this model does not follow.
//!
//! Unsure means `None` (the file may run in any process): no `Cargo.toml`, an unreadable
//! manifest, a workspace whose members cannot all be listed, a file outside the package's
//! sources (tests, examples, `build.rs`), a library no binary of its workspace links (a
//! published library, one only tests use).
//!
//! A workspace is read once per root: its members, the root package and the crates they
//! link by path.

use super::cargo::{binary_targets, declares_workspace, path_dependency_dirs};
use super::cargo_workspace::member_dirs;
use super::dotnet_solution::{normalise, Hosts};
use super::lock;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use toml::{Table, Value};

/// At most this many crates are read for one workspace.
const MAX_CRATES: usize = 2000;

/// The binaries of each Cargo workspace that load each of its crates, read once per root.
#[derive(Debug, Default)]
pub struct CargoHosts {
    /// Per directory of a Rust file: its crate's directory (`None`: no manifest above).
    crate_of_dir: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// Per workspace root (or lone crate directory).
    by_root: Mutex<HashMap<PathBuf, Arc<Workspace>>>,
}

/// One crate of a workspace.
#[derive(Debug, Default)]
struct Crate {
    /// Binary roots, each with the directory holding only its modules.
    binaries: Vec<(PathBuf, Option<PathBuf>)>,
    /// Its library is built for a program of another language (see
    /// [`loaded_by_other_programs`]).
    foreign_host: bool,
    /// The directories its sources lie in (`src/`, a `[lib]` path's directory).
    sources: Vec<PathBuf>,
    /// The binaries that load its library and shared modules; `None` when none does.
    hosts: Option<Hosts>,
}

/// The crates of one workspace by directory; empty when its members cannot all be listed.
#[derive(Debug, Default)]
struct Workspace {
    crates: HashMap<PathBuf, Crate>,
}

impl CargoHosts {
    /// The binaries whose process loads the Rust file at `path` (see the module docs);
    /// `None` when unsure.
    pub fn hosts(&self, path: &Path) -> Option<Hosts> {
        let path = normalise(&std::path::absolute(path).ok()?);
        let dir = path.parent()?;
        let crate_dir = self.crate_dir(dir)?;
        let root = workspace_root(&crate_dir);
        let cached = lock(&self.by_root).get(&root).cloned();
        let workspace = cached.unwrap_or_else(|| {
            let found = Arc::new(Workspace::read(&root));
            lock(&self.by_root).insert(root.clone(), found.clone());
            found
        });
        let own = workspace.crates.get(&crate_dir)?;
        for (root, own_dir) in &own.binaries {
            if *root == path || own_dir.as_ref().is_some_and(|d| path.starts_with(d)) {
                return Some(Arc::from([root.clone()]));
            }
        }
        let in_sources = own.sources.iter().any(|s| path.starts_with(s));
        in_sources.then(|| own.hosts.clone()).flatten()
    }

    /// The directory of the crate the Rust file at `path` belongs to (its nearest
    /// `Cargo.toml`), its workspace's root directory, and how many components of `path` lie
    /// below the crate's directory.
    pub fn package_dirs(&self, path: &Path) -> Option<(PathBuf, PathBuf, usize)> {
        let path = normalise(&std::path::absolute(path).ok()?);
        let crate_dir = self.crate_dir(path.parent()?)?;
        let inside = path.strip_prefix(&crate_dir).ok()?.components().count();
        let root = workspace_root(&crate_dir);
        Some((crate_dir, root, inside))
    }

    /// The directory of the nearest `Cargo.toml` above `dir`, cached per directory.
    fn crate_dir(&self, dir: &Path) -> Option<PathBuf> {
        if let Some(hit) = lock(&self.crate_of_dir).get(dir) {
            return hit.clone();
        }
        let found = dir
            .ancestors()
            .find(|d| d.join("Cargo.toml").is_file())
            .map(Path::to_path_buf);
        lock(&self.crate_of_dir).insert(dir.to_path_buf(), found.clone());
        found
    }
}

/// The nearest directory at or above `crate_dir` whose manifest declares a workspace;
/// `crate_dir` itself when none does.
fn workspace_root(crate_dir: &Path) -> PathBuf {
    crate_dir
        .ancestors()
        .find(|d| {
            std::fs::read_to_string(d.join("Cargo.toml")).is_ok_and(|t| declares_workspace(&t))
        })
        .unwrap_or(crate_dir)
        .to_path_buf()
}

impl Workspace {
    /// Reads the crates of the workspace in `root` and which binaries load each.
    fn read(root: &Path) -> Workspace {
        let Ok(text) = std::fs::read_to_string(root.join("Cargo.toml")) else {
            return Workspace::default();
        };
        let Ok(table) = text.parse::<Table>() else {
            return Workspace::default();
        };
        if !members_listable(&table) {
            return Workspace::default();
        }
        let mut pending = member_dirs(root, &table);
        if table.contains_key("package") {
            pending.push(root.to_path_buf());
        }
        let mut links: HashMap<PathBuf, Vec<PathBuf>> = HashMap::new();
        let mut crates: HashMap<PathBuf, Crate> = HashMap::new();
        while let Some(dir) = pending.pop() {
            let dir = normalise(&dir);
            if crates.contains_key(&dir) || crates.len() >= MAX_CRATES {
                continue;
            }
            let Ok(manifest) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
                continue;
            };
            let Some(deps) = path_dependency_dirs(&dir) else {
                continue;
            };
            let deps: Vec<PathBuf> = deps.iter().map(|d| normalise(d)).collect();
            pending.extend(deps.iter().cloned());
            links.insert(dir.clone(), deps);
            crates.insert(
                dir.clone(),
                Crate {
                    binaries: binary_targets(&dir, &manifest)
                        .into_iter()
                        .map(|(root, own)| (normalise(&root), own.map(|d| normalise(&d))))
                        .collect(),
                    foreign_host: loaded_by_other_programs(&manifest),
                    sources: sources(&dir, &manifest),
                    hosts: None,
                },
            );
        }
        // The packages that link each crate, then per crate every binary of it and of the
        // packages that link it, transitively.
        let mut linked_by: HashMap<&PathBuf, Vec<&PathBuf>> = HashMap::new();
        for (user, deps) in &links {
            for dep in deps {
                linked_by.entry(dep).or_default().push(user);
            }
        }
        let mut hosts: Vec<(PathBuf, Option<Hosts>)> = Vec::new();
        for dir in crates.keys() {
            let mut seen: HashSet<&PathBuf> = HashSet::from([dir]);
            let mut stack = vec![dir];
            let mut programs: Vec<PathBuf> = Vec::new();
            let mut foreign = false;
            while let Some(next) = stack.pop() {
                if let Some(c) = crates.get(next) {
                    programs.extend(c.binaries.iter().map(|(root, _)| root.clone()));
                    foreign |= c.foreign_host;
                }
                for user in linked_by.get(next).into_iter().flatten() {
                    if seen.insert(user) {
                        stack.push(user);
                    }
                }
            }
            programs.sort();
            programs.dedup();
            let known = !programs.is_empty() && !foreign;
            hosts.push((dir.clone(), known.then(|| programs.into())));
        }
        for (dir, found) in hosts {
            if let Some(c) = crates.get_mut(&dir) {
                c.hosts = found;
            }
        }
        Workspace { crates }
    }
}

/// Whether every `workspace.members` entry is a directory or a `dir/*` pattern (the ones
/// [`member_dirs`] lists).
fn members_listable(table: &Table) -> bool {
    let members = table
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(Value::as_array);
    members.into_iter().flatten().all(|m| {
        m.as_str().is_some_and(|m| {
            let m = m.strip_suffix("/*").unwrap_or(m);
            !m.contains(['*', '?', '['])
        })
    })
}

/// Whether a crate's `[lib] crate-type` builds a library other programs load (`cdylib`,
/// `dylib`, `staticlib`: a Node or Python extension, a plugin).
fn loaded_by_other_programs(manifest: &str) -> bool {
    let Ok(table) = manifest.parse::<Table>() else {
        return false;
    };
    let kinds = table
        .get("lib")
        .and_then(|l| l.get("crate-type"))
        .and_then(Value::as_array);
    kinds
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .any(|k| matches!(k, "cdylib" | "dylib" | "staticlib"))
}

/// The directories a crate's library and shared modules lie in: `src/`, and a `[lib]`
/// path's directory unless that is the crate's own directory.
fn sources(dir: &Path, manifest: &str) -> Vec<PathBuf> {
    let mut out = vec![dir.join("src")];
    let lib = manifest.parse::<Table>().ok().and_then(|t| {
        let path = t.get("lib")?.get("path")?.as_str()?.to_string();
        normalise(&dir.join(path)).parent().map(Path::to_path_buf)
    });
    out.extend(lib.filter(|l| l != dir));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::write_tree_file;

    fn package(name: &str, deps: &str) -> String {
        format!("[package]\nname = \"{name}\"\n\n[dependencies]\n{deps}")
    }

    /// A workspace with a server binary, a CLI binary, a library both link, a library only
    /// the CLI links, a library nothing links, and a library only tests use.
    fn workspace() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let files = [
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"server\", \"cli\", \"crates/*\"]\n\n\
                 [workspace.dependencies]\nshared = { path = \"crates/shared\" }\n"
                    .to_string(),
            ),
            (
                "server/Cargo.toml",
                package("server", "shared.workspace = true\ntokio = \"1\"\n")
                    + "\n[dev-dependencies]\nfixtures = { path = \"../crates/fixtures\" }\n",
            ),
            ("server/src/main.rs", "mod routes;\nfn main() {}\n".into()),
            ("server/src/routes.rs", "pub fn serve() {}\n".into()),
            (
                "cli/Cargo.toml",
                package(
                    "cli",
                    "shared = { workspace = true }\nclient = { path = \"../crates/client\" }\n",
                ),
            ),
            ("cli/src/main.rs", "fn main() {}\n".into()),
            ("cli/src/bin/sync.rs", "fn main() {}\n".into()),
            (
                "cli/src/bin/admin/main.rs",
                "mod ops;\nfn main() {}\n".into(),
            ),
            ("cli/src/bin/admin/ops.rs", "pub fn run() {}\n".into()),
            ("cli/src/lib.rs", "pub fn run() {}\n".into()),
            ("crates/shared/Cargo.toml", package("shared", "")),
            ("crates/shared/src/lib.rs", "pub fn write() {}\n".into()),
            // A comment naming a workspace table declares no workspace of its own.
            (
                "crates/client/Cargo.toml",
                package("client", "# moves to [workspace.dependencies] later\n"),
            ),
            ("crates/client/src/lib.rs", "mod cache;\n".into()),
            ("crates/client/src/cache.rs", "pub fn write() {}\n".into()),
            ("crates/client/tests/it.rs", "fn t() {}\n".into()),
            ("crates/orphan/Cargo.toml", package("orphan", "")),
            ("crates/orphan/src/lib.rs", "pub fn write() {}\n".into()),
            ("crates/fixtures/Cargo.toml", package("fixtures", "")),
            ("crates/fixtures/src/lib.rs", "pub fn write() {}\n".into()),
        ];
        for (rel, text) in files {
            write_tree_file(root, rel, &text);
        }
        dir
    }

    fn hosts(cache: &CargoHosts, root: &Path, rel: &str) -> Option<Vec<String>> {
        let found = cache.hosts(&root.join(rel))?;
        let base = normalise(&std::path::absolute(root).unwrap());
        Some(
            found
                .iter()
                .map(|p| p.strip_prefix(&base).unwrap().display().to_string())
                .collect(),
        )
    }

    #[test]
    fn binaries_load_their_package_and_the_crates_it_links() {
        let dir = workspace();
        let root = dir.path();
        let cache = CargoHosts::default();
        let all = [
            "cli/src/bin/admin/main.rs",
            "cli/src/bin/sync.rs",
            "cli/src/main.rs",
            "server/src/main.rs",
        ];
        assert_eq!(
            hosts(&cache, root, "crates/shared/src/lib.rs").unwrap(),
            all
        );
        let cli = &all[..3];
        assert_eq!(
            hosts(&cache, root, "crates/client/src/cache.rs").unwrap(),
            cli
        );
        assert_eq!(hosts(&cache, root, "cli/src/lib.rs").unwrap(), cli);
        assert_eq!(
            hosts(&cache, root, "server/src/routes.rs").unwrap(),
            ["server/src/main.rs"]
        );
    }

    #[test]
    fn a_binary_root_and_its_module_directory_belong_to_it_alone() {
        let dir = workspace();
        let root = dir.path();
        let cache = CargoHosts::default();
        for (file, binary) in [
            ("cli/src/main.rs", "cli/src/main.rs"),
            ("cli/src/bin/sync.rs", "cli/src/bin/sync.rs"),
            ("cli/src/bin/admin/ops.rs", "cli/src/bin/admin/main.rs"),
        ] {
            assert_eq!(hosts(&cache, root, file).unwrap(), [binary], "{file}");
        }
    }

    #[test]
    fn unsure_without_a_linking_binary_a_manifest_or_listable_members() {
        let dir = workspace();
        let root = dir.path();
        let cache = CargoHosts::default();
        // Nothing links it; only a dev-dependency does; outside the package's sources; below a
        // virtual manifest but in no package.
        assert_eq!(hosts(&cache, root, "crates/orphan/src/lib.rs"), None);
        assert_eq!(hosts(&cache, root, "crates/fixtures/src/lib.rs"), None);
        assert_eq!(hosts(&cache, root, "crates/client/tests/it.rs"), None);
        write_tree_file(root, "loose/main.rs", "fn main() {}\n");
        assert_eq!(hosts(&cache, root, "loose/main.rs"), None);
        let elsewhere = tempfile::tempdir().unwrap();
        write_tree_file(elsewhere.path(), "main.rs", "fn main() {}\n");
        assert_eq!(hosts(&cache, elsewhere.path(), "main.rs"), None);

        let odd = tempfile::tempdir().unwrap();
        write_tree_file(
            odd.path(),
            "Cargo.toml",
            "[workspace]\nmembers = [\"apps/*/server\"]\n",
        );
        write_tree_file(odd.path(), "apps/a/server/Cargo.toml", &package("a", ""));
        write_tree_file(odd.path(), "apps/a/server/src/main.rs", "fn main() {}\n");
        let fresh = CargoHosts::default();
        assert_eq!(hosts(&fresh, odd.path(), "apps/a/server/src/main.rs"), None);

        let broken = tempfile::tempdir().unwrap();
        write_tree_file(broken.path(), "Cargo.toml", "[package\nname = ");
        write_tree_file(broken.path(), "src/main.rs", "fn main() {}\n");
        assert_eq!(hosts(&fresh, broken.path(), "src/main.rs"), None);
    }

    #[test]
    fn crates_a_library_for_another_language_links_are_unsure() {
        let dir = workspace();
        let root = dir.path();
        write_tree_file(
            root,
            "crates/node/Cargo.toml",
            &(package("node", "orphan = { path = \"../orphan\" }\n")
                + "\n[lib]\ncrate-type = [\"cdylib\"]\n"),
        );
        write_tree_file(root, "crates/node/src/lib.rs", "pub fn export() {}\n");
        let cache = CargoHosts::default();
        assert_eq!(hosts(&cache, root, "crates/orphan/src/lib.rs"), None);
        assert_eq!(hosts(&cache, root, "crates/node/src/lib.rs"), None);
        assert!(hosts(&cache, root, "crates/shared/src/lib.rs").is_some());
    }

    #[test]
    fn a_lone_crate_is_a_workspace_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write_tree_file(root, "Cargo.toml", &package("tool", ""));
        write_tree_file(root, "src/main.rs", "mod io;\nfn main() {}\n");
        write_tree_file(root, "src/io.rs", "pub fn write() {}\n");
        let cache = CargoHosts::default();
        assert_eq!(hosts(&cache, root, "src/io.rs").unwrap(), ["src/main.rs"]);
    }
}
