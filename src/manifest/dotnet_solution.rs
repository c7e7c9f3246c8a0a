//! Libraries of a .NET solution that only desktop apps use. A class library (no
//! `<OutputType>Exe</OutputType>`, no web or worker SDK) runs wherever the programs that
//! reference it run: when every program that references it, directly or through other
//! libraries, is a desktop app (WinExe, WPF, WinForms, MAUI, or a project built on a desktop
//! UI framework's packages, `[desktop] nuget` in the placement data), its code runs on a
//! user's machine, not behind a load balancer. A desktop-only library (`Desktop.Core`
//! referenced by the `Desktop.Win` app) is client code even though nothing in its own
//! project file says so.
//!
//! The solution is every `.csproj` below the nearest folder upward that holds a `.sln` or
//! `.slnx` file (else a `.git` folder), read once per such root. Test projects do not count
//! as users. When unsure the library stays server code: a library nothing references (a
//! plugin the server loads by path), one an unreadable or non-desktop program references,
//! or one whose references cannot be resolved.

use super::csproj::{
    is_desktop_project, item_includes, nearest_project_file, project_references, property_values,
};
use super::lock;
use crate::placement::glob::Glob;
use crate::placement::Places;
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Projects deeper than this below their referrers are not followed (a cycle guard).
const MAX_DEPTH: usize = 64;

/// More projects than this referenced by one program are not followed (a guard).
const MAX_PROJECTS: usize = 4096;

/// What one project file says about itself.
#[derive(Debug)]
struct Project {
    /// Normalised paths of the projects it references.
    references: Vec<PathBuf>,
    /// It builds an executable (console, WinExe, web or worker SDK).
    program: bool,
    /// It builds a desktop app or a library of a desktop UI framework.
    desktop: bool,
    /// It is a test project.
    test: bool,
    /// It builds or links a web server (the web SDK, the ASP.NET Core framework or its
    /// server packages).
    web: bool,
}

/// The projects of one solution and who references each.
#[derive(Debug, Default)]
struct Solution {
    projects: HashMap<PathBuf, Project>,
    referrers: HashMap<PathBuf, Vec<PathBuf>>,
    /// Per project: it is a desktop app or library, or references one (see
    /// [`Solution::desktop_app`]), computed once when the solution is read.
    desktop_apps: HashSet<PathBuf>,
}

/// Caches, per solution root and per directory, whether C# files belong to a library only
/// desktop apps use.
#[derive(Debug, Default)]
pub struct SolutionCache {
    by_root: Mutex<HashMap<PathBuf, Arc<Solution>>>,
    by_dir: Mutex<HashMap<PathBuf, bool>>,
    hosts_by_dir: Mutex<HashMap<PathBuf, Option<Hosts>>>,
    clients_by_dir: Mutex<HashMap<PathBuf, Option<Hosts>>>,
}

/// The programs of a solution whose process loads a project (see [`SolutionCache::hosts`]),
/// as their project files' paths, sorted.
pub type Hosts = Arc<[PathBuf]>;

impl SolutionCache {
    /// Whether the C# file at `path` belongs to a class library that only desktop apps of
    /// its solution reference (see the module documentation).
    pub fn is_desktop_only_library(&self, path: &Path) -> bool {
        let Some(dir) = path.parent() else {
            return false;
        };
        if let Some(hit) = lock(&self.by_dir).get(dir) {
            return *hit;
        }
        let found = nearest_project_file(dir).is_some_and(|project| {
            let project = normalise(&project);
            solution_root(&project)
                .map(|root| self.solution(&root))
                .is_some_and(|solution| solution.desktop_only(&project))
        });
        lock(&self.by_dir).insert(dir.to_path_buf(), found);
        found
    }

    /// The programs whose process loads the code of the C# file at `path`: its project when
    /// that is a program, and every program that references its project, directly or
    /// through other libraries (test projects do not count). `None` when unsure: no project
    /// file, or a library no program references (a plugin the server loads by path); code
    /// in such a file may run in any process.
    pub fn hosts(&self, path: &Path) -> Option<Hosts> {
        let dir = path.parent()?;
        if let Some(hit) = lock(&self.hosts_by_dir).get(dir) {
            return hit.clone();
        }
        let found = nearest_project_file(dir).and_then(|project| {
            let project = normalise(&project);
            let solution = self.solution(&solution_root(&project)?);
            solution.hosts(&project)
        });
        lock(&self.hosts_by_dir).insert(dir.to_path_buf(), found.clone());
        found
    }

