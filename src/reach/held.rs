//! Application state held by application state: a struct one per process makes the structs
//! its fields hold one per process too (`State<Arc<Services>>` with `Services { rooms:
//! Arc<rooms::Service> }` makes `rooms::Service` one per process). The frontends record
//! `held-by:Owner:Type` next to their `how:Type` registrations; [`close`] adds `how:Type`
//! for every `how:Owner` of the project, following held types as far as they go.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The prefix of the facts `held-by:Owner:Type` (a field of `Owner` holds one `Type`).
pub const HELD_BY: &str = "held-by:";

/// Adds to `registered` the `how:Type` registrations that the `held-by:` facts in it imply.
/// Each (how, type) pair is expanded once: linear in registrations and facts.
pub fn close(registered: &mut BTreeSet<String>) {
    let mut holds: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut queue = VecDeque::new();
    for r in registered.iter() {
        if let Some(fact) = r.strip_prefix(HELD_BY) {
            if let Some((owner, held)) = fact.split_once(':') {
                holds.entry(owner).or_default().push(held);
            }
        } else if !r.starts_with("write:") {
            if let Some((how, owner)) = r.rsplit_once(':') {
                queue.push_back((how.to_string(), owner.to_string()));
            }
        }
    }
    let mut added = BTreeSet::new();
    while let Some((how, owner)) = queue.pop_front() {
        for held in holds.get(owner.as_str()).into_iter().flatten() {
            let registration = format!("{how}:{held}");
            if !registered.contains(&registration) && added.insert(registration) {
                queue.push_back((how.clone(), held.to_string()));
            }
        }
    }
    registered.extend(added);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_held_by_state_is_registered_the_same_way_transitively() {
        let mut registered: BTreeSet<String> = [
            "axum::extract::State:Services",
            "held-by:Services:Rooms",
            "held-by:Rooms:Service",
            "held-by:Service:Service",
            "held-by:Unrelated:Cache",
            "write:axum::extract::State:Other.sessions",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        close(&mut registered);
        assert!(registered.contains("axum::extract::State:Rooms"));
        assert!(registered.contains("axum::extract::State:Service"));
        assert!(!registered.contains("axum::extract::State:Cache"));
        assert_eq!(registered.len(), 8);
    }
}
