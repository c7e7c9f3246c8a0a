//! What the functions of other files do, for a recurring body that calls them: each
//! frontend gives every definition its own direct work ([`Definition::work`]: the kinds of
//! its calls and the names of the functions it calls), and [`registrations`] closes it over
//! the project's name-based call graph, once per scan. A name several definitions answer to
//! does what all of them do; a name no definition with a body answers to (a library's
//! function, a Rust one: its frontend tells nothing) does unknown work.
//!
//! A recurring body that does only this process's own work but for some calls of other
//! files' functions ([`crate::work::Work::pending`]) carries one [`registration`] per such
//! function ([`crate::matcher::Match::quiet_if`]); the project supplies it when everything
//! the function does, a call at a time down the graph, is this process's own work too.

use super::{family, FileModel, FileRole};
use crate::event::Definition;
use crate::frontend::Language;
use crate::work::{self, Kinds, UNKNOWN};
use std::collections::{BTreeSet, HashMap};

/// The registration a project supplies when every function a recurring body's call of
/// `key` may run (see [`crate::work::callee_key`]) does only this process's own work.
pub fn registration(language: Language, key: &str) -> String {
    format!("own-work:{}:{key}", family(Some(language)))
}

/// The registrations of every key whose functions, and all they call, do only this
/// process's own work. Linear in definitions and calls (each key's set of kinds only
/// grows, a bit at a time).
pub fn registrations(models: &[FileModel]) -> BTreeSet<String> {
    let Ok(kinds) = work::kinds() else {
        return BTreeSet::new();
    };
    let ids: Vec<&str> = kinds.ids().collect();
    let bit = |kind: &str| {
        ids.iter()
            .position(|id| *id == kind)
            .map_or(1u64, |i| 1u64 << (i % 64))
    };
    let unknown = bit(UNKNOWN);
    let mut graph = Graph::default();
    let mut edges: Vec<(usize, (usize, String))> = Vec::new();
    for model in models.iter().filter(|m| m.role != FileRole::Test) {
        let fam = family(model.language);
        for d in &model.definitions {
            let Some(own) = &d.work else {
                continue;
            };
            let direct = own.kinds.iter().fold(0u64, |m, k| m | bit(k));
            for key in keys(d) {
                let at = graph.key((fam, key));
                graph.masks[at] |= direct;
                for callee in &own.callees {
                    edges.push((at, (fam, callee.clone())));
                }
            }
        }
    }
    let Graph {
        index,
        mut masks,
        names,
    } = graph;
    // A callee no definition answers to does unknown work; the others pass theirs on.
    let mut callers: Vec<Vec<usize>> = vec![Vec::new(); masks.len()];
    for (caller, callee) in edges {
        match index.get(&callee) {
            Some(&c) => callers[c].push(caller),
            None => masks[caller] |= unknown,
        }
    }
    let mut pending: Vec<usize> = (0..masks.len()).collect();
    while let Some(k) = pending.pop() {
        for &caller in &callers[k] {
            let merged = masks[caller] | masks[k];
            if merged != masks[caller] {
                masks[caller] = merged;
                pending.push(caller);
            }
        }
    }
    let own = own_mask(kinds, &ids);
    names
        .into_iter()
        .zip(masks)
        .filter(|(_, mask)| mask & !own == 0)
        .map(|((fam, key), _)| format!("own-work:{fam}:{key}"))
        .collect()
}

/// The keys of the definitions with a body, by (family, key), each with its kinds of work
/// as a bit set.
#[derive(Default)]
struct Graph {
    index: HashMap<(usize, String), usize>,
    masks: Vec<u64>,
    names: Vec<(usize, String)>,
}

impl Graph {
    /// The node of a key, added when new.
    fn key(&mut self, key: (usize, String)) -> usize {
        if let Some(&at) = self.index.get(&key) {
            return at;
        }
        self.masks.push(0);
        self.names.push(key.clone());
        self.index.insert(key, self.masks.len() - 1);
        self.masks.len() - 1
    }
}

