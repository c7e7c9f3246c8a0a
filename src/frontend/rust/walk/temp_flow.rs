//! Functions of the file that return temporary paths, and what calls do with paths (for
//! [`crate::frontend::scratch`]).

use super::args::{is_temp_expr, TempNames};
use super::Walker;
use crate::event::Arg;
use crate::frontend::object_copy::direction;
use crate::frontend::rust::shapes::simple_binding;
use crate::frontend::scratch::{use_of, Call, Transfer, Use};
use crate::frontend::words::names_an_invalidation;
use foldhash::{HashMap, HashSet};
use syn::visit::Visit;
use syn::{Expr, Stmt};

/// How many rounds of functions returning what other such functions return are followed.
const ROUNDS: usize = 2;

/// What a file declares that holds or returns temporary paths.
#[derive(Debug, Default)]
pub(super) struct TempItems {
    /// Named struct fields of a `tempfile` type (`tempdir: tempfile::TempDir`, through
    /// `Option` or `Arc`, or a struct of the file named like one): `self.tempdir` and
    /// `self.tempdir.path` are in a temporary directory whatever their names.
    pub(super) fields: HashSet<String>,
    /// Functions and methods whose body ends in a temporary path
    /// (`std::env::temp_dir().join(..)`, a `let` bound to one, a temporary field, or a call
    /// of another such function): their calls are temporary paths too.
    pub(super) fns: HashSet<String>,
    /// Parameters that every call in the file passes a temporary path (`remove_tempdirs(
    /// temp_dir)`): the function's name, whether it is called as a method (`self.f(..)`),
    /// and the argument's position after `self`.
    pub(super) params: HashSet<(String, bool, usize)>,
    /// (function, local): a `let` of that function that a drop guard of the file removes
    /// (see [`super::guards`]).
    pub(super) guarded_locals: HashSet<(String, String)>,
}

impl TempItems {
    /// Whether every call in the file of the function `name` (a method when `method`)
    /// passes a temporary path at `position`.
    pub(super) fn is_temp_param(&self, name: &str, method: bool, position: usize) -> bool {
        self.params.contains(&(name.to_string(), method, position))
    }
}

/// The file's temporary fields and the functions that return temporary paths.
pub(super) fn temp_items(file: &syn::File) -> TempItems {
    let mut fields = TempFields(HashSet::default());
    fields.visit_file(file);
    let guarded = super::guards::guarded(file);
    let mut fields = fields.0;
    fields.extend(guarded.fields);
    let mut bodies = Bodies(Vec::new());
    bodies.visit_file(file);
    let mut fns = HashSet::default();
    for _ in 0..ROUNDS {
        let found: Vec<&String> = bodies
            .0
            .iter()
            .filter(|(name, block)| !fns.contains(name) && ends_in_temp(block, &fns, &fields))
            .map(|(name, _)| name)
            .collect();
        if found.is_empty() {
            break;
        }
        let found: Vec<String> = found.into_iter().cloned().collect();
        fns.extend(found);
    }
    let defined: HashSet<&str> = bodies.0.iter().map(|(name, _)| name.as_str()).collect();
    let mut calls = TempArgs {
        defined: &defined,
        fns: &fns,
        fields: &fields,
        guarded_locals: &guarded.locals,
        current: None,
        positions: HashMap::default(),
    };
    calls.visit_file(file);
    let params = calls
        .positions
        .into_iter()
        .filter_map(|(key, temp)| temp.then_some(key))
        .collect();
    TempItems {
        fields,
        fns,
        params,
        guarded_locals: guarded.locals,
    }
}

/// For each argument position of the calls of the file's own functions (`f(..)`,
/// `Self::f(..)`, `self.f(..)`): whether every call passes a temporary path there. Only an
/// argument that is one by itself counts (`temp_dir`, `self.tempdir.path()`,
/// `std::env::temp_dir()`), not a variable bound to one, except a local that a drop guard
/// removes.
struct TempArgs<'a> {
    defined: &'a HashSet<&'a str>,
    fns: &'a HashSet<String>,
    fields: &'a HashSet<String>,
    guarded_locals: &'a HashSet<(String, String)>,
    /// The function whose calls are visited.
    current: Option<String>,
    positions: HashMap<(String, bool, usize), bool>,
}

