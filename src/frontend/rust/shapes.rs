//! Questions about the shape of syntax that the walk asks: loop conditions, error
//! patterns, test attributes, where an expression starts, whether a loop is left.

use super::macros::{self, MAX_MACRO_DEPTH};
use super::words;
use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::Expr;

/// A `while` condition that counts or compares (`while i < n`, `while let Some(x) = it.next()`)
/// bounds the loop; a flag or negation (`while running`, `while !stop.load(..)`) does not.
pub(super) fn is_bounded_condition(cond: &Expr) -> bool {
    use syn::BinOp;
    match cond {
        // `while let Some(next) = schedule.upcoming(Utc).next()`: a cron schedule's next time
        // is always there.
        Expr::Let(l) => !takes_from_endless_iterator(&l.expr),
        Expr::Paren(p) => is_bounded_condition(&p.expr),
        Expr::Binary(b) => match b.op {
            BinOp::Lt(_)
            | BinOp::Le(_)
            | BinOp::Gt(_)
            | BinOp::Ge(_)
            | BinOp::Eq(_)
            | BinOp::Ne(_) => true,
            BinOp::And(_) | BinOp::Or(_) => {
                is_bounded_condition(&b.left) || is_bounded_condition(&b.right)
            }
            _ => false,
        },
        _ => false,
    }
}

/// Whether an `if`/`while` condition tests for the variant `variant` (`let Err(e) = ..`)
/// or calls `method` (`res.is_err()`), at the top level or in an `&&` chain.
pub(super) fn condition_checks(cond: &Expr, variant: &str, method: &str) -> bool {
    match cond {
        Expr::Let(l) => pat_is_variant(&l.pat, variant),
        Expr::MethodCall(m) => m.method == method,
        Expr::Paren(p) => condition_checks(&p.expr, variant, method),
        Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
            condition_checks(&b.left, variant, method)
                || condition_checks(&b.right, variant, method)
        }
        _ => false,
    }
}

/// Whether a pattern is the tuple variant `variant(..)` (possibly guarded, or-ed or bound).
pub(super) fn pat_is_variant(pat: &syn::Pat, variant: &str) -> bool {
    match pat {
        syn::Pat::TupleStruct(t) => t.path.segments.last().is_some_and(|s| s.ident == variant),
        syn::Pat::Guard(g) => pat_is_variant(&g.pat, variant),
        syn::Pat::Or(o) => o.cases.iter().any(|c| pat_is_variant(c, variant)),
        syn::Pat::Paren(p) => pat_is_variant(&p.pat, variant),
        syn::Pat::Ident(i) => i
            .subpat
            .as_ref()
            .is_some_and(|(_, p)| pat_is_variant(p, variant)),
        _ => false,
    }
}

/// Whether a pattern is `variant(..)` or holds it inside another tuple variant
/// (`Ok(Err(e))`, `Some(Err(e))`).
pub(super) fn pat_holds_variant(pat: &syn::Pat, variant: &str) -> bool {
    pat_is_variant(pat, variant)
        || match pat {
            syn::Pat::TupleStruct(t) => t.elems.iter().any(|e| pat_holds_variant(e, variant)),
            syn::Pat::Tuple(t) => t.elems.iter().any(|e| pat_holds_variant(e, variant)),
            syn::Pat::Or(o) => o.cases.iter().any(|c| pat_holds_variant(c, variant)),
            syn::Pat::Paren(p) => pat_holds_variant(&p.pat, variant),
            syn::Pat::Guard(g) => pat_holds_variant(&g.pat, variant),
            _ => false,
        }
}

/// The variable a `let` binds when it binds exactly one name (`let mut o = ..`, `let o: T = ..`).
pub(super) fn simple_binding(pat: &syn::Pat) -> Option<String> {
    match pat {
        syn::Pat::Ident(i) if i.subpat.is_none() => Some(i.ident.to_string()),
        syn::Pat::Type(t) => simple_binding(&t.pat),
        _ => None,
    }
}

/// The name a parameter binds, also through a one-field extractor
/// (`State(state): State<AppState>`, `Extension(sessions)`).
pub(super) fn param_name(pat: &syn::Pat) -> Option<String> {
    match pat {
        syn::Pat::TupleStruct(t) if t.elems.len() == 1 => simple_binding(&t.elems[0]),
        _ => simple_binding(pat),
    }
}

