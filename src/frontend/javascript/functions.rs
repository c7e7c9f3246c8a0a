//! The file's functions, read in one walk before scopes are collected: which functions
//! each named function calls (self-rescheduling timers), the bodies of functions by
//! simple name (recurring work), the file-local helpers with their call sites (temporary
//! parameters), and the fields and returns that hold temporary paths.
//!
//! None of these needs scopes, so one walk gathers them all; it knows each node's
//! ancestors, which spares `Node::parent` (a search from the root) when naming functions.

use super::*;
use crate::frontend::tree::{Fields, Kind};
use std::ops::Range;

/// What the walk finds, besides the temporary fields and returns it records in [`Scopes`].
#[derive(Default)]
pub(super) struct Functions<'t> {
    /// For each named function, the functions its body calls (as referenced: `tick`, `this.poll`).
    pub(super) callees: HashMap<String, HashSet<String>>,
    /// The byte ranges of the file's function bodies by simple name (`tick`, and `poll` for
    /// the method `this.poll`).
    pub(super) bodies: HashMap<String, Vec<Range<usize>>>,
    /// File-local functions with the argument lists of their direct calls.
    pub(super) local: HashMap<String, LocalFunction<'t>>,
    /// Variables and `this.` fields (written as in the code: `recordDir`, `this.recordDir`)
    /// that hold a debugging or generating mode's environment variable, or a value built
    /// on another such name (see [`crate::reach::words::Words::mode_name_branch`]).
    pub(super) mode_names: HashSet<String>,
}

/// The longest value read for a mode's environment variable: such a value is a short
/// expression, and a longer one (a function, an object) is not read at all.
const MODE_VALUE_LIMIT: usize = 300;

/// Walks the tree under `root` once; records temporary fields and returns in `scopes`.
pub(super) fn collect<'t>(root: Node<'t>, src: &str, scopes: &mut Scopes) -> Functions<'t> {
    let mut walk = Walk {
        src,
        scopes,
        empty: Scopes::default(),
        found: Functions::default(),
        ancestors: Vec::new(),
        enclosing: Vec::new(),
        callers: Vec::new(),
    };
    walk.visit(root, 0);
    walk.found
}

struct Walk<'s, 't> {
    src: &'s str,
    scopes: &'s mut Scopes,
    /// No declarations: temporary values are judged by their own text (no scopes exist yet).
    empty: Scopes,
    found: Functions<'t>,
    /// The nodes above the one visited, innermost last.
    ancestors: Vec<Node<'t>>,
    /// References of the enclosing functions, innermost last (`""` for an unnamed one).
    enclosing: Vec<String>,
    /// References of the enclosing named functions, innermost last.
    callers: Vec<String>,
}

