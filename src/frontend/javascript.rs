//! JavaScript and TypeScript frontend (tree-sitter).
//!
//! Two passes over one tree: the first records every declaration with its scope and,
//! for imports and `require`s, the module path it stands for; the second emits events
//! whose callee is resolved through those bindings, with loop/retry/timer contexts.

use super::tree::{first_syntax_error, parse, text};
use super::words::{is_single_instance_guard, looks_retry, mentions_per_instance_work};
use super::Extracted;
use crate::event::{Arg, Context, Event, EventKind, FileFacts};
use std::collections::{HashMap, HashSet};
use tree_sitter::Node;

/// Which grammar to parse with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// JavaScript, including JSX.
    JavaScript,
    /// TypeScript.
    TypeScript,
    /// TypeScript with JSX.
    Tsx,
}

/// Deeper subtrees are not analysed (their facts are lost, the scan goes on).
const MAX_DEPTH: usize = 1_500;

/// Modules that mark a file as browser code.
const BROWSER_MODULES: &[&str] = &[
    "react",
    "react-dom",
    "react-dom/client",
    "vue",
    "svelte",
    "preact",
    "solid-js",
    "@angular/core",
    "jquery",
    "lit",
];
/// Command-line argument parsers, prompts, code generators and bundlers: a file importing
/// one is a CLI script or build tool, not a server.
const CLI_MODULES: &[&str] = &[
    "commander",
    "yargs",
    "yargs/yargs",
    "meow",
    "minimist",
    "cac",
    "@oclif/core",
    "sade",
    "arg",
    // Terminal prompts and spinners: someone is at a keyboard, not behind a load balancer.
    "inquirer",
    "@inquirer/prompts",
    "prompts",
    "enquirer",
    "@clack/prompts",
    "ora",
    // Code generators run by developers.
    "@nx/devkit",
    "@angular-devkit/schematics",
    "yeoman-generator",
    "plop",
    "node-plop",
    // Bundlers, compilers and doc generators driven from build scripts. (Not `webpack` or
    // `vite`: dev servers embed them as middleware.)
    "esbuild",
    "rollup",
    "tsup",
    "ts-morph",
    "typedoc",
    "react-docgen",
    "jscodeshift",
];
/// Modules that mark a file as test code.
const TEST_MODULES: &[&str] = &[
    "vitest",
    "@jest/globals",
    "node:test",
    "test",
    "mocha",
    "chai",
    "ava",
    "tap",
    "@playwright/test",
    "supertest",
];
/// Event names whose handlers are error handling (a reconnect there is a back-off).
const ERROR_EVENTS: &[&str] = &[
    "error",
    "close",
    "disconnect",
    "end",
    "exit",
    "reconnect",
    "uncaughtException",
    "unhandledRejection",
];

/// Extracts facts from JavaScript or TypeScript source.
pub fn extract(src: &str, dialect: Dialect) -> Extracted {
    let language = match dialect {
        Dialect::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        Dialect::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Dialect::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
    };
    let Some(mut tree) = parse(&language, src) else {
        return Extracted::default();
    };
    if dialect == Dialect::JavaScript && tree.root_node().has_error() {
        // Flow-typed JavaScript (`// @flow`, `import type`, `x: string`) is not
        // JavaScript to tree-sitter-javascript, but TSX's grammar reads most of it.
        let tsx = tree_sitter_typescript::LANGUAGE_TSX.into();
        if let Some(retry) = parse(&tsx, src).filter(|t| !t.root_node().has_error()) {
            tree = retry;
        }
    }
    let root = tree.root_node();
    let mut scopes = Scopes::default();
    let mut facts = FileFacts::default();
    collect(
        root,
        src,
        root.byte_range().into(),
        root.byte_range().into(),
        &mut scopes,
        &mut facts,
        0,
    );
    // Twice, so a helper that hands its parameter to another helper is seen too.
    for _ in 0..2 {
        bind_temp_parameters(root, src, &mut scopes);
    }
    let mut callees = HashMap::new();
    collect_callees(root, src, &mut Vec::new(), &mut callees, 0);
    let mut emitter = Emitter {
        src,
        scopes: &scopes,
        callees,
        facts,
        functions: Vec::new(),
    };
    if is_use_client(root, src) || is_amd_module(root, src) {
        emitter.facts.file_context.insert(Context::ClientSide);
    }
    if src.starts_with("#!") {
        // `#!/usr/bin/env node`: a command-line script.
        emitter.facts.file_context.insert(Context::Tooling);
    }
    emitter.visit(root, Ctx::default(), 0);
    Extracted {
        facts: emitter.facts,
        syntax_error: first_syntax_error(&tree),
    }
}

/// A byte range that bounds a declaration's visibility.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Scope {
    start: usize,
    end: usize,
}

impl From<std::ops::Range<usize>> for Scope {
    fn from(r: std::ops::Range<usize>) -> Self {
        Scope {
            start: r.start,
            end: r.end,
        }
    }
}

/// What a declared name stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Binding {
    /// A module or a member of one: `fs`, `fs/promises.writeFile`, `node-cron`.
    Module(String),
    /// A local function that wraps `setTimeout` in a promise (`const sleep = ms => new Promise(...)`).
    Delay,
    /// A local holding a path in the temporary directory (`const f = await tmpFile()`).
    TempPath,
    /// A local initialised with an object literal with these keys (`const sess = { secret }`),
    /// so `session(sess)` can be checked like `session({ secret })`.
    Object(Vec<String>),
    /// Anything else declared in the file: a variable, parameter, class or function.
    Local,
}

#[derive(Debug, Default)]
struct Scopes {
    decls: HashMap<String, Vec<(Scope, Binding)>>,
}

impl Scopes {
    fn declare(&mut self, name: &str, scope: Scope, binding: Binding) {
        self.decls
            .entry(name.to_string())
            .or_default()
            .push((scope, binding));
    }

    /// Replaces what `name` declared exactly at `scope` stands for.
    fn rebind(&mut self, name: &str, scope: Scope, binding: Binding) {
        if let Some(decls) = self.decls.get_mut(name) {
            for (s, b) in decls.iter_mut().filter(|(s, _)| *s == scope) {
                let _ = s;
                *b = binding.clone();
            }
        }
    }

    /// The innermost declaration of `name` visible at byte `at`; `None` means a global.
    fn lookup(&self, name: &str, at: usize) -> Option<&Binding> {
        self.decls
            .get(name)?
            .iter()
            .filter(|(s, _)| s.start <= at && at < s.end.max(s.start + 1))
            .min_by_key(|(s, _)| s.end - s.start)
            .map(|(_, b)| b)
    }

    /// The module path an expression stands for, if any: `fs.promises.writeFile` after
    /// `const fs = require('fs')` gives `fs/promises.writeFile`; an unshadowed global
    /// `setInterval` gives `globalThis.setInterval`.
    fn path_of(&self, node: Node<'_>, src: &str) -> Option<String> {
        match node.kind() {
            "identifier" => {
                let name = text(node, src);
                match self.lookup(name, node.start_byte()) {
                    Some(Binding::Module(m)) => Some(m.clone()),
                    Some(_) => None,
                    None if matches!(name, "globalThis" | "global" | "window" | "self") => {
                        Some("globalThis".to_string())
                    }
                    None => Some(format!("globalThis.{name}")),
                }
            }
            "member_expression" => {
                let object = node.child_by_field_name("object")?;
                let property = node.child_by_field_name("property")?;
                let base = self.path_of(object, src)?;
                Some(normalize(&format!("{base}.{}", text(property, src))))
            }
            "subscript_expression" => {
                let object = node.child_by_field_name("object")?;
                let index = string_value(node.child_by_field_name("index")?, src)?;
                let base = self.path_of(object, src)?;
                Some(normalize(&format!("{base}.{index}")))
            }
            "call_expression" => self
                .required_module(node, src)
                .or_else(|| self.identity_call(node, src)),
            "parenthesized_expression"
            | "await_expression"
            | "non_null_expression"
            | "as_expression"
            | "satisfies_expression" => self.path_of(node.named_child(0)?, src),
            _ => None,
        }
    }

