//! The single pass over a parsed Rust file: resolves calls, tracks builder
//! chains and contexts, and records events.

mod args;
mod getters;
mod guards;
mod param_flow;
mod temp_flow;

use super::actors::{handled_message, resends_message, runs_again_later, AssocTypes};
use super::bindings;
use super::body::{self, BodyFacts};
use super::kept::Lines;
use super::local_types::held_types;
use super::macros::{self, MacroBody, MAX_MACRO_DEPTH};
use super::recurring;
use super::scope::{is_local_root, Binding, Builder, Resolved, Scopes};
use super::shapes::{
    block_diverges, body_braces, condition_checks, expr_start, is_bounded_condition,
    is_endless_iterator, is_finite_loop, is_interval_target, is_short_straight_body,
    is_sleep_target, is_test_attr, is_wait_loop, never_returns, param_name, pat_holds_variant,
    pat_idents, pat_is_variant, path_start, relaunches, simple_binding,
};
use super::statics::{lazy_static_entries, may_hold_collection, Statics};
use super::tickers;
use super::words;
use crate::event::{Arg, ArgFlow, Assumed, Context, Event, EventKind, FileFacts};
use crate::frontend::scratch::PathUses;
use crate::frontend::words::{looks_like_duration, PathPurpose};
use crate::position::LineIndex;
use foldhash::{HashMap, HashSet};
use proc_macro2::{LineColumn, Span};
use std::collections::BTreeSet;
use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};
use syn::{Expr, Token};

/// Whether a call named `name` runs its closure / future argument as a separate
/// task or thread: `tokio::spawn`, `thread::spawn`, `Builder::spawn`, `spawn_blocking`,
/// `spawn_local`, `JoinSet::spawn`, `scope.spawn`, and project helpers such as
/// `spawn_try_task` that wrap them.
pub(super) fn is_spawn(name: &str) -> bool {
    name == "spawn" || name.starts_with("spawn_")
}

/// Well-known calls that return a different type than the one they are called on,
/// so the method chain after them is attributed to the right type:
/// `File::options()` is an `OpenOptions`, not a `File` (whose `create` writes).
const RETURNS: &[(&str, &str, &str)] = &[
    ("std::fs::File", "options", "std::fs::OpenOptions"),
    ("tokio::fs::File", "options", "tokio::fs::OpenOptions"),
    ("fs_err::File", "options", "fs_err::OpenOptions"),
    ("std::fs::OpenOptions", "open", "std::fs::File"),
    ("tokio::fs::OpenOptions", "open", "tokio::fs::File"),
    ("async_std::fs::OpenOptions", "open", "async_std::fs::File"),
    ("fs_err::OpenOptions", "open", "fs_err::File"),
    (
        "tokio::runtime::Builder",
        "build",
        "tokio::runtime::Runtime",
    ),
    (
        "tokio::runtime::Runtime",
        "handle",
        "tokio::runtime::Handle",
    ),
    ("std::thread::Builder", "spawn", "std::thread::JoinHandle"),
];

/// The type `ty::method(..)` returns when it is not `ty` itself.
fn returns(ty: &str, method: &str) -> Option<&'static str> {
    RETURNS
        .iter()
        .find(|(t, m, _)| *t == ty && *m == method)
        .map(|(_, _, r)| *r)
}

impl Builder {
    /// Applies the call `method(args)`: records it, or switches to the type it returns.
    /// Returns whether the type changed.
    fn step(&mut self, method: &str, args: &Punctuated<Expr, Token![,]>) -> bool {
        if let Some(ty) = returns(&self.ty, method) {
            self.ty = ty.to_string();
            self.chain.clear();
            return true;
        }
        if self.chain.len() < MAX_CHAIN {
            self.chain.push(chain_form(method, args));
        }
        false
    }
}

/// Crates of desktop GUIs, browser (WASM) front ends and interactive terminal programs.
/// A file built on them runs on a user's machine, not behind a load balancer. Full-stack frameworks whose
/// files also hold server functions (Leptos, Dioxus) are not listed.
const CLIENT_CRATES: &[&str] = &[
    "tauri",
    "eframe",
    "egui",
    "iced",
    "gtk",
    "gtk4",
    "relm4",
    "slint",
    "druid",
    "fltk",
    "winit",
    "wry",
    "tao",
    "bevy",
    "yew",
    "sycamore",
    "wasm_bindgen",
    "web_sys",
    "gloo",
    "gloo_timers",
    // Interactive terminal programs (prompts, full-screen TUIs, line editors) run on the
    // user's machine too; a service has no terminal to ask. (Progress bars are not listed:
    // servers draw them on their console while loading data.)
    "dialoguer",
    "inquire",
    "crossterm",
    "ratatui",
    "rustyline",
];

/// Resolves a type path's segments to candidate targets (a local type by its own path).
fn type_targets(scopes: &Scopes, leading_colon: bool, segments: &[String]) -> Vec<String> {
    match scopes.resolve(leading_colon, segments) {
        Resolved::Targets(targets) => targets,
        Resolved::Local => vec![segments.join("::")],
    }
}

/// Whether a type path names a type of this crate: a local item, a path from `crate`,
/// `self` or `super`, or a bare name no `use` imports from another crate.
fn of_this_crate(scopes: &Scopes, leading_colon: bool, segments: &[String]) -> bool {
    match scopes.resolve(leading_colon, segments) {
        Resolved::Local => true,
        Resolved::Targets(targets) => targets.iter().any(|t| {
            !t.contains("::")
                || ["crate::", "self::", "super::"]
                    .iter()
                    .any(|root| t.starts_with(root))
        }),
    }
}

/// Whether a path starts at one of the [`CLIENT_CRATES`].
fn is_client_path(path: &str) -> bool {
    let root = path.split("::").next().unwrap_or(path);
    CLIENT_CRATES.contains(&root)
}

/// Whether a parameter type is one client connection: a WebSocket, a socket or stream
/// (`WebSocket`, `WebSocketStream<S>`, `TcpStream`, `actix_ws::Session` is not matched).
fn is_connection_type(ty: &syn::Type) -> bool {
    let mut t = ty;
    let p = loop {
        t = match t {
            syn::Type::Reference(r) => &r.elem,
            syn::Type::Paren(p) => &p.elem,
            syn::Type::Group(g) => &g.elem,
            syn::Type::Path(p) => break p,
            _ => return false,
        };
    };
    p.path.segments.last().is_some_and(|s| {
        let name = s.ident.to_string().to_ascii_lowercase();
        name.contains("websocket")
            || (name.ends_with("socket") && !name.contains("addr"))
            || matches!(name.as_str(), "tcpstream" | "unixstream" | "wsstream")
    })
}

/// Builder calls after which `OpenOptions::open` creates or writes the file.
const WRITING_OPTIONS: &[&str] = &[
    "write(true)",
    "append(true)",
    "create(true)",
    "create_new(true)",
    "truncate(true)",
    "append",
    "create",
    "create_new",
    "truncate",
];

/// Longest builder chain kept per event; longer chains are unusual and only
/// cost memory.
const MAX_CHAIN: usize = 32;

/// How deep arguments are inspected for path-like or retry-like names.
const ARG_DEPTH: usize = 6;

#[derive(Debug, Clone, Copy, Default)]
struct Ctx {
    unbounded_loop: bool,
    spawned: bool,
    retry: bool,
    test: bool,
    per_instance: bool,
    /// In a loop draining an in-process queue (see [`BodyFacts::drains_queue`]): work this
    /// instance queued for itself. A task spawned from there is a task of its own.
    drains_queue: bool,
    guarded: bool,
    /// In a function whose name says it downloads (see
    /// [`crate::frontend::words::names_a_download`]).
    download: bool,
    /// In `impl Drop`: a guard removing what it holds when it goes out of scope; its
    /// file lives no longer than the guard (scratch).
    drop_guard: bool,
    /// In a function that serves one connection (it takes a websocket or TCP stream): what
    /// it builds lives as long as that connection, on this instance.
    connection: bool,
}

