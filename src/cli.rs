//! Command-line interface: argument definitions and the commands they run.

use crate::baseline::{self, Baseline};
use crate::catalogue::Catalogue;
pub use crate::config::FailOn;
use crate::config::{self, ConfigError, Loaded, Overrides, Settings};
use crate::discover::{discover_pruned, SourceFile, WalkError};
use crate::engine::Engine;
use crate::finding::Finding;
use crate::limits::{self, Limits, ParseBudget};
use crate::lsp::ConfigChoice;
use crate::progress::{self, ScanProgress};
use crate::report::rule_doc::{self, languages};
use crate::report::{self, human, Summary};
use crate::scan::{scan_files, ScanResult};
use clap::{Parser, Subcommand, ValueEnum};
use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Finds single-instance assumptions: code that works on one server and breaks
/// when the app runs as several instances behind a load balancer.
#[derive(Debug, Parser)]
#[command(name = "scaleout", version, about)]
pub struct Cli {
    /// Extra rule files (TOML, one rule per file, the schema of `rules/*.toml`), or
    /// directories of them; may be repeated. They add to the built-in rules.
    #[arg(long = "rules", global = true, value_name = "PATH")]
    pub rule_paths: Vec<PathBuf>,
    /// Use this config file instead of the `scaleout.toml` / `.scaleout.toml` found from
    /// the scanned paths upward.
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore config files.
    #[arg(long, global = true)]
    pub no_config: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and directories (default: the current directory).
    Check(Box<CheckArgs>),
    /// List every rule: id, category, severity, languages, summary.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
        format: RulesFormat,
    },
    /// Print a rule's documentation.
    Explain {
        /// The rule id, as shown by `scaleout rules`.
        rule: String,
    },
    /// Write a commented starter `scaleout.toml` in the current directory.
    Init,
    /// Run the language server on stdin and stdout (for editors).
    Lsp,
}

/// Arguments of `scaleout check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to lint.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format [default: github when GITHUB_ACTIONS=true, else human].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the report to this file instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also print the number of findings per rule and per category (on stderr, or on
    /// stdout when the report goes to `--output`).
    #[arg(long)]
    pub statistics: bool,
    /// Exit with 1 when a finding has at least this severity [default: the config's
    /// `fail-on`, else warning].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Report only these rule ids, id prefixes or categories (comma-separated; replaces
    /// the config's `select`).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,
    /// Do not report these rule ids, id prefixes or categories (replaces the config's `ignore`).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Option<Vec<String>>,
    /// Skip files matching these gitignore-syntax patterns, relative to the current
    /// directory (replaces the config's `exclude`; may be repeated).
    #[arg(long, value_name = "PATTERN")]
    pub exclude: Option<Vec<String>>,
    /// Report suppression comments that give no `-- reason` (rule `suppression-without-reason`).
    #[arg(long)]
    pub require_reason: bool,
    /// Add the suppressed findings, with their reasons, to JSON output (`suppressed`).
    #[arg(long)]
    pub show_suppressed: bool,
    /// Insert a `scaleout: ignore[...]` comment with a placeholder reason above every
    /// reported finding, in place, instead of failing on them.
    #[arg(long)]
    pub add_suppressions: bool,
    /// Record the current findings in FILE (a baseline) and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
    /// Report only findings that are not in the baseline FILE.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// With --baseline: exit 1 when the baseline has entries whose finding is gone.
    #[arg(long, requires = "baseline")]
    pub strict_baseline: bool,
    /// Only lint files changed since this git ref (`git diff --name-only REF` plus untracked
    /// files), e.g. `origin/main` in a pull-request job.
    #[arg(long, value_name = "GIT_REF")]
    pub changed_since: Option<String>,
    /// Worker threads (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Print findings only: no summary or file warnings on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also report findings in code no server entry point reaches (start-up, offline and
    /// unreferenced code), marked as of low confidence.
    #[arg(long)]
    pub show_all: bool,
    /// Under each finding, show the path from a server entry point to its code that made
    /// it count as reachable (or start-up, offline) code; in JSON, `reach_trace`. Project
    /// scans only (directories named, no `--changed-since`).
    #[arg(long)]
    pub explain_reach: bool,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Follow symbolic links inside directories (links named as PATH are always followed).
    #[arg(long)]
    pub follow: bool,
    /// Skip files larger than this (e.g. 4MiB, 512K, bytes without a unit).
    #[arg(long, value_name = "SIZE", default_value = "4MiB", value_parser = limits::parse_size)]
    pub max_file_size: u64,
    /// Give up on a file whose parsing takes longer than this (e.g. 10, 2.5s, 500ms).
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = limits::parse_duration)]
    pub parse_timeout: std::time::Duration,
}

