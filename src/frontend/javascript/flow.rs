//! Control-flow shapes: unbounded and waiting loops, retry and dev-only conditions, and
//! which functions call which (for self-rescheduling timers).

use super::*;
use crate::frontend::tree::{Fields, Kind};

pub(super) fn looks_error_condition(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    looks_retry(&t) || t.contains("err") || t.contains("fail")
}

/// A condition that holds when the work did not succeed: `!success`, `!ok`, `!completed` (a
/// flag set once the work succeeded, tested in a `finally`).
pub(super) fn is_unsuccessful_condition(text: &str) -> bool {
    let squashed: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')'))
        .collect::<String>()
        .to_ascii_lowercase();
    matches!(
        squashed.as_str(),
        "!success" | "!succeeded" | "!ok" | "!completed" | "!iscompleted" | "!done"
    )
}

/// A function named for handling a failure (`abortWithError`, `onError`, `rollbackUpload`):
/// it runs when something went wrong.
pub(super) fn names_failure_handling(name: &str) -> bool {
    crate::frontend::words::has_word(
        name,
        &["error", "abort", "fail", "failed", "failure", "rollback"],
    )
}

/// A condition under which code only runs in development or tests: `isDev`,
/// `process.env.NODE_ENV !== 'production'`, `NODE_ENV === 'test'`.
pub(super) fn is_dev_only_condition(condition: &str) -> bool {
    let c = condition.to_ascii_lowercase();
    let squashed: String = c.chars().filter(|ch| !ch.is_whitespace()).collect();
    let env = squashed.contains("node_env") || squashed.contains("app_env");
    squashed.contains("isdev")
        || squashed.contains("devmode")
        || (env
            && (squashed.contains("==='development'") || squashed.contains("==\"development\"")))
        || (env && squashed.contains("!==") && squashed.contains("production"))
        || (env && (squashed.contains("==='test'") || squashed.contains("===\"test\"")))
}

/// `while (true)`, `while (!stopped)`, `for (;;)`: no counting bound.
pub(super) fn is_unbounded_condition(condition: Option<Node<'_>>, src: &str) -> bool {
    let Some(mut c) = condition else {
        return true;
    };
    while c.kind_str() == "parenthesized_expression" {
        match c.named_child(0) {
            Some(inner) => c = inner,
            None => return true,
        }
    }
    if c.kind_str() == "empty_statement" || text(c, src).trim() == ";" {
        return true;
    }
    if c.kind_str() == "binary_expression" {
        let op = c.field("operator").map(|o| text(o, src)).unwrap_or("");
        let side = |field| is_unbounded_condition(c.field(field), src);
        return match op {
            "<" | "<=" | ">" | ">=" | "==" | "===" | "!=" | "!==" => false,
            // `attempt < 20 && !found` is bounded by its counter.
            "&&" => side("left") && side("right"),
            _ => true,
        };
    }
    // `while (!this.isAllSaved(doc))`, `while (!(await ready()))`: waits until a state is
    // reached; a check of the service's life (`!isShuttingDown()`) runs until shutdown.
    let mut operand = c;
    while matches!(
        operand.kind_str(),
        "unary_expression" | "await_expression" | "parenthesized_expression"
    ) {
        match operand.named_child(0) {
            Some(inner) => operand = inner,
            None => break,
        }
    }
    if operand.kind_str() == "call_expression" && !names_shutdown(text(operand, src)) {
        return false;
    }
    !matches!(c.kind_str(), "number" | "false" | "null" | "undefined")
}

/// A loop on a flag (`while (!done)`) whose own body sets that flag (`if (item === null) done =
/// true;`): it ends when its work runs out, not at shutdown, which another function signals.
pub(super) fn sets_own_flag(
    condition: Option<Node<'_>>,
    body: Option<Node<'_>>,
    src: &str,
) -> bool {
    let (Some(mut flag), Some(body)) = (condition, body) else {
        return false;
    };
    while matches!(
        flag.kind_str(),
        "parenthesized_expression" | "unary_expression"
    ) {
        match flag.named_child(0) {
            Some(inner) => flag = inner,
            None => return false,
        }
    }
    if !matches!(flag.kind_str(), "identifier" | "member_expression") {
        return false;
    }
    assigns(body, text(flag, src), src, 0)
}

