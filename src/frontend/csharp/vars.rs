//! Variables in scope (locals, parameters, fields, properties) and what they hold.

use super::args::path_like_name;
use super::syntax::{
    dotted, first_child_of_kind, getter_value, initializer, type_name, unwrap_expr,
};
use super::walk::Walker;
use crate::event::Arg;
use crate::frontend::flat::Node;
use crate::frontend::tree::text;
use crate::frontend::tree::{Fields, Kind};
use crate::frontend::words::PathPurpose;
use std::collections::HashMap;

/// What a variable is known to hold.
#[derive(Debug, Clone, Default)]
pub(super) struct VarInfo {
    /// The declared or constructed type, as written.
    pub(super) ty: Option<String>,
    /// It holds (or by its name, probably holds) a file path.
    pub(super) path_like: bool,
    /// It holds a path in the temporary directory.
    pub(super) temp: bool,
    /// What its value says about whose path it holds, when the value is known (an
    /// initialiser, a property's `=> value`, an assignment): the value, not the name, tells
    /// (a `CachePath` property that holds `device.txt`).
    pub(super) purpose: Option<PathPurpose>,
    /// A field or property: its name designates a location for the whole class.
    pub(super) member: bool,
    /// The parameters of the enclosing method its value is built from, as a bit set, when
    /// it is built from nothing else (see [`Walker::parameter_mask`]).
    pub(super) params: Option<u64>,
    /// The position of the enclosing method's parameter its path is built on, as its first
    /// component (`Path.Combine(folder, entry.Name)`; see [`Walker::path_root`]).
    pub(super) root: Option<usize>,
    /// For a `FileInfo` or `DirectoryInfo` built from a path (`new FileInfo(path)`), the
    /// text of that path and what it is: the file its methods (`Delete()`, `CreateText()`)
    /// act on.
    pub(super) file_of: Option<(String, Arg)>,
}

impl Walker<'_, '_> {
    /// Records a property or primary-constructor parameter `node` (with `name` and `type`
    /// fields); `member` for a property.
    pub(super) fn member_var(
        &self,
        members: &mut HashMap<String, VarInfo>,
        node: Node<'_>,
        member: bool,
    ) {
        if let Some(name) = node.field("name") {
            let name = text(name, self.src);
            let ty = node.field("type").and_then(|t| type_name(t, self.src));
            // `string CachePath => Path.Combine(root, "device.txt");`, or its getter's
            // one returned value (`get { return Path.Combine(..); }`).
            let value = node
                .field("value")
                .or_else(|| {
                    first_child_of_kind(node, "arrow_expression_clause")
                        .and_then(|arrow| arrow.named_child(0))
                })
                .or_else(|| getter_value(node, self.src));
            let info = VarInfo {
                member,
                ..self.var_info(name, ty, value)
            };
            members.insert(name.to_string(), info);
        }
    }

    pub(super) fn member_vars(&self, members: &mut HashMap<String, VarInfo>, decl: Node<'_>) {
        let ty = decl.field("type").and_then(|t| type_name(t, self.src));
        let mut cursor = decl.walk();
        for declarator in decl.named_children(&mut cursor) {
            if declarator.kind_str() != "variable_declarator" {
                continue;
            }
            if let Some(name) = declarator.field("name") {
                let name = text(name, self.src);
                let info = VarInfo {
                    member: true,
                    ..self.var_info(name, ty.clone(), initializer(declarator))
                };
                members.insert(name.to_string(), info);
            }
        }
    }

    pub(super) fn declare_variables(&mut self, decl: Node<'_>) {
        let ty = decl.field("type").and_then(|t| type_name(t, self.src));
        let mut cursor = decl.walk();
        for declarator in decl.named_children(&mut cursor) {
            if declarator.kind_str() != "variable_declarator" {
                continue;
            }
            if let Some(name) = declarator.field("name") {
                self.declare(name, ty.clone(), initializer(declarator));
            }
        }
    }

