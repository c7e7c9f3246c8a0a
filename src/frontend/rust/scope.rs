//! Lexical name resolution for the Rust frontend: `use` trees, local items,
//! `let` bindings and glob imports, scoped per module and per block.

use crate::frontend::words::PathPurpose;
use foldhash::HashMap;

/// What a name in scope stands for.
#[derive(Debug, Clone)]
pub(super) enum Binding {
    /// Imported from elsewhere: the absolute path it names (`std::fs`).
    Import(Vec<String>),
    /// An item declared in this file (`mod fs`, `struct File`, `fn write`), or an
    /// import from this crate (`crate::`, `self::`, `super::`).
    Item,
    /// A `let` binding holding a path in the temporary directory
    /// (`let scratch = std::env::temp_dir().join(name)`); value namespace only.
    TempPath,
    /// A `let` binding holding a path whose value says whose file it is: this instance's own
    /// (`let page = cache_dir().join(id)`) or shared data (`root.join("uploads")`, whatever
    /// the binding's name); value namespace only. The second purpose is the value's while
    /// the getters of the walked struct's path fields are assumed to return this instance's
    /// own folders (see [`crate::event::Assumed`]).
    Path(PathPurpose, PathPurpose),
    /// A `let` binding or parameter (value namespace only). When it holds a builder
    /// (`let mut o = OpenOptions::new()`), the builder's type and the calls made on it.
    Value(Option<Builder>),
}

/// A variable holding a builder: its resolved type and the builder calls applied so far.
#[derive(Debug, Clone)]
pub(super) struct Builder {
    /// Resolved type, e.g. `std::fs::OpenOptions`.
    pub ty: String,
    /// Calls in `name(lit)` / `name` form.
    pub chain: Vec<String>,
}

#[derive(Debug, Default)]
struct Scope {
    /// Module scopes end name lookup: a nested `mod` does not see its parent's names.
    module: bool,
    /// `use super::*;` in this module: failed lookups continue in the parent module.
    super_glob: bool,
    names: HashMap<String, Binding>,
    /// Resolved prefixes of `use some_crate::path::*;` (local globs are not kept).
    globs: Vec<Vec<String>>,
}

/// How a path resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Resolved {
    /// Defined in this crate, or a local variable.
    Local,
    /// Candidate absolute paths, most likely first.
    Targets(Vec<String>),
}

/// The stack of scopes at the current point of the walk.
#[derive(Debug, Default)]
pub(super) struct Scopes {
    stack: Vec<Scope>,
}

/// Crates commonly re-exported whole by facade crates (`hbb_common::tokio`,
/// `axum_login::tower_sessions`), so a path through the facade also names the original.
const REEXPORTED: &[&str] = &[
    "std",
    "tokio",
    "async_std",
    "futures",
    "smol",
    "tower_sessions",
    "async_session",
];

/// Adds the names the same item is usually known by: without a `prelude` module
/// (`actix::prelude::Context` is `actix::Context`, listed first) and, for facade
/// crates, from the re-exported crate on (`hbb_common::tokio::spawn` is `tokio::spawn`).
fn with_aliases(targets: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(targets.len());
    for target in targets {
        if !target.contains("::") {
            out.push(target);
            continue;
        }
        let segments: Vec<&str> = target.split("::").collect();
        if let Some(i) = segments.iter().skip(1).position(|s| *s == "prelude") {
            let mut stripped = segments.clone();
            stripped.remove(i + 1);
            out.push(stripped.join("::"));
        }
        let reexport = segments
            .iter()
            .skip(1)
            .position(|s| REEXPORTED.contains(s))
            .map(|i| segments[i + 1..].join("::"));
        out.push(target);
        out.extend(reexport);
    }
    out.dedup();
    out
}

/// Path roots that always refer to the current crate.
pub(super) fn is_local_root(first: &str) -> bool {
    matches!(first, "crate" | "self" | "super" | "Self")
}

impl Scopes {
    /// Enters a module (`module = true`) or a block / function body.
    pub fn push(&mut self, module: bool) {
        self.stack.push(Scope {
            module,
            ..Scope::default()
        });
    }

    /// Leaves the innermost scope.
    pub fn pop(&mut self) {
        self.stack.pop();
    }

