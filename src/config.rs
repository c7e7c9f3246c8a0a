//! Configuration: `scaleout.toml` (or `.scaleout.toml`), found from the scanned paths upward.
//!
//! [`ConfigFile`] is the file's schema (serde, with spans for error messages, and a JSON Schema
//! for editors, see [`json_schema`]). [`Settings`] is the validated result with the command-line
//! overrides applied: which rules are reported, at which severity, which files are skipped.
//! Selection, severities and per-path ignores apply to a finished [`ScanResult`], so every
//! output format sees the same findings.

use crate::catalogue::{Catalogue, Category, Severity};
use crate::finding::Finding;
use crate::scan::ScanResult;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};
use toml::Spanned;

/// Config file names, in the order they are looked for in each directory.
pub const FILE_NAMES: [&str; 2] = ["scaleout.toml", ".scaleout.toml"];

/// The lowest severity that makes `check` exit with 1 (`--fail-on`, `fail-on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// Only errors fail.
    Error,
    /// Warnings and errors fail.
    Warning,
    /// Any finding fails.
    Info,
    /// Never fail because of findings.
    Never,
}

impl FailOn {
    /// The lowest failing severity; `None` for `never`.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

/// The schema of `scaleout.toml`. Every key is optional; unknown keys are errors.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(title = "scaleout.toml")]
pub struct ConfigFile {
    /// Report only these rules: rule ids, id prefixes (`node` selects `node-fs-write`) or
    /// categories. Default: every rule.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub select: Vec<Spanned<String>>,
    /// Never report these rules: rule ids, id prefixes or categories.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub ignore: Vec<Spanned<String>>,
    /// Severity per rule id, id prefix or category; the most specific key wins
    /// (rule id, then the longest prefix, then the category).
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Severity>")]
    pub severity: BTreeMap<Spanned<String>, Severity>,
    /// Files and directories never scanned, in gitignore syntax, relative to this file;
    /// also applies to files named on the command line.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub exclude: Vec<Spanned<String>>,
    /// Rules not reported in some files: gitignore-syntax pattern (relative to this file) →
    /// rule ids, id prefixes or categories.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Vec<String>>")]
    pub per_path_ignores: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    /// Report findings in test code too (it is analysed but not reported by default).
    #[serde(default)]
    pub include_tests: bool,
    /// Report a suppression comment without a `-- reason` (as `--require-reason`).
    #[serde(default)]
    pub require_reason: bool,
    /// Extra rule files: files, directories of `*.toml`, or glob patterns, relative to this
    /// file and inside its repository.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub rules: Vec<Spanned<String>>,
    /// The lowest severity that makes `scaleout check` exit with 1 (default `warning`).
    #[serde(default)]
    #[schemars(with = "FailOn")]
    pub fail_on: Option<FailOn>,
}

/// The JSON Schema of [`ConfigFile`], pretty-printed (committed as `schema/scaleout.schema.json`).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(ConfigFile);
    let mut out = serde_json::to_string_pretty(&schema).unwrap_or_default();
    out.push('\n');
    out
}

/// A configuration problem: a message and, for problems in a file, the file and the span of
/// the offending key or value. Rendered with miette (file, line, column and a source excerpt).
#[derive(Debug)]
pub struct ConfigError {
    message: String,
    source: Option<(NamedSource<String>, std::ops::Range<usize>)>,
}

impl ConfigError {
    /// A problem that is not located in a file (a command-line value, a missing file).
    pub fn plain(message: impl Into<String>) -> Self {
        ConfigError {
            message: message.into(),
            source: None,
        }
    }

    fn at(loaded: &Loaded, span: std::ops::Range<usize>, message: impl Into<String>) -> Self {
        ConfigError {
            message: message.into(),
            source: Some((
                NamedSource::new(loaded.shown.clone(), loaded.text.clone()),
                span,
            )),
        }
    }

    /// The error as shown on stderr: the message, then the file, line and column with an
    /// excerpt (plain Unicode, no colours, so it reads the same in logs).
    pub fn render(&self) -> String {
        let mut out = String::new();
        let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .with_links(false);
        if handler.render_report(&mut out, self).is_err() {
            return format!("error: {}\n", self.message);
        }
        out
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Diagnostic for ConfigError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("scaleout::config"))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source
            .as_ref()
            .map(|(s, _)| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (_, span) = self.source.as_ref()?;
        let label = LabeledSpan::new_with_span(Some("here".into()), span.clone());
        Some(Box::new(std::iter::once(label)))
    }
}