/// Every identifier a pattern binds.
pub(super) fn pat_idents(pat: &syn::Pat, out: &mut Vec<String>) {
    match pat {
        syn::Pat::Ident(i) => {
            out.push(i.ident.to_string());
            if let Some((_, p)) = &i.subpat {
                pat_idents(p, out);
            }
        }
        syn::Pat::Type(t) => pat_idents(&t.pat, out),
        syn::Pat::Reference(r) => pat_idents(&r.pat, out),
        syn::Pat::Paren(p) => pat_idents(&p.pat, out),
        syn::Pat::Guard(g) => pat_idents(&g.pat, out),
        syn::Pat::Or(o) => o.cases.iter().for_each(|c| pat_idents(c, out)),
        syn::Pat::Slice(s) => s.elems.iter().for_each(|c| pat_idents(c, out)),
        syn::Pat::Tuple(t) => t.elems.iter().for_each(|c| pat_idents(c, out)),
        syn::Pat::TupleStruct(t) => t.elems.iter().for_each(|c| pat_idents(c, out)),
        syn::Pat::Struct(s) => s.fields.iter().for_each(|f| pat_idents(&f.pat, out)),
        _ => {}
    }
}

/// `#[test]`, `#[tokio::test]`, `#[bench]`, `#[rstest]`, `#[cfg(test)]`, `#[cfg(all(test, ..))]`.
pub(super) fn is_test_attr(attr: &syn::Attribute) -> bool {
    let path = attr.path();
    let Some(last) = path.segments.last() else {
        return false;
    };
    if last.ident == "test" || last.ident == "bench" || last.ident == "rstest" {
        return true;
    }
    match &attr.meta {
        syn::Meta::List(list) if path.is_ident("cfg") => cfg_has_test(list.tokens.clone(), 0),
        _ => false,
    }
}

/// Whether a `cfg` predicate requires (or, in `any`, allows) `test`; `not(..)` is skipped.
pub(super) fn cfg_has_test(tokens: proc_macro2::TokenStream, depth: usize) -> bool {
    use proc_macro2::TokenTree;
    if depth > 8 {
        return false;
    }
    let mut iter = tokens.into_iter().peekable();
    while let Some(tt) = iter.next() {
        let TokenTree::Ident(ident) = tt else {
            continue;
        };
        if ident == "test" {
            return true;
        }
        if let Some(TokenTree::Group(g)) = iter.peek() {
            let inner = g.stream();
            iter.next();
            if (ident == "all" || ident == "any") && cfg_has_test(inner, depth + 1) {
                return true;
            }
        }
    }
    false
}

pub(super) fn path_start(p: &syn::ExprPath) -> Span {
    if let Some(q) = &p.qself {
        return q.lt_token.span;
    }
    if let Some(c) = &p.path.leading_colon {
        return c.spans[0];
    }
    p.path
        .segments
        .first()
        .map_or_else(|| p.span(), |s| s.ident.span())
}

/// The first token of an expression, found without rebuilding its token stream
/// for the common shapes of a call's receiver or callee.
pub(super) fn expr_start(expr: &Expr) -> Span {
    let mut e = expr;
    loop {
        e = match e {
            Expr::MethodCall(m) => &m.receiver,
            Expr::Call(c) => &c.func,
            Expr::Await(a) => &a.base,
            Expr::Try(t) => &t.expr,
            Expr::Field(f) => &f.base,
            Expr::Index(i) => &i.expr,
            Expr::Cast(c) => &c.expr,
            Expr::Binary(b) => &b.left,
            Expr::Path(p) => return path_start(p),
            Expr::Lit(l) => return l.lit.span(),
            Expr::Paren(p) => return p.paren_token.span.open(),
            Expr::Tuple(t) => return t.paren_token.span.open(),
            Expr::Array(a) => return a.bracket_token.span.open(),
            Expr::Reference(r) => return r.and_token.span,
            Expr::Block(b) if b.label.is_none() && b.attrs.is_empty() => {
                return b.block.brace_token.span.open()
            }
            Expr::Macro(m) => {
                return match &m.mac.path.segments.first() {
                    Some(s) if m.mac.path.leading_colon.is_none() => s.ident.span(),
                    _ => m.mac.path.span(),
                }
            }
            other => return other.span(),
        };
    }
}