/// Whether `node` assigns `name` outside nested functions.
fn assigns(node: Node<'_>, name: &str, src: &str, depth: usize) -> bool {
    if depth > 60 || is_function(node.kind_str()) {
        return false;
    }
    if node.kind_str() == "assignment_expression"
        && node.field("left").is_some_and(|l| text(l, src) == name)
    {
        return true;
    }
    named_children(node).any(|c| assigns(c, name, src, depth + 1))
}

/// A loop that only a shutdown ends (`while (true)`, `for (;;)`, `do { } while (!this.stopped)`,
/// `while (!signal.aborted)`): it may run for the process's lifetime. Narrower than
/// [`is_unbounded_condition`]: a flag counts only when its name speaks of the service's life.
pub(super) fn is_endless_loop(node: Node<'_>, src: &str) -> bool {
    let condition = node.field("condition");
    if node.kind_str() == "for_statement"
        && condition.is_none_or(|c| c.kind_str() == "empty_statement" || text(c, src).trim() == ";")
    {
        return true;
    }
    let Some(mut c) = condition else {
        return false;
    };
    loop {
        match c.kind_str() {
            "parenthesized_expression" | "unary_expression" if text(c, src).len() < 200 => {
                match c.named_child(0) {
                    Some(inner) => c = inner,
                    None => return false,
                }
            }
            "true" => return true,
            "number" => return text(c, src) == "1",
            "identifier" | "member_expression" => return names_shutdown(text(c, src)),
            _ => return false,
        }
    }
}

/// Whether a condition's text speaks of the service's life ending (`signal.aborted`,
/// `isShuttingDown()`, `this.running`).
fn names_shutdown(condition: &str) -> bool {
    let t = condition.to_ascii_lowercase();
    [
        "abort",
        "stop",
        "shutdown",
        "shuttingdown",
        "closing",
        "closed",
        "cancel",
        "running",
        "exit",
        "disposed",
    ]
    .iter()
    .any(|w| t.contains(w))
}

/// Whether an exit's condition holds only on shutdown: it names shutdown, and so does each
/// side of an `||` (`if (!ids.length || stopped) return;` also leaves when the work is done).
fn only_shutdown(condition: Node<'_>, src: &str, depth: usize) -> bool {
    if depth > 60 {
        return false;
    }
    match condition.kind_str() {
        "parenthesized_expression" => named_children(condition)
            .next()
            .is_some_and(|inner| only_shutdown(inner, src, depth + 1)),
        "binary_expression"
            if condition
                .field("operator")
                .is_some_and(|o| text(o, src) == "||") =>
        {
            [condition.field("left"), condition.field("right")]
                .into_iter()
                .all(|side| side.is_some_and(|s| only_shutdown(s, src, depth + 1)))
        }
        _ => names_shutdown(text(condition, src)),
    }
}

/// A loop whose body is a single statement (`while (paused) await sleep(200);`): with a real
/// condition it waits for that condition and does no recurring work of its own.
pub(super) fn is_wait_loop(body: Option<Node<'_>>) -> bool {
    let Some(mut body) = body else {
        return false;
    };
    if body.kind_str() == "statement_block" {
        let mut statements = named_children(body).filter(|n| n.kind_str() != "comment");
        match (statements.next(), statements.next()) {
            (Some(only), None) => body = only,
            _ => return false,
        }
    }
    body.kind_str() == "expression_statement"
}

/// A loop body that leaves the loop when its work is done (`if (!rows.length) break;`):
/// a batch loop, not a periodic job. Exits guarded by a shutdown check
/// (`if (signal.aborted) return;`) do not count; nested loops and functions are not searched.
pub(super) fn exits_when_done(node: Node<'_>, src: &str, depth: usize) -> bool {
    if depth > 60 {
        return false;
    }
    match node.kind_str() {
        "break_statement" | "return_statement" => true,
        "if_statement" => {
            let shutdown = node
                .field("condition")
                .is_some_and(|c| only_shutdown(c, src, depth));
            !shutdown
                && named_children(node)
                    .skip(1)
                    .any(|c| exits_when_done(c, src, depth + 1))
        }
        "switch_statement" | "while_statement" | "do_statement" | "for_statement"
        | "for_in_statement" => false,
        kind if is_function(kind) || kind == "class_declaration" => false,
        _ => named_children(node).any(|c| exits_when_done(c, src, depth + 1)),
    }
}

