//! The second pass: walks the code with a scope of variables and lowers invocations,
//! constructions, attributes and base types to [`Event`]s with their contexts.

use super::args::args_text;
use super::context::Ctx;
use super::loops::{
    consumer_driven, exits_on_state, serves_response, sets_own_flag, unbounded_condition,
};
use super::scope::FileScope;
use super::strings::string_value;
use super::syntax::{
    base_type, dotted, first_child_of_kind, for_each_node, last_named_child, last_segment,
    mentions, method_is, type_name, unwrap_expr,
};
use super::vars::VarInfo;
use super::words::words;
use super::MAX_DEPTH;
use crate::event::{Arg, Context, Event, EventKind, FileFacts};
use crate::frontend::branches::{chosen_by_settings, if_chain, BranchCalls};
use crate::frontend::flat::Node;
use crate::frontend::scratch::PathUses;
use crate::frontend::tree::{named_children, text};
use crate::frontend::tree::{Fields, Kind};
use crate::frontend::words::{
    is_single_instance_guard, looks_like_duration, mentions_per_instance_work,
};
use std::collections::HashMap;

pub(super) struct Walker<'s, 'f> {
    pub(super) src: &'s str,
    pub(super) file: &'f FileScope,
    pub(super) facts: FileFacts,
    /// Variable scopes, innermost last: file (top-level statements), types
    /// (fields, properties, primary-constructor parameters), functions.
    pub(super) vars: Vec<HashMap<String, VarInfo>>,
    /// Nesting of [`Walker::expression_type`] through receivers (`a.Parent.Parent...`).
    pub(super) type_depth: std::cell::Cell<usize>,
    /// What the calls do with their paths, for scratch files (see [`PathUses`]).
    pub(super) path_uses: PathUses,
    /// What recurring bodies do (see [`crate::work`]).
    pub(super) work: crate::frontend::tree_work::BodyWork<'s>,
    /// The names of the class, struct and record declarations around the node being
    /// walked, innermost last (`None`: a declaration without a name).
    pub(super) types: Vec<Option<&'s str>>,
    /// Events marked [`crate::event::Forwarded`], with the start of their method.
    pub(super) forwarded_events: Vec<(usize, usize)>,
    /// Starts of file-system-layer methods that also work on paths of their own.
    pub(super) thick_methods: std::collections::HashSet<usize>,
    /// What the file's methods return and their calls pass (see [`super::purpose_flow`]).
    pub(super) flow: super::purpose_flow::PurposeFlow,
    /// The calls made inside and outside branches the settings choose.
    pub(super) branch_calls: BranchCalls,
}

