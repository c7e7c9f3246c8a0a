//! Lints one in-memory document: guards, frontend, matcher, findings.
//!
//! This is the entry point the CLI and an editor integration share; it never
//! touches the disk.

use crate::catalogue::{Catalogue, Category};
use crate::event::Context;
use crate::finding::{
    assign_fingerprints, keep_first_per_file, normalize_source, sort, Doubt, Finding,
};
use crate::frontend::{self, cached, fetched, scratch, FrontendOptions, Language};
use crate::matcher::{in_external_folder, Matcher};
use crate::placement::{self, Placement, Program};
use crate::position::{self, LineIndex};
use crate::reach::{self, wrappers, FileModel, FileRole, Reachability};
use crate::suppress::{SuppressionAudit, Suppressions};

/// Files with a line longer than this are treated as minified or generated.
const MAX_LINE_LEN: usize = 1_000;
/// Files nested deeper than this are refused rather than risking the parser's stack.
const MAX_NESTING: usize = 500;

/// One document to lint.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// The path shown in findings (relative, `/`-separated); also decides test context.
    pub path: &'a str,
    /// The full text.
    pub text: &'a str,
    /// The language to parse it as.
    pub language: Language,
    /// Settings the text cannot tell (C# implicit usings, JSX, a tool or client package).
    pub options: FrontendOptions,
}

/// What became of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Linted. `warning` is set when parsing hit a syntax error; for tree-sitter
    /// languages the findings then cover the parts that parsed.
    Linted {
        /// The findings, in source order.
        findings: Vec<Finding>,
        /// Findings a suppression comment silenced, each with its suppression, in source order.
        suppressed: Vec<Finding>,
        /// Findings in code that no entry point of this file reaches and nothing outside
        /// it can call (each has `reachability` set), in source order.
        unreached: Vec<Finding>,
        /// Later matches of rules reported once per file, set aside by
        /// [`keep_first_per_file`]: the project's reachability may find that the first
        /// match is not reached and one of these is.
        repeated: Vec<Finding>,
        /// A problem worth telling the user about (a syntax error).
        warning: Option<String>,
        /// The file's part of the project model.
        model: Box<FileModel>,
    },
    /// Not linted on purpose (minified or generated code).
    Skipped(String),
    /// Could not be linted.
    Failed(String),
}

/// The rule catalogue, indexed for matching.
#[derive(Debug)]
pub struct Engine {
    matcher: Matcher,
    /// The targets whose recurring body's work some rule reads (see [`crate::work::wanted`]).
    work_targets: std::sync::Arc<crate::work::WorkTargets>,
    audit: SuppressionAudit,
    /// Report findings in test code (the config's `include-tests`); off by default.
    include_tests: bool,
    /// Give each finding of a project scan the path from an entry point to its code.
    explain_reach: bool,
}

impl Engine {
    /// An engine over `catalogue`.
    pub fn new(catalogue: &Catalogue) -> Self {
        let matcher = Matcher::new(catalogue);
        Engine {
            work_targets: std::sync::Arc::new(matcher.work_targets()),
            matcher,
            audit: SuppressionAudit::new(catalogue),
            include_tests: false,
            explain_reach: false,
        }
    }

    /// Report suppression comments without a `-- reason` (`--require-reason`).
    pub fn require_reason(mut self, yes: bool) -> Self {
        self.audit.require_reason = yes;
        self
    }

    /// Also report findings in test code (files, modules and functions in a test context).
    pub fn include_tests(mut self, yes: bool) -> Self {
        self.include_tests = yes;
        self
    }

    /// Give each finding of a project scan the path from a server entry point to its code
    /// ([`Finding::reach_trace`](crate::finding::Finding::reach_trace)).
    pub fn explain_reach(mut self, yes: bool) -> Self {
        self.explain_reach = yes;
        self
    }

    /// Whether findings get the path from an entry point to their code (see
    /// [`Engine::explain_reach`]).
    pub fn explains_reach(&self) -> bool {
        self.explain_reach
    }

    /// Lints `text` as the file at `path` (relative, `/`-separated), with the language
    /// taken from the extension and default options. `None` for an unsupported extension.
    pub fn lint_text(&self, path: &str, text: &str) -> Option<Outcome> {
        let language = Language::from_path(std::path::Path::new(path))?;
        let options = FrontendOptions {
            jsx: path.ends_with(".tsx") || path.ends_with(".jsx"),
            ..FrontendOptions::default()
        };
        Some(self.lint(&Document {
            path,
            text,
            language,
            options,
        }))
    }

