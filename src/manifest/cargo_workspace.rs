//! Libraries of a Cargo workspace that only tests use: a crate that other members of its
//! workspace depend on, every one of them only in `[dev-dependencies]` or as an optional
//! dependency that only test features turn on (`testing = ["dep:shop-fakes"]`), holds test
//! fakes, fixtures and harness set-up; it is never linked into a deployed program, whatever
//! binaries it builds itself. A member that only such test crates link for real counts as one
//! too (a service's client library that only its integration-test harness crate links: the
//! deployed programs never contain it). A crate nobody in the workspace depends on, or that
//! one member links for real (a `[dependencies]` or `[build-dependencies]` entry, or an
//! optional one some other feature enables) that is not itself test code, stays what its own
//! manifest makes it.
//!
//! The members are the root manifest's `workspace.members` (literal directories and
//! `dir/*` patterns) and the root package itself, read once per workspace root.

use super::lock;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use toml::{Table, Value};

/// Words of a feature name that say it exists for tests (`testing`, `test-utils`, `mocks`).
const TEST_FEATURE_WORDS: &[&str] = &["test", "tests", "testing", "mock", "mocks", "fake", "fakes"];

/// How the members of one workspace use each package (by name, `_` spelled `-`).
#[derive(Debug, Default)]
struct Uses {
    /// Some member uses it only for tests.
    tests: HashMap<String, bool>,
}

/// The dependency uses of each workspace, read once per workspace root.
#[derive(Debug, Default)]
pub struct WorkspaceUses {
    by_root: Mutex<HashMap<PathBuf, Arc<Uses>>>,
}

impl WorkspaceUses {
    /// Whether the package `name` of the workspace whose root manifest is `root_text` in
    /// `root` is used by its members, and only by their tests.
    pub fn only_tests_use(&self, root: &Path, root_text: &str, name: &str) -> bool {
        let cached = lock(&self.by_root).get(root).cloned();
        let uses = cached.unwrap_or_else(|| {
            let found = Arc::new(read_uses(root, root_text));
            lock(&self.by_root).insert(root.to_path_buf(), found.clone());
            found
        });
        uses.tests.get(&name.replace('_', "-")) == Some(&true)
    }
}

/// How the members of the workspace in `root` use each package: `true` when every use is a
/// test use, `false` once one member links it for real.
fn read_uses(root: &Path, root_text: &str) -> Uses {
    let mut uses = Uses::default();
    let Ok(root_table) = root_text.parse::<Table>() else {
        return uses;
    };
    let mut manifests = Vec::new();
    if root_table.contains_key("package") {
        manifests.push(root_table.clone());
    }
    for dir in member_dirs(root, &root_table) {
        let text = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
        if let Ok(table) = text.parse::<Table>() {
            manifests.push(table);
        }
    }
    // How many real links (not for tests) each package has from members not yet known to be
    // test code, and which packages each member links for real.
    let mut pending: HashMap<String, usize> = HashMap::new();
    let mut links: HashMap<String, Vec<String>> = HashMap::new();
    for table in &manifests {
        let user = table
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(Value::as_str)
            .map(|n| n.replace('_', "-"));
        for (name, test_only) in dependency_uses(table) {
            let count = pending.entry(name.clone()).or_insert(0);
            if !test_only {
                *count += 1;
                match &user {
                    Some(user) if *user != name => {
                        links.entry(user.clone()).or_default().push(name)
                    }
                    // A link from an unnamed manifest or from itself never settles.
                    _ => *count += 1,
                }
            }
        }
    }
    // A package whose every real link comes from test code is test code: settle the packages
    // only tests use, then each settled member's links, once each.
    let mut settled: Vec<String> = pending
        .iter()
        .filter(|(_, count)| **count == 0)
        .map(|(name, _)| name.clone())
        .collect();
    while let Some(name) = settled.pop() {
        uses.tests.insert(name.clone(), true);
        for linked in links.remove(&name).unwrap_or_default() {
            if let Some(count) = pending.get_mut(&linked) {
                *count -= 1;
                if *count == 0 {
                    settled.push(linked);
                }
            }
        }
    }
    for name in pending.into_keys() {
        uses.tests.entry(name).or_insert(false);
    }
    uses
}

/// The member directories of a workspace root manifest: `members` entries that name a
/// directory, and the directories below a `dir/*` entry.
pub(super) fn member_dirs(root: &Path, table: &Table) -> Vec<PathBuf> {
    let members = table
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(Value::as_array);
    let mut dirs = Vec::new();
    for member in members.into_iter().flatten().filter_map(Value::as_str) {
        match member.strip_suffix("/*") {
            Some(parent) if !parent.contains('*') => {
                if let Ok(entries) = std::fs::read_dir(root.join(parent)) {
                    let mut found: Vec<PathBuf> = entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.join("Cargo.toml").is_file())
                        .collect();
                    found.sort();
                    dirs.extend(found);
                }
            }
            None if !member.contains('*') && member != "." => dirs.push(root.join(member)),
            _ => {}
        }
    }
    dirs
}