    /// `require('x')`, `import('x')` or `promisify(fs.writeFile)`: the module path.
    fn required_module(&self, call: Node<'_>, src: &str) -> Option<String> {
        let function = call.child_by_field_name("function")?;
        let first = call
            .child_by_field_name("arguments")
            .and_then(|a| a.named_child(0))?;
        let is_loader = match function.kind() {
            "import" => true,
            "identifier" => {
                text(function, src) == "require"
                    && self.lookup("require", function.start_byte()).is_none()
            }
            _ => false,
        };
        if is_loader {
            return string_value(first, src).map(|spec| module_name(&spec));
        }
        match self.path_of(function, src)?.as_str() {
            "util.promisify" => self.path_of(first, src),
            _ => None,
        }
    }

    /// `require('sqlite3').verbose()` returns the module itself.
    fn identity_call(&self, call: Node<'_>, src: &str) -> Option<String> {
        let function = call.child_by_field_name("function")?;
        let property = function.child_by_field_name("property")?;
        if text(property, src) != "verbose" {
            return None;
        }
        self.path_of(function.child_by_field_name("object")?, src)
    }
}

/// Canonical module name: no `node:` prefix.
fn module_name(spec: &str) -> String {
    spec.strip_prefix("node:").unwrap_or(spec).to_string()
}

/// Canonical path: `fs.promises.x` is `fs/promises.x`; `.default` of a module is the module.
fn normalize(path: &str) -> String {
    let path = path.replace(".default.", ".");
    let path = path.strip_suffix(".default").unwrap_or(&path);
    match path.strip_prefix("fs.promises") {
        Some(rest) => format!("fs/promises{rest}"),
        None => path.to_string(),
    }
}

/// The value of a string literal or a template string without substitutions.
fn string_value(node: Node<'_>, src: &str) -> Option<String> {
    let literal = match node.kind() {
        "string" => true,
        "template_string" => !named_children(node).any(|c| c.kind() == "template_substitution"),
        _ => false,
    };
    literal.then(|| {
        let t = text(node, src);
        t.get(1..t.len().saturating_sub(1))
            .unwrap_or("")
            .to_string()
    })
}

fn named_children<'t>(node: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    (0..node.named_child_count()).filter_map(move |i| node.named_child(i as u32))
}

fn is_function(kind: &str) -> bool {
    matches!(
        kind,
        "function_declaration"
            | "function_expression"
            | "function"
            | "arrow_function"
            | "method_definition"
            | "generator_function_declaration"
            | "generator_function"
    )
}

fn is_block_scope(kind: &str) -> bool {
    matches!(
        kind,
        "statement_block" | "for_statement" | "for_in_statement" | "switch_body" | "class_body"
    )
}

/// Pass 1: declarations, with the scope each is visible in.
fn collect(
    node: Node<'_>,
    src: &str,
    block: Scope,
    func: Scope,
    scopes: &mut Scopes,
    facts: &mut FileFacts,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let kind = node.kind();
    match kind {
        "import_statement" => collect_import(node, src, func, scopes, facts),
        "variable_declarator" => {
            let is_var = node
                .parent()
                .is_some_and(|p| p.kind() == "variable_declaration");
            let scope = if is_var { func } else { block };
            if let Some(name) = node.child_by_field_name("name") {
                let binding = match node.child_by_field_name("value") {
                    Some(value) if wraps_set_timeout(value, src) => Binding::Delay,
                    Some(value) => value_binding(value, src, scopes),
                    None => Binding::Local,
                };
                bind_pattern(name, src, scope, &binding, scopes);
            }
        }
        "function_declaration"
        | "generator_function_declaration"
        | "class_declaration"
        | "abstract_class_declaration" => {
            if let Some(name) = node.child_by_field_name("name") {
                let binding = if wraps_set_timeout(node, src) {
                    Binding::Delay
                } else {
                    Binding::Local
                };
                scopes.declare(text(name, src), block, binding);
            }
        }
        "catch_clause" => {
            if let Some(p) = node.child_by_field_name("parameter") {
                bind_pattern(p, src, node.byte_range().into(), &Binding::Local, scopes);
            }
        }
        "for_in_statement" => {
            if let Some(left) = node.child_by_field_name("left") {
                bind_pattern(left, src, node.byte_range().into(), &Binding::Local, scopes);
            }
        }
        _ => {}
    }
    let (mut block, mut func) = (block, func);
    if is_function(kind) {
        let own: Scope = node.byte_range().into();
        if kind != "function_declaration" {
            if let Some(name) = node.child_by_field_name("name") {
                if name.kind() == "identifier" {
                    scopes.declare(text(name, src), own, Binding::Local);
                }
            }
        }
        for field in ["parameters", "parameter"] {
            if let Some(params) = node.child_by_field_name(field) {
                bind_pattern(params, src, own, &Binding::Local, scopes);
            }
        }
        block = own;
        func = own;
    } else if is_block_scope(kind) {
        block = node.byte_range().into();
    }
    for child in named_children(node) {
        collect(child, src, block, func, scopes, facts, depth + 1);
    }
}

fn collect_import(
    node: Node<'_>,
    src: &str,
    scope: Scope,
    scopes: &mut Scopes,
    facts: &mut FileFacts,
) {
    let Some(module) = node
        .child_by_field_name("source")
        .and_then(|s| string_value(s, src))
        .map(|s| module_name(&s))
    else {
        // `import fs = require('fs')` (TypeScript).
        if let Some(clause) = named_children(node).find(|c| c.kind() == "import_require_clause") {
            let module = clause
                .child_by_field_name("source")
                .and_then(|s| string_value(s, src))
                .map(|s| module_name(&s));
            if let (Some(module), Some(name)) = (module, clause.named_child(0)) {
                scopes.declare(text(name, src), scope, Binding::Module(module));
            }
        }
        return;
    };
    note_module(&module, facts);
    for clause in named_children(node).filter(|c| c.kind() == "import_clause") {
        for part in named_children(clause) {
            match part.kind() {
                "identifier" => {
                    scopes.declare(text(part, src), scope, Binding::Module(module.clone()))
                }
                "namespace_import" => {
                    if let Some(name) = part.named_child(0) {
                        scopes.declare(text(name, src), scope, Binding::Module(module.clone()));
                    }
                }
                "named_imports" => {
                    for spec in named_children(part).filter(|s| s.kind() == "import_specifier") {
                        let Some(name) = spec.child_by_field_name("name") else {
                            continue;
                        };
                        let imported =
                            string_value(name, src).unwrap_or_else(|| text(name, src).to_string());
                        let local = spec.child_by_field_name("alias").unwrap_or(name);
                        let path = normalize(&format!("{module}.{imported}"));
                        scopes.declare(text(local, src), scope, Binding::Module(path));
                    }
                }
                _ => {}
            }
        }
    }
}

