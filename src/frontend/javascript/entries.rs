//! What a write puts into a collection, read from the written value's code when no type
//! says it (plain JavaScript): a live handle of this process (`spawn(cmd)`, `setInterval(fn,
//! ms)`, `new AbortController()`, a connection it opens itself, `new WebSocket(url)`, a local
//! named `child`)
//! or a function it will call (`queue.push(resolve)`, `pending.set(id, { resolve, reject })`)
//! is its own bookkeeping (see [`handles`](crate::frontend::handles)); a literal, a record with
//! data in it or a one-shot timer that ends the entry it is stored under (`setTimeout(() =>
//! delete tries[ip], ttl)`: the entry is the state, the timer its expiry) is data.

use super::state::unwrap_type_assertion;
use super::words::words;
use super::*;
use crate::frontend::handles::Entry;
use crate::frontend::tree::Fields;
use crate::reach::words::split_words;

/// What the write `node` (a `set`, `add`, `push`, `unshift` or an assignment under a key)
/// puts into the collection named `collection`; `None` for other writes.
pub(super) fn written_entry(node: Node<'_>, src: &str, collection: &str) -> Option<Entry> {
    let value = match node.kind_str() {
        "call_expression" => {
            let method = node
                .field("function")
                .and_then(|f| f.field("property"))
                .map(|p| text(p, src));
            let position = match method {
                Some("set") => 1,
                Some("add" | "push" | "unshift") => 0,
                _ => return None,
            };
            node.field("arguments")?.named_child(position)?
        }
        "assignment_expression" => node.field("right")?,
        _ => return None,
    };
    if let Some(entry) = filled_list(node, value, src, collection) {
        return Some(entry);
    }
    Some(value_entry(value, src, collection, 0))
}

/// An empty list stored under a key and bound to a local in the same expression
/// (`queue = waiting[id] = []`): its entries are what the function then adds through that
/// local (`queue.push(resolve)`: a list of functions this process will call).
fn filled_list(write: Node<'_>, value: Node<'_>, src: &str, collection: &str) -> Option<Entry> {
    if value.kind_str() != "array" || value.named_child_count() > 0 {
        return None;
    }
    let parent = write.parent()?;
    let local = match parent.kind_str() {
        "assignment_expression" => parent.field("left"),
        "variable_declarator" => parent.field("name"),
        _ => None,
    }
    .filter(|l| l.kind_str() == "identifier")
    .map(|l| text(l, src))?;
    let mut function = parent;
    while !is_function(function.kind_str()) {
        function = function.parent()?;
    }
    let mut entries = Vec::new();
    let mut stack = vec![(function, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            continue;
        }
        if node.kind_str() == "call_expression" {
            let added = node
                .field("function")
                .filter(|f| f.kind_str() == "member_expression")
                .filter(|f| f.field("object").is_some_and(|o| text(o, src) == local))
                .and_then(|f| f.field("property"))
                .is_some_and(|p| matches!(text(p, src), "push" | "unshift"));
            if let Some(added) = node
                .field("arguments")
                .and_then(|a| a.named_child(0))
                .filter(|_| added)
            {
                entries.push(value_entry(added, src, collection, 1));
            }
        }
        for child in named_children(node) {
            stack.push((child, depth + 1));
        }
    }
    (!entries.is_empty() && entries.iter().all(|e| *e == Entry::Own)).then_some(Entry::Own)
}

/// The word a list of callers waiting in line is described by (see [`awaited_entry`]).
pub(super) const AWAITED_WORD: &str = "awaited";

/// A record carrying the resolver of a promise that a write adds to a list under no key
/// (`queue.push({ id, args, resolve })`): a caller of this process waiting in line for
/// something this process does (a worker of its pool, a slot of its limiter). The caller
/// awaits it here, so the record is this process's own work in flight, whatever data it
/// carries beside; a record stored under a key (`waiting.set(code, { email, resolve })`) may
/// be resolved by a later request and is judged by its fields.
pub(super) fn awaited_entry(node: Node<'_>, src: &str) -> bool {
    let pushed = node.kind_str() == "call_expression"
        && node
            .field("function")
            .and_then(|f| f.field("property"))
            .is_some_and(|p| matches!(text(p, src), "push" | "unshift"));
    let Some(value) = node
        .field("arguments")
        .and_then(|a| a.named_child(0))
        .filter(|_| pushed)
        .map(unwrap_type_assertion)
    else {
        return false;
    };
    value.kind_str() == "object"
        && named_children(value).any(|property| {
            let name = match property.kind_str() {
                "shorthand_property_identifier" => Some(property),
                "pair" => property.field("key"),
                _ => None,
            };
            name.is_some_and(|n| matches!(text(n, src), "resolve" | "resolver"))
        })
}

