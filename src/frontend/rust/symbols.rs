//! The file's symbol table for the project model: functions and methods, and the names
//! each one's code mentions (paths, method calls, identifiers inside macros). A visit of
//! the `syn` tree already parsed.
//!
//! `main`, attributed handlers (`#[get("/")]`, `#[tokio::main]`) and the methods of trait
//! implementations (called by the trait's users and by frameworks) are entry points. An arm
//! of a `match` over a command-line subcommand (`Commands::Backup { .. } => ..`,
//! `Some(("backup", m))`) that is not the serve command is a subcommand branch, and so is an
//! arm that ends the process successfully once its work is done (`std::process::exit(0)`).

use super::receivers::{field_types, FieldTypes, Receivers, TypeScope};
use super::shapes::pat_idents;
use super::walk::Walker;
use crate::event::{Definition, Role};
use crate::frontend::symbols::SymbolTable;
use crate::reach::{rust_modules, words};
use crate::work::{self, Call};
use proc_macro2::{Span, TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

/// The symbol table of a parsed file; `walker` converts spans to byte offsets.
pub(super) fn collect(file: &syn::File, walker: &Walker<'_>, source: &str) -> Vec<Definition> {
    let mut visit = SymbolVisit {
        walker,
        source,
        table: SymbolTable::new(source.len()),
        function: String::new(),
        owner: None,
        params: Vec::new(),
        generics: Vec::new(),
        trait_impl: false,
        nested: 0,
        direct: foldhash::HashSet::default(),
        spawned: foldhash::HashSet::default(),
        module: String::new(),
        bodies: Vec::new(),
        work_budget: super::recurring::FILE_BUDGET,
        receivers: Receivers::default(),
        fields: field_types(&file.items),
    };
    visit.visit_file(file);
    let bodies = std::mem::take(&mut visit.bodies);
    let mut definitions = visit.table.finish();
    own_work(&mut definitions, bodies);
    definitions
}

/// Gives each function and method with a body its own work ([`Definition::work`], see
/// [`crate::reach::work`]) from the calls of its block (closures and async blocks in it
/// included, nested items left out). A definition whose calls the file's budget left
/// unread tells nothing.
fn own_work(definitions: &mut [Definition], bodies: Vec<(usize, Option<Vec<Call>>)>) {
    let defined: foldhash::HashSet<String> = definitions.iter().map(|d| d.name.clone()).collect();
    for (index, calls) in bodies {
        if let (Some(d), Some(calls)) = (definitions.get_mut(index), calls) {
            d.work = Some(work::direct(&calls, &|name| defined.contains(name)));
        }
    }
}

struct SymbolVisit<'w, 't> {
    walker: &'w Walker<'t>,
    source: &'w str,
    table: SymbolTable,
    /// The innermost function's name (empty at the top level).
    function: String,
    /// The `impl` block's type, inside one.
    owner: Option<String>,
    /// The parameters of the innermost function: calling one (`generate()` with
    /// `generate: impl FnOnce()`) calls the closure it holds, no function of that name.
    params: Vec<String>,
    /// The type parameters of the enclosing `impl` and function (`Db` in `fn open<Db:
    /// Database>()`): a call through one (`Db::new()`) is a call of whatever type the
    /// caller chooses, as a method call on a value is.
    generics: Vec<String>,
    /// Inside `impl Trait for Type`.
    trait_impl: bool,
    /// How many closures, async blocks and loops lie between the node visited and the
    /// innermost function (0: a statement of its own body, which runs once per run).
    nested: usize,
    /// The callee expressions (by address in the tree) of the calls the statements of the
    /// function's own body make.
    direct: foldhash::HashSet<*const ()>,
    /// The closures and async blocks (by address) a statement of the function's own body
    /// spawns as a task or thread (`tokio::spawn(async move { .. });`): the task runs once
    /// per run of the function, so its own statements are direct like the function's.
    spawned: foldhash::HashSet<*const ()>,
    /// The inline `mod` blocks around the node visited, `::`-joined (see
    /// [`crate::event::Definition::module`]).
    module: String,
    /// The calls of each definition's own block, by its index (see [`own_work`]).
    bodies: Vec<(usize, Option<Vec<Call>>)>,
    /// The expressions left to read for [`bodies`](SymbolVisit::bodies).
    work_budget: usize,
    /// The names in scope and the types of their values, for method calls through them.
    receivers: Receivers,
    /// The types of the named fields of the file's structs.
    fields: FieldTypes,
}

impl SymbolVisit<'_, '_> {
    fn range(&self, node: &impl Spanned) -> std::ops::Range<usize> {
        let span = node.span();
        self.walker.offset(span.start())..self.walker.offset(span.end())
    }

    /// [`Self::range`] of a function with a body, from [`function_ends`].
    fn function_range(
        &self,
        attrs: &[syn::Attribute],
        head: Span,
        block: &syn::Block,
    ) -> std::ops::Range<usize> {
        let (start, end) = function_ends(attrs, head, block);
        self.walker.offset(start.start())..self.walker.offset(end.end())
    }

    /// Visits a free function or a method (with its visibility and signature) as a definition.
    fn visible_function<'ast>(
        &mut self,
        vis: &'ast syn::Visibility,
        defaultness: Option<&syn::Token![default]>,
        sig: &'ast syn::Signature,
        attrs: &[syn::Attribute],
        block: &'ast syn::Block,
    ) {
        let head = function_head(Some(vis), defaultness, sig);
        let span = self.function_range(attrs, head, block);
        self.function(sig, attrs, Some(vis), span, block, |v| {
            v.visit_signature(sig);
            v.visit_block(block);
        });
    }

    /// Visits a function body as a definition.
    fn function(
        &mut self,
        sig: &syn::Signature,
        attrs: &[syn::Attribute],
        vis: Option<&syn::Visibility>,
        span: std::ops::Range<usize>,
        block: &syn::Block,
        body: impl FnOnce(&mut Self),
    ) {
        let words = words();
        let label = sig.ident.to_string();
        let attributed = attrs.iter().any(|a| {
            let path = a.path();
            let full = path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect::<Vec<_>>()
                .join("::");
            words.is_entry_attribute(&full)
        });
        let main = label == "main" && self.owner.is_none();
        let role = if main {
            Role::Main
        } else if attributed || self.trait_impl {
            Role::Entry
        } else {
            Role::Plain
        };
        let exported = vis.is_some_and(|v| !matches!(v, syn::Visibility::Inherited));
        let index = self
            .table
            .open(&label, self.owner.as_deref(), span, role, exported);
        if !self.module.is_empty() {
            self.table.set_module(index, &self.module);
        }
        let calls = super::recurring::calls_of_block(block, &mut self.work_budget);
        self.bodies.push((index, calls));
        let outer = std::mem::replace(&mut self.function, label);
        let mut params = Vec::new();
        for input in &sig.inputs {
            if let syn::FnArg::Typed(t) = input {
                pat_idents(&t.pat, &mut params);
            }
        }
        let outer_params = std::mem::replace(&mut self.params, params);
        let generic_count = self.generics.len();
        type_params(&sig.generics, &mut self.generics);
        let outer_receivers = std::mem::take(&mut self.receivers);
        for input in &sig.inputs {
            if let syn::FnArg::Typed(t) = input {
                let scope = TypeScope {
                    owner: self.owner.as_deref(),
                    generics: &self.generics,
                    fields: &self.fields,
                };
                self.receivers.bind_param(t, &scope);
            }
        }
        let nested = std::mem::take(&mut self.nested);
        body(self);
        self.nested = nested;
        self.receivers = outer_receivers;
        self.generics.truncate(generic_count);
        self.params = outer_params;
        self.function = outer;
        self.table.close();
    }

    /// Visits a closure, an async block or a loop: what it calls may run any number of times.
    fn nested(&mut self, visit: impl FnOnce(&mut Self)) {
        self.nested += 1;
        visit(self);
        self.nested -= 1;
    }

    /// Visits code whose bindings end with it (a block, a `match` arm, a closure, a loop's
    /// pattern), after binding `pat`'s names as of unknown type.
    fn scoped(&mut self, pats: &[&syn::Pat], visit: impl FnOnce(&mut Self)) {
        let depth = self.receivers.depth();
        for pat in pats {
            self.receivers.bind_unknown(pat);
        }
        visit(self);
        self.receivers.end_scope(depth);
    }

    /// A method's name as the call graph knows it: `Type.name` when the receiver's type is
    /// known (see [`super::receivers`]).
    fn method_name(&self, call: &syn::ExprMethodCall) -> String {
        let scope = TypeScope {
            owner: self.owner.as_deref(),
            generics: &self.generics,
            fields: &self.fields,
        };
        match self.receivers.type_of(&call.receiver, &scope, 0) {
            Some(ty) => crate::reach::rust_methods::join(&ty, &call.method.to_string()),
            None => call.method.to_string(),
        }
    }

    /// The type a path's last segment is an associated function of (`SaltString` in
    /// `SaltString::generate`, the `impl`'s type for `Self::new`): such a call reaches only
    /// that type's functions (see [`crate::reach`]), not every function of the name. A
    /// generic parameter (`T::default`, `Db::new` in `fn open<Db: Database>()`) is no type
    /// here: the call reaches every function of the name, as a method call does. A module (`utils` in
    /// `utils::generate`) qualifies the name too: the call reaches the functions of that
    /// name in a module so named, when there are any (see [`crate::reach::rust_modules`]).
    fn qualifier(&self, name: String) -> Option<String> {
        if name == "Self" {
            return self.owner.clone();
        }
        if self.generics.contains(&name) {
            return None;
        }
        let named_type = name.starts_with(|c: char| c.is_ascii_uppercase())
            && name.chars().any(|c| c.is_ascii_lowercase());
        (named_type || rust_modules::is_module_qualifier(&name)).then_some(name)
    }

    /// Mentions the names of a macro's tokens; a path's last name through its type or
    /// module, as [`Visit::visit_expr_path`] does (`vec![Plan::new(4)]` mentions `Plan` and
    /// `Plan::new`, no bare `new`).
    fn mention_tokens(&mut self, tokens: TokenStream, depth: usize) {
        if depth > 64 {
            return;
        }
        // The ident before a `::` (the qualifier), and the last ident, not yet mentioned:
        // whether a `::` follows tells a path's inner segment from its last name.
        let mut before: Option<String> = None;
        let mut pending: Option<(Option<String>, String)> = None;
        let mut colons = 0;
        for tree in tokens {
            if let TokenTree::Punct(p) = &tree {
                if p.as_char() == ':' {
                    colons += 1;
                    if colons == 2 {
                        if let Some((_, name)) = pending.take() {
                            self.table.mention(&name);
                            before = Some(name);
                        }
                    }
                    continue;
                }
            }
            self.mention_pending(pending.take());
            let qualifier = before.take().filter(|_| colons == 2);
            colons = 0;
            match tree {
                TokenTree::Ident(ident) => pending = Some((qualifier, ident.to_string())),
                TokenTree::Group(group) => self.mention_tokens(group.stream(), depth + 1),
                TokenTree::Literal(lit) => self.table.mention_text(&lit.to_string()),
                TokenTree::Punct(_) => {}
            }
        }
        self.mention_pending(pending);
    }

    /// Mentions a macro token's name, through its qualifier when that names a type or module.
    fn mention_pending(&mut self, pending: Option<(Option<String>, String)>) {
        let Some((qualifier, name)) = pending else {
            return;
        };
        match qualifier.and_then(|q| self.qualifier(q)) {
            Some(owner) => self.table.mention(&format!("{owner}::{name}")),
            None => self.table.mention(&name),
        }
    }
}

