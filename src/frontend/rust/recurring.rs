//! What the recurring body behind an event does (see [`crate::work`]): the endless loop
//! around a sleep or a tick, else the function, closure or async block the event sits in.
//!
//! The walk records, per event, the opening brace of that body; afterwards one more visit
//! of the file reads the calls of the bodies asked for (and of every function, so that
//! calls of the same file's functions can be followed).

use super::macros::{self, MacroBody, MAX_MACRO_DEPTH};
use super::words::ident_text;
use crate::work::{self, Call, Work};
use foldhash::{HashMap, HashSet};
use proc_macro2::LineColumn;
use syn::visit::{self, Visit};
use syn::Expr;

/// The most expressions read for the recurring bodies of one file; beyond it, bodies are
/// not classified (and so stay reported).
pub(super) const FILE_BUDGET: usize = 200_000;

/// The work of each requested body (by the byte offset of its opening brace), following
/// calls of the file's own functions.
pub(super) fn body_work(
    file: &syn::File,
    wanted: &HashSet<usize>,
    offset: &dyn Fn(LineColumn) -> usize,
) -> HashMap<usize, Work> {
    let mut budget = FILE_BUDGET;
    let mut functions = FunctionCalls {
        out: HashMap::default(),
        budget: &mut budget,
    };
    functions.visit_file(file);
    let functions = functions.out;
    let mut finder = Finder {
        wanted,
        offset,
        found: HashMap::default(),
        budget: &mut budget,
        macro_depth: 0,
    };
    finder.visit_file(file);
    let found = finder.found;
    found
        .into_iter()
        .filter_map(|(key, calls)| {
            let calls = calls?;
            let mut lookup = |name: &str| functions.get(name).cloned().flatten();
            Some((key, work::classify(&calls, &mut lookup)))
        })
        .collect()
}

/// The calls of every function and method of the file, by simple name (`None` when the
/// budget ran out while reading it).
struct FunctionCalls<'b> {
    out: HashMap<String, Option<Vec<Call>>>,
    budget: &'b mut usize,
}

impl FunctionCalls<'_> {
    fn add(&mut self, name: String, block: &syn::Block) {
        let calls = calls_of_block(block, self.budget);
        let entry = self.out.entry(name).or_insert_with(|| Some(Vec::new()));
        match (entry.as_mut(), calls) {
            (Some(all), Some(calls)) => all.extend(calls),
            _ => *entry = None,
        }
    }
}

impl<'ast> Visit<'ast> for FunctionCalls<'_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.add(f.sig.ident.to_string(), &f.block);
        visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.add(f.sig.ident.to_string(), &f.block);
        visit::visit_impl_item_fn(self, f);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        self.scheduled_job(m);
        self.registered_job(m);
        visit::visit_expr_method_call(self, m);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        self.constructed_job(c);
        visit::visit_expr_call(self, c);
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let Some(block) = &f.default {
            self.add(f.sig.ident.to_string(), block);
        }
        visit::visit_trait_item_fn(self, f);
    }
}

/// The name a scheduler's jobs are filed under: `scheduler.run_pending()` in a loop runs the
/// jobs given to `scheduler.every(..).run(job)` (clokwerk), so the loop does their work.
const SCHEDULER_PUMP: &str = "run_pending";

impl<'ast> FunctionCalls<'_> {
    /// `scheduler.every(d).at(t).run(move || async { .. })`: the job's calls, filed under
    /// [`SCHEDULER_PUMP`] (every scheduler of the file together).
    fn scheduled_job(&mut self, m: &'ast syn::ExprMethodCall) {
        if m.method != "run" {
            return;
        }
        let (links, _) = super::walk::method_chain(&m.receiver);
        if !links.iter().any(|l| l.method == "every") {
            return;
        }
        for job in &m.args {
            self.file_job(job);
        }
    }

    /// `sched.add(invoice_job(pool))`: a job a function of the file builds, registered (the
    /// jobs built in place, `Job::new_async(..)`, are read at their constructor).
    fn registered_job(&mut self, m: &'ast syn::ExprMethodCall) {
        let Ok(kinds) = work::kinds() else { return };
        if m.args.len() != 1 || !kinds.schedulers().is_registration(&m.method.to_string()) {
            return;
        }
        let (_, root) = super::walk::method_chain(&m.args[0]);
        if let Expr::Call(c) = root {
            if matches!(&*c.func, Expr::Path(p) if p.path.segments.len() == 1) {
                self.file_job(root);
            }
        }
    }

