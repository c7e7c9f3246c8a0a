//! What the loops of a function body (or closure, or async block) say about the
//! periodic work around them: a leadership check on every round, a task that lives
//! only as long as an in-process object, a worker draining an in-process queue.
//!
//! The timer usually comes first (`let mut tick = interval(d); loop { tick.tick().await;
//! if !db.is_leader().await { continue; } .. }`), so these facts are gathered before
//! the body is walked and apply to all of it.

use super::macros::{self, MAX_MACRO_DEPTH};
use super::shapes::{self, simple_binding};
use super::words;
use foldhash::{HashMap, HashSet};
use syn::visit::{self, Visit};
use syn::Expr;

/// Facts about one body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct BodyFacts {
    /// A single-instance guard (`is_leader()`, `config.run_jobs`) is checked.
    pub guard: bool,
    /// A `Weak` owner is upgraded: the task stops when an in-process object is dropped,
    /// so it looks after that object (a cache, a connection, a shard) on this instance.
    pub owner_bound: bool,
    /// An in-process channel or queue is drained (`rx.recv()`, `queue.try_pop()`): the
    /// loop handles work this instance queued for itself.
    pub drains_queue: bool,
}

impl BodyFacts {
    fn merge(&mut self, other: BodyFacts) {
        self.guard |= other.guard;
        self.owner_bound |= other.owner_bound;
        self.drains_queue |= other.drains_queue;
    }
}

/// How many calls deep a function's facts include those of the local functions it calls
/// (`run` calls `run_once`, which calls `snapshot`, which upgrades the owner).
const CALL_DEPTH: usize = 3;

/// Facts of each named function and method of a file, from its own body (anywhere in
/// it) and the local functions it calls, merged over functions that share a name.
pub(super) fn function_facts(file: &syn::File) -> HashMap<String, BodyFacts> {
    let mut collector = FnCollector {
        out: HashMap::default(),
    };
    collector.visit_file(file);
    let mut facts: HashMap<String, BodyFacts> = collector
        .out
        .iter()
        .map(|(name, (f, _))| (name.clone(), *f))
        .collect();
    for _ in 1..CALL_DEPTH {
        let mut next = facts.clone();
        for (name, (_, calls)) in &collector.out {
            let entry = next.entry(name.clone()).or_default();
            for callee in calls {
                if let Some(f) = facts.get(callee) {
                    entry.merge(*f);
                }
            }
        }
        if next == facts {
            break;
        }
        facts = next;
    }
    facts
}

/// Facts of a body, counting only what happens inside its loops (each round checks
/// the guard, upgrades the owner, drains the queue) and calls, inside those loops, of
/// local functions whose facts are in `fns`.
pub(super) fn loop_facts(block: &syn::Block, fns: &HashMap<String, BodyFacts>) -> BodyFacts {
    let mut scan = Scan::new(true, fns);
    scan.visit_block(block);
    scan.facts
}

/// [`loop_facts`] of an expression body (a closure's).
pub(super) fn loop_facts_expr(e: &Expr, fns: &HashMap<String, BodyFacts>) -> BodyFacts {
    let mut scan = Scan::new(true, fns);
    scan.visit_expr(e);
    scan.facts
}

/// Each function's own facts and the local functions it calls.
/// Methods are keyed apart from free functions, so a call of a free `run()` does not
/// pick up the facts of some type's `run` method.
fn method_key(name: &str) -> String {
    format!("Self::{name}")
}

struct FnCollector {
    out: HashMap<String, (BodyFacts, HashSet<String>)>,
}

impl FnCollector {
    fn add(&mut self, name: String, block: &syn::Block) {
        let empty = HashMap::default();
        let mut scan = Scan::new(false, &empty);
        scan.visit_block(block);
        let entry = self.out.entry(name).or_default();
        entry.0.merge(scan.facts);
        entry.1.extend(scan.calls);
    }
}

impl<'ast> Visit<'ast> for FnCollector {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.add(f.sig.ident.to_string(), &f.block);
        visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.add(method_key(&f.sig.ident.to_string()), &f.block);
        visit::visit_impl_item_fn(self, f);
    }
}

/// Method names that take the next message of a channel or queue.
const DRAIN_METHODS: &[&str] = &[
    "recv",
    "try_recv",
    "recv_async",
    "recv_timeout",
    "recv_many",
    "try_pop",
    "pop_front",
];

/// A process-wide buffer: a static (`BROADCAST_QUEUE`) or a locked value
/// (`self.outbox.lock()`) named like a queue. Rows fetched from a database
/// (`db.pending_jobs()`) are neither.
fn is_buffer_name(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let named = ["queue", "buffer", "inbox", "outbox", "pending", "backlog"]
        .iter()
        .any(|w| lower.contains(w));
    let shared = text.split_whitespace().any(|w| {
        matches!(w, "lock" | "write" | "borrow_mut")
            || (w.len() >= 3
                && w.chars().any(|c| c.is_ascii_uppercase())
                && w.chars()
                    .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit()))
    });
    named && shared
}