impl<'ast> Visit<'ast> for SymbolVisit<'_, '_> {
    fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
        self.table.mention_text(&lit.value());
    }

    fn visit_item_use(&mut self, _: &'ast syn::ItemUse) {}

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        let outer = self.module.clone();
        self.module = rust_modules::join(&outer, &item.ident.to_string());
        visit::visit_item_mod(self, item);
        self.module = outer;
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        let owner = self.owner.take();
        let generics = std::mem::take(&mut self.generics);
        let trait_impl = std::mem::replace(&mut self.trait_impl, false);
        self.visible_function(&item.vis, None, &item.sig, &item.attrs, &item.block);
        self.generics = generics;
        self.owner = owner;
        self.trait_impl = trait_impl;
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        let owner = match &*item.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        let outer = std::mem::replace(&mut self.owner, owner);
        let trait_impl = std::mem::replace(&mut self.trait_impl, item.trait_.is_some());
        let mut generics = Vec::new();
        type_params(&item.generics, &mut generics);
        let outer_generics = std::mem::replace(&mut self.generics, generics);
        for impl_item in &item.items {
            self.visit_impl_item(impl_item);
        }
        self.generics = outer_generics;
        self.owner = outer;
        self.trait_impl = trait_impl;
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        let defaultness = item.modifiers.defaultness.as_ref();
        self.visible_function(&item.vis, defaultness, &item.sig, &item.attrs, &item.block);
    }

    fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
        if let Some(block) = &item.default {
            let head = function_head(None, None, &item.sig);
            let span = self.function_range(&item.attrs, head, block);
            self.function(&item.sig, &item.attrs, None, span, block, |v| {
                v.visit_block(block);
            });
        }
    }

    fn visit_stmt(&mut self, stmt: &'ast syn::Stmt) {
        if self.nested == 0 {
            let expression = match stmt {
                syn::Stmt::Expr(e, _) => Some(e),
                syn::Stmt::Local(local) => local.init.as_ref().map(|i| &*i.expr),
                _ => None,
            };
            if let Some(callee) = expression.and_then(|e| direct_callee(e, 0)) {
                self.direct.insert(callee);
            }
            if let Some(task) = expression.and_then(|e| spawned_task(e, 0)) {
                self.spawned.insert(task);
            }
        }
        visit::visit_stmt(self, stmt);
    }

    fn visit_expr_closure(&mut self, expr: &'ast syn::ExprClosure) {
        let inputs: Vec<&syn::Pat> = expr.inputs.iter().collect();
        if self.spawned.contains(&address(expr)) {
            // A task spawned once: its body's statements run once per run of the function.
            if let Some(callee) = direct_callee(&expr.body, 0) {
                self.direct.insert(callee);
            }
            return self.scoped(&inputs, |v| visit::visit_expr_closure(v, expr));
        }
        self.scoped(&inputs, |v| {
            v.nested(|v| visit::visit_expr_closure(v, expr));
        });
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        self.scoped(&[], |v| visit::visit_block(v, block));
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        // The value is computed before its name is bound (`let s = s.start();`).
        if let Some(init) = &local.init {
            self.visit_expr(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
        }
        self.visit_pat(&local.pat);
        let scope = TypeScope {
            owner: self.owner.as_deref(),
            generics: &self.generics,
            fields: &self.fields,
        };
        self.receivers.bind_local(local, &scope);
    }

    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        self.scoped(&[&arm.pat], |v| visit::visit_arm(v, arm));
    }

    fn visit_expr_let(&mut self, expr: &'ast syn::ExprLet) {
        // `if let Some(s) = ..`: the name is unknown until the block around the `if` ends.
        visit::visit_expr_let(self, expr);
        self.receivers.bind_unknown(&expr.pat);
    }

    fn visit_expr_async(&mut self, expr: &'ast syn::ExprAsync) {
        if self.spawned.contains(&address(expr)) {
            return visit::visit_expr_async(self, expr);
        }
        self.nested(|v| visit::visit_expr_async(v, expr));
    }

    fn visit_expr_for_loop(&mut self, expr: &'ast syn::ExprForLoop) {
        // A loop over the items written in the code (`for kind in &[Kind::A, Kind::B]`) ends
        // within each run of the function: its statements are direct, as C#'s `foreach`
        // over a finite sequence is.
        if written_items(&expr.expr) {
            return self.scoped(&[&expr.pat], |v| visit::visit_expr_for_loop(v, expr));
        }
        self.scoped(&[&expr.pat], |v| {
            v.nested(|v| visit::visit_expr_for_loop(v, expr));
        });
    }

    fn visit_expr_loop(&mut self, expr: &'ast syn::ExprLoop) {
        // A loop that may run for the process's lifetime: its code keeps running.
        self.table.mention(words::LOOP);
        self.nested(|v| visit::visit_expr_loop(v, expr));
    }

    fn visit_expr_while(&mut self, expr: &'ast syn::ExprWhile) {
        // A loop over what a channel or a stream yields (`while let Some(job) =
        // rx.recv().await`) lives as long as its sender: a consumer's loop keeps running.
        if awaits_next(&expr.cond) {
            self.table.mention(words::LOOP);
        }
        self.nested(|v| visit::visit_expr_while(v, expr));
    }

    fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
        if path.qself.is_none()
            && path
                .path
                .get_ident()
                .is_some_and(|i| self.params.iter().any(|p| i == p))
        {
            return;
        }
        let direct = self.direct.contains(&address(path));
        let last = path.path.segments.len().saturating_sub(1);
        for (i, segment) in path.path.segments.iter().enumerate() {
            let mut name = segment.ident.to_string();
            if i == last && path.qself.is_none() {
                let before = i.checked_sub(1).map(|b| &path.path.segments[b].ident);
                if let Some(owner) = before.and_then(|b| self.qualifier(b.to_string())) {
                    name = format!("{owner}::{name}");
                }
            }
            if direct && i == last {
                self.table.mention_call(&name);
            } else {
                self.table.mention(&name);
            }
        }
        visit::visit_expr_path(self, path);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let name = self.method_name(call);
        if self.direct.contains(&address(call)) {
            self.table.mention_call(&name);
        } else {
            self.table.mention(&name);
        }
        visit::visit_expr_method_call(self, call);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.mention_tokens(mac.tokens.clone(), 0);
    }

    fn visit_expr_match(&mut self, expr: &'ast syn::ExprMatch) {
        let words = words();
        let scrutinee = self.source.get(self.range(&*expr.expr)).unwrap_or("");
        let dispatch =
            words.dispatches_commands(&self.function) && words.chooses_command(scrutinee);
        self.visit_expr(&expr.expr);
        for arm in &expr.arms {
            // An arm's call runs once per run of the match: `Command::Serve => serve().await`.
            if self.nested == 0 {
                if let Some(callee) = direct_callee(&arm.body, 0) {
                    self.direct.insert(callee);
                }
            }
            let offline = (dispatch
                && subcommand_name(&arm.pat, 0).is_some_and(|n| !words.is_serve_command(&n)))
                || exits_when_done(&arm.body);
            if offline {
                let span = self.range(arm);
                self.table.open("", None, span, Role::Subcommand, false);
                self.visit_arm(arm);
                self.table.close();
            } else {
                self.visit_arm(arm);
            }
        }
    }
}

