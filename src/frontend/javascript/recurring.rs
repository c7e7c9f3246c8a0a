//! What the recurring body behind an event does: a callback passed to the call (inline or a
//! function of this file named by reference), the method a decorator schedules, or the loop
//! around a sleep. See [`crate::work`].

use super::*;
use crate::frontend::tree::{Fields, Kind};
use crate::frontend::tree_work::Grammar;
use crate::work::Work;

/// How calls are read from a JavaScript/TypeScript tree.
pub(super) static GRAMMAR: Grammar = Grammar {
    call: "call_expression",
    function: "function",
    arguments: "arguments",
    members: &["member_expression"],
    object: "object",
    property: "property",
    constructs: &["new_expression"],
    constructed: "constructor",
    conditional: "",
    wrappers: &[
        "await_expression",
        "parenthesized_expression",
        "non_null_expression",
    ],
    functions: &[
        "arrow_function",
        "function_expression",
        "function",
        "generator_function",
    ],
    continuations: &["then", "catch", "finally"],
};

impl Emitter<'_> {
    /// The work of the body an event runs again and again, when it has one.
    pub(super) fn recurring_work(
        &mut self,
        kind: EventKind,
        node: Node<'_>,
        args: &[Node<'_>],
        in_loop: bool,
    ) -> Option<Work> {
        match kind {
            EventKind::Annotation => {
                let method = decorated_method(node)?;
                self.work.of_node(method.field("body")?)
            }
            EventKind::Call | EventKind::Construct => {
                if let Some(f) = args.iter().find(|a| is_function(a.kind_str())) {
                    let body = f.field("body").unwrap_or(*f);
                    return self.work.of_node(body);
                }
                let named = args.iter().find_map(|a| {
                    matches!(a.kind_str(), "identifier" | "member_expression").then(|| {
                        let t = text(*a, self.src);
                        t.rsplit('.').next().unwrap_or(t).trim().to_string()
                    })
                });
                if let Some(name) = named {
                    if self.work.defines(&name) {
                        return self.work.of_function(&name);
                    }
                    // A wrapper's timer (`repeat(fn, ms)`, `new Interval(cb, ms)`): the
                    // callbacks its calls in this file hand it.
                    if let Some((names, index, inside)) = forwarding_wrapper(node, &name, self.src)
                    {
                        if let Some(work) = self.work.forwarded_work(&names, index, inside) {
                            return Some(work);
                        }
                    }
                }
                if in_loop {
                    return self.work.of_node(enclosing_loop_body(node)?);
                }
                // An observable ticking into the callbacks of its chain
                // (`interval(ms).pipe(..).subscribe(() => ..)`): their work together.
                let mut work: Option<Work> = None;
                for callback in chained_callbacks(node) {
                    let body = callback.field("body").unwrap_or(callback);
                    work.get_or_insert_with(Work::default)
                        .extend(self.work.of_node(body)?);
                }
                work
            }
            EventKind::Subclass | EventKind::Collection | EventKind::FieldCollection => None,
        }
    }
}

impl Emitter<'_> {
    /// Whether a decorator schedules a method named for this instance's own upkeep
    /// (`sendTelemetry`, `collectMetrics`, `refreshCache`), or a method of a class named for
    /// it (`TelemetryService`, `HealthMonitor`).
    pub(super) fn schedules_per_instance_work(&self, decorator: Node<'_>) -> bool {
        let Some(method) = decorated_method(decorator) else {
            return false;
        };
        let class = method
            .parent()
            .filter(|b| b.kind_str() == "class_body")
            .and_then(|b| b.parent())
            .and_then(|c| c.field("name"));
        [method.field("name"), class]
            .into_iter()
            .flatten()
            .any(|n| mentions_per_instance_work(text(n, self.src)))
    }
}