/// How code refers to a function when it calls it: `tick` for a declaration or a
/// `const tick = () => ...`, `this.poll` for a method or class field, `jobs.run` for
/// `jobs.run = function () {...}`.
pub(super) fn function_reference(node: Node<'_>, src: &str) -> Option<String> {
    function_reference_under(node, None, src)
}

/// [`function_reference`] of a node whose parent the caller knows (`None`: look it up;
/// `Node::parent` searches down from the root).
pub(super) fn function_reference_under<'t>(
    node: Node<'t>,
    parent: Option<Node<'t>>,
    src: &str,
) -> Option<String> {
    let compact = |n: Node<'_>| text(n, src).split_whitespace().collect::<String>();
    if node.kind_str() == "method_definition" {
        return node.field("name").map(|n| format!("this.{}", text(n, src)));
    }
    if let Some(name) = node.field("name") {
        return Some(text(name, src).to_string());
    }
    let parent = parent.or_else(|| node.parent())?;
    match parent.kind_str() {
        "variable_declarator" => parent.field("name").map(compact),
        "pair" => parent
            .field("key")
            .map(|k| format!("this.{}", text(k, src))),
        "public_field_definition" | "field_definition" => parent
            .field("name")
            .or_else(|| parent.field("property"))
            .map(|k| format!("this.{}", text(k, src))),
        "assignment_expression" => parent.field("left").map(compact),
        _ => wrapped_reference(node, parent, src),
    }
}

/// The name a wrapped function is called by: the function a call made where a variable is
/// declared hands back, `const tick = (run => () => { run(); setTimeout(tick, ms); })(job)`
/// (the body of the arrow called in place) or `const tick = debounce(() => { ..; tick(); })`
/// (the function handed to a named wrapper). Calling `tick` calls it. The callbacks of timers
/// (`const id = setInterval(() => .., ms)`) are not called by the name of their handle.
fn wrapped_reference<'t>(node: Node<'t>, parent: Node<'t>, src: &str) -> Option<String> {
    let call = match parent.kind_str() {
        // `(run => () => { .. })(job)`: the inner arrow is the outer one's body.
        "arrow_function" if parent.field("body") == Some(node) => {
            let outer = skip_parens(parent);
            outer.parent().filter(|c| {
                c.kind_str() == "call_expression" && c.field("function") == Some(outer)
            })?
        }
        // `debounce(() => { .. }, 500)`: the wrapper's first argument.
        "arguments" if parent.named_child(0) == Some(node) => parent
            .parent()
            .filter(|c| c.kind_str() == "call_expression")
            .filter(|c| {
                c.field("function").is_some_and(|f| {
                    let name = text(f, src).rsplit('.').next().unwrap_or_default();
                    matches!(f.kind_str(), "identifier" | "member_expression")
                        && !TIMER_CALLS.contains(&name)
                })
            })?,
        _ => return None,
    };
    let holder = skip_parens(call).parent()?;
    match holder.kind_str() {
        "variable_declarator" => holder
            .field("name")
            .filter(|n| n.kind_str() == "identifier")
            .map(|n| text(n, src).to_string()),
        _ => None,
    }
}