/// Adds the names of `generics`' type parameters (`Db` in `<'a, Db: Database, const N:
/// usize>`) to `names`.
fn type_params(generics: &syn::Generics, names: &mut Vec<String>) {
    names.extend(generics.type_params().map(|p| p.ident.to_string()));
}

/// Where a function's head starts: its visibility or `default` when it has one, else
/// its signature (`const`, `async`, `unsafe`, `extern` or `fn`).
fn function_head(
    vis: Option<&syn::Visibility>,
    defaultness: Option<&syn::Token![default]>,
    sig: &syn::Signature,
) -> Span {
    match (vis, defaultness) {
        (Some(vis), _) if !matches!(vis, syn::Visibility::Inherited) => vis.span(),
        (_, Some(default)) => default.span,
        _ => sig.span(),
    }
}

/// The first and last token of a function with a body, which `Spanned::span` joins, found
/// without printing the body as `Spanned::span` does: the first outer attribute, else the
/// `head` (see [`function_head`]); the body's closing brace.
fn function_ends(attrs: &[syn::Attribute], head: Span, block: &syn::Block) -> (Span, Span) {
    let start = attrs
        .iter()
        .find(|a| matches!(a.style, syn::AttrStyle::Outer))
        .map_or(head, |a| a.pound_token.span);
    (start, block.brace_token.span.close())
}

