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
    implicit_construct: None,
    continuations: &["then", "catch", "finally"],
    field_roots: &["*"],
};

/// The names the module's top level binds by an import or a `require`, each with the name
/// it has in its own module (`import { sendDigests as digest }`: `digest` → `sendDigests`;
/// `const { purge } = require('./jobs')`; `const purge = require('./purge')` and default
/// imports keep their own name). A namespace's members are read as members (`jobs.purge`).
pub(super) fn imported_names(root: Node<'_>, src: &str) -> HashMap<String, String> {
    use crate::frontend::tree::named_children;
    let mut out = HashMap::new();
    let mut bind = |local: Node<'_>, original: Option<Node<'_>>| {
        let local = text(local, src);
        let original = original.map_or(local, |o| text(o, src));
        out.insert(local.to_string(), original.to_string());
    };
    for statement in named_children(root) {
        match statement.kind_str() {
            "import_statement" => {
                for clause in named_children(statement).filter(|c| c.kind_str() == "import_clause")
                {
                    for part in named_children(clause) {
                        match part.kind_str() {
                            "identifier" => bind(part, None),
                            "named_imports" => {
                                for spec in named_children(part)
                                    .filter(|s| s.kind_str() == "import_specifier")
                                {
                                    if let Some(name) = spec.field("name") {
                                        bind(spec.field("alias").unwrap_or(name), Some(name));
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                for declarator in named_children(statement) {
                    let (Some(name), Some(value)) =
                        (declarator.field("name"), declarator.field("value"))
                    else {
                        continue;
                    };
                    let (value, member) = match value.kind_str() {
                        "member_expression" => (value.field("object"), value.field("property")),
                        _ => (Some(value), None),
                    };
                    if !value.is_some_and(|v| is_require(v, src)) {
                        continue;
                    }
                    match name.kind_str() {
                        "identifier" => bind(name, member),
                        "object_pattern" => {
                            for p in named_children(name) {
                                match p.kind_str() {
                                    "shorthand_property_identifier_pattern" => bind(p, None),
                                    "pair_pattern" => {
                                        if let (Some(k), Some(v)) =
                                            (p.field("key"), p.field("value"))
                                        {
                                            if v.kind_str() == "identifier" {
                                                bind(v, Some(k));
                                            }
                                        }
                                    }
                                    _ => {}
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether a value is `require(..)` (or `await import(..)`).
fn is_require(value: Node<'_>, src: &str) -> bool {
    let value = match value.kind_str() {
        "await_expression" => match value.named_child(0) {
            Some(v) => v,
            None => return false,
        },
        _ => value,
    };
    value.kind_str() == "call_expression"
        && value
            .field("function")
            .is_some_and(|f| matches!(text(f, src), "require" | "import"))
}

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
                // An awaited call in an endless loop is the loop's delay (`await
                // delay(intervalSec)`): its argument is the duration, not a callback, so the
                // loop's body is the work even when a parameter gives the duration.
                if in_loop && emit::is_awaited(node, self.src) {
                    return self.work.of_node(enclosing_loop_body(node)?);
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
                    // callbacks its calls in this file hand it and, when other files may
                    // call it, those the project's calls hand it.
                    if let Some(w) = forwarding_wrapper(node, &name, self.src) {
                        let here = self.work.forwarded_work(&w.names, w.index, w.inside);
                        return match here {
                            Some(work) if !w.exported => Some(work),
                            here => Some(self.handed_work(here, w.slots)),
                        };
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
    /// The work of a wrapper's timer whose callers in other files decide it: `here` (its
    /// own file's callers) and what the project's calls hand its `slots` (see
    /// [`crate::event::Forwards`]).
    fn handed_work(&mut self, here: Option<Work>, slots: Vec<String>) -> Work {
        let mut work = here.unwrap_or_default();
        work.kinds.insert(crate::work::UNKNOWN.to_string());
        work.pending.extend(slots.iter().cloned());
        self.facts.forwards.slots.extend(slots);
        work
    }

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

/// A timer wrapper: a function, method or constructor whose timer's callback is one of its
/// parameters.
struct Wrapper {
    /// How its callers name it in its own file (the function's name; a method's through
    /// `this` or its class; a constructor's class).
    names: Vec<String>,
    /// The parameter's position.
    index: usize,
    /// The function's byte range.
    inside: std::ops::Range<usize>,
    /// The slots its callers anywhere hand it (`every#0`, `new:Interval#0`).
    slots: Vec<String>,
    /// Exported (`export function every`, a method of an exported class): other files
    /// may call it.
    exported: bool,
}

/// When `param` is a parameter of the function around `node`: the wrapper it makes.
fn forwarding_wrapper(node: Node<'_>, param: &str, src: &str) -> Option<Wrapper> {
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
    let (names, keys, declaration) = match function.kind_str() {
        "method_definition" => {
            let name = text(function.field("name")?, src);
            let class = function.parent().and_then(|b| b.parent())?;
            let class_name = text(class.field("name")?, src);
            if name == "constructor" {
                let names = vec![class_name.to_string()];
                (names, vec![format!("new:{class_name}")], class)
            } else {
                let names = vec![format!("this.{name}"), format!("{class_name}.{name}")];
                // Other files call a method through an object named like its class
                // (`scheduler.every(..)`); a bare `every(..)` is a function's call.
                let keys = crate::work::definition_keys(name, Some(class_name))
                    .into_iter()
                    .skip(1)
                    .collect();
                (names, keys, class)
            }
        }
        _ => match function.field("name") {
            Some(n) => {
                let name = text(n, src).to_string();
                (vec![name.clone()], vec![name], function)
            }
            None => {
                let declarator = function
                    .parent()
                    .filter(|d| d.kind_str() == "variable_declarator")?;
                let name = text(declarator.field("name")?, src).to_string();
                (vec![name.clone()], vec![name], declarator.parent()?)
            }
        },
    };
    let exported = declaration
        .parent()
        .is_some_and(|p| p.kind_str() == "export_statement");
    Some(Wrapper {
        names,
        index,
        inside: function.start_byte()..function.end_byte(),
        slots: keys.into_iter().map(|k| format!("{k}#{index}")).collect(),
        exported,
    })
}

/// The fields a class's constructor sets from its parameters (`constructor(cb) { this._cb =
/// cb }`, TypeScript's `constructor(private _cb: () => void)`), as links from the field's
/// name to the constructor's slot (`_cb` runs `new:Interval#0`, see
/// [`crate::event::Forwards`]): a call of the field runs what the class's constructions
/// hand it. A typed parameter counts only when its type is a function's.
pub(super) fn field_links(root: Node<'_>, src: &str) -> Vec<(String, String)> {
    let mut links = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.kind_str() == "method_definition"
            && n.field("name").map(|m| text(m, src)) == Some("constructor")
        {
            constructor_links(n, src, &mut links);
            continue;
        }
        stack.extend(named_children(n));
    }
    links
}

/// The links of one constructor (see [`field_links`]).
fn constructor_links(ctor: Node<'_>, src: &str, links: &mut Vec<(String, String)>) {
    let Some(class) = ctor
        .parent()
        .and_then(|b| b.parent())
        .and_then(|c| c.field("name"))
    else {
        return;
    };
    let class = text(class, src);
    let Some(params) = ctor.field("parameters") else {
        return;
    };
    let mut by_name = Vec::new();
    for (index, p) in named_children(params)
        .filter(|p| p.kind_str() != "comment")
        .enumerate()
    {
        let callable = p
            .field("type")
            .and_then(|t| t.named_child(0))
            .is_none_or(|t| t.kind_str() == "function_type");
        let Some(name) = parameter_name(p, src).filter(|_| callable) else {
            continue;
        };
        let slot = format!("new:{class}#{index}");
        let property = named_children(p).any(|c| c.kind_str() == "accessibility_modifier");
        if property {
            links.push((name.to_string(), slot.clone()));
        }
        by_name.push((name, slot));
    }
    let Some(body) = ctor.field("body") else {
        return;
    };
    for statement in named_children(body) {
        let Some(assign) = statement
            .named_child(0)
            .filter(|a| a.kind_str() == "assignment_expression")
        else {
            continue;
        };
        let (Some(left), Some(right)) = (assign.field("left"), assign.field("right")) else {
            continue;
        };
        let this_field = left.kind_str() == "member_expression"
            && left.field("object").map(|o| text(o, src)) == Some("this");
        let value = text(right, src);
        if let (true, Some((_, slot))) = (this_field, by_name.iter().find(|(n, _)| *n == value)) {
            if let Some(field) = left.field("property") {
                links.push((text(field, src).to_string(), slot.clone()));
            }
        }
    }
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
