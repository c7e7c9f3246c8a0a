//! Timers bound to one client's connection: `const id = setInterval(..)` in a function that
//! also registers a close handler clearing it (`ws.on('close', () => clearInterval(id))`,
//! `req.on('close', ..)`, `socket.once('disconnect', ..)`). The timer lives as long as that
//! connection or stream, and the connection is held by one instance, so scaling out does
//! not run it more than once: a stats stream, a heartbeat or a server-sent-events tick.

use super::syntax::is_function;
use crate::frontend::flat::Node;
use crate::frontend::tree::{named_children, text, Fields, Kind};

/// Events that end a connection, a request or a stream.
const CLOSE_EVENTS: &[&str] = &["close", "disconnect", "end", "finish", "aborted"];

/// Methods that register an event handler.
const HANDLER_METHODS: &[&str] = &["on", "once", "addListener", "addEventListener"];

/// Deepest nesting searched below the enclosing function.
const MAX_DEPTH: usize = 40;

/// Whether the timer started by `call` is kept in a variable that a close handler
/// registered in the same function clears.
pub(super) fn cleared_on_close(call: Node<'_>, src: &str) -> bool {
    let Some(declarator) = call
        .parent()
        .filter(|p| p.kind_str() == "variable_declarator")
    else {
        return false;
    };
    let Some(id) = declarator
        .field("name")
        .filter(|n| n.kind_str() == "identifier")
        .map(|n| text(n, src))
    else {
        return false;
    };
    let mut function = declarator;
    while !is_function(function.kind_str()) {
        match function.parent() {
            Some(p) => function = p,
            None => return false,
        }
    }
    let clear = [
        format!("clearInterval({id})"),
        format!("clearTimeout({id})"),
    ];
    registers_clearing_close_handler(function, src, &clear, 0)
}

/// A close handler below `node` whose callback clears the timer.
fn registers_clearing_close_handler(
    node: Node<'_>,
    src: &str,
    clear: &[String],
    depth: usize,
) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    if node.kind_str() == "call_expression" && is_clearing_close_handler(node, src, clear) {
        return true;
    }
    named_children(node).any(|c| registers_clearing_close_handler(c, src, clear, depth + 1))
}

/// `x.on('close', cb)` where `cb` clears the timer.
fn is_clearing_close_handler(call: Node<'_>, src: &str, clear: &[String]) -> bool {
    let Some(method) = call
        .field("function")
        .filter(|f| f.kind_str() == "member_expression")
        .and_then(|f| f.field("property"))
    else {
        return false;
    };
    if !HANDLER_METHODS.contains(&text(method, src)) {
        return false;
    }
    let Some(args) = call.field("arguments") else {
        return false;
    };
    let mut args = named_children(args);
    let event = args
        .next()
        .filter(|e| e.kind_str() == "string")
        .map(|e| text(e, src).trim_matches(|c| c == '\'' || c == '"' || c == '`'));
    if !event.is_some_and(|e| CLOSE_EVENTS.contains(&e)) {
        return false;
    }
    args.next().is_some_and(|cb| {
        let body: String = text(cb, src).split_whitespace().collect();
        clear.iter().any(|c| body.contains(c.as_str()))
    })
}