/// File-wide contexts implied by an imported module.
fn note_module(module: &str, facts: &mut FileFacts) {
    if BROWSER_MODULES.contains(&module) || module.starts_with("@angular/") {
        facts.file_context.insert(Context::ClientSide);
    }
    if TEST_MODULES.contains(&module) {
        facts.file_context.insert(Context::Test);
    }
    if CLI_MODULES.contains(&module) {
        facts.file_context.insert(Context::Tooling);
    }
}

/// What a declarator's value makes its name stand for.
fn value_binding(value: Node<'_>, src: &str, scopes: &Scopes) -> Binding {
    if is_temp_path_value(value, src) || is_temp_path_node(value, src, scopes, 0) {
        return Binding::TempPath;
    }
    if value.kind() == "object" {
        return Binding::Object(object_keys(value, src));
    }
    match value.kind() {
        "identifier"
        | "member_expression"
        | "subscript_expression"
        | "call_expression"
        | "await_expression"
        | "parenthesized_expression"
        | "as_expression"
        | "non_null_expression" => match scopes.path_of(value, src) {
            // Globals (`const x = foo`, `const t = globalThis.setTimeout`) are not modules.
            Some(path) if path == "globalThis" || path.starts_with("globalThis.") => Binding::Local,
            Some(path) => Binding::Module(path),
            None => Binding::Local,
        },
        _ => Binding::Local,
    }
}

/// Declares every name a pattern binds. Destructuring a module binds its members:
/// `const { writeFile: w } = require('fs')` makes `w` stand for `fs.writeFile`.
fn bind_pattern(
    pattern: Node<'_>,
    src: &str,
    scope: Scope,
    binding: &Binding,
    scopes: &mut Scopes,
) {
    let member = |key: &str| match binding {
        Binding::Module(m) => Binding::Module(normalize(&format!("{m}.{key}"))),
        // `const { path } = req.file`, `const { name } = tmp.fileSync()`.
        Binding::TempPath if matches!(key, "path" | "filepath" | "tempFilePath" | "name") => {
            Binding::TempPath
        }
        _ => Binding::Local,
    };
    match pattern.kind() {
        "identifier" | "shorthand_property_identifier_pattern" => {
            scopes.declare(text(pattern, src), scope, binding.clone());
        }
        "object_pattern" => {
            for prop in named_children(pattern) {
                match prop.kind() {
                    "shorthand_property_identifier_pattern" => {
                        let key = text(prop, src);
                        scopes.declare(key, scope, member(key));
                    }
                    "object_assignment_pattern" => {
                        if let Some(left) = prop.child_by_field_name("left") {
                            let key = text(left, src);
                            bind_pattern(left, src, scope, &member(key), scopes);
                        }
                    }
                    "pair_pattern" => {
                        let key = prop.child_by_field_name("key").map(|k| {
                            string_value(k, src).unwrap_or_else(|| text(k, src).to_string())
                        });
                        if let (Some(key), Some(value)) = (key, prop.child_by_field_name("value")) {
                            bind_pattern(value, src, scope, &member(&key), scopes);
                        }
                    }
                    _ => bind_pattern(prop, src, scope, &Binding::Local, scopes),
                }
            }
        }
        "assignment_pattern" => {
            if let Some(left) = pattern.child_by_field_name("left") {
                bind_pattern(left, src, scope, binding, scopes);
            }
        }
        "required_parameter" | "optional_parameter" => {
            if let Some(p) = pattern
                .child_by_field_name("pattern")
                .or_else(|| pattern.child_by_field_name("name"))
            {
                bind_pattern(p, src, scope, &Binding::Local, scopes);
            }
        }
        "array_pattern" | "rest_pattern" | "formal_parameters" => {
            for child in named_children(pattern) {
                bind_pattern(child, src, scope, &Binding::Local, scopes);
            }
        }
        _ => {}
    }
}

/// A function (or declarator value) whose body wraps `setTimeout` in a promise: a sleep helper.
fn wraps_set_timeout(node: Node<'_>, src: &str) -> bool {
    let function = if is_function(node.kind()) {
        node
    } else {
        return false;
    };
    let body = text(function, src);
    body.len() < 400 && body.contains("Promise") && body.contains("setTimeout")
}

/// A RequireJS/AMD module (`define([...], function (...) {...})` at the top level): browser code.
fn is_amd_module(root: Node<'_>, src: &str) -> bool {
    named_children(root).any(|stmt| {
        stmt.kind() == "expression_statement"
            && stmt
                .named_child(0)
                .filter(|c| c.kind() == "call_expression")
                .and_then(|c| c.child_by_field_name("function"))
                .is_some_and(|f| text(f, src) == "define")
    })
}

fn is_use_client(root: Node<'_>, src: &str) -> bool {
    root.named_child(0).is_some_and(|first| {
        first.kind() == "expression_statement"
            && first
                .named_child(0)
                .and_then(|s| string_value(s, src))
                .is_some_and(|s| s == "use client")
    })
}

/// Contexts inherited down the tree in pass 2.
#[derive(Debug, Clone, Copy, Default)]
struct Ctx {
    /// Inside an unbounded loop of the current function.
    unbounded_loop: bool,
    /// Inside error handling.
    retry: bool,
    /// Behind a check that only one instance runs jobs (`if (isLeader)`, an early
    /// `if (!nconf.get('runJobs')) return;`).
    guarded: bool,
    /// Inside `if (isDev)` / `if (process.env.NODE_ENV !== 'production')`: never in production.
    dev_only: bool,
}

struct Emitter<'a> {
    src: &'a str,
    scopes: &'a Scopes,
    /// For each named function, the functions its body calls (as referenced: `tick`, `this.poll`).
    callees: HashMap<String, HashSet<String>>,
    facts: FileFacts,
    /// Names of the enclosing functions, innermost last.
    functions: Vec<String>,
}

fn looks_error_condition(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    looks_retry(&t) || t.contains("err") || t.contains("fail")
}

/// A condition under which code only runs in development or tests: `isDev`,
/// `process.env.NODE_ENV !== 'production'`, `NODE_ENV === 'test'`.
fn is_dev_only_condition(condition: &str) -> bool {
    let c = condition.to_ascii_lowercase();
    let squashed: String = c.chars().filter(|ch| !ch.is_whitespace()).collect();
    let env = squashed.contains("node_env") || squashed.contains("app_env");
    squashed.contains("isdev")
        || squashed.contains("devmode")
        || (env
            && (squashed.contains("==='development'") || squashed.contains("==\"development\"")))
        || (env && squashed.contains("!==") && squashed.contains("production"))
        || (env && (squashed.contains("==='test'") || squashed.contains("===\"test\"")))
}

/// `while (true)`, `while (!stopped)`, `for (;;)`: no counting bound.
fn is_unbounded_condition(condition: Option<Node<'_>>, src: &str) -> bool {
    let Some(mut c) = condition else {
        return true;
    };
    while c.kind() == "parenthesized_expression" {
        match c.named_child(0) {
            Some(inner) => c = inner,
            None => return true,
        }
    }
    if c.kind() == "empty_statement" || text(c, src).trim() == ";" {
        return true;
    }
    if c.kind() == "binary_expression" {
        let op = c
            .child_by_field_name("operator")
            .map(|o| text(o, src))
            .unwrap_or("");
        let side = |field| is_unbounded_condition(c.child_by_field_name(field), src);
        return match op {
            "<" | "<=" | ">" | ">=" | "==" | "===" | "!=" | "!==" => false,
            // `attempt < 20 && !found` is bounded by its counter.
            "&&" => side("left") && side("right"),
            _ => true,
        };
    }
    !matches!(c.kind(), "number" | "false" | "null" | "undefined")
}

