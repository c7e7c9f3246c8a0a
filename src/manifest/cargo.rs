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
//!   ...) or a progress-bar crate (indicatif) and on no path dependency that serves
//!   requests itself or through its own path dependencies (a service's main crate often
//!   parses arguments and leaves the HTTP stack to a sibling crate), **and** it depends
//!   on no crate that serves requests or runs jobs: for the weak argument-parser signal
//!   not even optionally or by a sibling crate's name, for the strong terminal signal
//!   only a server framework it always links counts (a websocket crate does not: a
//!   terminal program that opens a websocket is a client); or
//! - it always links a sibling crate that is such a terminal program and always links
//!   nothing that serves, itself or through its path dependencies (a terminal program's
//!   own local store; see [`links_terminal_program`]).
//!
//! A library crate named `*-client` or `*-sdk` that calls over HTTP and links no server
//! framework unconditionally is a client library that applications embed (see
//! [`is_client_library`]).
//!
//! A crate that depends on a desktop or GUI framework (`[desktop] crates` in the placement
//! data: tauri and its plugins, egui, iced, gtk, ...) is a desktop app (see
//! [`is_desktop_app`]): it runs on its user's machine, whatever else it links.
//!
//! Only files in the crate's source directories count (not fixtures beside it), and
//! when the tool signal is an argument parser or a `[[bin]]` name in a crate that also
//! has a library, only the binaries' files (see [`ToolScope`]).
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

use super::cargo_workspace::WorkspaceUses;
use super::lock;
use std::collections::{HashMap, HashSet};
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

/// HTTP client crates: a library named as a client or SDK that uses one calls a service
/// from inside the applications that embed it.
const HTTP_CLIENTS: &[&str] = &[
    "reqwest",
    "ureq",
    "surf",
    "isahc",
    "awc",
    "hyper-util",
    "attohttpc",
    "minreq",
];

/// Endings of a client library's package name (`shop-client`, `shop_sdk`).
const CLIENT_LIBRARY_SUFFIXES: &[&str] = &["-client", "-sdk"];

/// Which of a crate's sources count as a command-line tool's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolScope {
    /// All of them (a tool's package name, an interactive terminal crate, or an
    /// argument parser in a crate without a library).
    Crate,
    /// Only the binaries' (`src/main.rs`, `src/bin/`, `[[bin]]` paths): the crate also
    /// has a library, which a service may well link (a write-ahead log with a small
    /// inspection binary).
    Binaries,
}

/// The targets a crate builds, as found on disk (`src/main.rs` or `src/bin/`, and
/// `src/lib.rs`); `[[bin]]` and `[lib]` sections of the manifest are added to these.
#[derive(Debug, Clone, Copy, Default)]
pub struct Targets {
    /// A binary target exists.
    pub bin: bool,
    /// A library target exists.
    pub lib: bool,
}

/// Whether, and for which sources, a crate manifest (`Cargo.toml` text) describes a
/// command-line tool. `dir_name` is the crate directory's name, `workspace` the
/// workspace root manifest's text (for features of `workspace = true` dependencies),
/// `links_server` tells whether a path dependency (`(inherited from the workspace,
/// path)`) serves requests itself or through its own path dependencies: a service's
/// main crate often parses arguments and leaves the HTTP stack to a sibling crate, so
/// an argument parser only counts when no such dependency does (an interactive terminal
/// crate counts regardless).
pub fn tool_scope(
    manifest: &str,
    dir_name: &str,
    targets: Targets,
    workspace: Option<&str>,
    links_server: &dyn Fn(bool, &str) -> bool,
) -> Option<ToolScope> {
    let table = manifest.parse::<Table>().ok()?;
    let package = table.get("package").and_then(Value::as_table)?;
    let workspace_deps = workspace_dependencies(workspace);
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
    let has_bin = targets.bin || !bins.is_empty();
    let binaries_only = if targets.lib || table.contains_key("lib") {
        ToolScope::Binaries
    } else {
        ToolScope::Crate
    };
    // A tool's name wins even over a server crate: `cargo-shuttle` runs a local
    // callback server, `quickwit-cli` starts the whole service.
    if [name, dir_name].into_iter().any(is_tool_name) {
        return Some(ToolScope::Crate);
    }
    if bins.iter().copied().any(is_tool_name) {
        return Some(binaries_only);
    }
    let deps = dependencies(&table, &workspace_deps);
    let uses = |list: &[&str]| {
        deps.iter()
            .any(|d| !d.optional && list.contains(&d.name.as_str()))
    };
    // An interactive terminal crate is strong evidence: only a server framework the crate
    // always links outweighs it (an optional `server` feature or a sibling `*-daemon`
    // crate has its own sources, classified on their own).
    if uses(TERMINAL_UI) {
        return is_terminal_program(&deps).then_some(ToolScope::Crate);
    }
    // An argument parser is weak evidence: any server crate, even optional or reached
    // through a path dependency, outweighs it.
    (has_bin && uses(ARG_PARSERS) && !serves(&deps, links_server)).then_some(binaries_only)
}