/// The address of a node of the tree, which identifies it during the visit.
fn address<T>(node: &T) -> *const () {
    (node as *const T).cast()
}

/// The callee (a path or a method call) of the call a statement makes directly:
/// `init(dir);`, `store.check().await?;`, `let config = load()?;`,
/// `prepare().expect("..")` (the call whose result is awaited, tried or unwrapped).
fn direct_callee(expr: &syn::Expr, depth: usize) -> Option<*const ()> {
    if depth > 8 {
        return None;
    }
    match expr {
        syn::Expr::Await(e) => direct_callee(&e.base, depth + 1),
        syn::Expr::Try(e) => direct_callee(&e.expr, depth + 1),
        syn::Expr::Paren(e) => direct_callee(&e.expr, depth + 1),
        // `if let Err(e) = run().await { .. }`, `match start().await { .. }`: the tested
        // value is computed once, as a statement would be.
        syn::Expr::If(e) => match &*e.cond {
            syn::Expr::Let(l) => direct_callee(&l.expr, depth + 1),
            _ => None,
        },
        syn::Expr::Match(e) => direct_callee(&e.expr, depth + 1),
        syn::Expr::Call(call) => match &*call.func {
            syn::Expr::Path(path) => Some(address(path)),
            _ => None,
        },
        syn::Expr::MethodCall(call) if words().awaits_call(&call.method.to_string()) => {
            direct_callee(&call.receiver, depth + 1)
        }
        syn::Expr::MethodCall(call) => Some(address(call)),
        _ => None,
    }
}

