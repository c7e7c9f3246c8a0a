//! What the recurring body behind a timer or a delay loop does (see [`crate::work`]): a
//! timer's callback (a lambda or a method of this file named as a method group), the
//! `Elapsed` handlers of a `System.Timers.Timer`, the method around a `PeriodicTimer`, the
//! loop around a `Task.Delay`; and whether a timer's callback stops the timer itself.

use super::syntax::{last_named_child, last_segment};
use super::walk::Walker;
use crate::frontend::flat::Node;
use crate::frontend::tree::text;
use crate::frontend::tree::{Fields, Kind};
use crate::frontend::tree_work::Grammar;
use crate::work::{Call, Work};

/// How calls are read from a C# tree.
pub(super) static GRAMMAR: Grammar = Grammar {
    call: "invocation_expression",
    function: "function",
    arguments: "arguments",
    members: &["member_access_expression"],
    object: "expression",
    property: "name",
    constructs: &["object_creation_expression"],
    constructed: "type",
    conditional: "conditional_access_expression",
    wrappers: &[
        "await_expression",
        "parenthesized_expression",
        "postfix_unary_expression",
        "argument",
    ],
    functions: &["lambda_expression", "anonymous_method_expression"],
    continuations: &["ContinueWith", "ConfigureAwait"],
};

/// Method and local-function kinds.
const METHODS: &[&str] = &["method_declaration", "local_function_statement"];

impl Walker<'_, '_> {
    /// The work of a timer's callback: the first argument (a lambda or a method group of
    /// this file), the `Elapsed` handlers of the variable it is assigned to, or else the
    /// method it is created in (a `PeriodicTimer` ticks in a loop there).
    pub(super) fn timer_work(
        &mut self,
        node: Node<'_>,
        arguments: Option<Node<'_>>,
    ) -> Option<Work> {
        let callback = arguments
            .and_then(|a| a.named_child(0))
            .and_then(last_named_child);
        if let Some(cb) = callback {
            if GRAMMAR.functions.contains(&cb.kind_str()) {
                let body = cb.field("body").unwrap_or(cb);
                return self.work.of_node(body);
            }
            if let Some(name) = self.callback_method(cb) {
                return self.work.of_function(&name);
            }
            // A wrapper's timer (`new Timer(callback, ..)` in `Create(TimerCallback
            // callback, ..)`): the callbacks its calls in this file hand it.
            if let Some((names, index, inside)) = forwarding_wrapper(node, cb, self.src) {
                if let Some(work) = self.work.forwarded_work(&names, index, inside) {
                    return Some(work);
                }
            }
        }
        if let Some(var) = self
            .assigned_name(node)
            .map(|n| last_segment(n).to_string())
        {
            let handlers: Vec<String> = self
                .file
                .elapsed_handlers
                .iter()
                .filter(|(owner, _)| *owner == var)
                .map(|(_, handler)| handler.clone())
                .collect();
            if !handlers.is_empty() {
                let calls: Vec<Call> = handlers
                    .into_iter()
                    .map(|h| Call::new("", vec![h], ""))
                    .collect();
                return self.work.of_calls(&calls);
            }
        }
        let method = enclosing(node, METHODS)?;
        self.work.of_node(method.field("body").unwrap_or(method))
    }

    /// The work of what an Rx timer drives (`Observable.Interval(d).Select(..).Subscribe(..)`):
    /// the lambdas of the operator chain it starts; `None` when nothing is chained here.
    pub(super) fn subscription_work(&mut self, node: Node<'_>) -> Option<Work> {
        let mut chain = node;
        while let Some(member) = chain
            .parent()
            .filter(|p| p.kind_str() == "member_access_expression")
            .filter(|p| p.field("expression") == Some(chain))
        {
            match member
                .parent()
                .filter(|p| p.kind_str() == "invocation_expression")
            {
                Some(call) => chain = call,
                None => break,
            }
        }
        (chain != node).then(|| self.work.of_node(chain)).flatten()
    }