/// Whether dependencies that include an interactive terminal crate make a terminal
/// program: no server framework is always linked. A websocket crate does not count: a
/// terminal program that opens a websocket is the client of a hub (the manifest cannot
/// tell client from server use, the terminal can).
fn is_terminal_program(deps: &[Dependency]) -> bool {
    deps.iter()
        .any(|d| !d.optional && TERMINAL_UI.contains(&d.name.as_str()))
        && !deps
            .iter()
            .any(|d| !d.optional && d.is_server_framework() && !d.is_websocket())
}

/// Whether a crate manifest always links (not optionally) a sibling crate by `path` for
/// which `is_terminal` holds (`(inherited from the workspace, path)`, see
/// [`tool_scope`]) and always links no server crate, itself or through the path
/// dependencies it always links (`always_serves`): a library of a terminal program's own
/// (its local key-value store, its scripts database) runs where that program runs.
pub fn links_terminal_program(
    manifest: &str,
    workspace: Option<&str>,
    always_serves: &dyn Fn(bool, &str) -> bool,
    is_terminal: &dyn Fn(bool, &str) -> bool,
) -> bool {
    let Ok(table) = manifest.parse::<Table>() else {
        return false;
    };
    if !table.contains_key("package") {
        return false;
    }
    let deps = dependencies(&table, &workspace_dependencies(workspace));
    let always = |f: &dyn Fn(bool, &str) -> bool| {
        deps.iter().any(|d| {
            !d.optional
                && d.path
                    .as_ref()
                    .is_some_and(|(inherited, path)| f(*inherited, path))
        })
    };
    !deps.iter().any(|d| !d.optional && d.serves()) && !always(always_serves) && always(is_terminal)
}

/// Whether a crate manifest depends on a server crate, even optionally, by a sibling
/// crate's name, or through a path dependency (`links_server`, as for [`tool_scope`]).
pub fn crate_serves(
    manifest: &str,
    workspace: Option<&str>,
    links_server: &dyn Fn(bool, &str) -> bool,
) -> bool {
    let Ok(table) = manifest.parse::<Table>() else {
        return false;
    };
    let workspace_deps = workspace_dependencies(workspace);
    serves(&dependencies(&table, &workspace_deps), links_server)
}

/// Whether a crate manifest describes a client library that applications embed: a
/// library without a binary target, named `*-client` or `*-sdk`, that depends on an HTTP
/// client crate and links no server framework unconditionally (an optional `axum` or
/// `actix-web` feature only lets the embedding application mount the library's handlers).
pub fn is_client_library(manifest: &str, targets: Targets, workspace: Option<&str>) -> bool {
    let Ok(table) = manifest.parse::<Table>() else {
        return false;
    };
    let Some(package) = table.get("package").and_then(Value::as_table) else {
        return false;
    };
    let name = package
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_lowercase()
        .replace('_', "-");
    if targets.bin
        || table.contains_key("bin")
        || !CLIENT_LIBRARY_SUFFIXES.iter().any(|s| name.ends_with(s))
    {
        return false;
    }
    let deps = dependencies(&table, &workspace_dependencies(workspace));
    deps.iter()
        .any(|d| !d.optional && HTTP_CLIENTS.contains(&d.name.as_str()))
        && !deps.iter().any(|d| !d.optional && d.serves())
}

/// Whether a crate manifest describes a desktop app or a plugin of one: it depends, not
/// optionally, on a crate of `[desktop] crates` in the placement data. A desktop app that
/// embeds a local HTTP server (a Tauri app's local API on `axum`) is still a desktop app.
pub fn is_desktop_app(manifest: &str, workspace: Option<&str>) -> bool {
    let Ok(table) = manifest.parse::<Table>() else {
        return false;
    };
    let Ok(places) = crate::placement::builtin() else {
        return false;
    };
    if !table.contains_key("package") {
        return false;
    }
    dependencies(&table, &workspace_dependencies(workspace))
        .iter()
        .any(|d| !d.optional && places.desktop_crates.iter().any(|g| g.matches(&d.name)))
}

fn serves(deps: &[Dependency], links_server: &dyn Fn(bool, &str) -> bool) -> bool {
    deps.iter().any(Dependency::serves)
        || deps
            .iter()
            .filter_map(|d| d.path.as_ref())
            .any(|(inherited, path)| links_server(*inherited, path))
}

/// The `[workspace.dependencies]` table of a workspace manifest's text.
fn workspace_dependencies(workspace: Option<&str>) -> Table {
    workspace
        .and_then(|w| w.parse::<Table>().ok())
        .and_then(|w| {
            w.get("workspace")
                .and_then(|w| w.get("dependencies"))
                .and_then(Value::as_table)
                .cloned()
        })
        .unwrap_or_default()
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
    /// A `path` dependency's directory: (inherited from the workspace, path).
    path: Option<(bool, String)>,
}

impl Dependency {
    /// A crate from [`SERVER_CRATES`], or hyper with its `server`/`full` feature.
    fn is_server_framework(&self) -> bool {
        let name = self.name.as_str();
        if name == "hyper" {
            return self
                .features
                .iter()
                .any(|f| matches!(f.as_str(), "server" | "full"));
        }
        SERVER_CRATES.contains(&name)
    }

    /// A websocket crate, which clients and servers use alike.
    fn is_websocket(&self) -> bool {
        matches!(
            self.name.as_str(),
            "tokio-tungstenite" | "async-tungstenite"
        )
    }

