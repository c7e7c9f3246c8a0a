//! Thin file-system wrappers: a method of a file-system layer (`ManagedFileSystem`,
//! `DiskProvider`, a class in an `IO` namespace) whose file operations act only on paths its
//! parameters give (`public void DeleteFile(string path) => File.Delete(path);`). Whose file
//! that is, only its callers know, so the event records the method and parameter positions
//! ([`Forwarded`]); and every call of an unresolved method (the project's own) that passes
//! a path naming shared data is recorded ([`SharedPathCall`]). The project pass
//! ([`crate::reach::wrappers`]) joins the two.

use super::resolve::Recv;
use super::syntax::{last_named_child, unwrap_expr};
use super::walk::Walker;
use super::words::words;
use crate::event::{Arg, Forwarded, SharedPathCall};
use crate::frontend::flat::Node;
use crate::frontend::tree::{text, Kind};
use crate::frontend::words::{is_file_system_layer, PathPurpose};

/// At most this many nodes are inspected for one path expression.
const MAX_NODES: usize = 128;

impl Walker<'_, '_> {
    /// Which parameters of the enclosing method an expression is built from, as a bit set,
    /// when it is built from nothing else (type names such as `Path`, literals and other
    /// locals built from parameters may take part); `None` when a field, a property of this
    /// object or an unknown name takes part, or when no parameter does.
    pub(super) fn parameter_mask(&self, expr: Node<'_>) -> Option<u64> {
        let mut budget = MAX_NODES;
        self.mask_within(unwrap_expr(expr), &mut budget)
            .filter(|&mask| mask != 0)
    }

    fn mask_within(&self, node: Node<'_>, budget: &mut usize) -> Option<u64> {
        if *budget == 0 {
            return None;
        }
        *budget -= 1;
        match node.kind_str() {
            "identifier" => {
                let name = text(node, self.src);
                match self.lookup(name) {
                    Some(var) => var.params,
                    // A type's static member (`Path.Combine`, `Guid.NewGuid()`).
                    None if name.starts_with(|c: char| c.is_ascii_uppercase()) => Some(0),
                    None => None,
                }
            }
            "member_access_expression" => node
                .child_by_field_name("expression")
                .and_then(|e| self.mask_within(e, budget)),
            "member_binding_expression" | "predefined_type" | "generic_name" => Some(0),
            "this_expression"
            | "base_expression"
            | "lambda_expression"
            | "anonymous_method_expression" => None,
            kind if kind.ends_with("literal") => Some(0),
            _ => {
                let mut mask = 0;
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    mask |= self.mask_within(child, budget)?;
                }
                Some(mask)
            }
        }
    }

    /// The [`Forwarded`] fact of a file operation at `node` with these argument facts and
    /// argument list, and the receiver of a method call (`info.Delete()`): set when the
    /// enclosing method belongs to a file-system layer and every path it touches comes from
    /// its parameters.
    pub(super) fn forwarded(
        &mut self,
        node: Node<'_>,
        args: &[Arg],
        arguments: Option<Node<'_>>,
        receiver: Option<Node<'_>>,
    ) -> Option<Forwarded> {
        let owner = self.enclosing_type_name().map(str::to_string);
        // A type named for a file-system layer, or a static helper class in an `IO`
        // namespace (`AsyncFile`); an instance class there (a shortcut handler, a recorder)
        // has a purpose of its own and is judged where it writes.
        // The namespace first: finding the class climbs the tree from the root.
        let layer = owner.as_deref().is_some_and(is_file_system_layer)
            || (self
                .file
                .declared_namespace
                .as_deref()
                .is_some_and(|n| is_file_system_layer(n.rsplit('.').next().unwrap_or(n)))
                && in_static_class(node, self.src));
        if !layer {
            return None;
        }
        let method = enclosing_method(node)?;
        let name = text(method.child_by_field_name("name")?, self.src);
        let mut masks = Vec::new();
        // The receiver is a path when it is a file or folder object (`info.Delete()`), not a
        // logger or another service the method calls.
        if let Some(receiver) = receiver
            .map(unwrap_expr)
            .filter(|r| r.kind_str() == "identifier" && self.may_be_file_object(*r))
        {
            if self.lookup(text(receiver, self.src)).is_some() {
                masks.push(self.parameter_mask(receiver));
            }
        }
        for (arg, expr) in args.iter().zip(argument_values(arguments)) {
            let path = match arg {
                Arg::Other { path_like } => *path_like,
                Arg::Str(s) => s.contains(['/', '\\']),
                Arg::TempPath | Arg::InstancePath | Arg::ProcessPath | Arg::ExternalPath => true,
                Arg::Member(_) | Arg::Object(_) => false,
            };
            if path {
                masks.push(self.parameter_mask(expr));
            }
        }
        if masks.is_empty() {
            return None;
        }
        let Some(mask) = masks.into_iter().try_fold(0, |all, m| m.map(|m| all | m)) else {
            // The method also works on a path of its own (`_tempPath`): not a thin wrapper.
            self.thick_methods.insert(method.start_byte());
            return None;
        };
        self.forwarded_events
            .push((self.facts.events.len(), method.start_byte()));
        Some(Forwarded {
            method: name.to_string(),
            params: (0..64).filter(|i| mask & (1 << i) != 0).collect(),
            owner,
        })
    }

    /// Clears [`Forwarded`] from the events of methods that also work on paths of their own
    /// (`SwapFiles(a, b)` copying through its own temporary folder): only a method that does
    /// nothing but forward its parameters is judged at its callers.
    pub(super) fn drop_thick_wrappers(&mut self) {
        for &(event, method) in &self.forwarded_events {
            if self.thick_methods.contains(&method) {
                if let Some(event) = self.facts.events.get_mut(event) {
                    event.forwarded = None;
                }
            }
        }
    }

    /// Records the arguments of a call of the project's own method `method` that name shared
    /// data (`_disk.WriteAllText(_configFile, xml)`, `Save(Path.Combine(uploads, name))`);
    /// `span` is the call's reported span.
    pub(super) fn note_shared_path_args(
        &mut self,
        span: std::ops::Range<usize>,
        method: &str,
        receiver: Option<Node<'_>>,
        args: &[Arg],
        arguments: Option<Node<'_>>,
    ) {
        let receiver = receiver.and_then(|r| receiver_name(r, self.src));
        let method = method.rsplit('.').next().unwrap_or(method);
        for (index, (arg, expr)) in args.iter().zip(argument_values(arguments)).enumerate() {
            let shared = match arg {
                Arg::Str(s) => PathPurpose::literal(s).is_shared(),
                Arg::Other { path_like: true } => self.path_purpose(expr).is_shared(),
                _ => false,
            };
            if shared {
                self.facts.shared_path_calls.push(SharedPathCall {
                    at: span.start,
                    method: method.to_string(),
                    index,
                    span: span.clone(),
                    receiver: receiver.clone(),
                });
            }
        }
    }

    /// Whether a call with this receiver calls the framework's file API (`File.WriteAllText`,
    /// `fileInfo.Delete()`, `Path.Combine`), not one of the project's own methods: a name
    /// such as `WriteAllText` then says nothing about a wrapper of that name.
    pub(super) fn calls_framework(&self, receiver: Option<Node<'_>>) -> bool {
        let Some(receiver) = receiver else {
            return false;
        };
        let ty = match self.receiver(receiver) {
            Recv::Type(_) => Some(text(receiver, self.src).to_string()),
            Recv::Value(ty) => ty,
        };
        ty.is_some_and(|t| {
            let simple = t.rsplit('.').next().unwrap_or(&t);
            words().framework_file_types.contains(simple)
        })
    }

    /// Whether a receiver may be a file or folder object: its type is a framework file type
    /// or not known.
    fn may_be_file_object(&self, receiver: Node<'_>) -> bool {
        match self.receiver(receiver) {
            Recv::Value(Some(ty)) => words()
                .framework_file_types
                .contains(ty.rsplit('.').next().unwrap_or(&ty)),
            Recv::Value(None) => true,
            Recv::Type(_) => false,
        }
    }

    /// The parameter's position in its method's list, for [`Walker::parameter_mask`].
    pub(super) fn parameter_bit(parameter: Node<'_>) -> Option<u64> {
        let list = parameter
            .parent()
            .filter(|l| l.kind_str() == "parameter_list")?;
        let mut cursor = list.walk();
        let index = list
            .named_children(&mut cursor)
            .filter(|p| p.kind_str() == "parameter")
            .position(|p| p == parameter)?;
        (index < 64).then(|| 1 << index)
    }
}