/// A loop whose body is a single statement (`while (paused) await sleep(200);`): with a real
/// condition it waits for that condition and does no recurring work of its own.
fn is_wait_loop(body: Option<Node<'_>>) -> bool {
    let Some(mut body) = body else {
        return false;
    };
    if body.kind() == "statement_block" {
        let mut statements = named_children(body).filter(|n| n.kind() != "comment");
        match (statements.next(), statements.next()) {
            (Some(only), None) => body = only,
            _ => return false,
        }
    }
    body.kind() == "expression_statement"
}

/// A loop body that leaves the loop when its work is done (`if (!rows.length) break;`):
/// a batch loop, not a periodic job. Exits guarded by a shutdown check
/// (`if (signal.aborted) return;`) do not count; nested loops and functions are not searched.
fn exits_when_done(node: Node<'_>, src: &str, depth: usize) -> bool {
    if depth > 60 {
        return false;
    }
    match node.kind() {
        "break_statement" | "return_statement" => true,
        "if_statement" => {
            let shutdown = node.child_by_field_name("condition").is_some_and(|c| {
                let t = text(c, src).to_ascii_lowercase();
                [
                    "abort",
                    "stop",
                    "shutdown",
                    "shuttingdown",
                    "closing",
                    "closed",
                    "cancel",
                    "running",
                    "exit",
                    "disposed",
                ]
                .iter()
                .any(|w| t.contains(w))
            });
            !shutdown
                && named_children(node)
                    .skip(1)
                    .any(|c| exits_when_done(c, src, depth + 1))
        }
        "switch_statement" | "while_statement" | "do_statement" | "for_statement"
        | "for_in_statement" => false,
        kind if is_function(kind) || kind == "class_declaration" => false,
        _ => named_children(node).any(|c| exits_when_done(c, src, depth + 1)),
    }
}

/// Records, for every named function, the references its body calls.
fn collect_callees(
    node: Node<'_>,
    src: &str,
    stack: &mut Vec<String>,
    out: &mut HashMap<String, HashSet<String>>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let pushed = is_function(node.kind())
        && match function_reference(node, src) {
            Some(name) => {
                stack.push(name);
                true
            }
            None => false,
        };
    if node.kind() == "call_expression" {
        if let Some(f) = node
            .child_by_field_name("function")
            .filter(|f| matches!(f.kind(), "identifier" | "member_expression"))
        {
            let reference: String = text(f, src).split_whitespace().collect();
            for caller in stack.iter() {
                out.entry(caller.clone())
                    .or_default()
                    .insert(reference.clone());
            }
        }
    }
    for child in named_children(node) {
        collect_callees(child, src, stack, out, depth + 1);
    }
    if pushed {
        stack.pop();
    }
}

/// How code refers to a function when it calls it: `tick` for a declaration or a
/// `const tick = () => ...`, `this.poll` for a method or class field, `jobs.run` for
/// `jobs.run = function () {...}`.
fn function_reference(node: Node<'_>, src: &str) -> Option<String> {
    let compact = |n: Node<'_>| text(n, src).split_whitespace().collect::<String>();
    if node.kind() == "method_definition" {
        return node
            .child_by_field_name("name")
            .map(|n| format!("this.{}", text(n, src)));
    }
    if let Some(name) = node.child_by_field_name("name") {
        return Some(text(name, src).to_string());
    }
    let parent = node.parent()?;
    match parent.kind() {
        "variable_declarator" => parent.child_by_field_name("name").map(compact),
        "pair" => parent
            .child_by_field_name("key")
            .map(|k| format!("this.{}", text(k, src))),
        "public_field_definition" | "field_definition" => parent
            .child_by_field_name("name")
            .or_else(|| parent.child_by_field_name("property"))
            .map(|k| format!("this.{}", text(k, src))),
        "assignment_expression" => parent.child_by_field_name("left").map(compact),
        _ => None,
    }
}

