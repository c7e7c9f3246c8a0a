//! Rust values a server's start builds: a statement of a start (`main`, or a function that is
//! part of it, see [`super::Solved::starts`]) that calls a type's associated function that
//! builds a value (`value_constructors` in `words.toml`: `let peers = PeerMap::new().await?;`,
//! `let hub = Hub::default();`) builds that value once per process, and the server keeps it
//! for its lifetime (handing it to its connection loop or its handlers). The same holds in the
//! project's functions such a statement calls that the server's walk reaches, a few calls
//! deep (`Relay::start(addr)` from `main`, whose own statements build the relay's
//! registries), whatever else reaches them: the statement runs once where the start makes it. Such a type is registered as
//! `start:Type`, one instance per process like application state a framework holds;
//! [`super::held::close`] then makes the structs its fields hold one per process too.

use super::{family, rust_methods, words, FileModel, Reachability, Solved, RUST};
use std::collections::{BTreeSet, HashMap};

/// The prefix of the registrations this module makes.
pub const STARTED: &str = "start:";

/// How many calls deep from a start its statements are followed.
const MAX_DEPTH: usize = 4;

/// `start:Type` for each type whose constructor a start of a Rust server, or a function of
/// the project a start's statement calls (up to [`MAX_DEPTH`] calls deep), calls as a
/// statement of its own body. Each definition is read once.
pub fn registrations(files: &[FileModel], solved: &Solved) -> BTreeSet<String> {
    // Rust definitions by name, for the calls a start makes.
    let mut by_name: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    let mut queue = Vec::new();
    for (f, file) in files.iter().enumerate() {
        if family(file.language) != RUST {
            continue;
        }
        for (d, def) in file.definitions.iter().enumerate() {
            by_name.entry(def.name.as_str()).or_default().push((f, d));
            if solved
                .starts
                .get(f)
                .and_then(|s| s.get(d))
                .copied()
                .unwrap_or(false)
            {
                queue.push((f, d, 0));
            }
        }
    }
    let mut seen: BTreeSet<(usize, usize)> = queue.iter().map(|&(f, d, _)| (f, d)).collect();
    let mut out = BTreeSet::new();
    while let Some((f, d, depth)) = queue.pop() {
        for call in &files[f].definitions[d].calls {
            if let Some(ty) = built_type(call) {
                out.insert(format!("{STARTED}{ty}"));
            }
            if depth >= MAX_DEPTH {
                continue;
            }
            for &(g, e) in callees(call, &by_name, files) {
                // Start-up, offline and unreferenced code keeps nothing the server uses.
                let reached = solved.verdicts[g].get(e) == Some(&Reachability::Reachable);
                if reached && seen.insert((g, e)) {
                    queue.push((g, e, depth + 1));
                }
            }
        }
    }
    out
}

/// The definitions a direct call may run: `Type::name` and `Type.name` the functions of that
/// name the type owns, a plain or module-qualified name (`setup`, `relay::start`) the free
/// functions of that name.
fn callees<'a>(
    call: &str,
    by_name: &'a HashMap<&str, Vec<(usize, usize)>>,
    files: &'a [FileModel],
) -> impl Iterator<Item = &'a (usize, usize)> + 'a {
    let (owner, name) = match rust_methods::split(call) {
        Some((ty, method)) => (Some(ty.to_string()), method.to_string()),
        None => match call.rsplit_once("::") {
            Some((q, n)) => {
                let last = q.rsplit("::").next().unwrap_or(q);
                let ty = last.starts_with(|c: char| c.is_ascii_uppercase());
                (ty.then(|| last.to_string()), n.to_string())
            }
            None => (None, call.to_string()),
        },
    };
    let defs: &[(usize, usize)] = by_name.get(name.as_str()).map_or(&[], Vec::as_slice);
    let files_len = files.len();
    defs.iter().filter(move |&&(g, e)| {
        g < files_len && files[g].definitions[e].owner.as_deref() == owner.as_deref()
    })
}

/// The type a call of one of its constructors names: `PeerMap::new` gives `PeerMap` (another
/// associated function, `Collector::shutdown`, a module's function, `config::load`, and a
/// method called on a value, `Hub.run`, none).
fn built_type(call: &str) -> Option<&str> {
    if rust_methods::split(call).is_some() {
        return None;
    }
    let (qualifier, name) = call.rsplit_once("::")?;
    let ty = qualifier.rsplit("::").next()?;
    let named_type = ty.starts_with(|c: char| c.is_ascii_uppercase())
        && ty.chars().any(|c| c.is_ascii_lowercase());
    (named_type && words().builds_value(name)).then_some(ty)
}

#[cfg(test)]
mod tests {
    use super::built_type;

    #[test]
    fn a_type_is_named_by_its_constructors_only() {
        assert_eq!(built_type("PeerMap::new"), Some("PeerMap"));
        assert_eq!(
            built_type("crate::peer::Registry::with_capacity"),
            Some("Registry")
        );
        assert_eq!(built_type("Hub::default"), Some("Hub"));
        assert_eq!(built_type("Collector::shutdown"), None);
        assert_eq!(built_type("config::load"), None);
        assert_eq!(built_type("Hub.run"), None);
        assert_eq!(built_type("serve"), None);
        assert_eq!(built_type("URL::parse"), None);
    }
}
