//! Placement from a file's project: what its nearest `.csproj`, `Cargo.toml` or
//! `package.json` says about the program the file is compiled into. Reads the disk, so
//! only the scan layer uses it; results are cached per directory by the manifest readers.

use super::{Placement, Program};
use crate::frontend::Language;
use crate::manifest::cargo::{CargoCache, CrateRole};
use crate::manifest::cargo_hosts::CargoHosts;
use crate::manifest::csproj::{ConsoleCache, CsprojCache};
use crate::manifest::dotnet_solution::{Hosts, SolutionCache};
use crate::manifest::meteor::MeteorCache;
use crate::manifest::npm::{PackageCache, PackageKind};
use crate::manifest::npm_scripts::ScriptCache;
use std::path::Path;

/// The manifest caches that place files, shared by every worker of a scan.
#[derive(Default)]
pub struct ProjectPlacements {
    cargo: CargoCache,
    npm: PackageCache,
    console: ConsoleCache,
    scripts: ScriptCache,
    meteor: MeteorCache,
    solutions: SolutionCache,
    binaries: CargoHosts,
}

impl ProjectPlacements {
    /// The programs whose process loads the file at `path` (see [`SolutionCache::hosts`]
    /// for C#, [`CargoHosts::hosts`] for Rust); `None` when unsure or for other languages.
    pub fn hosts(&self, path: &Path, language: Language) -> Option<Hosts> {
        match language {
            Language::CSharp | Language::Razor => self.solutions.hosts(path),
            Language::Rust => self.binaries.hosts(path),
            _ => None,
        }
    }

    /// The programs among [`ProjectPlacements::hosts`] that run on a user's machine (a .NET
    /// desktop app carrying no web server, see [`SolutionCache::client_hosts`]; a Rust
    /// terminal program or desktop app).
    pub fn client_hosts(&self, path: &Path, language: Language) -> Option<Hosts> {
        match language {
            Language::CSharp | Language::Razor => self.solutions.client_hosts(path),
            Language::Rust => self.rust_client_hosts(path),
            _ => None,
        }
    }

    /// The binaries among a Rust file's hosts that run on a user's machine (a terminal
    /// program or a desktop app, see [`CargoCache::is_user_program`]): a workspace crate
    /// that only such binaries link (a terminal program's daemon, its client library) is
    /// then client code, and a shared crate's function that only their code calls is no
    /// server code.
    fn rust_client_hosts(&self, path: &Path) -> Option<Hosts> {
        let clients: Vec<_> = self
            .binaries
            .hosts(path)?
            .iter()
            .filter(|binary| self.cargo.is_user_program(binary))
            .cloned()
            .collect();
        (!clients.is_empty()).then(|| clients.into())
    }

    /// How many trailing components of `path` lie inside a package that decides where the
    /// file runs, so that only they are judged by name (see [`crate::placement::resolve`]):
    /// a Rust crate that a server binary of another package links runs in that server, even
    /// in a directory named like tooling (`crates/docs/`). `None`: the whole path counts (a
    /// docs site that is a package of its own, linked by no server, stays tooling).
    pub fn package_depth(&self, path: &Path, language: Language) -> Option<usize> {
        if language != Language::Rust {
            return None;
        }
        let hosts = self.binaries.hosts(path)?;
        let (crate_dir, root, inside) = self.binaries.package_dirs(path)?;
        let linked_by_server = hosts.iter().any(|binary| {
            !binary.starts_with(&crate_dir)
                && self.cargo.role(binary).is_none()
                && binary
                    .strip_prefix(&root)
                    .ok()
                    .and_then(Path::to_str)
                    .is_some_and(|rel| {
                        super::of_path(&rel.replace('\\', "/"), language) == Placement::Server
                    })
        });
        linked_by_server.then_some(inside)
    }

    /// Where the file at `path` runs according to its project; `Server` when the
    /// project tells nothing. `csproj` is the scan's cache of C# project settings (a
    /// desktop project's configuration files run on a user's machine).
    pub fn of_file(&self, path: &Path, language: Language, csproj: &CsprojCache) -> Placement {
        match language {
            Language::Rust => match self.cargo.role(path) {
                Some(CrateRole::Tool) => Placement::Tooling,
                Some(CrateRole::SeparateBinary) => Placement::SeparateProgram(Program::RustBinary),
                Some(CrateRole::ClientLibrary | CrateRole::DesktopApp) => Placement::Client,
                Some(CrateRole::TestSupport) => Placement::Test,
                None => Placement::Server,
            },
            Language::JavaScript | Language::TypeScript | Language::Prisma => {
                match self.npm.kind(path) {
                    Some(PackageKind::Tool) => Placement::Tooling,
                    Some(PackageKind::ClientSide) => Placement::Client,
                    None if self.scripts.is_one_off_script(path) => {
                        Placement::SeparateProgram(Program::PackageScript)
                    }
                    None if self.scripts.is_service_script(path) => Placement::Service,
                    // A file a Meteor package loads into the server runs there from the
                    // start, whether or not it exports anything.
                    None if self.meteor.is_server_file(path) => Placement::Service,
                    None => Placement::Server,
                }
            }
            Language::CSharp | Language::DotnetConfig | Language::Razor
                if self.console.is_separate_console(path) =>
            {
                Placement::SeparateProgram(Program::ConsoleProject)
            }
            Language::CSharp | Language::DotnetConfig | Language::Razor
                if self.console.is_build_extension(path) =>
            {
                Placement::Tooling
            }
            Language::CSharp | Language::Razor if self.console.is_installed_service(path) => {
                Placement::Service
            }
            Language::DotnetConfig if csproj.is_desktop(path) => Placement::Client,
            Language::CSharp | Language::DotnetConfig | Language::Razor
                if self.solutions.is_desktop_only_library(path)
                    || self.solutions.is_desktop_client_program(path) =>
            {
                Placement::Client
            }
            Language::CSharp | Language::DotnetConfig | Language::Razor => Placement::Server,
        }
    }
}