    /// Binds `name` in the innermost scope.
    pub fn bind(&mut self, name: String, binding: Binding) {
        if let Some(scope) = self.stack.last_mut() {
            scope.names.insert(name, binding);
        }
    }

    /// Scopes visible from here, innermost first: up to the enclosing module,
    /// then (through `use super::*`) its parent modules.
    fn visible(&self) -> impl Iterator<Item = &Scope> {
        let mut in_module = true;
        let mut follow_super = false;
        self.stack.iter().rev().filter(move |scope| {
            let visible = in_module || (follow_super && scope.module);
            if scope.module && visible {
                // Past a module, only parent modules reached by `use super::*` stay visible.
                in_module = false;
                follow_super = scope.super_glob;
            }
            visible
        })
    }

    /// The binding of `name`; `value` says whether `let` bindings count
    /// (a single-segment call) or not (the first segment of a longer path).
    pub fn lookup(&self, name: &str, value: bool) -> Option<&Binding> {
        self.visible()
            .filter_map(|scope| scope.names.get(name))
            .find(|b| {
                value || !matches!(b, Binding::Value(_) | Binding::TempPath | Binding::Path(..))
            })
    }

    /// The builder held by variable `name`, if it is one.
    pub fn builder(&self, name: &str) -> Option<&Builder> {
        match self.lookup(name, true)? {
            Binding::Value(Some(b)) => Some(b),
            _ => None,
        }
    }

    /// Whether variable `name` holds a temporary path.
    pub fn is_temp_var(&self, name: &str) -> bool {
        match self.lookup(name, true) {
            Some(Binding::TempPath) => true,
            // `let dir = TempDir::new()?` is also a typed variable (for `persist` calls).
            Some(Binding::Value(Some(b))) => {
                let ty = b.ty.rsplit("::").next().unwrap_or("");
                matches!(ty, "TempDir" | "NamedTempFile" | "TempPath")
            }
            _ => false,
        }
    }

    /// What the value of variable `name` says about whose path it holds, when it says
    /// anything (`assumed`: under the walk's assumption, see [`Binding::Path`]).
    pub fn path_purpose(&self, name: &str, assumed: bool) -> Option<PathPurpose> {
        match self.lookup(name, true) {
            Some(Binding::Path(purpose, under)) => Some(if assumed { *under } else { *purpose })
                .filter(|p| *p != PathPurpose::default()),
            _ => None,
        }
    }

    /// Appends builder calls to the variable `name` (which must hold a builder).
    pub fn extend_builder(&mut self, name: &str, calls: &[String]) {
        for scope in self.stack.iter_mut().rev() {
            if let Some(binding) = scope.names.get_mut(name) {
                if let Binding::Value(Some(b)) = binding {
                    b.chain.extend(calls.iter().cloned());
                }
                return;
            }
            if scope.module {
                return;
            }
        }
    }

    /// Resolves a path expression or type path.
    pub fn resolve(&self, leading_colon: bool, segments: &[String]) -> Resolved {
        let Some(first) = segments.first() else {
            return Resolved::Local;
        };
        if leading_colon {
            return Resolved::Targets(vec![segments.join("::")]);
        }
        if is_local_root(first) {
            return Resolved::Local;
        }
        match self.lookup(first, segments.len() == 1) {
            Some(Binding::Import(prefix)) => {
                let mut path = prefix.join("::");
                for s in &segments[1..] {
                    path.push_str("::");
                    path.push_str(s);
                }
                Resolved::Targets(with_aliases(vec![path]))
            }
            Some(Binding::Item | Binding::Value(_) | Binding::TempPath | Binding::Path(..)) => {
                Resolved::Local
            }
            None => {
                let joined = segments.join("::");
                let mut targets: Vec<String> = self
                    .visible()
                    .flat_map(|scope| scope.globs.iter())
                    .map(|glob| format!("{}::{joined}", glob.join("::")))
                    .collect();
                // Unimported multi-segment paths name an extern crate (`tokio::spawn`)
                // or a prelude type (`Vec::new`); single names stay bare.
                targets.push(joined);
                Resolved::Targets(with_aliases(targets))
            }
        }
    }

    /// Registers a `use` tree in the innermost scope.
    pub fn add_use(&mut self, tree: &syn::UseTree, leading_colon: bool) {
        let mut prefix = Vec::new();
        self.add_use_tree(tree, leading_colon, &mut prefix);
    }