    /// A server framework, or a crate named `*-server`/`*-serve`/`*-service`/`*-daemon`.
    fn serves(&self) -> bool {
        self.is_server_framework()
            || ["-server", "-serve", "-service", "-daemon"]
                .iter()
                .any(|s| self.name.ends_with(s))
    }
}

/// The directories of the crates the crate in `dir` links through `path` dependencies
/// (`[dependencies]` and target-specific ones, optional ones too, workspace-inherited
/// paths resolved against the workspace root); `None` when its `Cargo.toml` cannot be read.
pub(super) fn path_dependency_dirs(dir: &Path) -> Option<Vec<PathBuf>> {
    let (deps, workspace) = crate_dependencies(dir)?;
    let dirs = deps.iter().filter_map(|d| d.path.as_ref());
    Some(
        dirs.map(|(inherited, path)| match (&workspace, inherited) {
            (Some((root, _)), true) => root.join(path),
            _ => dir.join(path),
        })
        .collect(),
    )
}

/// The root files of every binary target of the crate in `crate_dir` whose manifest text
/// is `manifest`: `src/main.rs`, each `src/bin/*.rs` and `src/bin/<name>/main.rs`, and the
/// `[[bin]]` paths; with the directory holding only that binary's modules, if any.
pub(super) fn binary_targets(crate_dir: &Path, manifest: &str) -> Vec<(PathBuf, Option<PathBuf>)> {
    let main = crate_dir.join("src").join("main.rs");
    let mut out: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    if main.is_file() {
        out.push((main, None));
    }
    for bin in other_binaries(crate_dir, manifest) {
        if !out.iter().any(|(root, _)| *root == bin.root) {
            out.push((bin.root, bin.own_dir));
        }
    }
    for path in target_paths(manifest).1 {
        let root = crate_dir.join(path);
        if !out.iter().any(|(r, _)| *r == root) {
            out.push((root, None));
        }
    }
    out
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
            let mut path = None;
            if let Some(spec) = spec.as_table() {
                if let Some(p) = spec.get("path").and_then(Value::as_str) {
                    path = Some((false, p.to_string()));
                }
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
                        if let Some(p) = inherited.get("path").and_then(Value::as_str) {
                            path = Some((true, p.to_string()));
                        }
                    }
                }
            }
            out.push(Dependency {
                name: name.replace('_', "-"),
                optional,
                features,
                path,
            });
        }
    }
    out
}

/// What a Rust file is compiled into, when that is not (part of) a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrateRole {
    /// A command-line tool's sources (see [`ToolScope`]).
    Tool,
    /// A binary target other than the crate's main one (`src/bin/*.rs`,
    /// `src/bin/<name>/`, a `[[bin]]` path) whose own files start no server, in a crate
    /// that serves: a migration or analysis tool shipped beside the server.
    SeparateBinary,
    /// A client library that applications embed (see [`is_client_library`]).
    ClientLibrary,
    /// A desktop app or a plugin of one (see [`is_desktop_app`]).
    DesktopApp,
    /// A library its workspace links only into tests (see [`super::cargo_workspace`]).
    TestSupport,
}

/// Looks up and caches, per directory, what a Rust file's crate makes of it.
#[derive(Debug, Default)]
pub struct CargoCache {
    /// The role of every file of the directory, else of single files in it.
    by_dir: Mutex<HashMap<PathBuf, DirRoles>>,
    /// Per crate directory, so each manifest is read once.
    by_crate: Mutex<HashMap<PathBuf, CrateInfo>>,
    /// How each workspace's members use its packages.
    workspaces: WorkspaceUses,
    /// Per binary root file: whether it runs on its user's machine (see
    /// [`CargoCache::is_user_program`]).
    user_programs: Mutex<HashMap<PathBuf, bool>>,
}

#[derive(Debug, Clone, Default)]
struct DirRoles {
    all: Option<CrateRole>,
    files: Vec<(PathBuf, CrateRole)>,
}

/// What one crate's manifest and layout tell.
#[derive(Debug, Clone, Default)]
struct CrateInfo {
    scope: Option<ToolScope>,
    /// Directories the crate's targets are compiled from: `src/` and those of `[lib]`
    /// and `[[bin]]` paths.
    sources: Vec<PathBuf>,
    /// Directories holding only binaries: `src/bin/` and those of `[[bin]]` paths
    /// outside `src/` and the crate root.
    bin_dirs: Vec<PathBuf>,
    /// Binary roots: `src/main.rs` and `[[bin]]` paths.
    bin_files: Vec<PathBuf>,
    /// Binaries that start no server in a crate that serves.
    separate: Vec<BinTarget>,
    /// The crate is a client library (see [`is_client_library`]).
    client_library: bool,
    /// The crate is a desktop app (see [`is_desktop_app`]).
    desktop: bool,
    /// Its workspace links it only into tests (see [`super::cargo_workspace`]).
    test_support: bool,
}

/// A binary target other than the crate's main one: its root file and the directory
/// that holds only its modules (`src/bin/<name>/`), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
struct BinTarget {
    root: PathBuf,
    own_dir: Option<PathBuf>,
}

