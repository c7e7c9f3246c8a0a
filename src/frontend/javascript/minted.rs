//! Collections written under an id the writing function has just minted: `const id =
//! crypto.randomUUID(); uploads.set(id, { parts: [] })`, `tickets[nanoid()] = job`. A fresh
//! random id is handed to a client, who comes back with it (an upload session, a job's
//! ticket, a sign-in handshake): the entry is state a later request must find, whatever the
//! collection is called. A memo or a lookup table is keyed by what it derives its value from,
//! never by a random id.

use super::words::words;
use super::*;
use crate::frontend::tree::{Fields, Kind};

/// The word a collection written under a freshly minted id is described by.
pub(super) const MINTED_WORD: &str = "minted";

/// How many statements before a write, in each block around it, may bind its key.
const BINDING_WINDOW: usize = 12;
/// How many blocks around a write are searched for its key's binding.
const BLOCK_LEVELS: usize = 6;
/// How many calls of a chain on a minted value (`randomBytes(16).toString('hex')`) are read.
const CHAIN_LIMIT: usize = 4;

/// Whether the key of a write (`x.set(key, v)`, `x.add(key)`, `x[key] = v`) is an id minted
/// where it is written: a call of a generator in place, or a local of the blocks around the
/// write bound to one shortly before it.
pub(super) fn minted_key(write: Node<'_>, src: &str) -> bool {
    let key = match write.kind_str() {
        "call_expression" => {
            let method = write
                .field("function")
                .and_then(|f| f.field("property"))
                .map(|p| text(p, src));
            if !matches!(method, Some("set" | "add")) {
                return false;
            }
            write.field("arguments").and_then(|a| a.named_child(0))
        }
        "assignment_expression" => write
            .field("left")
            .filter(|l| l.kind_str() == "subscript_expression")
            .and_then(|l| l.field("index")),
        _ => None,
    };
    let Some(key) = key else {
        return false;
    };
    match key.kind_str() {
        "identifier" => bound_to_minted(write, text(key, src), src),
        _ => is_minting(key, src),
    }
}

/// Whether `name` is declared, in a block around `node` and before it, with a minted value.
fn bound_to_minted(node: Node<'_>, name: &str, src: &str) -> bool {
    let mut levels = 0;
    let mut child = node;
    let mut up = node.parent();
    while let Some(ancestor) = up {
        if levels >= BLOCK_LEVELS {
            return false;
        }
        if matches!(ancestor.kind_str(), "statement_block" | "program") {
            levels += 1;
            let mut statement = statement_in(ancestor, child).and_then(|s| s.prev_named_sibling());
            for _ in 0..BINDING_WINDOW {
                let Some(s) = statement else { break };
                if declares_minted(s, name, src) {
                    return true;
                }
                statement = s.prev_named_sibling();
            }
        }
        if is_function(ancestor.kind_str())
            && ancestor.parent().is_some_and(|p| p.kind_str() == "program")
        {
            return false;
        }
        child = ancestor;
        up = ancestor.parent();
    }
    false
}

/// The direct child of `block` that holds `node`.
fn statement_in<'t>(block: Node<'t>, node: Node<'t>) -> Option<Node<'t>> {
    let mut current = node;
    while current.parent()? != block {
        current = current.parent()?;
    }
    Some(current)
}

/// `const name = mint()` (also `let`, `var`, among other declarators).
fn declares_minted(statement: Node<'_>, name: &str, src: &str) -> bool {
    if !matches!(
        statement.kind_str(),
        "lexical_declaration" | "variable_declaration"
    ) {
        return false;
    }
    named_children(statement).any(|declarator| {
        declarator
            .field("name")
            .is_some_and(|n| n.kind_str() == "identifier" && text(n, src) == name)
            && declarator
                .field("value")
                .is_some_and(|v| is_minting(v, src))
    })
}

/// Whether a value is a call of an id generator (`randomUUID()`, `nanoid()`, `uuidv4()`),
/// awaited or formatted (`randomBytes(16).toString('hex')`).
fn is_minting(value: Node<'_>, src: &str) -> bool {
    let mut value = value;
    for _ in 0..CHAIN_LIMIT {
        while matches!(
            value.kind_str(),
            "await_expression" | "parenthesized_expression" | "as_expression"
        ) {
            match value.named_child(0) {
                Some(inner) => value = inner,
                None => return false,
            }
        }
        if value.kind_str() != "call_expression" {
            return false;
        }
        let Some(callee) = value.field("function") else {
            return false;
        };
        let name = match callee.kind_str() {
            "member_expression" => callee.field("property").map(|p| text(p, src)),
            "identifier" => Some(text(callee, src)),
            _ => None,
        };
        let Some(name) = name else {
            return false;
        };
        if words().minting_calls.contains(name) {
            return true;
        }
        // `randomBytes(16).toString('hex')`: the formatted id.
        match callee.field("object") {
            Some(object) if callee.kind_str() == "member_expression" => value = object,
            _ => return false,
        }
    }
    false
}
