//! Registries of this process's own live connections: a module-level collection that stores
//! the connection objects themselves (`sockets.add(socket)`, `connections[key] = conn`) and
//! is otherwise only emptied (`delete`, `clear`), counted (`sockets.size`,
//! `Object.keys(connections).length`) or walked to close its elements
//! (`for (const s of sockets) s.destroy()`). That is what a graceful shutdown keeps: no
//! request reads a client's state from it, so it is not per-client state.
//!
//! Also state of one connection kept under that connection's own id and reached only by it
//! (`uploads[socket.id] = ..`, `uploads[socket.id]`, `delete uploads[socket.id]`): only that
//! connection's messages read it, and they reach the instance that holds the connection.

use super::*;
use crate::frontend::tree::Fields;
use crate::reach::words::split_words;

/// Words of a name that stands for a live connection (`socket`, `ws`, `conn`).
const CONNECTION_WORDS: &[&str] = &["socket", "websocket", "ws", "conn", "connection"];

/// Methods that end a connection.
const CLOSE_METHODS: &[&str] = &["destroy", "end", "close", "terminate", "disconnect"];

/// How one mention of a collection uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Use {
    /// Stores an object as it is (`add(socket)`, `set(key, conn)`, `x[key] = conn`).
    StoresObject,
    /// Removes elements (`delete`, `clear`, `delete x[key]`).
    Removes,
    /// Counts the elements (`size`, `length`, `Object.keys(x).length`).
    Counts,
    /// Walks the elements only to close them.
    Closes,
    /// Anything else: a lookup, a walk that does more, a write of data, passing it on.
    Other,
}

/// What the mentions of one collection add up to.
#[derive(Debug, Default)]
pub(super) struct Uses {
    other: bool,
    drains: bool,
    mentions: usize,
    by_connection: usize,
}

impl Uses {
    /// Adds one mention, and whether its key is the id of a connection (see
    /// [`keyed_by_connection`]).
    pub(super) fn record(&mut self, used: Use, by_connection: bool) {
        match used {
            Use::Other => self.other = true,
            Use::Counts | Use::Closes => self.drains = true,
            Use::StoresObject | Use::Removes => {}
        }
        self.mentions += 1;
        self.by_connection += usize::from(by_connection);
    }

    /// Only stored, emptied, counted and closed (counted or closed at least once): a
    /// registry of this process's own connections; or only reached under a connection's
    /// own id, and read so at least once: that connection's state.
    pub(super) fn per_connection(&self) -> bool {
        (self.drains && !self.other) || (self.other && self.by_connection == self.mentions)
    }
}

/// Whether the mention `name` of a collection is keyed by a connection's own id:
/// `x[socket.id]`, `x.get(ws.id)`, `x.set(conn.id, ..)`, `x.delete(socket.id)`.
pub(super) fn keyed_by_connection(name: Node<'_>, src: &str) -> bool {
    let Some(parent) = name.parent() else {
        return false;
    };
    let key = match parent.kind_str() {
        "subscript_expression" if is_field(parent, "object", name) => parent.field("index"),
        "member_expression" if is_field(parent, "object", name) => {
            let method = parent.field("property").map_or("", |p| text(p, src));
            parent
                .parent()
                .filter(|c| c.kind_str() == "call_expression" && is_field(*c, "function", parent))
                .filter(|_| matches!(method, "get" | "set" | "has" | "delete"))
                .and_then(|c| c.field("arguments"))
                .and_then(|a| a.named_child(0))
        }
        _ => None,
    };
    key.filter(|k| k.kind_str() == "member_expression")
        .filter(|k| k.field("property").is_some_and(|p| text(p, src) == "id"))
        .and_then(|k| k.field("object"))
        .filter(|o| o.kind_str() == "identifier")
        .is_some_and(|o| {
            split_words(text(o, src))
                .iter()
                .any(|w| CONNECTION_WORDS.contains(&w.as_str()))
        })
}

/// How the mention `name` (an identifier naming a module-level collection) uses it; `None`
/// for the name in its own declaration.
pub(super) fn use_of(name: Node<'_>, src: &str) -> Option<Use> {
    let parent = name.parent()?;
    Some(match parent.kind_str() {
        "variable_declarator" if is_field(parent, "name", name) => return None,
        "member_expression" if is_field(parent, "object", name) => member_use(parent, src),
        "subscript_expression" if is_field(parent, "object", name) => subscript_use(parent, src),
        "for_in_statement" if is_field(parent, "right", name) => loop_use(parent, src),
        "arguments" => object_helper_use(parent, name, src),
        _ => Use::Other,
    })
}

fn is_field(parent: Node<'_>, field: &'static str, child: Node<'_>) -> bool {
    parent.field(field).is_some_and(|n| n.id() == child.id())
}

/// `x.size`, `x.add(socket)`, `x.delete(k)`, `x.forEach((s) => s.close())`, `x.values()`.
fn member_use(member: Node<'_>, src: &str) -> Use {
    let property = member.field("property").map_or("", |p| text(p, src));
    let call = member
        .parent()
        .filter(|p| p.kind_str() == "call_expression" && is_field(*p, "function", member));
    let Some(call) = call else {
        return match property {
            "size" | "length" => Use::Counts,
            _ => Use::Other,
        };
    };
    let argument = |i: u32| call.field("arguments").and_then(|a| a.named_child(i));
    match property {
        "add" | "push" | "unshift" => stores(argument(0)),
        "set" => stores(argument(1)),
        "delete" | "clear" | "splice" => Use::Removes,
        "forEach" if argument(0).is_some_and(|f| callback_closes(f, src)) => Use::Closes,
        "values" => walked(call, src),
        _ => Use::Other,
    }
}

