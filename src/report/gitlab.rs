//! The GitLab format: a Code Quality report, the CodeClimate subset GitLab reads from a
//! `codequality` artifact (GitLab docs, "Code Quality report format"): a JSON array of
//! `{description, check_name, fingerprint, severity, location{path, lines{begin, end}}}`.
//!
//! Severities map like ruff's: info → `info`, warning → `minor`, error → `major`. GitLab
//! does not show `check_name`, so the description starts with the rule id. Fingerprints
//! are the findings' own, made unique if two ever collide.

use crate::catalogue::Severity;
use crate::finding::Finding;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// Renders the findings as one Code Quality JSON array.
pub fn render(findings: &[Finding]) -> String {
    let mut seen = BTreeSet::new();
    let issues: Vec<Issue> = findings
        .iter()
        .map(|f| Issue {
            description: format!("[{}] {}", f.rule_id, super::message_with_alternative(f)),
            check_name: &f.rule_id,
            fingerprint: unique(&f.fingerprint, &mut seen),
            severity: match f.severity {
                Severity::Info => "info",
                Severity::Warning => "minor",
                Severity::Error => "major",
            },
            location: Location {
                path: &f.path,
                lines: Lines {
                    begin: f.start_line,
                    end: f.end_line,
                },
            },
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_default();
    out.push('\n');
    out
}

/// `fingerprint`, or a hash of it chained until unused: GitLab drops issues whose
/// fingerprints repeat.
fn unique(fingerprint: &str, seen: &mut BTreeSet<String>) -> String {
    let mut candidate = fingerprint.to_string();
    while !seen.insert(candidate.clone()) {
        let digest = Sha256::digest(candidate.as_bytes());
        candidate = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colliding_fingerprints_are_made_unique_deterministically() {
        let mut seen = BTreeSet::new();
        let a = unique("00000000000000aa", &mut seen);
        let b = unique("00000000000000aa", &mut seen);
        let c = unique("00000000000000aa", &mut seen);
        assert_eq!(a, "00000000000000aa");
        assert_ne!(a, b);
        assert_ne!(b, c);
        assert_eq!(b.len(), 16);
        let mut again = BTreeSet::new();
        unique("00000000000000aa", &mut again);
        assert_eq!(unique("00000000000000aa", &mut again), b);
    }
}