/// A config file read and parsed, not yet checked against the rule catalogue.
#[derive(Debug)]
pub struct Loaded {
    /// Where it is (absolute).
    pub path: PathBuf,
    /// How it is named in messages.
    shown: String,
    text: String,
    /// The parsed keys.
    pub file: ConfigFile,
}

impl Loaded {
    /// Reads and parses `path`; `shown` names it in messages.
    pub fn read(path: &Path, shown: &str) -> Result<Loaded, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::plain(format!("cannot read config file {shown}: {e}")))?;
        let mut loaded = Loaded {
            path: path.to_path_buf(),
            shown: shown.to_string(),
            text,
            file: ConfigFile::default(),
        };
        loaded.file = toml::from_str(&loaded.text).map_err(|e| {
            let message = format!("invalid config file {shown}: {}", e.message().trim_end());
            match e.span() {
                Some(span) => ConfigError::at(&loaded, span, message),
                None => ConfigError::plain(message),
            }
        })?;
        Ok(loaded)
    }

    fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("/"))
    }

    /// The extra rule files named by `rules`, sorted. Entries are files, directories (their
    /// `*.toml` files) or glob patterns, relative to the config file; each must stay inside
    /// the repository that holds the config file (the nearest ancestor with `.git`, else
    /// the config file's directory).
    pub fn rule_files(&self) -> Result<Vec<PathBuf>, ConfigError> {
        let repo = repository_root(self.dir());
        let repo_real = repo.canonicalize().unwrap_or_else(|_| repo.clone());
        let mut files = Vec::new();
        for entry in &self.file.rules {
            let at = |message: String| ConfigError::at(self, entry.span(), message);
            let pattern = entry.get_ref();
            let mut found = if pattern.contains(['*', '?', '[', '{']) {
                glob_files(self.dir(), pattern)
                    .map_err(|e| at(format!("invalid glob in `rules` of {}: {e}", self.shown)))?
            } else {
                let path = normalize(&self.dir().join(pattern));
                if path.is_dir() {
                    toml_files_in(&path)
                } else if path.is_file() {
                    vec![path]
                } else {
                    return Err(at(format!(
                        "`rules` entry `{pattern}` in {}: no such file or directory",
                        self.shown
                    )));
                }
            };
            if found.is_empty() {
                return Err(at(format!(
                    "`rules` entry `{pattern}` in {} matches no rule file",
                    self.shown
                )));
            }
            for file in &found {
                let real = file.canonicalize().unwrap_or_else(|_| file.clone());
                if !real.starts_with(&repo_real) {
                    return Err(at(format!(
                        "`rules` entry `{pattern}` leads outside the repository that holds {}",
                        self.shown
                    )));
                }
            }
            files.append(&mut found);
        }
        files.sort();
        files.dedup();
        Ok(files)
    }
}

/// The nearest ancestor of `dir` (itself included) holding `.git`, else `dir`.
fn repository_root(dir: &Path) -> PathBuf {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(dir)
        .to_path_buf()
}

fn toml_files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

/// The files under `dir` matching the glob `pattern` (relative to `dir`).
fn glob_files(dir: &Path, pattern: &str) -> Result<Vec<PathBuf>, String> {
    let matcher = globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| e.kind().to_string())?
        .compile_matcher();
    // Walk only below the part of the pattern without wildcards.
    let fixed: PathBuf = Path::new(pattern)
        .components()
        .take_while(|c| {
            !c.as_os_str()
                .to_string_lossy()
                .contains(['*', '?', '[', '{'])
        })
        .collect();
    let base = normalize(&dir.join(fixed));
    let mut files = Vec::new();
    for entry in ignore::WalkBuilder::new(&base)
        .standard_filters(false)
        .build()
    {
        let Ok(entry) = entry else { continue };
        let path = entry.path();
        let relative = path.strip_prefix(dir).unwrap_or(path);
        if entry.file_type().is_some_and(|t| t.is_file()) && matcher.is_match(relative) {
            files.push(path.to_path_buf());
        }
    }
    files.sort();
    Ok(files)
}

