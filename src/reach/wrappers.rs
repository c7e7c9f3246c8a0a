//! Thin file-system wrappers judged at their callers.
//!
//! A general file-system layer (`ManagedFileSystem.DeleteFile(string path)`,
//! `DiskProvider.WriteAllText(string filename, ..)`) writes whatever its callers ask for: a
//! settings file, a backup, a media file in the user's library, a scratch file. Its own file
//! operation says nothing about whose file that is. The frontend marks such an operation
//! when its paths come only from its method's parameters
//! ([`crate::event::Forwarded`]: the method's name and the parameter positions) and records
//! every call of the project's own methods that passes a path naming shared data
//! ([`crate::event::SharedPathCall`]: `_disk.WriteAllText(_configFile, xml)`).
//!
//! After reachability, [`judge`] moves a wrapper's finding to its callers: each reached call
//! of a method of that name with shared data at one of those positions, whose receiver's
//! name fits the wrapper's type (`_diskProvider.WriteAllText(..)` for
//! `DiskProviderBase.WriteAllText`; an unqualified call always does), gets the finding, with
//! the wrapper named in its message; the wrapper's own operation is of low confidence
//! ([`Doubt::Wrapper`]), shown with `--show-all`. Names over-approximate, as in the call
//! graph. One index of (method, position) over all recorded calls, one lookup per finding:
//! linear in calls plus findings.

use super::{FileModel, Reachability, ANY_RECEIVER};
use crate::event::{Definition, Forwarded, SharedPathCall};
use crate::finding::{assign_fingerprints, normalize_source, Doubt, Finding};
use crate::position::LineIndex;
use crate::suppress::{LineSuppression, Suppressions};
use std::collections::{HashMap, HashSet};

/// A call that passes a path naming shared data, placed in its file: where a wrapper's
/// finding is reported when the call reaches the wrapper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallSite {
    /// The innermost definition around the call.
    pub definition: usize,
    /// The called method's simple name.
    pub method: String,
    /// The argument position of the shared path.
    pub index: usize,
    /// The last name of the call's receiver, when it has one.
    pub receiver: Option<String>,
    /// The file, as findings name it.
    pub path: String,
    /// 1-based line and column of the start and of the end.
    pub start: (usize, usize),
    /// See `start`.
    pub end: (usize, usize),
    /// The source line where the call starts, trimmed.
    pub snippet: String,
    /// The call's text with whitespace collapsed (the fingerprint's input).
    pub normalized_source: String,
    /// The suppression comment over the call, if any.
    pub suppression: Option<LineSuppression>,
}

/// A file's shared-path calls placed in `text` (the file at `path`), each with the comment
/// that suppresses findings on its line.
pub fn call_sites(
    definitions: &[Definition],
    calls: &[SharedPathCall],
    path: &str,
    text: &str,
    index: &LineIndex,
    suppressions: &mut Suppressions,
) -> Vec<CallSite> {
    calls
        .iter()
        .map(|c| {
            let start = index.line_col(text, c.span.start);
            CallSite {
                definition: super::innermost(definitions, c.at),
                method: c.method.clone(),
                index: c.index,
                receiver: c.receiver.clone(),
                path: path.to_string(),
                start,
                end: index.line_col(text, c.span.end),
                snippet: index.line_text(text, start.0).trim().to_string(),
                normalized_source: normalize_source(text.get(c.span.clone()).unwrap_or("")),
                suppression: suppressions.covering_line(start.0),
            }
        })
        .collect()
}

