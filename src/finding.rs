//! The one finding model every output format renders.

use crate::catalogue::{Category, Severity};
use crate::reach::Reachability;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// One reported single-instance assumption. Field order is the JSON schema's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule that fired.
    pub rule_id: String,
    /// The rule's category.
    pub category: Category,
    /// The rule's severity.
    pub severity: Severity,
    /// What was found, naming the resolved API.
    pub message: String,
    /// The distributed replacement.
    pub alternative: String,
    /// The file, relative to the current directory when under it, with `/` separators.
    pub path: String,
    /// 1-based line of the start.
    pub start_line: usize,
    /// 1-based column of the start, in Unicode scalar values.
    pub start_column: usize,
    /// 1-based line of the end.
    pub end_line: usize,
    /// 1-based column just past the end, in Unicode scalar values.
    pub end_column: usize,
    /// The source line where the finding starts, trimmed.
    pub snippet: String,
    /// Stable identity across unrelated edits (see [`assign_fingerprints`]).
    pub fingerprint: String,
    /// The finding's source text with whitespace collapsed; input to the fingerprint.
    #[serde(skip)]
    pub normalized_source: String,
    /// Set when a suppression silenced this finding; such findings are kept apart
    /// from the reported ones (`ScanResult::suppressed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
    /// `low` when no server entry point reaches the finding's code (see `reachability`) or
    /// something else puts it in doubt (see `doubt`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
    /// Set when no server entry point reaches the finding's code: `startup`, `offline` or
    /// `unreferenced` (see [`crate::reach`]). Such findings are reported only on request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reachability: Option<Reachability>,
    /// Set when the finding's code is reached but what it writes is doubtful: a folder the
    /// user points an external program at (`external-folder`, severity `info`), a thin
    /// file-system wrapper (`wrapper`), a copy of a resource fetched over HTTP
    /// (`fetched-copy`), the removal of a copy of an object deleted from shared storage
    /// (`dropped-copy`), a cache entry written on a miss (`cached-copy`). Such findings are
    /// reported only on request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doubt: Option<Doubt>,
    /// Set when the finding's file operation only forwards paths its method's parameters give
    /// (see [`crate::reach::wrappers`]).
    #[serde(skip)]
    pub forwarded: Option<crate::event::Forwarded>,
    /// The definition the finding sits in (index into its file's symbol table), or
    /// [`NOT_CODE`].
    #[serde(skip)]
    pub definition: usize,
    /// Project facts of which some server file must supply one for the finding to stand
    /// (see [`crate::matcher::Match::requires`]); empty for a finding its file proves alone.
    #[serde(skip)]
    pub requires: Vec<String>,
    /// Project facts that, all supplied, make the finding go (see
    /// [`crate::matcher::Match::quiet_if`]).
    #[serde(skip)]
    pub quiet_if: Vec<String>,
    /// Project facts of which any one, supplied, makes the finding go (see
    /// [`crate::matcher::Match::quiet_if_any`]).
    #[serde(skip)]
    pub quiet_if_any: Vec<String>,
    /// The call's resolved target when the finding's call only prepares a place for later
    /// writes (creating a directory, see [`crate::matcher::Match::setup_call`]).
    #[serde(skip)]
    pub setup_call: Option<String>,
    /// The call's resolved target when what it does is over when it returns (see
    /// [`crate::matcher::Match::one_shot_call`]).
    #[serde(skip)]
    pub one_shot_call: Option<String>,
    /// The C# `partial` types of the finding's file when the finding stores a fetched copy
    /// only if the file is their sole part (see [`crate::frontend::fetched::fetchers`]): a
    /// project scan gives it [`Doubt::FetchedCopy`] when no other file declares one of them.
    #[serde(skip)]
    pub fetched_if_sole_part: Vec<String>,
    /// Whether the finding's rule reports only its first reached match in a file (see
    /// [`keep_first_per_file`]).
    #[serde(skip)]
    pub once_per_file: bool,
    /// Whether the finding's rule reports it also in start-up code (see
    /// [`crate::catalogue::Rule::reported_at_startup`]).
    #[serde(skip)]
    pub reported_at_startup: bool,
    /// Whether the finding's call writes content written out in the code (a string literal,
    /// `File.WriteAllText(path, "{}")`): it generates nothing, so every instance writes the
    /// same (see [`crate::engine::writes_fixed_content`]).
    #[serde(skip)]
    pub fixed_content: bool,
    /// With `--explain-reach` in a project scan: the path the project model's walk took from
    /// an entry point to the finding's code (see [`crate::reach::trace`]); empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reach_trace: Vec<crate::reach::trace::Step>,
}

/// The `definition` of a finding about something other than code (a suppression comment):
/// no definition, always reachable.
pub const NOT_CODE: usize = usize::MAX;

/// How sure scaleout is that a finding matters in a scaled-out deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// The code does not run in the server's request or job paths.
    Low,
}