impl CargoCache {
    /// Whether the binary whose root file is `path` runs on its user's machine: its crate is
    /// a desktop app, or an interactive terminal program (see [`is_terminal_program`]) that
    /// is a tool. A tool known only by its name or its argument parser may be an operator's
    /// command on the servers, or launch the server itself. Cached per binary.
    pub fn is_user_program(&self, path: &Path) -> bool {
        if let Some(&hit) = lock(&self.user_programs).get(path) {
            return hit;
        }
        let found = match self.role(path) {
            Some(CrateRole::DesktopApp) => true,
            Some(CrateRole::Tool) => path
                .ancestors()
                .find(|d| d.join("Cargo.toml").is_file())
                .is_some_and(terminal_at),
            _ => false,
        };
        lock(&self.user_programs).insert(path.to_path_buf(), found);
        found
    }

    /// What the Rust file at `path` is compiled into: a command-line tool (it lies in the
    /// sources, see [`ToolScope`], of the crate whose `Cargo.toml` is nearest above it),
    /// a separate binary, or `None` (a service, or not known: no manifest, one without
    /// `[package]`, a file outside the crate's source directories).
    pub fn role(&self, path: &Path) -> Option<CrateRole> {
        // Relative paths (`./main.rs` when scanning inside `src/`) must still reach the
        // manifest above the working directory.
        let path = std::path::absolute(path).ok()?;
        let path = path.as_path();
        let dir = path.parent()?;
        let lookup = |roles: &DirRoles| {
            roles.all.or_else(|| {
                roles
                    .files
                    .iter()
                    .find(|(f, _)| f == path)
                    .map(|(_, role)| *role)
            })
        };
        if let Some(roles) = lock(&self.by_dir).get(dir) {
            return lookup(roles);
        }
        let roles = match dir.ancestors().find(|d| d.join("Cargo.toml").is_file()) {
            None => DirRoles::default(),
            Some(crate_dir) => {
                let cached = lock(&self.by_crate).get(crate_dir).cloned();
                let info = cached.unwrap_or_else(|| {
                    let found = read_crate(crate_dir, &self.workspaces);
                    lock(&self.by_crate).insert(crate_dir.to_path_buf(), found.clone());
                    found
                });
                dir_roles(&info, dir)
            }
        };
        let hit = lookup(&roles);
        lock(&self.by_dir).insert(dir.to_path_buf(), roles);
        hit
    }
}

/// The roles of the files in `dir`, a directory of the crate `info` describes.
fn dir_roles(info: &CrateInfo, dir: &Path) -> DirRoles {
    let under = |dirs: &[PathBuf]| dirs.iter().any(|s| dir.starts_with(s));
    let tool = Some(CrateRole::Tool);
    if info.test_support {
        return DirRoles {
            all: Some(CrateRole::TestSupport).filter(|_| under(&info.sources)),
            files: Vec::new(),
        };
    }
    if info.desktop {
        return DirRoles {
            all: Some(CrateRole::DesktopApp).filter(|_| under(&info.sources)),
            files: Vec::new(),
        };
    }
    match info.scope {
        Some(ToolScope::Crate) => DirRoles {
            all: tool.filter(|_| under(&info.sources)),
            files: Vec::new(),
        },
        Some(ToolScope::Binaries) => DirRoles {
            all: tool.filter(|_| under(&info.bin_dirs)),
            files: info
                .bin_files
                .iter()
                .filter(|f| f.parent() == Some(dir))
                .map(|f| (f.clone(), CrateRole::Tool))
                .collect(),
        },
        None if info.client_library => DirRoles {
            all: Some(CrateRole::ClientLibrary).filter(|_| under(&info.sources)),
            files: Vec::new(),
        },
        None => {
            let separate = Some(CrateRole::SeparateBinary);
            let whole = info
                .separate
                .iter()
                .any(|b| b.own_dir.as_ref().is_some_and(|d| dir.starts_with(d)));
            DirRoles {
                all: separate.filter(|_| whole),
                files: info
                    .separate
                    .iter()
                    .filter(|b| b.root.parent() == Some(dir))
                    .map(|b| (b.root.clone(), CrateRole::SeparateBinary))
                    .collect(),
            }
        }
    }
}