/// Whether `node` is inside a `static` class.
fn in_static_class(node: Node<'_>, src: &str) -> bool {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if n.kind_str() == "class_declaration" {
            let mut cursor = n.walk();
            return n
                .children(&mut cursor)
                .any(|c| c.kind_str() == "modifier" && text(c, src) == "static");
        }
        cur = n.parent();
    }
    false
}

/// The last name of a call's receiver: `_diskProvider`, `FileSystem` of
/// `_host.FileSystem`, `AsyncFile`; none for `this`, a call's result or an indexer.
fn receiver_name(receiver: Node<'_>, src: &str) -> Option<String> {
    let receiver = unwrap_expr(receiver);
    let name = match receiver.kind_str() {
        "identifier" => receiver,
        "member_access_expression" => receiver.child_by_field_name("name")?,
        _ => return None,
    };
    Some(text(name, src).to_string())
}

/// The values of an argument list's arguments, in order.
pub(super) fn argument_values(arguments: Option<Node<'_>>) -> Vec<Node<'_>> {
    let Some(arguments) = arguments else {
        return Vec::new();
    };
    let mut cursor = arguments.walk();
    arguments
        .named_children(&mut cursor)
        .filter(|a| a.kind_str() == "argument")
        .filter_map(last_named_child)
        .collect()
}

/// The method declaration whose body holds `node` (through lambdas and blocks, not through
/// local functions, constructors or accessors).
pub(super) fn enclosing_method(node: Node<'_>) -> Option<Node<'_>> {
    let mut cur = node.parent();
    while let Some(n) = cur {
        match n.kind_str() {
            "method_declaration" => return Some(n),
            "local_function_statement"
            | "constructor_declaration"
            | "accessor_declaration"
            | "class_declaration"
            | "struct_declaration"
            | "record_declaration" => return None,
            _ => cur = n.parent(),
        }
    }
    None
}