/// The braces of a closure body that is a block or loop (`|| { .. }`, `move || loop { .. }`).
pub(super) fn body_braces(body: &Expr) -> Option<(Span, Span)> {
    let brace = match body {
        Expr::Block(b) => b.block.brace_token.span,
        Expr::Loop(l) => l.body.brace_token.span,
        Expr::Async(a) => a.block.brace_token.span,
        _ => return None,
    };
    Some((brace.open(), brace.close()))
}

/// Whether a loop body only waits for a condition: `loop { sleep(d).await; if ready() { break; } }`.
/// Besides one `if` that leaves the loop (`break` / `return`, no `else`) and log lines, it
/// holds at most two pauses (`sleep`, `tick`); any other statement is work, which makes a job.
pub(super) fn is_wait_loop(body: &syn::Block) -> bool {
    let mut exit_checks = 0;
    let mut calls = 0;
    for stmt in &body.stmts {
        let e = match stmt {
            syn::Stmt::Expr(e, _) => e,
            syn::Stmt::Macro(m) if is_log_macro(&m.mac) => continue,
            _ => return false,
        };
        match e {
            Expr::If(i) if i.else_branch.is_none() && leaves_loop(&i.then_branch) => {
                exit_checks += 1
            }
            Expr::Await(_) | Expr::Call(_) | Expr::MethodCall(_) if is_pause(e) => calls += 1,
            Expr::Macro(m) if is_log_macro(&m.mac) => {}
            _ => return false,
        }
    }
    exit_checks == 1 && calls <= 2
}

/// A resolved call that sleeps: `tokio::time::sleep`, `std::thread::sleep`,
/// `actix_rt::time::sleep_until`, `smol::Timer::after`.
pub(super) fn is_sleep_target(target: &str) -> bool {
    target.ends_with("::sleep")
        || target.ends_with("::sleep_until")
        || target.ends_with("Timer::after")
}

/// A resolved call that makes a periodic ticker: `tokio::time::interval`, `interval_at`,
/// `smol::Timer::interval`.
pub(super) fn is_interval_target(target: &str) -> bool {
    target.ends_with("::interval") || target.ends_with("::interval_at")
}

