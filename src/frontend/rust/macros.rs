//! Best-effort parsing of macro bodies, so calls inside `vec![..]`, `format!(..)`,
//! `tokio::select! { .. }` and friends are seen. Tokens keep their original spans.

use super::words;
use foldhash::HashMap;
use proc_macro2::LineColumn;
use std::cell::RefCell;
use std::rc::Rc;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, MacroDelimiter, Token};

/// Where a macro's `!` starts and its body ends.
pub(super) type MacroPlace = (LineColumn, LineColumn);

/// Macro bodies parsed, by their place (`None`: custom syntax).
pub(super) type ParsedBodies = HashMap<MacroPlace, Option<Rc<MacroBody>>>;

thread_local! {
    /// The macro bodies of the file being analysed on this thread, by their place:
    /// several passes visit each macro, and it is parsed once.
    static PARSED: RefCell<ParsedBodies> = RefCell::new(HashMap::default());
}

/// Forgets the macro bodies parsed so far (their positions are those of one file).
pub(super) fn forget_parsed() {
    PARSED.with_borrow_mut(HashMap::clear);
}

/// Takes out the macro bodies parsed so far, to be put back by [`restore_parsed`] when
/// the same tokens are analysed again (a document's kept items, see `kept`).
pub(super) fn take_parsed() -> ParsedBodies {
    PARSED.take()
}

/// Puts back macro bodies parsed from the tokens about to be analysed.
pub(super) fn restore_parsed(bodies: ParsedBodies) {
    PARSED.set(bodies);
}

/// Macro bodies inside macro bodies are re-parsed up to this depth.
pub(super) const MAX_MACRO_DEPTH: usize = 16;

/// What a macro body parsed as.
pub(super) enum MacroBody {
    /// Comma-separated expressions (`vec![a, b]`, `println!("{}", x)`), or the
    /// futures and handlers of `select!`.
    Exprs(Vec<Expr>),
    /// Statements, for brace-delimited bodies that hold code (`thread_local!`-free
    /// blocks such as a test harness macro's `{ let x = f(); .. }`).
    Stmts(Vec<syn::Stmt>),
}

/// Visits the expressions or statements a macro's body parses to (nothing for custom
/// syntax): what every visitor that looks into macros does, its depth check aside.
pub(super) fn visit_body<V>(visitor: &mut V, mac: &syn::Macro)
where
    V: for<'a> syn::visit::Visit<'a>,
{
    match parse_body(mac).as_deref() {
        Some(MacroBody::Exprs(exprs)) => exprs.iter().for_each(|e| visitor.visit_expr(e)),
        Some(MacroBody::Stmts(stmts)) => stmts.iter().for_each(|s| visitor.visit_stmt(s)),
        None => {}
    }
}

/// Parses a macro body, or `None` when it is custom syntax; each macro of a file once.
pub(super) fn parse_body(mac: &syn::Macro) -> Option<Rc<MacroBody>> {
    let key = (
        mac.bang_token.span.start(),
        mac.delimiter.span().close().end(),
    );
    // Tokens without a place in the source (line 0) cannot be told apart.
    if key.0.line == 0 {
        return parse_fresh(mac).map(Rc::new);
    }
    if let Some(parsed) = PARSED.with_borrow(|p| p.get(&key).cloned()) {
        return parsed;
    }
    let parsed = parse_fresh(mac).map(Rc::new);
    PARSED.with_borrow_mut(|p| p.insert(key, parsed.clone()));
    parsed
}

