//! Scratch files by data flow: what each call does with the path it is given, recorded
//! for [`crate::frontend::scratch`] (a file created and deleted in the same method).

use super::syntax::{last_named_child, unwrap_expr};
use super::walk::Walker;
use crate::event::Arg;
use crate::frontend::object_copy::direction;
use crate::frontend::scratch::{type_creates, use_of, Call, Transfer, Use};
use crate::frontend::tree::{ancestors, text, Kind};
use tree_sitter::Node;

/// Function-like nodes: a path's uses are compared within one of them.
const FUNCTIONS: &[&str] = &[
    "method_declaration",
    "constructor_declaration",
    "local_function_statement",
    "accessor_declaration",
    "lambda_expression",
    "anonymous_method_expression",
];

/// `FileMode`s that create or extend the file a `FileStream` opens.
const CREATING_MODES: &[&str] = &["Create", "CreateNew", "Append", "OpenOrCreate"];

impl Walker<'_, '_> {
    /// Records the path use of a call or construction `node` named `name` (method or type),
    /// with its argument list and the index of the event it produced.
    pub(super) fn note_path_use(
        &mut self,
        node: Node<'_>,
        name: &str,
        arguments: Option<Node<'_>>,
        event: Option<usize>,
    ) {
        let Some(arguments) = arguments else { return };
        let mut cursor = arguments.walk();
        let values: Vec<Node<'_>> = arguments
            .named_children(&mut cursor)
            .filter(|a| a.kind_str() == "argument")
            .filter_map(last_named_child)
            .map(unwrap_expr)
            .take(2)
            .collect();
        let Some(&first) = values.first() else { return };
        let what = if node.kind_str() == "invocation_expression" {
            match use_of(name) {
                Some(what) => what,
                None => return,
            }
        } else if type_creates(name) || event.is_some_and(|e| self.opens_for_writing(e)) {
            // `new StreamWriter(path)`, `new FileStream(path, FileMode.Create)`.
            Use::Create
        } else {
            return;
        };
        let (what, path, destination) = match (what, values.get(1)) {
            (Use::Move | Use::Copy, Some(&dest)) => (
                what,
                first,
                Some((text(dest, self.src), self.is_temp_path(dest))),
            ),
            // `entry.ExtractToFile(destination)`, `info.CopyTo(destination)`: the one
            // argument is the file created.
            (Use::Copy, None) => (Use::Create, first, None),
            (Use::Move, None) => return,
            (what, _) => (what, first, None),
        };
        let (function, on_failure) = enclosing_function(self.work.root(), node);
        self.path_uses.record(Call {
            function,
            what,
            at: node.start_byte(),
            event,
            path: text(path, self.src),
            destination,
            on_failure,
        });
    }

    /// Records a call of method `name` on `receiver` that copies between object storage and
    /// local files (`blobClient.DownloadToAsync(path)`, see [`crate::frontend::object_copy`]).
    /// Whether it was one.
    pub(super) fn note_transfer(
        &mut self,
        node: Node<'_>,
        name: &str,
        arguments: Option<Node<'_>>,
        receiver: Option<Node<'_>>,
    ) -> bool {
        let Some(direction) = direction(name) else {
            return false;
        };
        let Some(arguments) = arguments else {
            return true;
        };
        let mut cursor = arguments.walk();
        let texts: Vec<&str> = arguments
            .named_children(&mut cursor)
            .filter(|a| a.kind_str() == "argument")
            .filter_map(last_named_child)
            .map(|a| text(unwrap_expr(a), self.src))
            .collect();
        let on_client = receiver.is_some_and(|r| {
            !matches!(r.kind_str(), "this_expression" | "base_expression" | "this")
                && text(r, self.src) != "this"
        });
        self.path_uses.record_transfer(Transfer {
            function: enclosing_function(self.work.root(), node).0,
            direction,
            at: node.start_byte(),
            args: &texts,
            on_client,
        });
        true
    }

    fn opens_for_writing(&self, event: usize) -> bool {
        self.facts.events.get(event).is_some_and(|e| {
            e.args.iter().any(|a| match a {
                Arg::Member(candidates) => candidates.iter().any(|c| {
                    c.rsplit_once('.').is_some_and(|(ty, mode)| {
                        ty.ends_with("FileMode") && CREATING_MODES.contains(&mode)
                    })
                }),
                _ => false,
            })
        })
    }
}

/// The start byte of the method, accessor or lambda around `node` (0 at top level), and
/// whether `node` sits in a `catch` block of it.
fn enclosing_function(root: Node<'_>, node: Node<'_>) -> (usize, bool) {
    let mut in_catch = false;
    for n in ancestors(root, node) {
        if FUNCTIONS.contains(&n.kind_str()) {
            return (n.start_byte(), in_catch);
        }
        in_catch |= n.kind_str() == "catch_clause";
    }
    (0, in_catch)
}
