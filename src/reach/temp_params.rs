//! Temporary paths, and this instance's own (cache) paths, followed into the functions they
//! are passed to, over the project. Each file records what its calls pass at each argument
//! position ([`ArgFlow`]): a temporary path, this instance's own path (a cache folder), a
//! value built from one of the calling function's own parameters, or anything else. A file
//! operation whose path is built from a parameter of its function carries the assumption
//! that the parameter is a temporary path (`temp-param:Function:Index`, see
//! [`crate::event::Assumed`]); the project registers it when at least one call passes a
//! temporary path there and none passes anything else, a parameter handed on counting as
//! what its own function's calls pass (`fn dump(dir) { write_scripts(&dir) }`). A parameter
//! whose calls pass temporary or cache paths, and nothing else, registers
//! `own-param:Function:Index`: enough for a write (a cache entry is rebuilt on another
//! instance's miss), not for a delete (the other instances keep serving their copies), so the
//! matcher asks for it only where this instance's own path mitigates the finding
//! ([`own_registrations`]).
//!
//! Functions are known by their simple names, as the call graph knows them: every call of a
//! name counts, whichever function of that name it reaches, so a name that any call hands a
//! plain value keeps its writes reported.

use crate::event::{Arg, ArgFlow, ArgSource, Assumed, Event};
use std::collections::{BTreeSet, HashMap, HashSet};

/// The prefix of the registrations `temp-param:Function:Index`: every known call of
/// `Function` passes a temporary path as its `Index`-th argument.
pub const TEMP_PARAM: &str = "temp-param:";

/// The prefix of the registrations `own-param:Function:Index`: every known call of
/// `Function` passes a temporary path or this instance's own path (a cache folder) as its
/// `Index`-th argument.
pub const OWN_PARAM: &str = "own-param:";

/// The registration that the parameter at `index` of the function `function` only ever
/// receives temporary paths.
pub fn registration(function: &str, index: usize) -> String {
    format!("{TEMP_PARAM}{function}:{index}")
}

/// The registrations an assumption needs when the parameters it assumes temporary may be
/// this instance's own paths as well: each `temp-param:` one becomes `own-param:`.
pub fn own_registrations(registrations: &[String]) -> Vec<String> {
    registrations
        .iter()
        .map(|r| match r.strip_prefix(TEMP_PARAM) {
            Some(rest) => format!("{OWN_PARAM}{rest}"),
            None => r.clone(),
        })
        .collect()
}

/// Gives an event the arguments it would have if the parameters its path arguments are
/// built on were temporary paths (`roots`: per argument, the function and parameter
/// position it is built on), under the registrations that say so. The first argument is
/// the path of most file operations; a later one counts only when it looks like one or is a
/// move's or copy's destination, not the contents written. An event that already assumes
/// something keeps its assumption.
pub fn assume_temp(event: &mut Event, roots: impl Iterator<Item = Option<(String, usize)>>) {
    if event.assumed.is_some() {
        return;
    }
    let destination = crate::matcher::moves_or_copies(event);
    let mut registrations = Vec::new();
    let mut args = event.args.clone();
    for (i, (root, fact)) in roots.zip(args.iter_mut()).enumerate() {
        let path = i == 0 || (i == 1 && destination) || *fact == (Arg::Other { path_like: true });
        if *fact == Arg::TempPath || !path {
            continue;
        }
        if let Some((function, position)) = root {
            *fact = Arg::TempPath;
            registrations.push(registration(&function, position));
        }
    }
    if !registrations.is_empty() {
        registrations.sort();
        registrations.dedup();
        event.assumed = Some(Assumed {
            registrations,
            args,
        });
    }
}

/// What the calls of one (function, position) pass.
#[derive(Default)]
struct Sources<'a> {
    temp: bool,
    instance: bool,
    plain: bool,
    /// Parameters of calling functions whose values are passed on.
    params: Vec<(&'a str, usize)>,
}

/// A (function, position) pair.
type Key<'a> = (&'a str, usize);

/// The `temp-param:` and `own-param:` registrations the project's calls support: linear in
/// the number of flows (two worklists over the hand-on edges, per kind).
pub fn registrations<'a>(flows: impl IntoIterator<Item = &'a ArgFlow>) -> BTreeSet<String> {
    let mut keys: HashMap<Key<'_>, Sources<'_>> = HashMap::new();
    for flow in flows {
        let sources = keys.entry((flow.callee.as_str(), flow.index)).or_default();
        match &flow.source {
            ArgSource::Temp => sources.temp = true,
            ArgSource::Instance => sources.instance = true,
            ArgSource::Plain => sources.plain = true,
            ArgSource::Param { function, index } => sources.params.push((function, *index)),
        }
    }
    // Who hands on each parameter: (function, position) → the keys it is passed to.
    let mut handed: HashMap<Key<'_>, Vec<Key<'_>>> = HashMap::new();
    for (&key, sources) in &keys {
        for &param in &sources.params {
            handed.entry(param).or_default().push(key);
        }
    }
    // Temporary: a cache path is a plain value; own: either is this instance's.
    let temp = holding(&keys, &handed, |s| (s.temp, s.plain || s.instance));
    let own = holding(&keys, &handed, |s| (s.temp || s.instance, s.plain));
    let named = |held: HashSet<Key<'_>>, prefix: &str| {
        held.into_iter()
            .map(|(function, index)| format!("{prefix}{function}:{index}"))
            .collect::<Vec<_>>()
    };
    named(temp, TEMP_PARAM)
        .into_iter()
        .chain(named(own, OWN_PARAM))
        .collect()
}

