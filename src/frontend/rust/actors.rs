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
