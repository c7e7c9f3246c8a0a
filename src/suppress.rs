//! Inline suppressions: comments that silence findings on purpose, with a reason.
//!
//! ```text
//! fs.writeFileSync(p, d); // scaleout: ignore[node-fs-write] -- volume shared by all pods
//! // scaleout: ignore[in-process-timer] -- per-instance cache refresh
//! setInterval(refresh, 60_000);
//! // scaleout: ignore-file[local-disk-write] -- CLI, never deployed
//! ```
//!
//! A comment on the finding's first line or on the line above silences it, and so does a
//! suppression comment higher up in an unbroken run of suppression-only lines directly above
//! it; `ignore-file` anywhere in the file silences the whole file. The brackets name rule ids
//! or categories; without brackets every rule is silenced. The same comment syntax (`//`,
//! `/* */`, and `{/* */}` in JSX) serves all four languages and the JSON and Prisma
//! configuration files. XML configuration files use `<!-- scaleout: ignore[...] reason -->`: XML comments cannot hold
//! `--`, so the reason is the rest of the comment.
//!
//! [`Suppressions`] also remembers which comment silenced what, so that comments that silence
//! nothing, name no known rule, or give no reason can be reported ([`Suppressions::problems`]).

use crate::catalogue::{Catalogue, Rule};
use crate::finding::{normalize_source, Finding, Suppression, SuppressionKind};
use crate::position::LineIndex;
use std::collections::{BTreeMap, BTreeSet};

/// The rule that reports comments that silence nothing or name an unknown rule.
pub const UNUSED_RULE: &str = "unused-suppression";
/// The rule that reports comments without a reason (only when reasons are required).
pub const NO_REASON_RULE: &str = "suppression-without-reason";

/// The marker that starts a suppression inside a comment.
pub const MARKER: &str = "scaleout:";

/// One parsed suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Directive {
    /// `ignore-file` rather than `ignore`.
    whole_file: bool,
    /// Rule ids or categories; empty means every rule.
    names: Vec<String>,
    /// The text after `--`, if any.
    reason: Option<String>,
    /// Nothing but this comment on its line.
    standalone: bool,
    /// Byte offset of the comment in its line.
    column: usize,
}

impl Directive {
    /// Which name covers `finding` (`Some(None)` for a directive without names).
    fn covering_name(&self, finding: &Finding) -> Option<Option<usize>> {
        if self.names.is_empty() {
            return Some(None);
        }
        self.names
            .iter()
            .position(|n| *n == finding.rule_id || n == finding.category.name())
            .map(Some)
    }
}

/// Parses the directive in a line's comment, if any.
fn directive(line: &str) -> Option<Directive> {
    let at = line.find(MARKER)?;
    let before = &line[..at];
    let comment = before.rfind("//").or_else(|| before.rfind("/*"));
    let xml_start = before
        .rfind("<!--")
        .filter(|&x| comment.is_none_or(|c| c < x));
    let xml = xml_start.is_some();
    let column = xml_start.or(comment)?;
    let rest = line[at + MARKER.len()..].trim_start();
    let (whole_file, rest) = if let Some(r) = rest.strip_prefix("ignore-file") {
        (true, r)
    } else {
        (false, rest.strip_prefix("ignore")?)
    };
    let (names, after) = match rest.strip_prefix('[') {
        Some(inner) => {
            let (list, after) = inner.split_once(']').unwrap_or((inner, ""));
            let names = list
                .split(',')
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty())
                .collect();
            (names, after)
        }
        None if rest.is_empty() || rest.starts_with(char::is_whitespace) => (Vec::new(), rest),
        None => return None,
    };
    // XML comments cannot hold `--`: there the reason is the rest of the comment.
    let reason = if xml {
        let r = after.trim().trim_end_matches("-->");
        Some(r.strip_prefix("--").unwrap_or(r))
    } else {
        after.split_once("--").map(|(_, r)| r)
    };
    let reason = reason
        .map(|r| r.split("*/").next().unwrap_or("").trim().to_string())
        .filter(|r| !r.is_empty());
    let before = line[..column].trim();
    Some(Directive {
        whole_file,
        names,
        reason,
        standalone: before.is_empty() || before == "{",
        column,
    })
}

/// A problem with one suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line of the comment.
    pub line: usize,
    /// Byte offset of the comment in the line.
    pub column: usize,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// What is wrong with a suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// It silenced nothing; the name in the brackets, if it had names.
    Unused(Option<String>),
    /// A name in the brackets is no rule id or category.
    Unknown(String),
    /// No `-- reason`.
    MissingReason,
}

