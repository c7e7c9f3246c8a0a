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
//! After reachability, [`judge`] keeps a wrapper's finding in the default report when some
//! reached definition calls a method of that name with shared data at one of those positions
//! (names over-approximate, as in the call graph); otherwise the finding is of low confidence
//! ([`Doubt::Wrapper`]), shown with `--show-all`. One index of (method, position) over all
//! recorded calls, one lookup per finding: linear in calls plus findings.

use super::{FileModel, Reachability};
use crate::event::{Definition, SharedPathCall};
use crate::finding::{Doubt, Finding};
use std::collections::HashSet;

/// A file's shared-path calls as (definition, method, argument position), the definition
/// being the innermost one around the call.
pub fn shared_calls(
    definitions: &[Definition],
    calls: &[SharedPathCall],
) -> Vec<(usize, String, usize)> {
    calls
        .iter()
        .map(|c| {
            (
                super::innermost(definitions, c.at),
                c.method.clone(),
                c.index,
            )
        })
        .collect()
}

/// Marks the reached wrapper findings of `judged` (file index, finding) that no reached
/// caller gives shared data as of low confidence. `verdicts` are [`super::solve`]'s.
pub fn judge(
    models: &[FileModel],
    verdicts: &[Vec<Reachability>],
    judged: &mut [(usize, Finding)],
) {
    let reached = |file: usize, definition: usize| {
        verdicts
            .get(file)
            .and_then(|v| v.get(definition))
            .is_none_or(|v| *v == Reachability::Reachable)
    };
    let shared: HashSet<(&str, usize)> = models
        .iter()
        .enumerate()
        .flat_map(|(f, model)| {
            model
                .shared_calls
                .iter()
                .filter(move |(d, _, _)| reached(f, *d))
                .map(|(_, method, index)| (method.as_str(), *index))
        })
        .collect();
    for (file, finding) in judged.iter_mut() {
        let Some(forwarded) = &finding.forwarded else {
            continue;
        };
        if !reached(*file, finding.definition) {
            continue;
        }
        let kept = forwarded
            .params
            .iter()
            .any(|&i| shared.contains(&(forwarded.method.as_str(), i)));
        if !kept {
            finding.set_doubt(Doubt::Wrapper);
        }
    }
}