impl TempArgs<'_> {
    fn record<'e>(&mut self, name: String, method: bool, args: impl Iterator<Item = &'e Expr>) {
        if !self.defined.contains(name.as_str()) {
            return;
        }
        let current = self.current.clone().unwrap_or_default();
        let guarded = |n: &str| {
            self.guarded_locals
                .contains(&(current.clone(), n.to_string()))
        };
        let names = TempNames {
            var: &guarded,
            fns: self.fns,
            fields: self.fields,
        };
        for (i, arg) in args.enumerate() {
            let temp = is_temp_expr(arg, &names);
            *self
                .positions
                .entry((name.clone(), method, i))
                .or_insert(true) &= temp;
        }
    }
}

impl<'ast> Visit<'ast> for TempArgs<'_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let saved = self.current.replace(f.sig.ident.to_string());
        syn::visit::visit_item_fn(self, f);
        self.current = saved;
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        let saved = self.current.replace(f.sig.ident.to_string());
        syn::visit::visit_impl_item_fn(self, f);
        self.current = saved;
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let Expr::Path(p) = &*c.func {
            let segments = super::segments(&p.path);
            if let [.., last] = segments.as_slice() {
                if segments.len() == 1 || (segments.len() == 2 && segments[0] == "Self") {
                    self.record(last.clone(), false, c.args.iter());
                }
            }
        }
        syn::visit::visit_expr_call(self, c);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if matches!(&*m.receiver, Expr::Path(p) if p.path.is_ident("self")) {
            self.record(m.method.to_string(), true, m.args.iter());
        }
        syn::visit::visit_expr_method_call(self, m);
    }
}

/// Named struct fields whose type is a `tempfile` type, directly or inside one wrapper,
/// and the named fields of the file's own struct of such a name (`struct TempDir { path }`).
struct TempFields(HashSet<String>);

impl<'ast> Visit<'ast> for TempFields {
    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        let own_temp_type = is_temp_type_name(&s.ident.to_string());
        for f in &s.fields {
            if let Some(name) = &f.ident {
                if own_temp_type || holds_temp_type(&f.ty, 2) {
                    self.0.insert(name.to_string());
                }
            }
        }
    }
}

/// The names of the `tempfile` crate's path-owning types.
fn is_temp_type_name(name: &str) -> bool {
    matches!(name, "TempDir" | "NamedTempFile" | "TempPath")
}

/// `TempDir`, `tempfile::NamedTempFile`, `Option<TempPath>`, `Arc<TempDir>`.
fn holds_temp_type(ty: &syn::Type, depth: usize) -> bool {
    let syn::Type::Path(p) = ty else {
        return false;
    };
    let Some(last) = p.path.segments.last() else {
        return false;
    };
    if is_temp_type_name(&last.ident.to_string()) {
        return true;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return false;
    };
    depth > 0
        && matches!(args.args.first(), Some(syn::GenericArgument::Type(inner))
            if holds_temp_type(inner, depth - 1))
}

/// The block's last expression is a temporary path, given the `let`s before it.
fn ends_in_temp(block: &syn::Block, fns: &HashSet<String>, fields: &HashSet<String>) -> bool {
    let mut temp_lets: HashSet<String> = HashSet::default();
    for stmt in &block.stmts {
        match stmt {
            Stmt::Local(local) => {
                if let (Some(name), Some(init)) = (simple_binding(&local.pat), &local.init) {
                    let var = |n: &str| temp_lets.contains(n);
                    let names = TempNames {
                        var: &var,
                        fns,
                        fields,
                    };
                    if is_temp_expr(&init.expr, &names) {
                        temp_lets.insert(name);
                    } else {
                        temp_lets.remove(&name);
                    }
                }
            }
            Stmt::Expr(e, None) => {
                let var = |n: &str| temp_lets.contains(n);
                let names = TempNames {
                    var: &var,
                    fns,
                    fields,
                };
                return is_temp_expr(unwrap_ok(e), &names);
            }
            _ => {}
        }
    }
    false
}

/// `Ok(path)` / `Some(path)` around a returned value.
fn unwrap_ok(e: &Expr) -> &Expr {
    if let Expr::Call(c) = e {
        if let Expr::Path(p) = &*c.func {
            if (p.path.is_ident("Ok") || p.path.is_ident("Some")) && c.args.len() == 1 {
                return &c.args[0];
            }
        }
    }
    e
}

/// Every named function and method body of a file.
struct Bodies<'ast>(Vec<(String, &'ast syn::Block)>);