/// What the crate in `crate_dir` is, and where its sources lie; `workspaces` tells how
/// its workspace uses it.
fn read_crate(crate_dir: &Path, workspaces: &WorkspaceUses) -> CrateInfo {
    let Ok(manifest) = std::fs::read_to_string(crate_dir.join("Cargo.toml")) else {
        return CrateInfo::default();
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
    let src = crate_dir.join("src");
    let targets = Targets {
        bin: src.join("main.rs").is_file() || src.join("bin").is_dir(),
        lib: src.join("lib.rs").is_file(),
    };
    let workspace = workspace_root(crate_dir, &manifest);
    let links_server = |inherited: bool, path: &str| {
        let base = match (&workspace, inherited) {
            (Some((root, _)), true) => root.as_path(),
            _ => crate_dir,
        };
        serves_through_paths(&base.join(path), Links::Any, &mut HashSet::new())
    };
    let scope = tool_scope(
        &manifest,
        &dir_name,
        targets,
        workspace.as_ref().map(|(_, text)| text.as_str()),
        &links_server,
    );
    let workspace_text = workspace.as_ref().map(|(_, text)| text.as_str());
    let base = |inherited: bool| match (&workspace, inherited) {
        (Some((root, _)), true) => root.clone(),
        _ => crate_dir.to_path_buf(),
    };
    let always_serves = |inherited: bool, path: &str| {
        serves_through_paths(
            &base(inherited).join(path),
            Links::Always,
            &mut HashSet::new(),
        )
    };
    let is_terminal = |inherited: bool, path: &str| terminal_at(&base(inherited).join(path));
    let scope = scope.or_else(|| {
        links_terminal_program(&manifest, workspace_text, &always_serves, &is_terminal)
            .then_some(ToolScope::Crate)
    });
    let (lib_paths, bin_paths) = target_paths(&manifest);
    let parent = |p: &String| crate_dir.join(p).parent().map(Path::to_path_buf);
    let mut sources = vec![src.clone()];
    sources.extend(lib_paths.iter().chain(&bin_paths).filter_map(parent));
    let mut bin_dirs = vec![src.join("bin")];
    bin_dirs.extend(
        bin_paths
            .iter()
            .filter_map(parent)
            .filter(|d| d != &src && d != crate_dir),
    );
    let mut bin_files = vec![src.join("main.rs")];
    bin_files.extend(bin_paths.iter().map(|p| crate_dir.join(p)));
    let separate = if scope.is_none() && crate_serves(&manifest, workspace_text, &links_server) {
        other_binaries(crate_dir, &manifest)
            .into_iter()
            .filter(|bin| !starts_a_server(bin))
            .collect()
    } else {
        Vec::new()
    };
    let test_support = workspace.as_ref().is_some_and(|(root, text)| {
        package_name(&manifest).is_some_and(|name| workspaces.only_tests_use(root, text, &name))
    });
    CrateInfo {
        test_support,
        client_library: scope.is_none() && is_client_library(&manifest, targets, workspace_text),
        desktop: is_desktop_app(&manifest, workspace_text),
        scope,
        sources,
        bin_dirs,
        bin_files,
        separate,
    }
}

/// The crate's binary targets other than its main one (`src/main.rs`, or a `[[bin]]`
/// named like the package): every `src/bin/*.rs` and `src/bin/<name>/main.rs`, and the
/// `[[bin]]` paths.
fn other_binaries(crate_dir: &Path, manifest: &str) -> Vec<BinTarget> {
    let src = crate_dir.join("src");
    let bin = src.join("bin");
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&bin) {
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            if path.extension().is_some_and(|x| x == "rs") {
                let own_dir = path.with_extension("");
                out.push(BinTarget {
                    own_dir: own_dir.is_dir().then_some(own_dir),
                    root: path,
                });
            } else if path.join("main.rs").is_file() {
                out.push(BinTarget {
                    root: path.join("main.rs"),
                    own_dir: Some(path),
                });
            }
        }
    }
    let table = manifest.parse::<Table>().unwrap_or_default();
    let package = table
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("");
    for target in table
        .get("bin")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = target.get("name").and_then(Value::as_str).unwrap_or("");
        let Some(path) = target.get("path").and_then(Value::as_str) else {
            continue;
        };
        let root = crate_dir.join(path);
        if name == package || root == src.join("main.rs") || out.iter().any(|b| b.root == root) {
            continue;
        }
        let own_dir = root
            .parent()
            .filter(|d| *d != src && *d != bin && *d != crate_dir)
            .map(Path::to_path_buf);
        out.push(BinTarget { root, own_dir });
    }
    out
}

/// Whether a binary's own files name a server (see `[rust] server_words` in the placement
/// data). A file that cannot be read counts as naming one.
fn starts_a_server(bin: &BinTarget) -> bool {
    let Ok(places) = crate::placement::builtin() else {
        return true;
    };
    let words: Vec<&str> = places
        .rust_server_words
        .iter()
        .map(String::as_str)
        .collect();
    let mut files = vec![bin.root.clone()];
    if let Some(dir) = &bin.own_dir {
        let walker = ignore::WalkBuilder::new(dir)
            .standard_filters(false)
            .build();
        files.extend(
            walker
                .flatten()
                .map(|e| e.into_path())
                .filter(|p| p.extension().is_some_and(|x| x == "rs") && *p != bin.root),
        );
    }
    files
        .iter()
        .any(|file| match std::fs::read_to_string(file) {
            Ok(text) => crate::frontend::words::has_word(&text, &words),
            Err(_) => true,
        })
}

/// A workspace's root directory and the text of its `Cargo.toml`.
type WorkspaceRoot = (PathBuf, String);

/// The `[package] name` of a crate manifest's text.
fn package_name(manifest: &str) -> Option<String> {
    let table = manifest.parse::<Table>().ok()?;
    let package = table.get("package")?.as_table()?;
    Some(package.get("name")?.as_str()?.to_string())
}

/// The directory and manifest text of the workspace above a crate (when its manifest
/// mentions a workspace at all).
fn workspace_root(crate_dir: &Path, manifest: &str) -> Option<WorkspaceRoot> {
    if !manifest.contains("workspace") {
        return None;
    }
    crate_dir.ancestors().skip(1).find_map(|d| {
        let text = std::fs::read_to_string(d.join("Cargo.toml")).ok()?;
        declares_workspace(&text).then(|| (d.to_path_buf(), text))
    })
}