impl CheckArgs {
    /// The limits these flags set.
    pub fn limits(&self) -> Limits {
        Limits {
            max_file_size: self.max_file_size,
            parse_budget: ParseBudget(self.parse_timeout),
            follow_symlinks: self.follow,
        }
    }
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source excerpts with the message and the alternative.
    Human,
    /// One line per finding: `path:line:col: severity [rule] message`.
    Concise,
    /// One JSON document (schema version 1).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality report.
    Gitlab,
    /// One self-contained HTML page with charts and a filterable table.
    Html,
}

impl Format {
    /// The format when `--format` is not given: annotations inside GitHub Actions.
    pub fn default_for_environment() -> Format {
        if std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
            Format::Github
        } else {
            Format::Human
        }
    }
}

/// Output formats of `rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// An aligned text table.
    Table,
    /// A Markdown table (the one in README.md).
    Markdown,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and NO_COLOR is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Exit status: no finding at or above the threshold.
pub const EXIT_CLEAN: u8 = 0;
/// Exit status: findings at or above the threshold.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status: usage, configuration or internal error.
pub const EXIT_ERROR: u8 = 2;

/// Runs a parsed command line; returns the exit status.
pub fn run(cli: Cli) -> u8 {
    let cwd = std::env::current_dir().unwrap_or_default();
    if let Command::Init = cli.command {
        return init(&cwd);
    }
    // The server finds each document's configuration itself; one that is broken now must
    // not stop it from starting (the user may be editing it).
    if let Command::Lsp = cli.command {
        let choice = match (&cli.config, cli.no_config) {
            (_, true) => ConfigChoice::Nothing,
            (Some(file), false) => ConfigChoice::File(config::absolute(&cwd, file)),
            (None, false) => ConfigChoice::Nearest,
        };
        return crate::lsp::run(&cli.rule_paths, choice);
    }
    let mut groups = match setup(&cli, &cwd) {
        Ok(g) => g,
        Err(e) => {
            eprint!("{}", e.render());
            return EXIT_ERROR;
        }
    };
    if let Command::Check(args) = cli.command {
        return check(&groups, *args, &cwd);
    }
    let Some(Group { catalogue, .. }) = groups.pop() else {
        return EXIT_ERROR;
    };
    match cli.command {
        Command::Check(_) | Command::Init | Command::Lsp => EXIT_ERROR,
        Command::Rules { format } => {
            let text = match format {
                RulesFormat::Table => rules_table(&catalogue),
                RulesFormat::Markdown => rules_markdown(&catalogue),
            };
            print(&text)
        }
        Command::Explain { rule } => match catalogue.get(&rule) {
            Some(r) => print(&rule_doc::explain(r)),
            None => {
                let ids: Vec<&str> = catalogue.rules().map(|r| r.id.as_str()).collect();
                eprintln!(
                    "error: no rule `{rule}`; `scaleout rules` lists them: {}",
                    ids.join(", ")
                );
                EXIT_ERROR
            }
        },
    }
}

/// Scanned paths with the configuration and rules that apply to them.
struct Group {
    catalogue: Catalogue,
    settings: Settings,
    /// The rule files loaded beside the built-in rules (`--rules` and the config's).
    rule_paths: Vec<PathBuf>,
    paths: Vec<PathBuf>,
}

/// Reads the config files (unless `--no-config`), then loads the rules (built-in, `--rules`,
/// the config's `rules`) and checks each config against them. Paths led to different
/// config files (a monorepo's packages, a pre-commit run over several of them) form one
/// group each; other commands have one group, for the current directory.
fn setup(cli: &Cli, cwd: &std::path::Path) -> Result<Vec<Group>, ConfigError> {
    let (paths, overrides) = match &cli.command {
        Command::Check(args) => (
            args.paths.clone(),
            Overrides {
                select: args.select.clone(),
                ignore: args.ignore.clone(),
                exclude: args.exclude.clone(),
            },
        ),
        _ => (vec![PathBuf::from(".")], Overrides::default()),
    };
    let files = match (&cli.config, cli.no_config) {
        (_, true) => vec![(None, paths)],
        (Some(file), false) => vec![(Some(config::absolute(cwd, file)), paths)],
        (None, false) => config::group_by_config(&paths, cwd)?,
    };
    files
        .into_iter()
        .map(|(file, paths)| {
            let loaded = match &file {
                Some(path) => {
                    let shown = crate::discover::display_path(path, cwd);
                    Some(Loaded::read(path, &shown)?)
                }
                None => None,
            };
            let mut rule_paths = cli.rule_paths.clone();
            if let Some(loaded) = &loaded {
                rule_paths.extend(loaded.rule_files()?);
            }
            let catalogue = load_catalogue(&rule_paths).map_err(ConfigError::plain)?;
            let settings = Settings::new(loaded.as_ref(), &catalogue, &overrides, cwd)?;
            Ok(Group {
                catalogue,
                settings,
                rule_paths,
                paths,
            })
        })
        .collect()
}