fn parse_fresh(mac: &syn::Macro) -> Option<MacroBody> {
    let name = mac.path.segments.last()?.ident.to_string();
    if name == "macro_rules" {
        return None;
    }
    let tokens = &mac.tokens;
    if name == "select" || name == "select_biased" {
        if let Ok(exprs) = parse_select.parse2(tokens.clone()) {
            return Some(MacroBody::Exprs(exprs));
        }
    }
    let exprs = || {
        Punctuated::<Expr, Token![,]>::parse_terminated
            .parse2(tokens.clone())
            .ok()
            .map(|p| MacroBody::Exprs(p.into_iter().collect()))
    };
    let stmts = || {
        syn::Block::parse_within
            .parse2(tokens.clone())
            .ok()
            .map(MacroBody::Stmts)
    };
    match mac.delimiter {
        MacroDelimiter::Brace(_) => stmts().or_else(exprs),
        _ => exprs().or_else(stmts),
    }
}

/// `tokio::select!` / `futures::select!` arms:
/// `[biased;] pat = future [, if cond] => handler [,] ... [else => handler]`.
fn parse_select(input: ParseStream) -> syn::Result<Vec<Expr>> {
    let mut exprs = Vec::new();
    if input.peek(syn::Ident) && input.peek2(Token![;]) {
        input.parse::<syn::Ident>()?;
        input.parse::<Token![;]>()?;
    }
    let empty = || Expr::Verbatim(proc_macro2::TokenStream::new());
    while !input.is_empty() {
        let mut arm = None;
        if input.peek2(Token![=>]) {
            // `else => ..` (tokio), `default => ..` / `complete => ..` (futures): no future,
            // an empty one keeps each handler after its arm's future.
            input.parse::<proc_macro2::TokenTree>()?;
        } else {
            let pat = syn::Pat::parse_multi_with_leading_vert(input)?;
            input.parse::<Token![=]>()?;
            let future = input.parse::<Expr>()?;
            let guard = if input.peek(Token![,]) && input.peek2(Token![if]) {
                input.parse::<Token![,]>()?;
                input.parse::<Token![if]>()?;
                Some(input.parse::<Expr>()?)
            } else {
                None
            };
            arm = Some((pat, future, guard));
        }
        input.parse::<Token![=>]>()?;
        let handler = input.parse::<Expr>()?;
        let block_handler = matches!(handler, Expr::Block(_));
        let exits = is_bare_exit(&handler);
        let mut stop = false;
        match arm {
            None => exprs.push(empty()),
            Some((pat, future, guard)) => {
                let text = words::ident_text(&future);
                // A client's session ending is no shutdown: its exit is kept (see
                // [`ends_with_client`]).
                stop = words::is_stop_signal(&text) && !words::ends_a_client(&text);
                // `_ = rx.recv() => break`: a message nothing reads that only ends the loop
                // is a signal, its channel no queue of work: the future is left out (the
                // exit is kept: the sender may end one operation, not the service).
                let signal = exits && binds_nothing(&pat) && words::is_notice_wait(&future);
                exprs.push(if signal { empty() } else { future });
                exprs.extend(guard);
            }
        }
        // `_ = token.cancelled() => break`: leaving at shutdown does not end the job's
        // loop early (like `if shutdown { break; }`), so the bare exit is left out.
        exprs.push(if stop && exits { empty() } else { handler });
        if !input.is_empty() {
            input.parse::<Token![,]>().or_else(|e| {
                // A block handler needs no comma after it.
                if block_handler {
                    Ok(Token![,](proc_macro2::Span::call_site()))
                } else {
                    Err(e)
                }
            })?;
        }
    }
    Ok(exprs)
}

/// Whether a pattern binds no value (`_`, `None`, `Ok(())`, `Err(_)`): the arm reads nothing
/// of what its future gives.
fn binds_nothing(pat: &syn::Pat) -> bool {
    match pat {
        syn::Pat::Wild(_) | syn::Pat::Path(_) | syn::Pat::Lit(_) | syn::Pat::Rest(_) => true,
        // An ident pattern binds unless it names a variant (`None`).
        syn::Pat::Ident(i) => {
            i.subpat.is_none() && i.ident.to_string().starts_with(char::is_uppercase)
        }
        syn::Pat::Tuple(t) => t.elems.iter().all(binds_nothing),
        syn::Pat::TupleStruct(t) => t.elems.iter().all(binds_nothing),
        syn::Pat::Paren(p) => binds_nothing(&p.pat),
        syn::Pat::Reference(r) => binds_nothing(&r.pat),
        _ => false,
    }
}