struct Scan<'f> {
    /// Variables bound to an in-process buffer (`let q = QUEUE.lock()`).
    buffer_vars: HashSet<String>,
    /// Count only what sits inside a loop.
    loops_only: bool,
    loop_depth: usize,
    macro_depth: usize,
    fns: &'f HashMap<String, BodyFacts>,
    facts: BodyFacts,
    /// Local functions called (where counted).
    calls: HashSet<String>,
}

impl<'f> Scan<'f> {
    fn new(loops_only: bool, fns: &'f HashMap<String, BodyFacts>) -> Self {
        Scan {
            buffer_vars: HashSet::default(),
            loops_only,
            loop_depth: 0,
            macro_depth: 0,
            fns,
            facts: BodyFacts::default(),
            calls: HashSet::default(),
        }
    }

    fn counts(&self) -> bool {
        !self.loops_only || self.loop_depth > 0
    }

    fn condition(&mut self, cond: &Expr) {
        if self.counts() && words::is_single_instance_guard(&words::ident_text(cond)) {
            self.facts.guard = true;
        }
    }

    fn local_call(&mut self, name: &str) {
        if self.counts() {
            if let Some(f) = self.fns.get(name) {
                self.facts.merge(*f);
            }
            self.calls.insert(name.to_string());
        }
    }

    fn in_loop(&mut self, f: impl FnOnce(&mut Self)) {
        self.loop_depth += 1;
        f(self);
        self.loop_depth -= 1;
    }
}

impl<'ast> Visit<'ast> for Scan<'_> {
    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        self.condition(&i.cond);
        visit::visit_expr_if(self, i);
    }

    fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
        self.in_loop(|s| visit::visit_expr_loop(s, l));
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let (Some(init), Some(name)) = (&local.init, simple_binding(&local.pat)) {
            if is_buffer_name(&words::ident_text(&init.expr)) {
                self.buffer_vars.insert(name);
            }
        }
        visit::visit_local(self, local);
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        // The condition is checked on every round.
        self.in_loop(|s| {
            s.condition(&w.cond);
            visit::visit_expr_while(s, w)
        });
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.visit_expr(&f.expr);
        self.in_loop(|s| s.visit_block(&f.body));
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        // `check_versions().await`, `Self::run_once(..)`: a local function.
        if let Expr::Path(p) = &*c.func {
            let segs: Vec<_> = p.path.segments.iter().collect();
            let key = match segs.as_slice() {
                [one] => Some(one.ident.to_string()),
                [first, last] if first.ident == "Self" => Some(method_key(&last.ident.to_string())),
                _ => None,
            };
            if let Some(key) = key {
                self.local_call(&key);
            }
        }
        visit::visit_expr_call(self, c);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let method = m.method.to_string();
        if self.counts() {
            if method == "upgrade" && m.args.is_empty() {
                self.facts.owner_bound = true;
            }
            let receiver = words::ident_text(&m.receiver);
            if DRAIN_METHODS.contains(&method.as_str()) && !words::is_stop_signal(&receiver) {
                self.facts.drains_queue = true;
            }
            // `let mut q = BROADCAST_QUEUE.write().await; q.drain(..)`: emptying a
            // process-wide buffer.
            if matches!(method.as_str(), "drain" | "pop" | "split_off")
                && (is_buffer_name(&receiver)
                    || receiver
                        .split_whitespace()
                        .next()
                        .is_some_and(|v| self.buffer_vars.contains(v)))
            {
                self.facts.drains_queue = true;
            }
        }
        if matches!(&*m.receiver, Expr::Path(p) if p.path.is_ident("self")) {
            self.local_call(&method_key(&method));
        }
        visit::visit_expr_method_call(self, m);
    }

    // Closures, async blocks and nested items are bodies of their own.
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}

    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}

    fn visit_item(&mut self, _: &'ast syn::Item) {}

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if self.macro_depth >= MAX_MACRO_DEPTH {
            return;
        }
        self.macro_depth += 1;
        macros::visit_body(self, mac);
        self.macro_depth -= 1;
    }
}

/// Timer variables of a body that are only ever ticked inside counted loops
/// (`for attempt in 0..30 { ticker.tick().await; .. }`): a bounded wait, not a schedule.
pub(super) fn bounded_tickers(block: &syn::Block) -> HashSet<String> {
    let mut scan = TickScan::default();
    scan.visit_block(block);
    bounded_of(scan)
}

/// [`bounded_tickers`] of an expression body (a closure's).
pub(super) fn bounded_tickers_expr(e: &Expr) -> HashSet<String> {
    let mut scan = TickScan::default();
    scan.visit_expr(e);
    bounded_of(scan)
}

fn bounded_of(scan: TickScan) -> HashSet<String> {
    scan.ticks
        .into_iter()
        .filter_map(|(name, bounded)| bounded.then_some(name))
        .collect()
}