/// Whether a manifest declares a workspace: a `[workspace]` or `[workspace.*]` table header
/// (a comment that mentions `[workspace.dependencies]` declares nothing).
pub(super) fn declares_workspace(manifest: &str) -> bool {
    manifest
        .lines()
        .any(|line| line.trim_start().starts_with("[workspace"))
}

/// Whether the crate in `dir` is an interactive terminal program (see
/// [`is_terminal_program`]).
fn terminal_at(dir: &Path) -> bool {
    crate_dependencies(dir).is_some_and(|(deps, _)| is_terminal_program(&deps))
}

/// The dependencies of the crate in `dir` (workspace-inherited ones resolved), with its
/// workspace's root directory and manifest; `None` when its `Cargo.toml` cannot be read.
fn crate_dependencies(dir: &Path) -> Option<(Vec<Dependency>, Option<WorkspaceRoot>)> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    let table = manifest.parse::<Table>().ok()?;
    let workspace = workspace_root(dir, &manifest);
    let workspace_deps = workspace_dependencies(workspace.as_ref().map(|(_, w)| w.as_str()));
    Some((dependencies(&table, &workspace_deps), workspace))
}

/// Which dependencies [`serves_through_paths`] follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Links {
    /// Optional ones too.
    Any,
    /// Only those always linked.
    Always,
}

/// Whether the crate in `dir` depends on a server crate, itself or through its own
/// path dependencies (optional ones too, or only those always linked).
fn serves_through_paths(dir: &Path, links: Links, seen: &mut HashSet<PathBuf>) -> bool {
    if seen.len() > 200 || !seen.insert(dir.to_path_buf()) {
        return false;
    }
    let Some((deps, workspace)) = crate_dependencies(dir) else {
        return false;
    };
    let deps: Vec<Dependency> = deps
        .into_iter()
        .filter(|d| links == Links::Any || !d.optional)
        .collect();
    deps.iter().any(Dependency::serves)
        || deps
            .iter()
            .filter_map(|d| d.path.as_ref())
            .any(|(inherited, path)| {
                let base = match (&workspace, inherited) {
                    (Some((root, _)), true) => root.as_path(),
                    _ => dir,
                };
                serves_through_paths(&base.join(path), links, seen)
            })
}