impl ProblemKind {
    /// The text that replaces `{target}` in the reporting rule's message.
    pub fn detail(&self, whole_file: bool) -> String {
        let scope = if whole_file {
            "in this file"
        } else {
            "on this line or the next"
        };
        match self {
            ProblemKind::Unused(None) => format!("silences no finding {scope}"),
            ProblemKind::Unused(Some(name)) => {
                format!("names `{name}`, but no `{name}` finding is {scope}")
            }
            ProblemKind::Unknown(name) => {
                format!("names `{name}`, which is no rule id or category")
            }
            ProblemKind::MissingReason => "gives no reason after `--`".to_string(),
        }
    }
}

/// A suppression comment over a line, kept for a finding made there later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineSuppression {
    names: Vec<String>,
    reason: Option<String>,
}

impl LineSuppression {
    /// The suppression it gives a finding of `rule_id` in `category`, when it names either
    /// or nothing.
    pub fn silences(&self, rule_id: &str, category: &str) -> Option<Suppression> {
        (self.names.is_empty() || self.names.iter().any(|n| n == rule_id || n == category)).then(
            || Suppression {
                kind: SuppressionKind::InSource,
                reason: self.reason.clone(),
            },
        )
    }
}

/// The suppression comments of one file and what each has silenced so far.
#[derive(Debug, Default)]
pub struct Suppressions {
    /// By line (1-based).
    directives: BTreeMap<usize, Directive>,
    /// Per line, which names were used (one slot for a directive without names).
    used: BTreeMap<usize, Vec<bool>>,
}

impl Suppressions {
    /// Finds the suppression comments in `text`.
    pub fn parse(text: &str) -> Self {
        let mut s = Suppressions::default();
        if !text.contains(MARKER) {
            return s;
        }
        for (i, line) in text.lines().enumerate() {
            if let Some(d) = directive(line) {
                s.used.insert(i + 1, vec![false; d.names.len().max(1)]);
                s.directives.insert(i + 1, d);
            }
        }
        s
    }

    /// Whether the file has no suppression comment.
    pub fn is_empty(&self) -> bool {
        self.directives.is_empty()
    }

    /// The directive (line, name slot) that silences `finding`: on its line, the line above,
    /// further up through a run of suppression-only lines, else a file-wide one.
    fn cover(&self, finding: &Finding) -> Option<(usize, usize)> {
        self.cover_line(finding.start_line, |d| d.covering_name(finding))
    }

    /// The directive (line, name slot) that `pick` accepts for code starting on `start`.
    fn cover_line(
        &self,
        start: usize,
        pick: impl Fn(&Directive) -> Option<Option<usize>>,
    ) -> Option<(usize, usize)> {
        let local = |line: usize| {
            let d = self.directives.get(&line).filter(|d| !d.whole_file)?;
            pick(d).map(|slot| (line, slot.unwrap_or(0)))
        };
        if let Some(at) = local(start) {
            return Some(at);
        }
        let mut line = start;
        while line > 1 {
            line -= 1;
            let Some(d) = self.directives.get(&line) else {
                break;
            };
            if let Some(at) = local(line) {
                return Some(at);
            }
            if !d.standalone {
                break;
            }
        }
        self.directives.iter().find_map(|(&l, d)| {
            d.whole_file
                .then(|| pick(d))
                .flatten()
                .map(|slot| (l, slot.unwrap_or(0)))
        })
    }

    fn mark(&mut self, (line, slot): (usize, usize)) {
        if let Some(used) = self.used.get_mut(&line).and_then(|u| u.get_mut(slot)) {
            *used = true;
        }
    }

    /// Removes the findings a comment covers and returns them, each with its [`Suppression`].
    pub fn silence(&mut self, findings: &mut Vec<Finding>) -> Vec<Finding> {
        if self.is_empty() {
            return Vec::new();
        }
        let mut suppressed = Vec::new();
        for mut f in std::mem::take(findings) {
            match self.cover(&f) {
                Some(at) => {
                    self.mark(at);
                    f.suppression = Some(Suppression {
                        kind: SuppressionKind::InSource,
                        reason: self.directives[&at.0].reason.clone(),
                    });
                    suppressed.push(f);
                }
                None => findings.push(f),
            }
        }
        suppressed
    }

