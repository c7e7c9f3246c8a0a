//! Timers whose lifetime is one operation: `const t = setInterval(..)` (or `this.t = ..`, or a
//! self-rescheduling `t = setTimeout(tick, ms)`) whose handle the function around it also
//! clears as part of the same operation: a plain statement (`finally { clearInterval(t) }`),
//! or a callback the function hands to the operation (`job.finally(() => clearInterval(t))`,
//! `child.on('exit', () => clearInterval(t))`). A progress heartbeat while an export runs, a
//! keep-alive ping while a long request streams: it runs once per operation, not once per
//! instance. A clear only a shutdown runs (`process.on('SIGTERM', ..)`), or one in another
//! function (a `stop()` method, a returned disposer), leaves the timer per instance.

use super::syntax::{call_taking, is_function};
use super::words::words;
use crate::frontend::flat::Node;
use crate::frontend::tree::{named_children, text, Fields, Kind};

/// Enclosing functions searched for the clear (the timer's own, and those around it: the
/// operation that declared the handle of a self-rescheduling `setTimeout`).
const MAX_FUNCTIONS: usize = 3;

/// Deepest nesting searched below a function.
const MAX_DEPTH: usize = 60;

/// The calls that clear a timer.
const CLEARS: &[&str] = &["clearInterval", "clearTimeout", "clearIntervalAsync"];

/// Whether the timer `call` starts is cleared by the operation of a function around it.
pub(super) fn cleared_by_operation(call: Node<'_>, src: &str) -> bool {
    let Some(handle) = handle_of(call, src) else {
        return false;
    };
    let mut cur = call.parent();
    let mut functions = 0;
    while let Some(n) = cur {
        if is_function(n.kind_str()) {
            functions += 1;
            if functions > MAX_FUNCTIONS || awaits_shutdown(n, src) {
                return false;
            }
            if let Some(body) = n.field("body") {
                if clears_in_operation(body, n, src, &handle, call.end_byte(), 0) {
                    return true;
                }
            }
        }
        cur = n.parent();
    }
    false
}

/// The name the timer's handle is kept under: `t` in `const t = setInterval(..)` or
/// `t = setTimeout(..)`, `this.t` in `this.t = setInterval(..)`.
fn handle_of(call: Node<'_>, src: &str) -> Option<String> {
    let parent = call.parent()?;
    let target = match parent.kind_str() {
        "variable_declarator" => parent.field("name")?,
        "assignment_expression" if parent.field("right") == Some(call) => parent.field("left")?,
        _ => return None,
    };
    matches!(target.kind_str(), "identifier" | "member_expression")
        .then(|| compact(text(target, src)))
}

/// `text` without whitespace and without a trailing non-null assertion (`t!`).
fn compact(text: &str) -> String {
    let s: String = text.split_whitespace().collect();
    s.trim_end_matches('!').to_string()
}

/// A clear of `handle` below `node`, after the timer starts (`after`: a clear before it
/// re-arms a timer that lives on), that runs as part of `function`'s operation.
fn clears_in_operation(
    node: Node<'_>,
    function: Node<'_>,
    src: &str,
    handle: &str,
    after: usize,
    depth: usize,
) -> bool {
    if depth > MAX_DEPTH || node.end_byte() <= after {
        return false;
    }
    if node.kind_str() == "call_expression"
        && node.start_byte() >= after
        && is_clear_of(node, src, handle)
        && runs_in_operation(node, function, src)
    {
        return true;
    }
    named_children(node).any(|c| clears_in_operation(c, function, src, handle, after, depth + 1))
}

/// `clearInterval(handle)` (also `timers.clearInterval(handle)`).
fn is_clear_of(call: Node<'_>, src: &str, handle: &str) -> bool {
    let Some(callee) = call.field("function") else {
        return false;
    };
    let name = match callee.kind_str() {
        "identifier" => callee,
        "member_expression" => match callee.field("property") {
            Some(p) => p,
            None => return false,
        },
        _ => return false,
    };
    if !CLEARS.contains(&text(name, src)) {
        return false;
    }
    call.field("arguments")
        .and_then(|a| named_children(a).find(|c| c.kind_str() != "comment"))
        .is_some_and(|arg| compact(text(arg, src)) == handle)
}