#[derive(Default)]
struct TickScan {
    /// Whether each enclosing loop is counted.
    loops: Vec<bool>,
    /// Each ticked variable, and whether every tick so far sat in counted loops only.
    ticks: HashMap<String, bool>,
    macro_depth: usize,
}

impl TickScan {
    fn in_loop(&mut self, counted: bool, f: impl FnOnce(&mut Self)) {
        self.loops.push(counted);
        f(self);
        self.loops.pop();
    }
}

impl<'ast> Visit<'ast> for TickScan {
    // A loop that leaves when one client's session ends lives as long as that client.
    // So does one that leaves when the operation it paces completes (a `select!` arm on the
    // operation, `if export.is_done() { break; }`, `while !export.is_done()`).
    fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
        let bounded = macros::ends_with_client(&l.body)
            || macros::ends_with_operation(&l.body)
            || shapes::is_finite_loop(&l.body);
        self.in_loop(bounded, |s| visit::visit_expr_loop(s, l));
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        let bounded = words::waits_for_completion(&w.cond);
        self.in_loop(bounded, |s| visit::visit_expr_while(s, w));
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.visit_expr(&f.expr);
        self.in_loop(true, |s| s.visit_block(&f.body));
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if m.method == "tick" {
            if let Expr::Path(p) = &*m.receiver {
                if let Some(name) = p.path.get_ident() {
                    let counted = !self.loops.is_empty() && self.loops.iter().all(|c| *c);
                    let entry = self.ticks.entry(name.to_string()).or_insert(true);
                    *entry &= counted;
                }
            }
        }
        visit::visit_expr_method_call(self, m);
    }

    // A timer moved into a closure or async block may be ticked forever there.
    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        self.mark_captured(&c.body);
    }

    fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
        for stmt in &a.block.stmts {
            let mut inner = TickScan::default();
            inner.visit_stmt(stmt);
            for name in inner.ticks.into_keys() {
                self.ticks.insert(name, false);
            }
        }
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if self.macro_depth >= MAX_MACRO_DEPTH {
            return;
        }
        self.macro_depth += 1;
        macros::visit_body(self, mac);
        self.macro_depth -= 1;
    }
}

impl TickScan {
    fn mark_captured(&mut self, body: &Expr) {
        let mut inner = TickScan::default();
        inner.visit_expr(body);
        for name in inner.ticks.into_keys() {
            self.ticks.insert(name, false);
        }
    }
}

/// Variables a loop body multiplies by themselves toward a cap named for retrying
/// (`delay = (delay * 2).min(MAX_RECONNECT_DELAY)`): an exponential back-off. A sleep for
/// such a duration waits before the next attempt of something that failed or ended (a
/// reconnect), not for a schedule. Growth alone says less: a poller also slows down while
/// it finds no work (`idle = (idle * 2).min(MAX_IDLE)`).
pub(super) fn backed_off(block: &syn::Block) -> HashSet<String> {
    let mut scan = BackOffScan::default();
    scan.visit_block(block);
    scan.vars
}

#[derive(Default)]
struct BackOffScan {
    vars: HashSet<String>,
}

/// The name of a plain variable expression (`delay`, `*delay`).
fn variable_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Path(p) if p.qself.is_none() => p.path.get_ident().map(ToString::to_string),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => variable_name(&u.expr),
        Expr::Paren(p) => variable_name(&p.expr),
        _ => None,
    }
}

/// Whether `e` multiplies the variable `name` (`delay * 2`, `(delay * 2).min(MAX)`,
/// `min(delay * 2, MAX)`, `delay.saturating_mul(2)`).
fn multiplies(e: &Expr, name: &str) -> bool {
    struct Find<'n> {
        name: &'n str,
        found: bool,
    }
    impl<'ast> Visit<'ast> for Find<'_> {
        fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
            let operand = |e: &Expr| variable_name(e).as_deref() == Some(self.name);
            if matches!(b.op, syn::BinOp::Mul(_)) && (operand(&b.left) || operand(&b.right)) {
                self.found = true;
            }
            visit::visit_expr_binary(self, b);
        }
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            let method = m.method.to_string();
            if method.ends_with("_mul") && variable_name(&m.receiver).as_deref() == Some(self.name)
            {
                self.found = true;
            }
            visit::visit_expr_method_call(self, m);
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    }
    let mut find = Find { name, found: false };
    find.visit_expr(e);
    find.found
}

impl<'ast> Visit<'ast> for BackOffScan {
    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        if let Some(name) = variable_name(&a.left) {
            if multiplies(&a.right, &name)
                && crate::frontend::words::looks_retry(&words::ident_text(&a.right))
            {
                self.vars.insert(name);
            }
        }
        visit::visit_expr_assign(self, a);
    }
    // A closure's body is its own (a callback), not this loop's.
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
}