/// Why a reached finding is of low confidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Doubt {
    /// The path is in a folder the user points an external program at, or in the user's
    /// media library: a watch or "blackhole" folder, recordings.
    ExternalFolder,
    /// A thin file-system wrapper's operation that no reached caller gives a path naming
    /// shared data.
    Wrapper,
    /// A write in a function that fetches a resource over HTTP: a local copy of data whose
    /// source of truth is elsewhere, which another instance fetches for itself (see
    /// [`crate::frontend::fetched`]).
    FetchedCopy,
    /// A removal of local files in a function that deletes an object from shared storage:
    /// this instance's copy of what is deleted everywhere (see [`crate::frontend::fetched`]).
    DroppedCopy,
    /// A write of a file whose path names a cache, which the function makes only after
    /// looking for that file: this instance's on-demand copy of derived or fetched data,
    /// which another instance makes for itself on a miss (see [`crate::frontend::cached`]).
    CachedCopy,
}

impl Doubt {
    /// The name used in output.
    pub fn name(self) -> &'static str {
        match self {
            Doubt::ExternalFolder => "external folder",
            Doubt::Wrapper => "file-system wrapper",
            Doubt::FetchedCopy => "fetched copy",
            Doubt::DroppedCopy => "dropped copy",
            Doubt::CachedCopy => "on-demand cache",
        }
    }
}

impl Finding {
    /// The message with a note when the finding is of low confidence:
    /// `... (low confidence: unreferenced code)`, `... (low confidence: external folder)`.
    pub fn message_with_reachability(&self) -> String {
        match (self.reachability, self.doubt) {
            (Some(r), _) => format!("{} (low confidence: {} code)", self.message, r.name()),
            (None, Some(d)) => format!("{} (low confidence: {})", self.message, d.name()),
            (None, None) => self.message.clone(),
        }
    }

    /// Adds to the message that the project makes the rule's mitigation (`call`) only in a
    /// branch its settings choose, which a scaled-out deployment must take.
    pub fn note_optional_mitigation(&mut self, call: &str) {
        let call = call.rsplit(['.', ':']).next().unwrap_or(call);
        self.message.push_str(&format!(
            "; the project's mitigation (`{call}`) runs only when a setting turns it on: \
             confirm that every deployment of more than one instance turns it on"
        ));
    }

    /// Says which call hands the timer wrapper of this finding work that is not only this
    /// instance's own (shared, or unknown) (see [`crate::reach::work`]): where to act on it.
    pub fn note_handed_work(&mut self, path: &str, line: usize) {
        self.message.push_str(&format!(
            "; the timer runs the callback its callers hand it, and the call at \
             {path}:{line} hands it work that is not only this instance's own"
        ));
    }

    /// The path of [`Finding::reach_trace`] as text, one step per line (empty without one):
    /// `reached (startup) through:` then `  path: name (how)`.
    pub fn reach_trace_text(&self) -> String {
        if self.reach_trace.is_empty() {
            return String::new();
        }
        let level = self.reachability.map_or("reachable", |r| r.name());
        let mut text = format!("reached ({level}) through:");
        for step in &self.reach_trace {
            text.push_str(&format!("\n  {}: {} ({})", step.path, step.name, step.how));
        }
        text
    }

    /// Records the reachability of the finding's code: reachable clears it, anything else
    /// marks the finding as of low confidence.
    pub fn set_reachability(&mut self, reach: Reachability) {
        if reach == Reachability::Reachable {
            self.reachability = None;
        } else {
            self.reachability = Some(reach);
        }
        self.confidence = self.is_doubtful().then_some(Confidence::Low);
    }

    /// Marks the finding as doubtful: low confidence; a write into an external folder is
    /// at most `info`.
    pub fn set_doubt(&mut self, doubt: Doubt) {
        self.doubt = Some(doubt);
        if doubt == Doubt::ExternalFolder {
            self.severity = Severity::Info;
        }
        self.confidence = Some(Confidence::Low);
    }

    /// Whether the finding is of low confidence: unreached code or a doubt. Such findings
    /// are reported only on request (`--show-all`).
    pub fn is_doubtful(&self) -> bool {
        self.reachability.is_some() || self.doubt.is_some()
    }
}

/// Why a finding is not reported although its rule matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// Where the suppression lives (SARIF's `suppression.kind`).
    pub kind: SuppressionKind,
    /// The text after `--` in the comment, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Where a suppression lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SuppressionKind {
    /// A `scaleout: ignore` comment in the source.
    InSource,
    /// Outside the source: a baseline file or configuration.
    External,
}

/// Sort key: path, line, column, rule.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.path, a.start_line, a.start_column, &a.rule_id).cmp(&(
            &b.path,
            b.start_line,
            b.start_column,
            &b.rule_id,
        ))
    });
}

