//! Pass 1: declarations with their scopes, and what each name stands for (a module
//! member, a local, a sleep helper, a temporary path, an options object).

use super::*;
use crate::frontend::tree::{Fields, Kind};
use crate::frontend::words::PathPurpose;

/// Modules that mark a file as browser code.
pub(super) const BROWSER_MODULES: &[&str] = &[
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
pub(super) const CLI_MODULES: &[&str] = &[
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
    // The TypeScript compiler API: code generators and config loaders, not request handlers.
    "typescript",
];

/// Bundlers whose `Plugin` type marks a file as a build plugin. (Importing the bundler
/// itself is no signal: dev servers embed Vite and webpack as middleware.)
const BUNDLERS: &[&str] = &["vite", "rollup", "webpack", "esbuild"];

/// Modules that mark a file as test code.
pub(super) const TEST_MODULES: &[&str] = &[
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

/// A byte range that bounds a declaration's visibility.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Scope {
    pub(super) start: usize,
    pub(super) end: usize,
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
pub(super) enum Binding {
    /// A module or a member of one: `fs`, `fs/promises.writeFile`, `node-cron`.
    Module(String),
    /// A local function that wraps `setTimeout` in a promise (`const sleep = ms => new Promise(...)`).
    Delay,
    /// A local holding a path in the temporary directory (`const f = await tmpFile()`).
    TempPath,
    /// A local holding a path whose value says whose file it is: this instance's own
    /// (`path.join(dir, 'thumbs', id)`) or shared data (`path.join(root, 'uploads', name)`,
    /// whatever the local's name).
    Path(PathPurpose),
    /// A local initialised with an object literal with these properties (`const sess = { secret }`),
    /// so `session(sess)` can be checked like `session({ secret })`.
    Object(Vec<Property>),
    /// A local holding an object made from a module's class (`const cache = new
    /// LRUCache({ max })`, `lru-cache.LRUCache`): its method calls resolve as
    /// `lru-cache.LRUCache#delete`.
    Instance(String),
    /// Anything else declared in the file: a variable, parameter, class or function.
    Local,
}

#[derive(Debug, Default)]
pub(super) struct Scopes {
    pub(super) decls: HashMap<String, Vec<(Scope, Binding)>>,
    /// Fields assigned a temporary path somewhere in the file (`this.workDir`).
    pub(super) temp_members: HashSet<String>,
    /// Functions and methods (`makeScratch`, `this.scratchPath`) → whether every value
    /// they return is a temporary path.
    pub(super) temp_returns: HashMap<String, bool>,
}

/// The most member accesses [`Scopes::path_of`] follows.
const MAX_PATH_PARTS: usize = 64;

impl Scopes {
    pub(super) fn declare(&mut self, name: &str, scope: Scope, binding: Binding) {
        self.decls
            .entry(name.to_string())
            .or_default()
            .push((scope, binding));
    }

    /// Replaces what `name` declared exactly at `scope` stands for.
    pub(super) fn rebind(&mut self, name: &str, scope: Scope, binding: Binding) {
        if let Some(decls) = self.decls.get_mut(name) {
            for (s, b) in decls.iter_mut().filter(|(s, _)| *s == scope) {
                let _ = s;
                *b = binding.clone();
            }
        }
    }

    /// Adds the properties of an object literal assigned to `name` at byte `at`
    /// (`config = { client: 'sqlite3' }`) to what its declaration stands for: a name
    /// assigned objects in several branches may hold any of them.
    pub(super) fn assign_object(&mut self, name: &str, at: usize, props: Vec<Property>) {
        let Some(decls) = self.decls.get_mut(name) else {
            return;
        };
        let visible = decls
            .iter_mut()
            .filter(|(s, _)| s.start <= at && at < s.end.max(s.start + 1))
            .min_by_key(|(s, _)| s.end - s.start);
        match visible {
            Some((_, Binding::Object(existing))) => existing.extend(props),
            Some((_, binding @ Binding::Local)) => *binding = Binding::Object(props),
            _ => {}
        }
    }

    /// The sleep helpers declared at the top level of the file (`scope` is the file's),
    /// which other files may import: `delay:sleep` for `const sleep = ms => new Promise(..)`.
    pub(super) fn delay_registrations(&self, scope: Scope) -> impl Iterator<Item = String> + '_ {
        self.decls
            .iter()
            .filter(move |(_, decls)| {
                decls
                    .iter()
                    .any(|(s, b)| *s == scope && *b == Binding::Delay)
            })
            .map(|(name, _)| format!("delay:{name}"))
    }

    /// The innermost declaration of `name` visible at byte `at`; `None` means a global.
    pub(super) fn lookup(&self, name: &str, at: usize) -> Option<&Binding> {
        self.decls
            .get(name)?
            .iter()
            .filter(|(s, _)| s.start <= at && at < s.end.max(s.start + 1))
            .min_by_key(|(s, _)| s.end - s.start)
            .map(|(_, b)| b)
    }

    /// The scope of the innermost declaration of `name` visible at byte `at`.
    pub(super) fn visible_scope(&self, name: &str, at: usize) -> Option<Scope> {
        self.decls
            .get(name)?
            .iter()
            .filter(|(s, _)| s.start <= at && at < s.end.max(s.start + 1))
            .min_by_key(|(s, _)| s.end - s.start)
            .map(|(s, _)| *s)
    }

    /// The module path an expression stands for, if any: `fs.promises.writeFile` after
    /// `const fs = require('fs')` gives `fs/promises.writeFile`; an unshadowed global
    /// `setInterval` gives `globalThis.setInterval`.
    pub(super) fn path_of(&self, node: Node<'_>, src: &str) -> Option<String> {
        self.path_within(node, src, 0)
    }

    /// [`Scopes::path_of`] below `depth` member accesses: a module path has a handful of
    /// parts, and recursing down a hostile `a.b.b.b…` chain would exhaust the stack.
    fn path_within(&self, node: Node<'_>, src: &str, depth: usize) -> Option<String> {
        if depth > MAX_PATH_PARTS {
            return None;
        }
        match node.kind_str() {
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
                let object = node.field("object")?;
                let property = node.field("property")?;
                let base = self.path_within(object, src, depth + 1)?;
                Some(normalize(&format!("{base}.{}", text(property, src))))
            }
            "subscript_expression" => {
                let object = node.field("object")?;
                let index = string_value(node.field("index")?, src)?;
                let base = self.path_within(object, src, depth + 1)?;
                Some(normalize(&format!("{base}.{index}")))
            }
            "call_expression" => self
                .required_module(node, src)
                .or_else(|| self.identity_call(node, src)),
            "parenthesized_expression"
            | "await_expression"
            | "non_null_expression"
            | "as_expression"
            | "satisfies_expression" => self.path_within(node.named_child(0)?, src, depth + 1),
            _ => None,
        }
    }

    /// `require('x')`, `import('x')` or `promisify(fs.writeFile)`: the module path.
    pub(super) fn required_module(&self, call: Node<'_>, src: &str) -> Option<String> {
        let function = call.field("function")?;
        let first = call.field("arguments").and_then(|a| a.named_child(0))?;
        let is_loader = match function.kind_str() {
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
    pub(super) fn identity_call(&self, call: Node<'_>, src: &str) -> Option<String> {
        let function = call.field("function")?;
        let property = function.field("property")?;
        if text(property, src) != "verbose" {
            return None;
        }
        self.path_of(function.field("object")?, src)
    }
}

/// Canonical module name: no `node:` prefix.
pub(super) fn module_name(spec: &str) -> String {
    spec.strip_prefix("node:").unwrap_or(spec).to_string()
}

/// Canonical path: `fs.promises.x` is `fs/promises.x`; `.default` of a module is the module.
pub(super) fn normalize(path: &str) -> String {
    let path = path.replace(".default.", ".");
    let path = path.strip_suffix(".default").unwrap_or(&path);
    match path.strip_prefix("fs.promises") {
        Some(rest) => format!("fs/promises{rest}"),
        None => path.to_string(),
    }
}

/// Pass 1: declarations, with the scope each is visible in.
pub(super) fn collect(
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
    let kind = node.kind_str();
    match kind {
        "import_statement" => collect_import(node, src, func, scopes, facts),
        "variable_declarator" => {
            let is_var = node
                .parent()
                .is_some_and(|p| p.kind_str() == "variable_declaration");
            let scope = if is_var { func } else { block };
            if let Some(name) = node.field("name") {
                let binding = match node.field("value") {
                    Some(value)
                        if wraps_set_timeout(value, src) || promisifies_set_timeout(value, src) =>
                    {
                        Binding::Delay
                    }
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
            if let Some(name) = node.field("name") {
                let binding = if wraps_set_timeout(node, src) {
                    Binding::Delay
                } else {
                    Binding::Local
                };
                scopes.declare(text(name, src), block, binding);
            }
        }
        "assignment_expression" => {
            let left = node.field("left");
            let right = node.field("right");
            if let (Some(left), Some(right)) = (left, right) {
                if left.kind_str() == "identifier" && right.kind_str() == "object" {
                    let props = object_props(right, src, scopes);
                    scopes.assign_object(text(left, src), node.start_byte(), props);
                }
                // `exports.sleep = (ms) => new Promise(..)`: a sleep helper other files import.
                if let Some(name) = commonjs_export_name(left, src) {
                    if wraps_set_timeout(right, src) {
                        facts.registrations.insert(format!("delay:{name}"));
                    }
                }
            }
        }
        // `static sleep(ms) { return new Promise(..) }`, `{ sleep: (ms) => new Promise(..) }`:
        // a sleep helper other code calls as a member (`utils.sleep(ms)`, `this.sleep(ms)`).
        "method_definition" | "pair" => {
            let key = node.field("name").or_else(|| node.field("key"));
            let function = if kind == "pair" {
                node.field("value")
            } else {
                Some(node)
            };
            if let (Some(key), Some(function)) = (key, function) {
                if wraps_set_timeout(function, src) {
                    facts
                        .registrations
                        .insert(format!("delay:{}", text(key, src)));
                }
            }
        }
        "catch_clause" => {
            if let Some(p) = node.field("parameter") {
                bind_pattern(p, src, node.byte_range().into(), &Binding::Local, scopes);
            }
        }
        "for_in_statement" => {
            if let Some(left) = node.field("left") {
                bind_pattern(left, src, node.byte_range().into(), &Binding::Local, scopes);
            }
        }
        _ => {}
    }
    let (mut block, mut func) = (block, func);
    if is_function(kind) {
        let own: Scope = node.byte_range().into();
        if kind != "function_declaration" {
            if let Some(name) = node.field("name") {
                if name.kind_str() == "identifier" {
                    scopes.declare(text(name, src), own, Binding::Local);
                }
            }
        }
        for field in ["parameters", "parameter"] {
            if let Some(params) = node.field(field) {
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

pub(super) fn collect_import(
    node: Node<'_>,
    src: &str,
    scope: Scope,
    scopes: &mut Scopes,
    facts: &mut FileFacts,
) {
    let Some(module) = node
        .field("source")
        .and_then(|s| string_value(s, src))
        .map(|s| module_name(&s))
    else {
        // `import fs = require('fs')` (TypeScript).
        if let Some(clause) = named_children(node).find(|c| c.kind_str() == "import_require_clause")
        {
            let module = clause
                .field("source")
                .and_then(|s| string_value(s, src))
                .map(|s| module_name(&s));
            if let (Some(module), Some(name)) = (module, clause.named_child(0)) {
                scopes.declare(text(name, src), scope, Binding::Module(module));
            }
        }
        return;
    };
    note_module(&module, facts);
    for clause in named_children(node).filter(|c| c.kind_str() == "import_clause") {
        for part in named_children(clause) {
            match part.kind_str() {
                "identifier" => {
                    scopes.declare(text(part, src), scope, Binding::Module(module.clone()))
                }
                "namespace_import" => {
                    if let Some(name) = part.named_child(0) {
                        scopes.declare(text(name, src), scope, Binding::Module(module.clone()));
                    }
                }
                "named_imports" => {
                    for spec in named_children(part).filter(|s| s.kind_str() == "import_specifier")
                    {
                        let Some(name) = spec.field("name") else {
                            continue;
                        };
                        let imported =
                            string_value(name, src).unwrap_or_else(|| text(name, src).to_string());
                        let local = spec.field("alias").unwrap_or(name);
                        if BUNDLERS.contains(&module.as_str())
                            && matches!(imported.as_str(), "Plugin" | "PluginOption")
                        {
                            facts.file_context.insert(Context::Tooling);
                        }
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
pub(super) fn note_module(module: &str, facts: &mut FileFacts) {
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
pub(super) fn value_binding(value: Node<'_>, src: &str, scopes: &Scopes) -> Binding {
    if is_temp_path_value(value, src) || is_temp_path_node(value, src, scopes, 0) {
        return Binding::TempPath;
    }
    if value.kind_str() == "object" {
        return Binding::Object(object_props(value, src, scopes));
    }
    if value.kind_str() == "new_expression" {
        let class = value
            .field("constructor")
            .and_then(|c| scopes.path_of(c, src));
        return match class {
            Some(class) if class != "globalThis" && !class.starts_with("globalThis.") => {
                Binding::Instance(class)
            }
            _ => Binding::Local,
        };
    }
    let binding = module_or_local(value, src, scopes);
    let path_value = match &binding {
        Binding::Local => true,
        Binding::Module(p) => p.starts_with("path.") || p.starts_with("path/posix."),
        _ => false,
    };
    let purpose = path_purpose(value, src, scopes, 0);
    if path_value && purpose != PathPurpose::default() {
        return Binding::Path(purpose);
    }
    binding
}

/// The module member a value stands for, or a plain local.
fn module_or_local(value: Node<'_>, src: &str, scopes: &Scopes) -> Binding {
    match value.kind_str() {
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
pub(super) fn bind_pattern(
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
    match pattern.kind_str() {
        "identifier" | "shorthand_property_identifier_pattern" => {
            scopes.declare(text(pattern, src), scope, binding.clone());
        }
        "object_pattern" => {
            for prop in named_children(pattern) {
                match prop.kind_str() {
                    "shorthand_property_identifier_pattern" => {
                        let key = text(prop, src);
                        scopes.declare(key, scope, member(key));
                    }
                    "object_assignment_pattern" => {
                        if let Some(left) = prop.field("left") {
                            let key = text(left, src);
                            bind_pattern(left, src, scope, &member(key), scopes);
                        }
                    }
                    "pair_pattern" => {
                        let key = prop.field("key").map(|k| {
                            string_value(k, src).unwrap_or_else(|| text(k, src).to_string())
                        });
                        if let (Some(key), Some(value)) = (key, prop.field("value")) {
                            bind_pattern(value, src, scope, &member(&key), scopes);
                        }
                    }
                    _ => bind_pattern(prop, src, scope, &Binding::Local, scopes),
                }
            }
        }
        "assignment_pattern" => {
            if let Some(left) = pattern.field("left") {
                bind_pattern(left, src, scope, binding, scopes);
            }
        }
        "required_parameter" | "optional_parameter" => {
            if let Some(p) = pattern.field("pattern").or_else(|| pattern.field("name")) {
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
pub(super) fn wraps_set_timeout(node: Node<'_>, src: &str) -> bool {
    let function = if is_function(node.kind_str()) {
        node
    } else {
        return false;
    };
    let body = text(function, src);
    body.len() < 400 && body.contains("Promise") && body.contains("setTimeout")
}

/// `promisify(setTimeout)`, `util.promisify(global.setTimeout)`: a sleep helper made by
/// Node's `util.promisify` (setTimeout's custom promisified form).
fn promisifies_set_timeout(value: Node<'_>, src: &str) -> bool {
    if value.kind_str() != "call_expression" {
        return false;
    }
    let promisify = value.field("function").is_some_and(|f| {
        let callee = text(f, src);
        callee == "promisify" || callee.ends_with(".promisify")
    });
    let timer = value
        .field("arguments")
        .and_then(|a| named_children(a).find(|c| c.kind_str() != "comment"))
        .is_some_and(|a| {
            matches!(
                text(a, src),
                "setTimeout" | "global.setTimeout" | "globalThis.setTimeout" | "timers.setTimeout"
            )
        });
    promisify && timer
}

/// The exported name of `exports.name = ..` or `module.exports.name = ..`.
pub(super) fn commonjs_export_name<'s>(left: Node<'_>, src: &'s str) -> Option<&'s str> {
    if left.kind_str() != "member_expression" {
        return None;
    }
    let object = text(left.field("object")?, src);
    if !matches!(object, "exports" | "module.exports") {
        return None;
    }
    Some(text(left.field("property")?, src))
}

/// A RequireJS/AMD module (`define([...], function (...) {...})` at the top level): browser code.
pub(super) fn is_amd_module(root: Node<'_>, src: &str) -> bool {
    named_children(root).any(|stmt| {
        stmt.kind_str() == "expression_statement"
            && stmt
                .named_child(0)
                .filter(|c| c.kind_str() == "call_expression")
                .and_then(|c| c.field("function"))
                .is_some_and(|f| text(f, src) == "define")
    })
}

pub(super) fn is_use_client(root: Node<'_>, src: &str) -> bool {
    root.named_child(0).is_some_and(|first| {
        first.kind_str() == "expression_statement"
            && first
                .named_child(0)
                .and_then(|s| string_value(s, src))
                .is_some_and(|s| s == "use client")
    })
}
