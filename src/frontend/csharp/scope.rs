//! The first pass: what the file's names can refer to (usings, static usings, aliases,
//! namespaces, types and methods declared in the file), and type-name resolution.

use super::project::implicit_usings;
use super::syntax::{concat, dotted, for_each_named_node, last_segment};
use super::words::words;
use crate::frontend::flat::Node;
use crate::frontend::tree::text;
use crate::frontend::tree::{Fields, Kind};
use std::collections::{HashMap, HashSet};

/// Whether a line declares a class whose first base is a command-line command
/// (`command_bases` in `words.toml`).
fn declares_command_class(line: &str) -> bool {
    line.split_once(" class ")
        .or_else(|| line.trim_start().strip_prefix("class ").map(|r| ("", r)))
        .and_then(|(_, rest)| rest.split_once(':'))
        .is_some_and(|(_, bases)| {
            let first = bases.trim_start();
            words()
                .command_bases
                .iter()
                .any(|b| first.starts_with(b.as_str()))
        })
}

/// What the file's names can refer to, independent of position.
#[derive(Debug, Default)]
pub(super) struct FileScope {
    /// Imported namespaces (usings, global usings, implicit usings) followed by the
    /// namespaces declared in the file and their parents.
    pub(super) namespaces: Vec<String>,
    /// First segments of all known namespaces: a dotted name starting with one is
    /// taken as fully qualified.
    roots: HashSet<String>,
    /// `using static T;` types.
    pub(super) statics: Vec<String>,
    /// `using A = X.Y;`.
    pub(super) aliases: HashMap<String, String>,
    /// Types declared in this file, by simple name, with their qualified name.
    pub(super) local_types: HashMap<String, String>,
    /// Methods and local functions declared in this file.
    pub(super) local_methods: HashSet<String>,
    /// The byte ranges of the bodies of the file's methods and local functions by name (the
    /// whole declaration when it has no body), for [`crate::frontend::tree_work::BodyWork`].
    pub(super) method_bodies: HashMap<String, Vec<std::ops::Range<usize>>>,
    /// The file imports a test framework.
    pub(super) test_file: bool,
    /// The file imports a command-line, build-script or benchmark library (or declares a
    /// command class): developer or operator tooling, unless it also starts the server.
    pub(super) tooling_file: bool,
    /// The file imports a client UI framework.
    pub(super) client_ui: bool,
    /// Variables (last name segment) re-armed with a period: `_timer.Change(due, period)`.
    pub(super) rearmed: HashSet<String>,
    /// `(variable, method)`: the method calls `variable.Change(...)`; when the method is the
    /// timer's own callback, the timer re-arms itself and repeats.
    pub(super) changed_in: HashSet<(String, String)>,
    /// Variables set to fire once: `_timer.AutoReset = false`.
    pub(super) fires_once: HashSet<String>,
    /// `(variable, method)`: the method stops the timer (`_timer.Stop()`,
    /// `_timer.Enabled = false`); when it is the timer's own `Elapsed` handler, the timer
    /// fires once per start.
    pub(super) stopped_in: HashSet<(String, String)>,
    /// `(variable, method)`: the method starts the timer again (`_timer.Start()`,
    /// `_timer.Enabled = true`), as a handler that pauses the timer while it works does.
    pub(super) started_in: HashSet<(String, String)>,
    /// `(method, argument index)` → whether every call of the file's own method passes a
    /// temporary path there (`Write(tempFilePath)`, `Path.GetTempFileName()`).
    pub(super) temp_args: HashMap<(String, usize), bool>,
    /// Fields and properties assigned a temporary path anywhere in the file
    /// (`_workDir = Path.Combine(Path.GetTempPath(), "jobs")` in a constructor).
    pub(super) temp_fields: HashSet<String>,
    /// The file's own methods by name → whether every value they return is a temporary
    /// path (`return Path.GetTempFileName();`): their calls are temporary paths.
    pub(super) temp_returns: HashMap<String, bool>,
    /// What the values the file's methods return and their calls pass say about whose paths
    /// they are, from a first walk (see [`super::purpose_flow`]); empty on the first walk.
    pub(super) flow: super::purpose_flow::PurposeFlow,
    /// `(variable, handler)`: `_timer.Elapsed += handler`.
    pub(super) elapsed_handlers: HashSet<(String, String)>,
    /// The first namespace the file declares.
    pub(super) declared_namespace: Option<String>,
}

