//! Contexts inherited from enclosing syntax, and the checks for test attributes,
//! single-instance guards and per-instance work that set them.

use super::syntax::{dotted, last_named_child};
use super::walk::Walker;
use crate::event::Context;
use crate::frontend::branches::Branch;
use crate::frontend::flat::Node;
use crate::frontend::tree::text;
use crate::frontend::tree::{Fields, Kind};
use crate::frontend::words::{is_single_instance_guard, mentions_per_instance_work};
use std::collections::{BTreeSet, HashSet};

/// Contexts inherited from enclosing syntax.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Ctx {
    pub(super) unbounded_loop: bool,
    pub(super) retry: bool,
    pub(super) spawned: bool,
    pub(super) test: bool,
    /// Inside a class or method whose name says it does per-instance work.
    pub(super) per_instance: bool,
    /// Behind a check that only one instance runs the code.
    pub(super) guarded: bool,
    /// Under `if (isTempFile)`: a condition about a temporary file, so the paths handled
    /// there are temporary ones.
    pub(super) temp_guard: bool,
    /// The innermost branch of an `if` or `switch` that the settings choose around the
    /// code (see [`crate::frontend::branches`]).
    pub(super) optional: Option<Branch>,
}

impl Ctx {
    pub(super) fn set(self) -> BTreeSet<Context> {
        let mut set = BTreeSet::new();
        for (on, c) in [
            (self.unbounded_loop, Context::UnboundedLoop),
            (self.retry, Context::Retry),
            (self.spawned, Context::Spawned),
            (self.test, Context::Test),
            (self.per_instance, Context::PerInstance),
            (self.guarded, Context::SingleInstanceGuard),
        ] {
            if on {
                set.insert(c);
            }
        }
        set
    }

    /// The context at the start of a new function body: loops and catch blocks of the
    /// enclosing function do not repeat or guard a lambda or local function.
    pub(super) fn function(self) -> Ctx {
        Ctx {
            unbounded_loop: false,
            retry: false,
            ..self
        }
    }
}

impl Walker<'_, '_> {
    pub(super) fn has_attribute(&self, node: Node<'_>, names: &HashSet<String>) -> bool {
        let mut cursor = node.walk();
        for list in node.named_children(&mut cursor) {
            if list.kind_str() != "attribute_list" {
                continue;
            }
            let mut c = list.walk();
            for attr in list.named_children(&mut c) {
                let name = attr.field("name").and_then(|n| dotted(n, self.src));
                if let Some(name) = name {
                    let last = name.rsplit(['.', ':']).next().unwrap_or(&name);
                    let last = last.strip_suffix("Attribute").unwrap_or(last);
                    if names.contains(last) {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// Whether the object's callback (`new Timer(SendHeartbeat, ...)`) or the variable it
    /// is assigned to (`_healthCheckTimer = new(...)`) names per-instance work.
    pub(super) fn constructs_per_instance_work(
        &self,
        node: Node<'_>,
        arguments: Option<Node<'_>>,
    ) -> bool {
        let callback = arguments
            .and_then(|a| a.named_child(0))
            .and_then(last_named_child)
            .map(|cb| text(cb, self.src))
            .filter(|t| t.len() <= 400);
        callback.is_some_and(mentions_per_instance_work)
            || self
                .assigned_name(node)
                .is_some_and(mentions_per_instance_work)
    }

    /// `if (<single-instance check>) return;` (or `throw`).
    pub(super) fn is_guard_exit(&self, if_statement: Node<'_>) -> bool {
        let guard = if_statement
            .field("condition")
            .is_some_and(|c| is_single_instance_guard(text(c, self.src)));
        guard
            && if_statement
                .field("consequence")
                .is_some_and(|c| match c.kind_str() {
                    "return_statement" | "throw_statement" => true,
                    "expression_statement" => c
                        .named_child(0)
                        .is_some_and(|e| e.kind_str() == "throw_expression"),
                    "block" => {
                        let mut cursor = c.walk();
                        let exits = c.named_children(&mut cursor).any(|st| {
                            matches!(st.kind_str(), "return_statement" | "throw_statement")
                        });
                        exits
                    }
                    _ => false,
                })
    }
}