    /// Lints one document: findings sorted and fingerprinted. Never panics on any input.
    pub fn lint(&self, doc: &Document<'_>) -> Outcome {
        // Lone carriage returns (classic Mac line ends) end lines as in editors; as line
        // feeds they do so for every layer, with byte offsets unchanged.
        let lines = position::lone_cr_as_lf(doc.text);
        let doc = &Document {
            text: &lines,
            ..doc.clone()
        };
        if let Some(reason) = skip_reason(doc) {
            return Outcome::Skipped(reason);
        }
        let depth = nesting_depth(doc.text);
        if depth > MAX_NESTING {
            return Outcome::Failed(format!(
                "nesting too deep to analyse ({depth} levels, limit {MAX_NESTING})"
            ));
        }
        let run = std::panic::catch_unwind(|| self.lint_parsed(doc));
        run.unwrap_or_else(|_| {
            Outcome::Failed("internal error while analysing this file (please report it)".into())
        })
    }

    fn lint_parsed(&self, doc: &Document<'_>) -> Outcome {
        // tree-sitter stops at a NUL byte; a raw NUL inside a string literal is valid
        // source, so parse a copy with NULs blanked (offsets stay the same).
        let blanked;
        let parse_text = if doc.text.contains('\0') {
            blanked = doc.text.replace('\0', " ");
            blanked.as_str()
        } else {
            doc.text
        };
        let extracted = match crate::work::with_targets(self.work_targets.clone(), || {
            frontend::extract(doc.language, parse_text, &doc.options)
        }) {
            Ok(extracted) => extracted,
            Err(timeout) => return Outcome::Failed(timeout.to_string()),
        };
        let index = LineIndex::new(doc.text);
        let warning = extracted.syntax_error.as_ref().map(|e| {
            let (line, col) = index.line_col(doc.text, e.offset);
            if !doc.language.recovers_from_syntax_errors() {
                format!("could not parse: {} at {line}:{col}", e.message)
            } else {
                format!(
                    "{} at {line}:{col}; findings for the parts that parsed are still reported",
                    e.message
                )
            }
        });
        if !doc.language.recovers_from_syntax_errors() && warning.is_some() {
            return Outcome::Failed(warning.unwrap_or_default());
        }
        let placement = placement::resolve(
            doc.options.placement,
            placement::within_package(doc.path, doc.options.package_depth),
            doc.language,
        );
        let facts = &extracted.facts;
        let unreported: &[Context] = if self.include_tests {
            &[Context::Tooling, Context::ClientSide]
        } else {
            &[Context::Test, Context::Tooling, Context::ClientSide]
        };
        let placed =
            placement.is_reported() || (self.include_tests && placement == Placement::Test);
        let reported_file = placed && unreported.iter().all(|c| !facts.file_context.contains(c));
        let (matches, dropped): (Vec<_>, Vec<_>) = self
            .matcher
            .run(doc.language, facts)
            .into_iter()
            .partition(|m| {
                reported_file && unreported.iter().all(|c| !m.event.context.contains(c))
            });
        // Which definitions handle fetched data, worked out once per file when needed.
        let fetchers = std::cell::OnceCell::new();
        // The same, taking the file as the sole part of its `partial` types (a project scan
        // checks that no other file declares one).
        let sole_part = std::cell::OnceCell::new();
        let to_finding = |m: crate::matcher::Match<'_, '_>| {
            let span = m.event.span.clone();
            let (start_line, start_column) = index.line_col(doc.text, span.start);
            let (end_line, end_column) = index.line_col(doc.text, span.end);
            let mut finding = Finding {
                rule_id: m.rule.id.clone(),
                category: m.rule.category,
                severity: m.rule.severity,
                message: m.rule.message.replace("{target}", display_target(m.target)),
                alternative: m.rule.alternative.clone(),
                path: doc.path.to_string(),
                start_line,
                start_column,
                end_line,
                end_column,
                snippet: index.line_text(doc.text, start_line).trim().to_string(),
                fingerprint: String::new(),
                normalized_source: normalize_source(doc.text.get(span.clone()).unwrap_or("")),
                suppression: None,
                confidence: None,
                reachability: None,
                doubt: None,
                forwarded: m.event.forwarded.clone(),
                definition: reach::innermost(&facts.definitions, span.start),
                requires: m.requires,
                quiet_if: m.quiet_if,
                quiet_if_any: m.quiet_if_any,
                setup_call: m.setup_call,
                one_shot_call: m.one_shot_call,
                fetched_if_sole_part: Vec::new(),
                once_per_file: m.rule.once_per_file,
                reported_at_startup: m.rule.reported_at_startup,
                fixed_content: writes_fixed_content(m.target, &m.event.args),
                reach_trace: Vec::new(),
            };
            if let Some(call) = &m.optional_mitigation {
                finding.note_optional_mitigation(call);
            }
            if m.rule.category == Category::LocalDiskWrite {
                let call = doc.text.get(span.clone()).unwrap_or("");
                if in_external_folder(m.event) {
                    finding.set_doubt(Doubt::ExternalFolder);
                } else if fetched::is_fetched_copy(
                    fetchers.get_or_init(|| fetched::fetchers(&facts.definitions, false)),
                    finding.definition,
                    call,
                ) {
                    finding.set_doubt(Doubt::FetchedCopy);
                } else if let Some((types, _)) = sole_part
                    .get_or_init(|| {
                        let types = fetched::partial_types(&facts.definitions, doc.path);
                        (!types.is_empty())
                            .then(|| (types, fetched::fetchers(&facts.definitions, true)))
                    })
                    .as_ref()
                    .filter(|(_, sole)| fetched::is_fetched_copy(sole, finding.definition, call))
                {
                    finding.fetched_if_sole_part = types.iter().map(|t| (*t).to_string()).collect();
                } else if scratch::use_of(m.target) == Some(scratch::Use::Delete)
                    && fetched::drops_a_copy(&facts.definitions, finding.definition, call, doc.text)
                {
                    finding.set_doubt(Doubt::DroppedCopy);
                } else if scratch::use_of(m.target) != Some(scratch::Use::Delete)
                    && cached::fills_on_miss(
                        &facts.definitions,
                        finding.definition,
                        doc.text,
                        span.clone(),
                    )
                {
                    finding.set_doubt(Doubt::CachedCopy);
                }
            }
            finding
        };
        let mut findings: Vec<Finding> = matches.into_iter().map(to_finding).collect();
        let mut suppressions = Suppressions::parse(doc.text);
        if !suppressions.is_empty() {
            // A comment that excuses test or tooling code is in use, though nothing is reported.
            let dropped: Vec<Finding> = dropped.into_iter().map(to_finding).collect();
            suppressions.mark_used(&dropped);
        }
        // Fingerprints count identical texts in the file, suppressed or not, so that
        // suppressing one of two identical lines does not change the other's.
        sort(&mut findings);
        assign_fingerprints(&mut findings);
        let suppressed = suppressions.silence(&mut findings);
        let call_sites = wrappers::call_sites(
            &facts.definitions,
            &facts.shared_path_calls,
            doc.path,
            doc.text,
            &index,
            &mut suppressions,
        );
        if reported_file && !suppressions.is_empty() {
            let mut audit = self
                .audit
                .findings(&suppressions, doc.path, doc.text, &index);
            assign_fingerprints(&mut audit);
            findings.extend(audit);
            sort(&mut findings);
        }
        let verdicts = reach::solve_file(doc.language, &facts.definitions);
        let mut unreached = Vec::new();
        for mut finding in std::mem::take(&mut findings) {
            let mut verdict = verdicts
                .get(finding.definition)
                .copied()
                .unwrap_or(Reachability::Reachable);
            // What the match sets up lives as long as the process (a schedule registered at
            // start), as in a project scan.
            if verdict == Reachability::Startup && finding.reported_at_startup {
                verdict = Reachability::Reachable;
            }
            finding.set_reachability(verdict);
            if !finding.is_doubtful() {
                findings.push(finding);
            } else {
                unreached.push(finding);
            }
        }
        let repeated = keep_first_per_file(&mut findings, &mut unreached, &suppressed);
        let role = if (facts.file_context.contains(&Context::Test) || placement == Placement::Test)
            && !self.include_tests
        {
            FileRole::Test
        } else if facts.file_context.contains(&Context::ClientSide)
            && matches!(doc.language, Language::JavaScript | Language::TypeScript)
        {
            // Browser code; a desktop app may embed the server it starts.
            FileRole::Client
        } else if placement == Placement::Client {
            // A .NET desktop app with no web server in its references, or a library only
            // such apps load: its generic host starts nothing a load balancer sends to. A
            // script in a front-end asset folder runs in the browser, whatever server
            // method names it shares (`this.cursor.run()`).
            FileRole::Client
        } else if facts.file_context.contains(&Context::Tooling)
            || facts.file_context.contains(&Context::ClientSide)
        {
            FileRole::Tool
        } else {
            match placement {
                Placement::OnceAtStart => FileRole::Startup,
                // A script only one-off package scripts run (a seeder, an operator's admin
                // task) is run by hand: it never launches the server, whatever the names it
                // mentions reach, like a developer's task runner.
                Placement::DevTasks | Placement::SeparateProgram(Program::PackageScript) => {
                    FileRole::DevTasks
                }
                Placement::Tooling | Placement::Client | Placement::SeparateProgram(_) => {
                    FileRole::Tool
                }
                Placement::Server | Placement::Test => FileRole::Server,
                Placement::Service => FileRole::Service,
            }
        };
        Outcome::Linted {
            findings,
            suppressed,
            unreached,
            repeated,
            warning,
            model: Box::new(FileModel {
                // Only reported (server) code mitigates: a test host's backplane proves nothing.
                mitigations: if reported_file {
                    self.matcher.project_mitigations(doc.language, facts)
                } else {
                    Vec::new()
                },
                optional_mitigations: if reported_file {
                    self.matcher.optional_mitigations(doc.language, facts)
                } else {
                    Vec::new()
                },
                // Nor does a test that registers a tracker as a singleton.
                registrations: if reported_file {
                    let evidence = self.matcher.project_evidence(doc.language, facts);
                    facts
                        .registrations
                        .iter()
                        .cloned()
                        .chain(evidence)
                        .collect()
                } else if role != FileRole::Test {
                    // What a helper is (a sleep, an interval) holds wherever its file runs:
                    // a shared module the browser also loads still sleeps for the server.
                    facts
                        .registrations
                        .iter()
                        .filter(|r| helper_nature(r))
                        .cloned()
                        .collect()
                } else {
                    Vec::new()
                },
                shared_calls: call_sites,
                // Nor do a test's calls say what production code passes.
                arg_flows: if reported_file {
                    let mut flows = facts.arg_flows.clone();
                    flows.sort_unstable();
                    flows.dedup();
                    flows
                } else {
                    Vec::new()
                },
                forwards: if reported_file {
                    facts.forwards.clone()
                } else {
                    Default::default()
                },
                ..FileModel::new(doc.language, doc.path, role, extracted.facts.definitions)
            }),
        }
    }
}

