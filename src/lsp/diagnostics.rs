//! Findings as LSP diagnostics: rule id as `code`, the rule's documentation link,
//! severity from the rule, the alternative in the message, UTF-16 ranges.

use super::utf16;
use crate::catalogue::{Catalogue, Severity};
use crate::finding::Finding;
use crate::position::LineIndex;
use lsp_types::{CodeDescription, Diagnostic, DiagnosticSeverity, NumberOrString, Range};

/// The `source` of every diagnostic.
pub const SOURCE: &str = "scaleout";

/// A finding with its range in the document it was found in.
#[derive(Debug, Clone)]
pub struct Flagged {
    /// The finding as the engine reported it.
    pub finding: Finding,
    /// Where it is, in LSP positions.
    pub range: Range,
}

/// Locates each finding in `text` in LSP positions.
pub fn flag(findings: Vec<Finding>, text: &str) -> Vec<Flagged> {
    let index = LineIndex::new(text);
    findings
        .into_iter()
        .map(|finding| {
            let start = utf16::position(&index, text, finding.start_line, finding.start_column);
            let end = utf16::position(&index, text, finding.end_line, finding.end_column);
            Flagged {
                finding,
                range: Range::new(start, end),
            }
        })
        .collect()
}

/// The diagnostic for one flagged finding.
pub fn diagnostic(flagged: &Flagged, catalogue: &Catalogue) -> Diagnostic {
    let f = &flagged.finding;
    let href = catalogue
        .get(&f.rule_id)
        .and_then(|rule| rule.help_uri().parse().ok())
        .map(|href| CodeDescription { href });
    Diagnostic {
        range: flagged.range,
        severity: Some(severity(f.severity)),
        code: Some(NumberOrString::String(f.rule_id.clone())),
        code_description: href,
        source: Some(SOURCE.to_string()),
        message: format!("{}\nInstead: {}", f.message, f.alternative),
        related_information: None,
        tags: None,
        data: None,
    }
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}