/// A short function body without loops, closures or async blocks (at most four
/// statements): small enough to be a helper around one call, such as a sleep, that runs
/// in its caller's task.
pub(super) fn is_short_straight_body(block: &syn::Block) -> bool {
    struct Nested(bool);
    impl<'ast> Visit<'ast> for Nested {
        fn visit_expr(&mut self, e: &'ast Expr) {
            match e {
                Expr::Loop(_)
                | Expr::While(_)
                | Expr::ForLoop(_)
                | Expr::Closure(_)
                | Expr::Async(_) => self.0 = true,
                _ => visit::visit_expr(self, e),
            }
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut nested = Nested(false);
    if block.stmts.len() <= 4 {
        nested.visit_block(block);
    }
    block.stmts.len() <= 4 && !nested.0
}

/// A call that only pauses: `sleep(d)`, `ticker.tick().await`, `thread::park()`.
fn is_pause(e: &Expr) -> bool {
    let name = match e {
        Expr::Await(a) => return is_pause(&a.base),
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        },
        Expr::MethodCall(m) => Some(m.method.to_string()),
        _ => None,
    };
    name.is_some_and(|n| {
        let n = n.to_ascii_lowercase();
        ["sleep", "tick", "delay", "wait", "park", "yield", "after"]
            .iter()
            .any(|w| n.contains(w))
    })
}

/// An iterator that never ends: a cron schedule's coming times (`schedule.upcoming(Utc)`,
/// `upcoming_owned`), an open range (`0..`), `std::iter::repeat(..)` / `repeat_with(..)`.
pub(super) fn is_endless_iterator(e: &Expr) -> bool {
    match e {
        Expr::MethodCall(m) => {
            matches!(m.method.to_string().as_str(), "upcoming" | "upcoming_owned")
        }
        Expr::Range(r) => r.end.is_none(),
        Expr::Call(c) => matches!(&*c.func, Expr::Path(p)
            if p.path.segments.last().is_some_and(|s| s.ident == "repeat" || s.ident == "repeat_with")),
        Expr::Paren(p) => is_endless_iterator(&p.expr),
        _ => false,
    }
}

/// The next item of an endless iterator (`schedule.upcoming(Utc).next()`), which is always
/// there.
fn takes_from_endless_iterator(e: &Expr) -> bool {
    matches!(e, Expr::MethodCall(m) if m.method == "next" && is_endless_iterator(&m.receiver))
}

/// Whether a `loop` ends once its work is done: somewhere in its body an `if` leaves it
/// (`if users.is_empty() { break; }`, `if job.status != Open { return Ok(()); }`) on a
/// condition that is neither a stop signal (`shutdown`, `cancelled`) nor an error check.
/// Such a loop is a batch or a wait that finishes, not a schedule. So is one whose `select!`
/// handler leaves on such a condition (`_ = ticker.tick() => { if started.elapsed() >= limit
/// { break; } .. }`: a `select!` is no loop, its `break` leaves the loop around it). Exits
/// inside error arms, `let .. else`, nested loops, closures and other macro bodies do not
/// count.
pub(super) fn is_finite_loop(body: &syn::Block) -> bool {
    let mut finder = CompletionExit {
        found: false,
        macro_depth: 0,
    };
    finder.visit_block(body);
    finder.found
}

struct CompletionExit {
    found: bool,
    macro_depth: usize,
}

impl CompletionExit {
    fn leaves(&self, block: &syn::Block) -> bool {
        block.stmts.iter().any(|s| match s {
            syn::Stmt::Expr(Expr::Break(b), _) => b.label.is_none(),
            syn::Stmt::Expr(Expr::Return(r), _) => !r
                .expr
                .as_deref()
                .is_some_and(|e| matches!(e, Expr::Call(c) if matches!(&*c.func, Expr::Path(p) if p.path.is_ident("Err")))),
            _ => false,
        })
    }
}

impl<'ast> Visit<'ast> for CompletionExit {
    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        let cond = words::ident_text(&i.cond);
        let failure = condition_checks(&i.cond, "Err", "is_err")
            || condition_checks(&i.cond, "None", "is_none")
            || words::is_stop_signal(&cond);
        if !failure {
            self.found |= self.leaves(&i.then_branch);
            self.visit_block(&i.then_branch);
        }
        if let Some((_, els)) = &i.else_branch {
            self.visit_expr(els);
        }
    }

    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        if !pat_holds_variant(&arm.pat, "Err") {
            visit::visit_arm(self, arm);
        }
    }

    fn visit_local(&mut self, _: &'ast syn::Local) {}

    fn visit_expr_loop(&mut self, _: &'ast syn::ExprLoop) {}

    fn visit_expr_while(&mut self, _: &'ast syn::ExprWhile) {}

    fn visit_expr_for_loop(&mut self, _: &'ast syn::ExprForLoop) {}

    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}

    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}

    fn visit_item(&mut self, _: &'ast syn::Item) {}

    // A shutdown arm's bare exit is left out of the parsed body (`macros::parse_body`).
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let select = mac
            .path
            .segments
            .last()
            .is_some_and(|n| n.ident == "select" || n.ident == "select_biased");
        if !select || self.macro_depth >= MAX_MACRO_DEPTH {
            return;
        }
        self.macro_depth += 1;
        macros::visit_body(self, mac);
        self.macro_depth -= 1;
    }
}

/// `tracing` / `log` macros, which do no work of their own.
fn is_log_macro(mac: &syn::Macro) -> bool {
    mac.path.segments.last().is_some_and(|s| {
        matches!(
            s.ident.to_string().as_str(),
            "trace" | "debug" | "info" | "warn" | "error" | "println" | "eprintln"
        )
    })
}

/// Whether a block ends the loop around it at its top level (`break`, `return`).
fn leaves_loop(block: &syn::Block) -> bool {
    block
        .stmts
        .iter()
        .any(|s| matches!(s, syn::Stmt::Expr(Expr::Return(_) | Expr::Break(_), _)))
}

/// How deep [`diverges`] looks through parentheses and blocks.
const MAX_DIVERGE_DEPTH: usize = 6;

/// Macros that never give a value (their type is `!`): they panic or return an error.
const DIVERGING_MACROS: &[&str] = &["panic", "unreachable", "todo", "unimplemented", "bail"];

/// Whether an expression never gives a value (its type is `!`): it returns, breaks,
/// continues, panics (`panic!`, `unreachable!`), returns an error (`bail!(..)`,
/// `Err(e)?`) or ends the process (`std::process::exit(1)`); a block that does so at its
/// top level.
pub(super) fn diverges(e: &Expr, depth: usize) -> bool {
    if depth > MAX_DIVERGE_DEPTH {
        return false;
    }
    match e {
        Expr::Return(_) | Expr::Break(_) | Expr::Continue(_) => true,
        Expr::Macro(m) => is_diverging_macro(&m.mac),
        Expr::Paren(p) => diverges(&p.expr, depth + 1),
        Expr::Block(b) => block_diverges(&b.block, depth + 1),
        Expr::Try(t) => matches!(&*t.expr, Expr::Call(c)
            if matches!(&*c.func, Expr::Path(p) if p.path.is_ident("Err"))),
        Expr::Call(c) => matches!(&*c.func, Expr::Path(p) if {
            let mut names = p.path.segments.iter().rev().map(|s| &s.ident);
            names.next().is_some_and(|n| n == "exit")
                && names.next().is_some_and(|n| n == "process")
        }),
        _ => false,
    }
}

/// Whether a block never gives a value: one of its top-level statements diverges (see
/// [`diverges`]).
pub(super) fn block_diverges(block: &syn::Block, depth: usize) -> bool {
    block.stmts.iter().any(|stmt| match stmt {
        syn::Stmt::Expr(e, _) => diverges(e, depth),
        syn::Stmt::Macro(m) => is_diverging_macro(&m.mac),
        _ => false,
    })
}

fn is_diverging_macro(mac: &syn::Macro) -> bool {
    mac.path
        .segments
        .last()
        .is_some_and(|s| DIVERGING_MACROS.iter().any(|m| s.ident == m))
}

/// Whether a function body ends in a `loop` (or a `while` on a shutdown check, `while
/// !token.is_cancelled()`, or a `for` or `while let` over a cron schedule's coming times) that no `break` or `return` leaves (other than at shutdown),
/// followed at most by a plain result (`Ok(())`) and log lines.
pub(super) fn never_returns(block: &syn::Block) -> bool {
    let Some(at) = block.stmts.iter().rposition(|s| {
        matches!(
            s,
            syn::Stmt::Expr(Expr::Loop(_) | Expr::While(_) | Expr::ForLoop(_), _)
        )
    }) else {
        return false;
    };
    let (label, body) = match &block.stmts[at] {
        syn::Stmt::Expr(Expr::Loop(l), _) => (&l.label, &l.body),
        syn::Stmt::Expr(Expr::While(w), _)
            if runs_until_shutdown(&w.cond)
                || matches!(&*w.cond, Expr::Let(l) if takes_from_endless_iterator(&l.expr)) =>
        {
            (&w.label, &w.body)
        }
        // `for next in schedule.upcoming(Utc) { .. }`: a cron schedule's times never end.
        syn::Stmt::Expr(Expr::ForLoop(f), _) if is_endless_iterator(&f.expr) => (&f.label, &f.body),
        _ => return false,
    };
    if !block.stmts[at + 1..].iter().all(is_plain_tail) {
        return false;
    }
    let mut finder = ExitFinder {
        label: label.as_ref().map(|l| l.name.ident.to_string()),
        nested: 0,
        found: false,
        macro_depth: 0,
    };
    finder.visit_block(body);
    !finder.found
}

/// A `while` condition that only a shutdown ends: `!token.is_cancelled()`,
/// `!shutdown.load(Ordering::Relaxed)`, `running.load(..)`; not a `while let` drain.
fn runs_until_shutdown(cond: &Expr) -> bool {
    if matches!(cond, Expr::Let(_)) {
        return false;
    }
    let text = words::ident_text(cond);
    words::is_stop_signal(&text) || {
        let lower = text.to_ascii_lowercase();
        ["running", "alive"].iter().any(|w| lower.contains(w))
    }
}

/// A spawned task that starts itself again once done: a top-level statement of its body
/// calls the function that spawned it (`schedule_refresh(pool)` inside the task that
/// `schedule_refresh` spawns, after a sleep), or sends one of that function's parameters back
/// into a channel (`tx.send(job).await`: the job re-enqueued for the worker that launched
/// it). A loop written as a chain of tasks.
pub(super) fn relaunches(block: &syn::Block, launcher: &str, params: &[String]) -> bool {
    block.stmts.iter().any(|stmt| {
        let expr = match stmt {
            syn::Stmt::Expr(e, _) => e,
            syn::Stmt::Local(l) => match &l.init {
                Some(init) => &init.expr,
                None => return false,
            },
            _ => return false,
        };
        relaunch_call(expr, launcher, params)
    })
}

fn relaunch_call(expr: &Expr, launcher: &str, params: &[String]) -> bool {
    match expr {
        Expr::Await(a) => relaunch_call(&a.base, launcher, params),
        Expr::Try(t) => relaunch_call(&t.expr, launcher, params),
        Expr::Call(c) => {
            matches!(&*c.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == launcher))
        }
        Expr::MethodCall(m) => {
            let own = matches!(&*m.receiver, Expr::Path(p) if p.path.is_ident("self"))
                && m.method == launcher;
            let sends_back = m.method == "send"
                && m.args.len() == 1
                && matches!(&m.args[0], Expr::Path(p)
                    if p.path.get_ident().is_some_and(|i| params.iter().any(|n| i == n)));
            own || sends_back
        }
        _ => false,
    }
}