/// The keys that hold: `kind` says of a key's own sources whether one passes a value of the
/// kind and whether one passes anything else.
fn holding<'a>(
    keys: &HashMap<Key<'a>, Sources<'a>>,
    handed: &HashMap<Key<'a>, Vec<Key<'a>>>,
    kind: impl Fn(&Sources<'_>) -> (bool, bool),
) -> HashSet<Key<'a>> {
    // A key is out when a call passes a plain value, or hands on a parameter that is out
    // (a parameter no call passes anything is unknown, so out).
    let mut out: HashSet<Key<'_>> = HashSet::new();
    let mut queue: Vec<Key<'_>> = Vec::new();
    for (&key, sources) in keys {
        if kind(sources).1 || sources.params.iter().any(|p| !keys.contains_key(p)) {
            out.insert(key);
            queue.push(key);
        }
    }
    while let Some(key) = queue.pop() {
        for &next in handed.get(&key).into_iter().flatten() {
            if out.insert(next) {
                queue.push(next);
            }
        }
    }
    // Of the rest, a key holds when a value of the kind reaches it: passed directly, or
    // through a parameter that holds (a cycle of hand-ons alone proves nothing).
    let mut holds: HashSet<Key<'_>> = HashSet::new();
    let mut queue: Vec<Key<'_>> = keys
        .iter()
        .filter(|(key, sources)| kind(sources).0 && !out.contains(*key))
        .map(|(&key, _)| key)
        .collect();
    holds.extend(queue.iter().copied());
    while let Some(key) = queue.pop() {
        for &next in handed.get(&key).into_iter().flatten() {
            if !out.contains(&next) && holds.insert(next) {
                queue.push(next);
            }
        }
    }
    holds
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(function: &str, index: usize) -> ArgSource {
        ArgSource::Param {
            function: function.to_string(),
            index,
        }
    }

    #[test]
    fn a_parameter_every_call_passes_a_temporary_path_is_temporary() {
        let flows = [
            ArgFlow::new("gen_scripts", 0, ArgSource::Temp),
            ArgFlow::new("gen_scripts", 1, ArgSource::Temp),
            ArgFlow::new("gen_scripts", 1, ArgSource::Plain),
            ArgFlow::new("save", 0, ArgSource::Plain),
        ];
        let got = registrations(&flows);
        let own = own_registrations(&[registration("gen_scripts", 0)]);
        assert_eq!(
            got,
            BTreeSet::from([registration("gen_scripts", 0), own[0].clone()])
        );
    }

    #[test]
    fn a_parameter_handed_cache_paths_is_this_instances_own_not_temporary() {
        let flows = [
            ArgFlow::new("extract_to", 1, ArgSource::Instance),
            ArgFlow::new("extract_to", 1, ArgSource::Temp),
            ArgFlow::new("render_pages", 0, param("extract_to", 1)),
            // A cache path at one call and a plain value at another.
            ArgFlow::new("save", 0, ArgSource::Instance),
            ArgFlow::new("save", 0, ArgSource::Plain),
        ];
        let got = registrations(&flows);
        let own = own_registrations(&[
            registration("extract_to", 1),
            registration("render_pages", 0),
        ]);
        assert_eq!(got, own.into_iter().collect::<BTreeSet<_>>());
        assert_eq!(
            own_registrations(&["path:instance:x".to_string()]),
            ["path:instance:x"]
        );
    }

    #[test]
    fn a_parameter_handed_on_is_what_its_own_calls_pass() {
        let flows = [
            ArgFlow::new("create", 1, ArgSource::Temp),
            ArgFlow::new("sqlite_create", 0, param("create", 1)),
            // Handed on from a parameter that a call passes a plain value.
            ArgFlow::new("export", 0, ArgSource::Plain),
            ArgFlow::new("write_all", 0, param("export", 0)),
            ArgFlow::new("write_all", 0, ArgSource::Temp),
            // From a parameter no call is known to pass anything.
            ArgFlow::new("unpack", 0, param("nobody_calls", 0)),
            // A cycle with no temporary path entering it.
            ArgFlow::new("walk", 0, param("walk", 0)),
        ];
        let got = registrations(&flows);
        let temp = [registration("create", 1), registration("sqlite_create", 0)];
        let own = own_registrations(&temp);
        assert_eq!(got, temp.into_iter().chain(own).collect::<BTreeSet<_>>());
    }
}