    /// The comment that covers code starting on `line`, whatever it names, marked as used:
    /// a call that hands a path to a file-system wrapper carries the wrapper's finding only
    /// after every file is linted ([`crate::reach::wrappers`]), which then asks
    /// [`LineSuppression::silences`].
    pub fn covering_line(&mut self, line: usize) -> Option<LineSuppression> {
        let at = self.cover_line(line, |_| Some(None))?;
        if let Some(used) = self.used.get_mut(&at.0) {
            used.iter_mut().for_each(|u| *u = true);
        }
        let d = &self.directives[&at.0];
        Some(LineSuppression {
            names: d.names.clone(),
            reason: d.reason.clone(),
        })
    }

    /// Records that the comments covering `findings` were used, without reporting them
    /// (findings dropped for their context, such as test code, still use a comment).
    pub fn mark_used(&mut self, findings: &[Finding]) {
        for f in findings {
            if let Some(at) = self.cover(f) {
                self.mark(at);
            }
        }
    }

    /// Comments that silenced nothing, name an unknown rule or category (`known` says which
    /// names exist), or, with `require_reason`, give no reason; in line order. Each comes
    /// with whether the comment is file-wide.
    pub fn problems(
        &self,
        known: impl Fn(&str) -> bool,
        require_reason: bool,
    ) -> Vec<(Problem, bool)> {
        let mut out = Vec::new();
        for (&line, d) in &self.directives {
            let mut push = |kind| {
                out.push((
                    Problem {
                        line,
                        column: d.column,
                        kind,
                    },
                    d.whole_file,
                ))
            };
            let used = &self.used[&line];
            if d.names.is_empty() && !used[0] {
                push(ProblemKind::Unused(None));
            }
            for (name, &was_used) in d.names.iter().zip(used) {
                if !known(name) {
                    push(ProblemKind::Unknown(name.clone()));
                } else if !was_used {
                    push(ProblemKind::Unused(Some(name.clone())));
                }
            }
            if require_reason && d.reason.is_none() {
                push(ProblemKind::MissingReason);
            }
        }
        out
    }
}

/// Turns [`Problem`]s into findings of the `suppression` rules ([`UNUSED_RULE`],
/// [`NO_REASON_RULE`]); their texts and severities come from the rule files.
#[derive(Debug, Default)]
pub struct SuppressionAudit {
    unused: Option<Rule>,
    no_reason: Option<Rule>,
    /// Rule ids and category names a comment may name.
    known: BTreeSet<String>,
    /// Report comments without a reason.
    pub require_reason: bool,
}

impl SuppressionAudit {
    /// The audit for the rules of `catalogue`.
    pub fn new(catalogue: &Catalogue) -> Self {
        let mut known = BTreeSet::new();
        for rule in catalogue.rules() {
            known.insert(rule.id.clone());
            known.insert(rule.category.name().to_string());
        }
        SuppressionAudit {
            unused: catalogue.get(UNUSED_RULE).cloned(),
            no_reason: catalogue.get(NO_REASON_RULE).cloned(),
            known,
            require_reason: false,
        }
    }

