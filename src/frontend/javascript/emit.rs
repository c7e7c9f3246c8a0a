//! Pass 2: the walk that emits events, with loop, retry, guard and per-instance contexts.

use super::*;
use crate::frontend::scratch::{use_of, PathUses, Use};
use crate::frontend::tree::{Fields, Kind};
use crate::frontend::words::looks_like_duration;
use crate::reach::words::ModeBranch;

/// Event names whose handlers are error handling (a reconnect there is a back-off).
pub(super) const ERROR_EVENTS: &[&str] = &[
    "error",
    "close",
    "disconnect",
    "end",
    "exit",
    "reconnect",
    "uncaughtException",
    "unhandledRejection",
];

/// Contexts inherited down the tree in pass 2.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Ctx {
    /// Inside an unbounded loop of the current function.
    pub(super) unbounded_loop: bool,
    /// Inside error handling.
    pub(super) retry: bool,
    /// Behind a check that only one instance runs jobs (`if (isLeader)`, an early
    /// `if (!nconf.get('runJobs')) return;`).
    pub(super) guarded: bool,
    /// Inside `if (isDev)` / `if (process.env.NODE_ENV !== 'production')`: never in production.
    pub(super) dev_only: bool,
    /// Runs once when the module loads (see [`Context::OnceAtStart`]).
    pub(super) at_start: bool,
    /// Inside code that exists to handle a failure: a function named for it
    /// (`abortWithError`), an error callback (`.catch(..)`, `.on('error', ..)`), the
    /// `if (!success)` branch of a `finally`. A delete there removes what the failed work
    /// left behind (a partial output file): scratch, wherever the file was created.
    pub(super) failure_handler: bool,
    /// The innermost branch of an `if` or `switch` that the settings choose around the
    /// code (see [`crate::frontend::branches`]).
    pub(super) optional: Option<Branch>,
}

pub(super) struct Emitter<'a> {
    pub(super) src: &'a str,
    pub(super) scopes: &'a Scopes,
    /// For each named function, the functions its body calls (as referenced: `tick`, `this.poll`).
    pub(super) callees: HashMap<String, HashSet<String>>,
    pub(super) facts: FileFacts,
    /// Names of the enclosing functions, innermost last.
    pub(super) functions: Vec<String>,
    /// Start bytes of the enclosing functions, innermost last.
    pub(super) function_starts: Vec<usize>,
    /// What the calls do with their paths, for scratch files (see [`PathUses`]).
    pub(super) path_uses: PathUses,
    /// What recurring bodies do (see [`crate::work`]).
    pub(super) work: crate::frontend::tree_work::BodyWork<'a>,
    /// The calls made inside and outside branches the settings choose.
    pub(super) branch_calls: BranchCalls,
    /// The named functions around the walk, for paths built on their parameters.
    pub(super) param_flow: super::param_flow::ParamFlow,
    /// Names holding a debugging or generating mode's environment variable (see
    /// [`super::functions::Functions::mode_names`]).
    pub(super) mode_names: HashSet<String>,
}

