//! Output formats. Each is a pure function from a scan's findings, errors and
//! summary to text.

pub mod concise;
pub mod github;
pub mod gitlab;
pub mod html;
pub mod human;
pub mod indexed_source;
pub mod json;
pub mod links;
pub mod rule_doc;
pub mod sarif;
pub mod statistics;

use crate::finding::Finding;
use crate::scan::ScanResult;
use std::collections::BTreeMap;

/// Counts for the summary line and the JSON `summary` object.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Files linted.
    pub files_scanned: usize,
    /// Findings reported.
    pub findings: usize,
    /// Findings per category id.
    pub by_category: BTreeMap<&'static str, usize>,
    /// Findings per severity.
    pub by_severity: BTreeMap<&'static str, usize>,
}

impl Summary {
    /// Counts `findings` of a scan over `files_scanned` files.
    pub fn new(findings: &[Finding], files_scanned: usize) -> Self {
        let mut s = Summary {
            files_scanned,
            findings: findings.len(),
            ..Summary::default()
        };
        for f in findings {
            *s.by_category.entry(f.category.name()).or_default() += 1;
            *s.by_severity.entry(f.severity.name()).or_default() += 1;
        }
        s
    }
}

/// A finding's message followed by its alternative, for formats with one text field.
pub fn message_with_alternative(finding: &Finding) -> String {
    format!(
        "{}. Instead: {}",
        finding.message.trim_end_matches('.'),
        finding.alternative
    )
}

/// One line for stderr: counts of findings by severity, files and errors.
pub fn summary_line(result: &ScanResult) -> String {
    let summary = Summary::new(&result.findings, result.files_scanned);
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut line = if summary.findings == 0 {
        "scaleout: no findings".to_string()
    } else {
        let by: Vec<String> = summary
            .by_severity
            .iter()
            .rev()
            .map(|(sev, n)| format!("{n} {sev}"))
            .collect();
        let files: std::collections::BTreeSet<&str> =
            result.findings.iter().map(|f| f.path.as_str()).collect();
        format!(
            "scaleout: {} ({}) in {}",
            plural(summary.findings, "finding"),
            by.join(", "),
            plural(files.len(), "file")
        )
    };
    if !result.unreachable.is_empty() {
        let doubts = result
            .unreachable
            .iter()
            .filter(|f| f.reachability.is_none())
            .count();
        let unreached = result.unreachable.len() - doubts;
        let mut parts = Vec::new();
        if unreached > 0 {
            parts.push(format!(
                "+{unreached} in start-up, offline or unreferenced code"
            ));
        }
        if doubts > 0 {
            parts.push(format!(
                "+{doubts} in external folders, wrappers or local copies"
            ));
        }
        line.push_str(&format!(" ({}: --show-all)", parts.join(", ")));
    }
    line.push_str(&format!(
        "; {} scanned",
        plural(result.files_scanned, "file")
    ));
    if result.files_skipped > 0 {
        line.push_str(&format!(
            ", {} skipped (minified or generated)",
            result.files_skipped
        ));
    }
    if !result.errors.is_empty() {
        line.push_str(&format!(
            ", {} with errors",
            plural(result.errors.len(), "file")
        ));
    }
    line
}
