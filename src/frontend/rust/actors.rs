//! Associated types and self-addressed messages of a file's `impl` blocks: what
//! `ctx: &mut Self::Context` names in an actix actor (`type Context = Context<Self>;` in its
//! `impl Actor`), and a handler that sends its own message again later
//! (`ctx.notify_later(Tick, d)` in `impl Handler<Tick>`) or a method that plans its own next
//! run (`ctx.run_later(d, |act, ctx| { ..; act.plan_next(ctx) })` in `fn plan_next`), a
//! periodic job that reschedules itself.

use foldhash::HashMap;

/// Most nested modules followed when collecting associated types.
const MAX_DEPTH: usize = 8;

/// The associated types the file's `impl` blocks declare, by the simple name of the type
/// they are for, then by name (`Sweeper` → `Context` → `Context<Self>`).
#[derive(Default)]
pub(super) struct AssocTypes(HashMap<String, HashMap<String, syn::Type>>);

impl AssocTypes {
    /// Collects the associated types of every `impl` of the file, in inline modules too.
    pub(super) fn of_file(file: &syn::File) -> Self {
        let mut out = AssocTypes::default();
        out.collect(&file.items, 0);
        out
    }

    fn collect(&mut self, items: &[syn::Item], depth: usize) {
        for item in items {
            match item {
                syn::Item::Impl(i) => {
                    let Some(owner) = self_type_name(&i.self_ty) else {
                        continue;
                    };
                    for member in &i.items {
                        if let syn::ImplItem::Type(t) = member {
                            self.0
                                .entry(owner.clone())
                                .or_default()
                                .insert(t.ident.to_string(), t.ty.clone());
                        }
                    }
                }
                syn::Item::Mod(m) if depth < MAX_DEPTH => {
                    if let Some((_, items)) = &m.content {
                        self.collect(items, depth + 1);
                    }
                }
                _ => {}
            }
        }
    }

    /// The type `Self::Name` stands for in an `impl` of `owner`.
    pub(super) fn get(&self, owner: &str, name: &str) -> Option<&syn::Type> {
        self.0.get(owner)?.get(name)
    }
}

/// The simple name of the type an `impl` is for (`Sweeper` for `impl<S> Actor for
/// Sweeper<S>`).
pub(super) fn self_type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The message an `impl Handler<Tick> for Mailer` handles (`Tick`): the simple name of the
/// first type argument of a trait named `Handler`.
pub(super) fn handled_message(trait_path: &syn::Path) -> Option<String> {
    let last = trait_path.segments.last()?;
    if last.ident != "Handler" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(syn::Type::Path(p)) => {
            p.path.segments.last().map(|s| s.ident.to_string())
        }
        _ => None,
    })
}

/// Whether `method(args)` sends the handled message back to its own actor after a delay:
/// `ctx.notify_later(Tick, d)`, `ctx.notify_later(msg, d)` (the message just handled, named
/// by `param`), `ctx.notify_later(Tick::new(), d)`, `ctx.notify_later(Tick { .. }, d)`.
pub(super) fn resends_message(
    method: &str,
    args: &syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>,
    message: &str,
    param: Option<&str>,
) -> bool {
    if method != "notify_later" {
        return false;
    }
    let Some(first) = args.first() else {
        return false;
    };
    let names = |path: &syn::Path| {
        path.segments.iter().any(|s| s.ident == message)
            || path
                .get_ident()
                .is_some_and(|i| Some(i.to_string().as_str()) == param)
    };
    match first {
        syn::Expr::Path(p) => names(&p.path),
        syn::Expr::Struct(s) => names(&s.path),
        syn::Expr::Call(c) => matches!(&*c.func, syn::Expr::Path(p) if names(&p.path)),
        _ => false,
    }
}

