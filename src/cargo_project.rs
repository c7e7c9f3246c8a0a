//! What a Rust file's crate is, from the nearest `Cargo.toml`: a command-line tool's
//! files write local files on purpose, so the engine treats them as tooling.
//!
//! A crate counts as a command-line tool when
//! - its package name, a `[[bin]]` name or its directory is a tool's name: `cargo-*` (a
//!   cargo subcommand), or ending in `cli`, `tool`, `tools` or `ctl` (`meilitool`,
//!   `stalwart-cli`, `foo-ctl`); or
//! - it depends (in `[dependencies]` or `[target.*.dependencies]`, not optionally) on an
//!   interactive terminal crate (dialoguer, inquire, ratatui, crossterm, rustyline, ...), or
//!   builds a binary and depends on an argument parser (clap, structopt, argh, pico-args,
//!   ...) or a progress-bar crate (indicatif), **and** depends (even optionally) on no
//!   crate that serves requests or runs jobs.
//!
//! The "serves requests" list is HTTP/gRPC servers (axum, actix-web, actix-rt, warp,
//! rocket, poem, salvo, tide, tonic, tower-http, hyper with its `server` or `full`
//! feature, lambda runtimes, ...), websocket servers (tokio-tungstenite: a manifest cannot
//! tell client from server use, so it keeps findings), message-queue consumers (rdkafka,
//! lapin, async-nats, ...), job schedulers (tokio-cron-scheduler, apalis, ...) and
//! sibling crates named `*-server`/`*-serve`/`*-service`/`*-daemon`. Database clients
//! (sqlx, diesel, sea-orm, redis) are no signal either way: command-line tools and
//! local-first clients use them as much as services do. An argument parser alone is
//! no signal in a library: a server's shared config crate derives `clap::Parser` too.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use toml::{Table, Value};

/// Argument parsers and progress bars: a binary crate using one (and no server crate) is
/// a command-line tool.
const ARG_PARSERS: &[&str] = &[
    "clap",
    "structopt",
    "argh",
    "pico-args",
    "gumdrop",
    "lexopt",
    "bpaf",
    "getopts",
    "docopt",
    "clap-verbosity-flag",
    "clap-cargo",
    "clap-complete",
    "indicatif",
];

/// Interactive terminal crates: any crate using one (and no server crate) is a
/// command-line or terminal program.
const TERMINAL_UI: &[&str] = &[
    "dialoguer",
    "inquire",
    "requestty",
    "cliclack",
    "promptly",
    "rpassword",
    "ratatui",
    "tui",
    "crossterm",
    "termion",
    "cursive",
    "rustyline",
    "reedline",
];

/// Crates that serve requests, consume queues or schedule jobs: a crate depending on one
/// is (part of) a service, whatever else it uses.
const SERVER_CRATES: &[&str] = &[
    "axum",
    "axum-server",
    "actix-web",
    "actix-rt",
    "actix-server",
    "warp",
    "rocket",
    "poem",
    "salvo",
    "tide",
    "gotham",
    "ntex",
    "trillium",
    "viz",
    "loco-rs",
    "pavex",
    "tonic",
    "tarpc",
    "tower-http",
    "hyper-server",
    "lambda-runtime",
    "lambda-http",
    "tokio-tungstenite",
    "async-tungstenite",
    "rdkafka",
    "lapin",
    "async-nats",
    "nats",
    "pulsar",
    "amqprs",
    "aws-sdk-sqs",
    "tokio-cron-scheduler",
    "apalis",
    "job-scheduler",
    "clokwerk",
    "fang",
];

