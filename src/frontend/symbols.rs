//! Builds a file's symbol table ([`Definition`]s and the names each one mentions) while a
//! frontend walks its tree: shared by the three frontends.

use crate::event::{Definition, Role, TypeInfo};
use crate::frontend::flat::Node;
use crate::frontend::tree::named_children;
use std::collections::BTreeSet;
use std::ops::Range;

/// Visits the named children of `node` with `visit`, the child `branch` (a command-line
/// subcommand's branch of an `if` or `switch`) inside a [`Role::Subcommand`] definition of
/// the walker's table: what the branch reaches is offline unless it is the serve path.
pub fn visit_subcommand_branch<'t, W>(
    walker: &mut W,
    node: Node<'t>,
    branch: Node<'t>,
    table: fn(&mut W) -> &mut SymbolTable,
    mut visit: impl FnMut(&mut W, Node<'t>),
) {
    for child in named_children(node) {
        let in_branch = child == branch;
        if in_branch {
            table(walker).open("", None, child.byte_range(), Role::Subcommand, false);
        }
        visit(walker, child);
        if in_branch {
            table(walker).close();
        }
    }
}

/// A symbol table under construction: definitions in source pre-order, the innermost open
/// one receiving the names mentioned.
#[derive(Debug)]
pub struct SymbolTable {
    definitions: Vec<Definition>,
    refs: Vec<BTreeSet<String>>,
    /// Per definition: the names called directly as a statement of its body.
    calls: Vec<BTreeSet<String>>,
    /// Per definition: the names mentioned any other way.
    others: Vec<BTreeSet<String>>,
    open: Vec<usize>,
    /// Names exported by a list (`export { f }`, `module.exports = { f }`).
    exported_names: BTreeSet<String>,
}

impl SymbolTable {
    /// A table holding the module top level (an entry point) over `len` bytes.
    pub fn new(len: usize) -> Self {
        SymbolTable {
            definitions: vec![Definition {
                span: 0..len,
                role: Role::Entry,
                ..Definition::default()
            }],
            refs: vec![BTreeSet::new()],
            calls: vec![BTreeSet::new()],
            others: vec![BTreeSet::new()],
            open: vec![0],
            exported_names: BTreeSet::new(),
        }
    }

    /// Opens a definition inside the current one; names mentioned go to it until [`close`].
    ///
    /// [`close`]: SymbolTable::close
    pub fn open(
        &mut self,
        name: &str,
        owner: Option<&str>,
        span: Range<usize>,
        role: Role,
        exported: bool,
    ) -> usize {
        let index = self.definitions.len();
        self.definitions.push(Definition {
            name: name.to_string(),
            owner: owner.map(str::to_string),
            span,
            role,
            exported,
            parent: Some(self.current()),
            refs: Vec::new(),
            calls: Vec::new(),
            type_info: None,
            extension: false,
            partial: false,
            static_member: false,
            claims: false,
            module: String::new(),
            start: false,
            work: None,
        });
        self.refs.push(BTreeSet::new());
        self.calls.push(BTreeSet::new());
        self.others.push(BTreeSet::new());
        self.open.push(index);
        index
    }

    /// Closes the innermost open definition.
    pub fn close(&mut self) {
        if self.open.len() > 1 {
            self.open.pop();
        }
    }

    /// The innermost open definition.
    pub fn current(&self) -> usize {
        self.open.last().copied().unwrap_or(0)
    }

    /// Records that the current definition's code mentions `name`.
    pub fn mention(&mut self, name: &str) {
        self.record(name, false);
    }

    /// Records that the current definition's body calls `name` directly as a statement
    /// (outside callbacks, closures and loops that may not end): the call runs within each
    /// run of the definition.
    pub fn mention_call(&mut self, name: &str) {
        self.record(name, true);
    }

