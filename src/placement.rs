//! Where a file's code runs: on every instance of a scaled-out service (`Server`, the
//! only code that is reported), or somewhere a second instance changes nothing (tests,
//! tooling, client apps, code that runs once per start or upgrade, separate programs
//! that live in the same repository).
//!
//! Decided in three places, all feeding one [`Placement`]:
//! - the file's **path**, from the patterns in `src/placement/places.toml` ([`of_path`],
//!   pure, so an editor can use it on an unsaved buffer);
//! - the file's **project** (`.csproj`, `Cargo.toml`, `package.json`), read by
//!   [`project::ProjectPlacements`] in the scan layer and passed in
//!   [`crate::frontend::FrontendOptions::placement`];
//! - what the file **imports** (a test framework, a UI framework, an argument parser),
//!   which each frontend records as a file context.
//!
//! The engine ([`crate::engine::Engine::lint`]) combines the first two with
//! [`resolve`] and drops the findings of every file that is not `Server`.

mod data;
pub(crate) mod glob;
pub mod project;

pub use data::{builtin, Places};

use crate::frontend::Language;

/// Where a file's code runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Placement {
    /// On every instance of the service (or not known otherwise): reported.
    #[default]
    Server,
    /// A program of its own that is deployed as an operating-system service (a .NET
    /// console project its deploy script installs with nssm or `New-Service`): reported
    /// like server code, and its `main` runs for as long as the service does; also a file a
    /// framework's package manifest loads into the server process (a Meteor package's
    /// server files), whose top level runs there from the start.
    Service,
    /// Test code.
    Test,
    /// Build, release and developer tooling.
    Tooling,
    /// A developer's task runner (`Gruntfile.js`, `gulpfile.js`): tooling whose watch or dev
    /// task may start the server for development, so it is never the server's launcher; and
    /// a Cargo build script (`build.rs`), which runs when its crate compiles.
    DevTasks,
    /// A browser, desktop or mobile client: once per user, not per instance.
    Client,
    /// Once per start or upgrade: migrations, seeding, installers, upgrade steps.
    OnceAtStart,
    /// A program of its own beside the service, which a person or a build runs.
    SeparateProgram(Program),
}

/// The kinds of separate programs found in a server's repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Program {
    /// A .NET console project that hosts no web app or service.
    ConsoleProject,
    /// A Rust binary target that starts no server, in a crate whose main binary does.
    RustBinary,
    /// A Node script that only a `package.json` script runs (seeding, migrating, building).
    PackageScript,
}

impl Placement {
    /// Whether findings in code placed here are reported.
    pub fn is_reported(self) -> bool {
        matches!(self, Placement::Server | Placement::Service)
    }
}

/// Where the file at `path` (relative, `/`-separated) runs, judged by its path alone.
pub fn of_path(path: &str, language: Language) -> Placement {
    let Ok(places) = builtin() else {
        return Placement::Server;
    };
    placement_in(places, path, language)
}

fn placement_in(places: &Places, path: &str, language: Language) -> Placement {
    let mut parts = path.split('/').rev();
    let file = parts.next().unwrap_or("");
    let dirs: Vec<&str> = parts.filter(|d| !d.is_empty() && *d != ".").collect();
    places
        .paths
        .iter()
        .filter(|e| e.languages.is_empty() || e.languages.contains(&language))
        .find(|e| {
            e.files.iter().any(|g| g.matches(file))
                || dirs.iter().any(|d| e.dirs.iter().any(|g| g.matches(d)))
        })
        .map_or(Placement::Server, |e| e.placement)
}

/// Where a file runs, from its `project` placement and its path: test code by path wins
/// (it names the file most precisely), then the project, then the rest of the path.
pub fn resolve(project: Placement, path: &str, language: Language) -> Placement {
    match of_path(path, language) {
        Placement::Test => Placement::Test,
        by_path if project == Placement::Server => by_path,
        Placement::Server if project == Placement::Service => project,
        _ => project,
    }
}