/// `ctx.run_later(d, |act, ctx| { act.sweep(); act.plan_next(ctx); })` in `fn plan_next`: the
/// callback runs `launcher` (the method around the call) again, through the actor it is
/// handed or `self`, as a statement of its own body, so the method runs forever.
pub(super) fn runs_again_later(
    method: &str,
    args: &syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>,
    launcher: &str,
) -> bool {
    if method != "run_later" {
        return false;
    }
    let Some(syn::Expr::Closure(callback)) = args.last() else {
        return false;
    };
    let actor = callback.inputs.first().and_then(|p| match p {
        syn::Pat::Ident(i) => Some(i.ident.to_string()),
        syn::Pat::Type(t) => match &*t.pat {
            syn::Pat::Ident(i) => Some(i.ident.to_string()),
            _ => None,
        },
        _ => None,
    });
    let calls_launcher = |e: &syn::Expr| {
        let syn::Expr::MethodCall(m) = e else {
            return false;
        };
        m.method == launcher
            && matches!(&*m.receiver, syn::Expr::Path(p)
                if p.path.get_ident().is_some_and(|i| i == "self" || Some(i.to_string()) == actor))
    };
    match &*callback.body {
        syn::Expr::Block(b) => b.block.stmts.iter().any(|stmt| match stmt {
            syn::Stmt::Expr(e, _) => calls_launcher(e),
            _ => false,
        }),
        other => calls_launcher(other),
    }
}

impl AssocTypes {
    /// Whether `owner` is an actor that serves one WebSocket connection: its `impl Actor`
    /// says `type Context = ws::WebsocketContext<Self>`. Each value lives as long as one
    /// client's connection, on the instance that holds it.
    pub(super) fn serves_a_websocket(&self, owner: &str) -> bool {
        matches!(self.get(owner, "Context"), Some(syn::Type::Path(p))
        if p.path.segments.last().is_some_and(|s| {
            s.ident.to_string().to_ascii_lowercase().contains("websocket")
        }))
    }
}

/// The private free functions of the file that only the methods of WebSocket actors (see
/// [`AssocTypes::serves_a_websocket`]) name (`fn gen_rate_limiter(..)` called by the
/// actor's `new`): what they build serves one connection too. Code of `#[cfg(test)]`
/// modules does not count.
pub(super) fn connection_helpers(
    file: &syn::File,
    assoc: &AssocTypes,
) -> foldhash::HashSet<String> {
    let mut names = Named {
        assoc,
        inside: false,
        private: foldhash::HashSet::default(),
        by_actor: foldhash::HashSet::default(),
        elsewhere: foldhash::HashSet::default(),
    };
    syn::visit::Visit::visit_file(&mut names, file);
    names
        .by_actor
        .into_iter()
        .filter(|n| names.private.contains(n) && !names.elsewhere.contains(n))
        .collect()
}

/// Where the file names each function (see [`connection_helpers`]).
struct Named<'a> {
    assoc: &'a AssocTypes,
    /// Inside an `impl` of a WebSocket actor.
    inside: bool,
    /// The private free functions the file declares.
    private: foldhash::HashSet<String>,
    /// Names a WebSocket actor's methods mention.
    by_actor: foldhash::HashSet<String>,
    /// Names mentioned anywhere else.
    elsewhere: foldhash::HashSet<String>,
}

impl<'ast> syn::visit::Visit<'ast> for Named<'_> {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if !m.attrs.iter().any(super::shapes::is_test_attr) {
            syn::visit::visit_item_mod(self, m);
        }
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if matches!(f.vis, syn::Visibility::Inherited) {
            self.private.insert(f.sig.ident.to_string());
        }
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let actor = self_type_name(&i.self_ty).is_some_and(|o| self.assoc.serves_a_websocket(&o));
        let outer = std::mem::replace(&mut self.inside, actor);
        syn::visit::visit_item_impl(self, i);
        self.inside = outer;
    }

    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if let Some(last) = p.path.segments.last() {
            let name = last.ident.to_string();
            if self.inside {
                self.by_actor.insert(name);
            } else {
                self.elsewhere.insert(name);
            }
        }
        syn::visit::visit_expr_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        // A name in a macro's tokens counts as named elsewhere.
        for tree in m.tokens.clone() {
            if let proc_macro2::TokenTree::Ident(i) = tree {
                self.elsewhere.insert(i.to_string());
            }
        }
    }
}