impl Emitter<'_> {
    fn visit(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let kind = node.kind();
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
            "import_statement" => {
                if let Some(m) = node
                    .child_by_field_name("source")
                    .and_then(|s| string_value(s, self.src))
                {
                    note_module(&module_name(&m), &mut self.facts);
                }
            }
            _ => {}
        }
        if is_function(kind) {
            let name = function_reference(node, self.src).unwrap_or_default();
            let inner = Ctx {
                unbounded_loop: is_promise_executor(node, self.scopes, self.src)
                    && ctx.unbounded_loop,
                retry: ctx.retry || looks_retry(&name),
                guarded: ctx.guarded,
                dev_only: ctx.dev_only,
            };
            self.functions.push(name);
            self.visit_children(node, inner, depth);
            self.functions.pop();
            return;
        }
        match kind {
            "while_statement" | "do_statement" | "for_statement" => {
                let condition = node.child_by_field_name("condition");
                let unbounded = is_unbounded_condition(condition, self.src)
                    && !(is_wait_loop(node.child_by_field_name("body"))
                        && condition.is_some_and(|c| {
                            !matches!(text(c, self.src), "(true)" | "(1)" | "true" | "1")
                        }))
                    && !node
                        .child_by_field_name("body")
                        .is_some_and(|b| exits_when_done(b, self.src, 0));
                for child in named_children(node) {
                    let in_body = node.child_by_field_name("body") == Some(child);
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
                    .and_then(|switch| switch.child_by_field_name("value"))
                    .is_some_and(|v| {
                        let v = text(v, self.src).to_ascii_lowercase();
                        v.contains("node_env") || v.contains("app_env")
                    });
                let dev_case = node
                    .child_by_field_name("value")
                    .and_then(|v| string_value(v, self.src))
                    .is_some_and(|v| matches!(v.as_str(), "development" | "dev" | "test"));
                let c = Ctx {
                    dev_only: ctx.dev_only || (on_env && dev_case),
                    ..ctx
                };
                self.visit_children(node, c, depth);
            }
            "if_statement" => {
                let condition = node.child_by_field_name("condition");
                let error_branch =
                    condition.is_some_and(|c| looks_error_condition(text(c, self.src)));
                let guard = condition.is_some_and(|c| is_single_instance_guard(text(c, self.src)));
                let dev_only = condition.is_some_and(|c| is_dev_only_condition(text(c, self.src)));
                for child in named_children(node) {
                    let in_consequence = node.child_by_field_name("consequence") == Some(child);
                    let c = Ctx {
                        retry: ctx.retry || (error_branch && in_consequence),
                        guarded: ctx.guarded || guard,
                        dev_only: ctx.dev_only || (dev_only && in_consequence),
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
                    if child.kind() == "if_statement" && self.is_guard_exit(child) {
                        ctx.guarded = true;
                    }
                }
            }
            "decorator" => {
                if let Some(inner) = node.named_child(0) {
                    let callee = if inner.kind() == "call_expression" {
                        inner.child_by_field_name("function").unwrap_or(inner)
                    } else {
                        inner
                    };
                    let args = if inner.kind() == "call_expression" {
                        inner.child_by_field_name("arguments")
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
                let function = node.child_by_field_name("function");
                let args = node.child_by_field_name("arguments");
                if let Some(function) = function {
                    self.emit(EventKind::Call, node, function, args, ctx);
                    self.visit(function, ctx, depth + 1);
                }
                if let Some(args) = args {
                    let retry =
                        ctx.retry || function.is_some_and(|f| self.is_error_handler(f, args));
                    self.visit(args, Ctx { retry, ..ctx }, depth + 1);
                }
            }
            "new_expression" => {
                if let Some(constructor) = node.child_by_field_name("constructor") {
                    let args = node.child_by_field_name("arguments");
                    self.emit(EventKind::Construct, node, constructor, args, ctx);
                }
                self.visit_children(node, ctx, depth);
            }
            _ => self.visit_children(node, ctx, depth),
        }
    }

    fn visit_children(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) {
        for child in named_children(node) {
            self.visit(child, ctx, depth + 1);
        }
    }

    /// Whether a timer does per-instance work: the callback it is called with (a name or a
    /// short function) or the function and class it is defined in speak of health,
    /// heartbeats, metrics, keep-alives or update checks, or the flag it is started under
    /// does (`if (metricsEnabled)`). The variable holding the timer
    /// handle does not count: `this.heartbeatInterval` may well drive the product's main job.
    fn is_per_instance_timer(&self, call: Node<'_>, callback: Option<Node<'_>>) -> bool {
        let mut names: Vec<&str> = Vec::new();
        if let Some(cb) = callback {
            let t = text(cb, self.src);
            if matches!(cb.kind(), "identifier" | "member_expression") || t.len() <= 400 {
                names.push(t);
            }
        }
        let mut node = call;
        // Conditions count only inside the timer's own function.
        let mut same_function = true;
        for _ in 0..30 {
            let Some(parent) = node.parent() else { break };
            match parent.kind() {
                "class_declaration" | "function_declaration" | "method_definition" => {
                    if let Some(n) = parent.child_by_field_name("name") {
                        names.push(text(n, self.src));
                    }
                }
                // A timer started only under a flag: `if (metricsEnabled)`,
                // `useServerPing ? setInterval(...) : null`.
                "if_statement" | "ternary_expression"
                    if same_function && parent.child_by_field_name("consequence") == Some(node) =>
                {
                    if let Some(c) = parent.child_by_field_name("condition") {
                        names.push(text(c, self.src));
                    }
                }
                _ => {}
            }
            if is_function(parent.kind()) {
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
    fn is_guard_exit(&self, if_statement: Node<'_>) -> bool {
        let guard = if_statement
            .child_by_field_name("condition")
            .is_some_and(|c| is_single_instance_guard(text(c, self.src)));
        guard
            && if_statement
                .child_by_field_name("consequence")
                .is_some_and(|c| {
                    let kind = c.kind();
                    kind == "return_statement"
                        || kind == "throw_statement"
                        || (kind == "statement_block"
                            && named_children(c).any(|s| {
                                matches!(s.kind(), "return_statement" | "throw_statement")
                            }))
                })
    }

    /// `.on('error', cb)`, `.once('close', cb)`, `.catch(cb)`: the callback handles a failure.
    fn is_error_handler(&self, function: Node<'_>, args: Node<'_>) -> bool {
        if function.kind() != "member_expression" {
            return false;
        }
        let method = function
            .child_by_field_name("property")
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

    fn emit(
        &mut self,
        kind: EventKind,
        node: Node<'_>,
        callee: Node<'_>,
        args: Option<Node<'_>>,
        ctx: Ctx,
    ) {
        let resolved = self.resolve_callee(callee);
        let Some(target) = resolved else {
            if callee.kind() == "member_expression" {
                if let Some(p) = callee.child_by_field_name("property") {
                    self.facts.calls.insert(text(p, self.src).to_string());
                }
            }
            return;
        };
        self.facts.calls.insert(target.clone());
        if let Some(method) = target.rsplit('.').next() {
            self.facts.calls.insert(method.to_string());
        }
        let arg_nodes: Vec<Node<'_>> = args
            .filter(|a| a.kind() == "arguments")
            .map(|a| {
                named_children(a)
                    .filter(|c| c.kind() != "comment")
                    .collect()
            })
            .unwrap_or_default();
        let mut event = Event::new(kind, vec![target.clone()], node.byte_range());
        event.args = arg_nodes.iter().map(|&a| self.arg_fact(a)).collect();
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
        let delay_retry = arg_nodes
            .get(1)
            .is_some_and(|d| looks_retry(text(*d, self.src)));
        if ctx.retry || delay_retry {
            event.context.insert(Context::Retry);
        }
        let is_timer = target.ends_with(".setInterval") || target.ends_with(".setTimeout");
        if is_timer && self.is_per_instance_timer(node, arg_nodes.first().copied()) {
            event.context.insert(Context::PerInstance);
        }
        if target.ends_with(".setInterval")
            && arg_nodes
                .first()
                .is_some_and(|cb| text(*cb, self.src).contains("clearInterval("))
        {
            event.context.insert(Context::SelfCancelling);
        }
        if target.ends_with(".setTimeout")
            && arg_nodes
                .first()
                .is_some_and(|cb| self.calls_enclosing_function(*cb, 0))
        {
            event.context.insert(Context::SelfRescheduling);
        }
        self.facts.events.push(event);
    }

    /// The resolved target of a callee: a module path, or `globalThis.setTimeout` for a
    /// call to a local sleep helper that wraps it.
    fn resolve_callee(&self, callee: Node<'_>) -> Option<String> {
        if callee.kind() == "identifier" {
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
    fn calls_enclosing_function(&self, cb: Node<'_>, depth: usize) -> bool {
        if depth > 40 {
            return false;
        }
        // The callback calls an enclosing function, directly or through one helper that
        // calls it (`setTimeout(() => this.runDeletes())` in `schedule`, where
        // `runDeletes` ends with `this.schedule()`).
        let named = |n: Node<'_>| {
            matches!(n.kind(), "identifier" | "member_expression") && {
                let reference: String = text(n, self.src).split_whitespace().collect();
                self.functions.contains(&reference)
                    || self
                        .callees
                        .get(&reference)
                        .is_some_and(|called| self.functions.iter().any(|f| called.contains(f)))
            }
        };
        match cb.kind() {
            // A reschedule only under `if (attempts < retries)` is a retry.
            "if_statement"
                if cb
                    .child_by_field_name("condition")
                    .is_some_and(|c| looks_error_condition(text(c, self.src))) =>
            {
                cb.child_by_field_name("alternative")
                    .is_some_and(|a| self.calls_enclosing_function(a, depth + 1))
            }
            "identifier" | "member_expression" => named(cb),
            "call_expression" => {
                let function = cb.child_by_field_name("function");
                let is_bind = function
                    .and_then(|f| f.child_by_field_name("property"))
                    .is_some_and(|p| text(p, self.src) == "bind");
                if is_bind {
                    function
                        .and_then(|f| f.child_by_field_name("object"))
                        .is_some_and(named)
                } else {
                    function.is_some_and(named)
                        || named_children(cb).any(|c| self.calls_enclosing_function(c, depth + 1))
                }
            }
            _ => named_children(cb).any(|c| self.calls_enclosing_function(c, depth + 1)),
        }
    }

    fn arg_fact(&self, arg: Node<'_>) -> Arg {
        let source = text(arg, self.src);
        if is_temp_path_node(arg, self.src, self.scopes, 0) {
            return Arg::TempPath;
        }
        if let Some(s) = string_value(arg, self.src) {
            return Arg::Str(s);
        }
        if arg.kind() == "identifier" {
            match self.scopes.lookup(source, arg.start_byte()) {
                Some(Binding::TempPath) => return Arg::TempPath,
                Some(Binding::Object(keys)) => return Arg::Object(keys.clone()),
                _ => {}
            }
        }
        match arg.kind() {
            "object" => Arg::Object(object_keys(arg, self.src)),
            "member_expression" => match self.scopes.path_of(arg, self.src) {
                Some(path) if !path.starts_with("globalThis.") => Arg::Member(vec![path]),
                _ => Arg::Other {
                    path_like: name_is_path_like(text(arg, self.src)),
                },
            },
            "template_string" | "binary_expression" => Arg::Other {
                path_like: arg.kind() == "template_string"
                    || text(arg, self.src).contains(['\'', '"', '`']),
            },
            "call_expression" => Arg::Other {
                path_like: arg
                    .child_by_field_name("function")
                    .and_then(|f| self.scopes.path_of(f, self.src))
                    .is_some_and(|p| p.starts_with("path.") || p.starts_with("path/posix.")),
            },
            "identifier" => Arg::Other {
                path_like: name_is_path_like(text(arg, self.src)),
            },
            _ => Arg::Other { path_like: false },
        }
    }
}

/// A declarator value that produces a temporary path: any temp-path expression, or a
/// call to a temp-file helper (`await createTmpFile()`, `tmp.fileSync().name`, `tempy.file()`).
fn is_temp_path_value(value: Node<'_>, src: &str) -> bool {
    let source = text(value, src);
    if source.len() > 300 {
        return false;
    }
    if is_temp_path_expr(source) || is_request_upload(source) {
        return true;
    }
    let callee = source
        .trim_start_matches("await ")
        .split('(')
        .next()
        .unwrap_or("");
    source.contains('(')
        && callee.split('.').any(|segment| {
            segment == "tmp" || segment == "tempy" || super::words::is_temp_name(segment)
        })
}

/// What a file-local function is called with: its declaring node, and the argument lists
/// of its direct calls; `escapes` when the name is also used otherwise (passed as a
/// callback, exported), so its callers are not all known.
#[derive(Default)]
struct LocalFunction<'t> {
    nodes: Vec<Node<'t>>,
    calls: Vec<Node<'t>>,
    escapes: bool,
}

fn gather_local_functions<'t>(
    node: Node<'t>,
    src: &str,
    out: &mut HashMap<String, LocalFunction<'t>>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let kind = node.kind();
    if is_function(kind) && kind != "method_definition" {
        if let Some(name) = function_reference(node, src).filter(|n| is_identifier_name(n)) {
            let entry = out.entry(name).or_default();
            entry.nodes.push(node);
            if is_exported_declaration(node) {
                entry.escapes = true;
            }
        }
    }
    match kind {
        "call_expression" => {
            if let (Some(f), Some(args)) = (
                node.child_by_field_name("function"),
                node.child_by_field_name("arguments"),
            ) {
                if f.kind() == "identifier" {
                    out.entry(text(f, src).to_string())
                        .or_default()
                        .calls
                        .push(args);
                }
            }
        }
        "identifier" | "shorthand_property_identifier" => {
            let parent = node.parent();
            let is_callee = parent.is_some_and(|p| {
                p.kind() == "call_expression" && p.child_by_field_name("function") == Some(node)
            });
            let is_declaration = parent.is_some_and(|p| {
                matches!(
                    p.kind(),
                    "function_declaration"
                        | "generator_function_declaration"
                        | "function_expression"
                        | "function"
                        | "variable_declarator"
                ) && p.child_by_field_name("name") == Some(node)
            });
            if !is_callee && !is_declaration {
                out.entry(text(node, src).to_string()).or_default().escapes = true;
            }
        }
        _ => {}
    }
    for child in named_children(node) {
        gather_local_functions(child, src, out, depth + 1);
    }
}

fn is_identifier_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// `export function f`, `export const f = ...`, `export default function f`.
fn is_exported_declaration(function: Node<'_>) -> bool {
    let mut node = function;
    for _ in 0..3 {
        let Some(parent) = node.parent() else {
            return false;
        };
        if parent.kind() == "export_statement" {
            return true;
        }
        if !matches!(
            parent.kind(),
            "variable_declarator" | "lexical_declaration" | "variable_declaration"
        ) {
            return false;
        }
        node = parent;
    }
    false
}

/// The simple names of a function's parameters, by position (`None` for patterns).
fn parameter_names<'t>(function: Node<'t>) -> Vec<Option<Node<'t>>> {
    if let Some(single) = function.child_by_field_name("parameter") {
        return vec![Some(single).filter(|p| p.kind() == "identifier")];
    }
    let Some(params) = function.child_by_field_name("parameters") else {
        return Vec::new();
    };
    named_children(params)
        .filter(|p| p.kind() != "comment")
        .map(|p| match p.kind() {
            "identifier" => Some(p),
            "required_parameter" | "optional_parameter" => p
                .child_by_field_name("pattern")
                .filter(|n| n.kind() == "identifier"),
            _ => None,
        })
        .collect()
}

/// Parameters that only ever receive temporary paths: a file-local helper
/// (`const rm = async (p) => fs.unlink(p)`) whose every call passes a temp path
/// (`rm(tmpFile)`) gets that parameter bound to a temp path. Exported helpers, and
/// helpers passed around as values, may be called with anything and are left alone.
fn bind_temp_parameters(root: Node<'_>, src: &str, scopes: &mut Scopes) {
    let mut functions = HashMap::new();
    gather_local_functions(root, src, &mut functions, 0);
    let mut rebinds = Vec::new();
    for function in functions.values() {
        if function.escapes || function.nodes.len() != 1 || function.calls.is_empty() {
            continue;
        }
        let node = function.nodes[0];
        for (i, param) in parameter_names(node).into_iter().enumerate() {
            let Some(param) = param else { continue };
            let all_temp = function.calls.iter().all(|args| {
                named_children(*args)
                    .filter(|a| a.kind() != "comment")
                    .nth(i)
                    .is_some_and(|a| is_temp_path_node(a, src, scopes, 0))
            });
            if all_temp {
                rebinds.push((text(param, src).to_string(), Scope::from(node.byte_range())));
            }
        }
    }
    for (name, scope) in rebinds {
        scopes.rebind(&name, scope, Binding::TempPath);
    }
}

/// The file an upload middleware stored for this request (`req.file`, `req.file.path`,
/// `req.files.doc.path`): scratch that the handler removes once it has read it.
/// Moving it elsewhere is still reported, since the destination is another path.
fn is_request_upload(source: &str) -> bool {
    let Some(rest) = ["req.", "request.", "ctx.request."]
        .iter()
        .find_map(|p| source.strip_prefix(p))
    else {
        return false;
    };
    let mut segments = rest.split(['.', '[']);
    matches!(segments.next(), Some("file" | "files"))
        && source
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '$' | '[' | ']' | '\'' | '"'))
        && segments.next_back().is_none_or(|last| {
            matches!(
                last,
                "file" | "files" | "path" | "filepath" | "tempFilePath"
            ) || last.ends_with(']')
        })
}

/// A path inside a temporary directory: a temp-path expression, a local bound to one, or
/// a path whose first component is one (`path.join(tmpDir, name)`,
/// `` `${tempDirectory}/export.html` ``, `tmpDir + '/a.txt'`).
fn is_temp_path_node(node: Node<'_>, src: &str, scopes: &Scopes, depth: usize) -> bool {
    let source = text(node, src);
    if depth > 8 || source.len() > 300 {
        return false;
    }
    if is_temp_path_expr(source) || is_request_upload(source) {
        return true;
    }
    let first_is_temp = |first: Option<Node<'_>>| {
        first.is_some_and(|f| is_temp_path_node(f, src, scopes, depth + 1))
    };
    match node.kind() {
        "identifier" => matches!(
            scopes.lookup(source, node.start_byte()),
            Some(Binding::TempPath)
        ),
        "parenthesized_expression"
        | "await_expression"
        | "non_null_expression"
        | "as_expression"
        | "satisfies_expression" => first_is_temp(node.named_child(0)),
        // Only a template that starts with the directory: `${tmp}/a`, not `out/${tmp}`.
        "template_string" => {
            source.starts_with("`${")
                && first_is_temp(
                    named_children(node)
                        .find(|c| c.kind() == "template_substitution")
                        .and_then(|c| c.named_child(0)),
                )
        }
        "binary_expression" => {
            node.child_by_field_name("operator")
                .is_some_and(|o| text(o, src) == "+")
                && first_is_temp(node.child_by_field_name("left"))
        }
        "call_expression" => {
            let joins = node
                .child_by_field_name("function")
                .and_then(|f| scopes.path_of(f, src))
                .is_some_and(|p| {
                    matches!(
                        p.as_str(),
                        "path.join" | "path.resolve" | "path/posix.join" | "path/posix.resolve"
                    )
                });
            joins
                && first_is_temp(
                    node.child_by_field_name("arguments")
                        .and_then(|a| a.named_child(0)),
                )
        }
        _ => false,
    }
}

