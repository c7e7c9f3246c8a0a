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

/// What the project's functions do (see [`registrations`]).
#[derive(Debug, Default)]
pub struct ProjectWork {
    /// The `own-work:` registrations of the keys whose work is all this process's own.
    pub registered: BTreeSet<String>,
    /// For a timer wrapper's slot that some call hands work
    /// not all this process's own: the first such call, as (file index, line).
    pub culprits: HashMap<String, (usize, usize)>,
}

/// The registrations of every key whose functions, and all they call, do only this
/// process's own work; a timer wrapper's slot ([`crate::event::Forwards`]) does what the
/// functions handed to it do (none handed: nothing). Linear in definitions, calls and flows (each
/// key's set of kinds only grows, a bit at a time).
pub fn registrations(models: &[FileModel]) -> ProjectWork {
    let Ok(kinds) = work::kinds() else {
        return ProjectWork::default();
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
    // The slots, then the functions handed to them.
    let servers = || {
        models
            .iter()
            .enumerate()
            .filter(|(_, m)| m.role != FileRole::Test)
    };
    for (_, model) in servers() {
        let fam = family(model.language);
        for slot in &model.forwards.slots {
            graph.key((fam, slot.clone()));
        }
    }
    let mut flows: Vec<(usize, usize, usize, u64, &BTreeSet<String>)> = Vec::new();
    for (f, model) in servers() {
        let fam = family(model.language);
        for flow in &model.forwards.flows {
            let Some(&at) = graph.index.get(&(fam, flow.slot.clone())) else {
                continue;
            };
            let direct = flow.work.kinds.iter().fold(0u64, |m, k| m | bit(k));
            graph.masks[at] |= direct;
            for callee in &flow.work.callees {
                edges.push((at, (fam, callee.clone())));
            }
            flows.push((at, f, flow.line, direct, &flow.work.callees));
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
    // The first function handed to each slot whose work is not all this process's own.
    let mut culprit: Vec<Option<(usize, usize)>> = vec![None; masks.len()];
    for (at, file, line, direct, callees) in flows {
        let fam = names[at].0;
        let mask = callees.iter().fold(direct, |m, c| {
            m | index.get(&(fam, c.clone())).map_or(unknown, |&i| masks[i])
        });
        if mask & !own != 0 && culprit[at].is_none() {
            culprit[at] = Some((file, line));
        }
    }
    let culprits = names
        .iter()
        .zip(&culprit)
        .filter_map(|((fam, key), c)| Some((format!("own-work:{fam}:{key}"), (*c)?)))
        .collect();
    let registered = names
        .into_iter()
        .zip(masks)
        .filter(|(_, mask)| mask & !own == 0)
        .map(|((fam, key), _)| format!("own-work:{fam}:{key}"))
        .collect();
    ProjectWork {
        registered,
        culprits,
    }
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
    use crate::event::CallbackFlow;
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
        let got = registrations(&models).registered;
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
        let got = registrations(&[model(rs, vec![sweep, flush])]).registered;
        assert!(got.contains(&registration(rs, "rooms.sweep")));
        assert!(
            !got.contains(&registration(rs, "rooms.flush")),
            "a method answers to its type"
        );
    }

    fn flow(slot: &str, kinds: &[&str], callees: &[&str], line: usize) -> CallbackFlow {
        CallbackFlow {
            slot: slot.to_string(),
            work: DirectWork {
                kinds: kinds.iter().map(|k| k.to_string()).collect(),
                callees: callees.iter().map(|k| k.to_string()).collect(),
            },
            line,
        }
    }

    #[test]
    fn a_wrappers_slot_does_what_its_callers_hand_it() {
        let ts = Language::TypeScript;
        let mut wrappers = model(ts, vec![]);
        wrappers.forwards.slots = ["every#1", "pulse#0", "unused#0", "new:Interval#0"]
            .map(String::from)
            .to_vec();
        let mut callers = model(
            ts,
            vec![
                def("mailOverdue", None, &["email"], &[]),
                def("forgetExpired", None, &["in-memory"], &[]),
            ],
        );
        callers.forwards.flows = vec![
            flow("every#1", &[], &["forgetExpired"], 3),
            flow("every#1", &["logging"], &["mailOverdue"], 7),
            flow("pulse#0", &[], &["forgetExpired"], 9),
            flow("new:Interval#0", &["database"], &[], 12),
            // Handed to a call of no wrapper: not a slot.
            flow("app.get#1", &["database"], &[], 20),
        ];
        let got = registrations(&[wrappers, callers]);
        let has = |k: &str| got.registered.contains(&registration(ts, k));
        assert!(
            has("pulse#0") && has("unused#0"),
            "own work, or none handed"
        );
        assert!(!has("every#1") && !has("new:Interval#0"));
        assert!(!has("app.get#1"));
        assert_eq!(
            got.culprits.get(&registration(ts, "every#1")),
            Some(&(1, 7))
        );
        assert_eq!(
            got.culprits.get(&registration(ts, "new:Interval#0")),
            Some(&(1, 12))
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
        let got = registrations(&models).registered;
        assert!(got.contains(&registration(cs, "logbuffer.Flush")));
        assert!(!got.contains(&registration(cs, "Flush")));
        assert!(!got.contains(&registration(cs, "Tick")));
    }
}