impl<'ast> Visit<'ast> for Bodies<'ast> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.0.push((f.sig.ident.to_string(), &f.block));
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.0.push((f.sig.ident.to_string(), &f.block));
        syn::visit::visit_impl_item_fn(self, f);
    }
}

/// The text a path expression is compared by: a variable, a field, `self.dir`, through
/// borrows and path conversions (`&path`, `path.clone()`, `dir.as_path()`).
fn key_of(e: &Expr) -> Option<String> {
    match e {
        Expr::Reference(r) => key_of(&r.expr),
        Expr::Paren(p) => key_of(&p.expr),
        Expr::Group(g) => key_of(&g.expr),
        Expr::Path(p) if p.qself.is_none() => Some(
            p.path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect::<Vec<_>>()
                .join("::"),
        ),
        Expr::Field(f) => {
            let member = match &f.member {
                syn::Member::Named(n) => n.to_string(),
                syn::Member::Unnamed(i) => i.index.to_string(),
            };
            Some(format!("{}.{member}", key_of(&f.base)?))
        }
        Expr::MethodCall(m)
            if m.args.is_empty()
                && matches!(
                    m.method.to_string().as_str(),
                    "clone" | "as_path" | "as_ref" | "to_path_buf" | "path"
                ) =>
        {
            key_of(&m.receiver)
        }
        _ => None,
    }
}

impl Walker<'_> {
    /// Records what a call named `name` does with its path arguments; `event` is the
    /// index of the event it produced.
    pub(super) fn note_path_use(
        &mut self,
        name: &str,
        args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>,
        at: usize,
        event: Option<usize>,
    ) {
        if self.note_transfer(name, args, at, false) {
            return;
        }
        let Some(what) = use_of(name) else { return };
        let Some(first) = args.first() else { return };
        // A path too complex to compare (`self.root.join(key)`) is still a file the call
        // uses, under a key of its own (a file that mirrors a store quiets it).
        let path = key_of(first).unwrap_or_else(|| format!("#{at}"));
        let destination = match (what, args.iter().nth(1)) {
            (Use::Move | Use::Copy, Some(dest)) => {
                Some((key_of(dest).unwrap_or_default(), self.is_temp_expr(dest)))
            }
            (Use::Move | Use::Copy, None) => return,
            _ => None,
        };
        // A delete by an instance store's own module or type (`src/hottier.rs`, `impl
        // Cache`) is its housekeeping: evicting entries, dropping corrupt or partial ones.
        // It invalidates no copy another instance serves; invalidations are made by the
        // code that changes the data, outside the store, or by a method named for one.
        // The same holds for a fed struct's methods when its getters are assumed to return
        // this instance's own folders.
        let deletes = what == Use::Delete
            && !self
                .current_fn
                .and_then(|f| self.fn_names.get(f))
                .is_some_and(|name| names_an_invalidation(name));
        let housekeeping = deletes && self.store().is_instance();
        if let Some((event, _)) = event
            .filter(|_| deletes)
            .and_then(|i| self.events.get_mut(i))
        {
            if housekeeping && event.args.first() == Some(&Arg::InstancePath) {
                event.args[0] = Arg::TempPath;
            }
            if let Some(assumed) = event.assumed.as_mut() {
                if assumed.args.first() == Some(&Arg::InstancePath) {
                    assumed.args[0] = Arg::TempPath;
                }
            }
        }
        self.path_uses.record(Call {
            function: self.current_fn.map_or(0, |f| f + 1),
            what,
            at,
            event,
            path: &path,
            destination: destination.as_ref().map(|(d, t)| (d.as_str(), *t)),
            on_failure: self.ctx.retry,
            arms: &[],
        });
    }

    /// Records a call named `name` that copies between object storage and local files (see
    /// [`crate::frontend::object_copy`]); `on_client` when it is a method called on a value
    /// other than `self`. Whether it was one.
    pub(super) fn note_transfer(
        &mut self,
        name: &str,
        args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>,
        at: usize,
        on_client: bool,
    ) -> bool {
        let Some(direction) = direction(name) else {
            return false;
        };
        let keys: Vec<String> = args.iter().filter_map(key_of).collect();
        let texts: Vec<&str> = keys.iter().map(String::as_str).collect();
        self.path_uses.record_transfer(Transfer {
            function: self.current_fn.map_or(0, |f| f + 1),
            direction,
            at,
            args: &texts,
            on_client,
        });
        true
    }
}