/// `cwd.join(path)` with `.` and `..` resolved lexically (symbolic links are not followed).
pub fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    normalize(&cwd.join(path))
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The config file that applies to `paths`: for each, the closest `scaleout.toml` or
/// `.scaleout.toml` in its directory or an ancestor. All paths must lead to the same file
/// (or all to none); otherwise it is an error asking for `--config` or separate runs.
pub fn discover(paths: &[PathBuf], cwd: &Path) -> Result<Option<PathBuf>, ConfigError> {
    let mut groups = group_by_config(paths, cwd)?.into_iter();
    let Some((config, first)) = groups.next() else {
        return Ok(None);
    };
    match groups.next() {
        None => Ok(config),
        Some((other, second)) => {
            let name = |c: &Option<PathBuf>| {
                c.as_ref().map_or("no config file".to_string(), |p| {
                    crate::discover::display_path(p, cwd)
                })
            };
            Err(ConfigError::plain(format!(
                "{} uses {} but {} uses {}; scan them in separate runs or name one \
                 config with --config",
                first[0].display(),
                name(&config),
                second[0].display(),
                name(&other)
            )))
        }
    }
}

/// A config file (`None`: no config applies) and the scanned paths it applies to.
pub type ConfigGroup = (Option<PathBuf>, Vec<PathBuf>);

/// The scanned `paths` grouped by the config file that applies to each (the closest
/// `scaleout.toml` or `.scaleout.toml` in its directory or an ancestor; `None` when there is
/// none), groups in the order of their first path. A monorepo's packages can each keep their
/// own config, and a pre-commit run naming files from several of them lints each file with
/// its own.
pub fn group_by_config(paths: &[PathBuf], cwd: &Path) -> Result<Vec<ConfigGroup>, ConfigError> {
    let mut groups: Vec<ConfigGroup> = Vec::new();
    for path in paths {
        let abs = absolute(cwd, path);
        let start = if abs.is_dir() {
            abs.as_path()
        } else {
            abs.parent().unwrap_or(Path::new("/"))
        };
        let found = closest(start)?;
        match groups.iter_mut().find(|(config, _)| *config == found) {
            Some((_, members)) => members.push(path.clone()),
            None => groups.push((found, vec![path.clone()])),
        }
    }
    Ok(groups)
}

fn closest(start: &Path) -> Result<Option<PathBuf>, ConfigError> {
    for dir in start.ancestors() {
        let present: Vec<PathBuf> = FILE_NAMES
            .iter()
            .map(|n| dir.join(n))
            .filter(|p| p.is_file())
            .collect();
        match present.as_slice() {
            [] => continue,
            [one] => return Ok(Some(one.clone())),
            _ => {
                return Err(ConfigError::plain(format!(
                    "both {} and {} exist in {}; keep one",
                    FILE_NAMES[0],
                    FILE_NAMES[1],
                    dir.display()
                )))
            }
        }
    }
    Ok(None)
}

/// Values given on the command line, which replace the file's.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--select`, when given.
    pub select: Option<Vec<String>>,
    /// `--ignore`, when given.
    pub ignore: Option<Vec<String>>,
    /// `--exclude`, when given (patterns relative to the current directory).
    pub exclude: Option<Vec<String>>,
}

/// A validated configuration with the command-line overrides applied.
#[derive(Debug, Default)]
pub struct Settings {
    /// The config file in use.
    pub file: Option<PathBuf>,
    select: Vec<String>,
    ignore: Vec<String>,
    severity: Vec<(String, Severity)>,
    exclude: Option<Gitignore>,
    per_path_ignores: Vec<(Gitignore, Vec<String>)>,
    /// Report test code too.
    pub include_tests: bool,
    /// Report suppressions without a reason.
    pub require_reason: bool,
    /// The file's `fail-on`.
    pub fail_on: Option<FailOn>,
}