/// Whether every function between the clear and `function` is a callback handed to a call
/// (a continuation, an event of the operation) or a local helper `function` calls or hands
/// to a call (`const finish = () => { clearInterval(t); .. }; stream.on('end', finish)`),
/// none a shutdown's handler, a method or a returned disposer.
fn runs_in_operation(clear: Node<'_>, function: Node<'_>, src: &str) -> bool {
    let mut cur = clear.parent();
    while let Some(n) = cur {
        if n == function {
            return true;
        }
        if is_function(n.kind_str())
            && !is_operation_callback(n, src)
            && !is_used_helper(n, function, src)
        {
            return false;
        }
        cur = n.parent();
    }
    false
}

/// A function declared by name inside `function` (`const finish = () => ..`, `function
/// finish() {}`) that `function` calls (`finish()`) or hands to a call that is no shutdown's
/// registration (`stream.on('end', finish)`).
fn is_used_helper(helper: Node<'_>, function: Node<'_>, src: &str) -> bool {
    let name = match helper.kind_str() {
        "function_declaration" => helper.field("name"),
        _ => helper
            .parent()
            .filter(|p| p.kind_str() == "variable_declarator")
            .and_then(|p| p.field("name")),
    };
    let Some(name) = name.filter(|n| n.kind_str() == "identifier") else {
        return false;
    };
    let name = text(name, src);
    function
        .field("body")
        .is_some_and(|body| uses_helper(body, name, src, 0))
}

/// A call of `name`, or `name` handed to a call that is no shutdown's registration, below
/// `node`.
fn uses_helper(node: Node<'_>, name: &str, src: &str, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    if node.kind_str() == "identifier" && text(node, src) == name {
        if let Some(parent) = node.parent() {
            match parent.kind_str() {
                "call_expression" if parent.field("function") == Some(node) => return true,
                "arguments" => {
                    return parent
                        .parent()
                        .is_some_and(|call| !is_shutdown_registration(call, src))
                }
                _ => {}
            }
        }
    }
    named_children(node).any(|c| uses_helper(c, name, src, depth + 1))
}

/// A function passed to a call that is not a shutdown's registration
/// (`process.on('SIGTERM', fn)`, `server.on('close', fn)` registered at start).
fn is_operation_callback(function: Node<'_>, src: &str) -> bool {
    let Some(call) = call_taking(function) else {
        return false;
    };
    !is_shutdown_registration(call, src)
}

/// `process.on(..)`, or a registration of a shutdown's event (`'SIGINT'`, `'beforeExit'`).
fn is_shutdown_registration(call: Node<'_>, src: &str) -> bool {
    let Some(callee) = call
        .field("function")
        .filter(|f| f.kind_str() == "member_expression")
    else {
        return false;
    };
    if callee
        .field("object")
        .is_some_and(|o| text(o, src) == "process")
    {
        return true;
    }
    call.field("arguments")
        .and_then(|a| named_children(a).next())
        .filter(|e| e.kind_str() == "string")
        .is_some_and(|e| {
            let event = text(e, src).trim_matches(|c| c == '\'' || c == '"' || c == '`');
            words().shutdown_events.iter().any(|s| s == event)
        })
}

/// A function that waits for the process's shutdown (it mentions a signal, `'SIGTERM'`):
/// what it clears at its end lived as long as the instance.
fn awaits_shutdown(function: Node<'_>, src: &str) -> bool {
    let body = text(function, src);
    words()
        .shutdown_events
        .iter()
        .filter(|e| e.starts_with("SIG") || e.as_str() == "beforeExit")
        .any(|e| body.contains(e.as_str()))
}
