//! Writes made through parameters, joined over the project. A function that adds to a
//! collection it was handed (`fn save(map: &DashMap<u64, Entry>, ..) { map.insert(..) }`)
//! records `param-write:Callee:Index`; a call in another file that hands it a field of
//! application state records `pass:Callee:Index:Fact`, the fact the write makes
//! (`write:rocket::State:Limits.buckets`, `wrote:Limits.buckets`, or the caller's own
//! `param-write:` when it only passes its parameter on). A write through a parameter known
//! only by its type (`state: &AppState`) records `wrote:Owner.field`, which becomes
//! `write:how:Owner.field` for every `how:Owner` the project registers.

use std::collections::{BTreeMap, BTreeSet};

/// The prefix of the facts `param-write:Callee:Index`: the function `Callee` (`name` or
/// `Type::name`) adds to what it receives as its `Index`-th argument (receiver excluded).
pub const PARAM_WRITE: &str = "param-write:";

/// The prefix of the facts `pass:Callee:Index:Fact`: a call hands `Callee` a collection as
/// its `Index`-th argument; `Fact` holds when `Callee` writes to it.
pub const PASS: &str = "pass:";

/// The prefix of the facts `wrote:Owner.field`: some function writes the field through a
/// parameter or local that holds its owner.
pub const WROTE: &str = "wrote:";

/// Adds the facts that hold because a called function writes what it is passed: a worklist
/// over `param-write:` facts, each expanded once.
pub fn join_passes(registered: &mut BTreeSet<String>) {
    let mut passes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in registered.iter() {
        let Some(rest) = r.strip_prefix(PASS) else {
            continue;
        };
        // `Callee:Index:Fact`, where `Callee` may hold `::` and `Fact` holds `:`.
        let Some((callee, index, fact)) = split_pass(rest) else {
            continue;
        };
        passes
            .entry(format!("{PARAM_WRITE}{callee}:{index}"))
            .or_default()
            .push(fact.to_string());
    }
    let mut queue: Vec<String> = registered
        .iter()
        .filter(|r| r.starts_with(PARAM_WRITE) && passes.contains_key(*r))
        .cloned()
        .collect();
    let mut added = BTreeSet::new();
    while let Some(key) = queue.pop() {
        for fact in passes.remove(&key).into_iter().flatten() {
            if !registered.contains(&fact) && added.insert(fact.clone()) {
                queue.push(fact);
            }
        }
    }
    registered.extend(added);
}

/// `Callee`, `Index` and `Fact` of a `pass:` fact's rest: the index is the first segment
/// after a single `:` that is all digits.
fn split_pass(rest: &str) -> Option<(&str, &str, &str)> {
    let bytes = rest.as_bytes();
    let mut at = 0;
    while let Some(found) = rest[at..].find(':') {
        let colon = at + found;
        let single =
            bytes.get(colon + 1) != Some(&b':') && (colon == 0 || bytes[colon - 1] != b':');
        if single {
            let after = &rest[colon + 1..];
            if let Some((index, fact)) = after.split_once(':') {
                if !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit()) {
                    return Some((&rest[..colon], index, fact));
                }
            }
        }
        at = colon + 1;
    }
    None
}

/// Adds `write:how:Owner.field` for every `wrote:Owner.field` whose owner the project
/// registers as `how:Owner` (after [`super::held::close`]).
pub fn join_wrote(registered: &mut BTreeSet<String>) {
    let mut wrote: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in registered.iter() {
        if let Some((owner, field)) = r.strip_prefix(WROTE).and_then(|f| f.split_once('.')) {
            wrote.entry(owner).or_default().push(field);
        }
    }
    if wrote.is_empty() {
        return;
    }
    let mut added = Vec::new();
    for r in registered.iter() {
        if [WROTE, PASS, PARAM_WRITE, "write:", super::held::HELD_BY]
            .iter()
            .any(|p| r.starts_with(p))
        {
            continue;
        }
        let Some((how, owner)) = r.rsplit_once(':') else {
            continue;
        };
        for field in wrote.get(owner).into_iter().flatten() {
            added.push(format!("write:{how}:{owner}.{field}"));
        }
    }
    registered.extend(added);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_pass_to_a_function_that_writes_its_parameter_makes_the_write() {
        let mut registered = set(&[
            "pass:Limiter::take:0:param-write:check:1",
            "pass:check:1:write:rocket::State:Limits.buckets",
            "param-write:Limiter::take:0",
            "pass:other:0:write:rocket::State:Limits.names",
        ]);
        join_passes(&mut registered);
        assert!(registered.contains("param-write:check:1"));
        assert!(registered.contains("write:rocket::State:Limits.buckets"));
        assert!(!registered.contains("write:rocket::State:Limits.names"));
    }

    #[test]
    fn a_field_written_through_a_plain_parameter_is_state_when_its_owner_is() {
        let mut registered = set(&[
            "wrote:AppState.sessions",
            "wrote:Builder.parts",
            "axum::extract::State:AppState",
        ]);
        join_wrote(&mut registered);
        assert!(registered.contains("write:axum::extract::State:AppState.sessions"));
        assert!(!registered
            .iter()
            .any(|r| r.contains("Builder.parts") && r.starts_with("write:")));
    }
}
