//! Timers bound to one client's connection: `const id = setInterval(..)` in a function that
//! also registers a close handler clearing it (`ws.on('close', () => clearInterval(id))`,
//! `req.on('close', ..)`, `socket.once('disconnect', ..)`). The timer lives as long as that
//! connection or stream, and the connection is held by one instance, so scaling out does
//! not run it more than once: a stats stream, a heartbeat or a server-sent-events tick.
//! So is any timer a server's connection handler starts (`io.on('connection', socket =>
//! ..)`, NestJS's `handleConnection(client)`): it runs once per client connection, which one
//! instance holds, not once per instance (a client's `connect` event is no such handler: a
//! database client connects once per process).

use super::syntax::{call_taking, is_function};
use crate::frontend::flat::Node;
use crate::frontend::tree::{named_children, text, Fields, Kind};

/// Events that end a connection, a request or a stream.
const CLOSE_EVENTS: &[&str] = &["close", "disconnect", "end", "finish", "aborted"];

/// The event a server raises for each new client connection (socket.io, `ws`, `net`).
const CONNECTION_EVENT: &str = "connection";

/// The method NestJS calls for each new client of a gateway (`OnGatewayConnection`).
const CONNECTION_HOOK: &str = "handleConnection";

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

/// Whether `call` runs inside a server's handler of a new client connection (the callback of
/// `x.on('connection', ..)` or a gateway's `handleConnection` method), at any depth.
pub(super) fn in_connection_handler(call: Node<'_>, src: &str) -> bool {
    let mut cur = call.parent();
    let mut depth = 0;
    while let Some(n) = cur {
        depth += 1;
        if depth > MAX_DEPTH * 4 {
            return false;
        }
        if n.kind_str() == "method_definition"
            && n.field("name")
                .is_some_and(|m| text(m, src) == CONNECTION_HOOK)
        {
            return true;
        }
        if is_function(n.kind_str()) && is_connection_callback(n, src) {
            return true;
        }
        cur = n.parent();
    }
    false
}

/// A function passed to `x.on('connection', fn)` (or `once`, `addListener`).
fn is_connection_callback(function: Node<'_>, src: &str) -> bool {
    let Some(call) = call_taking(function) else {
        return false;
    };
    handler_event(call, src) == Some(CONNECTION_EVENT)
}

/// The event a handler registration names: `connection` in `io.on('connection', cb)`.
fn handler_event<'s>(call: Node<'_>, src: &'s str) -> Option<&'s str> {
    let method = call
        .field("function")
        .filter(|f| f.kind_str() == "member_expression")
        .and_then(|f| f.field("property"))?;
    if !HANDLER_METHODS.contains(&text(method, src)) {
        return None;
    }
    let args = call.field("arguments")?;
    let event = named_children(args).next()?;
    (event.kind_str() == "string")
        .then(|| text(event, src).trim_matches(|c| c == '\'' || c == '"' || c == '`'))
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
    if !handler_event(call, src).is_some_and(|e| CLOSE_EVENTS.contains(&e)) {
        return false;
    }
    let Some(args) = call.field("arguments") else {
        return false;
    };
    named_children(args).nth(1).is_some_and(|cb| {
        let body: String = text(cb, src).split_whitespace().collect();
        clear.iter().any(|c| body.contains(c.as_str()))
    })
}