    /// The programs among [`SolutionCache::hosts`] of the C# file at `path` that are desktop
    /// apps carrying no web server (see [`SolutionCache::is_desktop_client_program`]): when
    /// only they load a piece of code, it runs on a user's machine, never in the server's
    /// process. `None` when it has no hosts or none of them is such an app.
    pub fn client_hosts(&self, path: &Path) -> Option<Hosts> {
        let dir = path.parent()?;
        if let Some(hit) = lock(&self.clients_by_dir).get(dir) {
            return hit.clone();
        }
        let hosts = self.hosts(path);
        let clients: Vec<PathBuf> = hosts
            .iter()
            .flat_map(|h| h.iter())
            .filter(|program| {
                solution_root(program)
                    .map(|root| self.solution(&root))
                    .is_some_and(|solution| solution.desktop_client(program))
            })
            .cloned()
            .collect();
        let found = (!clients.is_empty()).then(|| clients.into());
        lock(&self.clients_by_dir).insert(dir.to_path_buf(), found.clone());
        found
    }

    /// Whether the C# file at `path` belongs to a desktop program (a WPF, WinForms, MAUI or
    /// Avalonia app, or an `Exe` built on a desktop UI library of the solution) that carries
    /// no web server: neither its
    /// project nor any project it references, transitively, builds or links one. Such an
    /// app runs on a user's machine; a tray app that starts the service's web host is not
    /// one.
    pub fn is_desktop_client_program(&self, path: &Path) -> bool {
        let Some(dir) = path.parent() else {
            return false;
        };
        nearest_project_file(dir).is_some_and(|project| {
            let project = normalise(&project);
            solution_root(&project)
                .map(|root| self.solution(&root))
                .is_some_and(|solution| solution.desktop_client(&project))
        })
    }

    fn solution(&self, root: &Path) -> Arc<Solution> {
        if let Some(hit) = lock(&self.by_root).get(root) {
            return hit.clone();
        }
        let found = Arc::new(Solution::read(root));
        lock(&self.by_root).insert(root.to_path_buf(), found.clone());
        found
    }
}