/// Whether a loop's body leaves when one client's session or connection ends: a `select!`
/// of the body (a statement of it) with an arm `_ = session.terminated() => break`. The loop
/// then lives as long as that client, on the one instance that holds it.
pub(super) fn ends_with_client(body: &syn::Block) -> bool {
    body.stmts.iter().any(|s| {
        let mac = match s {
            syn::Stmt::Macro(m) => &m.mac,
            syn::Stmt::Expr(Expr::Macro(m), _) => &m.mac,
            _ => return false,
        };
        let select = mac
            .path
            .segments
            .last()
            .is_some_and(|n| n.ident == "select" || n.ident == "select_biased");
        if !select {
            return false;
        }
        match parse_body(mac).as_deref() {
            Some(MacroBody::Exprs(exprs)) => exprs.windows(2).any(|pair| {
                words::ends_a_client(&words::ident_text(&pair[0])) && is_bare_exit(&pair[1])
            }),
            _ => false,
        }
    })
}

/// Whether a loop's body leaves when the operation it watches completes: a `select!` of the
/// body with an arm whose future is the operation itself, not a shutdown, a cancellation or
/// a message (`_ = &mut export => break`, `res = handle => return res`), and whose handler
/// ends by leaving. A ticker or sleep beside it paces that one operation (a progress report,
/// a keep-alive), which runs once per operation, not once per instance.
pub(super) fn ends_with_operation(body: &syn::Block) -> bool {
    body.stmts.iter().any(|s| {
        let mac = match s {
            syn::Stmt::Macro(m) => &m.mac,
            syn::Stmt::Expr(Expr::Macro(m), _) => &m.mac,
            _ => return false,
        };
        let select = mac
            .path
            .segments
            .last()
            .is_some_and(|n| n.ident == "select" || n.ident == "select_biased");
        if !select {
            return false;
        }
        match parse_body(mac).as_deref() {
            Some(MacroBody::Exprs(exprs)) => exprs
                .windows(2)
                .any(|pair| is_operation_future(&pair[0]) && ends_by_leaving(&pair[1])),
            _ => false,
        }
    })
}

/// A future that is an operation's own completion: not empty (an `else` arm), not a
/// shutdown's or cancellation's signal, not a message or a tick.
fn is_operation_future(future: &Expr) -> bool {
    let text = words::ident_text(future);
    !text.trim().is_empty() && !words::is_stop_signal(&text) && !words::is_message_wait(future)
}

/// A handler whose last statement leaves the loop (`break`, `break res`, `return res`).
fn ends_by_leaving(handler: &Expr) -> bool {
    match handler {
        Expr::Break(b) => b.label.is_none(),
        Expr::Return(_) => true,
        Expr::Block(b) => b
            .block
            .stmts
            .last()
            .is_some_and(|s| matches!(s, syn::Stmt::Expr(e, _) if ends_by_leaving(e))),
        _ => false,
    }
}

/// A handler that only leaves (`break`, `return`, `{ info!(..); break; }`).
fn is_bare_exit(handler: &Expr) -> bool {
    match handler {
        Expr::Break(b) => b.expr.is_none(),
        Expr::Return(_) => true,
        Expr::Block(b) => {
            let stmts = &b.block.stmts;
            stmts
                .last()
                .is_some_and(|s| matches!(s, syn::Stmt::Expr(e, _) if is_bare_exit(e)))
                && stmts[..stmts.len() - 1]
                    .iter()
                    .all(|s| matches!(s, syn::Stmt::Macro(_)))
        }
        _ => false,
    }
}