/// Each package one manifest depends on, with whether the dependency is only for tests: a
/// `[dev-dependencies]` entry, or an optional dependency that only test features enable.
fn dependency_uses(table: &Table) -> Vec<(String, bool)> {
    let features = table.get("features").and_then(Value::as_table);
    let mut owners: Vec<&Table> = vec![table];
    if let Some(targets) = table.get("target").and_then(Value::as_table) {
        owners.extend(targets.values().filter_map(Value::as_table));
    }
    let mut sections: Vec<(&Table, bool)> = Vec::new();
    for owner in owners {
        for (section, test) in [
            ("dependencies", false),
            ("build-dependencies", false),
            ("dev-dependencies", true),
        ] {
            if let Some(deps) = owner.get(section).and_then(Value::as_table) {
                sections.push((deps, test));
            }
        }
    }
    let mut out = Vec::new();
    for (deps, dev) in sections {
        for (key, spec) in deps {
            let spec = spec.as_table();
            let name = spec
                .and_then(|s| s.get("package"))
                .and_then(Value::as_str)
                .unwrap_or(key);
            let optional = spec
                .and_then(|s| s.get("optional"))
                .and_then(Value::as_bool)
                == Some(true);
            let test = dev || (optional && only_test_features_enable(features, key));
            out.push((name.replace('_', "-"), test));
        }
    }
    out
}

/// Whether every feature that enables the optional dependency `key` (`dep:key`, `key`,
/// `key/feature`, `key?/feature`) is named for tests, and one does.
fn only_test_features_enable(features: Option<&Table>, key: &str) -> bool {
    let enables = |list: &Value| {
        list.as_array().is_some_and(|items| {
            items.iter().filter_map(Value::as_str).any(|item| {
                let item = item.strip_prefix("dep:").unwrap_or(item);
                let dep = item.split(['/', '?']).next().unwrap_or(item);
                dep == key
            })
        })
    };
    let mut enabling = features
        .into_iter()
        .flatten()
        .filter(|(_, list)| enables(list))
        .map(|(name, _)| name.as_str())
        .peekable();
    enabling.peek().is_some()
        && enabling.all(|name| crate::frontend::words::has_word(name, TEST_FEATURE_WORDS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_dependencies_and_test_features_are_test_uses() {
        let manifest: Table = r#"
[package]
name = "shop-web"
[features]
testing = ["dep:shop-fakes", "shop-db/testing"]
metrics = ["dep:shop-metrics"]
[dependencies]
shop-db = { path = "../shop-db" }
shop-fakes = { path = "../shop-fakes", optional = true }
shop-metrics = { path = "../shop-metrics", optional = true }
[dev-dependencies]
shop_test_db = { path = "../shop-test-db" }
"#
        .parse()
        .unwrap();
        let mut uses = dependency_uses(&manifest);
        uses.sort();
        assert_eq!(
            uses,
            [
                ("shop-db".to_string(), false),
                ("shop-fakes".to_string(), true),
                ("shop-metrics".to_string(), false),
                ("shop-test-db".to_string(), true),
            ]
        );
    }

    #[test]
    fn members_only_test_code_links_are_test_code() {
        let dir = tempfile::tempdir().unwrap();
        let member = |name: &str, deps: &str| {
            std::fs::create_dir_all(dir.path().join(name)).unwrap();
            std::fs::write(
                dir.path().join(name).join("Cargo.toml"),
                format!("[package]\nname = \"{name}\"\n{deps}"),
            )
            .unwrap();
        };
        member("api", "[dependencies]\nshared = { path = \"../shared\" }\n[dev-dependencies]\nharness = { path = \"../harness\" }\n");
        member(
            "harness",
            "[dependencies]\nprobe = { path = \"../probe\" }\nshared = { path = \"../shared\" }\n",
        );
        member(
            "probe",
            "[dependencies]\nloop-a = { path = \"../loop-a\" }\n",
        );
        member(
            "loop-a",
            "[dependencies]\nloop-b = { path = \"../loop-b\" }\n",
        );
        member(
            "loop-b",
            "[dependencies]\nloop-a = { path = \"../loop-a\" }\n",
        );
        let root =
            "[workspace]\nmembers = [\"api\", \"harness\", \"probe\", \"loop-a\", \"loop-b\"]\n";
        let uses = read_uses(dir.path(), root);
        let test = |name: &str| uses.tests.get(name) == Some(&true);
        // Only the harness links the probe; the API links `shared` itself.
        assert!(test("harness") && test("probe"));
        assert!(!test("shared") && !test("api"));
        // Two crates that link each other are settled by neither.
        assert!(!test("loop-a") && !test("loop-b"));
    }
}
