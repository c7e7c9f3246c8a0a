//! The placement data (`places.toml`): its schema, loading and validation.

use super::glob::Glob;
use super::Placement;
use crate::frontend::Language;
use serde::Deserialize;

/// The embedded data file.
const PLACES: &str = include_str!("places.toml");
/// Its name in error messages.
const PLACES_NAME: &str = "src/placement/places.toml";

/// Every list of the placement data, compiled.
#[derive(Debug)]
pub struct Places {
    /// Path entries, in file order.
    pub paths: Vec<PathEntry>,
    /// Strings that make a .NET project, or a project it references, host a service.
    pub dotnet_hosting: Vec<String>,
    /// Strings that make a .NET console project host a service when its own project
    /// file names them.
    pub dotnet_hosting_direct: Vec<String>,
    /// Strings in a .NET console project's scripts that install it as a service.
    pub dotnet_service_installers: Vec<String>,
    /// NuGet packages of a client of a server's own protocol (a hub connection): a console
    /// program built on the plain SDK that references one is an agent on users' machines.
    pub dotnet_server_clients: Vec<Glob>,
    /// NuGet packages of a web server: a .NET project referencing one serves HTTP.
    pub dotnet_web_server_packages: Vec<Glob>,
    /// NuGet packages only test projects reference.
    pub dotnet_test_packages: Vec<Glob>,
    /// Word parts of identifiers that make a Rust binary a server.
    pub rust_server_words: Vec<String>,
    /// Script names (or parts of them) that run a one-off job.
    pub npm_one_off_scripts: Vec<Glob>,
    /// Script names (or parts of them) that run a long-lived process beside the server.
    pub npm_service_scripts: Vec<Glob>,
    /// Script names (or parts of them) that start the application: never one-off.
    pub npm_start_scripts: Vec<Glob>,
    /// Rust crates of desktop and GUI frameworks: a crate depending on one is a desktop app.
    pub desktop_crates: Vec<Glob>,
    /// npm packages of desktop frameworks: a package depending on one is a desktop app.
    pub desktop_packages: Vec<Glob>,
    /// NuGet packages of desktop UI frameworks: a .NET project referencing one is a desktop
    /// app or a library of one.
    pub desktop_nuget: Vec<Glob>,
}