/// `x[key] = conn`, `delete x[key]`, `x[key].destroy()`.
fn subscript_use(subscript: Node<'_>, src: &str) -> Use {
    let Some(parent) = subscript.parent() else {
        return Use::Other;
    };
    match parent.kind_str() {
        "assignment_expression" if is_field(parent, "left", subscript) => {
            stores(parent.field("right"))
        }
        "unary_expression"
            if parent
                .field("operator")
                .is_some_and(|o| o.kind_str() == "delete") =>
        {
            Use::Removes
        }
        "member_expression"
            if is_field(parent, "object", subscript)
                && parent
                    .field("property")
                    .is_some_and(|p| CLOSE_METHODS.contains(&text(p, src)))
                && parent
                    .parent()
                    .is_some_and(|c| c.kind_str() == "call_expression") =>
        {
            Use::Closes
        }
        _ => Use::Other,
    }
}

/// `Object.keys(x).length`, `for (const c of Object.values(x)) c.destroy()`.
fn object_helper_use(arguments: Node<'_>, name: Node<'_>, src: &str) -> Use {
    let Some(call) = arguments
        .parent()
        .filter(|c| c.kind_str() == "call_expression")
    else {
        return Use::Other;
    };
    let first = arguments
        .named_child(0)
        .is_some_and(|a| a.id() == name.id());
    let helper = call.field("function").map_or("", |f| text(f, src));
    if !first || !matches!(helper, "Object.keys" | "Object.values" | "Object.entries") {
        return Use::Other;
    }
    match call.parent() {
        Some(member)
            if member.kind_str() == "member_expression"
                && member
                    .field("property")
                    .is_some_and(|p| text(p, src) == "length")
                && member
                    .parent()
                    .is_none_or(|p| !is_field(p, "function", member)) =>
        {
            Use::Counts
        }
        _ if helper == "Object.values" => walked(call, src),
        _ => Use::Other,
    }
}

/// A call whose result a `for .. of` loop walks (`x.values()`, `Object.values(x)`).
fn walked(call: Node<'_>, src: &str) -> Use {
    match call.parent() {
        Some(l) if l.kind_str() == "for_in_statement" && is_field(l, "right", call) => {
            loop_use(l, src)
        }
        _ => Use::Other,
    }
}

/// `for (const s of x) s.destroy();`
fn loop_use(for_in: Node<'_>, src: &str) -> Use {
    let variable = for_in
        .field("left")
        .filter(|l| l.kind_str() == "identifier");
    // `for (const key in x) x[key].destroy()` walks the keys: the element is `x[key]`.
    let keys = for_in
        .field("operator")
        .is_some_and(|o| text(o, src) == "in");
    let element = match (variable, for_in.field("right")) {
        (Some(v), Some(collection)) if keys => {
            format!("{}[{}]", text(collection, src), text(v, src))
        }
        (Some(v), _) => text(v, src).to_string(),
        _ => return Use::Other,
    };
    match for_in.field("body") {
        Some(body) if closes(body, &element, src) => Use::Closes,
        _ => Use::Other,
    }
}

/// `(s) => s.close()`, `function (s) { s.destroy(); }`.
fn callback_closes(callback: Node<'_>, src: &str) -> bool {
    if !is_function(callback.kind_str()) {
        return false;
    }
    let parameter = callback.field("parameter").or_else(|| {
        callback
            .field("parameters")
            .and_then(|p| p.named_child(0))
            .map(|p| p.field("pattern").unwrap_or(p))
    });
    match (parameter, callback.field("body")) {
        (Some(p), Some(body)) if p.kind_str() == "identifier" => closes(body, text(p, src), src),
        _ => false,
    }
}

/// A body or statement that only calls close methods on `element`.
fn closes(node: Node<'_>, element: &str, src: &str) -> bool {
    match node.kind_str() {
        "statement_block" => {
            let mut statements = named_children(node)
                .filter(|s| s.kind_str() != "comment")
                .peekable();
            statements.peek().is_some() && statements.all(|s| closes(s, element, src))
        }
        "expression_statement" => node.named_child(0).is_some_and(|e| closes(e, element, src)),
        "await_expression" => node.named_child(0).is_some_and(|e| closes(e, element, src)),
        "call_expression" => node.field("function").is_some_and(|f| {
            f.kind_str() == "member_expression"
                && f.field("object").is_some_and(|o| {
                    matches!(o.kind_str(), "identifier" | "subscript_expression")
                        && text(o, src) == element
                })
                && f.field("property")
                    .is_some_and(|p| CLOSE_METHODS.contains(&text(p, src)))
        }),
        _ => false,
    }
}

/// A write of the object itself (an identifier), not of data built for it.
fn stores(value: Option<Node<'_>>) -> Use {
    match value {
        Some(v) if v.kind_str() == "identifier" => Use::StoresObject,
        _ => Use::Other,
    }
}