/// Marks the reached wrapper findings of `judged` (file index, finding) as of low confidence
/// and adds their findings at the reached calls that give them shared data. `verdicts` are
/// [`super::solve`]'s.
pub fn judge(
    models: &[FileModel],
    verdicts: &[Vec<Reachability>],
    judged: &mut Vec<(usize, Finding)>,
) {
    let reached = |file: usize, definition: usize| {
        verdicts
            .get(file)
            .and_then(|v| v.get(definition))
            .is_none_or(|v| *v == Reachability::Reachable)
    };
    let mut sites: HashMap<(&str, usize), Vec<(usize, &CallSite)>> = HashMap::new();
    for (f, model) in models.iter().enumerate() {
        for site in &model.shared_calls {
            if reached(f, site.definition) {
                sites
                    .entry((site.method.as_str(), site.index))
                    .or_default()
                    .push((f, site));
            }
        }
    }
    let mut seen = HashSet::new();
    let mut moved: Vec<(usize, Finding)> = Vec::new();
    for (file, finding) in judged.iter_mut() {
        let Some(forwarded) = &finding.forwarded else {
            continue;
        };
        if !reached(*file, finding.definition) {
            continue;
        }
        for i in &forwarded.params {
            let callers = sites.get(&(forwarded.method.as_str(), *i));
            for &(f, site) in callers.into_iter().flatten() {
                let key = (f, site.start, finding.rule_id.clone());
                if calls_owner(site.receiver.as_deref(), forwarded) && seen.insert(key) {
                    moved.push((f, at_call(finding, forwarded, site)));
                }
            }
        }
        finding.set_doubt(Doubt::Wrapper);
    }
    moved.sort_by(|a, b| {
        (&a.1.path, a.1.start_line, a.1.start_column, &a.1.rule_id).cmp(&(
            &b.1.path,
            b.1.start_line,
            b.1.start_column,
            &b.1.rule_id,
        ))
    });
    let (files, mut findings): (Vec<usize>, Vec<Finding>) = moved.into_iter().unzip();
    assign_fingerprints(&mut findings);
    judged.extend(files.into_iter().zip(findings));
}

/// The wrapper's finding reported at a call that gives it shared data.
fn at_call(wrapper: &Finding, forwarded: &Forwarded, site: &CallSite) -> Finding {
    let through = match &forwarded.owner {
        Some(owner) => format!("{owner}.{}", forwarded.method),
        None => forwarded.method.clone(),
    };
    Finding {
        message: format!("{} (through `{through}`)", wrapper.message),
        path: site.path.clone(),
        start_line: site.start.0,
        start_column: site.start.1,
        end_line: site.end.0,
        end_column: site.end.1,
        snippet: site.snippet.clone(),
        fingerprint: String::new(),
        normalized_source: site.normalized_source.clone(),
        suppression: site
            .suppression
            .as_ref()
            .and_then(|s| s.silences(&wrapper.rule_id, wrapper.category.name())),
        confidence: None,
        reachability: None,
        doubt: None,
        forwarded: None,
        definition: site.definition,
        setup_call: None,
        // A write over when it returns is, at the call, the call of the wrapper (through
        // whatever receiver): made as a statement of a start, it runs once per start.
        one_shot_call: wrapper
            .one_shot_call
            .as_ref()
            .map(|_| format!("{ANY_RECEIVER}.{}", site.method)),
        fetched_if_sole_part: Vec::new(),
        once_per_file: false,
        quiet_if: Vec::new(),
        quiet_if_any: Vec::new(),
        reach_trace: Vec::new(),
        ..wrapper.clone()
    }
}

/// Whether a call with this receiver can be a call of the wrapper: no receiver (a call in the
/// same type, or on a value the walk does not name), or a receiver whose name and the
/// wrapper's type name contain one another (`_fileSystem` and `ManagedFileSystem`, `disk`
/// and `DiskProvider`, `AsyncFile`).
fn calls_owner(receiver: Option<&str>, forwarded: &Forwarded) -> bool {
    let (Some(receiver), Some(owner)) = (receiver, forwarded.owner.as_deref()) else {
        return true;
    };
    let plain = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let (receiver, owner) = (plain(receiver), plain(owner));
    receiver.len() >= 3 && (owner.contains(&receiver) || receiver.contains(&owner))
}
