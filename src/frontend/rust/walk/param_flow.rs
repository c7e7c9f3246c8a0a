//! Paths built from a function's parameters, and what calls pass their callees, for
//! following temporary and cache paths across files (see [`crate::reach::temp_params`]).

use super::Walker;
use crate::event::{ArgFlow, ArgSource, Event};
use crate::frontend::rust::statics::peel;
use crate::reach::temp_params::assume_temp;
use syn::Expr;

/// Methods on a path that keep pointing into it (`dir.join(name)`, `path.as_ref()`).
const PATH_METHODS: &[&str] = &[
    "join",
    "as_ref",
    "as_path",
    "to_path_buf",
    "clone",
    "to_owned",
    "with_extension",
    "with_file_name",
    "path",
];

impl Walker<'_> {
    /// The position of the current function's parameter a path expression is built on:
    /// the parameter itself, a path joined onto it, or a `let` bound to one.
    pub(super) fn param_root(&self, expr: &Expr) -> Option<usize> {
        match peel(expr, PATH_METHODS, true) {
            Expr::Path(p) if p.qself.is_none() => {
                let name = p.path.get_ident()?.to_string();
                self.param_roots.get(&name).copied()
            }
            _ => None,
        }
    }

    /// `let path = dir.join("a")`: `path` stands for the parameter `dir` is, or no longer
    /// for any when it shadows one.
    pub(super) fn note_param_local(&mut self, name: &str, init: Option<&Expr>) {
        match init.and_then(|e| self.param_root(e)) {
            Some(position) => {
                self.param_roots.insert(name.to_string(), position);
            }
            None => {
                self.param_roots.remove(name);
            }
        }
    }

    /// Records what a call of `callee` passes at each position (nothing in test code); a
    /// call that may be the project's own (`own`) may also pass temporary or cache paths, any other
    /// passes only plain values.
    pub(super) fn note_arg_flows<'e>(
        &mut self,
        callee: &str,
        args: impl Iterator<Item = &'e Expr>,
        own: bool,
    ) {
        if self.ctx.test {
            return;
        }
        let function = self.current_fn.map(|f| self.fn_names[f].clone());
        // A value built on a parameter is what the project's calls pass there, even when
        // the file's own calls make the parameter a temporary path.
        for (index, arg) in args.enumerate() {
            let source = match (own, self.param_root(arg), &function) {
                (false, _, _) => ArgSource::Plain,
                (true, Some(position), Some(function)) => ArgSource::Param {
                    function: function.clone(),
                    index: position,
                },
                _ if self.is_temp_expr(arg) => ArgSource::Temp,
                _ if self.is_instance_expr(arg) => ArgSource::Instance,
                _ => ArgSource::Plain,
            };
            self.arg_flows.push(ArgFlow::new(callee, index, source));
        }
    }

    /// Gives an event whose path arguments are built on the current function's parameters
    /// the arguments it would have if those parameters were temporary paths (see
    /// [`crate::reach::temp_params::assume_temp`]).
    pub(super) fn assume_temp_params<'e>(
        &self,
        event: &mut Event,
        args: impl Iterator<Item = &'e Expr>,
    ) {
        let Some(function) = self.current_fn.map(|f| &self.fn_names[f]) else {
            return;
        };
        if self.ctx.test {
            return;
        }
        assume_temp(
            event,
            args.map(|a| self.param_root(a).map(|p| (function.clone(), p))),
        );
    }
}
