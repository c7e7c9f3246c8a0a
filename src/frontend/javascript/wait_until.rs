//! Self-rescheduling timeouts that wait for a condition rather than repeat a job: the
//! function re-arms its timeout only on a path that does nothing but wait (an `if` whose
//! branch returns, or whose `else` goes on), and the path that does the work schedules
//! nothing. A debounce (`if (elapsed < wait) { t = setTimeout(later, wait - elapsed) } else
//! { fn() }`), a long timeout split into 32-bit steps, or a check that files are still being
//! copied before one scan: the work runs once when the waiting ends, not once per period.

use super::syntax::is_function;
use crate::frontend::flat::Node;
use crate::frontend::tree::{named_children, text, Fields, Kind};

/// Whether the self-rescheduling `setTimeout` call `timer`, whose callback is `cb` and
/// whose re-arming names one of `enclosing` (the functions around it), only waits.
pub(super) fn waits_until_ready(
    timer: Node<'_>,
    cb: Node<'_>,
    enclosing: &[String],
    src: &str,
) -> bool {
    if is_function(cb.kind_str()) {
        // The callback calls the enclosing function again: that call is the re-arming.
        let Some(body) = cb.field("body") else {
            return false;
        };
        let Some(again) = direct_call(body, enclosing, src, 0) else {
            return false;
        };
        let name = again.field("function").map_or("", |f| text(f, src));
        return waits_in(again, body, name, src) || waits_around(timer, name, src);
    }
    let name = text(cb, src);
    let name = name.strip_suffix(".bind(this)").unwrap_or(name);
    waits_around(timer, name, src)
}

/// `waits_in` for the re-arming call `again` in the body of the function around it.
fn waits_around(again: Node<'_>, name: &str, src: &str) -> bool {
    let mut cur = again.parent();
    while let Some(n) = cur {
        if is_function(n.kind_str()) {
            return n
                .field("body")
                .is_some_and(|body| waits_in(again, body, name, src));
        }
        cur = n.parent();
    }
    false
}

/// The first call in `node` (outside nested functions) of one of the `enclosing` functions.
fn direct_call<'t>(
    node: Node<'t>,
    enclosing: &[String],
    src: &str,
    depth: usize,
) -> Option<Node<'t>> {
    if depth > 40 || is_function(node.kind_str()) && depth > 0 {
        return None;
    }
    if node.kind_str() == "call_expression" {
        let callee: String = node
            .field("function")
            .map(|f| text(f, src).split_whitespace().collect())
            .unwrap_or_default();
        if enclosing.contains(&callee) {
            return Some(node);
        }
    }
    named_children(node).find_map(|c| direct_call(c, enclosing, src, depth + 1))
}

/// Whether `again`, in the statement block `body`, re-arms only inside an `if` of the block
/// whose branch holding it does nothing but wait and leaves the rest of the block (the
/// other branch, or the statements after a branch that returns) to do the work without
/// re-arming (`name` nor any timeout named there); the statements before the `if` only
/// declare values.
fn waits_in(again: Node<'_>, body: Node<'_>, name: &str, src: &str) -> bool {
    if body.kind_str() != "statement_block" || name.is_empty() {
        return false;
    }
    let Some(statement) = statement_of(again, body) else {
        return false;
    };
    if statement.kind_str() != "if_statement" {
        return false;
    }
    let consequence = statement.field("consequence");
    let alternative = statement.field("alternative");
    let holds = |b: &Option<Node<'_>>| b.is_some_and(|b| contains(b, again));
    let (branch, other) = if holds(&consequence) {
        (consequence, alternative)
    } else if holds(&alternative) {
        (alternative, consequence)
    } else {
        return false;
    };
    let Some(branch) = branch else {
        return false;
    };
    let statements = branch_statements(branch);
    let returns = statements
        .last()
        .is_some_and(|s| s.kind_str() == "return_statement");
    if !(returns || other.is_some()) {
        return false;
    }
    let only_waits = statements
        .iter()
        .filter(|s| !contains(**s, again))
        .all(|s| declares_only(*s, src));
    let before_declare = named_children(body)
        .take_while(|s| *s != statement)
        .all(|s| declares_only(s, src));
    let rest = [
        &src[body.start_byte()..branch.start_byte()],
        &src[branch.end_byte()..body.end_byte()],
    ];
    let rearms = rest
        .iter()
        .any(|t| t.contains("setTimeout") || t.contains(name));
    only_waits && before_declare && !rearms
}

/// The statement of `body` that holds `node`.
fn statement_of<'t>(node: Node<'t>, body: Node<'t>) -> Option<Node<'t>> {
    let mut cur = node;
    loop {
        let parent = cur.parent()?;
        if parent == body {
            return Some(cur);
        }
        cur = parent;
    }
}

/// Whether `inner` lies within `outer`.
fn contains(outer: Node<'_>, inner: Node<'_>) -> bool {
    outer.start_byte() <= inner.start_byte() && inner.end_byte() <= outer.end_byte()
}

/// The statements of a branch: a block's, an `else`'s, or the branch itself.
fn branch_statements(branch: Node<'_>) -> Vec<Node<'_>> {
    let inner = if branch.kind_str() == "else_clause" {
        named_children(branch).next().unwrap_or(branch)
    } else {
        branch
    };
    if inner.kind_str() == "statement_block" {
        named_children(inner)
            .filter(|s| s.kind_str() != "comment")
            .collect()
    } else {
        vec![inner]
    }
}

/// Whether a statement only declares or assigns values, returns, or logs: no `await`, no
/// call that does work.
fn declares_only(statement: Node<'_>, src: &str) -> bool {
    let source = text(statement, src);
    if source.contains("await ") {
        return false;
    }
    match statement.kind_str() {
        "lexical_declaration"
        | "variable_declaration"
        | "return_statement"
        | "comment"
        | "empty_statement" => true,
        "expression_statement" => {
            named_children(statement)
                .next()
                .is_some_and(|e| match e.kind_str() {
                    "assignment_expression" | "augmented_assignment_expression" => true,
                    "call_expression" => e.field("function").is_some_and(|f| {
                        let callee = text(f, src).to_ascii_lowercase();
                        callee.contains("log") || callee.contains("console")
                    }),
                    _ => false,
                })
        }
        _ => false,
    }
}