impl Settings {
    /// Checks `loaded` (if any) against `catalogue` and applies `overrides`. `cwd` anchors
    /// `--exclude` patterns.
    pub fn new(
        loaded: Option<&Loaded>,
        catalogue: &Catalogue,
        overrides: &Overrides,
        cwd: &Path,
    ) -> Result<Settings, ConfigError> {
        let mut settings = Settings::default();
        if let Some(loaded) = loaded {
            settings.read_file(loaded, catalogue)?;
        }
        let check_flag = |flag: &str, values: &[String]| {
            values.iter().try_for_each(|v| {
                if selector_is_known(v, catalogue) {
                    Ok(())
                } else {
                    Err(ConfigError::plain(format!(
                        "{flag} {v}: no rule id, id prefix or category `{v}` (`scaleout rules` lists them)"
                    )))
                }
            })
        };
        if let Some(select) = &overrides.select {
            check_flag("--select", select)?;
            settings.select = select.clone();
        }
        if let Some(ignore) = &overrides.ignore {
            check_flag("--ignore", ignore)?;
            settings.ignore = ignore.clone();
        }
        if let Some(patterns) = &overrides.exclude {
            let mut builder = GitignoreBuilder::new(cwd);
            for p in patterns {
                builder
                    .add_line(None, p)
                    .map_err(|e| ConfigError::plain(format!("--exclude {p}: {e}")))?;
            }
            settings.exclude = Some(
                builder
                    .build()
                    .map_err(|e| ConfigError::plain(format!("--exclude: {e}")))?,
            );
        }
        Ok(settings)
    }

    fn read_file(&mut self, loaded: &Loaded, catalogue: &Catalogue) -> Result<(), ConfigError> {
        let file = &loaded.file;
        let selectors =
            |key: &str, values: &[Spanned<String>]| -> Result<Vec<String>, ConfigError> {
                values
                    .iter()
                    .map(|v| {
                        if selector_is_known(v.get_ref(), catalogue) {
                            Ok(v.get_ref().clone())
                        } else {
                            Err(ConfigError::at(
                                loaded,
                                v.span(),
                                format!(
                                    "unknown rule id, id prefix or category `{}` in `{key}` of {}",
                                    v.get_ref(),
                                    loaded.shown
                                ),
                            ))
                        }
                    })
                    .collect()
            };
        self.file = Some(loaded.path.clone());
        self.select = selectors("select", &file.select)?;
        self.ignore = selectors("ignore", &file.ignore)?;
        let keys: Vec<Spanned<String>> = file.severity.keys().cloned().collect();
        let names = selectors("severity", &keys)?;
        self.severity = names
            .into_iter()
            .zip(file.severity.values().copied())
            .collect();
        let dir = loaded.dir();
        let glob_set = |key: &str, patterns: &[&Spanned<String>]| {
            let mut builder = GitignoreBuilder::new(dir);
            for p in patterns {
                builder.add_line(None, p.get_ref()).map_err(|e| {
                    ConfigError::at(
                        loaded,
                        p.span(),
                        format!("invalid pattern in `{key}` of {}: {e}", loaded.shown),
                    )
                })?;
            }
            builder
                .build()
                .map_err(|e| ConfigError::plain(format!("`{key}` of {}: {e}", loaded.shown)))
        };
        if !file.exclude.is_empty() {
            let patterns: Vec<&Spanned<String>> = file.exclude.iter().collect();
            self.exclude = Some(glob_set("exclude", &patterns)?);
        }
        for (pattern, rules) in &file.per_path_ignores {
            let matcher = glob_set("per-path-ignores", &[pattern])?;
            self.per_path_ignores
                .push((matcher, selectors("per-path-ignores", rules)?));
        }
        self.include_tests = file.include_tests;
        self.require_reason = file.require_reason;
        self.fail_on = file.fail_on;
        Ok(())
    }

    /// Whether `path` (absolute) is excluded by `exclude` / `--exclude`.
    pub fn is_excluded(&self, path: &Path) -> bool {
        self.exclude
            .as_ref()
            .is_some_and(|g| matches(g, path, false))
    }

    /// A test for directories the walk should not enter (`exclude` / `--exclude`); walked
    /// paths are resolved against `cwd`.
    pub fn excluded_dirs(&self, cwd: &Path) -> impl Fn(&Path) -> bool + Send + Sync + 'static {
        let (exclude, cwd) = (self.exclude.clone(), cwd.to_path_buf());
        move |dir: &Path| {
            exclude
                .as_ref()
                .is_some_and(|g| matches(g, &absolute(&cwd, dir), true))
        }
    }

    /// Applies selection, per-path ignores and severities to a finished scan. Paths in
    /// findings are resolved against `cwd`.
    pub fn apply(&self, result: &mut ScanResult, cwd: &Path) {
        let keep = |f: &Finding| {
            let rule = (f.rule_id.as_str(), f.category);
            let selected = self.select.is_empty() || self.select.iter().any(|s| selects(s, rule));
            let ignored = self.ignore.iter().any(|s| selects(s, rule))
                || self.per_path_ignores.iter().any(|(glob, names)| {
                    names.iter().any(|s| selects(s, rule))
                        && matches(glob, &absolute(cwd, Path::new(&f.path)), false)
                });
            selected && !ignored
        };
        result.findings.retain(keep);
        result.suppressed.retain(keep);
        for f in result
            .findings
            .iter_mut()
            .chain(result.suppressed.iter_mut())
        {
            if let Some(severity) = self.severity_of(&f.rule_id, f.category) {
                f.severity = severity;
            }
        }
    }

    fn severity_of(&self, id: &str, category: Category) -> Option<Severity> {
        self.severity
            .iter()
            .filter(|(s, _)| selects(s, (id, category)))
            .max_by_key(|(s, _)| specificity(s, id))
            .map(|(_, severity)| *severity)
    }
}

