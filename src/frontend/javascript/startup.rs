//! Classes the application constructs once when it starts: a `new UserService(..)` made
//! directly in a top-level function named for building the application
//! (`createServices`, `init`, `setupServer`; the names are data, `words.toml`), outside
//! nested functions and loops (a callback or a loop body may run once per request or
//! connection), registers `startup:UserService` (a class named plainly, not
//! `new pkg.Client()`). The objects such a function returns or
//! hands to a server (`extensions: [new Limits()]`) live as long as the process. A builder
//! named for test doubles (`createFakeServices`) builds nothing a server runs.

use super::syntax::is_function;
use super::*;
use crate::reach::words::split_words;
use std::collections::BTreeSet;

/// Whether a function of this name builds the application once at start-up.
fn builds_the_application(name: &str) -> bool {
    let words = split_words(name);
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return false;
    };
    let names = super::words::words();
    if words.iter().any(|w| names.doubles.contains(w)) {
        return false;
    }
    names.verbs.contains(first)
        || (words.len() > 1 && names.makers.contains(first) && names.products.contains(last))
}

/// The top-level functions of the file that build the application, with their bodies:
/// `function init(..) {..}`, `export const createServices = (..) => {..}`.
fn builders<'t>(root: Node<'t>, src: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    for statement in named_children(root) {
        let statement = match statement.kind_str() {
            "export_statement" => match statement
                .child_by_field_name("declaration")
                .or_else(|| statement.child_by_field_name("value"))
            {
                Some(d) => d,
                None => continue,
            },
            _ => statement,
        };
        let named: Vec<(Node<'t>, Node<'t>)> = match statement.kind_str() {
            "function_declaration" | "function_expression" | "function" => statement
                .child_by_field_name("name")
                .map(|n| (n, statement))
                .into_iter()
                .collect(),
            "lexical_declaration" | "variable_declaration" => named_children(statement)
                .filter_map(|d| {
                    Some((
                        d.child_by_field_name("name")?,
                        d.child_by_field_name("value")?,
                    ))
                })
                .filter(|(_, v)| is_function(v.kind_str()))
                .collect(),
            _ => Vec::new(),
        };
        out.extend(
            named
                .into_iter()
                .filter(|(name, _)| builds_the_application(text(*name, src)))
                .filter_map(|(_, function)| function.child_by_field_name("body")),
        );
    }
    out
}

/// `startup:Name` for every class a builder of the file constructs directly.
pub(super) fn startup_instances(root: Node<'_>, src: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for body in builders(root, src) {
        let mut stack = vec![(body, 0usize)];
        while let Some((node, depth)) = stack.pop() {
            if depth > MAX_DEPTH || (depth > 0 && once_per_run_ends(node.kind_str())) {
                continue;
            }
            if node.kind_str() == "new_expression" && constructs_by_name(node) {
                out.extend(
                    super::fields::constructed(node, src)
                        .and_then(|c| c.strip_prefix("new:").map(|n| format!("startup:{n}"))),
                );
            }
            for child in named_children(node) {
                stack.push((child, depth + 1));
            }
        }
    }
    out
}

/// Whether a `new` expression names its class plainly (`new UserService(..)`): a class
/// reached through an object (`new issuer.Client(..)`, `new pg.Pool(..)`) is a package's,
/// whose last name may be shared by unrelated classes of the project.
fn constructs_by_name(new: Node<'_>) -> bool {
    new.child_by_field_name("constructor")
        .is_some_and(|c| c.kind_str() == "identifier")
}

/// Nodes whose code may run more than once per call of the builder: nested functions
/// (callbacks, handlers), classes and loops.
fn once_per_run_ends(kind: &str) -> bool {
    is_function(kind)
        || matches!(
            kind,
            "class_declaration"
                | "class"
                | "for_statement"
                | "for_in_statement"
                | "while_statement"
                | "do_statement"
        )
}