/// `Ok(())`, `()`, `Ok(())` after a log line: what a function returns once its loop ends.
fn is_plain_tail(stmt: &syn::Stmt) -> bool {
    match stmt {
        syn::Stmt::Macro(m) => is_log_macro(&m.mac),
        syn::Stmt::Expr(Expr::Macro(m), _) => is_log_macro(&m.mac),
        syn::Stmt::Expr(Expr::Tuple(t), _) => t.elems.is_empty(),
        syn::Stmt::Expr(Expr::Call(c), _) => {
            matches!(&*c.func, Expr::Path(p) if p.path.is_ident("Ok"))
                && c.args
                    .iter()
                    .all(|a| matches!(a, Expr::Tuple(t) if t.elems.is_empty()))
        }
        _ => false,
    }
}

/// Finds a `return`, or a `break` of the outer loop, inside a loop body (also inside
/// macro bodies such as `select!` arms); closures and async blocks are their own functions.
struct ExitFinder {
    label: Option<String>,
    nested: usize,
    found: bool,
    macro_depth: usize,
}

impl<'ast> Visit<'ast> for ExitFinder {
    fn visit_expr_return(&mut self, _: &'ast syn::ExprReturn) {
        self.found = true;
    }

    fn visit_expr_break(&mut self, b: &'ast syn::ExprBreak) {
        self.found |= match &b.label {
            Some(l) => self.label.as_deref() == Some(&l.ident.to_string()),
            None => self.nested == 0,
        };
    }

    fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
        self.nested += 1;
        visit::visit_expr_loop(self, l);
        self.nested -= 1;
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        self.nested += 1;
        visit::visit_expr_while(self, w);
        self.nested -= 1;
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.nested += 1;
        visit::visit_expr_for_loop(self, f);
        self.nested -= 1;
    }

    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        // `if cluster::is_offline() { break; }` ends the process's job at shutdown; the
        // loop still runs for the life of the process.
        if words::is_stop_signal(&words::ident_text(&i.cond)) {
            if let Some((_, els)) = &i.else_branch {
                self.visit_expr(els);
            }
            return;
        }
        visit::visit_expr_if(self, i);
    }

    // `let Some(next) = schedule.upcoming(Utc).next() else { break };`: an endless
    // iterator always has a next item, so the `else` never runs.
    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let Some(init) = &local.init {
            if init.diverge.is_some() && takes_from_endless_iterator(&init.expr) {
                self.visit_expr(&init.expr);
                return;
            }
        }
        visit::visit_local(self, local);
    }

    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}

    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}

    fn visit_item(&mut self, _: &'ast syn::Item) {}

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if self.found || self.macro_depth >= MAX_MACRO_DEPTH {
            return;
        }
        self.macro_depth += 1;
        macros::visit_body(self, mac);
        self.macro_depth -= 1;
    }
}