/// Whether a call writes content written out in the code: a write or append (its method's
/// name says so) whose content, the argument after the path, is a string literal
/// (`File.WriteAllText(path, "{}")`, `fs.writeFileSync(p, '')`). Such a write generates
/// nothing: every instance that makes it writes the same bytes.
pub fn writes_fixed_content(target: &str, args: &[crate::event::Arg]) -> bool {
    let method = target
        .rsplit(['.', ':'])
        .next()
        .unwrap_or(target)
        .to_ascii_lowercase();
    (method.contains("write") || method.contains("append"))
        && matches!(args.get(1), Some(crate::event::Arg::Str(_)))
}

/// A registration that says what a helper function is (`delay:sleep`, `interval:every`),
/// not what a file of the server does.
fn helper_nature(registration: &str) -> bool {
    registration.starts_with("delay:") || registration.starts_with("interval:")
}

/// How a resolved target is shown: JavaScript globals without the `globalThis.` prefix.
fn display_target(target: &str) -> &str {
    target.strip_prefix("globalThis.").unwrap_or(target)
}

fn skip_reason(doc: &Document<'_>) -> Option<String> {
    let name = doc.path.rsplit('/').next().unwrap_or(doc.path);
    if name.ends_with(".min.js") || name.ends_with(".min.mjs") || name.ends_with(".min.cjs") {
        return Some("minified file".into());
    }
    if is_generated_csharp_name(name) {
        return Some("generated file".into());
    }
    let first = doc.text.lines().next().unwrap_or("");
    if first.len() > MAX_LINE_LEN {
        return Some(format!(
            "minified or generated file (first line longer than {MAX_LINE_LEN} characters)"
        ));
    }
    let head: String = doc.text.lines().take(10).collect::<Vec<_>>().join("\n");
    let lower = head.to_ascii_lowercase();
    if doc.language == Language::CSharp
        && (lower.contains("<auto-generated") || lower.contains("<autogenerated"))
    {
        return Some("generated file (<auto-generated> header)".into());
    }
    None
}

