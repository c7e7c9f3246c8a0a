//! Timers whose lifetime is one operation: a `Timer` kept in a local (or field) that the
//! method creating it also disposes or stops for good (`using var t = new Timer(..)`,
//! `finally { t.Dispose(); }`, `t.Change(Timeout.Infinite, ..)`), and a `PeriodicTimer` whose
//! ticks only loops that end with the operation consume (`while (!work.IsCompleted && await
//! t.WaitForNextTickAsync())`). A progress heartbeat while an export runs, a keep-alive while
//! a copy streams: it runs once per operation, not once per instance. A method that lives as
//! long as the service (`ExecuteAsync`, or one that awaits an endless delay) keeps its timer
//! per instance, and so does a loop on ticks that only a cancellation ends.

use super::loops::{exits_on_state, unbounded_condition};
use super::syntax::for_each_node;
use super::words::words;
use super::MAX_SCAN;
use crate::frontend::flat::Node;
use crate::frontend::tree::{named_children, text};
use crate::frontend::tree::{Fields, Kind};

/// Whether the timer `creation` builds lives only as long as the operation of its method.
pub(super) fn ends_with_operation(creation: Node<'_>, src: &str) -> bool {
    let Some((name, declaration)) = kept_in(creation, src) else {
        return false;
    };
    let Some(method) = enclosing_method(creation) else {
        return false;
    };
    if lives_with_service(method, src) {
        return false;
    }
    let Some(body) = method.field("body") else {
        return false;
    };
    let periodic = creation
        .field("type")
        .is_some_and(|t| text(t, src).ends_with("PeriodicTimer"));
    if periodic {
        return ticks_end_with_operation(body, src, &name);
    }
    declaration.is_some_and(|d| is_using(d, src))
        || stops_for_good(body, src, &name, creation.end_byte())
}

/// The name the timer is kept under (`t` in `var t = new Timer(..)`, `_t` in
/// `_t = new Timer(..)`) and, for a local, the statement declaring it.
fn kept_in<'t>(creation: Node<'t>, src: &str) -> Option<(String, Option<Node<'t>>)> {
    let mut parent = creation.parent()?;
    if parent.kind_str() == "equals_value_clause" {
        parent = parent.parent()?;
    }
    match parent.kind_str() {
        "variable_declarator" => {
            let name = parent
                .field("name")
                .or_else(|| named_children(parent).find(|c| c.kind_str() == "identifier"))?;
            let declaration = parent.parent().and_then(|d| d.parent());
            Some((text(name, src).to_string(), declaration))
        }
        "assignment_expression" if parent.field("right") == Some(creation) => {
            let left = parent.field("left")?;
            let name = text(left, src).trim_start_matches("this.").to_string();
            Some((name, None))
        }
        _ => None,
    }
}

/// The method, local function or lambda the timer is created in.
fn enclosing_method(node: Node<'_>) -> Option<Node<'_>> {
    let mut cur = node.parent();
    while let Some(n) = cur {
        match n.kind_str() {
            "method_declaration" | "local_function_statement" => return Some(n),
            "class_declaration" | "struct_declaration" | "record_declaration" => return None,
            _ => cur = n.parent(),
        }
    }
    None
}

/// A method that runs as long as the service (`ExecuteAsync`, `StartAsync`) or waits for its
/// end (`await Task.Delay(Timeout.Infinite, ct)`).
fn lives_with_service(method: Node<'_>, src: &str) -> bool {
    let w = words();
    method
        .field("name")
        .is_some_and(|n| w.service_lifetime_methods.contains(text(n, src)))
        || {
            let body: String = text(method, src).split_whitespace().collect();
            w.endless_waits.iter().any(|e| body.contains(e.as_str()))
        }
}

/// `using var t = ..;`, `await using var t = ..;`, `using (var t = ..) { .. }`.
fn is_using(declaration: Node<'_>, src: &str) -> bool {
    matches!(
        declaration.kind_str(),
        "local_declaration_statement" | "using_statement"
    ) && {
        let t = text(declaration, src);
        t.starts_with("using") || t.starts_with("await using")
    }
}

/// A call in `body`, after the timer is created (`after`), that ends it for good:
/// `t.Dispose()`, `t?.DisposeAsync()`, `t.Change(Timeout.Infinite, ..)`, `t.Stop()`. A
/// dispose before the creation re-arms a timer that lives on.
fn stops_for_good(body: Node<'_>, src: &str, name: &str, after: usize) -> bool {
    let mut found = false;
    let mut seen = 0usize;
    for_each_node(body, |node| {
        seen += 1;
        if found || seen > 4 * MAX_SCAN {
            return false;
        }
        if node.kind_str() == "invocation_expression" && node.start_byte() >= after {
            found = is_stop_of(node, src, name);
        }
        true
    });
    found
}

fn is_stop_of(call: Node<'_>, src: &str, name: &str) -> bool {
    let Some(function) = call.field("function") else {
        return false;
    };
    let callee: String = text(function, src).split_whitespace().collect();
    let callee = callee.trim_start_matches("this.");
    let Some((receiver, method)) = callee.rsplit_once('.') else {
        return false;
    };
    if receiver.trim_end_matches('?') != name {
        return false;
    }
    match method {
        "Dispose" | "DisposeAsync" | "Stop" => true,
        "Change" => call
            .field("arguments")
            .and_then(|a| a.named_child(0))
            .is_some_and(|first| {
                let t = text(first, src);
                t.contains("Infinite") || t.trim() == "-1"
            }),
        _ => false,
    }
}

/// Whether every loop of `body` that waits for `name`'s ticks ends with the operation (its
/// condition waits for a state, or it leaves once a state is reached), and there is one.
fn ticks_end_with_operation(body: Node<'_>, src: &str, name: &str) -> bool {
    let tick = format!("{name}.WaitForNextTickAsync");
    let mut loops = 0usize;
    let mut endless = false;
    let mut seen = 0usize;
    for_each_node(body, |node| {
        seen += 1;
        if endless || seen > 4 * MAX_SCAN {
            return false;
        }
        if matches!(node.kind_str(), "while_statement" | "do_statement") {
            let cond = node.field("condition");
            let ticks = cond.is_some_and(|c| text(c, src).contains(tick.as_str()))
                || node
                    .field("body")
                    .is_some_and(|b| text(b, src).contains(tick.as_str()));
            if ticks {
                loops += 1;
                let bounded = cond.is_some_and(|c| !unbounded_condition(c, src, 0))
                    || node.field("body").is_some_and(|b| exits_on_state(b, src));
                endless |= !bounded;
            }
        }
        true
    });
    loops > 0 && !endless
}