    fn add_use_tree(&mut self, tree: &syn::UseTree, leading_colon: bool, prefix: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.add_use_tree(&p.tree, leading_colon, prefix);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                self.add_use_name(leading_colon, prefix, name.clone(), name);
            }
            syn::UseTree::Rename(r) => {
                self.add_use_name(
                    leading_colon,
                    prefix,
                    r.ident.to_string(),
                    r.rename.to_string(),
                );
            }
            syn::UseTree::Glob(_) => {
                if !leading_colon && prefix.len() == 1 && prefix[0] == "super" {
                    if let Some(scope) = self.stack.last_mut() {
                        scope.super_glob = true;
                    }
                    return;
                }
                if let Binding::Import(path) = self.use_binding(leading_colon, prefix) {
                    if let Some(scope) = self.stack.last_mut() {
                        scope.globs.push(path);
                    }
                }
            }
            syn::UseTree::Group(g) => {
                for item in &g.items {
                    self.add_use_tree(item, leading_colon, prefix);
                }
            }
        }
    }

    fn add_use_name(
        &mut self,
        leading_colon: bool,
        prefix: &mut Vec<String>,
        ident: String,
        bound_as: String,
    ) {
        if bound_as == "_" {
            return;
        }
        let pushed = ident != "self";
        if pushed {
            prefix.push(ident);
        }
        let binding = self.use_binding(leading_colon, prefix);
        if pushed {
            prefix.pop();
        }
        let name = if bound_as == "self" {
            match prefix.last() {
                Some(last) => last.clone(),
                None => return,
            }
        } else {
            bound_as
        };
        self.bind(name, binding);
    }

    /// What the `use` path `path` binds. Its first segment may itself be a name in
    /// scope (`use std::fs; use fs::File;`), a local root, or an extern crate.
    fn use_binding(&self, leading_colon: bool, path: &[String]) -> Binding {
        let Some(first) = path.first() else {
            return Binding::Item;
        };
        if leading_colon {
            return Binding::Import(path.to_vec());
        }
        if is_local_root(first) {
            return Binding::Item;
        }
        match self.lookup(first, false) {
            Some(Binding::Import(prefix)) => {
                let mut full = prefix.clone();
                full.extend(path[1..].iter().cloned());
                Binding::Import(full)
            }
            Some(_) => Binding::Item,
            None => Binding::Import(path.to_vec()),
        }
    }

    /// Registers the names a list of items declares in the innermost scope: local
    /// items first (they shadow globs and must be known before `use` paths are
    /// resolved), then `use` declarations and `extern crate` renames in source order.
    pub fn declare_items<'a>(&mut self, items: impl Iterator<Item = &'a syn::Item> + Clone) {
        for item in items.clone() {
            let ident = match item {
                syn::Item::Fn(i) => &i.sig.ident,
                syn::Item::Mod(i) => &i.ident,
                syn::Item::Struct(i) => &i.ident,
                syn::Item::Enum(i) => &i.ident,
                syn::Item::Union(i) => &i.ident,
                syn::Item::Trait(i) => &i.ident,
                syn::Item::TraitAlias(i) => &i.ident,
                syn::Item::Type(i) => &i.ident,
                syn::Item::Const(i) => &i.ident,
                syn::Item::Static(i) => &i.ident,
                syn::Item::ForeignMod(m) => {
                    for f in &m.items {
                        if let syn::ForeignItem::Fn(f) = f {
                            self.bind(f.sig.ident.to_string(), Binding::Item);
                        }
                    }
                    continue;
                }
                _ => continue,
            };
            self.bind(ident.to_string(), Binding::Item);
        }
        for item in items {
            match item {
                syn::Item::Use(u) => self.add_use(&u.tree, u.leading_colon.is_some()),
                syn::Item::ExternCrate(e) => {
                    let name = e.rename.as_ref().map_or(&e.ident, |(_, r)| r).to_string();
                    let binding = if e.ident == "self" {
                        Binding::Item
                    } else {
                        Binding::Import(vec![e.ident.to_string()])
                    };
                    self.bind(name, binding);
                }
                _ => {}
            }
        }
    }
}