/// Bodies up to this many bytes are searched for words about per-instance work,
/// like the short callback of a heartbeat; longer ones do real work.
const SHORT_BODY: usize = 600;

/// The target a call of a sleep helper is reported as (the helper wraps a sleep; which
/// one, its own file knows).
const HELPER_SLEEP: &str = "tokio::time::sleep";

/// The name a helper registers under, from the path that calls it: a function's own name
/// (`timing::nap` is `nap`), a type's function with its type (`Ticker::every`).
fn helper_name(segments: &[String]) -> Option<String> {
    let (last, before) = segments.split_last()?;
    match before.last() {
        Some(owner) if owner.starts_with(|c: char| c.is_ascii_uppercase()) => {
            Some(format!("{owner}::{last}"))
        }
        _ => Some(last.clone()),
    }
}

/// The target a call of an interval-building helper is reported as.
const HELPER_INTERVAL: &str = "tokio::time::interval";

/// Walks one file. Holds only owned data, so it can also visit syntax trees
/// re-parsed from macro bodies.
pub(super) struct Walker<'t> {
    text: &'t str,
    index: LineIndex,
    /// The line of `text` that each line of the spans is, when the tree was put together
    /// from several parses (a document's kept items, see `kept`); `None`: the same line.
    pub(super) lines: Option<&'t Lines>,
    scopes: Scopes,
    ctx: Ctx,
    /// Index into `fn_names` of the innermost named function.
    current_fn: Option<usize>,
    fn_names: Vec<String>,
    /// The parameter names of each function of `fn_names` (same index).
    fn_params: Vec<Vec<String>>,
    events: Vec<(Event, Option<usize>)>,
    /// Names of local functions and methods called inside spawned code.
    spawned_names: HashSet<String>,
    calls: BTreeSet<String>,
    strings: BTreeSet<String>,
    file_context: BTreeSet<Context>,
    macro_depth: usize,
    /// What each named function of the file does in its body (see [`body`]).
    fn_facts: HashMap<String, BodyFacts>,
    /// Per body being walked: timer variables ticked only in counted loops.
    bounded_tickers: Vec<HashSet<String>>,
    /// Per enclosing `loop`: the variables it grows exponentially (see
    /// [`body::backed_off`]); a sleep for one of them is a back-off.
    backed_off: Vec<HashSet<String>>,
    /// The file's temporary fields and functions that return temporary paths.
    temp: temp_flow::TempItems,
    /// What the calls do with their paths, for scratch files (see [`PathUses`]).
    path_uses: PathUses,
    /// Statics, struct fields and the writes to them (see [`Statics`]).
    statics: Statics,
    /// The struct of the `impl` being walked (`self`'s type).
    impl_owner: Option<String>,
    /// The associated types of the file's `impl` blocks, for `Self::Context`.
    assoc_types: AssocTypes,
    /// The private free functions only WebSocket actors call (see
    /// [`super::actors::connection_helpers`]).
    connection_helpers: HashSet<String>,
    /// The message of the `impl Handler<Tick>` being walked.
    handled_message: Option<String>,
    /// The bodies around the walk, innermost last: whether each is an endless loop, and
    /// the byte offset of its opening brace (see [`super::recurring`]).
    recurring: Vec<(bool, usize)>,
    /// For each event (by index), the body whose work it gets.
    work_requests: Vec<(usize, usize)>,
    /// Timers stored under a name (by event index): a local or a struct field that another
    /// method's loop may tick (see [`super::tickers`]).
    stored_tickers: Vec<(usize, String)>,
    /// What the file's module name says about the paths it writes.
    pub(super) module: PathPurpose,
    /// The file's structs whose path fields are all set from path getters.
    fed: HashMap<String, getters::Fed>,
    /// The fed struct of the `impl` being walked.
    fed_owner: Option<getters::Fed>,
    /// Set while the arguments are judged as if `fed_owner`'s getters returned this
    /// instance's own folders (see [`crate::event::Assumed`]).
    assuming: std::cell::Cell<bool>,
    /// The current function's parameters, and the locals built on them, by name → the
    /// parameter's position (see [`param_flow`]).
    param_roots: HashMap<String, usize>,
    /// What the file's calls pass at each argument position (see [`ArgFlow`]).
    arg_flows: Vec<ArgFlow>,
}

/// Byte offset in `text` of a proc-macro2 position (`None`: a token without a place),
/// its line mapped through `lines` if given.
fn offset_in(
    text: &str,
    index: &LineIndex,
    lines: Option<&Lines>,
    at: LineColumn,
) -> Option<usize> {
    if at.line == 0 {
        return None;
    }
    let line = lines.map_or(at.line, |l| l.of(at.line));
    Some(index.offset_of(text, line, at.column))
}

impl<'t> Walker<'t> {
    /// A walker over `text`, the (sanitized) source that was parsed.
    pub fn new(text: &'t str) -> Self {
        Walker {
            text,
            index: LineIndex::new(text),
            lines: None,
            scopes: Scopes::default(),
            ctx: Ctx::default(),
            current_fn: None,
            fn_names: Vec::new(),
            fn_params: Vec::new(),
            events: Vec::new(),
            spawned_names: HashSet::default(),
            calls: BTreeSet::new(),
            strings: BTreeSet::new(),
            file_context: BTreeSet::new(),
            macro_depth: 0,
            fn_facts: HashMap::default(),
            statics: Statics::default(),
            impl_owner: None,
            assoc_types: AssocTypes::default(),
            connection_helpers: HashSet::default(),
            handled_message: None,
            bounded_tickers: Vec::new(),
            backed_off: Vec::new(),
            temp: temp_flow::TempItems::default(),
            path_uses: PathUses::default(),
            recurring: Vec::new(),
            work_requests: Vec::new(),
            stored_tickers: Vec::new(),
            module: PathPurpose::default(),
            fed: HashMap::default(),
            fed_owner: None,
            assuming: std::cell::Cell::new(false),
            param_roots: HashMap::default(),
            arg_flows: Vec::new(),
        }
    }

    /// The facts collected, with functions called from spawned code marked as spawned.
    pub fn finish(self) -> FileFacts {
        let spawned_fns: Vec<bool> = self
            .fn_names
            .iter()
            .map(|n| self.spawned_names.contains(n))
            .collect();
        let mut events: Vec<Event> = self
            .events
            .into_iter()
            .map(|(mut event, f)| {
                if f.is_some_and(|f| spawned_fns.get(f).copied().unwrap_or(false)) {
                    event.context.insert(Context::Spawned);
                }
                event
            })
            .collect();
        self.path_uses.apply(&mut events);
        let (statics, registrations) = self.statics.events();
        if !statics.is_empty() {
            events.extend(statics);
            events.sort_by_key(|e| e.span.start);
        }
        let mut file_context = self.file_context;
        if self.calls.iter().any(|c| is_client_path(c)) {
            file_context.insert(Context::ClientSide);
        }
        FileFacts {
            events,
            calls: self.calls,
            // Rust mitigations are taken as made wherever they are written.
            optional_calls: Default::default(),
            strings: self.strings,
            file_context,
            definitions: Vec::new(),
            registrations,
            shared_path_calls: Vec::new(),
            arg_flows: self.arg_flows,
            forwards: Default::default(),
        }
    }

    /// The names a call's path gives its function, for writes through parameters:
    /// `Type::name` for an associated function (`Self` is the `impl`'s type), else `name`.
    fn callee_names(&self, segments: &[String]) -> Vec<String> {
        let Some(name) = segments.last() else {
            return Vec::new();
        };
        match segments.len().checked_sub(2).map(|i| segments[i].as_str()) {
            Some("Self") => self
                .impl_owner
                .iter()
                .map(|o| format!("{o}::{name}"))
                .collect(),
            Some(ty) if ty.starts_with(|c: char| c.is_ascii_uppercase()) => {
                vec![format!("{ty}::{name}")]
            }
            _ => vec![name.clone()],
        }
    }