impl Emitter<'_> {
    pub(super) fn visit(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let kind = node.kind_str();
        match kind {
            "string" | "template_string" => {
                if let Some(s) = string_value(node, self.src) {
                    self.facts.strings.insert(s);
                }
            }
            "identifier" => {
                let name = text(node, self.src);
                if matches!(name, "window" | "document")
                    && self.scopes.lookup(name, node.start_byte()).is_none()
                {
                    self.facts.file_context.insert(Context::ClientSide);
                }
            }
            "variable_declarator" => self.note_param_local(node),
            // `for (const c of wss.clients) c.send(m)` sends to each member as
            // `wss.clients.forEach(c => c.send(m))` does: recorded among the file's calls as
            // that. A loop that only ends them (`ws.terminate()` at shutdown) sends nothing.
            "for_in_statement" => {
                let sends = node
                    .field("body")
                    .is_some_and(|b| text(b, self.src).contains(".send("));
                let walked = node
                    .field("right")
                    .filter(|_| {
                        node.field("operator")
                            .is_some_and(|o| text(o, self.src) == "of")
                    })
                    .filter(|r| sends && r.kind_str() == "member_expression")
                    .and_then(|r| r.field("property"));
                if let Some(member) = walked {
                    let member = text(member, self.src);
                    self.facts.calls.insert(format!("{member}.forEach"));
                }
            }
            "import_statement" => {
                if let Some(m) = node.field("source").and_then(|s| string_value(s, self.src)) {
                    note_module(&module_name(&m), &mut self.facts);
                }
            }
            _ => {}
        }
        if is_function(kind) {
            let name = function_reference(node, self.src).unwrap_or_default();
            let inner = Ctx {
                unbounded_loop: is_promise_executor(node, self.scopes, self.src)
                    && ctx.unbounded_loop
                    || recurs_forever(node, &name, self.src),
                retry: ctx.retry || looks_retry(&name),
                guarded: ctx.guarded,
                dev_only: ctx.dev_only,
                at_start: ctx.at_start && runs_where_written(node, self.src),
                failure_handler: ctx.failure_handler || names_failure_handling(&name),
                optional: ctx.optional,
            };
            let named = self.param_flow.enter(node, &name, self.src);
            self.functions.push(name);
            if let Some(&outer) = self.function_starts.last() {
                self.path_uses.nest(node.start_byte(), outer);
            }
            self.function_starts.push(node.start_byte());
            self.visit_children(node, inner, depth);
            if named {
                self.param_flow.leave();
            }
            self.function_starts.pop();
            self.functions.pop();
            return;
        }
        match kind {
            "while_statement" | "do_statement" | "for_statement" => {
                let condition = node.field("condition");
                let body = node.field("body");
                // A batch loop leaves when its work runs out (`if (!rows.length) break;`,
                // `done = true` under `while (!done)`).
                let ends_itself = body.is_some_and(|b| exits_when_done(b, self.src, 0))
                    || sets_own_flag(condition, body, self.src);
                let unbounded = is_unbounded_condition(condition, self.src)
                    && !(is_wait_loop(body)
                        && condition.is_some_and(|c| {
                            !matches!(text(c, self.src), "(true)" | "(1)" | "true" | "1")
                        }))
                    && !ends_itself;
                for child in named_children(node) {
                    let in_body = body == Some(child);
                    let c = Ctx {
                        unbounded_loop: if in_body {
                            unbounded
                        } else {
                            ctx.unbounded_loop
                        },
                        ..ctx
                    };
                    self.visit(child, c, depth + 1);
                }
            }
            "catch_clause" => self.visit_children(node, Ctx { retry: true, ..ctx }, depth),
            // `switch (process.env.NODE_ENV) { case 'development': ... }`
            "switch_case" => {
                let on_env = node
                    .parent()
                    .and_then(|body| body.parent())
                    .and_then(|switch| switch.field("value"))
                    .is_some_and(|v| {
                        let v = text(v, self.src).to_ascii_lowercase();
                        v.contains("node_env") || v.contains("app_env")
                    });
                let dev_case = node
                    .field("value")
                    .and_then(|v| string_value(v, self.src))
                    .is_some_and(|v| matches!(v.as_str(), "development" | "dev" | "test"));
                let switch = node.parent().and_then(|body| body.parent());
                let on_settings = switch
                    .and_then(|switch| switch.field("value"))
                    .is_some_and(|v| chosen_by_settings(text(v, self.src)));
                let c = Ctx {
                    dev_only: ctx.dev_only || (on_env && dev_case),
                    optional: match switch {
                        Some(s) if on_settings => Some((s.start_byte(), s.end_byte())),
                        _ => ctx.optional,
                    },
                    ..ctx
                };
                self.visit_children(node, c, depth);
            }
            "if_statement" => {
                let condition = node.field("condition");
                let error_branch =
                    condition.is_some_and(|c| looks_error_condition(text(c, self.src)));
                let guard = condition.is_some_and(|c| is_single_instance_guard(text(c, self.src)));
                let dev_only = condition.is_some_and(|c| is_dev_only_condition(text(c, self.src)));
                let unsuccessful =
                    condition.is_some_and(|c| is_unsuccessful_condition(text(c, self.src)));
                // The branch a generating, debugging or test mode's variable chooses.
                let mode = self.mode_branch(node).map(|branch| match branch {
                    ModeBranch::Consequence => node.field("consequence"),
                    ModeBranch::Alternative => node.field("alternative"),
                });
                let settings = condition.is_some_and(|c| chosen_by_settings(text(c, self.src)));
                let consequence = node.field("consequence");
                for child in named_children(node) {
                    let in_consequence = consequence == Some(child);
                    let in_mode = mode.is_some_and(|m| m == Some(child));
                    let c = Ctx {
                        retry: ctx.retry || (error_branch && in_consequence),
                        guarded: ctx.guarded || guard,
                        dev_only: ctx.dev_only || (dev_only && in_consequence) || in_mode,
                        failure_handler: ctx.failure_handler || (unsuccessful && in_consequence),
                        optional: if settings && condition != Some(child) {
                            Some(if_chain(node))
                        } else {
                            ctx.optional
                        },
                        ..ctx
                    };
                    self.visit(child, c, depth + 1);
                }
            }
            "statement_block" | "program" => {
                // After `if (!isLeader) return;` the rest of the block runs on one instance only.
                let mut ctx = ctx;
                for child in named_children(node) {
                    self.visit(child, ctx, depth + 1);
                    if child.kind_str() == "if_statement" && self.is_guard_exit(child) {
                        ctx.guarded = true;
                    }
                    // After `if (!this.traceDir) return;` the rest runs only in the mode.
                    if child.kind_str() == "if_statement"
                        && self.mode_branch(child) == Some(ModeBranch::Alternative)
                        && exits(child)
                    {
                        ctx.dev_only = true;
                    }
                }
            }
            "decorator" => {
                if let Some(inner) = node.named_child(0) {
                    let callee = if inner.kind_str() == "call_expression" {
                        inner.field("function").unwrap_or(inner)
                    } else {
                        inner
                    };
                    let args = if inner.kind_str() == "call_expression" {
                        inner.field("arguments")
                    } else {
                        None
                    };
                    self.emit(EventKind::Annotation, node, callee, args, ctx);
                    if let Some(args) = args {
                        self.visit(args, ctx, depth + 1);
                    }
                }
            }
            "call_expression" => {
                let function = node.field("function");
                let args = node.field("arguments");
                if let Some(function) = function {
                    self.emit(EventKind::Call, node, function, args, ctx);
                    // `super(options)` in a constructor builds the class it extends.
                    if let Some(base) = (function.kind_str() == "super")
                        .then(|| extended_class(node))
                        .flatten()
                    {
                        self.emit(EventKind::Construct, node, base, args, ctx);
                    }
                    self.visit(function, ctx, depth + 1);
                }
                if let Some(args) = args {
                    let handler = function.is_some_and(|f| self.is_error_handler(f, args));
                    let c = Ctx {
                        retry: ctx.retry || handler,
                        failure_handler: ctx.failure_handler || handler,
                        ..ctx
                    };
                    self.visit(args, c, depth + 1);
                }
            }
            "new_expression" => {
                if let Some(constructor) = node.field("constructor") {
                    let args = node.field("arguments");
                    self.emit(EventKind::Construct, node, constructor, args, ctx);
                }
                self.visit_children(node, ctx, depth);
            }
            _ => self.visit_children(node, ctx, depth),
        }
    }

    pub(super) fn visit_children(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) {
        for child in named_children(node) {
            self.visit(child, ctx, depth + 1);
        }
    }

    /// Whether a timer does per-instance work: the callback it is called with (a name or a
    /// short function) or the function and class it is defined in speak of health,
    /// heartbeats, metrics, keep-alives or update checks, or the flag it is started under
    /// does (`if (metricsEnabled)`). The variable holding the timer
    /// handle does not count: `this.heartbeatInterval` may well drive the product's main job.
    /// When the callback's calls do known shared work (`shared`: a database write, an e-mail),
    /// only the callback's own name speaks (`setInterval(writeHeartbeat, ..)`, each instance
    /// writing its own row): a `startMetrics` around it, or a table named in its query
    /// (`instance_heartbeats`), does not make a shared write this instance's own.
    pub(super) fn is_per_instance_timer(
        &self,
        call: Node<'_>,
        callback: Option<Node<'_>>,
        shared: bool,
    ) -> bool {
        let mut names: Vec<&str> = Vec::new();
        if let Some(cb) = callback {
            let t = text(cb, self.src);
            let named = matches!(cb.kind_str(), "identifier" | "member_expression");
            if named || (!shared && t.len() <= 400) {
                names.push(t);
            }
        }
        if shared {
            return names.iter().any(|n| mentions_per_instance_work(n));
        }
        let mut node = call;
        // Conditions count only inside the timer's own function.
        let mut same_function = true;
        for _ in 0..30 {
            let Some(parent) = node.parent() else { break };
            match parent.kind_str() {
                "class_declaration" | "function_declaration" | "method_definition" => {
                    if let Some(n) = parent.field("name") {
                        names.push(text(n, self.src));
                    }
                }
                // A timer started only under a flag: `if (metricsEnabled)`,
                // `useServerPing ? setInterval(...) : null`.
                "if_statement" | "ternary_expression"
                    if same_function && parent.field("consequence") == Some(node) =>
                {
                    if let Some(c) = parent.field("condition") {
                        names.push(text(c, self.src));
                    }
                }
                _ => {}
            }
            if is_function(parent.kind_str()) {
                same_function = false;
            }
            node = parent;
        }
        // A timer in this process's own shutdown (`shutdownWhenIdle`) waits for it to drain.
        // Names only: a callback's code may merely check `if (isShutdown) return`.
        names.iter().any(|n| {
            mentions_per_instance_work(n)
                || (!n.contains(['(', ' ', '\n']) && n.to_ascii_lowercase().contains("shutdown"))
        })
    }

    /// `if (<single-instance check>) return;` (or `throw`).
    pub(super) fn is_guard_exit(&self, if_statement: Node<'_>) -> bool {
        let guard = if_statement
            .field("condition")
            .is_some_and(|c| is_single_instance_guard(text(c, self.src)));
        guard && exits(if_statement)
    }

    /// The branch of an `if` that a generating, debugging or test mode's environment
    /// variable chooses, read directly or through a name holding it (`if (this.traceDir)`).
    fn mode_branch(&self, if_statement: Node<'_>) -> Option<ModeBranch> {
        let words = crate::reach::words();
        let condition = text(if_statement.field("condition")?, self.src);
        words
            .env_mode(condition)
            .or_else(|| words.mode_name_branch(condition, |name| self.mode_names.contains(name)))
    }

    /// `.on('error', cb)`, `.once('close', cb)`, `.catch(cb)`: the callback handles a failure.
    pub(super) fn is_error_handler(&self, function: Node<'_>, args: Node<'_>) -> bool {
        if function.kind_str() != "member_expression" {
            return false;
        }
        let method = function
            .field("property")
            .map(|p| text(p, self.src))
            .unwrap_or("");
        match method {
            "catch" => true,
            "on" | "once" | "addListener" | "addEventListener" => args
                .named_child(0)
                .and_then(|a| string_value(a, self.src))
                .is_some_and(|e| ERROR_EVENTS.contains(&e.as_str())),
            _ => false,
        }
    }

    pub(super) fn emit(
        &mut self,
        kind: EventKind,
        node: Node<'_>,
        callee: Node<'_>,
        args: Option<Node<'_>>,
        ctx: Ctx,
    ) {
        let resolved = self.resolve_callee(callee);
        let arg_nodes: Vec<Node<'_>> = args
            .filter(|a| a.kind_str() == "arguments")
            .map(|a| {
                named_children(a)
                    .filter(|c| c.kind_str() != "comment")
                    .collect()
            })
            .unwrap_or_default();
        let name = resolved
            .clone()
            .unwrap_or_else(|| text(callee, self.src).to_string());
        let event_index = resolved.as_ref().map(|_| self.facts.events.len());
        if kind == EventKind::Call && !ctx.dev_only {
            // An installed package's function is not the project's own.
            let own = resolved
                .as_deref()
                .is_none_or(|r| r.starts_with('.') || r.starts_with('/'));
            self.note_arg_flows(callee, &arg_nodes, own);
        }
        self.note_path_use(node, &name, &arg_nodes, event_index, ctx.retry);
        // `await this.sleep(ms)` in an endless loop: a member of no module, which may be a
        // sleep helper some file of the project defines (see `imported_delay`).
        let awaited_member = || {
            let member = callee.kind_str() == "member_expression" && is_awaited(node, self.src);
            let property = callee.field("property").map(|p| text(p, self.src));
            property
                .filter(|_| member && ctx.unbounded_loop)
                .map(|p| format!("?.{p}"))
        };
        let Some(target) = resolved
            .or_else(|| self.instance_method(callee, args))
            .or_else(|| self.unresolved_method(callee, args))
            .or_else(awaited_member)
        else {
            return;
        };
        self.facts.calls.insert(target.clone());
        self.branch_calls.note(&target, ctx.optional);
        if let Some(method) = target.rsplit('.').next() {
            self.facts.calls.insert(method.to_string());
            self.branch_calls.note(method, ctx.optional);
        }
        let mut event = Event::new(kind, vec![target.clone()], node.byte_range());
        event.args = arg_nodes.iter().map(|&a| self.arg_fact(a)).collect();
        self.assume_temp_params(&mut event, &arg_nodes);
        // A delete in failure handling removes the failed work's leftovers.
        if ctx.failure_handler && use_of(&target) == Some(Use::Delete) {
            if let Some(first) = event.args.first_mut() {
                *first = Arg::TempPath;
            }
        }
        if target == "globalThis.require" {
            if let Some(Arg::Str(module)) = event.args.first() {
                note_module(&module_name(module), &mut self.facts);
            }
        }
        if ctx.unbounded_loop {
            event.context.insert(Context::UnboundedLoop);
        }
        if ctx.guarded {
            event.context.insert(Context::SingleInstanceGuard);
        }
        if ctx.dev_only {
            event.context.insert(Context::Test);
        }
        if ctx.at_start {
            event.context.insert(Context::OnceAtStart);
        }
        let delay_retry = arg_nodes
            .get(1)
            .is_some_and(|d| looks_retry(text(*d, self.src)));
        if ctx.retry || delay_retry {
            event.context.insert(Context::Retry);
        }
        let is_timer = [".setInterval", ".setIntervalAsync", ".setTimeout"]
            .iter()
            .any(|t| target.ends_with(t));
        if crate::work::wanted(event.targets.iter()) {
            event.work = self.recurring_work(kind, node, &arg_nodes, ctx.unbounded_loop);
        }
        let shared = event
            .work
            .as_ref()
            .is_some_and(crate::work::Work::is_shared);
        if (is_timer && self.is_per_instance_timer(node, arg_nodes.first().copied(), shared))
            || (kind == EventKind::Annotation && self.schedules_per_instance_work(node))
        {
            event.context.insert(Context::PerInstance);
        }
        if target.ends_with(".setInterval")
            && arg_nodes
                .first()
                .is_some_and(|cb| text(*cb, self.src).contains("clearInterval("))
        {
            event.context.insert(Context::SelfCancelling);
        }
        if is_timer
            && (connection_timer::cleared_on_close(node, self.src)
                || connection_timer::in_connection_handler(node, self.src))
        {
            event.context.insert(Context::PerConnection);
        }
        if is_timer && operation_timer::cleared_by_operation(node, self.src) {
            event.context.insert(Context::PerOperation);
        }
        if target.ends_with(".setTimeout")
            && arg_nodes
                .first()
                .is_some_and(|cb| self.calls_enclosing_function(*cb, 0))
        {
            event.context.insert(Context::SelfRescheduling);
            // Re-armed only while it waits for a condition, the work then running once.
            if arg_nodes.first().is_some_and(|cb| {
                wait_until::waits_until_ready(node, *cb, &self.functions, self.src)
            }) {
                event.context.insert(Context::SelfCancelling);
            }
        }
        // A module's own timer (`timers/promises.setTimeout` imported as `sleep`) is the
        // delay itself, not a helper another file of the project may define.
        let helper = (ctx.unbounded_loop && !target.starts_with("globalThis") && !is_timer)
            .then(|| self.imported_delay(node, callee, &event))
            .flatten();
        self.facts.events.push(event);
        self.facts.events.extend(helper);
    }

    /// An awaited call, in an endless loop, of a function another module defines
    /// (`await sleep(60_000)` with `sleep` imported from `../lib/time`): a delay when that
    /// module's file registers it as a sleep helper (`delay:sleep`), so the event asks for
    /// the registration and stands only if some file of the project supplies it.
    fn imported_delay(&mut self, node: Node<'_>, callee: Node<'_>, call: &Event) -> Option<Event> {
        if !is_awaited(node, self.src) {
            return None;
        }
        let name = match callee.kind_str() {
            "identifier" => callee,
            "member_expression" => callee.field("property")?,
            _ => return None,
        };
        let first = node
            .field("arguments")
            .and_then(|a| named_children(a).find(|c| c.kind_str() != "comment"))?;
        if !looks_like_duration(text(first, self.src)) {
            return None;
        }
        let mut event = call.clone();
        event.targets = vec!["globalThis.setTimeout".to_string()];
        // A duration is no path: a parameter handed to the delay assumes nothing.
        event.assumed = None;
        event.requires_any = vec![format!("delay:{}", text(name, self.src))];
        if event.work.is_none() {
            let args: Vec<Node<'_>> = node
                .field("arguments")
                .map(|a| {
                    named_children(a)
                        .filter(|c| c.kind_str() != "comment")
                        .collect()
                })
                .unwrap_or_default();
            event.work = self.recurring_work(call.kind, node, &args, true);
        }
        Some(event)
    }

    /// A method called on a local made from a module's class (`cache.delete(key)` with
    /// `const cache = new LRUCache(..)`): `lru-cache.LRUCache#delete`. Its names are recorded
    /// among the file's calls as for any method of a local (see
    /// [`Walker::unresolved_method`]).
    fn instance_method(&mut self, callee: Node<'_>, args: Option<Node<'_>>) -> Option<String> {
        let object = callee
            .field("object")
            .filter(|o| callee.kind_str() == "member_expression" && o.kind_str() == "identifier")?;
        let Some(Binding::Instance(class)) = self
            .scopes
            .lookup(text(object, self.src), object.start_byte())
        else {
            return None;
        };
        let class = class.clone();
        let method = text(callee.field("property")?, self.src).to_string();
        self.unresolved_method(callee, args);
        Some(format!("{class}#{method}"))
    }

    /// A method called on a value that does not resolve to a module (`wss.clients.forEach`,
    /// `app.register`): records its name, and its last two names, among the file's calls.
    /// When it is handed an imported module (`app.register(rateLimit, opts)`, a plugin
    /// registration) it is still an event, with the target `?.register`, which only rules
    /// naming `?.register` match.
    fn unresolved_method(&mut self, callee: Node<'_>, args: Option<Node<'_>>) -> Option<String> {
        if callee.kind_str() != "member_expression" {
            return None;
        }
        let method = text(callee.field("property")?, self.src);
        self.facts.calls.insert(method.to_string());
        if let Some(owner) = callee
            .field("object")
            .filter(|o| o.kind_str() == "member_expression")
            .and_then(|o| o.field("property"))
        {
            self.facts
                .calls
                .insert(format!("{}.{method}", text(owner, self.src)));
        }
        let hands_a_module = args.is_some_and(|a| {
            named_children(a).any(|arg| match arg.kind_str() {
                "identifier" => self
                    .scopes
                    .path_of(arg, self.src)
                    .is_some_and(|p| !p.starts_with("globalThis")),
                "call_expression" => self.scopes.required_module(arg, self.src).is_some(),
                _ => false,
            })
        });
        hands_a_module.then(|| format!("?.{method}"))
    }

    /// The resolved target of a callee: a module path, or `globalThis.setTimeout` for a
    /// call to a local sleep helper that wraps it.
    pub(super) fn resolve_callee(&self, callee: Node<'_>) -> Option<String> {
        // A sleep helper calling itself again (`poll()` at the end of `poll`) is not a sleep.
        if callee.kind_str() == "identifier"
            && !self.functions.iter().any(|f| f == text(callee, self.src))
        {
            if let Some(Binding::Delay) = self
                .scopes
                .lookup(text(callee, self.src), callee.start_byte())
            {
                return Some("globalThis.setTimeout".to_string());
            }
        }
        self.scopes.path_of(callee, self.src)
    }

    /// Whether a timer callback calls one of the functions it sits in (`setTimeout(tick)`
    /// inside `tick`, `setTimeout(() => this.poll(), ms)` inside `poll`).
    pub(super) fn calls_enclosing_function(&self, cb: Node<'_>, depth: usize) -> bool {
        if depth > 40 {
            return false;
        }
        // The callback calls an enclosing function, directly or through one helper that
        // calls it (`setTimeout(() => this.runDeletes())` in `schedule`, where
        // `runDeletes` ends with `this.schedule()`).
        let named = |n: Node<'_>| {
            matches!(n.kind_str(), "identifier" | "member_expression") && {
                let reference: String = text(n, self.src).split_whitespace().collect();
                self.functions.contains(&reference)
                    || self
                        .callees
                        .get(&reference)
                        .is_some_and(|called| self.functions.iter().any(|f| called.contains(f)))
            }
        };
        match cb.kind_str() {
            // A reschedule only under `if (attempts < retries)` is a retry.
            "if_statement"
                if cb
                    .field("condition")
                    .is_some_and(|c| looks_error_condition(text(c, self.src))) =>
            {
                cb.field("alternative")
                    .is_some_and(|a| self.calls_enclosing_function(a, depth + 1))
            }
            "identifier" | "member_expression" => named(cb),
            "call_expression" => {
                let function = cb.field("function");
                let is_bind = function
                    .and_then(|f| f.field("property"))
                    .is_some_and(|p| text(p, self.src) == "bind");
                if is_bind {
                    function.and_then(|f| f.field("object")).is_some_and(named)
                } else {
                    function.is_some_and(named)
                        || named_children(cb).any(|c| self.calls_enclosing_function(c, depth + 1))
                }
            }
            _ => named_children(cb).any(|c| self.calls_enclosing_function(c, depth + 1)),
        }
    }

    pub(super) fn arg_fact(&self, arg: Node<'_>) -> Arg {
        let source = text(arg, self.src);
        if is_temp_path_node(arg, self.src, self.scopes, 0) {
            return Arg::TempPath;
        }
        if let Some(s) = string_value(arg, self.src) {
            return Arg::Str(s);
        }
        // A download's destination is a local copy of data kept elsewhere (an object store,
        // another service) that any instance can fetch again: scratch, unless its words name
        // shared data (as in the Rust frontend).
        if self
            .functions
            .last()
            .is_some_and(|f| crate::frontend::words::names_a_download(f))
            && !path_purpose(arg, self.src, self.scopes, 0).is_shared()
        {
            return Arg::TempPath;
        }
        if arg.kind_str() == "identifier" {
            match self.scopes.lookup(source, arg.start_byte()) {
                Some(Binding::TempPath) => return Arg::TempPath,
                Some(Binding::Object(keys)) => return Arg::Object(keys.clone()),
                _ => {}
            }
        }
        let fact = self.plain_arg_fact(arg);
        if matches!(fact, Arg::Other { .. }) {
            let purpose = path_purpose(arg, self.src, self.scopes, 0);
            if purpose.is_process_file() {
                return Arg::ProcessPath;
            }
            if purpose.is_instance() {
                return Arg::InstancePath;
            }
        }
        fact
    }

    /// What an argument that is neither temporary nor a literal is: an object, a module
    /// member, or a value that may be a path.
    fn plain_arg_fact(&self, arg: Node<'_>) -> Arg {
        match arg.kind_str() {
            "object" => Arg::Object(object_props(arg, self.src, self.scopes)),
            "member_expression" => match self.scopes.path_of(arg, self.src) {
                Some(path) if !path.starts_with("globalThis.") => Arg::Member(vec![path]),
                _ => Arg::Other {
                    path_like: name_is_path_like(text(arg, self.src)),
                },
            },
            "template_string" => Arg::Other {
                path_like: template_is_path_like(arg, self.src),
            },
            "binary_expression" => Arg::Other {
                path_like: text(arg, self.src).contains(['\'', '"', '`']),
            },
            // `app.register(require('@fastify/rate-limit'), opts)`: the module itself.
            "call_expression" if self.scopes.required_module(arg, self.src).is_some() => {
                Arg::Member(
                    self.scopes
                        .required_module(arg, self.src)
                        .into_iter()
                        .collect(),
                )
            }
            "call_expression" => Arg::Other {
                path_like: arg
                    .field("function")
                    .and_then(|f| self.scopes.path_of(f, self.src))
                    .is_some_and(|p| p.starts_with("path.") || p.starts_with("path/posix.")),
            },
            // An imported name (`app.register(rateLimit, opts)`) is a module member, like
            // `config.limits`; a path-like name stays a path, wherever it comes from.
            "identifier" if !name_is_path_like(text(arg, self.src)) => {
                match self.scopes.path_of(arg, self.src) {
                    Some(path) if !path.starts_with("globalThis") => Arg::Member(vec![path]),
                    _ => Arg::Other { path_like: false },
                }
            }
            "identifier" => Arg::Other { path_like: true },
            _ => Arg::Other { path_like: false },
        }
    }
}