/// The function arguments of the calls chained on a call, and of the operators handed to
/// them (`.pipe(switchMap(() => ..))`, `.subscribe(() => ..)` after `interval(ms)`),
/// innermost call first.
fn chained_callbacks(call: Node<'_>) -> Vec<Node<'_>> {
    let mut callbacks = Vec::new();
    let mut node = call;
    for _ in 0..8 {
        let member = node
            .parent()
            .filter(|m| m.kind_str() == "member_expression" && m.field("object") == Some(node));
        let Some(next) = member
            .and_then(|m| m.parent())
            .filter(|c| c.kind_str() == "call_expression")
        else {
            break;
        };
        // A callback, or one handed to an operator (`.pipe(switchMap(() => ..))`).
        for arg in next.field("arguments").into_iter().flat_map(named_children) {
            if is_function(arg.kind_str()) {
                callbacks.push(arg);
            } else if arg.kind_str() == "call_expression" {
                let inner = arg.field("arguments").into_iter().flat_map(named_children);
                callbacks.extend(inner.filter(|a| is_function(a.kind_str())));
            }
        }
        node = next;
    }
    callbacks
}

/// When `param` is a parameter of the function around `node`: how its callers name it (the
/// function's name; a method's through `this` or its class; a constructor's class), the parameter's position and the
/// function's byte range.
fn forwarding_wrapper(
    node: Node<'_>,
    param: &str,
    src: &str,
) -> Option<(Vec<String>, usize, std::ops::Range<usize>)> {
    let mut cur = node.parent();
    let function = loop {
        let n = cur?;
        if is_function(n.kind_str()) || n.kind_str() == "method_definition" {
            break n;
        }
        cur = n.parent();
    };
    let params = function
        .field("parameters")
        .or_else(|| function.field("value").and_then(|v| v.field("parameters")))?;
    let index = named_children(params)
        .filter(|p| p.kind_str() != "comment")
        .position(|p| parameter_name(p, src) == Some(param))?;
    let names = match function.kind_str() {
        "method_definition" => {
            let name = text(function.field("name")?, src);
            let class = function.parent().and_then(|b| b.parent())?;
            let class = text(class.field("name")?, src);
            if name == "constructor" {
                vec![class.to_string()]
            } else {
                vec![format!("this.{name}"), format!("{class}.{name}")]
            }
        }
        _ => match function.field("name") {
            Some(n) => vec![text(n, src).to_string()],
            None => {
                let declarator = function
                    .parent()
                    .filter(|d| d.kind_str() == "variable_declarator")?;
                vec![text(declarator.field("name")?, src).to_string()]
            }
        },
    };
    let range = function.start_byte()..function.end_byte();
    Some((names, index, range))
}

/// The name a parameter binds (`cb`, `cb: () => void`, `cb = noop`).
fn parameter_name<'s>(param: Node<'_>, src: &'s str) -> Option<&'s str> {
    match param.kind_str() {
        "identifier" => Some(text(param, src)),
        "required_parameter" | "optional_parameter" => parameter_name(param.field("pattern")?, src),
        "assignment_pattern" => parameter_name(param.field("left")?, src),
        _ => None,
    }
}

/// The method a decorator sits on (inside the method, or before it in the class body).
fn decorated_method(decorator: Node<'_>) -> Option<Node<'_>> {
    let parent = decorator.parent()?;
    if parent.kind_str() == "method_definition" {
        return Some(parent);
    }
    let mut next = decorator.next_named_sibling();
    while let Some(n) = next {
        match n.kind_str() {
            "method_definition" => return Some(n),
            "decorator" => next = n.next_named_sibling(),
            _ => return None,
        }
    }
    None
}

/// The body of the innermost loop around `node` in the same function (or in a function
/// handed to a constructor, which runs at once: `new Promise((r) => setTimeout(r, ms))`).
fn enclosing_loop_body(node: Node<'_>) -> Option<Node<'_>> {
    let mut cur = node.parent();
    while let Some(n) = cur {
        let executor = n
            .parent()
            .filter(|a| a.kind_str() == "arguments")
            .and_then(|a| a.parent())
            .is_some_and(|c| c.kind_str() == "new_expression");
        if is_function(n.kind_str()) && !executor {
            return None;
        }
        if matches!(
            n.kind_str(),
            "while_statement" | "do_statement" | "for_statement"
        ) {
            return n.field("body");
        }
        cur = n.parent();
    }
    None
}