/// The last `depth` components of `path` (`/`-separated): the part inside a package that
/// decides where its files run (see [`project::ProjectPlacements::package_depth`]); the
/// whole path when `None`.
pub fn within_package(path: &str, depth: Option<usize>) -> &str {
    let Some(depth) = depth else {
        return path;
    };
    let path = path.trim_end_matches('/');
    match path
        .rmatch_indices(['/', '\\'])
        .nth(depth.saturating_sub(1))
    {
        Some((at, _)) if depth > 0 => &path[at + 1..],
        _ => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Language::*;

    fn at(path: &str) -> Placement {
        of_path(path, JavaScript)
    }

    #[test]
    fn recognises_test_paths() {
        for path in [
            "src/__tests__/upload.js",
            "api/upload.test.ts",
            "tests/it.rs",
            "Shop.Tests/UploadTests.cs",
            "src/store_test.rs",
            "src/frontend/tests.rs",
            "benches/scan.rs",
            "src/IntegrationTests/Upload.cs",
            "Tests/Upload.cs",
            "TestMqHost/Program.cs",
            "api/unit-tests/entry.js",
            "lib/collection/src/model_testing/fixture.rs",
            "Shop.Web/appsettings.Development.json",
            "src/api/src/dev_only/handlers.rs",
            "crates/store/src/test_utils/mod.rs",
            "app/server/lib/TestingHooks.ts",
            "src/Storage/BlobStoreForTests.cs",
            "src/mail/FakeMailer.js",
        ] {
            assert_eq!(at(path), Placement::Test, "{path}");
        }
        for path in [
            "src/contest/entry.js",
            "src/contests/entry.js",
            "Testimonials/index.js",
            "src/upload.js",
            "fixtures/rust/latest.rs",
            "src/Contest.cs",
            "src/Attestation.cs",
            "src/api/src/developer_settings.rs",
            "Shop.Web/appsettings.Production.json",
            "Shop.Web/appsettings.json",
            "src/Testimonials.tsx",
            "src/Fakespot.js",
            "src/fakeNews.js",
        ] {
            assert_eq!(at(path), Placement::Server, "{path}");
        }
    }

    #[test]
    fn recognises_tooling_client_and_start_up_paths() {
        for path in [
            "scripts/seed.js",
            "webpack.config.js",
            "examples/upload/main.rs",
            "samples/Sample.Worker/Program.cs",
            "demo/server.js",
            "crates/meili-cli/src/main.rs",
            "xtask/src/main.rs",
            "crates/fuzzers/src/bin/fuzz-indexing.rs",
            "packages/payload/bin/migrate.js",
            "packages/create-payload-app/src/index.ts",
        ] {
            assert_eq!(at(path), Placement::Tooling, "{path}");
        }
        for path in [
            "Gruntfile.js",
            "gulpfile.mjs",
            "web/Jakefile.js",
            "build.rs",
        ] {
            assert_eq!(at(path), Placement::DevTasks, "{path}");
        }
        for path in ["src/config.js", "src/jobs/build.js", "src/binary.js"] {
            assert_eq!(at(path), Placement::Server, "{path}");
        }
        assert_eq!(at("public/js/app.js"), Placement::Client);
        // Node-only directory conventions do not apply to other languages.
        assert_eq!(of_path("src/bin/report.rs", Rust), Placement::Server);
        assert_eq!(of_path("public/Upload.cs", CSharp), Placement::Server);
        for path in [
            "db/migrations/0001-create.js",
            "Jellyfin.Server/Migrations/Routines/MoveExtractedFiles.cs",
            "src/Datastore/Migration/001_initial.cs",
            "src/upgrades/4.1/move_uploads.js",
            "install/web.js",
            "src/seed.ts",
            "Data/DemoSeeder.cs",
            "Data/UserMigration.cs",
            "Setup/PluginInstaller.cs",
            "src/migrate.rs",
            "util/MySqlMigrations/Factories.cs",
            "util/MsSqlMigratorUtility/Program.cs",
            "src/Modules/Shop.Module.Installer/Controllers/InstallController.cs",
        ] {
            assert_eq!(of_path(path, CSharp), Placement::OnceAtStart, "{path}");
        }
        for path in [
            "src/Indexers/SeedConfigProvider.cs",
            "src/Billing/UpgradeOrganizationPlanCommand.cs",
            "src/plugins/install.js",
            "src/Controllers/MigrationStatusController.cs",
            "src/Core/Tools/SendFeatures/LocalSendStorageService.cs",
            "src/Startup.cs",
        ] {
            assert_eq!(of_path(path, CSharp), Placement::Server, "{path}");
        }
    }

    #[test]
    fn test_paths_win_over_the_project_and_the_project_over_other_paths() {
        let tool = Placement::Tooling;
        assert_eq!(resolve(tool, "tests/a.js", JavaScript), Placement::Test);
        assert_eq!(resolve(tool, "migrations/a.js", JavaScript), tool);
        assert_eq!(
            resolve(Placement::Server, "migrations/a.js", JavaScript),
            Placement::OnceAtStart
        );
        assert_eq!(
            resolve(Placement::Server, "src/a.js", JavaScript),
            Placement::Server
        );
    }

    #[test]
    fn a_package_judges_only_the_path_inside_it() {
        let path = "crates/docs/src/queue.rs";
        assert_eq!(within_package(path, None), path);
        assert_eq!(within_package(path, Some(2)), "src/queue.rs");
        assert_eq!(within_package(path, Some(9)), path);
        assert_eq!(within_package("queue.rs", Some(1)), "queue.rs");
        assert_eq!(
            resolve(Placement::Server, within_package(path, Some(2)), Rust),
            Placement::Server
        );
        assert_eq!(resolve(Placement::Server, path, Rust), Placement::Tooling);
    }
}