/// Whether a template string can be a path: its literal text (outside `${..}`) has no
/// whitespace, no escaped line break or tab (`${name}\n`), and none of the characters of
/// code or markup (`module.exports = ${x};`, `window._i18n = ${json}` are a file's content,
/// not its name).
fn template_is_path_like(node: Node<'_>, src: &str) -> bool {
    !named_children(node).any(|c| match c.kind_str() {
        "string_fragment" => text(c, src)
            .chars()
            .any(|ch| ch.is_whitespace() || "=;(){}<>".contains(ch)),
        "escape_sequence" => matches!(text(c, src), "\\n" | "\\r" | "\\t"),
        _ => false,
    })
}

/// Whether a call's promise is awaited: `await sleep(ms)`, or raced or joined in an awaited
/// `Promise.race([sleep(ms), this.wakeUp])` (also `any`, `all`, `allSettled`): the loop
/// waits for the delay either way.
pub(super) fn is_awaited(call: Node<'_>, src: &str) -> bool {
    let Some(parent) = call.parent() else {
        return false;
    };
    if parent.kind_str() == "await_expression" {
        return true;
    }
    let combinator = (parent.kind_str() == "array")
        .then(|| parent.parent())
        .flatten()
        .filter(|a| a.kind_str() == "arguments")
        .and_then(|a| a.parent())
        .filter(|c| c.kind_str() == "call_expression");
    combinator.is_some_and(|c| {
        c.field("function").is_some_and(|f| {
            matches!(
                text(f, src),
                "Promise.race" | "Promise.any" | "Promise.all" | "Promise.allSettled"
            )
        }) && c
            .parent()
            .is_some_and(|p| p.kind_str() == "await_expression")
    })
}

