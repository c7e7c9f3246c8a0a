//! Command-line interface: argument definitions and the commands they run.

use crate::catalogue::{Catalogue, Rule, Severity};
use crate::engine::Engine;
use crate::report::{self, human};
use crate::scan::scan;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Finds single-instance assumptions: code that works on one server and breaks
/// when the app runs as several instances behind a load balancer.
#[derive(Debug, Parser)]
#[command(name = "scaleout", version, about)]
pub struct Cli {
    /// Extra rule files (TOML, one rule per file, the schema of `rules/*.toml`), or
    /// directories of them; may be repeated. They add to the built-in rules.
    #[arg(long = "rules", global = true, value_name = "PATH")]
    pub rule_paths: Vec<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and directories (default: the current directory).
    Check(CheckArgs),
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
}

/// Arguments of `scaleout check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to lint.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format (written to stdout).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit with 1 when a finding has at least this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
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
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
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
}

/// Output formats of `rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// An aligned text table.
    Table,
    /// A Markdown table (the one in README.md).
    Markdown,
}

/// The `--fail-on` threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
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
    let catalogue = match load_catalogue(&cli.rule_paths) {
        Ok(c) => c,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_ERROR;
        }
    };
    match cli.command {
        Command::Check(args) => check(&catalogue, args),
        Command::Rules { format } => {
            let text = match format {
                RulesFormat::Table => rules_table(&catalogue),
                RulesFormat::Markdown => rules_markdown(&catalogue),
            };
            print(&text)
        }
        Command::Explain { rule } => match catalogue.get(&rule) {
            Some(r) => print(&explain(r)),
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

/// The built-in rules plus the user's rule files (files, or directories of `*.toml`).
fn load_catalogue(paths: &[PathBuf]) -> Result<Catalogue, String> {
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

fn check(catalogue: &Catalogue, args: CheckArgs) -> u8 {
    let cwd = std::env::current_dir().unwrap_or_default();
    if let Some(missing) = args.paths.iter().find(|p| !p.exists() && !p.is_symlink()) {
        eprintln!("error: {}: no such file or directory", missing.display());
        return EXIT_ERROR;
    }
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
    let engine = Engine::new(catalogue);
    let mut result = pool.install(|| scan(&engine, &args.paths, &cwd, threads));
    if args.show_all {
        result.findings.append(&mut result.unreachable);
        crate::finding::sort(&mut result.findings);
    }

    let text = match args.format {
        Format::Json => {
            report::json::render(&result.findings, &result.errors, result.files_scanned)
        }
        Format::Concise => report::concise::render(&result.findings),
        Format::Human => {
            let color = match args.color {
                ColorChoice::Always => human::Color::Always,
                ColorChoice::Never => human::Color::Never,
                ColorChoice::Auto
                    if std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none() =>
                {
                    human::Color::Always
                }
                ColorChoice::Auto => human::Color::Never,
            };
            human::render(&result.findings, &result.sources, color)
        }
    };
    if print(&text) != EXIT_CLEAN {
        return EXIT_ERROR;
    }
    if !args.quiet {
        if args.format != Format::Json {
            eprint!("{}", human::render_errors(&result.errors));
        }
        eprintln!("{}", report::summary_line(&result));
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failed = threshold.is_some_and(|t| result.findings.iter().any(|f| f.severity >= t));
    if failed {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

fn languages(rule: &Rule) -> String {
    let names: Vec<&str> = rule.languages.iter().map(|l| l.name()).collect();
    names.join(", ")
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

/// `scaleout explain RULE`.
pub fn explain(rule: &Rule) -> String {
    let d = &rule.docs;
    format!(
        "# {id}\n\n{summary}\n\nCategory: {cat} · Severity: {sev} · Languages: {langs}\n\n\
         ## What it finds\n\n{what}\n\n## Why it breaks when scaled out\n\n{why}\n\n\
         ## Example\n\n{example}\n\n## Use instead\n\n{instead}\n\n## When it is fine\n\n{fine}\n",
        id = rule.id,
        summary = rule.summary,
        cat = rule.category.name(),
        sev = rule.severity.name(),
        langs = languages(rule),
        what = d.what.trim(),
        why = d.why.trim(),
        example = d.example.trim(),
        instead = d.instead.trim(),
        fine = d.fine_when.trim(),
    )
}
