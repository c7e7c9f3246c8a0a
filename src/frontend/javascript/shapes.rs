//! What the shape of the code around a collection says it holds, whatever its name: a set
//! checked and then filled under the same key (`if (seen.has(id)) return; seen.add(id)`: a
//! record of what was already handled, so a retry reaching another instance is handled
//! again), and a list a loop takes work from one entry at a time (`while (queue.length)
//! queue.shift()`: work handed to a worker of this process, lost with it and unseen by the
//! other instances).
//!
//! A memo is neither: its check reads the entry it finds (`if (cache.has(k)) return
//! cache.get(k)`) or fills a miss with a value (`if (!cache.has(k)) cache.set(k, compile(k))`),
//! and a buffer emptied whole (`flush(buffer.splice(0))`) writes through to where it goes.

use super::state::written_by;
use super::*;
use crate::frontend::tree::{Fields, Kind};

/// The word a collection checked and then filled under the same key is described by.
pub(super) const DEDUPE_WORD: &str = "dedupe";
/// The word a list that a loop takes entries from one at a time is described by.
pub(super) const QUEUE_WORD: &str = "queue";

/// How many statements after a check may fill the collection it checked.
const FILL_WINDOW: usize = 8;

/// What a node's shape says of the collection `collection` names: `(name, word)`.
pub(super) fn shape_of<'s>(
    node: Node<'_>,
    src: &'s str,
    collection: impl Fn(Node<'_>) -> Option<&'s str>,
) -> Option<(&'s str, &'static str)> {
    match node.kind_str() {
        "if_statement" => dedupe_check(node, src, &collection).map(|n| (n, DEDUPE_WORD)),
        "call_expression" => taken_one_by_one(node, src, &collection).map(|n| (n, QUEUE_WORD)),
        _ => None,
    }
}

/// `if (seen.has(id)) return ..; seen.add(id)` (`push(id)` after an `includes`): a set
/// whose check ends the function. A map's entry holds a value, which makes it a table (a
/// memo, a registry of names, a lock's holder) more often than a record of what was seen; a
/// set filled where it was missing and going on (`if (!logged.has(k)) { logged.add(k); .. }`)
/// does something once per process (a log line). The exit must not read the collection.
fn dedupe_check<'s>(
    node: Node<'_>,
    src: &'s str,
    collection: &impl Fn(Node<'_>) -> Option<&'s str>,
) -> Option<&'s str> {
    let mut condition = node.field("condition")?;
    while condition.kind_str() == "parenthesized_expression" {
        condition = condition.named_child(0)?;
    }
    let (object, key) = membership(condition, src)?;
    let name = collection(object)?;
    let object_text = text(object, src);
    let consequence = node.field("consequence")?;
    if node.field("alternative").is_some()
        || !exits(consequence)
        || text(consequence, src).contains(object_text)
    {
        return None;
    }
    let mut next = node.next_named_sibling();
    for _ in 0..FILL_WINDOW {
        let statement = next?;
        if fills(statement, src, object_text, key, &["add", "push"]) {
            return Some(name);
        }
        next = statement.next_named_sibling();
    }
    None
}

/// `x.has(key)` (`x.includes(key)`): the collection checked and the key's text.
fn membership<'t, 's>(check: Node<'t>, src: &'s str) -> Option<(Node<'t>, &'s str)> {
    if check.kind_str() != "call_expression" {
        return None;
    }
    let callee = check.field("function")?;
    if callee.kind_str() != "member_expression" {
        return None;
    }
    let method = text(callee.field("property")?, src);
    if !matches!(method, "has" | "includes") {
        return None;
    }
    let key = check.field("arguments")?.named_child(0)?;
    Some((callee.field("object")?, text(key, src)))
}

/// Whether a statement ends the function: `return`, `throw`, or a block ending with one. A
/// handler drops a repeated event by ending; a loop that skips entries already seen
/// (`continue`) walks a list the process itself was given, such as plugins loaded once.
fn exits(statement: Node<'_>) -> bool {
    match statement.kind_str() {
        "return_statement" | "throw_statement" => true,
        "statement_block" => named_children(statement)
            .filter(|s| s.kind_str() != "comment")
            .last()
            .is_some_and(exits),
        _ => false,
    }
}

/// Whether a statement is `object.method(key, ..)` (awaited or not) with one of `methods`.
fn fills(statement: Node<'_>, src: &str, object: &str, key: &str, methods: &[&str]) -> bool {
    let Some(call) = statement_call(statement) else {
        return false;
    };
    let method = call
        .field("function")
        .and_then(|f| f.field("property"))
        .map(|p| text(p, src));
    if !method.is_some_and(|m| methods.contains(&m)) {
        return false;
    }
    written_by(call, src, |o| (text(o, src) == object).then_some(()))
        .is_some_and(|(_, written)| written == Some(key))
}

/// The call a statement makes, awaited or not: `x.add(k);`, `await app.post('/x', fn);`.
pub(super) fn statement_call(statement: Node<'_>) -> Option<Node<'_>> {
    if statement.kind_str() != "expression_statement" {
        return None;
    }
    let mut call = statement.named_child(0)?;
    if call.kind_str() == "await_expression" {
        call = call.named_child(0)?;
    }
    (call.kind_str() == "call_expression").then_some(call)
}

/// `queue.shift()` inside a loop of a recurring body: an endless loop (`while (true)`,
/// `for (;;)`) or a timer's callback (`setInterval(() => { while (q.length) q.shift() })`).
/// A loop taking entries on demand (`while (free.length) { const p = free.shift(); .. }` in
/// a function called when a worker is needed) picks from a pool.
fn taken_one_by_one<'s>(
    node: Node<'_>,
    src: &'s str,
    collection: &impl Fn(Node<'_>) -> Option<&'s str>,
) -> Option<&'s str> {
    let callee = node.field("function")?;
    if callee.kind_str() != "member_expression" || text(callee.field("property")?, src) != "shift" {
        return None;
    }
    let name = collection(callee.field("object")?)?;
    let mut in_loop = false;
    let mut up = node.parent();
    while let Some(ancestor) = up {
        let kind = ancestor.kind_str();
        match kind {
            "while_statement" | "do_statement" | "for_statement" => {
                if endless(ancestor, src) {
                    return Some(name);
                }
                in_loop = true;
            }
            "for_in_statement" => in_loop = true,
            _ if is_function(kind) => {
                return (in_loop && timer_callback(ancestor, src)).then_some(name);
            }
            _ => {}
        }
        up = ancestor.parent();
    }
    None
}

/// `while (true)`, `do .. while (true)`, `for (;;)`.
fn endless(loop_: Node<'_>, src: &str) -> bool {
    match loop_.field("condition") {
        None => loop_.kind_str() == "for_statement",
        Some(condition) => {
            let condition = text(condition, src);
            let condition = condition.trim_matches(|c: char| c == '(' || c == ')' || c == ';');
            matches!(condition.trim(), "true" | "1" | "")
        }
    }
}

/// Whether a function is handed to a timer: `setInterval(fn, ms)`, `setTimeout(fn, ms)`.
fn timer_callback(function: Node<'_>, src: &str) -> bool {
    let Some(call) = function
        .parent()
        .filter(|p| p.kind_str() == "arguments")
        .and_then(|a| a.parent())
    else {
        return false;
    };
    call.field("function").is_some_and(|f| {
        let name = text(f, src);
        let last = name.rsplit('.').next().unwrap_or(name);
        matches!(last, "setInterval" | "setTimeout" | "setImmediate")
    })
}