    /// The work of the loop around a delay, in the same method or lambda.
    pub(super) fn loop_work(&mut self, node: Node<'_>) -> Option<Work> {
        let mut cur = node.parent();
        while let Some(n) = cur {
            match n.kind_str() {
                "while_statement" | "do_statement" | "for_statement" => {
                    return self.work.of_node(n.field("body").unwrap_or(n));
                }
                k if METHODS.contains(&k) || GRAMMAR.functions.contains(&k) => return None,
                _ => cur = n.parent(),
            }
        }
        None
    }

    /// Whether a timer's callback (a method of this file, or one it calls) disposes the
    /// timer or stops it for good (`_timer.Dispose()`, `_timer?.Change(Timeout.Infinite, ..)`):
    /// the timer lives only while there is something to look after, like a JavaScript
    /// interval that clears itself.
    pub(super) fn callback_stops_timer(
        &mut self,
        node: Node<'_>,
        arguments: Option<Node<'_>>,
    ) -> bool {
        let Some(var) = self
            .assigned_name(node)
            .map(|n| last_segment(n).to_string())
        else {
            return false;
        };
        let Some(name) = arguments
            .and_then(|a| a.named_child(0))
            .and_then(last_named_child)
            .and_then(|cb| self.callback_method(cb))
        else {
            return false;
        };
        let stops = |call: &Call| {
            last_segment(call.receiver.trim_start_matches("this.")) == var
                && call.methods.iter().any(|m| {
                    m == "Dispose"
                        || m == "DisposeAsync"
                        // The due time comes first: `Change(Timeout.Infinite, ..)` stops it,
                        // `Change(1000, Timeout.Infinite)` arms it once more.
                        || (m == "Change"
                            && (call.args.starts_with("Timeout.Infinite")
                                || call.args.starts_with("-1")))
                })
        };
        self.work.function_calls(&name, &stops)
    }

    /// The method of this file a method-group argument names (`CheckIdle`, `this.OnTick`).
    fn callback_method(&self, cb: Node<'_>) -> Option<String> {
        if !matches!(cb.kind_str(), "identifier" | "member_access_expression") {
            return None;
        }
        let name = last_segment(text(cb, self.src)).trim().to_string();
        self.work.defines(&name).then_some(name)
    }
}

/// When `cb` names a parameter of the method or constructor around `node`: how its callers
/// name it (the method's name, through `this` or its type; a constructor's type), the parameter's position and
/// the declaration's byte range.
fn forwarding_wrapper(
    node: Node<'_>,
    cb: Node<'_>,
    src: &str,
) -> Option<(Vec<String>, usize, std::ops::Range<usize>)> {
    if cb.kind_str() != "identifier" {
        return None;
    }
    let param = text(cb, src);
    let declaration = enclosing(node, &["method_declaration", "constructor_declaration"])?;
    let params = declaration.field("parameters")?;
    let mut cursor = params.walk();
    let index = params
        .named_children(&mut cursor)
        .filter(|p| p.kind_str() == "parameter")
        .position(|p| p.field("name").map(|n| text(n, src)) == Some(param))?;
    let name = text(declaration.field("name")?, src).to_string();
    let names = if declaration.kind_str() == "constructor_declaration" {
        vec![name]
    } else {
        let mut names = vec![format!("this.{name}")];
        let owner = declaration.parent().and_then(|b| b.parent());
        if let Some(owner) = owner.and_then(|o| o.field("name")) {
            names.push(format!("{}.{name}", text(owner, src)));
        }
        names.push(name);
        names
    };
    let range = declaration.start_byte()..declaration.end_byte();
    Some((names, index, range))
}

/// The innermost ancestor of one of these kinds.
fn enclosing<'t>(node: Node<'t>, kinds: &[&str]) -> Option<Node<'t>> {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if kinds.contains(&n.kind_str()) {
            return Some(n);
        }
        cur = n.parent();
    }
    None
}