impl FileScope {
    pub(super) fn collect(root: Node<'_>, src: &str, implicit: &[String]) -> FileScope {
        let mut scope = FileScope::default();
        let mut imported: Vec<String> = Vec::new();
        let mut declared: Vec<String> = Vec::new();
        let mut types: Vec<(String, Node<'_>)> = Vec::new();
        for_each_named_node(root, |node| match node.kind_str() {
            "using_directive" => {
                scope.add_using(node, src, &mut imported);
                false
            }
            "namespace_declaration" | "file_scoped_namespace_declaration" => {
                if let Some(name) = node.field("name").and_then(|n| dotted(n, src)) {
                    let mut prefix = name.as_str();
                    loop {
                        declared.push(prefix.to_string());
                        match prefix.rfind('.') {
                            Some(i) => prefix = &prefix[..i],
                            None => break,
                        }
                    }
                }
                true
            }
            "class_declaration"
            | "struct_declaration"
            | "interface_declaration"
            | "enum_declaration"
            | "record_declaration"
            | "record_struct_declaration"
            | "delegate_declaration" => {
                if let Some(name) = node.field("name") {
                    types.push((text(name, src).to_string(), node));
                }
                true
            }
            "method_declaration" | "local_function_statement" => {
                if let Some(name) = node.field("name") {
                    scope.local_methods.insert(text(name, src).to_string());
                    let body = node.field("body").unwrap_or(node);
                    scope
                        .method_bodies
                        .entry(text(name, src).to_string())
                        .or_default()
                        .push(body.byte_range());
                }
                true
            }
            "invocation_expression" => {
                scope.note_timer_change(node, src);
                scope.note_call_args(node, src);
                true
            }
            "return_statement" | "arrow_expression_clause" => {
                scope.note_return(node, src);
                true
            }
            "assignment_expression" => {
                scope.note_timer_assignment(node, src);
                scope.note_temp_field(node, src);
                let left = node.field("left");
                let right = node.field("right").map(|r| text(r, src));
                if let (Some(left), Some("false")) = (left, right) {
                    if left.kind_str() == "member_access_expression"
                        && left
                            .field("name")
                            .is_some_and(|n| text(n, src) == "AutoReset")
                    {
                        if let Some(owner) = left.field("expression").and_then(|e| dotted(e, src)) {
                            scope.fires_once.insert(last_segment(&owner).to_string());
                        }
                    }
                }
                true
            }
            _ => true,
        });
        for entry in implicit {
            scope.add_project_using(entry, &mut imported);
        }
        // Implicit usings are often switched on where the project reader cannot see it
        // (an imported `.props` file). A file that compiles without `using System;` gets
        // `System` from a global using, so assume the SDK's base set.
        if implicit.is_empty() && !imported.iter().any(|ns| ns == "System") {
            imported.extend(implicit_usings().base.iter().cloned());
        }
        // A file that builds a web host serves, whatever parser reads its options.
        let serves = words()
            .web_host_calls
            .iter()
            .any(|call| src.contains(call.as_str()));
        // Test projects name their namespaces `App.Tests`, `App.IntegrationTests`, ...
        let tooling = !serves
            && imported.iter().any(|ns| {
                words().tooling_namespaces.iter().any(|t| {
                    ns.strip_prefix(t.as_str())
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
                })
            })
            || src
                .lines()
                .take(20)
                .any(|l| l.contains("#:sdk Aspire.AppHost.Sdk"))
            || src.lines().any(declares_command_class);
        scope.tooling_file = tooling;
        scope.test_file = imported
            .iter()
            .any(|ns| words().test_namespaces.contains(ns.as_str()))
            || declared.iter().any(|ns| {
                ns.split('.').any(|seg| {
                    seg.ends_with("Tests")
                        || seg.ends_with("Test")
                        || matches!(seg, "Testing" | "Specs")
                })
            });
        scope.client_ui = imported.iter().any(|ns| {
            words().client_ui_namespaces.iter().any(|ui| {
                ns.strip_prefix(ui.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
            })
        });
        let file_namespace = declared.first().cloned();
        scope.declared_namespace = file_namespace.clone();
        for (name, node) in types {
            let qualified = enclosing_namespace(node, src)
                .or_else(|| file_namespace.clone())
                .map_or_else(|| name.clone(), |ns| format!("{ns}.{name}"));
            scope.local_types.entry(name).or_insert(qualified);
        }
        for ns in imported.into_iter().chain(declared) {
            if !scope.namespaces.contains(&ns) {
                if let Some(root) = ns.split('.').next() {
                    scope.roots.insert(root.to_string());
                }
                scope.namespaces.push(ns);
            }
        }
        scope
    }

    fn add_using(&mut self, node: Node<'_>, src: &str, imported: &mut Vec<String>) {
        let alias = node.field("name");
        let mut is_static = false;
        let mut target = None;
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            if child.kind_str() == "static" {
                is_static = true;
            } else if child.is_named() && Some(child) != alias {
                target = dotted(child, src);
            }
        }
        let Some(target) = target else { return };
        let target = target.trim_start_matches("global::").to_string();
        match alias {
            Some(alias) => {
                self.aliases.insert(text(alias, src).to_string(), target);
            }
            None if is_static => self.statics.push(target),
            None => imported.push(target),
        }
    }

    /// A project-wide using in the form `N`, `static T` or `A = X.Y`.
    fn add_project_using(&mut self, entry: &str, imported: &mut Vec<String>) {
        let clean = |s: &str| {
            s.trim()
                .trim_start_matches("global::")
                .replace(char::is_whitespace, "")
        };
        if let Some((alias, target)) = entry.split_once('=') {
            self.aliases
                .entry(alias.trim().to_string())
                .or_insert_with(|| clean(target));
        } else if let Some(ty) = entry.trim().strip_prefix("static ") {
            self.statics.push(clean(ty));
        } else if !entry.trim().is_empty() {
            imported.push(clean(entry));
        }
    }

    /// Candidate fully qualified names for a type name as written at a use site.
    pub(super) fn resolve_type(&self, name: &str) -> Vec<String> {
        if let Some(rest) = name.strip_prefix("global::") {
            return vec![rest.to_string()];
        }
        let (first, rest) = match name.find(['.', ':']) {
            Some(i) => (&name[..i], &name[i..]),
            None => (name, ""),
        };
        if let Some(rest) = rest.strip_prefix("::") {
            // `Alias::Name` names a namespace alias.
            return match self.aliases.get(first) {
                Some(target) => vec![concat(&[target, ".", rest])],
                None => vec![rest.to_string()],
            };
        }
        if let Some(target) = self.aliases.get(first) {
            return vec![concat(&[target, rest])];
        }
        if let Some(local) = self.local_types.get(first) {
            return vec![concat(&[local, rest])];
        }
        if !rest.is_empty() && self.roots.contains(first) {
            return vec![name.to_string()];
        }
        let mut out = Vec::with_capacity(self.namespaces.len() + 1);
        if !rest.is_empty() {
            out.push(name.to_string());
        }
        out.extend(self.namespaces.iter().map(|ns| concat(&[ns, ".", name])));
        if out.is_empty() {
            out.push(name.to_string());
        }
        out
    }
}

/// The innermost block namespace around `node`, with its enclosing ones.
fn enclosing_namespace(node: Node<'_>, src: &str) -> Option<String> {
    let mut parts = Vec::new();
    let mut cur = node.parent();
    while let Some(n) = cur {
        if n.kind_str() == "namespace_declaration" {
            if let Some(name) = n.field("name").and_then(|n| dotted(n, src)) {
                parts.push(name);
            }
        }
        cur = n.parent();
    }
    if parts.is_empty() {
        return None;
    }
    parts.reverse();
    Some(parts.join("."))
}