/// An expression that builds a path in the temporary directory: `os.tmpdir()`, `mkdtemp`,
/// a `/tmp/` literal, or a name like `tmpFile` / `tempDir` (but not `template`).
fn is_temp_path_expr(source: &str) -> bool {
    if source.contains("tmpdir(") || source.contains("mkdtemp") {
        return true;
    }
    let literal = source.trim_matches(['\'', '"', '`']);
    if literal.starts_with("/tmp/") || literal == "/tmp" {
        return true;
    }
    // Plain names only: `tmpFile`, `this.tempPath`, not calls or expressions.
    if !source
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '$')
    {
        return false;
    }
    let name = source.rsplit('.').next().unwrap_or(source);
    super::words::is_temp_name(name)
}

/// The top-level keys of an object literal; a spread (`...opts`) is the key `...`, since it
/// may bring any key.
fn object_keys(object: Node<'_>, src: &str) -> Vec<String> {
    named_children(object)
        .filter_map(|p| match p.kind() {
            "pair" => p
                .child_by_field_name("key")
                .map(|k| string_value(k, src).unwrap_or_else(|| text(k, src).to_string())),
            "shorthand_property_identifier" => Some(text(p, src).to_string()),
            "method_definition" => p
                .child_by_field_name("name")
                .map(|k| text(k, src).to_string()),
            "spread_element" => Some("...".to_string()),
            _ => None,
        })
        .collect()
}