/// `node`, or the parentheses around it (at most four deep).
fn skip_parens(mut node: Node<'_>) -> Node<'_> {
    for _ in 0..4 {
        match node.parent() {
            Some(p) if p.kind_str() == "parenthesized_expression" => node = p,
            _ => break,
        }
    }
    node
}

/// Calls that run a callback later, whose handle is not the callback's name.
const TIMER_CALLS: &[&str] = &["setTimeout", "setInterval", "setImmediate", "nextTick"];

/// `async function poll() { await work(); await sleep(ms); poll(); }`: a function whose
/// last statement calls itself again with its own parameters (`poll()`, `return poll(db)`,
/// `void this.poll()`) is a loop written as recursion; its delays pace a periodic job. A
/// function that returns early on a state (`if (!job) return;`, a drain that ends when the
/// queue is empty) or recurs with other arguments (`fetchPage(page + 1)`) ends on its own.
pub(super) fn recurs_forever(function: Node<'_>, name: &str, src: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let Some(body) = function
        .field("body")
        .filter(|b| b.kind_str() == "statement_block")
    else {
        return false;
    };
    let statements: Vec<Node<'_>> = named_children(body)
        .filter(|n| n.kind_str() != "comment")
        .collect();
    let Some((last, before)) = statements.split_last() else {
        return false;
    };
    let mut expr = match last.kind_str() {
        "expression_statement" | "return_statement" => last.named_child(0),
        _ => None,
    };
    while let Some(e) = expr.filter(|e| {
        matches!(
            e.kind_str(),
            "await_expression" | "unary_expression" | "parenthesized_expression"
        )
    }) {
        expr = e.named_child(0);
    }
    let Some(call) = expr.filter(|e| e.kind_str() == "call_expression") else {
        return false;
    };
    let compact = |n: Node<'_>| text(n, src).split_whitespace().collect::<String>();
    if call.field("function").map(compact).as_deref() != Some(name) {
        return false;
    }
    let params: Vec<String> = function
        .field("parameters")
        .or_else(|| function.field("parameter"))
        .map(|p| {
            if p.kind_str() == "identifier" {
                vec![text(p, src).to_string()]
            } else {
                named_children(p)
                    .map(|c| c.field("pattern").unwrap_or(c))
                    .map(compact)
                    .collect()
            }
        })
        .unwrap_or_default();
    let same_args = call.field("arguments").is_some_and(|a| {
        let args: Vec<String> = named_children(a)
            .filter(|c| c.kind_str() != "comment")
            .map(compact)
            .collect();
        args.is_empty() || args == params
    });
    let returns_early = before.iter().any(|s| {
        s.kind_str() == "if_statement"
            && text(*s, src).contains("return")
            && !s
                .field("condition")
                .is_some_and(|c| names_shutdown(text(c, src)))
    });
    same_args && !returns_early
}

/// The executor of `new Promise((resolve) => ...)` runs synchronously, so a `setTimeout`
/// in it belongs to the surrounding loop.
pub(super) fn is_promise_executor(function: Node<'_>, scopes: &Scopes, src: &str) -> bool {
    let Some(args) = function.parent().filter(|p| p.kind_str() == "arguments") else {
        return false;
    };
    args.parent()
        .filter(|n| n.kind_str() == "new_expression")
        .and_then(|n| n.field("constructor"))
        .and_then(|c| scopes.path_of(c, src))
        .is_some_and(|p| p == "globalThis.Promise")
}

/// Whether a function runs where it is written, when the code around it runs: invoked there
/// (`(async () => { .. })()`), handed to a list's iteration method (`dirs.forEach(d => ..)`)
/// or to a call that runs it once (`Meteor.startup(() => ..)`). Other functions (handlers,
/// callbacks, methods) run later, perhaps many times.
pub(super) fn runs_where_written(function: Node<'_>, src: &str) -> bool {
    let mut outer = function;
    while let Some(parent) = outer
        .parent()
        .filter(|p| p.kind_str() == "parenthesized_expression")
    {
        outer = parent;
    }
    let Some(parent) = outer.parent() else {
        return false;
    };
    if parent.kind_str() == "call_expression" {
        return parent.field("function") == Some(outer);
    }
    let Some(call) = parent
        .parent()
        .filter(|c| parent.kind_str() == "arguments" && c.kind_str() == "call_expression")
    else {
        return false;
    };
    let method = call.field("function").map(|f| match f.field("property") {
        Some(property) => text(property, src),
        None => text(f, src),
    });
    let words = crate::reach::words();
    method.is_some_and(|m| words.iterates_argument(m) || words.runs_argument_once(m))
}