/// The `path`s of the `[lib]` and of the `[[bin]]` targets.
fn target_paths(manifest: &str) -> (Vec<String>, Vec<String>) {
    let Ok(table) = manifest.parse::<Table>() else {
        return (Vec::new(), Vec::new());
    };
    let path = |t: &Value| t.get("path").and_then(Value::as_str).map(str::to_string);
    let lib = table.get("lib").and_then(path).into_iter().collect();
    let bins = table
        .get("bin")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(path)
        .collect();
    (lib, bins)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool(manifest: &str, dir: &str, bin: bool) -> bool {
        scope(manifest, dir, bin, false).is_some()
    }

    fn scope(manifest: &str, dir: &str, bin: bool, lib: bool) -> Option<ToolScope> {
        tool_scope(manifest, dir, Targets { bin, lib }, None, &|_, _| false)
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
    fn a_library_that_always_links_a_terminal_program_is_part_of_it() {
        let terminal = |_: bool, path: &str| path == "../term";
        let serves = |_: bool, path: &str| path == "../api";
        let links = |deps: &str| {
            let m = format!("[package]\nname = \"notes\"\n[dependencies]\n{deps}\n");
            links_terminal_program(&m, None, &serves, &terminal)
        };
        assert!(links("term = { path = \"../term\" }"));
        assert!(!links("term = { path = \"../term\", optional = true }"));
        assert!(!links("term = { path = \"../term\" }\naxum = \"0.8\""));
        assert!(!links(
            "term = { path = \"../term\" }\napi = { path = \"../api\" }"
        ));
        assert!(!links("store = { path = \"../store\" }"));
        // A websocket crate beside a terminal crate is a client's; a server framework is not.
        let ws = "[package]\nname = \"share\"\n[dependencies]\ncrossterm = \"0.29\"\ntokio-tungstenite = \"0.24\"\n";
        assert!(tool(ws, "share", false));
        assert!(!tool(&format!("{ws}axum = \"0.8\"\n"), "share", false));
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
            let m =
                format!("[package]\nname = \"shop\"\n\n[dependencies]\nclap = \"4\"\n{server}\n");
            assert!(!tool(&m, "shop", true), "{server}");
        }
        // hyper as a client only is no server.
        let client = "[package]\nname = \"fetcher\"\n[dependencies]\nclap = \"4\"\nhyper = { version = \"1\", features = [\"client\", \"http1\"] }\n";
        assert!(tool(client, "fetcher", true));
    }

    #[test]
    fn an_argument_parser_beside_a_library_covers_only_the_binaries() {
        let m = "[package]\nname = \"wal\"\n[dependencies]\ndocopt = \"1\"\nmemmap2 = \"0.9\"\n";
        assert_eq!(scope(m, "wal", true, true), Some(ToolScope::Binaries));
        assert_eq!(scope(m, "wal", true, false), Some(ToolScope::Crate));
        let named =
            "[package]\nname = \"wal\"\n[[bin]]\nname = \"walctl\"\npath = \"src/bin/ctl.rs\"\n";
        assert_eq!(scope(named, "wal", false, true), Some(ToolScope::Binaries));
        let tui = "[package]\nname = \"hist\"\n[dependencies]\ncrossterm = \"0.28\"\n";
        assert_eq!(scope(tui, "hist", true, true), Some(ToolScope::Crate));
    }

    #[test]
    fn only_a_linked_server_framework_outweighs_a_terminal_ui() {
        let m = "[package]\nname = \"shell\"\n[dependencies]\nratatui = \"0.29\"\nshell-daemon = { path = \"../daemon\" }\nshell-server = { path = \"../server\", optional = true }\naxum = { version = \"0.8\", optional = true }\n";
        assert!(tool(m, "shell", true));
        let linked =
            "[package]\nname = \"shell\"\n[dependencies]\nratatui = \"0.29\"\nwarp = \"0.3\"\n";
        assert!(!tool(linked, "shell", true));
        // The weak signal gives way to the same optional server.
        let clap = "[package]\nname = \"shell\"\n[dependencies]\nclap = \"4\"\naxum = { version = \"0.8\", optional = true }\n";
        assert!(!tool(clap, "shell", true));
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
    fn client_libraries_are_named_so_and_call_over_http() {
        let lib = Targets {
            bin: false,
            lib: true,
        };
        let client =
            |deps: &str| format!("[package]\nname = \"shop-client\"\n[dependencies]\n{deps}");
        assert!(is_client_library(
            &client("reqwest = \"0.12\"\n"),
            lib,
            None
        ));
        // Integrations the embedding application switches on.
        let optional = "reqwest = \"0.12\"\naxum = { version = \"0.8\", optional = true }\n";
        assert!(is_client_library(&client(optional), lib, None));
        // A server framework always linked, no HTTP client, a binary or another name: no.
        let serving = "reqwest = \"0.12\"\naxum = \"0.8\"\n";
        assert!(!is_client_library(&client(serving), lib, None));
        assert!(!is_client_library(&client("serde = \"1\"\n"), lib, None));
        let bin = Targets {
            bin: true,
            lib: true,
        };
        assert!(!is_client_library(
            &client("reqwest = \"0.12\"\n"),
            bin,
            None
        ));
        let store = "[package]\nname = \"shop-store\"\n[dependencies]\nreqwest = \"0.12\"\n";
        assert!(!is_client_library(store, lib, None));
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
        assert_eq!(cache.role(&d.join("src/main.rs")), Some(CrateRole::Tool));
        assert_eq!(
            cache.role(&d.join("src/cmd/dump.rs")),
            Some(CrateRole::Tool)
        );
        assert_eq!(cache.role(&d.join("jobs/sweep.rs")), Some(CrateRole::Tool));
        assert_eq!(cache.role(&d.join("fixtures/server.rs")), None);
        // Beside a library, only the binaries are the tool's.
        let w = d.join("wal");
        std::fs::create_dir_all(w.join("src/bin")).unwrap();
        std::fs::write(w.join("src/lib.rs"), "").unwrap();
        std::fs::write(w.join("src/main.rs"), "").unwrap();
        std::fs::write(
            w.join("Cargo.toml"),
            "[package]\nname = \"wal\"\n[dependencies]\nclap = \"4\"\n",
        )
        .unwrap();
        let cache = CargoCache::default();
        assert_eq!(cache.role(&w.join("src/lib.rs")), None);
        assert_eq!(cache.role(&w.join("src/segment.rs")), None);
        assert_eq!(cache.role(&w.join("src/main.rs")), Some(CrateRole::Tool));
        assert_eq!(
            cache.role(&w.join("src/bin/inspect.rs")),
            Some(CrateRole::Tool)
        );
        assert_eq!(
            CargoCache::default().role(Path::new("/no/such/dir/main.rs")),
            None
        );
    }

    #[test]
    fn terminal_programs_and_desktop_apps_run_on_their_users_machine() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let write = |p: &str, t: &str| super::super::write_tree_file(d, p, t);
        let deps = |name: &str, deps: &str| {
            format!("[package]\nname = \"{name}\"\n[dependencies]\n{deps}")
        };
        write(
            "term/Cargo.toml",
            &deps("term", "clap = \"4\"\nratatui = \"0.29\"\n"),
        );
        write("term/src/main.rs", "fn main() {}\n");
        write("notes/Cargo.toml", &deps("notes", "tauri = \"2\"\n"));
        write("notes/src/main.rs", "fn main() {}\n");
        // A tool by its name or its argument parser only may run on the servers.
        write("ops-cli/Cargo.toml", &deps("ops-cli", "serde = \"1\"\n"));
        write("ops-cli/src/main.rs", "fn main() {}\n");
        write("sweep/Cargo.toml", &deps("sweep", "clap = \"4\"\n"));
        write("sweep/src/main.rs", "fn main() {}\n");
        write("api/Cargo.toml", &deps("api", "axum = \"0.8\"\n"));
        write("api/src/main.rs", "fn main() {}\n");
        let cache = CargoCache::default();
        let user = |p: &str| cache.is_user_program(&d.join(p));
        assert!(user("term/src/main.rs"));
        assert!(user("notes/src/main.rs"));
        assert!(!user("ops-cli/src/main.rs"));
        assert!(!user("sweep/src/main.rs"));
        assert!(!user("api/src/main.rs"));
    }

    #[test]
    fn binaries_that_start_no_server_are_separate_programs_in_a_serving_crate() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let write = |p: &str, t: &str| super::super::write_tree_file(d, p, t);
        write(
            "Cargo.toml",
            "[package]\nname = \"shop\"\n[dependencies]\naxum = \"0.8\"\n[[bin]]\nname = \"reindex\"\npath = \"ops/reindex.rs\"\n[[bin]]\nname = \"shop\"\npath = \"src/main.rs\"\n",
        );
        write("src/main.rs", "fn main() { shop::run() }\n");
        write("src/lib.rs", "pub fn run() {}\n");
        write(
            "src/bin/backfill.rs",
            "fn main() { std::fs::write(\"out.csv\", \"\").unwrap(); }\n",
        );
        write("src/bin/import/main.rs", "mod rows;\nfn main() {}\n");
        write("src/bin/import/rows.rs", "pub fn read() {}\n");
        write(
            "src/bin/gateway.rs",
            "fn main() { let app = axum::Router::new(); }\n",
        );
        write("src/bin/admin/main.rs", "mod http;\nfn main() {}\n");
        write("src/bin/admin/http.rs", "pub async fn serve_admin() {}\n");
        write("ops/reindex.rs", "fn main() {}\n");
        let cache = CargoCache::default();
        let role = |p: &str| cache.role(&d.join(p));
        let separate = Some(CrateRole::SeparateBinary);
        assert_eq!(role("src/bin/backfill.rs"), separate);
        assert_eq!(role("src/bin/import/main.rs"), separate);
        assert_eq!(role("src/bin/import/rows.rs"), separate);
        assert_eq!(role("ops/reindex.rs"), separate);
        // Naming a server framework or serving from a module of its own keeps a binary.
        assert_eq!(role("src/bin/gateway.rs"), None);
        assert_eq!(role("src/bin/admin/main.rs"), None);
        assert_eq!(role("src/bin/admin/http.rs"), None);
        // The main binary and the library are the service.
        assert_eq!(role("src/main.rs"), None);
        assert_eq!(role("src/lib.rs"), None);
        // In a crate that serves nothing, binaries tell nothing.
        write(
            "quiet/Cargo.toml",
            "[package]\nname = \"quiet\"\n[dependencies]\nserde = \"1\"\n",
        );
        write("quiet/src/bin/backfill.rs", "fn main() {}\n");
        assert_eq!(role("quiet/src/bin/backfill.rs"), None);
    }

    #[test]
    fn a_desktop_framework_makes_a_desktop_app_even_beside_a_local_server() {
        let app = "[package]\nname = \"notes-desktop\"\n[dependencies]\ntauri = \"2\"\naxum = \"0.8\"\nclap = \"4\"\n";
        assert!(is_desktop_app(app, None));
        let plugin = "[package]\nname = \"sync-plugin\"\n[target.'cfg(unix)'.dependencies]\ntauri_plugin_store = \"2\"\n";
        assert!(is_desktop_app(plugin, None));
        let ws = "[workspace]\n[workspace.dependencies]\neframe = \"0.29\"\n";
        let inherited = "[package]\nname = \"viewer\"\n[dependencies]\neframe.workspace = true\n";
        assert!(is_desktop_app(inherited, Some(ws)));
        // An optional desktop feature, a dev or build dependency, or a desktop-ish name
        // leave a server crate a server.
        for server in [
            "[package]\nname = \"desktop-sync-server\"\n[dependencies]\naxum = \"0.8\"\n",
            "[package]\nname = \"notes\"\n[dependencies]\naxum = \"0.8\"\ntauri = { version = \"2\", optional = true }\n",
            "[package]\nname = \"notes\"\n[dev-dependencies]\ntauri = \"2\"\n[build-dependencies]\ntauri-build = \"2\"\n",
            "[workspace]\nmembers = [\"app\"]\n[workspace.dependencies]\ntauri = \"2\"\n",
        ] {
            assert!(!is_desktop_app(server, None), "{server}");
        }
    }

    #[test]
    fn inherits_features_from_the_workspace() {
        let ws = "[workspace]\n[workspace.dependencies]\nhyper = { version = \"1\", features = [\"server\"] }\nclap = \"4\"\n";
        let m = "[package]\nname = \"gateway\"\n[dependencies]\nclap.workspace = true\nhyper = { workspace = true }\n";
        let bin = Targets {
            bin: true,
            lib: false,
        };
        let no = |_: bool, _: &str| false;
        assert_eq!(tool_scope(m, "gateway", bin, Some(ws), &no), None);
        assert_eq!(
            tool_scope(m, "gateway", bin, None, &no),
            Some(ToolScope::Crate)
        );
        // A main crate parsing arguments for a server its sibling crate runs.
        let main = "[package]\nname = \"shop\"\n[dependencies]\nclap = \"4\"\nshop-http = { path = \"../http\" }\n";
        let http = |inherited: bool, path: &str| !inherited && path == "../http";
        assert_eq!(tool_scope(main, "shop", bin, None, &http), None);
        assert_eq!(
            tool_scope(main, "shop", bin, None, &no),
            Some(ToolScope::Crate)
        );
    }
}