    /// Records a `static` (or `lazy_static!` entry) for [`Statics`].
    fn declare_static(&mut self, name: &syn::Ident, ty: &syn::Type) {
        let start = self.offset(name.span().start());
        let end = self.offset(name.span().end());
        let scopes = &self.scopes;
        self.statics
            .declare(&name.to_string(), ty, start..end, |c, s| {
                type_targets(scopes, c, s)
            });
        // `static HUB: LazyLock<Hub>`: one `Hub` for the process, like application state.
        let held = held_types(ty, |c, s| of_this_crate(scopes, c, s));
        self.statics.held_by_static(&name.to_string(), held);
    }

    /// Byte offset of a proc-macro2 position.
    pub fn offset(&self, at: LineColumn) -> usize {
        offset_in(self.text, &self.index, self.lines, at).unwrap_or(self.text.len())
    }

    fn context(&self) -> BTreeSet<Context> {
        let mut set = BTreeSet::new();
        for (on, c) in [
            (self.ctx.unbounded_loop, Context::UnboundedLoop),
            (self.ctx.spawned, Context::Spawned),
            (self.ctx.retry, Context::Retry),
            (self.ctx.test, Context::Test),
            (
                self.ctx.per_instance || self.ctx.drains_queue,
                Context::PerInstance,
            ),
            (self.ctx.guarded, Context::SingleInstanceGuard),
            (self.ctx.connection, Context::PerConnection),
        ] {
            if on {
                set.insert(c);
            }
        }
        set
    }

    fn emit(
        &mut self,
        targets: Vec<String>,
        span: std::ops::Range<usize>,
        args: &Punctuated<Expr, Token![,]>,
        chain: Vec<String>,
    ) {
        let mut event = Event::new(EventKind::Call, targets, span);
        event.args = args.iter().map(|a| self.arg_fact(a)).collect();
        if let Some(fed) = &self.fed_owner {
            self.assuming.set(true);
            let assumed: Vec<Arg> = args.iter().map(|a| self.arg_fact(a)).collect();
            self.assuming.set(false);
            if assumed != event.args {
                event.assumed = Some(Assumed {
                    registrations: fed.registrations(),
                    args: assumed,
                });
            }
        }
        self.assume_temp_params(&mut event, args.iter());
        event.chain = chain;
        event.context = self.context();
        let names = words::ident_texts(args);
        let backs_off = |a: &Expr| {
            self.backed_off.last().is_some_and(|vars| {
                matches!(a, Expr::Path(p) if p.path.get_ident().is_some_and(|i| vars.contains(&i.to_string())))
            })
        };
        if words::looks_retry(&names) || args.iter().any(backs_off) {
            event.context.insert(Context::Retry);
        }
        if words::mentions_per_instance_work(&names) {
            event.context.insert(Context::PerInstance);
        }
        // The endless loop around the event, else the function, closure or async block.
        let body = match self.recurring.last() {
            Some(&(true, key)) if self.ctx.unbounded_loop => Some(key),
            _ => self
                .recurring
                .iter()
                .rev()
                .find(|(l, _)| !l)
                .map(|&(_, k)| k),
        };
        // Only events a `work_only` rule can match need their body's work.
        if let Some(key) = body.filter(|_| crate::work::wanted(event.targets.iter())) {
            self.work_requests.push((self.events.len(), key));
        }
        self.events.push((event, self.current_fn));
    }

    /// The most likely resolved target of a path (`None` for `<T as Trait>::` paths and
    /// local or unresolved names).
    fn first_target(&self, qualified_self: bool, path: &syn::Path) -> Option<String> {
        if qualified_self {
            return None;
        }
        let segments = segments(path);
        let Resolved::Targets(targets) =
            self.scopes.resolve(path.leading_colon.is_some(), &segments)
        else {
            return None;
        };
        targets.into_iter().next()
    }

    /// The resolved type a method chain is rooted at: an associated-function call on a
    /// type (`OpenOptions::new()`, `File::options()`) or a variable holding a builder.
    fn builder_of(&self, root: &Expr) -> Option<Builder> {
        match root {
            Expr::Call(c) => {
                let Expr::Path(p) = &*c.func else { return None };
                let first = self.first_target(p.qself.is_some(), &p.path)?;
                let (ty, method) = first.rsplit_once("::")?;
                let ty_name = ty.rsplit("::").next()?;
                if !ty_name.starts_with(|c: char| c.is_ascii_uppercase()) {
                    return None;
                }
                Some(Builder {
                    ty: returns(ty, method).unwrap_or(ty).to_string(),
                    chain: Vec::new(),
                })
            }
            Expr::Path(p) => {
                let name = p.path.get_ident()?.to_string();
                self.scopes.builder(&name).cloned()
            }
            _ => None,
        }
    }

    fn visit_args(&mut self, args: &Punctuated<Expr, Token![,]>, spawn: bool) {
        let saved = self.ctx;
        if spawn {
            self.ctx.spawned = true;
            // `while let Some(alert) = rx.recv().await { tokio::spawn(async move { loop {
            // evaluate(&alert).await; sleep(d).await } }) }`: the spawned loop outlives the
            // message that started it.
            self.ctx.drains_queue = false;
            // `thread::spawn(worker)`: the function itself is passed.
            for arg in args {
                if let Expr::Path(p) = arg {
                    if let Some(last) = p.path.segments.last() {
                        self.spawned_names.insert(last.ident.to_string());
                    }
                }
            }
        }
        for arg in args {
            self.visit_expr(arg);
        }
        self.ctx = saved;
    }

