//! Whether a loop repeats a job: conditions only a shutdown ends, and bodies that
//! consume, wait for a state or serve one request instead.

use super::syntax::{for_each_node, last_named_child, last_segment, mentions, unwrap_expr};
use super::words::words;
use super::MAX_SCAN;
use crate::frontend::flat::Node;
use crate::frontend::tree::{named_children, text};
use crate::frontend::tree::{Fields, Kind};

/// A loop condition that only a shutdown or a flag ends: `true`, `!token.IsCancellationRequested`,
/// `_running`, `await timer.WaitForNextTickAsync(ct)`, or a conjunction of these. Conditions
/// that compare (`i < n`, `x != null`) or call something (`reader.Read()`, `!File.Exists(p)`)
/// count, consume data or wait for a state, and end on their own.
pub(super) fn unbounded_condition(cond: Node<'_>, src: &str, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    let cond = unwrap_expr(cond);
    match cond.kind_str() {
        "boolean_literal" => text(cond, src) == "true",
        "identifier" | "member_access_expression" => lifecycle_flag(cond, src),
        "prefix_unary_expression" => {
            text(cond, src).starts_with('!')
                && last_named_child(cond)
                    .is_some_and(|inner| lifecycle_flag(unwrap_expr(inner), src))
        }
        "binary_expression" => {
            let op = cond.field("operator").map(|o| text(o, src)).unwrap_or("");
            matches!(op, "&&" | "||")
                && ["left", "right"].iter().all(|f| {
                    cond.field(f)
                        .is_some_and(|side| unbounded_condition(side, src, depth + 1))
                })
        }
        "invocation_expression" => cond
            .field("function")
            .and_then(|f| f.field("name"))
            .is_some_and(|n| text(n, src) == "WaitForNextTickAsync"),
        _ => false,
    }
}

/// A loop body that yields to a consumer (`yield return`), streams an HTTP response
/// (`Response.Body.WriteAsync`) or takes messages from a queue: the loop lives as long as
/// one request or enumeration, or competes with the other instances for messages; it is
/// not a job.
pub(super) fn consumer_driven(body: Node<'_>, src: &str) -> bool {
    let mut found = false;
    let mut seen = 0usize;
    for_each_node(body, |node| {
        seen += 1;
        if found || seen > 4 * MAX_SCAN {
            return false;
        }
        match node.kind_str() {
            "yield_statement" => {
                found = true;
                false
            }
            "invocation_expression" if takes_from_queue(node, src) => {
                found = true;
                false
            }
            "member_access_expression" => {
                let named_response =
                    |n: Option<Node<'_>>| n.is_some_and(|n| text(n, src) == "Response");
                found =
                    named_response(node.field("name")) || named_response(node.field("expression"));
                !found
            }
            "lambda_expression" | "anonymous_method_expression" | "local_function_statement" => {
                false
            }
            _ => true,
        }
    });
    found
}

/// `do { ...; restart = Run(); } while (restart)`: the loop's flag is set from inside its
/// own body, so the loop ends when the work says so, not on shutdown.
pub(super) fn sets_own_flag(cond: Node<'_>, body: Node<'_>, src: &str) -> bool {
    let mut flag = unwrap_expr(cond);
    if flag.kind_str() == "prefix_unary_expression" && text(flag, src).starts_with('!') {
        match last_named_child(flag) {
            Some(inner) => flag = unwrap_expr(inner),
            None => return false,
        }
    }
    if flag.kind_str() != "identifier" {
        return false;
    }
    let name = text(flag, src);
    let mut found = false;
    let mut seen = 0usize;
    for_each_node(body, |node| {
        seen += 1;
        if found || seen > 4 * MAX_SCAN {
            return false;
        }
        match node.kind_str() {
            "assignment_expression" => {
                found = node.field("left").is_some_and(|l| text(l, src) == name);
                !found
            }
            "lambda_expression" | "anonymous_method_expression" | "local_function_statement" => {
                false
            }
            _ => true,
        }
    });
    found
}