/// The closure or async block a statement spawns as a task or thread (`tokio::spawn(async
/// move { .. })`, `let worker = thread::spawn(move || ..);`, `tasks.spawn(async { .. })`,
/// see [`super::walk::is_spawn`]): a task spawned by a statement runs once per run of it.
fn spawned_task(expr: &syn::Expr, depth: usize) -> Option<*const ()> {
    if depth > 8 {
        return None;
    }
    let (name, args) = match expr {
        syn::Expr::Await(e) => return spawned_task(&e.base, depth + 1),
        syn::Expr::Try(e) => return spawned_task(&e.expr, depth + 1),
        syn::Expr::Paren(e) => return spawned_task(&e.expr, depth + 1),
        syn::Expr::Call(call) => match &*call.func {
            syn::Expr::Path(p) => (p.path.segments.last()?.ident.to_string(), &call.args),
            _ => return None,
        },
        syn::Expr::MethodCall(call) => (call.method.to_string(), &call.args),
        _ => return None,
    };
    if !super::walk::is_spawn(&name) {
        return None;
    }
    match args.first()? {
        syn::Expr::Closure(c) => Some(address(c)),
        syn::Expr::Async(a) => Some(address(a)),
        _ => None,
    }
}

/// Whether a loop's sequence is a list of items written in the code: an array literal
/// (`[a, b]`, `&[a, b]`, `[a, b].iter()`).
fn written_items(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Array(_) => true,
        syn::Expr::Reference(r) => written_items(&r.expr),
        syn::Expr::Paren(p) => written_items(&p.expr),
        syn::Expr::MethodCall(m)
            if m.args.is_empty()
                && matches!(m.method.to_string().as_str(), "iter" | "into_iter") =>
        {
            written_items(&m.receiver)
        }
        _ => false,
    }
}