impl Solution {
    /// Reads every project file below `root` (honouring ignore files).
    fn read(root: &Path) -> Solution {
        let mut solution = Solution::default();
        let walk = ignore::WalkBuilder::new(root).follow_links(false).build();
        for entry in walk.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|x| x != "csproj") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let path = normalise(path);
            let base = path.parent().unwrap_or(Path::new("")).to_path_buf();
            let project = Project::parse(&text, &base);
            for target in &project.references {
                if !project.test {
                    solution
                        .referrers
                        .entry(target.clone())
                        .or_default()
                        .push(path.clone());
                }
            }
            solution.projects.insert(path, project);
        }
        let mut memo = HashMap::new();
        let paths: Vec<PathBuf> = solution.projects.keys().cloned().collect();
        for path in paths {
            if solution.desktop_app(&path, &mut memo, 0) {
                solution.desktop_apps.insert(path);
            }
        }
        solution
    }

    /// Whether `project` is a desktop program with no web server in its references (see
    /// [`SolutionCache::is_desktop_client_program`]).
    fn desktop_client(&self, project: &Path) -> bool {
        let Some(own) = self.projects.get(project) else {
            return false;
        };
        if !(own.program && self.desktop_apps.contains(project)) {
            return false;
        }
        let mut seen = HashSet::from([project.to_path_buf()]);
        let mut stack = vec![project.to_path_buf()];
        while let Some(p) = stack.pop() {
            // An unreadable reference might be the web host: not a client.
            let Some(p) = self.projects.get(&p) else {
                return false;
            };
            if p.web || seen.len() > MAX_PROJECTS {
                return false;
            }
            for r in &p.references {
                if seen.insert(r.clone()) {
                    stack.push(r.clone());
                }
            }
        }
        true
    }

    /// The programs whose process loads `project` (see [`SolutionCache::hosts`]).
    fn hosts(&self, project: &Path) -> Option<Hosts> {
        let own = self.projects.get(project)?;
        if own.test {
            return None;
        }
        let mut seen = HashSet::from([project.to_path_buf()]);
        let mut frontier = vec![project.to_path_buf()];
        let mut programs = Vec::new();
        for _ in 0..MAX_DEPTH {
            let mut next = Vec::new();
            for p in &frontier {
                if self.projects.get(p).is_some_and(|p| p.program) {
                    programs.push(p.clone());
                }
                for referrer in self.referrers.get(p).into_iter().flatten() {
                    if seen.insert(referrer.clone()) {
                        next.push(referrer.clone());
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
        if programs.is_empty() {
            return None;
        }
        programs.sort();
        Some(programs.into())
    }

    /// Whether `library` is a class library that some program references and every
    /// program reaching it is a desktop app.
    fn desktop_only(&self, library: &Path) -> bool {
        let Some(own) = self.projects.get(library) else {
            return false;
        };
        if own.program || own.test {
            return false;
        }
        let mut seen = HashSet::from([library.to_path_buf()]);
        let mut frontier = vec![library.to_path_buf()];
        let mut reached_program = false;
        for _ in 0..MAX_DEPTH {
            let mut next = Vec::new();
            for project in &frontier {
                let referrers = self.referrers.get(project).map(Vec::as_slice);
                let referrers = referrers.unwrap_or_default();
                if referrers.is_empty() && project.as_path() != library {
                    // A library nothing references: a plugin or a package, unsure.
                    let Some(top) = self.projects.get(project) else {
                        return false;
                    };
                    if !top.program && !self.desktop_apps.contains(project) {
                        return false;
                    }
                }
                for referrer in referrers {
                    if !seen.insert(referrer.clone()) {
                        continue;
                    }
                    let Some(p) = self.projects.get(referrer) else {
                        return false;
                    };
                    if p.program {
                        if !self.desktop_apps.contains(referrer) {
                            return false;
                        }
                        reached_program = true;
                    }
                    next.push(referrer.clone());
                }
            }
            if next.is_empty() {
                return reached_program;
            }
            frontier = next;
        }
        false
    }

    /// Whether `project` is a desktop app or library, or references one (an `Exe` whose
    /// window comes from a desktop UI library of the solution). Memoised per project; a
    /// cycle or a chain deeper than [`MAX_DEPTH`] counts as not desktop (when unsure, server).
    fn desktop_app(&self, project: &Path, memo: &mut HashMap<PathBuf, bool>, depth: usize) -> bool {
        if let Some(&known) = memo.get(project) {
            return known;
        }
        let Some(p) = self.projects.get(project) else {
            return false;
        };
        if depth > MAX_DEPTH {
            return false;
        }
        memo.insert(project.to_path_buf(), false);
        let found = p.desktop
            || p.references
                .iter()
                .any(|r| self.desktop_app(r, memo, depth + 1));
        memo.insert(project.to_path_buf(), found);
        found
    }
}

impl Project {
    fn parse(text: &str, base: &Path) -> Project {
        let output = property_values(text, "OutputType")
            .into_iter()
            .next()
            .map(|v| v.to_ascii_lowercase());
        let sdk_program = ["Microsoft.NET.Sdk.Web\"", "Microsoft.NET.Sdk.Worker\""]
            .iter()
            .any(|s| text.contains(s));
        let packages = item_includes(text, "PackageReference");
        let places = crate::placement::builtin().ok();
        let listed = |list: fn(&Places) -> &[Glob], package: &str| {
            places.is_some_and(|p| list(p).iter().any(|g| g.matches(package)))
        };
        let test = property_values(text, "IsTestProject")
            .iter()
            .any(|v| v.eq_ignore_ascii_case("true"))
            || packages
                .iter()
                .any(|p| listed(|l| &l.dotnet_test_packages, p));
        // An Aspire app host references the programs it starts, each in a process of its
        // own: it loads none of them.
        let orchestrator = text.contains("Aspire.AppHost.Sdk")
            || packages.iter().any(|p| p == "Aspire.Hosting.AppHost")
            || property_values(text, "IsAspireHost")
                .iter()
                .any(|v| v.eq_ignore_ascii_case("true"));
        Project {
            references: if orchestrator {
                Vec::new()
            } else {
                project_references(text)
                    .iter()
                    .map(|r| normalise(&base.join(r)))
                    .collect()
            },
            program: sdk_program || output.is_some_and(|o| o == "exe" || o == "winexe"),
            web: text.contains("Microsoft.NET.Sdk.Web\"")
                || item_includes(text, "FrameworkReference")
                    .iter()
                    .any(|f| f == "Microsoft.AspNetCore.App")
                || packages.iter().any(|p| {
                    !p.contains(".Client") && listed(|l| &l.dotnet_web_server_packages, p)
                }),
            desktop: is_desktop_project(text)
                || packages.iter().any(|p| listed(|l| &l.desktop_nuget, p)),
            test,
        }
    }
}

/// The nearest folder at or above the project's that holds a solution file (`.sln`,
/// `.slnx`), else one that holds `.git`.
fn solution_root(project: &Path) -> Option<PathBuf> {
    let dir = project.parent()?;
    let listing = |d: &Path| {
        let d = if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        };
        std::fs::read_dir(d)
            .map(|r| {
                r.filter_map(|e| e.ok().map(|e| e.path()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let with = |pred: &dyn Fn(&Path) -> bool| {
        dir.ancestors()
            .find(|d| listing(d).iter().any(|p| pred(p)))
            .map(|d| {
                if d.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    d.to_path_buf()
                }
            })
    };
    with(&|p| p.extension().is_some_and(|x| x == "sln" || x == "slnx"))
        .or_else(|| with(&|p| p.file_name().is_some_and(|n| n == ".git")))
}

/// `path` with `.` and `dir/..` components removed, by text alone.
pub(super) fn normalise(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::write_tree_file;

    const LIB: &str = r#"<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>"#;

    fn project(kind: &str, refs: &[&str]) -> String {
        let refs: String = refs
            .iter()
            .map(|r| format!(r#"<ProjectReference Include="..\{r}\{r}.csproj" />"#))
            .collect();
        format!("{kind}<ItemGroup>{refs}</ItemGroup></Project>")
    }

    /// A solution with a web server, a WinExe desktop app, an Avalonia UI library, a Linux
    /// console front end built on that UI library, and libraries shared in every way.
    fn solution() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write_tree_file(root, "App.sln", "");
        let files = [
            (
                "Server",
                project(
                    r#"<Project Sdk="Microsoft.NET.Sdk.Web">"#,
                    &["Shared", "Both"],
                ),
            ),
            (
                "Desktop.Win",
                project(
                    r#"<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>WinExe</OutputType></PropertyGroup>"#,
                    &["Desktop.Core", "Desktop.UI", "Shared", "Both"],
                ),
            ),
            (
                "Desktop.Linux",
                project(
                    r#"<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Exe</OutputType></PropertyGroup>"#,
                    &["Desktop.Core", "Desktop.UI"],
                ),
            ),
            (
                "Desktop.UI",
                format!(
                    r#"{LIB}<ItemGroup><PackageReference Include="Avalonia" Version="11" /></ItemGroup></Project>"#
                ),
            ),
            ("Desktop.Core", project(LIB, &["Shared"])),
            ("Shared", project(LIB, &[])),
            ("Both", project(LIB, &[])),
            ("Plugin", project(LIB, &["Shared"])),
            ("Lonely", project(LIB, &[])),
            (
                "Desktop.Core.Tests",
                format!(
                    r#"{LIB}<ItemGroup><PackageReference Include="Microsoft.NET.Test.Sdk" /><ProjectReference Include="..\Desktop.Core\Desktop.Core.csproj" /><ProjectReference Include="..\Lonely\Lonely.csproj" /></ItemGroup></Project>"#
                ),
            ),
        ];
        for (name, text) in files {
            write_tree_file(root, &format!("{name}/{name}.csproj"), &text);
        }
        dir
    }

    #[test]
    fn libraries_only_desktop_apps_reference_are_desktop_only() {
        let dir = solution();
        let cache = SolutionCache::default();
        let at = |p: &str| cache.is_desktop_only_library(&dir.path().join(p));
        assert!(at("Desktop.Core/Services/IdleTimer.cs"));
        assert!(at("Desktop.UI/Services/Clipboard.cs"));
        // A server references these, or might (a plugin loaded by path, test-only use).
        assert!(!at("Shared/FileLogger.cs"));
        assert!(!at("Both/Cache.cs"));
        assert!(!at("Plugin/Hooks.cs"));
        assert!(!at("Lonely/Writer.cs"));
        // Programs are placed by their own project files, not here.
        assert!(!at("Desktop.Win/App.cs"));
        assert!(!at("Server/Program.cs"));
    }

    #[test]
    fn a_files_hosts_are_the_programs_that_load_its_project() {
        let dir = solution();
        // An Aspire app host starts the server and the desktop app; it loads neither.
        write_tree_file(
            dir.path(),
            "AppHost/AppHost.csproj",
            &project(
                r#"<Project Sdk="Microsoft.NET.Sdk"><Sdk Name="Aspire.AppHost.Sdk" Version="9.4.0"/><PropertyGroup><OutputType>Exe</OutputType></PropertyGroup>"#,
                &["Server", "Desktop.Win"],
            ),
        );
        let cache = SolutionCache::default();
        let hosts = |p: &str| {
            cache.hosts(&dir.path().join(p)).map(|h| {
                h.iter()
                    .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
            })
        };
        let some = |names: &[&str]| Some(names.iter().map(|n| n.to_string()).collect());
        assert_eq!(hosts("Server/Program.cs"), some(&["Server"]));
        assert_eq!(hosts("Both/Cache.cs"), some(&["Desktop.Win", "Server"]));
        assert_eq!(
            hosts("Shared/FileLogger.cs"),
            some(&["Desktop.Linux", "Desktop.Win", "Server"])
        );
        assert_eq!(
            hosts("Desktop.Core/Idle.cs"),
            some(&["Desktop.Linux", "Desktop.Win"])
        );
        // Unsure: a library no program references, a test project, no project at all.
        assert_eq!(hosts("Plugin/Hooks.cs"), None);
        assert_eq!(hosts("Lonely/Writer.cs"), None);
        assert_eq!(hosts("Desktop.Core.Tests/IdleTests.cs"), None);
        assert!(cache.is_desktop_only_library(&dir.path().join("Desktop.Core/Idle.cs")));
    }

    #[test]
    fn a_desktop_program_without_a_web_server_is_a_client() {
        let dir = solution();
        // A tray app that starts the service's web host references it.
        write_tree_file(
            dir.path(),
            "Tray/Tray.csproj",
            &project(
                r#"<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>WinExe</OutputType><UseWindowsForms>true</UseWindowsForms></PropertyGroup>"#,
                &["Host"],
            ),
        );
        write_tree_file(
            dir.path(),
            "Host/Host.csproj",
            &format!(
                r#"{LIB}<ItemGroup><PackageReference Include="Microsoft.AspNetCore.SignalR.Client" /><FrameworkReference Include="Microsoft.AspNetCore.App" /></ItemGroup></Project>"#
            ),
        );
        // A SignalR client is not a server.
        write_tree_file(
            dir.path(),
            "Desktop.Core/Desktop.Core.csproj",
            &format!(
                r#"{LIB}<ItemGroup><PackageReference Include="Microsoft.AspNetCore.SignalR.Client" /><ProjectReference Include="..\Shared\Shared.csproj" /></ItemGroup></Project>"#
            ),
        );
        let cache = SolutionCache::default();
        let client = |p: &str| cache.is_desktop_client_program(&dir.path().join(p));
        assert!(client("Desktop.Win/App.cs"));
        assert!(client("Desktop.Linux/Program.cs"));
        assert!(!client("Tray/TrayIcon.cs"));
        assert!(!client("Server/Program.cs"));
        assert!(!client("Desktop.Core/Idle.cs"), "a library, not a program");
    }

    #[test]
    fn without_a_solution_file_the_repository_root_is_the_solution() {
        let dir = solution();
        std::fs::remove_file(dir.path().join("App.sln")).unwrap();
        let cache = SolutionCache::default();
        let core = dir.path().join("Desktop.Core/Services/IdleTimer.cs");
        assert!(!SolutionCache::default().is_desktop_only_library(&core));
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        assert!(cache.is_desktop_only_library(&core));
    }

    #[test]
    fn references_are_normalised_by_text() {
        assert_eq!(
            normalise(Path::new("./a/./b/../c.csproj")),
            Path::new("a/c.csproj")
        );
        assert_eq!(
            normalise(Path::new("../x/y.csproj")),
            Path::new("../x/y.csproj")
        );
    }
}