/// `scaleout init`: writes the starter config, never over an existing one.
fn init(cwd: &std::path::Path) -> u8 {
    if let Some(existing) = config::FILE_NAMES.iter().find(|n| cwd.join(n).exists()) {
        eprintln!("error: {existing} already exists; not overwriting it");
        return EXIT_ERROR;
    }
    let path = cwd.join(config::FILE_NAMES[0]);
    match std::fs::write(&path, config::STARTER) {
        Ok(()) => {
            eprintln!("wrote {}", config::FILE_NAMES[0]);
            EXIT_CLEAN
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", path.display());
            EXIT_ERROR
        }
    }
}

/// The built-in rules plus the user's rule files (files, or directories of `*.toml`).
pub fn load_catalogue(paths: &[PathBuf]) -> Result<Catalogue, String> {
    // The placement data is embedded like the rules: check it before any work.
    crate::placement::builtin()?;
    let mut catalogue = Catalogue::builtin().map_err(|e| e.to_string())?;
    for path in paths {
        let files = if path.is_dir() {
            let entries = std::fs::read_dir(path)
                .map_err(|e| format!("cannot read rule directory {}: {e}", path.display()))?;
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            files.sort();
            files
        } else {
            vec![path.clone()]
        };
        for file in files {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("cannot read rule file {}: {e}", file.display()))?;
            catalogue
                .add_file(&file.display().to_string(), &text)
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(catalogue)
}

fn print(text: &str) -> u8 {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => EXIT_CLEAN,
        // A closed pipe (`scaleout rules | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_CLEAN,
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            EXIT_ERROR
        }
    }
}