/// Whether a crate manifest (`Cargo.toml` text) describes a command-line tool.
/// `dir_name` is the crate directory's name, `has_bin` whether it builds a binary
/// (`src/main.rs` or `src/bin/`), `workspace` the workspace root manifest's text (for
/// features of `workspace = true` dependencies).
pub fn is_tool_manifest(
    manifest: &str,
    dir_name: &str,
    has_bin: bool,
    workspace: Option<&str>,
) -> bool {
    let Ok(table) = manifest.parse::<Table>() else {
        return false;
    };
    let Some(package) = table.get("package").and_then(Value::as_table) else {
        return false;
    };
    let workspace_deps = workspace
        .and_then(|w| w.parse::<Table>().ok())
        .and_then(|w| {
            w.get("workspace")
                .and_then(|w| w.get("dependencies"))
                .and_then(Value::as_table)
                .cloned()
        })
        .unwrap_or_default();
    let name = package.get("name").and_then(Value::as_str).unwrap_or("");
    let bins: Vec<&str> = table
        .get("bin")
        .and_then(Value::as_array)
        .map(|bins| {
            bins.iter()
                .filter_map(|b| b.get("name").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    let deps = dependencies(&table, &workspace_deps);
    let serves = deps.iter().any(|d| d.serves());
    if std::iter::once(name)
        .chain(bins.iter().copied())
        .chain(std::iter::once(dir_name))
        .any(is_tool_name)
    {
        // A tool's name wins even over a server crate: `cargo-shuttle` runs a local
        // callback server, `quickwit-cli` starts the whole service.
        return true;
    }
    if serves {
        return false;
    }
    let has_bin = has_bin || !bins.is_empty();
    deps.iter().filter(|d| !d.optional).any(|d| {
        TERMINAL_UI.contains(&d.name.as_str())
            || (has_bin && ARG_PARSERS.contains(&d.name.as_str()))
    })
}

/// `cargo-*`, or ending in `cli`, `tool(s)` or `ctl`.
fn is_tool_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase().replace('_', "-");
    lower.starts_with("cargo-")
        || ["cli", "tool", "tools", "ctl"]
            .iter()
            .any(|suffix| lower.ends_with(suffix))
}

/// One normal (non-dev, non-build) dependency.
#[derive(Debug)]
struct Dependency {
    /// The package name (after `package = "..."` renames), `_` spelled `-`.
    name: String,
    optional: bool,
    features: Vec<String>,
}

impl Dependency {
    fn serves(&self) -> bool {
        let name = self.name.as_str();
        if name == "hyper" {
            return self
                .features
                .iter()
                .any(|f| matches!(f.as_str(), "server" | "full"));
        }
        SERVER_CRATES.contains(&name)
            || ["-server", "-serve", "-service", "-daemon"]
                .iter()
                .any(|s| name.ends_with(s))
    }
}

/// `[dependencies]` and `[target.'cfg(..)'.dependencies]`.
fn dependencies(table: &Table, workspace_deps: &Table) -> Vec<Dependency> {
    let mut tables: Vec<&Table> = table
        .get("dependencies")
        .and_then(Value::as_table)
        .into_iter()
        .collect();
    if let Some(targets) = table.get("target").and_then(Value::as_table) {
        tables.extend(
            targets
                .values()
                .filter_map(|t| t.get("dependencies").and_then(Value::as_table)),
        );
    }
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|f| f.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for deps in tables {
        for (key, spec) in deps {
            let mut name = key.as_str();
            let mut optional = false;
            let mut features = Vec::new();
            if let Some(spec) = spec.as_table() {
                if let Some(package) = spec.get("package").and_then(Value::as_str) {
                    name = package;
                }
                optional = spec.get("optional").and_then(Value::as_bool) == Some(true);
                features = strings(spec.get("features"));
                if spec.get("workspace").and_then(Value::as_bool) == Some(true) {
                    if let Some(inherited) = workspace_deps.get(key).and_then(Value::as_table) {
                        if let Some(package) = inherited.get("package").and_then(Value::as_str) {
                            name = package;
                        }
                        features.extend(strings(inherited.get("features")));
                    }
                }
            }
            out.push(Dependency {
                name: name.replace('_', "-"),
                optional,
                features,
            });
        }
    }
    out
}

/// Looks up and caches, per directory, whether a Rust file's crate is a command-line tool.
#[derive(Debug, Default)]
pub struct CargoCache {
    by_dir: Mutex<HashMap<PathBuf, bool>>,
    /// Per crate directory, so each manifest is read once: whether the crate is a tool,
    /// and the directories its library and binaries are compiled from.
    by_crate: Mutex<HashMap<PathBuf, (bool, Vec<PathBuf>)>>,
}

impl CargoCache {
    /// Whether the Rust file at `path` is compiled into a command-line tool: it lies in
    /// the source directory (`src/`, or that of a `[lib]`/`[[bin]]` `path`) of the crate
    /// whose `Cargo.toml` is nearest above it. `false` with no manifest, one without
    /// `[package]`, or a file outside the crate's sources (fixtures, vendored samples).
    pub fn is_tool(&self, path: &Path) -> bool {
        let Some(dir) = path.parent() else {
            return false;
        };
        if let Some(&hit) = lock(&self.by_dir).get(dir) {
            return hit;
        }
        let found = match dir.ancestors().find(|d| d.join("Cargo.toml").is_file()) {
            None => false,
            Some(crate_dir) => {
                let cached = lock(&self.by_crate).get(crate_dir).cloned();
                let (tool, sources) = cached.unwrap_or_else(|| {
                    let found = read_crate(crate_dir);
                    lock(&self.by_crate).insert(crate_dir.to_path_buf(), found.clone());
                    found
                });
                tool && sources.iter().any(|s| dir.starts_with(s))
            }
        };
        lock(&self.by_dir).insert(dir.to_path_buf(), found);
        found
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Whether the crate in `crate_dir` is a tool, and its source directories.
fn read_crate(crate_dir: &Path) -> (bool, Vec<PathBuf>) {
    let Ok(manifest) = std::fs::read_to_string(crate_dir.join("Cargo.toml")) else {
        return (false, Vec::new());
    };
    // Crate directories are absolute or relative to the working directory; a bare
    // `.` has no name, so ask the file system for it.
    let dir_name = crate_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .or_else(|| {
            std::fs::canonicalize(crate_dir)
                .ok()
                .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        })
        .unwrap_or_default();
    let has_bin = crate_dir.join("src/main.rs").is_file() || crate_dir.join("src/bin").is_dir();
    let workspace = if manifest.contains("workspace") {
        crate_dir
            .ancestors()
            .skip(1)
            .filter_map(|d| std::fs::read_to_string(d.join("Cargo.toml")).ok())
            .find(|text| text.contains("[workspace"))
    } else {
        None
    };
    let tool = is_tool_manifest(&manifest, &dir_name, has_bin, workspace.as_deref());
    let mut sources = vec![crate_dir.join("src")];
    sources.extend(
        target_paths(&manifest)
            .iter()
            .filter_map(|p| Path::new(p).parent())
            .map(|p| crate_dir.join(p)),
    );
    (tool, sources)
}

/// The `path`s of `[lib]` and `[[bin]]` targets.
fn target_paths(manifest: &str) -> Vec<String> {
    let Ok(table) = manifest.parse::<Table>() else {
        return Vec::new();
    };
    let lib = table.get("lib").into_iter();
    let bins = table
        .get("bin")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    lib.chain(bins)
        .filter_map(|t| t.get("path").and_then(Value::as_str).map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool(manifest: &str, dir: &str, has_bin: bool) -> bool {
        is_tool_manifest(manifest, dir, has_bin, None)
    }

    #[test]
    fn argument_parser_in_a_binary_makes_a_tool() {
        let m = r#"
[package]
name = "dbdump"
version = "0.1.0"

[dependencies]
clap = { version = "4", features = ["derive"] }
serde_json = "1"
sqlx = { version = "0.8", features = ["postgres"] }
"#;
        assert!(tool(m, "dbdump", true));
        // A library deriving `clap::Parser` for a server's config is no tool.
        assert!(!tool(m, "dbdump", false));
        let bin_target = format!("{m}\n[[bin]]\nname = \"dump\"\npath = \"src/dump.rs\"\n");
        assert!(tool(&bin_target, "dbdump", false));
    }

    #[test]
    fn a_server_crate_wins_over_an_argument_parser() {
        for server in [
            "axum = \"0.8\"",
            "actix-web = \"4\"",
            "tonic = { workspace = true }",
            "rdkafka = \"0.36\"",
            "tokio-cron-scheduler = \"0.13\"",
            "hyper = { version = \"1\", features = [\"http1\", \"server\"] }",
            "shop-server = { path = \"../server\" }",
            "web = { package = \"actix-web\", version = \"4\" }",
            "axum = { version = \"0.8\", optional = true }",
        ] {
            let m = format!(
                "[package]\nname = \"shop\"\n\n[dependencies]\nclap = \"4\"\ndialoguer = \"0.11\"\n{server}\n"
            );
            assert!(!tool(&m, "shop", true), "{server}");
        }
        // hyper as a client only is no server.
        let client = "[package]\nname = \"fetcher\"\n[dependencies]\nclap = \"4\"\nhyper = { version = \"1\", features = [\"client\", \"http1\"] }\n";
        assert!(tool(client, "fetcher", true));
    }

    #[test]
    fn terminal_ui_makes_a_tool_even_as_a_library() {
        let m = "[package]\nname = \"history\"\n[dependencies]\ncrossterm = \"0.28\"\n";
        assert!(tool(m, "history", false));
        let target = "[package]\nname = \"history\"\n[target.'cfg(unix)'.dependencies]\nratatui = \"0.29\"\n";
        assert!(tool(target, "history", false));
    }

    #[test]
    fn dev_build_and_optional_dependencies_do_not_count() {
        let m = r#"
[package]
name = "segment"

[dependencies]
serde = "1"
clap = { version = "4", optional = true }

[dev-dependencies]
clap = "4"
indicatif = "0.17"

[build-dependencies]
dialoguer = "0.11"

[features]
cli = ["dep:clap"]
"#;
        assert!(!tool(m, "segment", true));
    }

    #[test]
    fn tool_names_make_a_tool() {
        let plain = "[package]\nname = \"meilitool\"\n[dependencies]\nserde = \"1\"\n";
        assert!(tool(plain, "meilitool", true));
        let cargo_sub = "[package]\nname = \"cargo-deploy\"\n[dependencies]\nhyper = { version = \"1\", features = [\"server\"] }\n";
        assert!(tool(cargo_sub, "cargo-deploy", true));
        let dir = "[package]\nname = \"stalwart\"\n[dependencies]\nserde = \"1\"\n";
        assert!(tool(dir, "cli", true));
        let bin = "[package]\nname = \"shop\"\n[[bin]]\nname = \"shopctl\"\n";
        assert!(tool(bin, "shop", false));
        let server = "[package]\nname = \"shop-server\"\n[dependencies]\naxum = \"0.8\"\n";
        assert!(!tool(server, "server", true));
        // Words that only contain a suffix's letters elsewhere are no tool.
        let client = "[package]\nname = \"shop-client\"\n[dependencies]\nreqwest = \"0.12\"\n";
        assert!(!tool(client, "client", false));
    }

    #[test]
    fn workspaces_and_broken_manifests_are_no_tool() {
        let ws = "[workspace]\nmembers = [\"crates/*\"]\n[workspace.dependencies]\nclap = \"4\"\n";
        assert!(!tool(ws, "repo-cli", true));
        assert!(!tool("[package\nname = ", "x", true));
    }

    #[test]
    fn only_files_in_the_crate_sources_belong_to_it() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(
            d.join("Cargo.toml"),
            "[package]\nname = \"ops\"\n[dependencies]\nclap = \"4\"\n[[bin]]\nname = \"sweep\"\npath = \"jobs/sweep.rs\"\n",
        )
        .unwrap();
        for sub in ["src/cmd", "jobs", "fixtures"] {
            std::fs::create_dir_all(d.join(sub)).unwrap();
        }
        let cache = CargoCache::default();
        assert!(cache.is_tool(&d.join("src/main.rs")));
        assert!(cache.is_tool(&d.join("src/cmd/dump.rs")));
        assert!(cache.is_tool(&d.join("jobs/sweep.rs")));
        assert!(!cache.is_tool(&d.join("fixtures/server.rs")));
        assert!(!CargoCache::default().is_tool(Path::new("/no/such/dir/main.rs")));
    }

    #[test]
    fn inherits_features_from_the_workspace() {
        let ws = "[workspace]\n[workspace.dependencies]\nhyper = { version = \"1\", features = [\"server\"] }\nclap = \"4\"\n";
        let m = "[package]\nname = \"gateway\"\n[dependencies]\nclap.workspace = true\nhyper = { workspace = true }\n";
        assert!(!is_tool_manifest(m, "gateway", true, Some(ws)));
        assert!(is_tool_manifest(m, "gateway", true, None));
    }
}