/// Object literals nested deeper than this say nothing.
const MAX_NESTING: usize = 4;

fn value_entry(value: Node<'_>, src: &str, collection: &str, depth: usize) -> Entry {
    let value = unwrap_type_assertion(value);
    let kind = value.kind_str();
    if is_function(kind) {
        return Entry::Own;
    }
    match kind {
        "new_expression" => {
            let constructor = value.field("constructor").map(|c| text(c, src));
            match constructor.map(last_segment) {
                Some(name) if words().handle_constructors.contains(name) => Entry::Own,
                Some(_) => Entry::Data,
                None => Entry::Unknown,
            }
        }
        "call_expression" => call_entry(value, src, collection),
        "identifier" => {
            let handles = &words().handle_names;
            let name = text(value, src);
            if split_words(name)
                .iter()
                .any(|w| handles.contains(w.as_str()))
            {
                return Entry::Own;
            }
            match bound_value(value, src, name) {
                Some(bound) if depth < MAX_NESTING => {
                    value_entry(bound, src, collection, depth + 1)
                }
                _ => Entry::Unknown,
            }
        }
        "object" if depth < MAX_NESTING => {
            let entries: Vec<Entry> = named_children(value)
                .map(|property| match property.kind_str() {
                    "shorthand_property_identifier" => {
                        let handles = &words().handle_names;
                        let own = split_words(text(property, src))
                            .iter()
                            .any(|w| handles.contains(w.as_str()));
                        if own {
                            Entry::Own
                        } else {
                            Entry::Data
                        }
                    }
                    "method_definition" => Entry::Own,
                    "pair" => match property.field("value") {
                        Some(v) => match value_entry(v, src, collection, depth + 1) {
                            Entry::Own => Entry::Own,
                            _ => Entry::Data,
                        },
                        None => Entry::Data,
                    },
                    _ => Entry::Data,
                })
                .collect();
            if !entries.is_empty() && entries.iter().all(|e| *e == Entry::Own) {
                Entry::Own
            } else {
                Entry::Data
            }
        }
        "string" | "template_string" | "number" | "true" | "false" | "object" => Entry::Data,
        _ => Entry::Unknown,
    }
}

/// The value a local `name` is declared with (`const socket = new WebSocket(url)`) in a
/// block around `node`, before it: the statements of each enclosing block are read once.
fn bound_value<'t>(node: Node<'t>, src: &str, name: &str) -> Option<Node<'t>> {
    let mut inner = node;
    while let Some(parent) = inner.parent() {
        if is_function(parent.kind_str()) {
            return None;
        }
        if parent.kind_str() == "statement_block" {
            let before = named_children(parent).take_while(|s| s.start_byte() < inner.start_byte());
            for statement in before {
                if !matches!(
                    statement.kind_str(),
                    "lexical_declaration" | "variable_declaration"
                ) {
                    continue;
                }
                let found = named_children(statement)
                    .find(|d| d.field("name").is_some_and(|n| text(n, src) == name));
                if let Some(declarator) = found {
                    return declarator.field("value");
                }
            }
        }
        inner = parent;
    }
    None
}

/// A call that makes a live handle (`spawn(..)`, `setInterval(..)`, `fs.watch(..)`), unless it
/// is a one-shot timer whose callback ends the entry (`setTimeout(() => delete
/// tries[ip], ttl)`): then the entry is data that expires.
fn call_entry(call: Node<'_>, src: &str, collection: &str) -> Entry {
    let Some(name) = call.field("function").map(|f| last_segment(text(f, src))) else {
        return Entry::Unknown;
    };
    if !words().handle_calls.contains(name) {
        return Entry::Unknown;
    }
    let expires = name == "setTimeout"
        && call
            .field("arguments")
            .and_then(|a| a.named_child(0))
            .is_some_and(|callback| text(callback, src).contains(collection));
    if expires {
        Entry::Data
    } else {
        Entry::Own
    }
}

/// `Socket` of `io.Socket`, `spawn` of `child_process.spawn`.
fn last_segment(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name).trim()
}