/// Whether an `if`'s consequence leaves the function (`return`, `throw`, or a block holding one).
fn exits(if_statement: Node<'_>) -> bool {
    if_statement.field("consequence").is_some_and(|c| {
        let kind = c.kind_str();
        kind == "return_statement"
            || kind == "throw_statement"
            || (kind == "statement_block"
                && named_children(c)
                    .any(|s| matches!(s.kind_str(), "return_statement" | "throw_statement")))
    })
}

/// The class that the class around `node` extends (`class Hub extends ShareDB`: `ShareDB`;
/// `extends mod.Store`: `mod.Store`), when it is named by an identifier or a member
/// expression.
fn extended_class(node: Node<'_>) -> Option<Node<'_>> {
    let mut current = node;
    let class = loop {
        current = current.parent()?;
        if matches!(
            current.kind_str(),
            "class_declaration" | "class" | "abstract_class_declaration"
        ) {
            break current;
        }
    };
    let heritage = named_children(class).find(|c| c.kind_str() == "class_heritage")?;
    // JavaScript: `class_heritage` holds the expression; TypeScript: an `extends_clause`
    // whose `value` it is.
    let base = match named_children(heritage).next()? {
        clause if clause.kind_str() == "extends_clause" => clause.field("value")?,
        expression => expression,
    };
    matches!(base.kind_str(), "identifier" | "member_expression").then_some(base)
}
