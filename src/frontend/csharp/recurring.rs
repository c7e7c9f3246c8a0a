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
    implicit_construct: Some(("implicit_object_creation_expression", declared_type)),
    continuations: &["ContinueWith", "ConfigureAwait"],
    field_roots: &["this"],
};

/// The type a target-typed `new(..)` constructs, when the same file declares it: the type of
/// the local or field it initializes (`PortableTimer t = new(..)`), or of the field or
/// property of the enclosing type it is assigned to (`_timer = new(..)`, `this._timer = ..`).
fn declared_type(node: Node<'_>, src: &str) -> Option<String> {
    declared_type_text(node, src).map(|t| t.trim_end_matches('?').to_string())
}

/// The declared type's text (see [`declared_type`]), nullable or not.
fn declared_type_text(node: Node<'_>, src: &str) -> Option<String> {
    let parent = node.parent()?;
    let name = match parent.kind_str() {
        "variable_declarator" => {
            let declaration = parent.parent()?;
            return (declaration.kind_str() == "variable_declaration")
                .then(|| declaration.field("type"))
                .flatten()
                .map(|t| text(t, src).to_string());
        }
        "assignment_expression" if parent.field("right") == Some(node) => {
            let left = parent.field("left")?;
            last_segment(text(left, src)).to_string()
        }
        _ => return None,
    };
    let mut owner = parent;
    while !matches!(
        owner.kind_str(),
        "class_declaration" | "struct_declaration" | "record_declaration"
    ) {
        owner = owner.parent()?;
    }
    let body = owner.field("body")?;
    let mut cursor = body.walk();
    let members: Vec<Node<'_>> = body.named_children(&mut cursor).collect();
    members.into_iter().find_map(|m| match m.kind_str() {
        "property_declaration" => (m.field("name").map(|n| text(n, src)) == Some(name.as_str()))
            .then(|| m.field("type").map(|t| text(t, src).to_string()))
            .flatten(),
        "field_declaration" => {
            let declaration = m
                .named_iter()
                .find(|c| c.kind_str() == "variable_declaration")?;
            let declared = declaration.named_iter().any(|d| {
                d.kind_str() == "variable_declarator"
                    && d.field("name").map(|n| text(n, src)) == Some(name.as_str())
            });
            declared
                .then(|| declaration.field("type").map(|t| text(t, src).to_string()))
                .flatten()
        }
        _ => None,
    })
}

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
            // callback, ..)`): the callbacks its calls in this file hand it and, when other
            // files may call it, those the project's calls hand it.
            if let Some(w) = forwarding_wrapper(node, cb, self.src) {
                let here = self.work.forwarded_work(&w.names, w.index, w.inside);
                return match here {
                    Some(work) if !w.exported => Some(work),
                    here => {
                        let mut work = here.unwrap_or_default();
                        work.kinds.insert(crate::work::UNKNOWN.to_string());
                        work.pending.extend(w.slots.iter().cloned());
                        self.facts.forwards.slots.extend(w.slots);
                        Some(work)
                    }
                };
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

/// A timer wrapper: a method or constructor whose timer's callback is one of its parameters.
struct Wrapper {
    /// How its callers in its own file name it (the method's name, through `this` or its
    /// type; a constructor's type).
    names: Vec<String>,
    /// The parameter's position.
    index: usize,
    /// The declaration's byte range.
    inside: std::ops::Range<usize>,
    /// The slots its callers anywhere hand it (`Create#0`, `noncapturingtimer.Create#0`,
    /// `new:PortableTimer#0`).
    slots: Vec<String>,
    /// Not `private` (a member without an access modifier is): other files may call it.
    exported: bool,
}

/// When `cb` names a parameter of the method or constructor around `node`: the wrapper it
/// makes.
fn forwarding_wrapper(node: Node<'_>, cb: Node<'_>, src: &str) -> Option<Wrapper> {
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
    let owner = declaration
        .parent()
        .and_then(|b| b.parent())
        .and_then(|o| o.field("name"))
        .map(|o| text(o, src));
    let (names, keys) = if declaration.kind_str() == "constructor_declaration" {
        (vec![name.clone()], vec![format!("new:{name}")])
    } else {
        let mut names = vec![format!("this.{name}")];
        if let Some(owner) = owner {
            names.push(format!("{owner}.{name}"));
        }
        names.push(name.clone());
        (names, crate::work::definition_keys(&name, owner))
    };
    let mut cursor = declaration.walk();
    let exported = declaration
        .children(&mut cursor)
        .filter(|m| m.kind_str() == "modifier")
        .any(|m| matches!(text(m, src), "public" | "internal" | "protected"));
    Some(Wrapper {
        names,
        index,
        inside: declaration.start_byte()..declaration.end_byte(),
        slots: keys.into_iter().map(|k| format!("{k}#{index}")).collect(),
        exported,
    })
}

/// The fields a constructor sets from a delegate parameter (`_onTick = onTick`,
/// `_onTick = Guard.NotNull(onTick)`, `_onTick = onTick ?? throw ..`), as links from the
/// field's name to the constructor's slot (`_onTick` runs `new:PortableTimer#0`, see
/// [`crate::event::Forwards`]): a call of the field runs what the constructions hand it.
pub(super) fn field_links(root: Node<'_>, src: &str) -> Vec<(String, String)> {
    let mut links = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.kind_str() == "constructor_declaration" {
            constructor_links(n, src, &mut links);
            continue;
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    links
}

/// The links of one constructor (see [`field_links`]).
fn constructor_links(ctor: Node<'_>, src: &str, links: &mut Vec<(String, String)>) {
    let (Some(name), Some(params)) = (ctor.field("name"), ctor.field("parameters")) else {
        return;
    };
    let class = text(name, src);
    let mut cursor = params.walk();
    let delegates: Vec<(&str, String)> = params
        .named_children(&mut cursor)
        .filter(|p| p.kind_str() == "parameter")
        .enumerate()
        .filter(|(_, p)| p.field("type").is_some_and(|t| is_delegate(text(t, src))))
        .filter_map(|(i, p)| Some((text(p.field("name")?, src), format!("new:{class}#{i}"))))
        .collect();
    if delegates.is_empty() {
        return;
    }
    let Some(body) = ctor.field("body") else {
        return;
    };
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        if n.kind_str() == "assignment_expression" {
            let field = n.field("left").map(|l| text(l, src));
            let value = n.field("right").and_then(|r| assigned_parameter(r, src));
            if let (Some(field), Some(value)) = (field, value) {
                if let Some((_, slot)) = delegates.iter().find(|(p, _)| *p == value) {
                    let field = field.trim_start_matches("this.");
                    links.push((field.to_string(), slot.clone()));
                }
            }
            continue;
        }
        if !GRAMMAR.functions.contains(&n.kind_str()) {
            let mut cursor = n.walk();
            stack.extend(n.named_children(&mut cursor));
        }
    }
}

/// The parameter an assigned value is: the name itself, a guard's first argument
/// (`Guard.NotNull(onTick)`), or the left of a `??` (`onTick ?? throw ..`).
fn assigned_parameter<'s>(value: Node<'_>, src: &'s str) -> Option<&'s str> {
    match value.kind_str() {
        "identifier" => Some(text(value, src)),
        "binary_expression" => assigned_parameter(value.field("left")?, src),
        "invocation_expression" => {
            let arg = value.field("arguments")?.named_child(0)?;
            assigned_parameter(last_named_child(arg)?, src)
        }
        _ => None,
    }
}

/// Whether a parameter's type is a delegate (`Func<CancellationToken, Task>`, `Action`,
/// `TimerCallback`, `ElapsedEventHandler`).
fn is_delegate(ty: &str) -> bool {
    let name = ty
        .split('<')
        .next()
        .unwrap_or(ty)
        .trim()
        .trim_end_matches('?');
    let name = name.rsplit('.').next().unwrap_or(name);
    matches!(name, "Func" | "Action") || name.ends_with("Callback") || name.ends_with("Handler")
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