fn matches(glob: &Gitignore, path: &Path, is_dir: bool) -> bool {
    match path.strip_prefix(glob.path()) {
        Ok(relative) if !relative.as_os_str().is_empty() => glob
            .matched_path_or_any_parents(relative, is_dir)
            .is_ignore(),
        _ => false,
    }
}

/// Whether selector `s` (rule id, id prefix ending at a `-`, or category) covers a rule.
fn selects(s: &str, (id, category): (&str, Category)) -> bool {
    s == category.name() || id_prefix(s, id)
}

fn id_prefix(s: &str, id: &str) -> bool {
    id == s
        || id
            .strip_prefix(s)
            .is_some_and(|rest| !s.is_empty() && (s.ends_with('-') || rest.starts_with('-')))
}

/// Exact ids beat longer prefixes, which beat shorter ones and categories.
fn specificity(s: &str, id: &str) -> usize {
    if s == id {
        usize::MAX
    } else if id_prefix(s, id) {
        s.len()
    } else {
        0
    }
}

fn selector_is_known(s: &str, catalogue: &Catalogue) -> bool {
    catalogue
        .rules()
        .any(|r| r.category.name() == s || id_prefix(s, &r.id))
}

/// The starter config written by `scaleout init`: every key, commented.
pub const STARTER: &str = r#"# scaleout configuration (README.md, "Configuration"; JSON Schema: schema/scaleout.schema.json).
# Paths and patterns are relative to this file. Every key is optional.

# Report only these rules: rule ids, id prefixes ("node" selects node-fs-write, ...) or
# categories (local-disk-write, in-process-timer, cron-library, in-memory-state, suppression).
# select = ["local-disk-write", "cron-library"]

# Never report these (same forms as select).
# ignore = ["node-set-interval"]

# The lowest severity that makes `scaleout check` exit with 1: error, warning, info or never.
fail-on = "warning"

# Files and directories never scanned (gitignore syntax).
# exclude = ["generated/", "**/*.gen.ts"]

# Report findings in test code too (analysed but not reported by default).
include-tests = false

# Report `scaleout: ignore` comments that give no `-- reason`.
require-reason = false

# Extra rule files (the schema of the built-in rules/*.toml), inside this repository.
# rules = ["ops/scaleout-rules/*.toml"]

# Severity per rule id, id prefix or category.
[severity]
# node-set-interval = "info"

# Rules not reported in some files (gitignore-syntax pattern = rule ids or categories).
[per-path-ignores]
# "scripts/**" = ["local-disk-write"]
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_are_ids_prefixes_at_a_dash_or_categories() {
        let rule = ("node-fs-write", Category::LocalDiskWrite);
        assert!(selects("node-fs-write", rule));
        assert!(selects("node", rule));
        assert!(selects("node-", rule));
        assert!(selects("node-fs", rule));
        assert!(selects("local-disk-write", rule));
        assert!(!selects("nod", rule));
        assert!(!selects("node-fs-w", rule));
        assert!(!selects("in-process-timer", rule));
        assert!(
            specificity("node-fs-write", "node-fs-write") > specificity("node-fs", "node-fs-write")
        );
        assert!(specificity("node-fs", "node-fs-write") > specificity("node", "node-fs-write"));
    }

    #[test]
    fn the_starter_config_parses() {
        let file: ConfigFile = toml::from_str(STARTER).expect("starter config is valid");
        assert_eq!(file.fail_on, Some(FailOn::Warning));
    }

    #[test]
    fn paths_are_normalised_lexically() {
        assert_eq!(
            absolute(Path::new("/repo/api"), Path::new("../src/./a.js")),
            PathBuf::from("/repo/src/a.js")
        );
    }
}