/// `while (true) { var s = await Poll(); if (s.Done) return s; await Task.Delay(d); }`: the
/// loop returns (or breaks) once a state is reached, outside error handling and not on a
/// shutdown check, so it waits for something rather than repeating a job.
pub(super) fn exits_on_state(body: Node<'_>, src: &str) -> bool {
    let mut found = false;
    let mut seen = 0usize;
    let mut stack = vec![(body, false)];
    while let Some((node, nested_loop)) = stack.pop() {
        seen += 1;
        if found || seen > 4 * MAX_SCAN {
            break;
        }
        let exits = match node.kind_str() {
            "return_statement" => true,
            "break_statement" => !nested_loop,
            _ => false,
        };
        if exits && !exit_on_shutdown(node, body, src) {
            found = true;
            break;
        }
        match node.kind_str() {
            "catch_clause"
            | "lambda_expression"
            | "anonymous_method_expression"
            | "local_function_statement" => continue,
            _ => {}
        }
        let inner_loop = nested_loop
            || matches!(
                node.kind_str(),
                "while_statement"
                    | "do_statement"
                    | "for_statement"
                    | "foreach_statement"
                    | "switch_statement"
            ) && node != body;
        for child in named_children(node) {
            stack.push((child, inner_loop));
        }
    }
    found
}

/// An exit under an `if` about the service's life (`if (ct.IsCancellationRequested)
/// return;`, `if (!_running) break;`).
fn exit_on_shutdown(exit: Node<'_>, body: Node<'_>, src: &str) -> bool {
    let mut cur = exit.parent();
    while let Some(n) = cur {
        if n == body {
            break;
        }
        // A flag about the service's life (`ct.IsCancellationRequested`, `!_running`), not
        // a state the loop reads (`StopReading(n)`, `status == Done`).
        if n.kind_str() == "if_statement"
            && n.field("condition")
                .is_some_and(|c| unbounded_condition(c, src, 0))
        {
            return true;
        }
        cur = n.parent();
    }
    false
}

/// A loop in a method that writes the HTTP response (`Response.Body`, `HttpContext.Response`):
/// it lives as long as one request (a long poll, a server-sent stream), it is not a job.
pub(super) fn serves_response(node: Node<'_>, src: &str) -> bool {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if matches!(
            n.kind_str(),
            "method_declaration" | "local_function_statement" | "lambda_expression"
        ) {
            let body = text(n, src);
            return body.len() <= 40_000
                && (body.contains("Response.Body")
                    || body.contains("Response.WriteAsync")
                    || body.contains("Response.StartAsync"));
        }
        cur = n.parent();
    }
    false
}

/// A call that takes the next message from a queue (`queue.GetNextAsync()`,
/// `ReceiveMessagesAsync`, `TryDequeue`): a loop around it is a queue consumer, which
/// instances share by competing for messages.
fn takes_from_queue(call: Node<'_>, src: &str) -> bool {
    let Some(function) = call.field("function") else {
        return false;
    };
    let (receiver, name) = match function.kind_str() {
        "member_access_expression" => (function.field("expression"), function.field("name")),
        "identifier" | "generic_name" => (None, Some(function)),
        _ => (None, None),
    };
    let name = name
        .map(|n| text(n, src).to_ascii_lowercase())
        .unwrap_or_default();
    let name = name.split('<').next().unwrap_or("");
    if [
        "receive",
        "dequeue",
        "trydequeue",
        "getmessage",
        "getnextmessage",
        "consume",
    ]
    .iter()
    .any(|p| name.starts_with(p))
    {
        return true;
    }
    receiver.is_some_and(|r| {
        let r = text(r, src).to_ascii_lowercase();
        last_segment(&r).contains("queue")
            && ["get", "read", "take", "pop", "fetch", "next"]
                .iter()
                .any(|p| name.starts_with(p))
    })
}

/// A flag that tracks the life of a service (`IsCancellationRequested`, `_running`,
/// `!_disposed`), as opposed to a state the loop waits for (`HasPendingExecutions`,
/// `!connected`, `!process.HasExited`).
fn lifecycle_flag(node: Node<'_>, src: &str) -> bool {
    let name = match node.kind_str() {
        "identifier" => Some(node),
        "member_access_expression" => node.field("name"),
        _ => None,
    };
    name.is_some_and(|n| mentions(text(n, src), &words().lifecycle_words))
}