    fn enter_fn(&mut self, attrs: &[syn::Attribute], sig: &syn::Signature, block: &syn::Block) {
        let saved = (self.ctx, self.current_fn);
        let name = sig.ident.to_string();
        // A function that ends in a loop it never leaves can only run as a background
        // task (`tokio::spawn(jobs::cleanup_loop(pool))` in another file); `main` is the
        // process itself, and a dedicated worker binary is deployed on purpose.
        let background = name != "main" && never_returns(block);
        let facts = body::loop_facts(block, &self.fn_facts);
        self.ctx = Ctx {
            unbounded_loop: false,
            spawned: background,
            // A retry helper returns once the operation succeeds; a function that never
            // returns (`scim_task_retry`: `loop { sleep(..); retry_failed().await }`) is a
            // periodic job that retries things.
            retry: words::is_retry_helper_name(&name) && !never_returns(block),
            test: self.ctx.test || attrs.iter().any(is_test_attr),
            // Only the name: a function body holds more than the timer's own work.
            per_instance: self.ctx.per_instance
                || words::mentions_per_instance_work(&name)
                || facts.owner_bound,
            drains_queue: self.ctx.drains_queue || facts.drains_queue,
            guarded: facts.guard,
            download: crate::frontend::words::names_a_download(&name),
            drop_guard: self.ctx.drop_guard,
            // A WebSocket actor's methods and the helpers only they call serve one connection.
            connection: match &self.impl_owner {
                Some(owner) => self.assoc_types.serves_a_websocket(owner),
                None => self.connection_helpers.contains(&name),
            },
        };
        self.fn_names.push(name);
        self.fn_params.push(
            sig.inputs
                .iter()
                .filter_map(|input| match input {
                    syn::FnArg::Typed(t) => param_name(&t.pat),
                    syn::FnArg::Receiver(_) => None,
                })
                .collect(),
        );
        self.current_fn = Some(self.fn_names.len() - 1);
        self.scopes.push(false);
        let own = self.fn_names.last().cloned().unwrap_or_default();
        let mut names = vec![own.clone()];
        names.extend(self.impl_owner.as_ref().map(|o| format!("{o}::{own}")));
        // By position among the typed parameters; one without a plain name is blank.
        let params = sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(t) if may_hold_collection(&t.ty) => {
                    Some(param_name(&t.pat).unwrap_or_default())
                }
                syn::FnArg::Typed(_) => Some(String::new()),
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        let saved_bindings = self.statics.enter_fn(names, params);
        self.statics
            .note_accessor(block, self.impl_owner.as_deref());
        let method = sig.receiver().is_some();
        let typed = sig.inputs.iter().filter_map(|input| match input {
            syn::FnArg::Typed(t) => Some(t),
            syn::FnArg::Receiver(_) => None,
        });
        let saved_roots = std::mem::take(&mut self.param_roots);
        for (position, t) in typed.enumerate() {
            self.bind_typed(&t.pat, &t.ty);
            // `fn remove_tempdirs(path: &Path)` that the file only ever hands a
            // temporary folder (`remove_tempdirs(temp_dir)`).
            if let Some(param) = param_name(&t.pat) {
                self.param_roots.insert(param.clone(), position);
                let own_name = self.fn_names.last().map(String::as_str).unwrap_or("");
                if self.temp.is_temp_param(own_name, method, position) {
                    self.scopes.bind(param, Binding::TempPath);
                }
            }
            // `state: web::Data<AppState>`: application state, one per process.
            let scopes = &self.scopes;
            self.statics
                .register_type(&t.ty, |c, s| type_targets(scopes, c, s));
            if let Some(name) = param_name(&t.pat) {
                use syn::spanned::Spanned;
                let span = self.offset(t.span().start())..self.offset(t.span().end());
                self.statics
                    .bind_param(name, &t.ty, span, |c, s| type_targets(scopes, c, s));
            }
            // `async fn handle_socket(socket: WebSocket, ..)`: timers here serve one
            // connection (pings, idle timeouts), however they are named.
            let connection = is_connection_type(&t.ty);
            self.ctx.per_instance |= connection;
            self.ctx.connection |= connection;
        }
        self.bounded_tickers.push(body::bounded_tickers(block));
        let first_event = self.events.len();
        self.enter_body(false, block.brace_token.span.open(), |w| {
            w.visit_block(block)
        });
        self.bounded_tickers.pop();
        // `async fn nap(secs: u64) { tokio::time::sleep(..).await }`: a sleep helper that
        // loops in other files may call (see `delay_helper_call`).
        // `fn every(secs: u64) -> Interval { tokio::time::interval(..) }` builds the
        // interval that a loop elsewhere ticks (see `interval_helper_call`).
        // A method is known with its type (`Ticker::new`), so a `new` of one type does
        // not make every other `new` an interval.
        if is_short_straight_body(block) {
            let own = self.fn_names.last().cloned().unwrap_or_default();
            let name = match &self.impl_owner {
                Some(owner) => format!("{owner}::{own}"),
                None => own,
            };
            // The function's own sleeps and intervals, not its calls of other helpers.
            let has = |wanted: fn(&str) -> bool| {
                self.events[first_event..]
                    .iter()
                    .any(|(e, _)| e.requires_any.is_empty() && e.targets.iter().any(|t| wanted(t)))
            };
            let (sleeps, ticks) = (has(is_sleep_target), has(is_interval_target));
            if sleeps {
                self.statics.registrations.insert(format!("delay:{name}"));
            }
            if ticks {
                self.statics
                    .registrations
                    .insert(format!("interval:{name}"));
            }
        }
        self.register_path_getter(sig, block);
        self.statics.leave_fn(saved_bindings);
        self.param_roots = saved_roots;
        self.scopes.pop();
        (self.ctx, self.current_fn) = saved;
    }

    /// A spawned task that starts itself again once done (see [`relaunches`]): the chain of
    /// tasks repeats like an endless loop.
    fn relaunches_launcher(&self, block: &syn::Block) -> bool {
        let Some(i) = self.current_fn.filter(|_| self.ctx.spawned) else {
            return false;
        };
        relaunches(block, &self.fn_names[i], &self.fn_params[i])
    }

    /// A call, in an endless loop, of a function this crate or another defines
    /// (`timing::nap(300).await`): a sleep when some file registers it as a sleep helper
    /// (`delay:nap`), so the event asks for that registration. Calls named like a
    /// runtime's own sleep are that sleep, which the rules name themselves.
    fn delay_helper_call(
        &mut self,
        resolved: &Resolved,
        segments: &[String],
        p: &syn::ExprPath,
        call: &syn::ExprCall,
    ) {
        let Some(name) = helper_name(segments) else {
            return;
        };
        let external = matches!(resolved, Resolved::Targets(_))
            && !is_local_root(segments.first().map_or("", String::as_str));
        if external && is_sleep_target(&format!("::{name}")) {
            return;
        }
        let duration = call
            .args
            .first()
            .is_some_and(|a| looks_like_duration(self.source_of(a)));
        if !duration {
            return;
        }
        self.emit_helper_call(HELPER_SLEEP, p, call, format!("delay:{name}"));
    }

    /// An event for the call of a helper as `target`, standing only when some file
    /// registers `requirement`.
    fn emit_helper_call(
        &mut self,
        target: &str,
        p: &syn::ExprPath,
        call: &syn::ExprCall,
        requirement: String,
    ) {
        let start = self.offset(path_start(p).start());
        let end = self.offset(call.paren_token.span.close().end());
        let index = self.events.len();
        self.emit(vec![target.to_string()], start..end, &call.args, Vec::new());
        if let Some((event, _)) = self.events.get_mut(index) {
            event.requires_any = vec![requirement];
        }
    }

    /// `let mut ticker = timing::every(120);`: an interval another function builds, as the
    /// interval it returns when some file registers that function (`interval:every`). A
    /// runtime's own `interval(..)` is matched as it is.
    fn interval_helper_call(&mut self, init: &Expr) {
        let mut e = init;
        while let Expr::Await(a) = e {
            e = &a.base;
        }
        let Expr::Call(call) = e else { return };
        let Expr::Path(p) = &*call.func else { return };
        let segments = segments(&p.path);
        let Some(name) = helper_name(&segments) else {
            return;
        };
        if p.qself.is_some() || is_interval_target(&format!("::{name}")) {
            return;
        }
        self.emit_helper_call(HELPER_INTERVAL, p, call, format!("interval:{name}"));
    }

    /// The source text of an expression (empty when its place is unknown).
    fn source_of(&self, e: &Expr) -> &str {
        use syn::spanned::Spanned;
        let span = e.span();
        let (start, end) = (self.offset(span.start()), self.offset(span.end()));
        self.text.get(start..end).unwrap_or("")
    }

    /// Whether a short body (`{ .. }` between these braces) speaks of per-instance work.
    fn short_body_mentions_per_instance(&self, open: Span, close: Span) -> bool {
        let start = self.offset(open.start());
        let end = self.offset(close.end());
        end.saturating_sub(start) <= SHORT_BODY
            && self
                .text
                .get(start..end)
                .is_some_and(words::mentions_per_instance_work)
    }

    /// Binds a parameter; a single name annotated with an imported type becomes a
    /// typed variable, so calls on it resolve (`file: TempFile<'_>` then `file.persist_to(p)`).
    fn bind_typed(&mut self, pat: &syn::Pat, ty: &syn::Type) {
        self.bind_pat(pat);
        if let (Some(name), Some(b)) = (simple_binding(pat), self.type_builder(ty)) {
            self.scopes.bind(name, Binding::Value(Some(b)));
        }
    }

