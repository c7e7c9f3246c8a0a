//! Paths built from a named function's parameters, and what calls pass their callees, for
//! following temporary and cache paths across files (see [`crate::reach::temp_params`]).

use super::emit::Emitter;
use super::paths::{is_instance_path_node, is_temp_path_node, parameter_names};
use super::scope::Scope;
use crate::event::{ArgFlow, ArgSource, Event};
use crate::frontend::flat::Node;
use crate::frontend::tree::{named_children, text, Fields, Kind};
use crate::reach::temp_params::assume_temp;
use foldhash::HashMap;

/// How deep a path expression is followed to the parameter it is built on.
const DEPTH: usize = 8;

/// The path module's calls whose first argument is the folder the result lies in.
const PATH_BUILDERS: &[&str] = &[
    "path.join",
    "path.resolve",
    "path.dirname",
    "path.normalize",
    "path/posix.join",
    "path/posix.resolve",
];

/// One named function around the walk: its simple name, the scope its parameters are
/// declared in, and their names by position.
pub(super) struct Frame {
    name: String,
    scope: Scope,
    params: Vec<Option<String>>,
}

/// The named functions around the walk and the locals built on their parameters.
#[derive(Default)]
pub(super) struct ParamFlow {
    frames: Vec<Frame>,
    /// (local, its declaration's scope) → (function, parameter position).
    locals: HashMap<(String, usize, usize), (String, usize)>,
}

/// The simple name a call or a definition is known by: `this.extract` and `utils.extract`
/// are `extract`.
fn simple_name(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

impl ParamFlow {
    /// Enters a function node named `name` (nothing for an unnamed callback, whose own
    /// parameters hide the outer ones of the same name).
    pub(super) fn enter(&mut self, function: Node<'_>, name: &str, src: &str) -> bool {
        if name.is_empty() {
            return false;
        }
        self.frames.push(Frame {
            name: simple_name(name).to_string(),
            scope: Scope::from(function.byte_range()),
            params: parameter_names(function)
                .into_iter()
                .map(|p| p.map(|p| text(p, src).to_string()))
                .collect(),
        });
        true
    }

    /// Leaves the function [`ParamFlow::enter`] entered.
    pub(super) fn leave(&mut self) {
        self.frames.pop();
    }
}

impl Emitter<'_> {
    /// The named function and parameter position a path expression is built on: the
    /// parameter itself, a path joined onto it, or a local bound to one.
    pub(super) fn param_root(&self, node: Node<'_>, depth: usize) -> Option<(String, usize)> {
        if depth > DEPTH {
            return None;
        }
        let first = |n: Option<Node<'_>>| n.and_then(|n| self.param_root(n, depth + 1));
        match node.kind_str() {
            "identifier" => {
                let name = text(node, self.src);
                let scope = self.scopes.visible_scope(name, node.start_byte())?;
                let flow = &self.param_flow;
                flow.frames
                    .iter()
                    .rev()
                    .filter(|f| f.scope == scope)
                    .find_map(|f| {
                        let position = f.params.iter().position(|p| p.as_deref() == Some(name))?;
                        Some((f.name.clone(), position))
                    })
                    .or_else(|| {
                        flow.locals
                            .get(&(name.to_string(), scope.start, scope.end))
                            .cloned()
                    })
            }
            "parenthesized_expression"
            | "await_expression"
            | "non_null_expression"
            | "as_expression"
            | "satisfies_expression" => first(node.named_child(0)),
            "template_string" if text(node, self.src).starts_with("`${") => first(
                named_children(node)
                    .find(|c| c.kind_str() == "template_substitution")
                    .and_then(|c| c.named_child(0)),
            ),
            "binary_expression"
                if node
                    .field("operator")
                    .is_some_and(|o| text(o, self.src) == "+") =>
            {
                first(node.field("left"))
            }
            "call_expression" => {
                let builds = node
                    .field("function")
                    .and_then(|f| self.scopes.path_of(f, self.src))
                    .is_some_and(|p| PATH_BUILDERS.contains(&p.as_str()));
                if builds {
                    first(node.field("arguments").and_then(|a| a.named_child(0)))
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// `const fullPath = path.join(target, name)`: the local stands for the parameter.
    pub(super) fn note_param_local(&mut self, declarator: Node<'_>) {
        let (Some(name), Some(value)) = (declarator.field("name"), declarator.field("value"))
        else {
            return;
        };
        if name.kind_str() != "identifier" {
            return;
        }
        let Some(root) = self.param_root(value, 0) else {
            return;
        };
        let local = text(name, self.src);
        if let Some(scope) = self.scopes.visible_scope(local, name.start_byte()) {
            self.param_flow
                .locals
                .insert((local.to_string(), scope.start, scope.end), root);
        }
    }

    /// Records what a call passes at each position; a call of an installed package's
    /// function (`own` false) passes only plain values as far as the project's are concerned.
    pub(super) fn note_arg_flows(&mut self, callee: Node<'_>, args: &[Node<'_>], own: bool) {
        let name = match callee.kind_str() {
            "identifier" => text(callee, self.src),
            "member_expression" => callee.field("property").map_or("", |p| text(p, self.src)),
            _ => return,
        };
        if name.is_empty() {
            return;
        }
        // A value built on a parameter is what the project's calls pass there, even when
        // the file's own calls make the parameter a temporary path.
        for (index, &arg) in args.iter().enumerate() {
            let source = match (own, self.param_root(arg, 0)) {
                (false, _) => ArgSource::Plain,
                (true, Some((function, index))) => ArgSource::Param { function, index },
                _ if is_temp_path_node(arg, self.src, self.scopes, 0) => ArgSource::Temp,
                _ if is_instance_path_node(arg, self.src, self.scopes) => ArgSource::Instance,
                _ => ArgSource::Plain,
            };
            self.facts.arg_flows.push(ArgFlow::new(name, index, source));
        }
    }

    /// Gives an event whose path arguments are built on a named function's parameters the
    /// arguments it would have if they were temporary paths (see
    /// [`crate::reach::temp_params::assume_temp`]).
    pub(super) fn assume_temp_params(&self, event: &mut Event, args: &[Node<'_>]) {
        assume_temp(event, args.iter().map(|&a| self.param_root(a, 0)));
    }
}
