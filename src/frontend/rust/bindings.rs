//! The names a call's result is bound to: `let (events_tx, _) = broadcast::channel::<Event>(n)`
//! says what the call makes (`events`, `tx`, `event`), as the variable a C# constructor
//! initialises does. Rules read them as the call event's words (`words_any`).

use syn::Expr;

use super::shapes::{pat_idents, path_start};
use crate::reach::words::split_words;

/// The call a `let` initialiser makes (through `?`, `.await`, parentheses and a tuple field), with the
/// words of the bound names and of the call's own type arguments (`::<Event>`), sorted and
/// deduplicated.
pub(super) fn bound_call<'a>(
    pat: &syn::Pat,
    init: &'a Expr,
) -> Option<(&'a syn::ExprPath, Vec<String>)> {
    let mut expr = init;
    let call = loop {
        match expr {
            Expr::Try(t) => expr = &t.expr,
            Expr::Await(a) => expr = &a.base,
            Expr::Paren(p) => expr = &p.expr,
            // `broadcast::channel(16).0`: the sender half.
            Expr::Field(f) => expr = &f.base,
            Expr::Call(c) => break c,
            _ => return None,
        }
    };
    let Expr::Path(path) = &*call.func else {
        return None;
    };
    let mut names = Vec::new();
    pat_idents(pat, &mut names);
    if let Some(syn::PathArguments::AngleBracketed(args)) =
        path.path.segments.last().map(|s| &s.arguments)
    {
        for arg in &args.args {
            if let syn::GenericArgument::Type(syn::Type::Path(t)) = arg {
                names.extend(t.path.segments.last().map(|s| s.ident.to_string()));
            }
        }
    }
    let mut words: Vec<String> = names.iter().flat_map(|n| split_words(n)).collect();
    words.sort();
    words.dedup();
    Some((path, words))
}

/// Where a bound call's event starts (the start of its path), to find it among the events.
pub(super) fn call_start(path: &syn::ExprPath) -> proc_macro2::LineColumn {
    path_start(path).start()
}