    /// `Job::new_async("0 0 3 * * *", |_id, _l| Box::pin(async { .. }))`: the job's calls.
    fn constructed_job(&mut self, c: &'ast syn::ExprCall) {
        let Ok(kinds) = work::kinds() else { return };
        let Expr::Path(p) = &*c.func else { return };
        let mut segments = path_text(&p.path);
        let Some(method) = segments.pop() else { return };
        if !method.starts_with("new") || !kinds.schedulers().is_job_type(&segments.join("::")) {
            return;
        }
        for arg in c
            .args
            .iter()
            .filter(|a| matches!(a, Expr::Closure(_) | Expr::Path(_)))
        {
            self.file_job(arg);
        }
    }

    /// Files a job's calls under [`SCHEDULER_PUMP`].
    fn file_job(&mut self, job: &Expr) {
        let calls = calls_of_expr(job, self.budget);
        let entry = self
            .out
            .entry(SCHEDULER_PUMP.to_string())
            .or_insert_with(|| Some(Vec::new()));
        match (entry.as_mut(), calls) {
            (Some(all), Some(calls)) => all.extend(calls),
            _ => *entry = None,
        }
    }
}

/// Finds the requested blocks, also inside macro bodies.
struct Finder<'w, 'b> {
    wanted: &'w HashSet<usize>,
    offset: &'w dyn Fn(LineColumn) -> usize,
    found: HashMap<usize, Option<Vec<Call>>>,
    budget: &'b mut usize,
    macro_depth: usize,
}

impl<'ast> Visit<'ast> for Finder<'_, '_> {
    fn visit_block(&mut self, block: &'ast syn::Block) {
        let key = (self.offset)(block.brace_token.span.open().start());
        if self.wanted.contains(&key) && !self.found.contains_key(&key) {
            let calls = calls_of_block(block, self.budget);
            self.found.insert(key, calls);
        }
        visit::visit_block(self, block);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if self.macro_depth >= MAX_MACRO_DEPTH {
            return;
        }
        self.macro_depth += 1;
        macros::visit_body(self, mac);
        self.macro_depth -= 1;
    }
}

/// The calls of a block, closures and async blocks in it included, nested items left out.
pub(super) fn calls_of_block(block: &syn::Block, budget: &mut usize) -> Option<Vec<Call>> {
    let mut collector = Collector {
        out: Vec::new(),
        budget,
        exhausted: false,
        macro_depth: 0,
    };
    collector.visit_block(block);
    (!collector.exhausted).then_some(collector.out)
}

/// `every(..)` then `run(job)` along a chain (innermost first): a scheduler's job registered.
fn is_job_registration(methods: &[String]) -> bool {
    methods.last().is_some_and(|m| m == "run") && methods.iter().any(|m| m == "every")
}

/// The calls of an expression (a job handed to a scheduler: a closure, or a function's name).
fn calls_of_expr(e: &Expr, budget: &mut usize) -> Option<Vec<Call>> {
    let mut collector = Collector {
        out: Vec::new(),
        budget,
        exhausted: false,
        macro_depth: 0,
    };
    match e {
        // `.run(job)`: the function or closure variable named runs.
        Expr::Path(p) => {
            if let Some(last) = p.path.segments.last() {
                collector
                    .out
                    .push(Call::new("", vec![last.ident.to_string()], ""));
            }
        }
        _ => collector.visit_expr(e),
    }
    (!collector.exhausted).then_some(collector.out)
}

struct Collector<'b> {
    out: Vec<Call>,
    budget: &'b mut usize,
    exhausted: bool,
    macro_depth: usize,
}

