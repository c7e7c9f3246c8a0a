//! Baselines: record today's findings once (`--write-baseline FILE`), then report only new
//! ones (`--baseline FILE`).
//!
//! The file is JSON with one entry per line, sorted by path, rule and fingerprint, so that it
//! reads well in a diff:
//!
//! ```text
//! {
//!   "scaleout_baseline": 1,
//!   "findings": [
//!     {"fingerprint": "a66ba21462b9a226", "rule_id": "node-fs-write", "path": "src/upload.js", "message": "..."}
//!   ]
//! }
//! ```
//!
//! Entries match findings by fingerprint alone ([`crate::finding::assign_fingerprints`]: rule,
//! path, normalised source text, occurrence index), so they survive edits elsewhere in the file
//! and reformatting; a moved or renamed file's findings are new. Baselined findings move from
//! [`ScanResult::findings`] to [`ScanResult::suppressed`] (kind `external`) before any format is
//! rendered.

use crate::finding::{sort, Finding, Suppression, SuppressionKind};
use crate::scan::ScanResult;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The version written into and required from baseline files.
pub const VERSION: u32 = 1;

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    /// The finding's fingerprint: what matching uses.
    pub fingerprint: String,
    /// For people reading the file: the rule.
    pub rule_id: String,
    /// For people reading the file (and to tell stale entries): the file.
    pub path: String,
    /// For people reading the file: the message.
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    scaleout_baseline: u32,
    findings: Vec<Entry>,
}

/// The recorded findings of a baseline file.
#[derive(Debug, Default)]
pub struct Baseline {
    entries: BTreeMap<String, Entry>,
}

/// What applying a baseline did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Findings left out because the baseline has them.
    pub baselined: usize,
    /// Entries whose finding is gone: their file was scanned (or no longer exists) and has no
    /// finding with that fingerprint. Sorted by path, rule and fingerprint.
    pub stale: Vec<Entry>,
}

/// The baseline file text for `findings`.
pub fn render(findings: &[Finding]) -> String {
    let mut entries: Vec<(&str, &str, &str, &str)> = findings
        .iter()
        .map(|f| {
            (
                f.path.as_str(),
                f.rule_id.as_str(),
                f.fingerprint.as_str(),
                f.message.as_str(),
            )
        })
        .collect();
    entries.sort();
    entries.dedup();
    let lines: Vec<String> = entries
        .into_iter()
        .map(|(path, rule_id, fingerprint, message)| {
            let entry = Entry {
                fingerprint: fingerprint.into(),
                rule_id: rule_id.into(),
                path: path.into(),
                message: message.into(),
            };
            format!("    {}", serde_json::to_string(&entry).unwrap_or_default())
        })
        .collect();
    format!(
        "{{\n  \"scaleout_baseline\": {VERSION},\n  \"findings\": [\n{}{}  ]\n}}\n",
        lines.join(",\n"),
        if lines.is_empty() { "" } else { "\n" }
    )
}

impl Baseline {
    /// Parses a baseline file's text; the error says what is wrong.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let file: File = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if file.scaleout_baseline != VERSION {
            return Err(format!(
                "baseline version {} is not supported (this scaleout reads version {VERSION})",
                file.scaleout_baseline
            ));
        }
        let entries = file
            .findings
            .into_iter()
            .map(|e| (e.fingerprint.clone(), e))
            .collect();
        Ok(Baseline { entries })
    }

    /// Moves the findings the baseline has into `result.suppressed` (kind `external`, the
    /// reason naming `shown`) and finds stale entries. `scanned` holds the paths of the files
    /// this scan linted; entries for other files are stale only when the file is gone
    /// (paths relative to `cwd`).
    pub fn apply(
        &self,
        result: &mut ScanResult,
        shown: &str,
        scanned: &BTreeSet<String>,
        cwd: &Path,
    ) -> Applied {
        let mut applied = Applied::default();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for f in result.findings.iter().chain(&result.suppressed) {
            if let Some(entry) = self.entries.get(&f.fingerprint) {
                seen.insert(&entry.fingerprint);
            }
        }
        let mut stale: Vec<Entry> = self
            .entries
            .values()
            .filter(|e| !seen.contains(e.fingerprint.as_str()))
            .filter(|e| scanned.contains(&e.path) || !cwd.join(&e.path).exists())
            .cloned()
            .collect();
        stale.sort_by(|a, b| {
            (&a.path, &a.rule_id, &a.fingerprint).cmp(&(&b.path, &b.rule_id, &b.fingerprint))
        });
        applied.stale = stale;
        let (old, new): (Vec<Finding>, Vec<Finding>) = std::mem::take(&mut result.findings)
            .into_iter()
            .partition(|f| self.entries.contains_key(&f.fingerprint));
        result.findings = new;
        applied.baselined = old.len();
        result.suppressed.extend(old.into_iter().map(|mut f| {
            f.suppression = Some(Suppression {
                kind: SuppressionKind::External,
                reason: Some(format!("in baseline {shown}")),
            });
            f
        }));
        sort(&mut result.suppressed);
        applied
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_baseline_round_trips() {
        let text = render(&[]);
        assert_eq!(
            text,
            "{\n  \"scaleout_baseline\": 1,\n  \"findings\": [\n  ]\n}\n"
        );
        assert!(Baseline::parse(&text).unwrap().entries.is_empty());
        assert!(
            Baseline::parse("{\"scaleout_baseline\": 2, \"findings\": []}")
                .unwrap_err()
                .contains("version 2")
        );
    }
}