    pub(super) fn declare(&mut self, name: Node<'_>, ty: Option<String>, init: Option<Node<'_>>) {
        let name = text(name, self.src);
        let info = self.var_info(name, ty, init);
        if let Some(scope) = self.vars.last_mut() {
            scope.insert(name.to_string(), info);
        }
    }

    fn var_info(&self, name: &str, ty: Option<String>, init: Option<Node<'_>>) -> VarInfo {
        let init = init.map(unwrap_expr);
        let ty = ty.or_else(|| init.and_then(|i| self.expression_type(i)));
        let temp = init.is_some_and(|i| self.is_temp_path(i));
        // `var thumbPath = Path.Combine(root, "uploads", ...)` holds an upload whatever its name.
        let purpose = init.map(|i| self.path_purpose(i));
        let params = init.and_then(|i| self.parameter_mask(i));
        let root = init.and_then(|i| self.path_root(i, 0));
        let file_of = init
            .and_then(|i| self.info_path(i))
            .map(|p| (text(p, self.src).to_string(), self.arg(p)));
        let path_like = match (&ty, init) {
            (Some(t), _) if !is_string_type(t) => false,
            (_, Some(i)) if self.path_like(i) => true,
            _ => path_like_name(name),
        };
        VarInfo {
            ty,
            path_like,
            temp,
            purpose,
            member: false,
            params,
            root,
            file_of,
        }
    }

    pub(super) fn lookup(&self, name: &str) -> Option<&VarInfo> {
        self.vars.iter().rev().find_map(|scope| scope.get(name))
    }

    /// The variable, field or property an expression initialises or is assigned to.
    pub(super) fn assigned_name(&self, node: Node<'_>) -> Option<&str> {
        let mut cur = node;
        for _ in 0..4 {
            let parent = cur.parent()?;
            let name = match parent.kind_str() {
                "variable_declarator" | "property_declaration" => parent.field("name"),
                "assignment_expression" => parent.field("left"),
                _ => None,
            };
            if let Some(name) = name {
                return Some(text(name, self.src));
            }
            cur = parent;
        }
        None
    }

    /// The variable, field or property a value initialises or is assigned to directly
    /// (through parentheses, a cast or `await` only, unlike [`Self::assigned_name`]): the
    /// last name of the target (`_logLimiter` in `this._logLimiter = new ..`).
    pub(super) fn initialised_name(&self, node: Node<'_>) -> Option<&str> {
        let mut cur = node;
        let mut parent = cur.parent()?;
        while matches!(
            parent.kind_str(),
            "parenthesized_expression"
                | "cast_expression"
                | "await_expression"
                | "equals_value_clause"
        ) {
            cur = parent;
            parent = cur.parent()?;
        }
        let target = match parent.kind_str() {
            "variable_declarator" | "property_declaration" => parent.field("name")?,
            "assignment_expression" if parent.field("right") == Some(cur) => {
                let left = parent.field("left")?;
                left.field("name").unwrap_or(left)
            }
            _ => return None,
        };
        Some(text(target, self.src))
    }

    /// The type a target-typed `new(...)` creates, from the declaration or assignment it
    /// initialises.
    pub(super) fn target_type(&self, node: Node<'_>) -> Option<String> {
        let parent = node.parent()?;
        match parent.kind_str() {
            "variable_declarator" => parent
                .parent()
                .filter(|d| d.kind_str() == "variable_declaration")
                .and_then(|d| d.field("type"))
                .and_then(|t| type_name(t, self.src)),
            "property_declaration" => parent.field("type").and_then(|t| type_name(t, self.src)),
            "assignment_expression" => {
                let left = parent.field("left")?;
                let name = dotted(left, self.src)?;
                let var = name.strip_prefix("this.").unwrap_or(&name);
                self.lookup(var)?.ty.clone()
            }
            _ => None,
        }
    }
}

fn is_string_type(ty: &str) -> bool {
    matches!(ty, "string" | "String" | "System.String")
}