    /// The resolved type of an annotation such as `&mut tempfile::NamedTempFile`;
    /// generic parameters and unimported single names are not types we can name.
    fn type_builder(&self, ty: &syn::Type) -> Option<Builder> {
        let mut t = ty;
        let p = loop {
            t = match t {
                syn::Type::Reference(r) => &r.elem,
                syn::Type::Paren(p) => &p.elem,
                syn::Type::Group(g) => &g.elem,
                syn::Type::Path(p) => break p,
                _ => return None,
            };
        };
        // `ctx: &mut Self::Context`: the type the impl's `type Context = ..;` names.
        if let (Some(owner), [this, name]) = (&self.impl_owner, &segments(&p.path)[..]) {
            if this == "Self" && p.qself.is_none() {
                let assoc = self.assoc_types.get(owner, name)?;
                let again = matches!(assoc, syn::Type::Path(q)
                    if q.path.segments.first().is_some_and(|s| s.ident == "Self"));
                return if again {
                    None
                } else {
                    self.type_builder(assoc)
                };
            }
        }
        let first = self.first_target(p.qself.is_some(), &p.path)?;
        let name = first.rsplit_once("::")?.1;
        name.starts_with(|c: char| c.is_ascii_uppercase())
            .then(|| Builder {
                ty: first,
                chain: Vec::new(),
            })
    }

    /// Binds every name a pattern introduces as a plain value.
    fn bind_pat(&mut self, pat: &syn::Pat) {
        let mut names = Vec::new();
        pat_idents(pat, &mut names);
        for name in names {
            self.scopes.bind(name, Binding::Value(None));
        }
    }

    fn visit_stmts(&mut self, stmts: &[syn::Stmt]) {
        self.scopes.push(false);
        self.scopes
            .declare_items(stmts.iter().filter_map(|s| match s {
                syn::Stmt::Item(i) => Some(i),
                _ => None,
            }));
        let saved = self.ctx.guarded;
        for stmt in stmts {
            self.visit_stmt(stmt);
            // After `if !is_leader().await { return; }` the rest runs on one instance only.
            if let syn::Stmt::Expr(Expr::If(i), _) = stmt {
                if i.else_branch.is_none()
                    && block_diverges(&i.then_branch, 0)
                    && words::is_single_instance_guard(&words::ident_text(&i.cond))
                {
                    self.ctx.guarded = true;
                }
            }
        }
        self.ctx.guarded = saved;
        self.scopes.pop();
    }

    fn visit_items(&mut self, items: &[syn::Item]) {
        self.scopes.declare_items(items.iter());
        for item in items {
            self.visit_item(item);
        }
    }