/// A path's segments as text.
fn path_text(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

impl Collector<'_> {
    /// `Report::new`: the receiver `Report` and the method `new`.
    fn path_call(&self, func: &Expr) -> Option<(String, String)> {
        let Expr::Path(p) = func else { return None };
        let mut segments = path_text(&p.path);
        let last = segments.pop()?;
        Some((segments.join("::"), last))
    }

    /// A scheduler built (`JobScheduler::new()`, `AsyncScheduler::with_tz(Utc)`) runs the jobs
    /// its file registers: a call of the file's [`SCHEDULER_PUMP`].
    fn scheduler_built(&mut self, receiver: &str) {
        if work::kinds().is_ok_and(|k| k.schedulers().is_scheduler_type(receiver)) {
            self.out
                .push(Call::new("", vec![SCHEDULER_PUMP.to_string()], ""));
        }
    }

    fn args_words<'a>(args: impl Iterator<Item = &'a Expr>) -> String {
        args.map(ident_text).collect::<Vec<_>>().join(" ")
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_expr(&mut self, e: &'ast Expr) {
        if *self.budget == 0 {
            self.exhausted = true;
            return;
        }
        *self.budget -= 1;
        match e {
            Expr::Call(c) => {
                match self.path_call(&c.func) {
                    // `SqliteStatus::Other(x)`, `Some(v)`: a tuple struct or enum variant
                    // built, no work (Rust names functions in lower case).
                    Some((_, name)) if name.starts_with(|c: char| c.is_ascii_uppercase()) => {}
                    Some((receiver, method)) => {
                        self.scheduler_built(&receiver);
                        let args = Self::args_words(c.args.iter());
                        self.out.push(Call::new(receiver, vec![method], args));
                    }
                    None => self.visit_expr(&c.func),
                }
                c.args.iter().for_each(|a| self.visit_expr(a));
            }
            Expr::MethodCall(_) => {
                let (links, root) = super::walk::method_chain(e);
                let mut methods: Vec<String> = Vec::new();
                let links_args = Self::args_words(links.iter().rev().flat_map(|l| l.args.iter()));
                let mut args = String::new();
                let receiver = match root {
                    Expr::Call(c) => match self.path_call(&c.func) {
                        Some((receiver, method)) => {
                            self.scheduler_built(&receiver);
                            methods.push(method);
                            // The root call's arguments first, as its name is first:
                            // `sqlx::query("SELECT ..").fetch_all(&pool)` opens with its query.
                            args.push_str(&Self::args_words(c.args.iter()));
                            args.push(' ');
                            c.args.iter().for_each(|a| self.visit_expr(a));
                            receiver
                        }
                        None => {
                            self.visit_expr(root);
                            String::new()
                        }
                    },
                    Expr::Path(_) | Expr::Field(_) => ident_text(root),
                    other => {
                        self.visit_expr(other);
                        String::new()
                    }
                };
                args.push_str(&links_args);
                methods.extend(links.iter().rev().map(|l| l.method.to_string()));
                // Registering a job, or running the pending ones, does the jobs' work: a
                // call of the file's [`SCHEDULER_PUMP`] (read once per body).
                // The job itself is read there, not here again.
                let registration = is_job_registration(&methods);
                let receiver = if registration || methods == [SCHEDULER_PUMP] {
                    methods = vec![SCHEDULER_PUMP.to_string()];
                    args.clear();
                    String::new()
                } else {
                    receiver
                };
                self.out.push(Call::new(receiver, methods, args));
                if !registration {
                    for link in &links {
                        link.args.iter().for_each(|a| self.visit_expr(a));
                    }
                }
            }
            _ => visit::visit_expr(self, e),
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let body = (self.macro_depth < MAX_MACRO_DEPTH).then(|| macros::parse_body(mac));
        if let Some(name) = mac.path.segments.last() {
            // A query macro's SQL (`sqlx::query!("... FOR UPDATE SKIP LOCKED")`) says how
            // its rows are claimed; the text of other macros (log lines) says little.
            let query =
                crate::frontend::words::has_word(&name.ident.to_string(), &["query", "sql"]);
            let args = match body.as_ref().and_then(|b| b.as_deref()) {
                Some(MacroBody::Exprs(exprs)) if query => Self::args_words(exprs.iter()),
                _ => String::new(),
            };
            self.out
                .push(Call::new("", vec![format!("{}!", name.ident)], args));
        }
        let Some(body) = body else { return };
        self.macro_depth += 1;
        match body.as_deref() {
            Some(MacroBody::Exprs(exprs)) => exprs.iter().for_each(|e| self.visit_expr(e)),
            Some(MacroBody::Stmts(stmts)) => stmts.iter().for_each(|s| self.visit_stmt(s)),
            None => {}
        }
        self.macro_depth -= 1;
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}