impl<'t> Walk<'_, 't> {
    fn visit(&mut self, node: Node<'t>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let kind = node.kind_str();
        let parent = self.ancestors.last().copied();
        let function = is_function(kind);
        let reference = if function {
            function_reference_under(node, parent, self.src)
        } else {
            None
        };
        if function {
            self.enter_function(node, kind, reference.as_deref());
        }
        match kind {
            "return_statement" => {
                let temp = node
                    .named_child(0)
                    .is_some_and(|v| is_temp_value(v, self.src, &self.empty));
                note_return(self.scopes, self.enclosing.last().map(String::as_str), temp);
            }
            "variable_declarator" | "public_field_definition" | "field_definition" => {
                let name = node.field("name").or_else(|| node.field("property"));
                if let (Some(name), Some(value)) = (name, node.field("value")) {
                    let prefix = if kind == "variable_declarator" {
                        ""
                    } else {
                        "this."
                    };
                    self.note_mode(&format!("{prefix}{}", text(name, self.src)), value);
                }
            }
            "assignment_expression" => {
                if let (Some(left), Some(right)) = (node.field("left"), node.field("right")) {
                    let member: String = text(left, self.src).split_whitespace().collect();
                    self.note_mode(&member, right);
                    if member.starts_with("this.")
                        && left.kind_str() == "member_expression"
                        && is_temp_value(right, self.src, &self.empty)
                    {
                        self.scopes.temp_members.insert(member);
                    }
                }
            }
            "call_expression" => self.call(node),
            "identifier" | "shorthand_property_identifier" => self.mention(node, parent),
            _ => {}
        }
        self.ancestors.push(node);
        for child in named_children(node) {
            self.visit(child, depth + 1);
        }
        self.ancestors.pop();
        if function {
            self.enclosing.pop();
            if reference.is_some() {
                self.callers.pop();
            }
        }
    }

    /// Records `name` as a mode's when `value` reads a mode's environment variable or
    /// names one of the mode names found before it.
    fn note_mode(&mut self, name: &str, value: Node<'_>) {
        let value = text(value, self.src);
        if value.len() > MODE_VALUE_LIMIT {
            return;
        }
        let names = &self.found.mode_names;
        let built_on_mode = value
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$' || c == '.'))
            .any(|word| names.contains(word));
        if built_on_mode || crate::reach::words().reads_mode_env(value) {
            self.found.mode_names.insert(name.to_string());
        }
    }

    fn enter_function(&mut self, node: Node<'t>, kind: &str, reference: Option<&str>) {
        let name = reference.unwrap_or_default();
        let body = node.field("body");
        // `const scratch = () => path.join(os.tmpdir(), id)`: an expression body is returned.
        if let Some(body) = body.filter(|b| b.kind_str() != "statement_block") {
            let temp = is_temp_value(body, self.src, &self.empty);
            note_return(self.scopes, Some(name), temp);
        }
        self.enclosing.push(name.to_string());
        let Some(reference) = reference else {
            return;
        };
        self.callers.push(reference.to_string());
        if let Some(body) = body {
            let simple = reference.rsplit('.').next().unwrap_or(reference);
            self.found
                .bodies
                .entry(simple.to_string())
                .or_default()
                .push(body.byte_range());
        }
        if kind != "method_definition" && is_identifier_name(reference) {
            let exported = is_exported_declaration(&self.ancestors);
            let entry = self.found.local.entry(reference.to_string()).or_default();
            entry.nodes.push(node);
            if exported {
                entry.escapes = true;
            }
        }
    }

    fn call(&mut self, node: Node<'t>) {
        let Some(function) = node.field("function") else {
            return;
        };
        if matches!(function.kind_str(), "identifier" | "member_expression") {
            let reference: String = text(function, self.src).split_whitespace().collect();
            for caller in &self.callers {
                self.found
                    .callees
                    .entry(caller.clone())
                    .or_default()
                    .insert(reference.clone());
            }
        }
        if let Some(args) = node.field("arguments") {
            if function.kind_str() == "identifier" {
                self.found
                    .local
                    .entry(text(function, self.src).to_string())
                    .or_default()
                    .calls
                    .push(args);
            }
        }
    }

    /// A name used other than by calling or declaring it: the function it names may be
    /// called from anywhere.
    fn mention(&mut self, node: Node<'t>, parent: Option<Node<'t>>) {
        let is_callee = parent.is_some_and(|p| {
            p.kind_str() == "call_expression" && p.field("function") == Some(node)
        });
        let is_declaration = parent.is_some_and(|p| {
            matches!(
                p.kind_str(),
                "function_declaration"
                    | "generator_function_declaration"
                    | "function_expression"
                    | "function"
                    | "variable_declarator"
            ) && p.field("name") == Some(node)
        });
        if is_callee || is_declaration {
            return;
        }
        let name = text(node, self.src);
        match self.found.local.get_mut(name) {
            Some(entry) => entry.escapes = true,
            None => {
                let entry = self.found.local.entry(name.to_string()).or_default();
                entry.escapes = true;
            }
        }
    }
}

fn is_temp_value(value: Node<'_>, src: &str, empty: &Scopes) -> bool {
    is_temp_path_value(value, src) || is_temp_path_node(value, src, empty, 0)
}

/// Whether every value `function` returns is a temporary path, so far.
fn note_return(scopes: &mut Scopes, function: Option<&str>, temp: bool) {
    if let Some(name) = function.filter(|n| !n.is_empty()) {
        *scopes.temp_returns.entry(name.to_string()).or_insert(true) &= temp;
    }
}

/// Whether a function with these `ancestors` (innermost last) is exported:
/// `export function f`, `export const f = ...`, `export default function f`.
fn is_exported_declaration(ancestors: &[Node<'_>]) -> bool {
    for parent in ancestors.iter().rev().take(3) {
        if parent.kind_str() == "export_statement" {
            return true;
        }
        if !matches!(
            parent.kind_str(),
            "variable_declarator" | "lexical_declaration" | "variable_declaration"
        ) {
            return false;
        }
    }
    false
}