    fn collect_strings(&mut self, tokens: &proc_macro2::TokenStream) {
        let mut stack = vec![tokens.clone().into_iter()];
        while let Some(iter) = stack.last_mut() {
            match iter.next() {
                Some(proc_macro2::TokenTree::Group(g)) => stack.push(g.stream().into_iter()),
                Some(proc_macro2::TokenTree::Literal(l)) => {
                    if let syn::Lit::Str(s) = syn::Lit::new(l) {
                        self.strings.insert(s.value());
                    }
                }
                Some(_) => {}
                None => {
                    stack.pop();
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Walker<'_> {
    fn visit_file(&mut self, file: &'ast syn::File) {
        if file.attrs.iter().any(is_test_attr) {
            self.file_context.insert(Context::Test);
            self.ctx.test = true;
        }
        let client = file.items.iter().any(|item| match item {
            syn::Item::Use(u) => use_roots(&u.tree).any(|r| is_client_path(&r.to_string())),
            syn::Item::ExternCrate(e) => is_client_path(&e.ident.to_string()),
            _ => false,
        });
        if client {
            self.file_context.insert(Context::ClientSide);
        }
        // Procedural macros run inside the compiler, like a build script: files they
        // write (generated docs, example configs) are build output.
        let proc_macro = file.items.iter().any(|item| match item {
            syn::Item::Use(u) => use_roots(&u.tree).any(|r| r == "proc_macro"),
            syn::Item::ExternCrate(e) => e.ident == "proc_macro",
            syn::Item::Fn(f) => f.attrs.iter().any(|a| {
                a.path()
                    .get_ident()
                    .is_some_and(|i| i.to_string().starts_with("proc_macro"))
            }),
            _ => false,
        });
        if proc_macro {
            self.file_context.insert(Context::Test);
        }
        self.fn_facts = body::function_facts(file);
        self.assoc_types = AssocTypes::of_file(file);
        self.connection_helpers = super::actors::connection_helpers(file, &self.assoc_types);
        self.temp = temp_flow::temp_items(file);
        self.fed = getters::fed_structs(file);
        self.scopes.push(true);
        self.visit_items(&file.items);
        self.scopes.pop();
        self.assign_work(file);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let Some((_, items)) = &m.content else { return };
        let saved = (self.ctx, self.current_fn);
        self.ctx = Ctx {
            test: self.ctx.test || m.attrs.iter().any(is_test_attr),
            ..Ctx::default()
        };
        self.current_fn = None;
        self.scopes.push(true);
        self.visit_items(items);
        self.scopes.pop();
        (self.ctx, self.current_fn) = saved;
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let saved = (self.ctx, self.impl_owner.take());
        let saved_fed = self.fed_owner.take();
        let saved_message = std::mem::replace(
            &mut self.handled_message,
            i.trait_.as_ref().and_then(|(t, _)| handled_message(t)),
        );
        self.ctx.test |= i.attrs.iter().any(is_test_attr);
        self.ctx.drop_guard = i
            .trait_
            .as_ref()
            .and_then(|t| t.0.segments.last())
            .is_some_and(|s| s.ident == "Drop");
        // `impl MetricsReporter { .. }`, `impl Actor for HeartbeatMonitor`.
        if let syn::Type::Path(p) = &*i.self_ty {
            if let Some(last) = p.path.segments.last() {
                self.ctx.per_instance |= words::mentions_per_instance_work(&last.ident.to_string());
                self.impl_owner = Some(last.ident.to_string());
                self.fed_owner = self.fed.get(&last.ident.to_string()).cloned();
                // `impl Backend<Input> for MemoryBackend`: what the type is for.
                if let Some((t, _)) = &i.trait_ {
                    let traits = type_targets(
                        &self.scopes,
                        t.leading_colon.is_some(),
                        &t.segments
                            .iter()
                            .map(|s| s.ident.to_string())
                            .collect::<Vec<_>>(),
                    );
                    self.statics.register_impl(&traits, &last.ident.to_string());
                }
            }
        }
        visit::visit_item_impl(self, i);
        (self.ctx, self.impl_owner) = saved;
        self.fed_owner = saved_fed;
        self.handled_message = saved_message;
    }

    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        if let syn::Fields::Named(fields) = &s.fields {
            let owner = s.ident.to_string();
            for field in &fields.named {
                let Some(name) = &field.ident else { continue };
                let span = self.offset(name.span().start())..self.offset(name.span().end());
                let scopes = &self.scopes;
                self.statics.declare_field(
                    &owner,
                    &name.to_string(),
                    &field.ty,
                    span,
                    |c, s| type_targets(scopes, c, s),
                    |c, s| of_this_crate(scopes, c, s),
                );
            }
        }
        visit::visit_item_struct(self, s);
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.enter_fn(&f.attrs, &f.sig, &f.block);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.enter_fn(&f.attrs, &f.sig, &f.block);
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let Some(block) = &f.default {
            self.enter_fn(&f.attrs, &f.sig, block);
        }
    }

    fn visit_item_macro(&mut self, m: &'ast syn::ItemMacro) {
        if m.mac
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "lazy_static")
        {
            for (name, ty) in lazy_static_entries(&m.mac.tokens) {
                self.declare_static(&name, &ty);
            }
        }
        // `macro_rules! name { ... }` bodies are patterns and templates, not code.
        if m.ident.is_none() {
            self.visit_macro(&m.mac);
        }
    }

    fn visit_item_type(&mut self, t: &'ast syn::ItemType) {
        let scopes = &self.scopes;
        self.statics
            .declare_alias(&t.ident.to_string(), &t.ty, |c, s| {
                type_targets(scopes, c, s)
            });
        visit::visit_item_type(self, t);
    }

    fn visit_item_static(&mut self, s: &'ast syn::ItemStatic) {
        self.declare_static(&s.ident, &s.ty);
        visit::visit_item_static(self, s);
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        self.visit_stmts(&block.stmts);
    }

    fn visit_expr_struct(&mut self, s: &'ast syn::ExprStruct) {
        let first_event = self.events.len();
        visit::visit_expr_struct(self, s);
        for field in &s.fields {
            if let syn::Member::Named(name) = &field.member {
                self.note_stored_ticker(first_event, &field.expr, name.to_string());
            }
        }
    }

    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        let first_event = self.events.len();
        visit::visit_expr_assign(self, a);
        // `self.ticker = interval(d)`.
        if let Expr::Field(f) = &*a.left {
            if let syn::Member::Named(name) = &f.member {
                self.note_stored_ticker(first_event, &a.right, name.to_string());
            }
        }
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let Some(init) = &local.init {
            self.interval_helper_call(&init.expr);
        }
        let mut builder = None;
        let mut temp = false;
        let mut purpose = PathPurpose::default();
        let mut assumed = PathPurpose::default();
        let first_event = self.events.len();
        if let Some(init) = &local.init {
            let saved = self.ctx;
            // `let mut heartbeat = interval(..)`, `let metrics_task = tokio::spawn(..)`.
            if let Some(name) = simple_binding(&local.pat) {
                self.ctx.per_instance |= words::mentions_per_instance_work(&name);
                // `let mut ticker = interval(d); for _ in 0..30 { ticker.tick().await; .. }`
                // paces a bounded wait.
                self.ctx.retry |= self
                    .bounded_tickers
                    .last()
                    .is_some_and(|b| b.contains(&name));
            }
            self.visit_expr(&init.expr);
            self.ctx = saved;
            if let Some(name) = simple_binding(&local.pat) {
                self.note_stored_ticker(first_event, &init.expr, name);
            }
            temp = self.is_temp_expr(&init.expr) || self.guarded_local(&local.pat);
            purpose = self.path_purpose(&init.expr, 0);
            assumed = purpose;
            if self.fed_owner.is_some() {
                self.assuming.set(true);
                assumed = self.path_purpose(&init.expr, 0);
                self.assuming.set(false);
            }
            if let Some((_, diverge)) = &init.diverge {
                let saved = self.ctx;
                // `let Ok(conn) = connect() else { sleep(..); continue };` handles a failure.
                self.ctx.retry |= pat_is_variant(&local.pat, "Ok");
                self.visit_expr(diverge);
                self.ctx = saved;
            }
            builder = self.chain_builder(&init.expr);
            // `let (events_tx, _) = broadcast::channel::<Event>(n)`: what the call makes.
            if let Some((path, words)) = bindings::bound_call(&local.pat, &init.expr) {
                let start = self.offset(bindings::call_start(path));
                if let Some((event, _)) = self.events[first_event..]
                    .iter_mut()
                    .find(|(e, _)| e.kind == EventKind::Call && e.span.start == start)
                {
                    event.words = words;
                }
            }
        }
        if let (None, syn::Pat::Type(t)) = (&builder, &local.pat) {
            builder = self.type_builder(&t.ty);
        }
        self.bind_pat(&local.pat);
        if let Some(name) = simple_binding(&local.pat) {
            let init = local.init.as_ref().map(|i| &*i.expr);
            self.note_param_local(&name, init);
            self.statics
                .bind_local(name.clone(), init, self.impl_owner.as_deref());
            // A typed `NamedTempFile` stays a builder: its `persist(dest)` writes for good.
            // A path built from a `&Path` keeps its purpose rather than its type.
            let path_type = builder
                .as_ref()
                .is_some_and(|b| matches!(b.ty.rsplit("::").next(), Some("Path" | "PathBuf")));
            // `tempfile::Builder::new().prefix(..).tempdir()?` makes a temporary folder, not
            // a builder to follow.
            let temp_dir = temp && init.is_some_and(makes_temp_dir);
            let known = purpose != PathPurpose::default() || assumed != PathPurpose::default();
            match builder {
                Some(b) if !temp_dir && !(path_type && (temp || known)) => {
                    self.scopes.bind(name, Binding::Value(Some(b)));
                }
                _ if temp => self.scopes.bind(name, Binding::TempPath),
                _ if known => self.scopes.bind(name, Binding::Path(purpose, assumed)),
                _ => {}
            }
        }
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        let saved = self.ctx;
        self.ctx.unbounded_loop = false;
        if let Some((open, close)) = body_braces(&c.body) {
            self.ctx.per_instance |= self.short_body_mentions_per_instance(open, close);
        }
        self.apply(body::loop_facts_expr(&c.body, &self.fn_facts));
        let relaunched = match &*c.body {
            Expr::Block(b) => self.relaunches_launcher(&b.block),
            _ => false,
        };
        self.ctx.unbounded_loop = relaunched;
        self.scopes.push(false);
        for input in &c.inputs {
            match input {
                syn::Pat::Type(t) => self.bind_typed(&t.pat, &t.ty),
                other => self.bind_pat(other),
            }
        }
        self.bounded_tickers
            .push(body::bounded_tickers_expr(&c.body));
        match &*c.body {
            Expr::Block(b) => {
                self.enter_body(relaunched, b.block.brace_token.span.open(), |w| {
                    w.visit_expr(&c.body)
                });
            }
            body => self.visit_expr(body),
        }
        self.bounded_tickers.pop();
        self.scopes.pop();
        self.ctx = saved;
    }

    fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
        let saved = self.ctx;
        self.ctx.unbounded_loop = false;
        let brace = a.block.brace_token.span;
        self.ctx.per_instance |= self.short_body_mentions_per_instance(brace.open(), brace.close());
        self.apply(body::loop_facts(&a.block, &self.fn_facts));
        let relaunched = self.relaunches_launcher(&a.block);
        self.ctx.unbounded_loop = relaunched;
        self.bounded_tickers.push(body::bounded_tickers(&a.block));
        self.enter_body(relaunched, brace.open(), |w| w.visit_block(&a.block));
        self.bounded_tickers.pop();
        self.ctx = saved;
    }

    fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
        let saved = self.ctx;
        // A loop that leaves once its batch is done (`if rows.is_empty() { break; }`)
        // finishes; only a loop that runs until shutdown is a schedule.
        // So does one that leaves when the operation it watches completes
        // (`_ = &mut export => break` in a `select!`).
        self.ctx.unbounded_loop =
            !is_finite_loop(&l.body) && !super::macros::ends_with_operation(&l.body);
        // `loop { sleep(d).await; if ready() { break; } }` waits; it is no job.
        self.ctx.retry |= is_wait_loop(&l.body);
        // A short loop body about metrics or heartbeats, like a short callback.
        let brace = l.body.brace_token.span;
        self.ctx.per_instance |= self.short_body_mentions_per_instance(brace.open(), brace.close());
        let endless = self.ctx.unbounded_loop;
        self.backed_off.push(body::backed_off(&l.body));
        self.enter_body(endless, brace.open(), |w| w.visit_block(&l.body));
        self.backed_off.pop();
        self.ctx = saved;
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        self.visit_expr(&w.cond);
        let saved = self.ctx;
        if !is_bounded_condition(&w.cond) && !words::waits_for_completion(&w.cond) {
            self.ctx.unbounded_loop = true;
        }
        self.ctx.retry |= condition_checks(&w.cond, "Err", "is_err");
        self.scopes.push(false);
        if let Expr::Let(l) = &*w.cond {
            self.bind_pat(&l.pat);
        }
        let endless = self.ctx.unbounded_loop;
        self.enter_body(endless, w.body.brace_token.span.open(), |w2| {
            w2.visit_block(&w.body)
        });
        self.scopes.pop();
        self.ctx = saved;
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.visit_expr(&f.expr);
        let saved = self.ctx;
        // `for next in schedule.upcoming(Utc) { sleep_until(next).await; .. }` never ends.
        let endless = is_endless_iterator(&f.expr) && !is_finite_loop(&f.body);
        self.ctx.unbounded_loop |= endless;
        self.scopes.push(false);
        self.bind_pat(&f.pat);
        if endless {
            self.enter_body(true, f.body.brace_token.span.open(), |w| {
                w.visit_block(&f.body)
            });
        } else {
            self.visit_block(&f.body);
        }
        self.scopes.pop();
        self.ctx = saved;
    }

    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        let drops_repeat = i.else_branch.is_none()
            && matches!(&*i.cond, Expr::Unary(u) if matches!(u.op, syn::UnOp::Not(_))
                && matches!(&*u.expr, Expr::MethodCall(m) if m.method == "insert"))
            && ends_in_return(&i.then_branch);
        self.statics.checking_fill(drops_repeat);
        self.visit_expr(&i.cond);
        self.statics.checking_fill(false);
        let saved = self.ctx;
        self.ctx.retry |= condition_checks(&i.cond, "Err", "is_err");
        self.ctx.guarded |= words::is_single_instance_guard(&words::ident_text(&i.cond));
        self.scopes.push(false);
        if let Expr::Let(l) = &*i.cond {
            self.bind_pat(&l.pat);
        }
        self.visit_block(&i.then_branch);
        self.scopes.pop();
        self.ctx = saved;
        if let Some((_, els)) = &i.else_branch {
            self.ctx.retry |= condition_checks(&i.cond, "Ok", "is_ok");
            self.visit_expr(els);
            self.ctx = saved;
        }
    }

    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        let saved = self.ctx;
        // `Err(e) =>`, also nested: `Ok(Err(e)) =>` of a `catch_unwind` result.
        self.ctx.retry |= pat_holds_variant(&arm.pat, "Err");
        self.scopes.push(false);
        self.bind_pat(&arm.pat);
        if let syn::Pat::Guard(g) = &arm.pat {
            self.visit_expr(&g.guard);
        }
        self.visit_expr(&arm.body);
        self.scopes.pop();
        self.ctx = saved;
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        let mut spawn = false;
        match &*call.func {
            Expr::Path(p) if p.qself.is_none() => {
                let segments = segments(&p.path);
                let resolved = self
                    .scopes
                    .resolve(p.path.leading_colon.is_some(), &segments);
                let local_name = match &resolved {
                    Resolved::Local => true,
                    Resolved::Targets(t) => segments.len() == 1 && t.len() == 1,
                };
                if self.ctx.spawned && local_name {
                    if let Some(last) = segments.last() {
                        self.spawned_names.insert(last.clone());
                    }
                }
                spawn = segments.last().is_some_and(|s| is_spawn(s));
                let start = self.offset(path_start(p).start());
                if self.ctx.unbounded_loop {
                    self.delay_helper_call(&resolved, &segments, p, call);
                }
                let callees = self.callee_names(&segments);
                // What the parameters of the crate's own functions receive; another crate's
                // function of the same name only ever counts against them.
                if let Some(last) = segments.last() {
                    let own = local_name
                        || of_this_crate(&self.scopes, p.path.leading_colon.is_some(), &segments);
                    self.note_arg_flows(last, call.args.iter(), own);
                }
                let args: Vec<&Expr> = call.args.iter().collect();
                // `send_reminders(pool, ticks::every(d))`: an interval another function
                // builds, handed to the function that ticks it.
                for arg in &args {
                    self.interval_helper_call(arg);
                }
                self.statics
                    .note_args(callees, &args, self.impl_owner.as_deref());
                if let Resolved::Targets(targets) = resolved {
                    self.calls.extend(targets.iter().cloned());
                    let end = self.offset(call.paren_token.span.close().end());
                    let name = targets.first().cloned().unwrap_or_default();
                    let index = self.events.len();
                    self.emit(targets, start..end, &call.args, Vec::new());
                    self.note_path_use(&name, &call.args, start, Some(index));
                } else if let Some(name) = segments.last() {
                    self.note_path_use(name, &call.args, start, None);
                }
            }
            func => self.visit_expr(func),
        }
        self.visit_args(&call.args, spawn);
    }

    fn visit_expr_method_call(&mut self, outer: &'ast syn::ExprMethodCall) {
        // The chain is handled here as a whole, innermost call first, so long
        // chains cost no recursion and each link knows the builder calls before it.
        let (mut links, root) = method_chain(&outer.receiver);
        links.insert(0, outer);
        for link in &links {
            let args: Vec<&Expr> = link.args.iter().collect();
            let method = link.method.to_string();
            self.statics.register_call(&method, &args);
            self.statics
                .note_args(vec![method], &args, self.impl_owner.as_deref());
        }
        let (index, text, lines) = (&self.index, self.text, self.lines);
        let owner = self.impl_owner.as_deref();
        self.statics.note_chain(&links, root, owner, |e| {
            use syn::spanned::Spanned;
            let span = e.span();
            let at = |p: LineColumn| offset_in(text, index, lines, p);
            text.get(at(span.start())?..at(span.end())?)
                .map(str::to_string)
        });
        // `IntervalStream::new(interval(d)).take_until(done)`: ticks until something ends.
        let saved_retry = self.ctx.retry;
        self.ctx.retry |= links
            .iter()
            .any(|l| matches!(l.method.to_string().as_str(), "take_until" | "take"));
        self.visit_expr(root);
        self.ctx.retry = saved_retry;
        let base = self.builder_of(root);
        let var = match root {
            Expr::Path(p) if base.is_some() => p.path.get_ident().map(|i| i.to_string()),
            _ => None,
        };
        let start = self.offset(expr_start(root).start());
        // `ctx.notify_later(Tick, d)` in `impl Handler<Tick>`: the handler runs again
        // later, and again after that: a loop written as a message.
        let saved_loop = self.ctx.unbounded_loop;
        if let Some(message) = &self.handled_message {
            let param = self
                .current_fn
                .and_then(|i| self.fn_params[i].first())
                .map(String::as_str);
            self.ctx.unbounded_loop |=
                resends_message(&outer.method.to_string(), &outer.args, message, param);
        }
        if let Some(i) = self.current_fn {
            self.ctx.unbounded_loop |=
                runs_again_later(&outer.method.to_string(), &outer.args, &self.fn_names[i]);
        }
        let mut builder = base;
        // Calls on a builder variable update it until the chain turns into another type.
        let mut var_calls = var.as_ref().map(|_| Vec::new());
        for link in links.iter().rev() {
            let method = link.method.to_string();
            if self.ctx.spawned {
                self.spawned_names.insert(method.clone());
            }
            let spawn = is_spawn(&method) && !link.args.is_empty();
            // `client.download_to_file(key, &path)`: a copy of an object in the store.
            let on_self = matches!(root, Expr::Path(p) if p.path.is_ident("self"));
            self.note_transfer(&method, &link.args, start, !on_self);
            if let Some(b) = &mut builder {
                let target = format!("{}::{method}", b.ty);
                self.calls.insert(target.clone());
                let end = self.offset(link.paren_token.span.close().end());
                let chain = b.chain.clone();
                // `OpenOptions::new().write(true).open(p)` creates `p` (see `scratch`).
                let creates = method == "open"
                    && b.ty.ends_with("OpenOptions")
                    && chain.iter().any(|c| WRITING_OPTIONS.contains(&c.as_str()));
                let index = self.events.len();
                self.emit(vec![target], start..end, &link.args, chain);
                if creates {
                    self.note_path_use("create", &link.args, start, Some(index));
                }
                if b.step(&method, &link.args) {
                    if let Some(calls) = var_calls.take() {
                        self.extend_var(var.as_deref(), &calls);
                    }
                } else if let Some(calls) = &mut var_calls {
                    calls.push(chain_form(&method, &link.args));
                }
            }
            if builder.is_none() {
                self.note_arg_flows(&method, link.args.iter(), true);
            }
            // `ws.on_upgrade(|socket| async move { .. })`: the callback serves one connection.
            let saved_per_instance = self.ctx.per_instance;
            self.ctx.per_instance |= method == "on_upgrade";
            self.visit_args(&link.args, spawn);
            self.ctx.per_instance = saved_per_instance;
            self.calls.insert(method);
        }
        if let Some(calls) = var_calls {
            self.extend_var(var.as_deref(), &calls);
        }
        self.ctx.unbounded_loop = saved_loop;
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if self.macro_depth >= MAX_MACRO_DEPTH {
            self.collect_strings(&mac.tokens);
            return;
        }
        self.macro_depth += 1;
        match macros::parse_body(mac).as_deref() {
            Some(MacroBody::Exprs(exprs)) => {
                for e in exprs {
                    self.visit_expr(e);
                }
            }
            Some(MacroBody::Stmts(stmts)) => self.visit_stmts(stmts),
            None => self.collect_strings(&mac.tokens),
        }
        self.macro_depth -= 1;
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        // Doc comments are prose: a `/// TODO: take pg_try_advisory_lock` is no mitigation.
        if !attr.path().is_ident("doc") {
            visit::visit_attribute(self, attr);
        }
    }

    fn visit_lit_str(&mut self, s: &'ast syn::LitStr) {
        self.strings.insert(s.value());
    }
}