fn check(groups: &[Group], args: CheckArgs, cwd: &std::path::Path) -> u8 {
    if let Some(missing) = args.paths.iter().find(|p| !p.exists() && !p.is_symlink()) {
        eprintln!("error: {}: no such file or directory", missing.display());
        return EXIT_ERROR;
    }
    let baseline = match args.baseline.as_deref().map(read_baseline).transpose() {
        Ok(b) => b,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_ERROR;
        }
    };
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        // Parsers recurse; give them room for deeply nested (but accepted) input.
        .stack_size(64 * 1024 * 1024)
        .build();
    let pool = match pool {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot start worker threads: {e}");
            return EXIT_ERROR;
        }
    };
    let mut result = ScanResult::default();
    // Per group: the files it scanned (as shown) and its failure threshold.
    let mut scanned_by_group: Vec<(BTreeSet<String>, FailOn)> = Vec::new();
    for group in groups {
        let files = match group_files(group, &args, threads, cwd) {
            Ok(files) => files,
            Err(code) => return code,
        };
        let mut part = pool.install(|| {
            scan_showing_progress(&group.catalogue, group, &files.0, files.1, &args, cwd)
        });
        if args.show_all {
            part.findings.append(&mut part.unreachable);
            crate::finding::sort(&mut part.findings);
        }
        group.settings.apply(&mut part, cwd);
        let scanned = files
            .0
            .iter()
            .map(|f| crate::discover::display_path(&f.path, cwd))
            .collect();
        let fail_on = args
            .fail_on
            .or(group.settings.fail_on)
            .unwrap_or(FailOn::Warning);
        scanned_by_group.push((scanned, fail_on));
        result.merge(part);
    }
    let catalogue = match groups {
        [one] => std::borrow::Cow::Borrowed(&one.catalogue),
        _ => {
            let mut paths: Vec<PathBuf> = Vec::new();
            for path in groups.iter().flat_map(|g| &g.rule_paths) {
                if !paths.contains(path) {
                    paths.push(path.clone());
                }
            }
            match load_catalogue(&paths) {
                Ok(c) => std::borrow::Cow::Owned(c),
                Err(message) => {
                    eprintln!("error: {message}");
                    return EXIT_ERROR;
                }
            }
        }
    };
    if let Some(file) = &args.write_baseline {
        return write_baseline(file, &result);
    }
    let applied = baseline.map(|(baseline, shown)| {
        let scanned: BTreeSet<String> = scanned_by_group
            .iter()
            .flat_map(|(files, _)| files.iter().cloned())
            .collect();
        baseline.apply(&mut result, &shown, &scanned, cwd)
    });
    if args.add_suppressions {
        return add_suppressions(&result, cwd);
    }

    let format = args.format.unwrap_or_else(Format::default_for_environment);
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let text = render(
        format,
        &result,
        args.show_suppressed,
        &catalogue,
        cwd,
        color(args.color, to_terminal),
    );
    if !write_report(&args, &text, &result.findings) {
        return EXIT_ERROR;
    }
    if !args.quiet {
        if format != Format::Json {
            eprint!("{}", human::render_errors(&result.errors));
        }
        eprintln!("{}", report::summary_line(&result));
    }
    if let Some(applied) = &applied {
        report_baseline(applied, args.quiet && !args.strict_baseline);
    }
    // Each finding is judged by the threshold of the config that applies to its file.
    let failed = result.findings.iter().any(|f| {
        scanned_by_group.iter().any(|(files, fail_on)| {
            files.contains(&f.path) && fail_on.threshold().is_some_and(|t| f.severity >= t)
        })
    }) || (args.strict_baseline && applied.is_some_and(|a| !a.stale.is_empty()));
    if failed {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// The files a group scans: walked from its paths (pruning its config's excluded
/// directories), minus its excludes and, with `--changed-since`, files git does not list
/// as changed; with the walk's errors. `Err` carries the exit status.
fn group_files(
    group: &Group,
    args: &CheckArgs,
    threads: usize,
    cwd: &Path,
) -> Result<(Vec<SourceFile>, Vec<WalkError>), u8> {
    let (mut files, walk_errors) = discover_pruned(
        &group.paths,
        threads,
        args.limits().follow_symlinks,
        group.settings.excluded_dirs(cwd),
    );
    files.retain(|f| !group.settings.is_excluded(&config::absolute(cwd, &f.path)));
    if let Some(git_ref) = &args.changed_since {
        let changed = match crate::changed::changed_files(git_ref, cwd) {
            Ok(c) => c,
            Err(message) => {
                eprintln!("error: {message}");
                return Err(EXIT_ERROR);
            }
        };
        // git prints resolved paths; compare with the resolved current directory.
        let real_cwd = cwd.canonicalize().unwrap_or_else(|_| cwd.to_path_buf());
        files.retain(|f| changed.contains(&config::absolute(&real_cwd, &f.path)));
    }
    Ok((files, walk_errors))
}

/// Scans (inside the worker pool) with a progress bar on stderr when
/// [`progress::wanted`].
fn scan_showing_progress(
    catalogue: &Catalogue,
    group: &Group,
    files: &[SourceFile],
    walk_errors: Vec<WalkError>,
    args: &CheckArgs,
    cwd: &Path,
) -> ScanResult {
    let engine = Engine::new(catalogue)
        .include_tests(group.settings.include_tests)
        .require_reason(group.settings.require_reason || args.require_reason)
        .explain_reach(args.explain_reach);
    let limits = args.limits();
    let progress = ScanProgress::default();
    let show = progress::wanted(
        args.quiet,
        std::io::stderr().is_terminal(),
        std::env::var("CI").ok().as_deref(),
    );
    std::thread::scope(|s| {
        if show {
            s.spawn(|| progress::display(&progress));
        }
        // The files are a whole project when only directories were named and no
        // `--changed-since` picked a subset (see `scan_files`).
        let project = group.paths.iter().all(|p| p.is_dir()) && args.changed_since.is_none();
        let result = scan_files(
            &engine,
            files,
            walk_errors,
            cwd,
            &limits,
            &progress,
            project,
        );
        progress.finish();
        result
    })
}

/// Writes the report to `--output` or stdout, then the `--statistics` (on stdout only when
/// the report went to a file); false when the report could not be written.
fn write_report(args: &CheckArgs, text: &str, findings: &[Finding]) -> bool {
    let statistics = args
        .statistics
        .then(|| report::statistics::render(findings));
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return false;
            }
            statistics.is_none_or(|table| print(&table) == EXIT_CLEAN)
        }
        None => {
            if print(text) != EXIT_CLEAN {
                return false;
            }
            if let Some(table) = statistics {
                eprint!("{table}");
            }
            true
        }
    }
}

fn color(choice: ColorChoice, to_terminal: bool) -> human::Color {
    match choice {
        ColorChoice::Always => human::Color::Always,
        ColorChoice::Never => human::Color::Never,
        ColorChoice::Auto if to_terminal && std::env::var_os("NO_COLOR").is_none() => {
            human::Color::Always
        }
        ColorChoice::Auto => human::Color::Never,
    }
}