fn name_is_path_like(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let last = n.rsplit('.').next().unwrap_or(&n);
    !last.ends_with("stream")
        && ["path", "file", "dir", "folder"]
            .iter()
            .any(|w| last.contains(w))
}

/// The executor of `new Promise((resolve) => ...)` runs synchronously, so a `setTimeout`
/// in it belongs to the surrounding loop.
fn is_promise_executor(function: Node<'_>, scopes: &Scopes, src: &str) -> bool {
    let Some(args) = function.parent().filter(|p| p.kind() == "arguments") else {
        return false;
    };
    args.parent()
        .filter(|n| n.kind() == "new_expression")
        .and_then(|n| n.child_by_field_name("constructor"))
        .and_then(|c| scopes.path_of(c, src))
        .is_some_and(|p| p == "globalThis.Promise")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(src: &str) -> Vec<(String, usize, Vec<Context>)> {
        let ex = extract(src, Dialect::TypeScript);
        let index = crate::position::LineIndex::new(src);
        ex.facts
            .events
            .iter()
            .filter(|e| !e.targets[0].starts_with("globalThis.require"))
            .map(|e| {
                (
                    e.targets[0].clone(),
                    index.line_col(src, e.span.start).0,
                    e.context.iter().copied().collect(),
                )
            })
            .collect()
    }

    fn targets(src: &str) -> Vec<String> {
        events(src).into_iter().map(|e| e.0).collect()
    }

    #[test]
    fn every_grammar_loads() {
        for lang in [
            tree_sitter::Language::from(tree_sitter_javascript::LANGUAGE),
            tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            tree_sitter_typescript::LANGUAGE_TSX.into(),
        ] {
            tree_sitter::Parser::new()
                .set_language(&lang)
                .expect("grammar ABI matches tree-sitter core");
        }
    }

    #[test]
    fn resolves_require_forms() {
        let src = r#"
const fs = require('fs');
const { writeFile: w, promises: fsp } = require('node:fs');
const append = require('fs').appendFileSync;
const { mkdir } = require('fs/promises');
fs.writeFileSync('a', 'b');
w('a', 'b', cb);
fsp.writeFile('a', 'b');
append('log.txt', line);
mkdir('uploads');
fs.promises.rm('x');
"#;
        assert_eq!(
            targets(src),
            [
                "fs.writeFileSync",
                "fs.writeFile",
                "fs/promises.writeFile",
                "fs.appendFileSync",
                "fs/promises.mkdir",
                "fs/promises.rm"
            ]
        );
    }

    #[test]
    fn resolves_es_imports() {
        let src = r#"
import fs from 'node:fs';
import * as fsp from 'fs/promises';
import { writeFile as save } from 'fs/promises';
import fse = require('fs-extra');
fs.createWriteStream('x');
fsp.appendFile('x', 'y');
save('x', 'y');
fse.outputJson('x', {});
"#;
        assert_eq!(
            targets(src),
            [
                "fs.createWriteStream",
                "fs/promises.appendFile",
                "fs/promises.writeFile",
                "fs-extra.outputJson"
            ]
        );
    }

    #[test]
    fn local_names_shadow_modules_and_globals() {
        let src = r#"
import { fs } from 'memfs';
const path = require('path');
function f(fs) { fs.writeFileSync('a', 'b'); }
{
  const setInterval = (f) => f();
  setInterval(tick, 10);
}
setInterval(tick, 10);
"#;
        let t = targets(src);
        assert!(!t.iter().any(|t| t.starts_with("fs.")), "{t:?}");
        assert_eq!(
            t.iter().filter(|t| *t == "globalThis.setInterval").count(),
            1,
            "{t:?}"
        );
    }

    #[test]
    fn memfs_variable_is_not_the_fs_module() {
        let src = "const fs = memfs();\nfs.writeFileSync('/a', 'b');\n";
        assert!(!targets(src).iter().any(|t| t.starts_with("fs.")));
    }

    #[test]
    fn detects_self_rescheduling_timeouts() {
        let src = r#"
function tick() {
  doWork();
  setTimeout(tick, 1000);
}
setTimeout(() => console.log('once'), 10);
class Poller {
  poll() { setTimeout(() => this.poll(), 5000); }
}
"#;
        let evs: Vec<_> = events(src)
            .into_iter()
            .filter(|e| e.0 == "globalThis.setTimeout")
            .collect();
        assert_eq!(evs.len(), 3);
        assert!(evs[0].2.contains(&Context::SelfRescheduling));
        assert!(!evs[1].2.contains(&Context::SelfRescheduling));
        assert!(evs[2].2.contains(&Context::SelfRescheduling));
    }

    #[test]
    fn retry_and_loop_contexts() {
        let src = r#"
function connect() {
  socket.on('close', () => setTimeout(connect, 1000));
  try { open(); } catch (e) { setTimeout(connect, backoff); }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function worker() {
  while (true) {
    await sleep(60000);
  }
  for (let i = 0; i < 3; i++) { await sleep(10); }
}
"#;
        let evs = events(src);
        let timeouts: Vec<_> = evs
            .iter()
            .filter(|e| e.0 == "globalThis.setTimeout")
            .collect();
        assert!(timeouts[0].2.contains(&Context::Retry), "{timeouts:?}");
        assert!(timeouts[1].2.contains(&Context::Retry));
        let loop_sleep = timeouts.iter().find(|e| e.1 == 9).expect("sleep in loop");
        assert!(loop_sleep.2.contains(&Context::UnboundedLoop));
        let bounded = timeouts.iter().find(|e| e.1 == 11).expect("bounded sleep");
        assert!(!bounded.2.contains(&Context::UnboundedLoop));
    }

    #[test]
    fn paths_built_on_a_temp_directory_are_temp_paths() {
        let src = r#"
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
const scratch = os.tmpdir();
const tempDirectory = scratch;
function run(id, tmpName) {
  const a = `${tempDirectory}/a_${id}.html`;
  fs.writeFileSync(a, '');
  fs.writeFileSync(path.join(scratch, 'b'), '');
  fs.writeFileSync(scratch + '/c', '');
  fs.writeFileSync(`out/${tmpName}`, '');
  fs.writeFileSync(path.join('out', scratch), '');
}
"#;
        let ex = extract(src, Dialect::JavaScript);
        let firsts: Vec<bool> = ex
            .facts
            .events
            .iter()
            .filter(|e| e.targets[0] == "fs.writeFileSync")
            .map(|e| e.args[0] == Arg::TempPath)
            .collect();
        assert_eq!(firsts, [true, true, true, false, false]);
    }

    #[test]
    fn helpers_only_handed_temp_paths_have_temp_parameters() {
        let src = r#"
const fs = require('fs');
const os = require('os');
const path = require('path');
const rm = (p) => fs.unlinkSync(p);
function keep(p) { fs.unlinkSync(p); }
function passed(p) { fs.unlinkSync(p); }
export function shared(p) { fs.unlinkSync(p); }
rm(path.join(os.tmpdir(), 'a'));
keep(path.join(os.tmpdir(), 'a'));
keep('data/a');
passed(path.join(os.tmpdir(), 'a'));
files.forEach(passed);
shared(path.join(os.tmpdir(), 'a'));
"#;
        let ex = extract(src, Dialect::TypeScript);
        let temps: Vec<bool> = ex
            .facts
            .events
            .iter()
            .filter(|e| e.targets[0] == "fs.unlinkSync")
            .map(|e| e.args[0] == Arg::TempPath)
            .collect();
        assert_eq!(temps, [true, false, false, false]);
    }

    #[test]
    fn request_uploads_are_scratch_files() {
        let src = r#"
const fs = require('fs');
async function handle(req) {
  const { path, originalname } = req.file;
  fs.unlinkSync(path);
  fs.unlinkSync(req.files[0].path);
  fs.unlinkSync(originalname);
  fs.unlinkSync(req.file.buffer);
}
"#;
        let ex = extract(src, Dialect::JavaScript);
        let temps: Vec<bool> = ex
            .facts
            .events
            .iter()
            .filter(|e| e.targets[0] == "fs.unlinkSync")
            .map(|e| e.args[0] == Arg::TempPath)
            .collect();
        assert_eq!(temps, [true, true, false, false]);
    }

    #[test]
    fn decorators_object_args_and_lines() {
        let src = r#"
import { Cron, Interval } from '@nestjs/schedule';
import multer from 'multer';
class Jobs {
  @Cron('0 * * * *')
  hourly() {}
}
const upload = multer({ dest: 'uploads/' });
"#;
        let ex = extract(src, Dialect::TypeScript);
        let cron = &ex.facts.events[0];
        assert_eq!(cron.kind, EventKind::Annotation);
        assert_eq!(cron.targets, ["@nestjs/schedule.Cron"]);
        assert_eq!(cron.args, [Arg::Str("0 * * * *".into())]);
        let m = ex
            .facts
            .events
            .iter()
            .find(|e| e.targets[0] == "multer")
            .unwrap();
        assert_eq!(m.args, [Arg::Object(vec!["dest".into()])]);
    }

    #[test]
    fn per_instance_words() {
        assert!(mentions_per_instance_work("healthCheckTimer"));
        assert!(mentions_per_instance_work(
            "() => Metrics.gauge('conns', n)"
        ));
        assert!(mentions_per_instance_work("sendPing"));
        assert!(!mentions_per_instance_work("shippingReminder"));
        assert!(!mentions_per_instance_work("sendReminders"));
    }

    #[test]
    fn timer_flags_and_environment_switches() {
        let src = r#"
const a = usePing ? setInterval(() => send(1), 5) : null;
if (opts.metricsEnabled) { setInterval(() => send(2), 5); }
function f() { if (opts.metricsEnabled) { return () => setInterval(() => send(3), 5); } }
switch (process.env.NODE_ENV) {
  case 'development': setInterval(() => send(4), 5); break;
  case 'production': setInterval(() => send(5), 5); break;
}
"#;
        let timers: Vec<Vec<Context>> = events(src)
            .into_iter()
            .filter(|(t, _, _)| t == "globalThis.setInterval")
            .map(|(_, _, c)| c)
            .collect();
        assert_eq!(
            timers,
            [
                vec![Context::PerInstance],
                vec![Context::PerInstance],
                vec![],
                vec![Context::Test],
                vec![],
            ]
        );
    }

    #[test]
    fn flow_annotated_javascript_parses() {
        let src = "// @flow\nimport type { Config } from './config';\nconst fs = require('fs');\nfunction save(path: string, data: Config): void {\n  fs.writeFileSync(path, data);\n}\n";
        let ex = extract(src, Dialect::JavaScript);
        assert_eq!(ex.syntax_error, None);
        assert!(ex
            .facts
            .events
            .iter()
            .any(|e| e.targets[0] == "fs.writeFileSync"));
    }

    #[test]
    fn syntax_errors_keep_the_parsed_parts() {
        let src = "const fs = require('fs');\nfs.writeFileSync('a', 'b');\nfunction (\n";
        let ex = extract(src, Dialect::JavaScript);
        assert!(ex.syntax_error.is_some());
        assert!(ex
            .facts
            .events
            .iter()
            .any(|e| e.targets[0] == "fs.writeFileSync"));
    }
}