    /// The findings for the problems of `suppressions` in the file at `path` (sorted, without
    /// fingerprints).
    pub fn findings(
        &self,
        suppressions: &Suppressions,
        path: &str,
        text: &str,
        index: &LineIndex,
    ) -> Vec<Finding> {
        let problems = suppressions.problems(|n| self.known.contains(n), self.require_reason);
        let mut out = Vec::new();
        for (problem, whole_file) in problems {
            let rule = match problem.kind {
                ProblemKind::MissingReason => &self.no_reason,
                _ => &self.unused,
            };
            let Some(rule) = rule else { continue };
            let line = index.line_text(text, problem.line);
            let comment = line.get(problem.column..).unwrap_or(line).trim_end();
            let start = index.offset_of(text, problem.line, 0) + problem.column;
            let (start_line, start_column) = index.line_col(text, start);
            let (end_line, end_column) = index.line_col(text, start + comment.len());
            let detail = problem.kind.detail(whole_file);
            out.push(Finding {
                rule_id: rule.id.clone(),
                category: rule.category,
                severity: rule.severity,
                message: rule.message.replace("{target}", &detail),
                alternative: rule.alternative.clone(),
                path: path.to_string(),
                start_line,
                start_column,
                end_line,
                end_column,
                snippet: line.trim().to_string(),
                fingerprint: String::new(),
                normalized_source: format!("{} {detail}", normalize_source(comment)),
                suppression: None,
                confidence: None,
                reachability: None,
                doubt: None,
                forwarded: None,
                // About a comment, not code: always reported.
                definition: crate::finding::NOT_CODE,
                requires: Vec::new(),
                setup_call: None,
                one_shot_call: None,
                fetched_if_sole_part: Vec::new(),
                once_per_file: false,
                quiet_if: Vec::new(),
                quiet_if_any: Vec::new(),
                reported_at_startup: false,
                fixed_content: false,
                reach_trace: Vec::new(),
            });
        }
        crate::finding::sort(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Category, Severity};

    #[test]
    fn a_comment_over_a_line_silences_later_findings_it_names() {
        let text = "a();\n// scaleout: ignore[dotnet-file-write] -- settings live on a shared volume\nb();\nc();\n";
        let mut s = Suppressions::parse(text);
        assert!(s.covering_line(4).is_none());
        let over = s.covering_line(3).expect("the comment above covers line 3");
        let silenced = over.silences("dotnet-file-write", "local-disk-write");
        assert_eq!(
            silenced.and_then(|s| s.reason).as_deref(),
            Some("settings live on a shared volume")
        );
        assert!(over.silences("dotnet-timer", "in-process-timer").is_none());
        // Marked as used: the audit does not call it unused.
        assert!(s.used[&2].iter().all(|u| *u));
    }

    #[test]
    fn parses_directives() {
        let d =
            directive("x(); // scaleout: ignore[node-fs-write, in-process-timer] -- shared volume");
        assert_eq!(
            d,
            Some(Directive {
                whole_file: false,
                names: vec!["node-fs-write".into(), "in-process-timer".into()],
                reason: Some("shared volume".into()),
                standalone: false,
                column: 5,
            })
        );
        assert_eq!(
            directive("/* scaleout: ignore-file -- CLI */"),
            Some(Directive {
                whole_file: true,
                names: vec![],
                reason: Some("CLI".into()),
                standalone: true,
                column: 0,
            })
        );
        let jsx = directive("  {/* scaleout: ignore[node-fs-write] -- why */}").unwrap();
        assert_eq!((jsx.reason.as_deref(), jsx.standalone), (Some("why"), true));
        assert_eq!(directive("let s = \"scaleout: ignore\";"), None);
        assert_eq!(directive("// scaleout: ignored"), None);
        assert_eq!(
            directive("<target /> <!-- scaleout: ignore[dotnet-file-logger] EFS volume -->"),
            Some(Directive {
                whole_file: false,
                names: vec!["dotnet-file-logger".into()],
                reason: Some("EFS volume".into()),
                standalone: false,
                column: 11,
            })
        );
        assert_eq!(
            directive("<!-- scaleout: ignore-file -->"),
            Some(Directive {
                whole_file: true,
                names: vec![],
                reason: None,
                standalone: true,
                column: 0,
            })
        );
    }

    fn finding(line: usize, rule: &str) -> Finding {
        Finding {
            rule_id: rule.into(),
            category: Category::LocalDiskWrite,
            severity: Severity::Warning,
            message: String::new(),
            alternative: String::new(),
            path: "a.js".into(),
            start_line: line,
            start_column: 1,
            end_line: line,
            end_column: 2,
            snippet: String::new(),
            fingerprint: String::new(),
            normalized_source: String::new(),
            suppression: None,
            confidence: None,
            reachability: None,
            doubt: None,
            forwarded: None,
            definition: 0,
            requires: Vec::new(),
            setup_call: None,
            one_shot_call: None,
            fetched_if_sole_part: Vec::new(),
            once_per_file: false,
            quiet_if: Vec::new(),
            quiet_if_any: Vec::new(),
            reported_at_startup: false,
            fixed_content: false,
            reach_trace: Vec::new(),
        }
    }

    #[test]
    fn stacked_comments_cover_the_line_below_and_unused_names_are_problems() {
        let text = "// scaleout: ignore[a] -- one\n// scaleout: ignore[b, c]\nwrite();\nf(); // scaleout: ignore[d] -- x\nwrite();\n\nwrite();\n";
        let mut s = Suppressions::parse(text);
        let mut findings = vec![
            finding(3, "a"),
            finding(3, "b"),
            finding(5, "d"),
            finding(7, "d"),
        ];
        let silenced = s.silence(&mut findings);
        let lines: Vec<usize> = findings.iter().map(|f| f.start_line).collect();
        assert_eq!(lines, [7]);
        assert_eq!(silenced.len(), 3);
        let problems: Vec<ProblemKind> = s
            .problems(|n| n != "c", true)
            .into_iter()
            .map(|(p, _)| p.kind)
            .collect();
        assert_eq!(
            problems,
            [ProblemKind::Unknown("c".into()), ProblemKind::MissingReason]
        );
    }
}
