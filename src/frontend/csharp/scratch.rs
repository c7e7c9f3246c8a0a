//! Scratch files by data flow: what each call does with the path it is given, recorded
//! for [`crate::frontend::scratch`] (a file created and deleted in the same method).
//! A `FileInfo`/`DirectoryInfo` built from a path acts on that path (`info.Delete()`), and
//! a download (`DownloadArchiveAsync(url, zipPath)`) creates whichever argument is the path.

use super::syntax::{last_named_child, last_segment, type_name, unwrap_expr};
use super::walk::Walker;
use super::words::words;
use crate::event::Arg;
use crate::frontend::flat::Node;
use crate::frontend::object_copy::direction;
use crate::frontend::scratch::{
    branch_arms, joins_path, type_creates, use_of, Call, Transfer, Use,
};
use crate::frontend::tree::{ancestors, text, Fields, Kind};
use crate::frontend::words::names_a_download;

/// Function-like nodes: a path's uses are compared within one of them.
const FUNCTIONS: &[&str] = &[
    "method_declaration",
    "constructor_declaration",
    "local_function_statement",
    "accessor_declaration",
    "lambda_expression",
    "anonymous_method_expression",
];

/// How many arguments of a download are looked at for its local path.
const DOWNLOAD_ARGS: usize = 4;

/// A path a call uses: its text, what the call does with it, and for a move or copy the
/// destination's text and whether it is a temporary path.
type FoundUse = (String, Use, Option<(String, bool)>);

impl Walker<'_, '_> {
    /// Records the path use of a call or construction `node` named `name` (method or type),
    /// with its argument list, the receiver of a call and the index of the event it produced.
    pub(super) fn note_path_use(
        &mut self,
        node: Node<'_>,
        name: &str,
        arguments: Option<Node<'_>>,
        receiver: Option<Node<'_>>,
        event: Option<usize>,
    ) {
        let Some(arguments) = arguments else { return };
        let mut cursor = arguments.walk();
        let values: Vec<Node<'_>> = arguments
            .named_children(&mut cursor)
            .filter(|a| a.kind_str() == "argument")
            .filter_map(last_named_child)
            .map(unwrap_expr)
            .take(DOWNLOAD_ARGS)
            .collect();
        let invocation = node.kind_str() == "invocation_expression";
        if invocation && joins_path(name) {
            // `var input = Path.Combine(folder, name)`: a path under `folder`.
            if let (Some(holder), Some(&first)) = (assigned_to(node), values.first()) {
                let (function, _) = enclosing_function(self.work.root(), node);
                let (child, parent) = (text(holder, self.src), text(first, self.src));
                self.path_uses.derive(function, child, parent);
            }
            return;
        }
        // `info.Delete()`, `new FileInfo(path).CreateText()`: the path the object was built from.
        let own_file = receiver
            .filter(|_| invocation)
            .and_then(|r| self.receiver_file(r))
            .map(|(path, _)| path);
        let what = if invocation {
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
        let mut uses: Vec<FoundUse> = Vec::new();
        let destination = |d: Node<'_>| (text(d, self.src).to_string(), self.is_temp_path(d));
        if let Some(file) = own_file {
            match (what, values.first()) {
                (Use::Move | Use::Copy, None) => {}
                (Use::Move | Use::Copy, Some(&d)) => uses.push((file, what, Some(destination(d)))),
                (what, _) => uses.push((file, what, None)),
            }
        } else if what == Use::Create && invocation && names_a_download(name) {
            // `DownloadFileAsync(url, path)`: one of the arguments is the local file.
            uses.extend(
                values
                    .iter()
                    .map(|&v| (text(v, self.src).to_string(), Use::Create, None)),
            );
        } else if let Some(&first) = values.first() {
            let path = text(first, self.src).to_string();
            match (what, values.get(1)) {
                (Use::Move | Use::Copy, Some(&d)) => uses.push((path, what, Some(destination(d)))),
                // `entry.ExtractToFile(destination)`, `info.CopyTo(destination)`: the one
                // argument is the file created.
                (Use::Copy, None) => uses.push((path, Use::Create, None)),
                (Use::Move, None) => {}
                (what, _) => uses.push((path, what, None)),
            }
        }
        let (function, on_failure) = enclosing_function(self.work.root(), node);
        let arms = branch_arms(node);
        for (path, what, destination) in &uses {
            self.path_uses.record(Call {
                function,
                what: *what,
                at: node.start_byte(),
                event,
                path,
                destination: destination.as_ref().map(|(d, temp)| (d.as_str(), *temp)),
                on_failure,
                arms: &arms,
            });
        }
    }

    /// The text and the fact of the path a `FileInfo` or `DirectoryInfo` receiver was built
    /// from: a local initialised with `new FileInfo(path)`, or the construction itself.
    pub(super) fn receiver_file(&self, receiver: Node<'_>) -> Option<(String, Arg)> {
        let receiver = unwrap_expr(receiver);
        if receiver.kind_str() == "identifier" {
            return self.lookup(text(receiver, self.src))?.file_of.clone();
        }
        self.info_path(receiver)
            .map(|p| (text(p, self.src).to_string(), self.arg(p)))
    }

    /// The path argument of `new FileInfo(path)` / `new DirectoryInfo(path)`.
    pub(super) fn info_path<'t>(&self, node: Node<'t>) -> Option<Node<'t>> {
        if node.kind_str() != "object_creation_expression" {
            return None;
        }
        let ty = node.field("type").and_then(|t| type_name(t, self.src))?;
        if !words().info_types.contains(last_segment(&ty)) {
            return None;
        }
        let arguments = node.field("arguments")?;
        let mut cursor = arguments.walk();
        let first = arguments
            .named_children(&mut cursor)
            .find(|a| a.kind_str() == "argument")
            .and_then(last_named_child)
            .map(unwrap_expr);
        first
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
                        ty.ends_with("FileMode") && words().creating_modes.contains(mode)
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

/// The variable or member a call's value is assigned to: `var x = Call()`, `x = Call()`.
fn assigned_to(call: Node<'_>) -> Option<Node<'_>> {
    let mut parent = call.parent()?;
    if parent.kind_str() == "equals_value_clause" {
        parent = parent.parent()?;
    }
    match parent.kind_str() {
        "variable_declarator" => parent.field("name"),
        "assignment_expression" if parent.field("right") == Some(call) => parent.field("left"),
        _ => None,
    }
}