/// The report in `format`; `cwd` is what relative paths are relative to.
fn render(
    format: Format,
    result: &ScanResult,
    show_suppressed: bool,
    catalogue: &Catalogue,
    cwd: &Path,
    color: human::Color,
) -> String {
    match format {
        Format::Human => human::render(&result.findings, &result.sources, color),
        Format::Concise => report::concise::render(&result.findings),
        Format::Json => report::json::render(
            &result.findings,
            show_suppressed.then_some(result.suppressed.as_slice()),
            &result.errors,
            result.files_scanned,
        ),
        Format::Sarif => report::sarif::render(
            &result.findings,
            &result.suppressed,
            &result.errors,
            catalogue,
            cwd,
        ),
        Format::Github => report::github::render(&result.findings),
        Format::Gitlab => report::gitlab::render(&result.findings),
        Format::Html => report::html::render(&report::html::Page {
            findings: &result.findings,
            errors: &result.errors,
            summary: &Summary::new(&result.findings, result.files_scanned),
            suppressed: result.suppressed.len(),
            catalogue,
            sources: &result.sources,
        }),
    }
}

/// Reads and parses a `--baseline` file; also returns how to name it.
fn read_baseline(path: &std::path::Path) -> Result<(Baseline, String), String> {
    let shown = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read baseline {shown}: {e}"))?;
    let baseline = Baseline::parse(&text).map_err(|e| format!("invalid baseline {shown}: {e}"))?;
    Ok((baseline, shown))
}

/// `check --write-baseline FILE`.
fn write_baseline(path: &std::path::Path, result: &crate::scan::ScanResult) -> u8 {
    match std::fs::write(path, baseline::render(&result.findings)) {
        Ok(()) => {
            let n = result.findings.len();
            eprintln!(
                "scaleout: wrote {n} finding{} to baseline {}",
                if n == 1 { "" } else { "s" },
                path.display()
            );
            EXIT_CLEAN
        }
        Err(e) => {
            eprintln!("error: cannot write baseline {}: {e}", path.display());
            EXIT_ERROR
        }
    }
}

/// How many findings the baseline hid, and its stale entries (listed unless `quiet`).
fn report_baseline(applied: &baseline::Applied, quiet: bool) {
    if quiet {
        return;
    }
    for e in &applied.stale {
        eprintln!(
            "stale baseline entry: {} [{}] {} (finding gone; rewrite the baseline with --write-baseline)",
            e.path, e.rule_id, e.fingerprint
        );
    }
    eprintln!(
        "scaleout: {} finding{} in the baseline not shown; {} stale baseline entr{}",
        applied.baselined,
        if applied.baselined == 1 { "" } else { "s" },
        applied.stale.len(),
        if applied.stale.len() == 1 { "y" } else { "ies" }
    );
}

/// `check --add-suppressions`: comments above every reported finding; exit 1 when some
/// finding could not take one.
fn add_suppressions(result: &crate::scan::ScanResult, cwd: &std::path::Path) -> u8 {
    let added = crate::add_suppressions::add_suppressions(&result.findings, cwd);
    for skipped in &added.skipped {
        eprintln!("not suppressed: {skipped}");
    }
    eprintln!(
        "scaleout: added {} suppression comment{} in {} file{}; replace each `{}`",
        added.comments,
        if added.comments == 1 { "" } else { "s" },
        added.files,
        if added.files == 1 { "" } else { "s" },
        crate::add_suppressions::PLACEHOLDER
    );
    if added.skipped.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    }
}

/// The `scaleout rules` table.
pub fn rules_table(catalogue: &Catalogue) -> String {
    let rows: Vec<[String; 5]> = catalogue
        .rules()
        .map(|r| {
            [
                r.id.clone(),
                r.category.name().to_string(),
                r.severity.name().to_string(),
                languages(r),
                r.summary.clone(),
            ]
        })
        .collect();
    let header = ["RULE", "CATEGORY", "SEVERITY", "LANGUAGES", "SUMMARY"].map(String::from);
    let mut widths = [0usize; 4];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter().zip(row) {
            out.push_str(&format!("{cell:<w$}  "));
        }
        out.push_str(&row[4]);
        out.push('\n');
    }
    out
}

/// The Markdown rule table embedded in README.md.
pub fn rules_markdown(catalogue: &Catalogue) -> String {
    let mut out =
        String::from("| Rule | Category | Severity | Languages | Finds |\n|---|---|---|---|---|\n");
    for r in catalogue.rules() {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            r.id,
            r.category.name(),
            r.severity.name(),
            languages(r),
            r.summary.replace('|', "\\|")
        ));
    }
    out
}