/// One `[[path]]` entry.
#[derive(Debug)]
pub struct PathEntry {
    /// Where matching files run.
    pub placement: Placement,
    /// Only files of these languages (all when empty).
    pub languages: Vec<Language>,
    /// Patterns for any directory on the path.
    pub dirs: Vec<Glob>,
    /// Patterns for the file name.
    pub files: Vec<Glob>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlaces {
    path: Vec<RawPath>,
    dotnet: RawDotnet,
    rust: RawRust,
    npm: RawNpm,
    desktop: RawDesktop,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPath {
    placement: RawPlacement,
    /// Required documentation for readers of the data file; the program never shows it.
    #[serde(rename = "why")]
    _why: serde::de::IgnoredAny,
    #[serde(default)]
    languages: Vec<Language>,
    #[serde(default)]
    ignore_case: bool,
    #[serde(default)]
    dirs: Vec<String>,
    #[serde(default)]
    files: Vec<String>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "kebab-case")]
enum RawPlacement {
    Test,
    Tooling,
    DevTasks,
    Client,
    OnceAtStart,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDotnet {
    hosting: Vec<String>,
    hosting_direct: Vec<String>,
    service_installers: Vec<String>,
    #[serde(default)]
    server_clients: Vec<String>,
    #[serde(default)]
    web_server_packages: Vec<String>,
    #[serde(default)]
    test_packages: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRust {
    server_words: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNpm {
    one_off_scripts: Vec<String>,
    #[serde(default)]
    service_scripts: Vec<String>,
    #[serde(default)]
    start_scripts: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDesktop {
    crates: Vec<String>,
    packages: Vec<String>,
    #[serde(default)]
    nuget: Vec<String>,
}

/// Parses and validates placement data; errors name `file` and, where TOML can tell, the line.
pub fn parse(text: &str, file: &str) -> Result<Places, String> {
    let raw: RawPlaces = toml::from_str(text).map_err(|e| format!("{file}: {e}"))?;
    let globs = |list: &[String], ignore_case: bool, what: &str| -> Result<Vec<Glob>, String> {
        list.iter()
            .map(|p| Glob::new(p, ignore_case).map_err(|e| format!("{file}: {what}: {e}")))
            .collect()
    };
    let mut paths = Vec::new();
    for (i, entry) in raw.path.iter().enumerate() {
        if entry.dirs.is_empty() && entry.files.is_empty() {
            return Err(format!(
                "{file}: [[path]] entry {} has neither `dirs` nor `files`",
                i + 1
            ));
        }
        paths.push(PathEntry {
            placement: match entry.placement {
                RawPlacement::Test => Placement::Test,
                RawPlacement::Tooling => Placement::Tooling,
                RawPlacement::DevTasks => Placement::DevTasks,
                RawPlacement::Client => Placement::Client,
                RawPlacement::OnceAtStart => Placement::OnceAtStart,
            },
            languages: entry.languages.clone(),
            dirs: globs(&entry.dirs, entry.ignore_case, "dirs")?,
            files: globs(&entry.files, entry.ignore_case, "files")?,
        });
    }
    let words = |list: Vec<String>, what: &str| -> Result<Vec<String>, String> {
        match list.iter().find(|w| w.is_empty()) {
            Some(_) => Err(format!("{file}: {what} has an empty entry")),
            None => Ok(list),
        }
    };
    let rust_server_words = words(raw.rust.server_words, "[rust] server_words")?;
    if let Some(w) = rust_server_words.iter().find(|w| {
        w.chars()
            .any(|c| !c.is_ascii_lowercase() && !c.is_ascii_digit())
    }) {
        return Err(format!(
            "{file}: [rust] server_words: `{w}` must be one lower-case word"
        ));
    }
    Ok(Places {
        paths,
        dotnet_hosting: words(raw.dotnet.hosting, "[dotnet] hosting")?,
        dotnet_hosting_direct: words(raw.dotnet.hosting_direct, "[dotnet] hosting_direct")?,
        dotnet_service_installers: words(
            raw.dotnet.service_installers,
            "[dotnet] service_installers",
        )?,
        dotnet_server_clients: globs(&raw.dotnet.server_clients, true, "[dotnet] server_clients")?,
        dotnet_web_server_packages: globs(
            &raw.dotnet.web_server_packages,
            true,
            "[dotnet] web_server_packages",
        )?,
        dotnet_test_packages: globs(&raw.dotnet.test_packages, true, "[dotnet] test_packages")?,
        rust_server_words,
        npm_one_off_scripts: globs(&raw.npm.one_off_scripts, true, "[npm] one_off_scripts")?,
        npm_service_scripts: globs(&raw.npm.service_scripts, true, "[npm] service_scripts")?,
        npm_start_scripts: globs(&raw.npm.start_scripts, true, "[npm] start_scripts")?,
        desktop_crates: globs(&raw.desktop.crates, false, "[desktop] crates")?,
        desktop_packages: globs(&raw.desktop.packages, false, "[desktop] packages")?,
        desktop_nuget: globs(&raw.desktop.nuget, true, "[desktop] nuget")?,
    })
}

/// The embedded placement data, parsed once.
pub fn builtin() -> Result<&'static Places, String> {
    static PARSED: std::sync::OnceLock<Result<Places, String>> = std::sync::OnceLock::new();
    PARSED
        .get_or_init(|| parse(PLACES, PLACES_NAME))
        .as_ref()
        .map_err(Clone::clone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_data_is_valid() {
        let places = builtin().expect("places.toml is valid");
        assert!(places.paths.len() >= 4);
    }

    #[test]
    fn errors_name_the_file_and_the_problem() {
        let base = "[dotnet]\nhosting = [\"Web\"]\nhosting_direct = [\"Bus\"]\nservice_installers = [\"nssm\"]\n[rust]\nserver_words = [\"serve\"]\n[npm]\none_off_scripts = [\"seed\"]\n[desktop]\ncrates = [\"tauri\"]\npackages = [\"electron\"]\n";
        let unknown =
            format!("{base}[[path]]\nplacement = \"test\"\nwhy = \"x\"\ndirz = [\"t\"]\n");
        let e = parse(&unknown, "p.toml").unwrap_err();
        assert!(e.starts_with("p.toml:") && e.contains("dirz"), "{e}");
        let bad_place =
            format!("{base}[[path]]\nplacement = \"cloud\"\nwhy = \"x\"\ndirs = [\"t\"]\n");
        assert!(parse(&bad_place, "p.toml").unwrap_err().contains("cloud"));
        let bad_glob =
            format!("{base}[[path]]\nplacement = \"test\"\nwhy = \"x\"\ndirs = [\"Test[A-Z\"]\n");
        assert!(parse(&bad_glob, "p.toml").unwrap_err().contains("unclosed"));
        let empty = format!("{base}[[path]]\nplacement = \"test\"\nwhy = \"x\"\n");
        assert!(parse(&empty, "p.toml").unwrap_err().contains("neither"));
        let language = format!("{base}[[path]]\nplacement = \"test\"\nwhy = \"x\"\nlanguages = [\"cobol\"]\nfiles = [\"a\"]\n");
        assert!(parse(&language, "p.toml").unwrap_err().contains("cobol"));
        let word = base.replace("\"serve\"", "\"Serve\"");
        assert!(parse(
            &format!("{word}[[path]]\nplacement = \"test\"\nwhy = \"x\"\nfiles = [\"a\"]\n"),
            "p.toml"
        )
        .unwrap_err()
        .contains("lower-case"));
    }
}
