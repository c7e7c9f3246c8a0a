//! Why a definition is reachable: the path the walks took to it (`check --explain-reach`).
//!
//! Each walk of [`super::solve_with_starts`] notes, for every definition it marks, the
//! definition it came from and how ([`Via`]). Following those notes back from a finding's
//! definition gives the chain from an entry point to it. Each note points at a definition
//! marked earlier, so the chain ends; it is as long as the walk's path, not the graph.

use super::FileModel;
use crate::event::Role;
use serde::Serialize;

/// How the walk went from one definition to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum How {
    /// The code mentions a name: the index of the name in the previous definition's
    /// [`crate::event::Definition::refs`] (a call, a function passed as a value, a type).
    Names(usize),
    /// A member of this definition ran, so its class was constructed.
    Encloses,
    /// A member the framework calls on a class that runs, or a subcommand branch.
    Member,
    /// A method no walk reached that code calls through a type the scan cannot see into.
    Unsure,
}

/// One note of a walk: where it came from (none for the rescue of an unsure method).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Via {
    pub(super) from: Option<usize>,
    pub(super) how: How,
}

impl Via {
    /// Reached from node `from` as `how`.
    pub(super) fn new(from: usize, how: How) -> Self {
        Via {
            from: Some(from),
            how,
        }
    }
}

/// Notes how `target` was met before a later walk marks it (start-up code, a subcommand
/// branch): the first note stands until a walk marks it from elsewhere.
pub(super) fn note(via: &mut [Option<Via>], target: usize, from: usize, how: How) {
    if via[target].is_none() {
        via[target] = Some(Via::new(from, how));
    }
}

/// One step of a path from an entry point to a finding's code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The index of the file among the scanned project's files.
    #[serde(skip)]
    pub file: usize,
    /// The file's path as shown in output (filled in by the scan).
    pub path: String,
    /// The definition: `Owner.name`, `name`, or `<top level>`.
    pub name: String,
    /// How the previous step led here, or what kind of entry point the first step is.
    pub how: String,
}

/// The chain of notes from the node of file `f`, definition `d` back to a seed, as steps
/// from the seed. `offsets` gives each file's first node.
pub(super) fn path(
    files: &[FileModel],
    offsets: &[usize],
    via: &[Option<Via>],
    f: usize,
    d: usize,
) -> Vec<Step> {
    let locate = |node: usize| {
        let file = offsets.partition_point(|&o| o <= node) - 1;
        (file, node - offsets[file])
    };
    let mut steps = Vec::new();
    let mut node = offsets[f] + d;
    // Each note points at a node marked earlier; the bound is a guard all the same.
    for _ in 0..=via.len() {
        let (file, def) = locate(node);
        let definition = &files[file].definitions[def];
        let (how, next) = match via[node] {
            Some(Via {
                from: Some(from),
                how,
            }) => {
                let (from_file, from_def) = locate(from);
                let caller = &files[from_file].definitions[from_def];
                let how = match how {
                    How::Names(i) => format!("mentions `{}`", caller.refs[i]),
                    How::Encloses => "a member of it runs".to_string(),
                    How::Member if definition.role == Role::Subcommand => {
                        "a command-line subcommand".to_string()
                    }
                    How::Member => "called by the framework on its class".to_string(),
                    How::Unsure => entry_kind(&files[file], def, via[node]),
                };
                (how, Some(from))
            }
            note => (entry_kind(&files[file], def, note), None),
        };
        steps.push(Step {
            file,
            path: String::new(),
            name: display_name(&files[file], def),
            how,
        });
        match next {
            Some(from) => node = from,
            None => break,
        }
    }
    steps.reverse();
    steps
}

/// What kind of entry point the first definition of a path is.
fn entry_kind(file: &FileModel, d: usize, via: Option<Via>) -> String {
    if via.is_some_and(|v| v.how == How::Unsure) {
        return "called through a type the scan cannot see into".to_string();
    }
    let def = &file.definitions[d];
    match def.role {
        _ if d == 0 => "entry point: the top level of a file that runs".to_string(),
        Role::Main => "entry point: main".to_string(),
        Role::Entry => "entry point: a handler, hosted service, job or export".to_string(),
        _ => "entry point".to_string(),
    }
}

/// A definition's name as shown: `Owner.name`, `name`, or `<top level>`.
fn display_name(file: &FileModel, d: usize) -> String {
    let def = &file.definitions[d];
    match (&def.owner, def.name.as_str()) {
        _ if d == 0 => "<top level>".to_string(),
        (_, "") => "<branch>".to_string(),
        (Some(owner), name) => format!("{owner}.{name}"),
        (None, name) => name.to_string(),
    }
}