    fn record(&mut self, name: &str, call: bool) {
        let current = self.current();
        if name.is_empty() {
            return;
        }
        if !self.refs[current].contains(name) {
            if crate::work::kinds().is_ok_and(|k| k.claims_call(name)) {
                self.definitions[current].claims = true;
            }
            self.refs[current].insert(name.to_string());
        }
        let kind = if call {
            &mut self.calls[current]
        } else {
            &mut self.others[current]
        };
        if !kind.contains(name) {
            kind.insert(name.to_string());
        }
    }

    /// Reads a string literal of the current definition's code: one naming a way of
    /// claiming work (`FOR UPDATE SKIP LOCKED`) makes the definition claim its work.
    pub fn mention_text(&mut self, text: &str) {
        if crate::work::kinds().is_ok_and(|k| k.claims_text(text)) {
            let current = self.current();
            self.definitions[current].claims = true;
        }
    }

    /// Changes the role of a definition already opened.
    pub fn set_role(&mut self, index: usize, role: Role) {
        if let Some(d) = self.definitions.get_mut(index) {
            d.role = role;
        }
    }

    /// Records what a type declaration (definition `index`) derives from and holds.
    pub fn set_type_info(&mut self, index: usize, info: TypeInfo) {
        if let Some(d) = self.definitions.get_mut(index) {
            d.type_info = Some(info);
        }
    }

    /// Marks definition `index` as an extension method.
    pub fn set_extension(&mut self, index: usize) {
        if let Some(d) = self.definitions.get_mut(index) {
            d.extension = true;
        }
    }

    /// Marks definition `index` as a part of a C# `partial` type (see [`Definition::partial`]).
    pub fn set_partial(&mut self, index: usize) {
        if let Some(d) = self.definitions.get_mut(index) {
            d.partial = true;
        }
    }

    /// Records the module definition `index` is declared in (see [`Definition::module`]).
    pub fn set_module(&mut self, index: usize, module: &str) {
        if let Some(d) = self.definitions.get_mut(index) {
            d.module = module.to_string();
        }
    }

    /// Marks definition `index` as part of each start (see [`Definition::start`]).
    pub fn set_start(&mut self, index: usize) {
        if let Some(d) = self.definitions.get_mut(index) {
            d.start = true;
        }
    }

    /// Marks definition `index` as a `static` method.
    pub fn set_static(&mut self, index: usize) {
        if let Some(d) = self.definitions.get_mut(index) {
            d.static_member = true;
        }
    }

    /// Records that the file exports the definition named `name` by a list.
    pub fn export(&mut self, name: &str) {
        self.exported_names.insert(name.to_string());
    }

    /// The finished table.
    pub fn finish(self) -> Vec<Definition> {
        let exported = self.exported_names;
        self.definitions
            .into_iter()
            .zip(self.refs)
            .zip(self.calls.into_iter().zip(self.others))
            .map(|((mut d, refs), (calls, others))| {
                d.refs = refs.into_iter().collect();
                d.calls = calls.difference(&others).cloned().collect();
                d.exported |= d.owner.is_none() && exported.contains(&d.name);
                d
            })
            .collect()
    }
}

/// Each definition as `Owner.name Role [exported] <- parent: refs`, for tests.
#[cfg(test)]
pub fn describe(definitions: &[Definition]) -> Vec<String> {
    definitions
        .iter()
        .map(|d| {
            format!(
                "{}{} {:?}{} <- {:?}: {}",
                d.owner
                    .as_deref()
                    .map(|o| format!("{o}."))
                    .unwrap_or_default(),
                d.name,
                d.role,
                if d.exported { " exported" } else { "" },
                d.parent,
                d.refs.join(" ")
            )
        })
        .collect()
}

/// Each definition as `name: direct calls`, for tests.
#[cfg(test)]
pub fn describe_calls(definitions: &[Definition]) -> Vec<String> {
    definitions
        .iter()
        .map(|d| format!("{}: {}", d.name, d.calls.join(" ")))
        .collect()
}