/// Whether a `while` condition waits for the next item of a channel or a stream:
/// `let Some(job) = rx.recv().await`.
fn awaits_next(cond: &syn::Expr) -> bool {
    matches!(cond, syn::Expr::Let(l) if matches!(&*l.expr, syn::Expr::Await(_)))
}

/// An arm that ends the process once its work is done (`("init", Some(dir)) => {
/// quickstart(dir); std::process::exit(0); }`): a one-off command, whatever chooses it. An
/// exit with a failure status ends a server that gave up, and says nothing of what ran.
fn exits_when_done(body: &syn::Expr) -> bool {
    let syn::Expr::Block(b) = body else {
        return false;
    };
    let Some(syn::Stmt::Expr(syn::Expr::Call(call), _)) = b.block.stmts.last() else {
        return false;
    };
    let syn::Expr::Path(p) = &*call.func else {
        return false;
    };
    let names: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let exits = matches!(names.as_slice(), [.., a, b] if a == "process" && b == "exit");
    let success = matches!(call.args.first(), Some(syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Int(i), ..
    })) if i.base10_digits() == "0");
    exits && success && b.block.stmts.len() > 1
}

/// The subcommand an arm's pattern names: a variant (`Commands::Backup { .. }`,
/// `Some(Cmd::Restore(args))`) or a string (`"backup"`, `Some(("backup", m))`).
fn subcommand_name(pat: &syn::Pat, depth: usize) -> Option<String> {
    if depth > 8 {
        return None;
    }
    let last = |path: &syn::Path| path.segments.last().map(|s| s.ident.to_string());
    match pat {
        syn::Pat::TupleStruct(p) => {
            let name = last(&p.path)?;
            if matches!(name.as_str(), "Some" | "Ok") {
                subcommand_name(p.elems.first()?, depth + 1)
            } else {
                Some(name)
            }
        }
        syn::Pat::Struct(p) => last(&p.path),
        syn::Pat::Path(p) if p.path.segments.len() > 1 => last(&p.path),
        syn::Pat::Tuple(p) => subcommand_name(p.elems.first()?, depth + 1),
        syn::Pat::Or(p) => subcommand_name(p.cases.first()?, depth + 1),
        syn::Pat::Lit(syn::PatLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where `Spanned::span` starts and ends, as (line, column) pairs.
    fn places(span: Span) -> ((usize, usize), (usize, usize)) {
        let (start, end) = (span.start(), span.end());
        ((start.line, start.column), (end.line, end.column))
    }

    #[test]
    fn function_ends_are_those_spanned_gives() {
        let file: syn::File = syn::parse_str(
            "/// Docs.\n#[inline]\npub(crate) async fn a() { let x = 1; }\n\
             fn b<T>(t: T) -> T where T: Copy { #![allow(unused)] t }\n\
             #[test] const unsafe extern \"C\" fn c() {}\n\
             impl S { pub fn d(&self) {} default fn e() {} /** Docs. */ fn f() { g() } }\n\
             trait T { fn h() { } #[doc = \"x\"] async fn i(); }\n",
        )
        .unwrap();
        let mut checked = 0;
        for item in &file.items {
            match item {
                syn::Item::Fn(f) => {
                    let head = function_head(Some(&f.vis), None, &f.sig);
                    let (start, end) = function_ends(&f.attrs, head, &f.block);
                    assert_eq!(places(start.join(end).unwrap()), places(f.span()));
                    checked += 1;
                }
                syn::Item::Impl(i) => {
                    for item in &i.items {
                        let syn::ImplItem::Fn(f) = item else { continue };
                        let default = f.modifiers.defaultness.as_ref();
                        let head = function_head(Some(&f.vis), default, &f.sig);
                        let (start, end) = function_ends(&f.attrs, head, &f.block);
                        assert_eq!(places(start.join(end).unwrap()), places(f.span()));
                        checked += 1;
                    }
                }
                syn::Item::Trait(t) => {
                    for item in &t.items {
                        let syn::TraitItem::Fn(f) = item else {
                            continue;
                        };
                        let Some(block) = &f.default else { continue };
                        let head = function_head(None, None, &f.sig);
                        let (start, end) = function_ends(&f.attrs, head, block);
                        assert_eq!(places(start.join(end).unwrap()), places(f.span()));
                        checked += 1;
                    }
                }
                _ => {}
            }
        }
        assert_eq!(checked, 7);
    }
}