impl Walker<'_> {
    /// Walks a body (`loop` marks an endless loop) that events inside may take their
    /// work from.
    fn enter_body(&mut self, endless: bool, open: Span, walk: impl FnOnce(&mut Self)) {
        let key = self.offset(open.start());
        self.recurring.push((endless, key));
        walk(self);
        self.recurring.pop();
    }

    /// Remembers that the timer `init` makes (an event from `first_event` on) is stored
    /// under `name`.
    fn note_stored_ticker(&mut self, first_event: usize, init: &Expr, name: String) {
        let Some(path) = tickers::stored_call(init) else {
            return;
        };
        let start = self.offset(bindings::call_start(path));
        let made = (first_event..self.events.len()).find(|&i| {
            let (e, _) = &self.events[i];
            e.kind == EventKind::Call
                && e.span.start == start
                && e.targets.iter().any(|t| is_interval_target(t))
        });
        if let Some(i) = made {
            self.stored_tickers.push((i, name));
        }
    }

    /// A timer kept in a struct field and ticked by another method's endless loop takes its
    /// work from that loop rather than from the constructor that made it.
    fn redirect_stored_tickers(&mut self, file: &syn::File) {
        if self.stored_tickers.is_empty() {
            return;
        }
        let names: HashSet<String> = self.stored_tickers.iter().map(|(_, n)| n.clone()).collect();
        let loops = tickers::ticking_loops(file, &names, &|at| self.offset(at));
        for (event, name) in &self.stored_tickers {
            let Some(&key) = loops.get(name) else {
                continue;
            };
            match self.work_requests.iter_mut().find(|(e, _)| e == event) {
                Some(request) => request.1 = key,
                None => self.work_requests.push((*event, key)),
            }
        }
    }

    /// Gives each event the work of its body (see [`super::recurring`]).
    fn assign_work(&mut self, file: &syn::File) {
        self.redirect_stored_tickers(file);
        let wanted: HashSet<usize> = self.work_requests.iter().map(|&(_, k)| k).collect();
        if wanted.is_empty() {
            return;
        }
        let work = recurring::body_work(file, &wanted, &|at| self.offset(at));
        for &(event, key) in &self.work_requests {
            if let (Some((e, _)), Some(w)) = (self.events.get_mut(event), work.get(&key)) {
                e.work = Some(w.clone());
            }
        }
    }

    /// Marks the body being entered as guarded or per-instance by its loops.
    fn apply(&mut self, facts: BodyFacts) {
        self.ctx.guarded |= facts.guard;
        self.ctx.per_instance |= facts.owner_bound;
        self.ctx.drains_queue |= facts.drains_queue;
    }

    fn extend_var(&mut self, var: Option<&str>, calls: &[String]) {
        if let Some(var) = var {
            self.scopes.extend_builder(var, calls);
        }
    }

    /// The builder a `let` initializer yields: a method chain (or bare call) rooted
    /// at a typed associated-function call or at another builder variable.
    fn chain_builder(&self, init: &Expr) -> Option<Builder> {
        let (links, e) = method_chain(init);
        if links.is_empty() && !matches!(e, Expr::Call(_)) {
            return None;
        }
        let mut builder = self.builder_of(e)?;
        for link in links.iter().rev() {
            builder.step(&link.method.to_string(), &link.args);
        }
        Some(builder)
    }
}

/// `name(lit)` for a builder call with one literal argument, else `name`.
/// The method calls of a chain, outermost first, and the expression it is rooted at,
/// looking through `.await`, `?` and parentheses (iteratively, so long chains cost no
/// recursion).
pub(super) fn method_chain(mut e: &Expr) -> (Vec<&syn::ExprMethodCall>, &Expr) {
    let mut links = Vec::new();
    loop {
        e = match e {
            Expr::MethodCall(m) => {
                links.push(m);
                &m.receiver
            }
            Expr::Await(a) => &a.base,
            Expr::Try(t) => &t.expr,
            Expr::Paren(p) => &p.expr,
            _ => return (links, e),
        };
    }
}

fn chain_form(method: &str, args: &Punctuated<Expr, Token![,]>) -> String {
    if let (1, Some(Expr::Lit(l))) = (args.len(), args.first()) {
        let lit = match &l.lit {
            syn::Lit::Bool(b) => Some(b.value.to_string()),
            syn::Lit::Int(i) => Some(i.to_string()),
            syn::Lit::Float(f) => Some(f.to_string()),
            syn::Lit::Str(s) => Some(format!("{:?}", s.value())),
            _ => None,
        };
        if let Some(lit) = lit {
            return format!("{method}({lit})");
        }
    }
    method.to_string()
}

fn segments(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// The first segments of a `use` tree: `tauri` in `use tauri::{AppHandle, Manager};`,
/// `std` and `tokio` in `use {std::fs, tokio::time};`.
fn use_roots(tree: &syn::UseTree) -> impl Iterator<Item = &syn::Ident> {
    let mut stack = vec![tree];
    std::iter::from_fn(move || loop {
        match stack.pop()? {
            syn::UseTree::Path(p) => return Some(&p.ident),
            syn::UseTree::Name(n) => return Some(&n.ident),
            syn::UseTree::Rename(r) => return Some(&r.ident),
            syn::UseTree::Glob(_) => {}
            syn::UseTree::Group(g) => stack.extend(g.items.iter()),
        }
    })
}

/// Whether an expression ends in a call that makes a temporary folder, through `?`,
/// `.await`, `.unwrap()` and `.expect(..)`: `Builder::new().prefix("x").tempdir()?`.
fn makes_temp_dir(mut e: &Expr) -> bool {
    for _ in 0..ARG_DEPTH {
        e = match e {
            Expr::Try(t) => &t.expr,
            Expr::Await(a) => &a.base,
            Expr::MethodCall(m) if matches!(m.method.to_string().as_str(), "unwrap" | "expect") => {
                &m.receiver
            }
            Expr::MethodCall(m) => {
                return matches!(m.method.to_string().as_str(), "tempdir" | "tempdir_in")
            }
            _ => return false,
        };
    }
    false
}

/// Whether a block's last statement returns: `return ..;`, `return ..`.
fn ends_in_return(block: &syn::Block) -> bool {
    matches!(
        block.stmts.last(),
        Some(syn::Stmt::Expr(Expr::Return(_), _))
    )
}
