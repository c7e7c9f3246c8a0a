//! Paths built from a method's parameters, and what calls of the project's own methods
//! pass, for following temporary and cache paths across files (see [`crate::reach::temp_params`]).

use super::forward::{argument_values, enclosing_method};
use super::syntax::unwrap_expr;
use super::walk::Walker;
use super::words::words;
use crate::event::{Arg, ArgFlow, ArgSource, Event};
use crate::frontend::flat::Node;
use crate::frontend::tree::{text, Fields, Kind};
use crate::frontend::words::PathPurpose;
use crate::reach::temp_params::assume_temp;

/// How deep a path expression is followed to the parameter it is built on.
const DEPTH: usize = 8;

/// Whether an argument is a path this instance alone keeps: a cache folder by its words, or a
/// literal naming one (`"cache/pages"`), not a file of the process.
fn is_instance_arg(arg: &Arg) -> bool {
    match arg {
        Arg::InstancePath => true,
        Arg::Str(s) => {
            let purpose = PathPurpose::literal(s);
            purpose.is_instance() && !purpose.is_process_file()
        }
        _ => false,
    }
}

impl Walker<'_, '_> {
    /// The position of the enclosing method's parameter a path expression is built on: the
    /// parameter, a local built on it, or a `Path.Combine` whose first part is one.
    pub(super) fn path_root(&self, expr: Node<'_>, depth: usize) -> Option<usize> {
        if depth > DEPTH {
            return None;
        }
        let expr = unwrap_expr(expr);
        match expr.kind_str() {
            "identifier" => self.lookup(text(expr, self.src))?.root,
            "invocation_expression" => {
                let function = expr.field("function")?;
                let builds = function.kind_str() == "member_access_expression"
                    && function
                        .field("expression")
                        .is_some_and(|e| matches!(text(e, self.src), "Path" | "System.IO.Path"))
                    && function
                        .field("name")
                        .is_some_and(|n| words().path_builders.contains(text(n, self.src)));
                if !builds {
                    return None;
                }
                let first = argument_values(expr.field("arguments"))
                    .into_iter()
                    .next()?;
                self.path_root(first, depth + 1)
            }
            "binary_expression" => self.path_root(expr.field("left")?, depth + 1),
            _ => None,
        }
    }

    /// The parameter a listing of a folder's entries is built on
    /// (`Directory.GetDirectories(path)`, `Directory.EnumerateFiles(dir, "*.tmp")`): its
    /// entries lie inside the folder (see [`Self::path_root`]).
    pub(super) fn listing_root(&self, expr: Node<'_>) -> Option<usize> {
        let expr = unwrap_expr(expr);
        if expr.kind_str() != "invocation_expression" {
            return None;
        }
        let function = expr.field("function")?;
        let lists = function.kind_str() == "member_access_expression"
            && function
                .field("expression")
                .is_some_and(|e| matches!(text(e, self.src), "Directory" | "System.IO.Directory"))
            && function
                .field("name")
                .is_some_and(|n| words().folder_listings.contains(text(n, self.src)));
        if !lists {
            return None;
        }
        let first = argument_values(expr.field("arguments"))
            .into_iter()
            .next()?;
        self.path_root(first, 0)
    }

    /// The enclosing method's name and the position (as its callers count, without an
    /// extension method's `this`) of the one parameter an expression is built on.
    fn param_root(&self, method: Option<(&str, bool)>, expr: Node<'_>) -> Option<(String, usize)> {
        let (name, extension) = method?;
        let position = self.path_root(expr, 0)?;
        let position = if extension {
            position.checked_sub(1)?
        } else {
            position
        };
        Some((name.to_string(), position))
    }

    /// The method whose body holds `node`, and whether it is an extension method.
    fn method_at<'s>(&'s self, node: Node<'_>) -> Option<(&'s str, bool)> {
        let method = enclosing_method(node)?;
        let name = text(method.field("name")?, self.src);
        let extension = method
            .field("parameters")
            .and_then(|p| p.named_child(0))
            .is_some_and(|first| text(first, self.src).starts_with("this "));
        Some((name, extension))
    }

    /// Gives a file operation whose path arguments are built on its method's parameters the
    /// arguments it would have if they were temporary paths (see
    /// [`crate::reach::temp_params::assume_temp`]).
    pub(super) fn assume_temp_params(
        &self,
        node: Node<'_>,
        event: &mut Event,
        arguments: Option<Node<'_>>,
    ) {
        if event.assumed.is_some() {
            return;
        }
        let method = self.method_at(node);
        if method.is_none() {
            return;
        }
        let roots = argument_values(arguments)
            .into_iter()
            .map(|a| self.param_root(method, a));
        assume_temp(event, roots);
    }

    /// Records what a call of the project's own method `method` passes at each position.
    pub(super) fn note_arg_flows(
        &mut self,
        node: Node<'_>,
        method: &str,
        args: &[Arg],
        arguments: Option<Node<'_>>,
    ) {
        let callee = method.rsplit('.').next().unwrap_or(method);
        let caller = self.method_at(node);
        let flows: Vec<ArgFlow> = args
            .iter()
            .zip(argument_values(arguments))
            .enumerate()
            .map(|(index, (arg, expr))| {
                // A value built on a parameter is what the project's calls pass there, even
                // when the file's own calls make the parameter a temporary path.
                let source = match self.param_root(caller, expr) {
                    Some((function, index)) => ArgSource::Param { function, index },
                    None if *arg == Arg::TempPath => ArgSource::Temp,
                    None if is_instance_arg(arg) => ArgSource::Instance,
                    None => ArgSource::Plain,
                };
                ArgFlow::new(callee, index, source)
            })
            .collect();
        self.facts.arg_flows.extend(flows);
    }
}