/// The keys a definition answers to (see [`crate::work::definition_keys`]); a Rust function
/// outside an `impl` also to its module's name with it (`state::prune()` is `state.prune`).
fn keys(d: &Definition) -> Vec<String> {
    let mut keys = work::definition_keys(&d.name, d.owner.as_deref());
    let module = d.module.rsplit("::").next().filter(|m| !m.is_empty());
    if let (None, Some(module)) = (&d.owner, module) {
        keys.extend(
            work::definition_keys(&d.name, Some(module))
                .into_iter()
                .skip(1),
        );
    }
    keys
}

/// The kinds that are this process's own work, as a bit set over `ids`.
fn own_mask(kinds: &Kinds, ids: &[&str]) -> u64 {
    ids.iter()
        .enumerate()
        .filter(|(_, id)| kinds.is_own(id))
        .fold(0, |m, (i, _)| m | (1u64 << (i % 64)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::work::DirectWork;

    fn def(name: &str, owner: Option<&str>, kinds: &[&str], callees: &[&str]) -> Definition {
        Definition {
            name: name.to_string(),
            owner: owner.map(str::to_string),
            work: Some(DirectWork {
                kinds: kinds.iter().map(|k| k.to_string()).collect(),
                callees: callees.iter().map(|k| k.to_string()).collect(),
            }),
            ..Definition::default()
        }
    }

    fn model(language: Language, definitions: Vec<Definition>) -> FileModel {
        // The top level first: a script's is named for its module.
        let top = std::iter::once(Definition::default());
        let definitions = top.chain(definitions).collect();
        FileModel::new(language, "src/a", FileRole::Server, definitions)
    }

    #[test]
    fn own_work_closes_over_the_call_graph() {
        let ts = Language::TypeScript;
        let models = [
            model(
                ts,
                vec![
                    def("pruneSessions", None, &["logging"], &["dropExpired"]),
                    def("dropExpired", None, &["in-memory"], &[]),
                    def("sendDigest", None, &["logging"], &["mailOut"]),
                    def("mailOut", None, &["email"], &[]),
                    def("callsLibrary", None, &[], &["fromSomewhere"]),
                    def("Check", Some("JobWatchdog"), &["metrics"], &[]),
                ],
            ),
            model(ts, vec![def("dropExpired", None, &["logging"], &[])]),
        ];
        let got = registrations(&models);
        let has = |k: &str| got.contains(&registration(ts, k));
        assert!(has("pruneSessions") && has("dropExpired"));
        assert!(!has("sendDigest") && !has("mailOut"));
        assert!(!has("callsLibrary"), "a name nothing defines is unknown");
        assert!(has("jobwatchdog.Check"));
        // Another family's functions never answer.
        assert!(!got.contains(&registration(Language::CSharp, "pruneSessions")));
    }

    #[test]
    fn a_rust_function_answers_to_its_module() {
        let rs = Language::Rust;
        let mut sweep = def("sweep", None, &["in-memory"], &[]);
        sweep.module = "chat::rooms".to_string();
        let mut flush = def("flush", Some("Outbox"), &["database"], &[]);
        flush.module = "chat::rooms".to_string();
        let got = registrations(&[model(rs, vec![sweep, flush])]);
        assert!(got.contains(&registration(rs, "rooms.sweep")));
        assert!(
            !got.contains(&registration(rs, "rooms.flush")),
            "a method answers to its type"
        );
    }

    #[test]
    fn a_name_defined_twice_does_what_both_do() {
        let cs = Language::CSharp;
        let models = [model(
            cs,
            vec![
                def("Flush", Some("LogBuffer"), &["logging"], &[]),
                def("Flush", Some("Outbox"), &["database"], &[]),
                def("Tick", None, &[], &["Flush"]),
            ],
        )];
        let got = registrations(&models);
        assert!(got.contains(&registration(cs, "logbuffer.Flush")));
        assert!(!got.contains(&registration(cs, "Flush")));
        assert!(!got.contains(&registration(cs, "Tick")));
    }
}