/// Sets each fingerprint from (rule, path, normalised source text, occurrence index).
///
/// No line numbers, so moving code does not change it; the occurrence index tells
/// identical lines in one file apart. The hash is SHA-256 (fixed across platforms
/// and releases) of a versioned, NUL-separated record, truncated to 16 hex digits.
/// `findings` must already be sorted.
pub fn assign_fingerprints(findings: &mut [Finding]) {
    let mut occurrences: HashMap<(String, String, String), usize> = HashMap::new();
    for f in findings.iter_mut() {
        let key = (
            f.rule_id.clone(),
            f.path.clone(),
            f.normalized_source.clone(),
        );
        let index = occurrences.entry(key).or_default();
        let record = format!(
            "scaleout-fp-v1\0{}\0{}\0{}\0{}",
            f.rule_id, f.path, f.normalized_source, index
        );
        *index += 1;
        let digest = Sha256::digest(record.as_bytes());
        f.fingerprint = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    }
}

/// Keeps, for each rule reported once per file (`once_per_file`), the first reported match in
/// each file per set of registrations it needs, once reachability is known: an unreached
/// first match does not hide a reached later one. A suppressed match counts as the file's
/// one, and unreached matches of a rule the file already reports are dropped too. Both lists
/// must be sorted; returns the dropped findings.
pub fn keep_first_per_file(
    findings: &mut Vec<Finding>,
    unreached: &mut Vec<Finding>,
    suppressed: &[Finding],
) -> Vec<Finding> {
    let key = |f: &Finding| (f.path.clone(), f.rule_id.clone(), f.requires.clone());
    let mut taken: std::collections::HashSet<_> = suppressed
        .iter()
        .filter(|f| f.once_per_file)
        .map(key)
        .collect();
    let mut dropped = Vec::new();
    for list in [findings, unreached] {
        let (kept, repeated) = std::mem::take(list)
            .into_iter()
            .partition(|f| !f.once_per_file || taken.insert(key(f)));
        *list = kept;
        dropped.extend::<Vec<Finding>>(repeated);
    }
    dropped
}

/// Collapses runs of whitespace into one space.
pub fn normalize_source(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Category, Severity};

    fn finding(line: usize, source: &str) -> Finding {
        Finding {
            rule_id: "node-fs-write".into(),
            category: Category::LocalDiskWrite,
            severity: Severity::Warning,
            message: String::new(),
            alternative: String::new(),
            path: "src/a.js".into(),
            start_line: line,
            start_column: 1,
            end_line: line,
            end_column: 2,
            snippet: source.into(),
            fingerprint: String::new(),
            normalized_source: normalize_source(source),
            confidence: None,
            reachability: None,
            doubt: None,
            forwarded: None,
            definition: 0,
            requires: Vec::new(),
            quiet_if: Vec::new(),
            quiet_if_any: Vec::new(),
            setup_call: None,
            one_shot_call: None,
            fetched_if_sole_part: Vec::new(),
            once_per_file: false,
            reported_at_startup: false,
            fixed_content: false,
            reach_trace: Vec::new(),
            suppression: None,
        }
    }

    #[test]
    fn once_per_file_keeps_the_first_reached_match_per_file_and_registration() {
        let once = |line: usize, requires: &[&str]| Finding {
            once_per_file: true,
            reach_trace: Vec::new(),
            requires: requires.iter().map(|r| r.to_string()).collect(),
            ..finding(line, "cache.Remove(key);")
        };
        // The file's first match is unreached (start-up code): the reached one at line 3 stands.
        let mut findings = vec![
            once(3, &[]),
            once(4, &[]),
            once(5, &["Tracker"]),
            finding(6, "w"),
        ];
        let mut unreached = vec![once(1, &[]), once(2, &["Tracker"])];
        let dropped = keep_first_per_file(&mut findings, &mut unreached, &[]);
        let lines = |v: &[Finding]| v.iter().map(|f| f.start_line).collect::<Vec<_>>();
        assert_eq!(lines(&findings), [3, 5, 6]);
        assert_eq!(lines(&unreached), [] as [usize; 0]);
        assert_eq!(lines(&dropped), [4, 1, 2]);
        // A suppressed match is the file's one: nothing else of the rule is reported there.
        let mut findings = vec![once(3, &[])];
        let dropped = keep_first_per_file(&mut findings, &mut Vec::new(), &[once(9, &[])]);
        assert!(findings.is_empty());
        assert_eq!(lines(&dropped), [3]);
    }

    #[test]
    fn fingerprints_ignore_line_moves_and_whitespace_but_separate_repeats() {
        let mut a = vec![
            finding(3, "fs.writeFileSync(p,  d)"),
            finding(9, "fs.writeFileSync(p, d)"),
        ];
        assign_fingerprints(&mut a);
        let mut b = vec![
            finding(30, "fs.writeFileSync(p, d)"),
            finding(90, "fs.writeFileSync(p,\n d)"),
        ];
        assign_fingerprints(&mut b);
        assert_ne!(a[0].fingerprint, a[1].fingerprint);
        assert_eq!(a[0].fingerprint, b[0].fingerprint);
        assert_eq!(a[1].fingerprint, b[1].fingerprint);
        assert_eq!(a[0].fingerprint.len(), 16);
        // Fixed across releases and platforms: the hash is part of the baseline format.
        assert_eq!(a[0].fingerprint, "f00c8c07b484db8b");
    }
}