/// The file names Roslyn's analyzers take for generated C# (compared without case):
/// `*.g.cs`, `*.g.i.cs`, `*.designer.cs`, `*.generated.cs`. A finding there is fixed in the
/// generator, and analyzers skip such files by default.
fn is_generated_csharp_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".g.cs", ".g.i.cs", ".designer.cs", ".generated.cs"]
        .iter()
        .any(|suffix| lower.ends_with(suffix))
}

/// The deepest bracket nesting, counted roughly (strings and comments are not excluded).
fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for b in text.bytes() {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Arg;

    #[test]
    fn fixed_content_is_a_literal_written() {
        let literal = [Arg::Other { path_like: true }, Arg::Str("{}".into())];
        assert!(writes_fixed_content(
            "System.IO.File.WriteAllTextAsync",
            &literal
        ));
        assert!(writes_fixed_content("fs.appendFileSync", &literal));
        // A value computed at run time, or a move to a literal path, generates or carries data.
        let computed = [
            Arg::Other { path_like: true },
            Arg::Other { path_like: false },
        ];
        assert!(!writes_fixed_content(
            "System.IO.File.WriteAllText",
            &computed
        ));
        assert!(!writes_fixed_content("System.IO.File.Move", &literal));
    }

    #[test]
    fn lints_an_in_memory_document() {
        let engine = Engine::new(&Catalogue::builtin().unwrap());
        let text = "const fs = require('fs');\nfs.writeFileSync('a.json', '{}');\n";
        let Some(Outcome::Linted {
            findings, warning, ..
        }) = engine.lint_text("src/a.js", text)
        else {
            panic!("linted");
        };
        assert_eq!(warning, None);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].rule_id, "node-fs-write");
        assert_eq!((findings[0].start_line, findings[0].start_column), (2, 1));
        assert_eq!(findings[0].fingerprint.len(), 16);
        assert!(engine.lint_text("README.md", text).is_none());
        let Some(Outcome::Linted { findings, .. }) = engine.lint_text("test/a.test.js", text)
        else {
            panic!("linted");
        };
        assert!(findings.is_empty(), "test code is not reported");
    }

    #[test]
    fn suppression_comments_silence_findings() {
        let engine = Engine::new(&Catalogue::builtin().unwrap());
        let text = "const fs = require('fs');\n\
            fs.writeFileSync('a', 'b'); // scaleout: ignore[node-fs-write] -- shared volume\n\
            // scaleout: ignore[local-disk-write] -- shared volume\n\
            fs.writeFileSync('c', 'd');\n\
            fs.writeFileSync('e', 'f'); // scaleout: ignore[node-cron] -- another rule\n\
            setInterval(tick, 1000);\n";
        let Some(Outcome::Linted {
            findings,
            suppressed,
            ..
        }) = engine.lint_text("src/a.js", text)
        else {
            panic!("linted");
        };
        let lines: Vec<(usize, &str)> = findings
            .iter()
            .map(|f| (f.start_line, f.rule_id.as_str()))
            .collect();
        assert_eq!(
            lines,
            [
                (5, "node-fs-write"),
                (5, "unused-suppression"),
                (6, "node-set-interval")
            ]
        );
        let silenced: Vec<(usize, Option<&str>)> = suppressed
            .iter()
            .map(|f| {
                let s = f.suppression.as_ref().expect("suppression set");
                (f.start_line, s.reason.as_deref())
            })
            .collect();
        assert_eq!(
            silenced,
            [(2, Some("shared volume")), (4, Some("shared volume"))]
        );
        let whole = format!("// scaleout: ignore-file[in-process-timer] -- CLI\n{text}");
        let Some(Outcome::Linted { findings, .. }) = engine.lint_text("src/a.js", &whole) else {
            panic!("linted");
        };
        let lines: Vec<(usize, &str)> = findings
            .iter()
            .map(|f| (f.start_line, f.rule_id.as_str()))
            .collect();
        assert_eq!(lines, [(6, "node-fs-write"), (6, "unused-suppression")]);
    }
}