impl Walker<'_, '_> {
    pub(super) fn walk(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match node.kind_str() {
            "using_directive" => {}
            "string_literal" | "verbatim_string_literal" | "raw_string_literal" => {
                if let Some(s) = string_value(node, self.src) {
                    self.facts.strings.insert(s);
                }
            }
            "interpolated_string_expression" => {
                if let Some(s) = string_value(node, self.src) {
                    self.facts.strings.insert(s);
                }
                self.walk_children(node, ctx, depth);
            }
            "class_declaration"
            | "struct_declaration"
            | "interface_declaration"
            | "record_declaration"
            | "record_struct_declaration" => {
                self.type_declaration(node, ctx, depth);
            }
            "method_declaration"
            | "constructor_declaration"
            | "destructor_declaration"
            | "operator_declaration"
            | "conversion_operator_declaration"
            | "local_function_statement"
            | "accessor_declaration"
            | "lambda_expression"
            | "anonymous_method_expression" => {
                let named_per_instance = node
                    .field("name")
                    .is_some_and(|n| mentions_per_instance_work(text(n, self.src)));
                let ctx = Ctx {
                    test: ctx.test || self.has_attribute(node, &words().test_method_attributes),
                    per_instance: ctx.per_instance || named_per_instance,
                    ..ctx.function()
                };
                self.vars.push(HashMap::new());
                self.walk_children(node, ctx, depth);
                self.vars.pop();
            }
            "while_statement" | "do_statement" | "for_statement" => {
                let condition = node.field("condition");
                let body = node.field("body");
                let unbounded = match condition {
                    Some(cond) => {
                        unbounded_condition(cond, self.src, 0)
                            && !body.is_some_and(|b| sets_own_flag(cond, b, self.src))
                    }
                    None => node.kind_str() == "for_statement",
                } && !body
                    .is_some_and(|b| consumer_driven(b, self.src) || exits_on_state(b, self.src))
                    && !serves_response(node, self.src);
                // A loop that waits for a state or counts (`while (ShouldWait())`) ends on
                // its own, even inside an endless loop: its delay is a wait, not the period.
                let bounded_wait = condition.is_some() && !unbounded;
                let body_ctx = Ctx {
                    unbounded_loop: (ctx.unbounded_loop && !bounded_wait) || unbounded,
                    ..ctx
                };
                self.walk_fields(node, ctx, depth, &[("body", body_ctx)]);
            }
            "catch_clause" => {
                let body_ctx = Ctx { retry: true, ..ctx };
                self.walk_fields(node, ctx, depth, &[("body", body_ctx)]);
            }
            "switch_section" => {
                let switch = node.parent().and_then(|body| body.parent());
                let on_settings = switch
                    .and_then(|switch| switch.field("value"))
                    .is_some_and(|v| chosen_by_settings(text(v, self.src)));
                let inner = Ctx {
                    optional: match switch {
                        Some(s) if on_settings => Some((s.start_byte(), s.end_byte())),
                        _ => ctx.optional,
                    },
                    ..ctx
                };
                self.walk_children(node, inner, depth);
            }
            "if_statement" => {
                let condition = node.field("condition");
                let retry = condition
                    .is_some_and(|c| mentions(text(c, self.src), &words().retry_condition_words));
                let guard = condition.is_some_and(|c| is_single_instance_guard(text(c, self.src)));
                let temp_guard = condition.is_some_and(|c| names_temp(c, self.src));
                let settings = condition.is_some_and(|c| chosen_by_settings(text(c, self.src)));
                let inner = Ctx {
                    retry: ctx.retry || retry,
                    guarded: ctx.guarded || guard,
                    temp_guard: ctx.temp_guard || temp_guard,
                    optional: if settings {
                        Some(if_chain(node))
                    } else {
                        ctx.optional
                    },
                    ..ctx
                };
                // The `else` of a leader check runs on the other instances.
                let alternative = Ctx {
                    guarded: ctx.guarded,
                    temp_guard: ctx.temp_guard,
                    ..inner
                };
                self.walk_fields(
                    node,
                    ctx,
                    depth,
                    &[("consequence", inner), ("alternative", alternative)],
                );
            }
            "block" => {
                // After `if (!_options.IsLeader) return;` the rest of the block runs on one
                // instance only.
                let mut ctx = ctx;
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    self.walk(child, ctx, depth + 1);
                    if child.kind_str() == "if_statement" && self.is_guard_exit(child) {
                        ctx.guarded = true;
                    }
                }
            }
            "invocation_expression" => {
                self.note_own_call(node);
                self.invocation(node, ctx, depth);
            }
            "return_statement" | "arrow_expression_clause" => {
                self.walk_children(node, ctx, depth);
                self.note_returned_purpose(node);
            }
            "object_creation_expression" | "implicit_object_creation_expression" => {
                self.construction(node, ctx, depth);
            }
            "attribute" => {
                self.attribute(node, ctx);
                self.walk_children(node, ctx, depth);
            }
            "variable_declaration" => {
                self.walk_children(node, ctx, depth);
                self.declare_variables(node);
            }
            "assignment_expression" => {
                self.walk_children(node, ctx, depth);
                self.note_assignment(node);
            }
            "parameter" => {
                self.walk_children(node, ctx, depth);
                if let Some(name) = node.field("name") {
                    let ty = node.field("type").and_then(|t| type_name(t, self.src));
                    self.declare(name, ty, None);
                    let temp = self.receives_temp_path(node);
                    let instance = self.receives_instance_path(node);
                    let bit = Self::parameter_bit(node);
                    let name = text(name, self.src);
                    if let Some(var) = self.vars.last_mut().and_then(|s| s.get_mut(name)) {
                        var.temp |= temp;
                        var.params = bit;
                        var.root = bit.map(|b| b.trailing_zeros() as usize);
                        var.purpose = instance.or(var.purpose);
                    }
                }
            }
            "implicit_parameter" => self.declare(node, None, None),
            "foreach_statement" => {
                if let Some(left) = node.field("left") {
                    if left.kind_str() == "identifier" {
                        // `foreach (var f in dir.GetFiles())`: the element type.
                        let ty = node
                            .field("type")
                            .and_then(|t| type_name(t, self.src))
                            .or_else(|| {
                                node.field("right")
                                    .and_then(|r| self.expression_type(unwrap_expr(r)))
                            });
                        self.declare(left, ty, None);
                        // `foreach (var file in dir.EnumerateFiles())`: built from `dir`.
                        let params = node
                            .child_by_field_name("right")
                            .and_then(|r| self.parameter_mask(r));
                        // `foreach (var d in Directory.GetDirectories(path))`: each entry
                        // lies inside `path`, so it is built on the parameter `path` is.
                        let root = node
                            .child_by_field_name("right")
                            .and_then(|r| self.listing_root(r));
                        let name = text(left, self.src);
                        if let Some(var) = self.vars.last_mut().and_then(|s| s.get_mut(name)) {
                            var.params = params;
                            var.root = root;
                        }
                    }
                }
                self.walk_children(node, ctx, depth);
            }
            "declaration_expression" | "catch_declaration" => {
                if let Some(name) = node.field("name") {
                    let ty = node.field("type").and_then(|t| type_name(t, self.src));
                    self.declare(name, ty, None);
                }
            }
            _ => self.walk_children(node, ctx, depth),
        }
    }

    fn walk_children(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) {
        for child in named_children(node) {
            self.walk(child, ctx, depth + 1);
        }
    }

    /// Walks the children of `node`, those in the named fields with their own context.
    fn walk_fields(&mut self, node: Node<'_>, ctx: Ctx, depth: usize, fields: &[(&str, Ctx)]) {
        let mut cursor = node.walk();
        let mut more = cursor.goto_first_child();
        while more {
            let child = cursor.node();
            if child.is_named() {
                let field = cursor.field_name();
                let child_ctx = fields
                    .iter()
                    .find(|(f, _)| Some(*f) == field)
                    .map_or(ctx, |(_, c)| *c);
                self.walk(child, child_ctx, depth + 1);
            }
            more = cursor.goto_next_sibling();
        }
    }

    /// The name of the innermost class, struct or record declaration around the node
    /// being walked (interfaces and record structs do not count).
    pub(super) fn enclosing_type_name(&self) -> Option<&str> {
        self.types.last().copied().flatten()
    }

    fn type_declaration(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) {
        let named_type = matches!(
            node.kind_str(),
            "class_declaration" | "struct_declaration" | "record_declaration"
        );
        if named_type {
            let src = self.src;
            self.types.push(node.field("name").map(|n| text(n, src)));
        }
        let mut members = HashMap::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind_str() {
                "base_list" => self.base_list(child, ctx),
                "parameter_list" => {
                    let mut c = child.walk();
                    for param in child.named_children(&mut c) {
                        self.member_var(&mut members, param, false);
                    }
                }
                "declaration_list" => {
                    let mut c = child.walk();
                    for member in child.named_children(&mut c) {
                        match member.kind_str() {
                            "field_declaration" | "event_field_declaration" => {
                                let mut c2 = member.walk();
                                for decl in member.named_children(&mut c2) {
                                    if decl.kind_str() == "variable_declaration" {
                                        self.member_vars(&mut members, decl);
                                    }
                                }
                            }
                            "property_declaration" => self.member_var(&mut members, member, true),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        let named_per_instance = node.field("name").is_some_and(|n| {
            let name = text(n, self.src);
            mentions_per_instance_work(name)
                || words()
                    .per_connection_suffixes
                    .iter()
                    .any(|s| name.ends_with(s.as_str()))
        });
        let ctx = Ctx {
            test: ctx.test || self.has_attribute(node, &words().test_class_attributes),
            per_instance: ctx.per_instance || named_per_instance,
            ..ctx
        };
        self.vars.push(members);
        self.walk_children(node, ctx, depth);
        self.vars.pop();
        if named_type {
            self.types.pop();
        }
    }

    fn base_list(&mut self, list: Node<'_>, ctx: Ctx) {
        let mut cursor = list.walk();
        for base in list.named_children(&mut cursor) {
            let Some(name) = base_type(base).and_then(|t| type_name(t, self.src)) else {
                continue;
            };
            let mut event = Event::new(
                EventKind::Subclass,
                self.file.resolve_type(&name),
                base.byte_range(),
            );
            event.context = ctx.set();
            self.facts.events.push(event);
        }
    }

    fn attribute(&mut self, node: Node<'_>, ctx: Ctx) {
        let Some(name) = node.field("name").and_then(|n| dotted(n, self.src)) else {
            return;
        };
        let mut targets = Vec::new();
        if !name.ends_with("Attribute") {
            targets.extend(self.file.resolve_type(&format!("{name}Attribute")));
        }
        targets.extend(self.file.resolve_type(&name));
        let mut event = Event::new(EventKind::Annotation, targets, node.byte_range());
        let mut cursor = node.walk();
        for list in node.named_children(&mut cursor) {
            if list.kind_str() == "attribute_argument_list" {
                let mut c = list.walk();
                for arg in list.named_children(&mut c) {
                    if let Some(expr) = last_named_child(arg) {
                        event.args.push(self.arg(expr));
                    }
                }
            }
        }
        event.context = ctx.set();
        self.facts.events.push(event);
    }

    /// Records a call target among the file's calls, and whether a setting chooses it.
    fn note_call(&mut self, target: String, ctx: Ctx) {
        self.branch_calls.note(&target, ctx.optional);
        self.facts.calls.insert(target);
    }

    fn invocation(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) {
        let function = node.field("function");
        let arguments = node.field("arguments");
        let mut targets = Vec::new();
        let mut start = node.start_byte();
        let mut receiver = None;
        let mut method_name = None;
        if let Some(function) = function {
            let (method, name_node, recv) = match function.kind_str() {
                "member_access_expression" => (
                    function.field("name"),
                    function.field("name"),
                    function.field("expression"),
                ),
                "conditional_access_expression" => {
                    let binding = last_named_child(function);
                    let name = binding
                        .filter(|b| b.kind_str() == "member_binding_expression")
                        .and_then(|b| b.field("name"));
                    (name, name, function.field("condition"))
                }
                "identifier" | "generic_name" => (Some(function), None, None),
                _ => (None, None, None),
            };
            // Generic calls are also recorded with their type arguments, so mitigations can
            // name `Configure<KeyManagementOptions>`.
            if let Some(generic) = method.filter(|m| m.kind_str() == "generic_name") {
                let written: String = text(generic, self.src)
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                self.note_call(written, ctx);
            }
            let method = method.and_then(|m| dotted(m, self.src));
            if let Some(method) = &method {
                targets = self.call_targets(method, recv);
                for target in &targets {
                    self.note_call(target.clone(), ctx);
                }
                self.note_call(method.clone(), ctx);
            }
            receiver = recv;
            method_name = method;
            // A call at the end of a multi-line chain is reported on its own line.
            if let (Some(name), Some(recv)) = (name_node, recv) {
                if recv.start_row() != name.start_row() {
                    start = name.start_byte();
                }
            }
        }
        let mut args = arguments.map(|a| self.args(a)).unwrap_or_default();
        if ctx.temp_guard {
            if let Some(first @ Arg::Other { path_like: true }) = args.first_mut() {
                *first = Arg::TempPath;
            }
        }
        let event_index = (!targets.is_empty()).then_some(self.facts.events.len());
        let args_for_calls = if targets.is_empty() {
            std::mem::take(&mut args)
        } else {
            Vec::new()
        };
        if !targets.is_empty() {
            let mut event = Event::new(EventKind::Call, targets.clone(), start..node.end_byte());
            event.args = args;
            event.args_text = arguments
                .map(|a| args_text(a, self.src))
                .unwrap_or_default();
            event.chain = receiver.map(|r| self.chain(r)).unwrap_or_default();
            event.context = ctx.set();
            if arguments.is_some_and(|a| mentions(text(a, self.src), &words().retry_arg_words)) {
                event.context.insert(Context::Retry);
            }
            // `Thread.Sleep(0)`, `Task.Delay(1)`: a spin loop yielding its time slice, not
            // a period.
            let yields = method_is(&targets, &["Sleep", "Delay"])
                && arguments
                    .and_then(|a| a.named_child(0))
                    .and_then(last_named_child)
                    .is_some_and(|first| {
                        matches!(text(first, self.src), "0" | "1" | "TimeSpan.Zero")
                    });
            if yields {
                event.context.remove(&Context::UnboundedLoop);
            }
            if ctx.unbounded_loop && crate::work::wanted(event.targets.iter()) {
                event.work = self.loop_work(node);
                drop_named_per_instance(&mut event);
            } else if targets
                .iter()
                .any(|t| t.starts_with("System.Reactive.Linq.Observable."))
                && crate::work::wanted(event.targets.iter())
            {
                event.work = self.subscription_work(node);
            }
            event.forwarded = self.forwarded(node, &event.args, arguments, receiver);
            self.assume_temp_params(node, &mut event, arguments);
            if !ctx.unbounded_loop && method_is(&targets, &["Sleep", "Delay"]) {
                self.note_delay_helper(node);
            }
            self.note_eviction_wrapper(node, &targets);
            event.words = self.enclosing_words(node);
            // `info.Delete()` on `new FileInfo(path)`: the path is the call's first one.
            if let Some((_, path)) = receiver.and_then(|r| self.receiver_file(r)) {
                if let Some(assumed) = &mut event.assumed {
                    assumed.args.insert(0, path.clone());
                }
                event.args.insert(0, path);
            }
            let wrapped = method_name
                .as_deref()
                .and_then(|m| self.wrapped_eviction(m, receiver, &targets, &event));
            self.facts.events.push(event);
            self.facts.events.extend(wrapped);
        }
        // `Task.Delay` itself is matched as it is.
        let duration = arguments
            .and_then(|a| a.named_child(0))
            .is_some_and(|first| looks_like_duration(text(first, self.src)));
        let pause = method_name
            .as_deref()
            .is_some_and(|m| crate::frontend::words::names_a_pause(last_segment(m)));
        let own_method = (duration || pause)
            && !method_is(&targets, &["Sleep", "Delay"])
            && node.parent().is_some_and(|p| {
                matches!(p.kind_str(), "await_expression" | "expression_statement")
            });
        if let (true, true, Some(method)) = (ctx.unbounded_loop, own_method, &method_name) {
            let helper = self.delay_helper_call(method, node, ctx, start);
            self.facts.events.push(helper);
        }
        // A call of the project's own method (not a framework API).
        let framework = self.calls_framework(receiver);
        if let (Some(method), false) = (&method_name, framework) {
            let args = event_index
                .and_then(|i| self.facts.events.get(i))
                .map_or(args_for_calls, |e| e.args.clone());
            self.note_shared_path_args(start..node.end_byte(), method, receiver, &args, arguments);
            self.note_arg_flows(node, method, &args, arguments);
        }
        if let Some(method) = &method_name {
            if !self.note_transfer(node, method, arguments, receiver) {
                self.note_path_use(node, method, arguments, receiver, event_index);
            }
        }
        if let Some(function) = function {
            self.walk(function, ctx, depth + 1);
        }
        if let Some(arguments) = arguments {
            let spawns = targets.iter().any(|t| words().spawners.contains(t));
            let arg_ctx = Ctx {
                spawned: ctx.spawned || spawns,
                ..ctx
            };
            self.walk(arguments, arg_ctx, depth + 1);
        }
    }

    fn construction(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) {
        let ty = if node.kind_str() == "object_creation_expression" {
            node.field("type").and_then(|t| type_name(t, self.src))
        } else {
            self.target_type(node)
        };
        let arguments = if node.kind_str() == "object_creation_expression" {
            node.field("arguments")
        } else {
            first_child_of_kind(node, "argument_list")
        };
        let mut spawns = false;
        if let Some(ty) = ty {
            let targets = self.file.resolve_type(&ty);
            spawns = targets.iter().any(|t| words().spawning_types.contains(t));
            // Constructions count as calls of `new T` for file- and project-wide conditions.
            self.facts
                .calls
                .extend(targets.iter().map(|t| format!("new {t}")));
            let mut event = Event::new(EventKind::Construct, targets, node.byte_range());
            event.args = arguments.map(|a| self.args(a)).unwrap_or_default();
            event.forwarded = self.forwarded(node, &event.args, arguments, None);
            self.assume_temp_params(node, &mut event, arguments);
            event.context = ctx.set();
            // What the object is for, as its name says (`_logRateLimiter`).
            if let Some(name) = self.initialised_name(node) {
                let mut words = crate::reach::words::split_words(name);
                words.sort();
                words.dedup();
                event.words = words;
            }
            let names_own_work = self.constructs_per_instance_work(node, arguments);
            // A one-shot timer in a scheduler (`class DailyTrigger`) is armed for the next
            // occurrence of a schedule: still a recurring job.
            if self.fires_once(&event.targets, node, arguments)
                && !self
                    .enclosing_type_name()
                    .is_some_and(|t| mentions(t, &words().scheduler_words))
            {
                event.context.insert(Context::SelfCancelling);
            }
            if event.targets.iter().any(|t| t.ends_with("Timer")) {
                if crate::work::wanted(event.targets.iter()) {
                    event.work = self.timer_work(node, arguments);
                    drop_named_per_instance(&mut event);
                }
                if self.callback_stops_timer(node, arguments) {
                    event.context.insert(Context::SelfCancelling);
                }
                if super::operation_timer::ends_with_operation(node, self.src) {
                    event.context.insert(Context::PerOperation);
                }
            }
            if names_own_work {
                event.context.insert(Context::PerInstance);
            }
            self.facts.events.push(event);
            let name = last_segment(ty.as_str()).to_string();
            let index = self.facts.events.len() - 1;
            self.note_path_use(node, &name, arguments, None, Some(index));
        }
        let arg_ctx = Ctx {
            spawned: ctx.spawned || spawns,
            ..ctx
        };
        let type_node = node.field("type");
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            if Some(child) == arguments {
                self.walk(child, arg_ctx, depth + 1);
            } else if Some(child) != type_node {
                self.walk(child, ctx, depth + 1);
            }
        }
    }
}

/// A condition that names a temporary file or folder (`isSafePathTemp`, `tempFile != null`,
/// `!options.KeepTempFiles`), not one that only passes it along (`Exists(tmp)` counts too:
/// it is about the temporary file).
fn names_temp(condition: Node<'_>, src: &str) -> bool {
    let mut found = false;
    let mut seen = 0usize;
    for_each_node(condition, |node| {
        seen += 1;
        if found || seen > super::MAX_SCAN {
            return false;
        }
        if node.kind_str() == "identifier" {
            found = crate::frontend::words::is_temp_name(text(node, src));
        }
        true
    });
    found
}

/// A recurring body whose calls do known shared work (a database write, an e-mail) is not
/// made this instance's own by the name of the class or method around it
/// (`ProcessMetricsService` rolling statistics up into a shared table); only its callback's
/// own name says so (`new Timer(SendHeartbeat, ..)`).
fn drop_named_per_instance(event: &mut Event) {
    if event
        .work
        .as_ref()
        .is_some_and(crate::work::Work::is_shared)
    {
        event.context.remove(&Context::PerInstance);
    }
}
