//! Scans files on disk: discover, read with guards, lint in parallel, collect.

use crate::discover::{discover, display_path, SourceFile, WalkError};
use crate::engine::{Document, Engine, Outcome};
use crate::finding::{keep_first_per_file, sort, Doubt, Finding};
use crate::frontend::{FrontendOptions, Language};
use crate::limits::Limits;
use crate::manifest::csproj::CsprojCache;
use crate::placement::project::ProjectPlacements;
use crate::progress::ScanProgress;
use crate::reach::{self, FileModel, Reachability};
use crate::read::read_source;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A file that could not be analysed (fully or partly).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileError {
    /// The file, as in findings.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

/// The result of a scan.
#[derive(Debug, Default)]
pub struct ScanResult {
    /// All findings, sorted by path, line, column, rule.
    pub findings: Vec<Finding>,
    /// Findings silenced by a suppression (each has `suppression` set), sorted likewise.
    pub suppressed: Vec<Finding>,
    /// Findings in code no server entry point reaches (each has `reachability` set: start-up,
    /// offline or unreferenced code), sorted likewise; reported only on request.
    pub unreachable: Vec<Finding>,
    /// Files that could not be (fully) analysed, sorted by path.
    pub errors: Vec<FileError>,
    /// Files linted (including those with a syntax error that still yielded facts).
    pub files_scanned: usize,
    /// Files skipped on purpose (minified, generated).
    pub files_skipped: usize,
    /// Texts of the files that have findings (reachable or not), for rendering source excerpts
    /// (only those: memory stays bounded by the findings, not by the size of the tree).
    pub sources: BTreeMap<String, Arc<str>>,
}

impl ScanResult {
    /// Adds another scan's results (of other files) to this one, keeping every list sorted.
    pub fn merge(&mut self, other: ScanResult) {
        self.findings.extend(other.findings);
        self.suppressed.extend(other.suppressed);
        self.unreachable.extend(other.unreachable);
        self.errors.extend(other.errors);
        crate::finding::sort(&mut self.findings);
        crate::finding::sort(&mut self.suppressed);
        crate::finding::sort(&mut self.unreachable);
        self.errors.sort_by(|a, b| a.path.cmp(&b.path));
        self.files_scanned += other.files_scanned;
        self.files_skipped += other.files_skipped;
        self.sources.extend(other.sources);
    }
}

enum FileOutcome {
    Linted {
        findings: Vec<Finding>,
        suppressed: Vec<Finding>,
        unreached: Vec<Finding>,
        /// Later matches of once-per-file rules (see [`Outcome::Linted`]).
        repeated: Vec<Finding>,
        warning: Option<String>,
        /// Kept only when there are findings (reachable or not).
        text: Option<Arc<str>>,
        model: Box<FileModel>,
    },
    Skipped,
    Failed(String),
}

/// Scans `roots` (files or directories) relative to `cwd` within `limits`. Never panics
/// on input. When every root is a directory, the files found are one project (see
/// [`scan_files`]).
pub fn scan(
    engine: &Engine,
    roots: &[PathBuf],
    cwd: &Path,
    threads: usize,
    limits: &Limits,
) -> ScanResult {
    let (files, walk_errors) = discover(roots, threads, limits.follow_symlinks);
    let project = !roots.is_empty() && roots.iter().all(|r| r.is_dir());
    scan_files(
        engine,
        &files,
        walk_errors,
        cwd,
        limits,
        &ScanProgress::default(),
        project,
    )
}

/// Lints `files` (found by [`discover`], perhaps filtered since) relative to `cwd`
/// within `limits`; `walk_errors` are reported with the files' errors, and each file done
/// is counted in `progress` for a progress display. A file that has vanished or changed
/// since the walk is reported too. Never panics on input.
///
/// With `project`, `files` are a whole project: after linting, [`reach::solve`] decides
/// which findings a server entry point reaches over the call graph of all of them. Without
/// it (files named on the command line, a `--changed-since` subset) each file is judged on
/// its own ([`Engine::lint`]'s single-file verdicts). Findings no entry point reaches go to
/// [`ScanResult::unreachable`].
pub fn scan_files(
    engine: &Engine,
    files: &[SourceFile],
    walk_errors: Vec<WalkError>,
    cwd: &Path,
    limits: &Limits,
    progress: &ScanProgress,
    project: bool,
) -> ScanResult {
    progress.set_total(files.len());
    let projects = Projects::default();
    let outcomes: Vec<(String, FileOutcome)> = files
        .par_iter()
        .map(|file| {
            let shown = display_path(&file.path, cwd);
            let outcome = scan_file(engine, file, &shown, &projects, limits);
            progress.file_done();
            (shown, outcome)
        })
        .collect();
    let mut result = ScanResult::default();
    for err in walk_errors {
        result.errors.push(FileError {
            path: err.path.map(|p| display_path(&p, cwd)).unwrap_or_default(),
            message: err.message,
        });
    }
    let mut models = Vec::new();
    // The path of each model's file, as shown.
    let mut model_paths = Vec::new();
    let mut judged = Vec::new();
    let mut registered: BTreeSet<String> = BTreeSet::new();
    for (path, outcome) in outcomes {
        match outcome {
            FileOutcome::Linted {
                findings,
                suppressed,
                unreached,
                repeated,
                warning,
                text,
                model,
            } => {
                result.files_scanned += 1;
                if let Some(text) = text {
                    result.sources.insert(path.clone(), text);
                }
                result.suppressed.extend(suppressed);
                if let Some(message) = warning {
                    result.errors.push(FileError {
                        path: path.clone(),
                        message,
                    });
                }
                registered.extend(model.registrations.iter().cloned());
                if project {
                    let file = models.len();
                    models.push(*model);
                    model_paths.push(path);
                    judged.extend(
                        findings
                            .into_iter()
                            .chain(unreached)
                            .chain(repeated)
                            .map(|f| (file, f)),
                    );
                } else {
                    result.findings.extend(findings);
                    result.unreachable.extend(unreached);
                }
            }
            FileOutcome::Skipped => result.files_skipped += 1,
            FileOutcome::Failed(message) => result.errors.push(FileError { path, message }),
        }
    }
    let mitigations = reach::mitigations::of_project(&models, &model_paths, &registered);
    if project {
        let solved = reach::solve_with_starts(&models);
        // A Rust value a server's start builds lives as long as the process.
        registered.extend(reach::started::registrations(&models, &solved));
        let verdicts = &solved.verdicts;
        reach::wrappers::judge(&models, verdicts, &mut judged);
        let parts = std::cell::OnceCell::new();
        for (file, mut finding) in judged {
            if !finding.fetched_if_sole_part.is_empty()
                && finding.fetched_if_sole_part.iter().all(|t| {
                    parts.get_or_init(|| partial_parts(&models)).get(t.as_str()) == Some(&1)
                })
            {
                finding.set_doubt(Doubt::FetchedCopy);
            }
            let mut verdict = verdicts[file]
                .get(finding.definition)
                .copied()
                .unwrap_or(Reachability::Reachable);
            // Preparing a folder as a statement of a server's start runs once per start (the
            // writes into it are judged where they happen); so does a write that is over when it
            // returns, as a statement of the start (`main`, a module's top level) or of a
            // function that is part of it: the files it leaves are judged where requests use them.
            let once = |call: &Option<String>| {
                call.as_deref().is_some_and(|target| {
                    solved.runs_once(&models, file, finding.definition, target)
                })
            };
            if once(&finding.setup_call) || once(&finding.one_shot_call) {
                verdict = Reachability::Startup;
            }
            // A secret or identity stored at start-up is generated when absent: each instance
            // would have its own (not when the content is written out in the code: an empty
            // `"{}"` is the same everywhere); a database opened at start is the instance's for
            // its life.
            if verdict == Reachability::Startup
                && (finding.reported_at_startup
                    || (reach::words().names_secret(&finding.snippet) && !finding.fixed_content))
            {
                verdict = Reachability::Reachable;
            }
            finding.set_reachability(verdict);
            if engine.explains_reach() {
                finding.reach_trace = solved.trace(&models, file, finding.definition);
                for step in &mut finding.reach_trace {
                    step.path.clone_from(&model_paths[step.file]);
                }
            }
            if finding.suppression.is_some() {
                result.suppressed.push(finding);
            } else if !finding.is_doubtful() {
                result.findings.push(finding);
            } else {
                result.unreachable.push(finding);
            }
        }
    }
    // In a project, a mitigation one file supplies (a backplane added where the host is
    // built) holds for the findings of that rule in every file; named files are judged alone.
    let mitigated = &mitigations.certain;
    result.findings.retain(|f| !mitigated.contains(&f.rule_id));
    result
        .unreachable
        .retain(|f| !mitigated.contains(&f.rule_id));
    // A mitigation made only in a branch the settings choose leaves the findings standing:
    // a deployment that leaves the setting off runs without it (the file's own findings
    // say so already).
    for finding in result.findings.iter_mut().chain(&mut result.unreachable) {
        match mitigations.optional.get(&finding.rule_id) {
            Some((call, path)) if *path != finding.path => finding.note_optional_mitigation(call),
            _ => {}
        }
    }
    // A field collection stands when some scanned server file makes its owner a single
    // instance (`AddSingleton<Tracker>()` where the host is built), or a single instance
    // holds it.
    // A call that hands a field to a function writing its parameter writes the field.
    reach::passed::join_passes(&mut registered);
    reach::held::close(&mut registered);
    reach::passed::join_wrote(&mut registered);
    let mut culprits = HashMap::new();
    if project {
        registered.extend(reach::claims::registrations(&models));
        // Another file's function a recurring body calls does what its definitions do.
        let work = reach::work::registrations(&models);
        registered.extend(work.registered);
        culprits = work.culprits;
        // A parameter every call hands a temporary path is one.
        registered.extend(reach::temp_params::registrations(
            models.iter().flat_map(|m| &m.arg_flows),
        ));
    }
    // A finding whose arguments another file's path getters would make this instance's own
    // goes when the project registers them all.
    let stands = |f: &Finding| {
        (f.requires.is_empty() || f.requires.iter().any(|r| registered.contains(r)))
            && (f.quiet_if.is_empty() || !f.quiet_if.iter().all(|r| registered.contains(r)))
            && !f.quiet_if_any.iter().any(|r| registered.contains(r))
    };
    result.findings.retain(stands);
    // A timer wrapper's finding names the call that hands it shared work.
    for finding in &mut result.findings {
        let culprit = finding.quiet_if.iter().find_map(|r| culprits.get(r));
        if let Some(&(file, line)) = culprit {
            finding.note_handed_work(&model_paths[file], line);
        }
    }
    result.unreachable.retain(stands);
    result.suppressed.retain(stands);
    sort(&mut result.findings);
    sort(&mut result.suppressed);
    sort(&mut result.unreachable);
    if project {
        // Judged again over the project: the first reached match of each file stands.
        keep_first_per_file(
            &mut result.findings,
            &mut result.unreachable,
            &result.suppressed,
        );
    }
    result.errors.sort_by(|a, b| a.path.cmp(&b.path));
    result
}

/// How many files declare each C# `partial` type of the project, by name: a finding that
/// stores a fetched copy if its file is the sole part of its partial types (see
/// [`Finding::fetched_if_sole_part`]) does so when each has one.
fn partial_parts(models: &[FileModel]) -> HashMap<&str, usize> {
    let mut parts = HashMap::new();
    for model in models {
        let mut seen = BTreeSet::new();
        for d in model
            .definitions
            .iter()
            .filter(|d| d.partial && d.type_info.is_some())
        {
            if seen.insert(d.name.as_str()) {
                *parts.entry(d.name.as_str()).or_insert(0) += 1;
            }
        }
    }
    parts
}

/// Project files (`.csproj`, `Cargo.toml`, `package.json`) read while linting, cached per
/// directory. The CLI scan and the language server ask the same questions of them.
#[derive(Default)]
pub struct Projects {
    csproj: CsprojCache,
    placements: ProjectPlacements,
}

impl Projects {
    /// What the projects around the file at `path` tell its frontend: C# implicit
    /// usings, JSX by extension, and where the file runs (see [`ProjectPlacements`]).
    pub fn frontend_options(&self, path: &Path, language: Language) -> FrontendOptions {
        FrontendOptions {
            csharp_implicit_namespaces: if language == Language::CSharp {
                self.csproj.implicit_namespaces(path)
            } else {
                Vec::new()
            },
            jsx: path.extension().is_some_and(|x| x == "tsx" || x == "jsx"),
            placement: self.placements.of_file(path, language, &self.csproj),
            package_depth: self.placements.package_depth(path, language),
            module_purpose: crate::frontend::words::module_purpose(path),
            ..FrontendOptions::default()
        }
    }
}

fn scan_file(
    engine: &Engine,
    file: &SourceFile,
    shown: &str,
    projects: &Projects,
    limits: &Limits,
) -> FileOutcome {
    let (text, note) = match read_source(&file.path, limits.max_file_size) {
        Ok(source) => (source.text, source.note),
        Err(message) => return FileOutcome::Failed(message),
    };
    let options = FrontendOptions {
        parse_budget: limits.parse_budget,
        ..projects.frontend_options(&file.path, file.language)
    };
    let doc = Document {
        path: shown,
        text: &text,
        language: file.language,
        options,
    };
    match engine.lint(&doc) {
        Outcome::Linted {
            findings,
            suppressed,
            unreached,
            repeated,
            warning,
            model,
        } => FileOutcome::Linted {
            text: (!findings.is_empty() || !unreached.is_empty()).then(|| text.into()),
            findings,
            suppressed,
            unreached,
            repeated,
            // The decoding note comes first: it explains odd characters in a syntax error.
            warning: match (note, warning) {
                (Some(note), Some(warning)) => Some(format!("{note}; {warning}")),
                (note, warning) => note.or(warning),
            },
            model: Box::new(FileModel {
                hosts: projects.placements.hosts(&file.path, file.language),
                client_hosts: projects.placements.client_hosts(&file.path, file.language),
                ..*model
            }),
        },
        Outcome::Skipped(_) => FileOutcome::Skipped,
        Outcome::Failed(message) => FileOutcome::Failed(message),
    }
}
