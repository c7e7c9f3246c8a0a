//! Project settings a file's text cannot tell: C#'s implicit usings from the nearest `.csproj`.

use super::lock;
use crate::frontend::csharp::implicit_usings;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A project built with the Aspire AppHost SDK (`Sdk="Aspire.AppHost.Sdk/..."`,
/// `<Sdk Name="Aspire.AppHost.Sdk" ... />` or `<IsAspireHost>true</IsAspireHost>`).
fn is_aspire_host(project: &str) -> bool {
    project.contains("Aspire.AppHost.Sdk")
        || project
            .split("<IsAspireHost>")
            .nth(1)
            .is_some_and(|rest| rest.trim_start().to_ascii_lowercase().starts_with("true"))
}

/// Stands for a desktop or mobile project: the C# frontend takes every file importing
/// it (or a namespace below it) for client code.
const DESKTOP_MARKER: &str = "System.Windows";

/// The conditional-compilation symbols a project defines travel with its implicit
/// namespaces (no namespace begins with `#`): this entry alone says the project file was
/// read, and `#define NAME` each symbol its `<DefineConstants>` (or a `Directory.Build.props`
/// above it) names. The C# frontend takes a symbol no entry names for undefined only then.
pub const DEFINES: &str = "#define";

/// The symbols of the `<DefineConstants>` properties of a project file's text
/// (`$(DefineConstants);TRACE;FEATURE_X`; references to other properties skipped).
fn defined_symbols(project: &str) -> Vec<String> {
    property_values(project, "DefineConstants")
        .iter()
        .flat_map(|v| v.split([';', ',']))
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .map(|s| format!("{DEFINES} {s}"))
        .collect()
}

/// A project that builds a desktop or mobile app, or a library of one: `<UseWPF>`,
/// `<UseWindowsForms>`, `<UseMaui>`, `<UseWinUI>`, `<OutputType>WinExe</OutputType>`, a
/// plain-SDK project targeting only Windows, Android, iOS or Mac Catalyst that hosts no web
/// app or service, or an agent installed on users' machines (see [`is_agent_project`]).
pub(super) fn is_desktop_project(project: &str) -> bool {
    if is_agent_project(project) {
        return true;
    }
    let property = |name: &str| {
        property_values(project, name)
            .into_iter()
            .next()
            .map(|v| v.to_ascii_lowercase())
    };
    let flag = |name: &str| {
        property_values(project, name)
            .iter()
            .any(|v| v.eq_ignore_ascii_case("true"))
    };
    if ["UseWPF", "UseWindowsForms", "UseMaui", "UseWinUI"]
        .iter()
        .any(|f| flag(f))
        || property("OutputType").is_some_and(|v| v == "winexe")
    {
        return true;
    }
    let frameworks = property("TargetFramework")
        .or_else(|| property("TargetFrameworks"))
        .unwrap_or_default();
    let platform_only = !frameworks.is_empty()
        && frameworks.split(';').all(|tfm| {
            ["-windows", "-android", "-ios", "-maccatalyst"]
                .iter()
                .any(|p| tfm.contains(p))
        });
    let plain_sdk = project.contains("Sdk=\"Microsoft.NET.Sdk\"");
    let hosts_services = [
        "AspNetCore",
        "Microsoft.Extensions.Hosting",
        "WindowsServices",
    ]
    .iter()
    .any(|w| project.contains(w));
    platform_only && plain_sdk && !hosts_services
}

/// A console program on the plain SDK that references a client package of a server's own
/// real-time endpoint (`[dotnet] server_clients`): an agent that dials home from the machines
/// it is installed on, whatever host it runs under.
fn is_agent_project(project: &str) -> bool {
    let exe = property_values(project, "OutputType")
        .iter()
        .any(|v| v.eq_ignore_ascii_case("exe"));
    let clients = crate::placement::builtin()
        .map(|p| p.dotnet_server_clients.as_slice())
        .unwrap_or_default();
    exe && project.contains("Sdk=\"Microsoft.NET.Sdk\"")
        && item_includes(project, "PackageReference")
            .iter()
            .any(|p| clients.iter().any(|g| g.matches(p)))
}

/// The values of every `<Name>` / `<Name Condition="...">` element of a project file.
pub(super) fn property_values(project: &str, name: &str) -> Vec<String> {
    let open = format!("<{name}");
    let mut out = Vec::new();
    let mut rest = project;
    while let Some(pos) = rest.find(&open) {
        rest = &rest[pos + open.len()..];
        if !rest.starts_with(['>', ' ', '\t', '\r', '\n']) {
            continue;
        }
        let Some((tag, after)) = rest.split_once('>') else {
            break;
        };
        if tag.ends_with('/') {
            continue;
        }
        if let Some(value) = after.split('<').next() {
            out.push(value.trim().to_string());
        }
    }
    out
}

/// Looks up and caches, per directory, the implicit namespaces of the nearest `.csproj`.
#[derive(Debug, Default)]
pub struct CsprojCache {
    by_dir: Mutex<HashMap<PathBuf, Vec<String>>>,
    /// Per project directory, so each project's files are scanned once.
    by_project: Mutex<HashMap<PathBuf, Vec<String>>>,
}

impl CsprojCache {
    /// Whether the file at `path` belongs to a desktop or mobile project (its configuration
    /// files run on a user's machine, not behind a load balancer).
    pub fn is_desktop(&self, path: &Path) -> bool {
        self.implicit_namespaces(path)
            .iter()
            .any(|n| n == DESKTOP_MARKER)
    }

    /// The implicit namespaces for a C# file at `path`. With no project file above it,
    /// assume a web project with implicit usings on (today's `dotnet new` default),
    /// so that `File.WriteAllText` in a loose file still resolves.
    pub fn implicit_namespaces(&self, path: &Path) -> Vec<String> {
        let Some(dir) = path.parent() else {
            return implicit_for(None);
        };
        if let Some(hit) = self.lock().get(dir) {
            return hit.clone();
        }
        let found = match nearest_csproj(dir) {
            None => implicit_for(None),
            Some((_, project_dir)) => {
                let cached = self.projects().get(&project_dir).cloned();
                cached.unwrap_or_else(|| {
                    let found = nearest_csproj(&project_dir)
                        .map(|(text, _)| {
                            let mut found = implicit_for(Some(&text));
                            if is_aspire_host(&text) {
                                found.extend(implicit_usings().aspire_host.iter().cloned());
                            }
                            if is_desktop_project(&text) {
                                found.push(DESKTOP_MARKER.to_string());
                            }
                            found.extend(using_items(&text));
                            found.extend(project_global_usings(&project_dir));
                            found.push(DEFINES.to_string());
                            found.extend(defined_symbols(&text));
                            found
                        })
                        .unwrap_or_default();
                    self.projects().insert(project_dir, found.clone());
                    found
                })
            }
        };
        self.lock().insert(dir.to_path_buf(), found.clone());
        found
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Vec<String>>> {
        self.by_dir.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn projects(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Vec<String>>> {
        self.by_project.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Looks up and caches, per directory, whether a C# file belongs to a console program
/// that hosts no service: a project with `<OutputType>Exe</OutputType>` whose project
/// file names no hosting framework (`[dotnet] hosting` and `hosting_direct` in the
/// placement data: the web or worker SDK, ASP.NET Core, the generic host, Azure
/// Functions, message buses, job schedulers) and references (transitively) no project
/// that names one from `hosting`. An updater, a plugin packer, a one-off migrator. A
/// console project that references the host library it starts hosts through that
/// reference; one that references a shared library using ASP.NET Core packages does not.
///
/// A console project whose deploy script installs it as an operating-system service
/// (`[dotnet] service_installers`) is not separate: it is a job worker that runs for as
/// long as the service does.
#[derive(Debug, Default)]
pub struct ConsoleCache {
    by_dir: Mutex<HashMap<PathBuf, Console>>,
    /// Per project file: whether it, or a project it references, hosts a service.
    hosts: Mutex<HashMap<PathBuf, bool>>,
}

/// What kind of program a directory's C# files belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Console {
    /// A hosting project, a library, or no project at all.
    Other,
    /// Code the build loads, never the service: MSBuild tasks, Roslyn analyzers and
    /// source generators, development-only packages (see [`is_build_extension`]).
    BuildExtension,
    /// A console program that hosts nothing.
    Separate,
    /// A console program that hosts nothing itself but is installed as a service.
    InstalledService,
}

impl ConsoleCache {
    /// Whether the C# file at `path` belongs to a console program that hosts nothing.
    pub fn is_separate_console(&self, path: &Path) -> bool {
        self.console(path) == Console::Separate
    }

    /// Whether the C# file at `path` belongs to a console program that hosts nothing
    /// itself but whose deploy script installs it as an operating-system service.
    pub fn is_installed_service(&self, path: &Path) -> bool {
        self.console(path) == Console::InstalledService
    }

    /// Whether the C# file at `path` belongs to a project that the build loads (an MSBuild
    /// task library, a Roslyn analyzer or source generator) and that hosts nothing.
    pub fn is_build_extension(&self, path: &Path) -> bool {
        self.console(path) == Console::BuildExtension
    }

    fn console(&self, path: &Path) -> Console {
        let Some(dir) = path.parent() else {
            return Console::Other;
        };
        if let Some(hit) = lock(&self.by_dir).get(dir) {
            return *hit;
        }
        let found = nearest_project_file(dir).map_or(Console::Other, |project| {
            let text = std::fs::read_to_string(&project).unwrap_or_default();
            let exe = property_values(&text, "OutputType")
                .iter()
                .any(|v| v.eq_ignore_ascii_case("exe"));
            let direct = crate::placement::builtin()
                .map(|p| p.dotnet_hosting_direct.as_slice())
                .unwrap_or_default();
            let build = is_build_extension(&text);
            if !(exe || build)
                || direct.iter().any(|w| text.contains(w.as_str()))
                || self.hosts(&project, &mut Vec::new())
            {
                Console::Other
            } else if build {
                Console::BuildExtension
            } else if installs_as_service(project.parent().unwrap_or(Path::new("."))) {
                Console::InstalledService
            } else {
                Console::Separate
            }
        });
        lock(&self.by_dir).insert(dir.to_path_buf(), found);
        found
    }

    /// Whether `project` or a project it references names a hosting framework. An
    /// unreadable project counts as hosting (when unsure, report).
    fn hosts(&self, project: &Path, seen: &mut Vec<PathBuf>) -> bool {
        if let Some(hit) = lock(&self.hosts).get(project) {
            return *hit;
        }
        if seen.len() > 200 || seen.iter().any(|p| p == project) {
            return false;
        }
        seen.push(project.to_path_buf());
        let Ok(text) = std::fs::read_to_string(project) else {
            return true;
        };
        let words = crate::placement::builtin()
            .map(|p| p.dotnet_hosting.as_slice())
            .unwrap_or_default();
        let base = project.parent().unwrap_or(Path::new("."));
        let found = words.iter().any(|w| text.contains(w.as_str()))
            || project_references(&text)
                .iter()
                .any(|r| self.hosts(&base.join(r), seen));
        lock(&self.hosts).insert(project.to_path_buf(), found);
        found
    }
}

/// Packages only code that MSBuild itself loads references: the task and logging APIs.
const MSBUILD_TASK_PACKAGES: &[&str] = &[
    "\"Microsoft.Build.Utilities.Core\"",
    "\"Microsoft.Build.Framework\"",
    "\"Microsoft.Build.Tasks.Core\"",
];

/// A project the build loads rather than the service: an MSBuild task library (it references
/// MSBuild's task packages), a Roslyn analyzer or source generator (`<IsRoslynComponent>`),
/// or a package marked `<DevelopmentDependency>` (it flows into no consumer's output).
fn is_build_extension(project: &str) -> bool {
    let flag = |name: &str| {
        property_values(project, name)
            .iter()
            .any(|v| v.eq_ignore_ascii_case("true"))
    };
    MSBUILD_TASK_PACKAGES.iter().any(|p| project.contains(p))
        || flag("IsRoslynComponent")
        || flag("DevelopmentDependency")
}

/// Extensions of the files that may install a program as an operating-system service.
const SERVICE_SCRIPT_EXTENSIONS: &[&str] = &["ps1", "psm1", "cmd", "bat", "sh", "service"];
/// Larger scripts are not read.
const SERVICE_SCRIPT_MAX_BYTES: u64 = 256 * 1024;

/// Whether a script or unit file in `dir` or a folder directly below it installs the
/// program as a service (`[dotnet] service_installers` in the placement data).
fn installs_as_service(dir: &Path) -> bool {
    let markers = crate::placement::builtin()
        .map(|p| p.dotnet_service_installers.as_slice())
        .unwrap_or_default();
    let entries = |d: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(d)
            .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default()
    };
    let top = entries(dir);
    let below = top
        .iter()
        .filter(|p| p.is_dir() && !p.is_symlink())
        .flat_map(|d| entries(d));
    top.iter().cloned().chain(below).any(|p| {
        let script = p.extension().and_then(|x| x.to_str()).is_some_and(|x| {
            SERVICE_SCRIPT_EXTENSIONS
                .iter()
                .any(|e| x.eq_ignore_ascii_case(e))
        });
        script
            && p.metadata()
                .is_ok_and(|m| m.is_file() && m.len() <= SERVICE_SCRIPT_MAX_BYTES)
            && std::fs::read_to_string(&p)
                .is_ok_and(|text| markers.iter().any(|m| text.contains(m.as_str())))
    })
}

/// The first (by name) `.csproj` in the nearest directory above `dir` that has one.
pub(super) fn nearest_project_file(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().find_map(|d| {
        let mut projects: Vec<PathBuf> = std::fs::read_dir(d)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "csproj"))
            .collect();
        projects.sort();
        projects.into_iter().next()
    })
}

/// The `Include` paths of `<ProjectReference>` items, with `/` separators.
pub(super) fn project_references(project: &str) -> Vec<String> {
    item_includes(project, "ProjectReference")
        .into_iter()
        .map(|include| include.replace('\\', "/"))
        .collect()
}

/// The `Include` values of the `<item ...>` elements of a project file.
pub(super) fn item_includes(project: &str, item: &str) -> Vec<String> {
    project
        .split(&format!("<{item}"))
        .skip(1)
        .filter_map(|rest| {
            let tag = rest.split('>').next()?;
            let include = tag.split("Include=\"").nth(1)?.split('"').next()?;
            Some(include.to_string())
        })
        .collect()
}

/// The nearest project file's text and directory. Properties and `<Using>` items from
/// the nearest `Directory.Build.props` above it are appended, since MSBuild imports it
/// into every project below.
fn nearest_csproj(dir: &Path) -> Option<(String, PathBuf)> {
    let project = nearest_project_file(dir)?;
    let d = project.parent()?;
    let mut text = std::fs::read_to_string(&project).unwrap_or_default();
    if let Some(props) = d
        .ancestors()
        .map(|a| a.join("Directory.Build.props"))
        .find(|p| p.is_file())
    {
        let props = std::fs::read_to_string(props).unwrap_or_default();
        if !text.contains("<ImplicitUsings>") {
            if let Some(value) = props
                .split("<ImplicitUsings>")
                .nth(1)
                .and_then(|r| r.split('<').next())
            {
                text.push_str(&format!("<ImplicitUsings>{value}</ImplicitUsings>"));
            }
        }
        text.push_str(
            &using_items(&props)
                .iter()
                .map(|u| format!("<Using Include=\"{u}\" />"))
                .collect::<String>(),
        );
        for constants in property_values(&props, "DefineConstants") {
            text.push_str(&format!("<DefineConstants>{constants}</DefineConstants>"));
        }
    }
    Some((text, d.to_path_buf()))
}

/// `<Using Include="N" />` items (with `Static="true"` / `Alias="A"`), in the forms the
/// C# frontend accepts.
fn using_items(project: &str) -> Vec<String> {
    let attr = |tag: &str, name: &str| {
        tag.split(&format!("{name}=\""))
            .nth(1)
            .and_then(|r| r.split('"').next())
            .map(str::to_string)
    };
    project
        .split("<Using ")
        .skip(1)
        .filter_map(|rest| {
            let tag = rest.split('>').next()?;
            let include = attr(tag, "Include")?;
            Some(match (attr(tag, "Alias"), attr(tag, "Static")) {
                (Some(alias), _) => format!("{alias} = {include}"),
                (None, Some(s)) if s.eq_ignore_ascii_case("true") => format!("static {include}"),
                _ => include,
            })
        })
        .collect()
}

/// The `global using`s of every C# file in the project (skipping `bin/` and `obj/`).
fn project_global_usings(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let walker = ignore::WalkBuilder::new(dir)
        .filter_entry(|e| !matches!(e.file_name().to_str(), Some("bin" | "obj")))
        .build();
    for entry in walker.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "cs") {
            if let Ok(text) = std::fs::read_to_string(path) {
                if text.contains("global using") {
                    out.extend(crate::frontend::csharp::global_usings(&text));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The implicit namespaces for a project file's text (`None`: no project found).
fn implicit_for(csproj: Option<&str>) -> Vec<String> {
    let (enabled, sdk) = match csproj {
        None => (true, "Microsoft.NET.Sdk.Web"),
        Some(text) => {
            let value = text
                .split("<ImplicitUsings>")
                .nth(1)
                .and_then(|rest| rest.split('<').next())
                .map(|v| v.trim().to_ascii_lowercase());
            let enabled = matches!(value.as_deref(), Some("enable" | "true"));
            let sdk = text
                .split("Sdk=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or("Microsoft.NET.Sdk");
            (enabled, sdk)
        }
    };
    if !enabled {
        return Vec::new();
    }
    let usings = implicit_usings();
    let extra: &[String] = match sdk {
        "Microsoft.NET.Sdk.Web" => &usings.web,
        "Microsoft.NET.Sdk.Worker" => &usings.worker,
        _ => &[],
    };
    let mut all: Vec<String> = usings.base.iter().chain(extra).cloned().collect();
    all.dedup();
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_symbols_a_project_defines() {
        let project = r#"<Project><PropertyGroup><DefineConstants>$(DefineConstants);AUDIT_TRAIL, FAST</DefineConstants></PropertyGroup>
<PropertyGroup Condition="'$(Configuration)'=='Debug'"><DefineConstants>DEBUG;TRACE</DefineConstants></PropertyGroup></Project>"#;
        assert_eq!(
            defined_symbols(project),
            [
                "#define AUDIT_TRAIL",
                "#define FAST",
                "#define DEBUG",
                "#define TRACE"
            ]
        );
    }

    #[test]
    fn reads_implicit_usings_from_the_project_file() {
        let web = r#"<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><ImplicitUsings>enable</ImplicitUsings></PropertyGroup></Project>"#;
        let ns = implicit_for(Some(web));
        assert!(ns.contains(&"System.IO".to_string()));
        assert!(ns.contains(&"Microsoft.Extensions.Hosting".to_string()));
        let off = r#"<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><ImplicitUsings>disable</ImplicitUsings></PropertyGroup></Project>"#;
        assert!(implicit_for(Some(off)).is_empty());
        let old = r#"<Project Sdk="Microsoft.NET.Sdk"></Project>"#;
        assert!(implicit_for(Some(old)).is_empty());
        assert!(implicit_for(None).contains(&"System.Threading".to_string()));
    }

    #[test]
    fn recognises_desktop_projects() {
        let wpf = r#"<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net9.0-windows</TargetFramework><UseWPF>true</UseWPF></PropertyGroup></Project>"#;
        assert!(is_desktop_project(wpf));
        let winexe = r#"<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>WinExe</OutputType></PropertyGroup></Project>"#;
        assert!(is_desktop_project(winexe));
        let windows_lib = r#"<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net9.0-windows</TargetFramework></PropertyGroup></Project>"#;
        assert!(is_desktop_project(windows_lib));
        let windows_service = r#"<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net8.0-windows</TargetFramework></PropertyGroup><ItemGroup><PackageReference Include="Microsoft.Extensions.Hosting.WindowsServices" /></ItemGroup></Project>"#;
        assert!(!is_desktop_project(windows_service));
        let web = r#"<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><TargetFramework>net8.0-windows</TargetFramework></PropertyGroup></Project>"#;
        assert!(!is_desktop_project(web));
        let multi = r#"<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFrameworks>net8.0;net8.0-windows</TargetFrameworks></PropertyGroup></Project>"#;
        assert!(!is_desktop_project(multi));
        let conditional = r#"<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><UseMaui Condition=" '$(TargetFrameworks)' != '' ">true</UseMaui></PropertyGroup></Project>"#;
        assert!(is_desktop_project(conditional));
    }

    #[test]
    fn console_clients_of_a_hub_are_agents() {
        let agent = r#"<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Exe</OutputType></PropertyGroup><ItemGroup><PackageReference Include="Microsoft.Extensions.Hosting" /><PackageReference Include="Microsoft.AspNetCore.SignalR.Client" Version="8.0.0" /></ItemGroup></Project>"#;
        assert!(is_desktop_project(agent));
        let worker = agent.replace("Microsoft.NET.Sdk\"", "Microsoft.NET.Sdk.Worker\"");
        assert!(!is_desktop_project(&worker));
        let web = agent.replace("Microsoft.NET.Sdk\"", "Microsoft.NET.Sdk.Web\"");
        assert!(!is_desktop_project(&web));
        let library = agent.replace("<OutputType>Exe</OutputType>", "");
        assert!(!is_desktop_project(&library));
        let hosted = agent.replace("SignalR.Client", "SignalR");
        assert!(!is_desktop_project(&hosted));
    }

    #[test]
    fn console_projects_that_host_nothing_are_separate_programs() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let write = |p: &str, t: &str| super::super::write_tree_file(d, p, t);
        let exe = |refs: &str| {
            format!("<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><OutputType>Exe</OutputType></PropertyGroup><ItemGroup>{refs}</ItemGroup></Project>")
        };
        write(
            "Packer/Packer.csproj",
            &exe("<PackageReference Include=\"System.IO.Compression\" />"),
        );
        write(
            "Core/Core.csproj",
            "<Project Sdk=\"Microsoft.NET.Sdk\"></Project>",
        );
        write(
            "Migrator/Migrator.csproj",
            &exe(r#"<ProjectReference Include="..\Core\Core.csproj" />"#),
        );
        write(
            "Web/Web.csproj",
            "<Project Sdk=\"Microsoft.NET.Sdk.Web\"></Project>",
        );
        write("Host/Host.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><ItemGroup><PackageReference Include=\"Microsoft.Extensions.Hosting.WindowsServices\" /></ItemGroup></Project>");
        write(
            "Console/Console.csproj",
            &exe(r#"<ProjectReference Include="..\Host\Host.csproj" />"#),
        );
        write(
            "Worker/Worker.csproj",
            &exe("<PackageReference Include=\"Microsoft.Extensions.Hosting\" />"),
        );
        write(
            "Loop/Loop.csproj",
            &exe(r#"<ProjectReference Include="../Loop/Loop.csproj" />"#),
        );
        write(
            "Shared/Shared.csproj",
            r#"<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><FrameworkReference Include="Microsoft.AspNetCore.App" /><PackageReference Include="Microsoft.AspNetCore.DataProtection" /></ItemGroup></Project>"#,
        );
        write(
            "Setup/Setup.csproj",
            &exe(r#"<ProjectReference Include="..\Shared\Shared.csproj" />"#),
        );
        write(
            "Bus/Bus.csproj",
            &exe(r#"<PackageReference Include="MassTransit" />"#),
        );
        write(
            "Job/Job.csproj",
            &exe("<PackageReference Include=\"Serilog.Sinks.File\" />"),
        );
        write(
            "Job/Scripts/PostDeploy.ps1",
            "& .\\nssm.exe install $ServiceName $ScriptToRun\n",
        );
        write("Packer/Scripts/pack.ps1", "Compress-Archive -Path out\n");
        let cache = ConsoleCache::default();
        let separate = |p: &str| cache.is_separate_console(&d.join(p));
        assert!(
            !separate("Job/Program.cs") && cache.is_installed_service(&d.join("Job/Program.cs")),
            "a console program installed as a Windows service runs for as long as the service"
        );
        assert!(!cache.is_installed_service(&d.join("Packer/Program.cs")));
        assert!(separate("Packer/Program.cs"));
        assert!(separate("Packer/Zip/Writer.cs"));
        assert!(separate("Migrator/Program.cs"));
        assert!(separate("Loop/Program.cs"));
        assert!(!separate("Core/Store.cs"));
        assert!(
            separate("Setup/Program.cs"),
            "a shared library using ASP.NET Core hosts nothing"
        );
        assert!(
            !separate("Bus/Program.cs"),
            "a message-bus consumer is a service"
        );
        assert!(!separate("Web/Program.cs"));
        assert!(
            !separate("Console/Program.cs"),
            "starts the web host it references"
        );
        assert!(
            !separate("Worker/Program.cs"),
            "a worker service is deployed and scaled"
        );
        assert!(!separate("Loose.cs"));
    }

    #[test]
    fn projects_the_build_loads_are_build_extensions() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let write = |p: &str, t: &str| super::super::write_tree_file(d, p, t);
        let lib = |body: &str| format!("<Project Sdk=\"Microsoft.NET.Sdk\">{body}</Project>");
        write(
            "Tasks/Tasks.csproj",
            &lib(
                r#"<ItemGroup><PackageReference Include="Microsoft.Build.Utilities.Core" Version="17.0.0" /></ItemGroup>"#,
            ),
        );
        write(
            "Generators/Generators.csproj",
            &lib("<PropertyGroup><IsRoslynComponent>true</IsRoslynComponent></PropertyGroup>"),
        );
        write(
            "Stamp/Stamp.csproj",
            &lib("<PropertyGroup><DevelopmentDependency>true</DevelopmentDependency></PropertyGroup>"),
        );
        write(
            "Locator/Locator.csproj",
            &lib(
                r#"<ItemGroup><PackageReference Include="Microsoft.Build.Locator" /></ItemGroup>"#,
            ),
        );
        write(
            "Web/Web.csproj",
            r#"<Project Sdk="Microsoft.NET.Sdk.Web"><ItemGroup><PackageReference Include="Microsoft.Build.Framework" /></ItemGroup></Project>"#,
        );
        let cache = ConsoleCache::default();
        let build = |p: &str| cache.is_build_extension(&d.join(p));
        assert!(build("Tasks/StampVersion.cs"));
        assert!(build("Generators/RoutesGenerator.cs"));
        assert!(build("Stamp/Writer.cs"));
        assert!(!cache.is_separate_console(&d.join("Tasks/StampVersion.cs")));
        assert!(
            !build("Locator/Find.cs"),
            "locating MSBuild is no task of the build"
        );
        assert!(
            !build("Web/Program.cs"),
            "a web project hosts, whatever it references"
        );
        assert!(!build("Loose.cs"));
    }

    #[test]
    fn recognises_aspire_app_hosts() {
        assert!(is_aspire_host(
            r#"<Project Sdk="Aspire.AppHost.Sdk/13.1.0"></Project>"#
        ));
        assert!(is_aspire_host(
            r#"<Project Sdk="Microsoft.NET.Sdk"><Sdk Name="Aspire.AppHost.Sdk" Version="9.0.0" /></Project>"#
        ));
        assert!(is_aspire_host(
            "<Project><PropertyGroup><IsAspireHost>true</IsAspireHost></PropertyGroup></Project>"
        ));
        assert!(!is_aspire_host(
            r#"<Project Sdk="Microsoft.NET.Sdk.Web"><ItemGroup><PackageReference Include="Aspire.StackExchange.Redis" /></ItemGroup></Project>"#
        ));
    }
}
