//! C# frontend (tree-sitter-c-sharp).
//!
//! Two passes over one parse: the first collects what names can refer to (usings,
//! static usings, aliases, namespaces, types and methods declared in the file);
//! the second walks the code with a scope of variables (locals, parameters,
//! fields, properties) and lowers invocations, constructions, attributes and base
//! types to [`Event`]s with resolved candidate targets.
//!
//! A simple type name such as `File` yields one candidate per imported namespace
//! (`System.IO.File` when `System.IO` is imported, explicitly or implicitly); a
//! type declared in the file, or a variable of that name, shadows the imports.

use super::tree::{first_syntax_error, parse, text};
use super::words::{is_single_instance_guard, is_temp_name, mentions_per_instance_work};
use super::Extracted;
use crate::event::{Arg, Context, Event, EventKind, FileFacts};
use std::collections::{BTreeSet, HashMap, HashSet};
use tree_sitter::Node;

/// Deeper nesting than this is not analysed (guards the recursive walk).
const MAX_DEPTH: usize = 400;
/// At most this many nodes are inspected when classifying one expression.
const MAX_SCAN: usize = 256;

/// The implicit usings every SDK-style project gets with `<ImplicitUsings>enable`.
pub const SDK_IMPLICIT_NAMESPACES: &[&str] = &[
    "System",
    "System.Collections.Generic",
    "System.IO",
    "System.Linq",
    "System.Net.Http",
    "System.Threading",
    "System.Threading.Tasks",
];
/// Namespaces (and their children) of desktop, mobile and WebAssembly UI frameworks: a
/// file importing one runs on a user's device, not on a server behind a load balancer.
const CLIENT_UI_NAMESPACES: &[&str] = &[
    "Microsoft.Maui",
    "Xamarin.Forms",
    "Xamarin.Essentials",
    "System.Windows",
    "Avalonia",
    "Microsoft.UI.Xaml",
    "Windows.UI.Xaml",
    "Uno",
    "Android.App",
    "UIKit",
    "CommunityToolkit.Maui",
    "Microsoft.AspNetCore.Components.WebAssembly",
];
/// Namespaces whose import marks a file as developer tooling: the Aspire AppHost
/// orchestrates the app on a developer's machine and never serves traffic itself; build
/// scripts (NUKE, Cake, Bullseye) and benchmarks run on a developer's or CI's machine, and
/// command-line commands (System.CommandLine, CommandLineUtils, Spectre.Console.Cli, ...) run
/// once when an operator starts them.
const TOOLING_NAMESPACES: &[&str] = &[
    "Aspire.Hosting",
    "System.CommandLine",
    "Microsoft.Extensions.CommandLineUtils",
    "McMaster.Extensions.CommandLineUtils",
    "Spectre.Console.Cli",
    "CommandLine",
    "Cocona",
    "CliFx",
    "Nuke.Common",
    "Cake.Core",
    "Cake.Common",
    "Cake.Frosting",
    "Bullseye",
    "BenchmarkDotNet",
];
/// Words in a type name that say it schedules work: a one-shot timer there is armed for
/// the next occurrence of a schedule, not a timeout.
const SCHEDULER_WORDS: &[&str] = &[
    "schedul", "trigger", "cron", "daily", "weekly", "hourly", "nightly", "recurr",
];
/// What framework methods and properties return (for a collection, its element type), so
/// that `Directory.GetParent(p).Delete()` and `foreach (var f in dir.GetFiles()) f.Delete()`
/// resolve.
const RETURN_TYPES: &[(&str, &str)] = &[
    ("System.IO.Directory.GetParent", "System.IO.DirectoryInfo"),
    (
        "System.IO.Directory.CreateDirectory",
        "System.IO.DirectoryInfo",
    ),
    (
        "System.IO.DirectoryInfo.CreateSubdirectory",
        "System.IO.DirectoryInfo",
    ),
    (
        "System.IO.DirectoryInfo.GetDirectories",
        "System.IO.DirectoryInfo",
    ),
    (
        "System.IO.DirectoryInfo.EnumerateDirectories",
        "System.IO.DirectoryInfo",
    ),
    ("System.IO.DirectoryInfo.GetFiles", "System.IO.FileInfo"),
    (
        "System.IO.DirectoryInfo.EnumerateFiles",
        "System.IO.FileInfo",
    ),
    (
        "System.IO.DirectoryInfo.GetFileSystemInfos",
        "System.IO.FileSystemInfo",
    ),
    (
        "System.IO.DirectoryInfo.EnumerateFileSystemInfos",
        "System.IO.FileSystemInfo",
    ),
    ("System.IO.DirectoryInfo.Parent", "System.IO.DirectoryInfo"),
    ("System.IO.DirectoryInfo.Root", "System.IO.DirectoryInfo"),
    ("System.IO.FileInfo.Directory", "System.IO.DirectoryInfo"),
    ("System.IO.FileInfo.CopyTo", "System.IO.FileInfo"),
];
/// Namespaces of file-system abstractions whose `IFileSystem.File` / `.Directory` mirror
/// `System.IO.File` / `Directory`.
const ABSTRACT_FS_NAMESPACES: &[&str] = &["System.IO.Abstractions", "Testably.Abstractions"];
/// Type-name endings of objects that live with one connection, session or subscription on
/// the instance that holds it: their timers and loops serve that object, not the cluster.
const PER_CONNECTION_SUFFIXES: &[&str] = &[
    "Connection",
    "Subscription",
    "Socket",
    "WebSocketHandler",
    "Stream",
];
/// Static methods that return an instance of the type they are called on.
const FACTORY_METHODS: &[&str] = &["Load", "LoadAsync", "Parse", "FromFile", "FromStream"];
/// Namespaces whose import marks a file as test code.
const TEST_NAMESPACES: &[&str] = &[
    "Xunit",
    "NUnit.Framework",
    "Microsoft.VisualStudio.TestTools.UnitTesting",
    "TUnit.Core",
];
/// Method attributes that mark test methods (last name segment).
const TEST_METHOD_ATTRIBUTES: &[&str] = &[
    "Fact",
    "Theory",
    "Test",
    "TestMethod",
    "DataTestMethod",
    "TestCase",
    "TestCaseSource",
    "SkippableFact",
    "SkippableTheory",
];
/// Class attributes that mark test classes (last name segment).
const TEST_CLASS_ATTRIBUTES: &[&str] = &["TestClass", "TestFixture"];
/// Calls whose delegate arguments run on another task or thread.
const SPAWNERS: &[&str] = &[
    "System.Threading.Tasks.Task.Run",
    "System.Threading.Tasks.Task.Factory.StartNew",
    "System.Threading.Tasks.TaskFactory.StartNew",
    "System.Threading.ThreadPool.QueueUserWorkItem",
    "System.Threading.ThreadPool.UnsafeQueueUserWorkItem",
];
/// Constructions whose delegate arguments run on another thread.
const SPAWNING_TYPES: &[&str] = &["System.Threading.Thread"];
/// Calls that return a temporary path; arguments derived from them are `Arg::TempPath`.
const TEMP_PATH_CALLS: &[&str] = &[
    "System.IO.Path.GetTempPath",
    "System.IO.Path.GetTempFileName",
];
/// Words in an `if` condition that mark error handling or retry code.
const RETRY_CONDITION_WORDS: &[&str] = &["attempt", "retry", "retries", "fail", "error", "backoff"];
/// Words in a loop-condition flag that say it tracks the service's life.
const LIFECYCLE_WORDS: &[&str] = &[
    "cancel", "run", "active", "alive", "enable", "start", "stop", "dispos", "shutdown", "quit",
    "terminat", "keep", "continue", "listen", "poll", "clos", "loop", "work", "live", "forever",
];
/// Words in a call's arguments that mark a computed back-off delay.
const RETRY_ARG_WORDS: &[&str] = &["attempt", "retry", "retries", "backoff"];

/// Extracts facts from C# source. `implicit_namespaces` are the project's implicit
/// usings (`<ImplicitUsings>enable</ImplicitUsings>`, `<Using Include>` items) and the
/// `global using`s of its other files, each in the form [`global_usings`] returns:
/// `N`, `static T` or `A = X.Y`.
pub fn extract(text: &str, implicit_namespaces: &[String]) -> Extracted {
    let language = tree_sitter_c_sharp::LANGUAGE.into();
    // Conditional compilation: read every branch when that parses (both versions of the
    // code are then analysed), else only the first branch of each `#if`.
    let mut rewritten = rewrite_for_grammar(text, true);
    let mut tree = parse(&language, rewritten.as_deref().unwrap_or(text));
    if tree.as_ref().is_some_and(|t| t.root_node().has_error()) && text.contains("#el") {
        let first_branches = rewrite_for_grammar(text, false);
        let retry = parse(&language, first_branches.as_deref().unwrap_or(text));
        if retry.as_ref().is_some_and(|t| !t.root_node().has_error()) {
            rewritten = first_branches;
            tree = retry;
        }
    }
    let text = rewritten.as_deref().unwrap_or(text);
    let Some(tree) = tree else {
        return Extracted::default();
    };
    let root = tree.root_node();
    let scope = FileScope::collect(root, text, implicit_namespaces);
    let mut walker = Walker {
        src: text,
        file: &scope,
        facts: FileFacts::default(),
        vars: vec![HashMap::new()],
        type_depth: std::cell::Cell::new(0),
    };
    walker.walk(root, Ctx::default(), 0);
    let mut facts = walker.facts;
    facts.events.sort_by_key(|e| e.span.start);
    if scope.test_file {
        facts.file_context.insert(Context::Test);
    }
    if scope.client_ui {
        facts.file_context.insert(Context::ClientSide);
    }
    Extracted {
        facts,
        syntax_error: first_syntax_error(&tree),
    }
}

/// Rewrites, byte for byte in place, what the grammar cannot parse, so that spans still
/// point into the original text (`None`: nothing to rewrite):
/// - conditional compilation directives (a `#if` in the middle of a method chain or
///   between `catch` clauses otherwise breaks the parse), and unless `all_branches`, every
///   `#elif` / `#else` branch, keeping the first;
/// - file-based app directives (`#:sdk`, `#:package`) and a `#!` line;
/// - C# 14 extension blocks (`extension(Uri uri) { ... }`), read as nested classes;
/// - C# 14 null-conditional assignment (`order?.Status = s`), read as `order .Status = s`;
/// - `[type]`, `[method]`, ... (an index or collection element named like an attribute
///   target), which the grammar takes for an attribute target;
/// - `async`, `required` and `partial` used as names (`if (async)`), renamed `asyn_`, ...;
/// - list-pattern slices (`[..]`, `[.., x]`) and the empty interpolated string `$""`.
fn rewrite_for_grammar(src: &str, all_branches: bool) -> Option<String> {
    let mut out: Vec<u8> = src.as_bytes().to_vec();
    let mut changed = false;
    let blank = |out: &mut Vec<u8>, range: std::ops::Range<usize>| {
        for b in &mut out[range] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    };
    // Per open `#if`: whether its current branch is kept.
    let mut frames: Vec<bool> = Vec::new();
    let mut offset = 0usize;
    for (index, line) in src.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start_matches('\u{feff}').trim_start();
        let directive = trimmed.strip_prefix('#').map(str::trim_start);
        let word = directive
            .map(|d| {
                d.split(|c: char| !c.is_ascii_alphabetic())
                    .next()
                    .unwrap_or("")
            })
            .unwrap_or("");
        let kept = frames.iter().all(|kept| *kept);
        let is_directive = match (directive, word) {
            (Some(_), "if") => {
                frames.push(true);
                true
            }
            (Some(_), "elif" | "else") => {
                if let Some(frame) = frames.last_mut() {
                    *frame = all_branches;
                }
                true
            }
            (Some(_), "endif") => {
                frames.pop();
                true
            }
            (Some(d), _) => d.starts_with(':') || (index == 0 && trimmed.starts_with("#!")),
            _ => false,
        };
        if is_directive || !kept {
            blank(&mut out, start..offset);
            changed = true;
            continue;
        }
        // `extension(T x)` / `extension<T>(...) where T : ...` up to its `{`.
        if let Some(rest) = trimmed.strip_prefix("extension") {
            if rest.starts_with('(') || rest.starts_with('<') {
                let at = start + (line.len() - trimmed.len());
                let header_end = src[at..].find(['{', ';', '=']);
                if let Some(brace) = header_end.filter(|&n| src.as_bytes()[at + n] == b'{') {
                    blank(&mut out, at..at + brace);
                    out[at..at + 7].copy_from_slice(b"class E");
                    changed = true;
                }
            }
        }
    }
    let bytes = src.as_bytes();
    let mut i = 0;
    while let Some(pos) = src[i..].find("?.") {
        let at = i + pos;
        i = at + 2;
        let ident_end = bytes[i..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
            .map_or(bytes.len(), |n| i + n);
        if ident_end == i || !(bytes[i].is_ascii_alphabetic() || bytes[i] == b'_') {
            continue;
        }
        let after = src[ident_end..].trim_start_matches([' ', '\t']);
        let assigns = after.strip_prefix("??=").is_some()
            || after.strip_prefix("+=").is_some()
            || after.strip_prefix("-=").is_some()
            || (after.starts_with('=') && !after[1..].starts_with(['=', '>']));
        if assigns {
            out[at] = b' ';
            changed = true;
        }
    }
    for word in [
        "[type]",
        "[method]",
        "[field]",
        "[property]",
        "[param]",
        "[event]",
        "[module]",
    ] {
        let mut i = 0;
        while let Some(pos) = src[i..].find(word) {
            let at = i + pos;
            out[at + 2] = out[at + 2].to_ascii_uppercase();
            i = at + word.len();
            changed = true;
        }
    }
    // List-pattern slices (`is [..]`, `[.., '/']`, `[first, ..]`) read as discards, and the
    // empty interpolated string `$""` as `""`.
    for (from, to) in [("[..]", "[_ ]"), ("[..,", "[_ ,"), (", ..]", ", _ ]")] {
        let mut i = 0;
        while let Some(pos) = src[i..].find(from) {
            let at = i + pos;
            out[at..at + to.len()].copy_from_slice(to.as_bytes());
            i = at + from.len();
            changed = true;
        }
    }
    let mut i = 0;
    while let Some(pos) = src[i..].find("$\"\"") {
        let at = i + pos;
        i = at + 3;
        let before = at.checked_sub(1).map(|b| bytes[b]);
        let after = bytes.get(at + 3);
        if !matches!(before, Some(b'"' | b'$' | b'@')) && after != Some(&b'"') {
            out[at] = b' ';
            changed = true;
        }
    }
    // Contextual keywords used as names: `bool async`, `if (async)`, `required.Add(k)`,
    // `partial = await Render()`. Followed by punctuation they can only be names.
    for word in ["async", "required", "partial"] {
        let mut i = 0;
        while let Some(pos) = src[i..].find(word) {
            let at = i + pos;
            i = at + word.len();
            let before = at.checked_sub(1).map(|b| bytes[b]);
            if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'@') {
                continue;
            }
            let rest = src[i..].trim_start();
            let name_use = match rest.as_bytes().first() {
                Some(b'.' | b')' | b',' | b';' | b'?' | b':' | b']' | b'&' | b'|') => true,
                Some(b'=') => !rest[1..].starts_with('>'),
                Some(b'!') => rest[1..].starts_with('='),
                _ => false,
            };
            let ident_continues = bytes
                .get(i)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
            if name_use && !ident_continues {
                out[i - 1] = b'_';
                changed = true;
            }
        }
    }
    if !changed {
        return None;
    }
    String::from_utf8(out).ok()
}

/// The `global using` directives of a file, which apply to every file of its project,
/// as `N`, `static T` or `A = X.Y` (the forms [`extract`] accepts as implicit usings).
/// A cheap line scan, so a project pre-pass need not parse every file.
pub fn global_usings(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim_start_matches('\u{feff}').trim_start();
        let Some(rest) = line.strip_prefix("global") else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix("using") else {
            continue;
        };
        if !rest.starts_with(char::is_whitespace) {
            continue;
        }
        let Some((body, _)) = rest.split_once(';') else {
            continue;
        };
        let body = body.trim();
        if !body.is_empty() && !body.contains(['(', '{', '"']) {
            out.push(body.to_string());
        }
    }
    out
}

/// What the file's names can refer to, independent of position.
#[derive(Debug, Default)]
struct FileScope {
    /// Imported namespaces (usings, global usings, implicit usings) followed by the
    /// namespaces declared in the file and their parents.
    namespaces: Vec<String>,
    /// First segments of all known namespaces: a dotted name starting with one is
    /// taken as fully qualified.
    roots: HashSet<String>,
    /// `using static T;` types.
    statics: Vec<String>,
    /// `using A = X.Y;`.
    aliases: HashMap<String, String>,
    /// Types declared in this file, by simple name, with their qualified name.
    local_types: HashMap<String, String>,
    /// Methods and local functions declared in this file.
    local_methods: HashSet<String>,
    /// The file imports a test framework.
    test_file: bool,
    /// The file imports a client UI framework.
    client_ui: bool,
    /// Variables (last name segment) re-armed with a period: `_timer.Change(due, period)`.
    rearmed: HashSet<String>,
    /// `(variable, method)`: the method calls `variable.Change(...)`; when the method is the
    /// timer's own callback, the timer re-arms itself and repeats.
    changed_in: HashSet<(String, String)>,
    /// Variables set to fire once: `_timer.AutoReset = false`.
    fires_once: HashSet<String>,
    /// `(variable, method)`: the method stops the timer (`_timer.Stop()`,
    /// `_timer.Enabled = false`); when it is the timer's own `Elapsed` handler, the timer
    /// fires once per start.
    stopped_in: HashSet<(String, String)>,
    /// `(variable, method)`: the method starts the timer again (`_timer.Start()`,
    /// `_timer.Enabled = true`), as a handler that pauses the timer while it works does.
    started_in: HashSet<(String, String)>,
    /// `(method, argument index)` → whether every call of the file's own method passes a
    /// temporary path there (`Write(tempFilePath)`, `Path.GetTempFileName()`).
    temp_args: HashMap<(String, usize), bool>,
    /// `(variable, handler)`: `_timer.Elapsed += handler`.
    elapsed_handlers: HashSet<(String, String)>,
}

impl FileScope {
    fn collect(root: Node<'_>, src: &str, implicit: &[String]) -> FileScope {
        let mut scope = FileScope::default();
        let mut imported: Vec<String> = Vec::new();
        let mut declared: Vec<String> = Vec::new();
        let mut types: Vec<(String, Node<'_>)> = Vec::new();
        for_each_node(root, |node| match node.kind() {
            "using_directive" => {
                scope.add_using(node, src, &mut imported);
                false
            }
            "namespace_declaration" | "file_scoped_namespace_declaration" => {
                if let Some(name) = node
                    .child_by_field_name("name")
                    .and_then(|n| dotted(n, src))
                {
                    let mut prefix = name.as_str();
                    loop {
                        declared.push(prefix.to_string());
                        match prefix.rfind('.') {
                            Some(i) => prefix = &prefix[..i],
                            None => break,
                        }
                    }
                }
                true
            }
            "class_declaration"
            | "struct_declaration"
            | "interface_declaration"
            | "enum_declaration"
            | "record_declaration"
            | "record_struct_declaration"
            | "delegate_declaration" => {
                if let Some(name) = node.child_by_field_name("name") {
                    types.push((text(name, src).to_string(), node));
                }
                true
            }
            "method_declaration" | "local_function_statement" => {
                if let Some(name) = node.child_by_field_name("name") {
                    scope.local_methods.insert(text(name, src).to_string());
                }
                true
            }
            "invocation_expression" => {
                scope.note_timer_change(node, src);
                scope.note_call_args(node, src);
                true
            }
            "assignment_expression" => {
                scope.note_timer_assignment(node, src);
                let left = node.child_by_field_name("left");
                let right = node.child_by_field_name("right").map(|r| text(r, src));
                if let (Some(left), Some("false")) = (left, right) {
                    if left.kind() == "member_access_expression"
                        && left
                            .child_by_field_name("name")
                            .is_some_and(|n| text(n, src) == "AutoReset")
                    {
                        if let Some(owner) = left
                            .child_by_field_name("expression")
                            .and_then(|e| dotted(e, src))
                        {
                            scope.fires_once.insert(last_segment(&owner).to_string());
                        }
                    }
                }
                true
            }
            _ => true,
        });
        for entry in implicit {
            scope.add_project_using(entry, &mut imported);
        }
        // Implicit usings are often switched on where the project reader cannot see it
        // (an imported `.props` file). A file that compiles without `using System;` gets
        // `System` from a global using, so assume the SDK's base set.
        if implicit.is_empty() && !imported.iter().any(|ns| ns == "System") {
            imported.extend(SDK_IMPLICIT_NAMESPACES.iter().map(|ns| ns.to_string()));
        }
        // Test projects name their namespaces `App.Tests`, `App.IntegrationTests`, ...
        let tooling = imported.iter().any(|ns| {
            TOOLING_NAMESPACES.iter().any(|t| {
                ns.strip_prefix(t)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
            })
        }) || src
            .lines()
            .take(20)
            .any(|l| l.contains("#:sdk Aspire.AppHost.Sdk"));
        scope.test_file = tooling
            || imported
                .iter()
                .any(|ns| TEST_NAMESPACES.contains(&ns.as_str()))
            || declared.iter().any(|ns| {
                ns.split('.').any(|seg| {
                    seg.ends_with("Tests")
                        || seg.ends_with("Test")
                        || matches!(seg, "Testing" | "Specs")
                })
            });
        scope.client_ui = imported.iter().any(|ns| {
            CLIENT_UI_NAMESPACES.iter().any(|ui| {
                ns.strip_prefix(ui)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
            })
        });
        let file_namespace = declared.first().cloned();
        for (name, node) in types {
            let qualified = enclosing_namespace(node, src)
                .or_else(|| file_namespace.clone())
                .map_or_else(|| name.clone(), |ns| format!("{ns}.{name}"));
            scope.local_types.entry(name).or_insert(qualified);
        }
        for ns in imported.into_iter().chain(declared) {
            if !scope.namespaces.contains(&ns) {
                if let Some(root) = ns.split('.').next() {
                    scope.roots.insert(root.to_string());
                }
                scope.namespaces.push(ns);
            }
        }
        scope
    }

    fn add_using(&mut self, node: Node<'_>, src: &str, imported: &mut Vec<String>) {
        let alias = node.child_by_field_name("name");
        let mut is_static = false;
        let mut target = None;
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            if child.kind() == "static" {
                is_static = true;
            } else if child.is_named() && Some(child) != alias {
                target = dotted(child, src);
            }
        }
        let Some(target) = target else { return };
        let target = target.trim_start_matches("global::").to_string();
        match alias {
            Some(alias) => {
                self.aliases.insert(text(alias, src).to_string(), target);
            }
            None if is_static => self.statics.push(target),
            None => imported.push(target),
        }
    }

    /// Records `x.Change(due, period)` with a finite period: `x` is a periodic timer even
    /// if it was created disabled or one-shot.
    fn note_timer_change(&mut self, call: Node<'_>, src: &str) {
        let Some(function) = call
            .child_by_field_name("function")
            .filter(|f| f.kind() == "member_access_expression")
        else {
            return;
        };
        let method_name = function.child_by_field_name("name").map(|n| text(n, src));
        if let Some(verb @ ("Stop" | "Start")) = method_name {
            if let Some(owner) = function
                .child_by_field_name("expression")
                .and_then(|e| dotted(e, src))
            {
                if let Some(method) = enclosing_method_name(call, src) {
                    let entry = (last_segment(&owner).to_string(), method.to_string());
                    if verb == "Stop" {
                        self.stopped_in.insert(entry);
                    } else {
                        self.started_in.insert(entry);
                    }
                }
            }
            return;
        }
        if method_name != Some("Change") {
            return;
        }
        let period = call
            .child_by_field_name("arguments")
            .and_then(|a| a.named_child(1))
            .and_then(last_named_child);
        let periodic = period.is_some_and(|p| !is_no_period(text(p, src)));
        let Some(owner) = function
            .child_by_field_name("expression")
            .and_then(|e| dotted(e, src))
        else {
            return;
        };
        let owner = last_segment(&owner).to_string();
        let mut cur = call.parent();
        while let Some(n) = cur {
            if matches!(n.kind(), "method_declaration" | "local_function_statement") {
                if let Some(method) = n.child_by_field_name("name") {
                    self.changed_in
                        .insert((owner.clone(), text(method, src).to_string()));
                }
                break;
            }
            cur = n.parent();
        }
        if periodic {
            self.rearmed.insert(owner);
        }
    }

    /// Records, per argument position of an unqualified call (`Write(a, b)`,
    /// `this.Write(a, b)`), whether the argument names a temporary path.
    fn note_call_args(&mut self, call: Node<'_>, src: &str) {
        let Some(function) = call.child_by_field_name("function") else {
            return;
        };
        let name = match function.kind() {
            "identifier" => text(function, src),
            "member_access_expression"
                if function
                    .child_by_field_name("expression")
                    .is_some_and(|e| e.kind() == "this_expression" || text(e, src) == "this") =>
            {
                function
                    .child_by_field_name("name")
                    .map_or("", |n| text(n, src))
            }
            _ => return,
        };
        let Some(arguments) = call.child_by_field_name("arguments") else {
            return;
        };
        let mut cursor = arguments.walk();
        for (index, arg) in arguments.named_children(&mut cursor).enumerate() {
            let value = last_named_child(arg).unwrap_or(arg);
            let value_text = text(value, src);
            let temp = (value.kind() == "identifier" && is_temp_name(value_text))
                || value_text.contains("GetTempPath")
                || value_text.contains("GetTempFileName");
            let entry = self
                .temp_args
                .entry((name.to_string(), index))
                .or_insert(true);
            *entry &= temp;
        }
    }

    /// `_timer.Elapsed += Handler` and `_timer.Enabled = false` (a stop).
    fn note_timer_assignment(&mut self, node: Node<'_>, src: &str) {
        let Some(left) = node
            .child_by_field_name("left")
            .filter(|l| l.kind() == "member_access_expression")
        else {
            return;
        };
        let Some(owner) = left
            .child_by_field_name("expression")
            .and_then(|e| dotted(e, src))
        else {
            return;
        };
        let owner = last_segment(&owner).to_string();
        let member = left.child_by_field_name("name").map(|n| text(n, src));
        let op = node.child_by_field_name("operator").map(|o| text(o, src));
        let right = node.child_by_field_name("right");
        match (member, op) {
            (Some("Elapsed"), Some("+=")) => {
                if let Some(handler) = right.and_then(|r| dotted(r, src)) {
                    self.elapsed_handlers
                        .insert((owner, last_segment(&handler).to_string()));
                }
            }
            (Some("Enabled"), Some("=")) => {
                let value = right.map(|r| text(r, src));
                if let Some(method) = enclosing_method_name(node, src) {
                    match value {
                        Some("false") => self.stopped_in.insert((owner, method.to_string())),
                        Some("true") => self.started_in.insert((owner, method.to_string())),
                        _ => false,
                    };
                }
            }
            _ => {}
        }
    }

    /// A `System.Timers.Timer` whose own `Elapsed` handler stops it: it fires once per
    /// `Start()` (a debounce or a delayed action), not periodically.
    fn stops_in_own_handler(&self, name: &str) -> bool {
        self.elapsed_handlers.iter().any(|entry| {
            entry.0 == name && self.stopped_in.contains(entry) && !self.started_in.contains(entry)
        })
    }

    /// A project-wide using in the form `N`, `static T` or `A = X.Y`.
    fn add_project_using(&mut self, entry: &str, imported: &mut Vec<String>) {
        let clean = |s: &str| {
            s.trim()
                .trim_start_matches("global::")
                .replace(char::is_whitespace, "")
        };
        if let Some((alias, target)) = entry.split_once('=') {
            self.aliases
                .entry(alias.trim().to_string())
                .or_insert_with(|| clean(target));
        } else if let Some(ty) = entry.trim().strip_prefix("static ") {
            self.statics.push(clean(ty));
        } else if !entry.trim().is_empty() {
            imported.push(clean(entry));
        }
    }

    /// Candidate fully qualified names for a type name as written at a use site.
    fn resolve_type(&self, name: &str) -> Vec<String> {
        if let Some(rest) = name.strip_prefix("global::") {
            return vec![rest.to_string()];
        }
        let (first, rest) = match name.find(['.', ':']) {
            Some(i) => (&name[..i], &name[i..]),
            None => (name, ""),
        };
        if let Some(rest) = rest.strip_prefix("::") {
            // `Alias::Name` names a namespace alias.
            return match self.aliases.get(first) {
                Some(target) => vec![format!("{target}.{rest}")],
                None => vec![rest.to_string()],
            };
        }
        if let Some(target) = self.aliases.get(first) {
            return vec![format!("{target}{rest}")];
        }
        if let Some(local) = self.local_types.get(first) {
            return vec![format!("{local}{rest}")];
        }
        if !rest.is_empty() && self.roots.contains(first) {
            return vec![name.to_string()];
        }
        let mut out = Vec::with_capacity(self.namespaces.len() + 1);
        if !rest.is_empty() {
            out.push(name.to_string());
        }
        out.extend(self.namespaces.iter().map(|ns| format!("{ns}.{name}")));
        if out.is_empty() {
            out.push(name.to_string());
        }
        out
    }
}

/// The innermost block namespace around `node`, with its enclosing ones.
/// The name of the method or local function that contains `node`.
fn enclosing_method_name<'s>(node: Node<'_>, src: &'s str) -> Option<&'s str> {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if matches!(n.kind(), "method_declaration" | "local_function_statement") {
            return n.child_by_field_name("name").map(|m| text(m, src));
        }
        cur = n.parent();
    }
    None
}

/// The name of the innermost type declaration that contains `node`.
fn enclosing_type_name<'s>(node: Node<'_>, src: &'s str) -> Option<&'s str> {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if matches!(
            n.kind(),
            "class_declaration" | "struct_declaration" | "record_declaration"
        ) {
            return n.child_by_field_name("name").map(|m| text(m, src));
        }
        cur = n.parent();
    }
    None
}

fn enclosing_namespace(node: Node<'_>, src: &str) -> Option<String> {
    let mut parts = Vec::new();
    let mut cur = node.parent();
    while let Some(n) = cur {
        if n.kind() == "namespace_declaration" {
            if let Some(name) = n.child_by_field_name("name").and_then(|n| dotted(n, src)) {
                parts.push(name);
            }
        }
        cur = n.parent();
    }
    if parts.is_empty() {
        return None;
    }
    parts.reverse();
    Some(parts.join("."))
}

/// Pre-order traversal without recursion; `visit` returns whether to descend.
fn for_each_node<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>) -> bool) {
    let mut cursor = root.walk();
    let mut depth = 0usize;
    loop {
        let descend = visit(cursor.node()) && depth < MAX_DEPTH;
        if descend && cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if depth == 0 || !cursor.goto_parent() {
                return;
            }
            depth -= 1;
        }
    }
}

/// A name written as identifiers and dots (`System.IO.File`, `global::X.Y`,
/// `List<int>` as `List`), without whitespace or type arguments.
fn dotted(node: Node<'_>, src: &str) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = node;
    for _ in 0..64 {
        match cur.kind() {
            "identifier" | "predefined_type" | "this_expression" | "this" => {
                parts.push(text(cur, src).to_string());
                break;
            }
            "generic_name" => {
                parts.push(text(cur.named_child(0)?, src).to_string());
                break;
            }
            "alias_qualified_name" => {
                let alias = text(cur.child_by_field_name("alias")?, src);
                let name = dotted(cur.child_by_field_name("name")?, src)?;
                parts.push(format!("{alias}::{name}"));
                break;
            }
            "qualified_name" => {
                parts.push(dotted(cur.child_by_field_name("name")?, src)?);
                cur = cur.child_by_field_name("qualifier")?;
            }
            "member_access_expression" => {
                parts.push(dotted(cur.child_by_field_name("name")?, src)?);
                cur = cur.child_by_field_name("expression")?;
            }
            "nullable_type" => cur = cur.child_by_field_name("type")?,
            _ => return None,
        }
    }
    parts.reverse();
    Some(parts.join("."))
}

/// The written type of a declaration, or `None` for `var`, arrays, tuples and the like.
fn type_name(node: Node<'_>, src: &str) -> Option<String> {
    match node.kind() {
        "implicit_type" | "array_type" | "tuple_type" | "pointer_type" => None,
        _ => dotted(node, src),
    }
}

/// What a variable is known to hold.
#[derive(Debug, Clone, Default)]
struct VarInfo {
    /// The declared or constructed type, as written.
    ty: Option<String>,
    /// It holds (or by its name, probably holds) a file path.
    path_like: bool,
    /// It holds a path in the temporary directory.
    temp: bool,
}

/// Contexts inherited from enclosing syntax.
#[derive(Debug, Clone, Copy, Default)]
struct Ctx {
    unbounded_loop: bool,
    retry: bool,
    spawned: bool,
    test: bool,
    /// Inside a class or method whose name says it does per-instance work.
    per_instance: bool,
    /// Behind a check that only one instance runs the code.
    guarded: bool,
}

impl Ctx {
    fn set(self) -> BTreeSet<Context> {
        let mut set = BTreeSet::new();
        for (on, c) in [
            (self.unbounded_loop, Context::UnboundedLoop),
            (self.retry, Context::Retry),
            (self.spawned, Context::Spawned),
            (self.test, Context::Test),
            (self.per_instance, Context::PerInstance),
            (self.guarded, Context::SingleInstanceGuard),
        ] {
            if on {
                set.insert(c);
            }
        }
        set
    }

    /// The context at the start of a new function body: loops and catch blocks of the
    /// enclosing function do not repeat or guard a lambda or local function.
    fn function(self) -> Ctx {
        Ctx {
            unbounded_loop: false,
            retry: false,
            ..self
        }
    }
}

/// What the receiver of a member call is.
enum Recv {
    /// A type, by candidate names: the call is static.
    Type(Vec<String>),
    /// A value, with its type as written when known.
    Value(Option<String>),
}

struct Walker<'s, 'f> {
    src: &'s str,
    file: &'f FileScope,
    facts: FileFacts,
    /// Variable scopes, innermost last: file (top-level statements), types
    /// (fields, properties, primary-constructor parameters), functions.
    vars: Vec<HashMap<String, VarInfo>>,
    /// Nesting of [`Walker::expression_type`] through receivers (`a.Parent.Parent...`).
    type_depth: std::cell::Cell<usize>,
}

impl Walker<'_, '_> {
    fn walk(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match node.kind() {
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
                    .child_by_field_name("name")
                    .is_some_and(|n| mentions_per_instance_work(text(n, self.src)));
                let ctx = Ctx {
                    test: ctx.test || self.has_attribute(node, TEST_METHOD_ATTRIBUTES),
                    per_instance: ctx.per_instance || named_per_instance,
                    ..ctx.function()
                };
                self.vars.push(HashMap::new());
                self.walk_children(node, ctx, depth);
                self.vars.pop();
            }
            "while_statement" | "do_statement" | "for_statement" => {
                let condition = node.child_by_field_name("condition");
                let body = node.child_by_field_name("body");
                let unbounded = match condition {
                    Some(cond) => {
                        unbounded_condition(cond, self.src, 0)
                            && !body.is_some_and(|b| sets_own_flag(cond, b, self.src))
                    }
                    None => node.kind() == "for_statement",
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
            "if_statement" => {
                let condition = node.child_by_field_name("condition");
                let retry =
                    condition.is_some_and(|c| mentions(text(c, self.src), RETRY_CONDITION_WORDS));
                let guard = condition.is_some_and(|c| is_single_instance_guard(text(c, self.src)));
                let inner = Ctx {
                    retry: ctx.retry || retry,
                    guarded: ctx.guarded || guard,
                    ..ctx
                };
                // The `else` of a leader check runs on the other instances.
                let alternative = Ctx {
                    guarded: ctx.guarded,
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
                    if child.kind() == "if_statement" && self.is_guard_exit(child) {
                        ctx.guarded = true;
                    }
                }
            }
            "invocation_expression" => self.invocation(node, ctx, depth),
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
                if let Some(name) = node.child_by_field_name("name") {
                    let ty = node
                        .child_by_field_name("type")
                        .and_then(|t| type_name(t, self.src));
                    self.declare(name, ty, None);
                    if self.receives_temp_path(node) {
                        let name = text(name, self.src);
                        if let Some(var) = self.vars.last_mut().and_then(|s| s.get_mut(name)) {
                            var.temp = true;
                        }
                    }
                }
            }
            "implicit_parameter" => self.declare(node, None, None),
            "foreach_statement" => {
                if let Some(left) = node.child_by_field_name("left") {
                    if left.kind() == "identifier" {
                        // `foreach (var f in dir.GetFiles())`: the element type.
                        let ty = node
                            .child_by_field_name("type")
                            .and_then(|t| type_name(t, self.src))
                            .or_else(|| {
                                node.child_by_field_name("right")
                                    .and_then(|r| self.expression_type(unwrap_expr(r)))
                            });
                        self.declare(left, ty, None);
                    }
                }
                self.walk_children(node, ctx, depth);
            }
            "declaration_expression" | "catch_declaration" => {
                if let Some(name) = node.child_by_field_name("name") {
                    let ty = node
                        .child_by_field_name("type")
                        .and_then(|t| type_name(t, self.src));
                    self.declare(name, ty, None);
                }
            }
            _ => self.walk_children(node, ctx, depth),
        }
    }

    fn walk_children(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) {
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
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

    fn type_declaration(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) {
        let mut members = HashMap::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "base_list" => self.base_list(child, ctx),
                "parameter_list" => {
                    let mut c = child.walk();
                    for param in child.named_children(&mut c) {
                        self.member_var(&mut members, param);
                    }
                }
                "declaration_list" => {
                    let mut c = child.walk();
                    for member in child.named_children(&mut c) {
                        match member.kind() {
                            "field_declaration" | "event_field_declaration" => {
                                let mut c2 = member.walk();
                                for decl in member.named_children(&mut c2) {
                                    if decl.kind() == "variable_declaration" {
                                        self.member_vars(&mut members, decl);
                                    }
                                }
                            }
                            "property_declaration" => self.member_var(&mut members, member),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        let named_per_instance = node.child_by_field_name("name").is_some_and(|n| {
            let name = text(n, self.src);
            mentions_per_instance_work(name)
                || PER_CONNECTION_SUFFIXES.iter().any(|s| name.ends_with(s))
        });
        let ctx = Ctx {
            test: ctx.test || self.has_attribute(node, TEST_CLASS_ATTRIBUTES),
            per_instance: ctx.per_instance || named_per_instance,
            ..ctx
        };
        self.vars.push(members);
        self.walk_children(node, ctx, depth);
        self.vars.pop();
    }

    /// Records a property or parameter `node` (with `name` and `type` fields).
    fn member_var(&self, members: &mut HashMap<String, VarInfo>, node: Node<'_>) {
        if let Some(name) = node.child_by_field_name("name") {
            let name = text(name, self.src);
            let ty = node
                .child_by_field_name("type")
                .and_then(|t| type_name(t, self.src));
            let info = self.var_info(name, ty, None);
            members.insert(name.to_string(), info);
        }
    }

    fn member_vars(&self, members: &mut HashMap<String, VarInfo>, decl: Node<'_>) {
        let ty = decl
            .child_by_field_name("type")
            .and_then(|t| type_name(t, self.src));
        let mut cursor = decl.walk();
        for declarator in decl.named_children(&mut cursor) {
            if declarator.kind() != "variable_declarator" {
                continue;
            }
            if let Some(name) = declarator.child_by_field_name("name") {
                let name = text(name, self.src);
                let info = self.var_info(name, ty.clone(), initializer(declarator));
                members.insert(name.to_string(), info);
            }
        }
    }

    fn declare_variables(&mut self, decl: Node<'_>) {
        let ty = decl
            .child_by_field_name("type")
            .and_then(|t| type_name(t, self.src));
        let mut cursor = decl.walk();
        for declarator in decl.named_children(&mut cursor) {
            if declarator.kind() != "variable_declarator" {
                continue;
            }
            if let Some(name) = declarator.child_by_field_name("name") {
                self.declare(name, ty.clone(), initializer(declarator));
            }
        }
    }

    /// A parameter of a method of this file that every call in the file passes a
    /// temporary path: `CreateZip(tempFilePath)` ... `void CreateZip(string filePath)`.
    fn receives_temp_path(&self, parameter: Node<'_>) -> bool {
        let Some(list) = parameter.parent().filter(|l| l.kind() == "parameter_list") else {
            return false;
        };
        let Some(method) = list
            .parent()
            .filter(|m| matches!(m.kind(), "method_declaration" | "local_function_statement"))
        else {
            return false;
        };
        let Some(name) = method.child_by_field_name("name") else {
            return false;
        };
        let mut cursor = list.walk();
        let Some(index) = list
            .named_children(&mut cursor)
            .filter(|p| p.kind() == "parameter")
            .position(|p| p == parameter)
        else {
            return false;
        };
        self.file
            .temp_args
            .get(&(text(name, self.src).to_string(), index))
            .copied()
            .unwrap_or(false)
    }

    fn declare(&mut self, name: Node<'_>, ty: Option<String>, init: Option<Node<'_>>) {
        let name = text(name, self.src);
        let info = self.var_info(name, ty, init);
        if let Some(scope) = self.vars.last_mut() {
            scope.insert(name.to_string(), info);
        }
    }

    fn var_info(&self, name: &str, ty: Option<String>, init: Option<Node<'_>>) -> VarInfo {
        let init = init.map(unwrap_expr);
        let ty = ty.or_else(|| init.and_then(|i| self.expression_type(i)));
        let temp = init.is_some_and(|i| self.is_temp_path(i));
        let path_like = match (&ty, init) {
            (Some(t), _) if !is_string_type(t) => false,
            (_, Some(i)) if self.path_like(i) => true,
            _ => path_like_name(name),
        };
        VarInfo {
            ty,
            path_like,
            temp,
        }
    }

    /// The type of an expression when it is written in it (`new T()`, `(T)x`, `x as T`).
    fn expression_type(&self, expr: Node<'_>) -> Option<String> {
        let depth = self.type_depth.get();
        if depth > 32 {
            return None;
        }
        self.type_depth.set(depth + 1);
        let ty = self.expression_type_inner(expr);
        self.type_depth.set(depth);
        ty
    }

    fn expression_type_inner(&self, expr: Node<'_>) -> Option<String> {
        match expr.kind() {
            "object_creation_expression" | "cast_expression" => expr
                .child_by_field_name("type")
                .and_then(|t| type_name(t, self.src)),
            "as_expression" => expr
                .child_by_field_name("right")
                .and_then(|t| type_name(t, self.src)),
            // Static factories return their own type: `XDocument.Load(p)`, `Image.FromFile(p)`.
            "invocation_expression" => {
                let function = expr
                    .child_by_field_name("function")
                    .filter(|f| f.kind() == "member_access_expression")?;
                let method = text(function.child_by_field_name("name")?, self.src);
                let known = RETURN_TYPES.iter().any(|(m, _)| last_segment(m) == method);
                if !known && !FACTORY_METHODS.contains(&method) {
                    return None;
                }
                let recv = function.child_by_field_name("expression")?;
                let receiver = self.receiver(recv);
                if let Some(ty) = self.known_return_type(&receiver, method) {
                    return Some(ty);
                }
                if !FACTORY_METHODS.contains(&method) {
                    return None;
                }
                match receiver {
                    Recv::Type(_) => dotted(recv, self.src),
                    Recv::Value(_) => None,
                }
            }
            // Framework properties: `fileInfo.Directory`, `dir.Parent`.
            "member_access_expression" => {
                let name = text(expr.child_by_field_name("name")?, self.src);
                if !RETURN_TYPES.iter().any(|(m, _)| last_segment(m) == name) {
                    return None;
                }
                let receiver = self.receiver(expr.child_by_field_name("expression")?);
                self.known_return_type(&receiver, name)
            }
            _ => None,
        }
    }

    /// The return type of `member` on a receiver, from [`RETURN_TYPES`].
    fn known_return_type(&self, receiver: &Recv, member: &str) -> Option<String> {
        let types = match receiver {
            Recv::Type(types) => types.clone(),
            Recv::Value(Some(ty)) => self.file.resolve_type(ty),
            Recv::Value(None) => return None,
        };
        types.iter().find_map(|t| {
            RETURN_TYPES.iter().find_map(|(m, ret)| {
                (m.strip_prefix(t.as_str()).and_then(|r| r.strip_prefix('.')) == Some(member))
                    .then(|| ret.to_string())
            })
        })
    }

    fn lookup(&self, name: &str) -> Option<&VarInfo> {
        self.vars.iter().rev().find_map(|scope| scope.get(name))
    }

    fn has_attribute(&self, node: Node<'_>, names: &[&str]) -> bool {
        let mut cursor = node.walk();
        for list in node.named_children(&mut cursor) {
            if list.kind() != "attribute_list" {
                continue;
            }
            let mut c = list.walk();
            for attr in list.named_children(&mut c) {
                let name = attr
                    .child_by_field_name("name")
                    .and_then(|n| dotted(n, self.src));
                if let Some(name) = name {
                    let last = name.rsplit(['.', ':']).next().unwrap_or(&name);
                    let last = last.strip_suffix("Attribute").unwrap_or(last);
                    if names.contains(&last) {
                        return true;
                    }
                }
            }
        }
        false
    }

    fn base_list(&mut self, list: Node<'_>, ctx: Ctx) {
        let mut cursor = list.walk();
        for base in list.named_children(&mut cursor) {
            let ty = if base.kind() == "primary_constructor_base_type" {
                base.child_by_field_name("type")
            } else {
                Some(base)
            };
            let Some(name) = ty.and_then(|t| type_name(t, self.src)) else {
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
        let Some(name) = node
            .child_by_field_name("name")
            .and_then(|n| dotted(n, self.src))
        else {
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
            if list.kind() == "attribute_argument_list" {
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

    fn invocation(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) {
        let function = node.child_by_field_name("function");
        let arguments = node.child_by_field_name("arguments");
        let mut targets = Vec::new();
        let mut start = node.start_byte();
        let mut receiver = None;
        if let Some(function) = function {
            let (method, name_node, recv) = match function.kind() {
                "member_access_expression" => (
                    function.child_by_field_name("name"),
                    function.child_by_field_name("name"),
                    function.child_by_field_name("expression"),
                ),
                "conditional_access_expression" => {
                    let binding = last_named_child(function);
                    let name = binding
                        .filter(|b| b.kind() == "member_binding_expression")
                        .and_then(|b| b.child_by_field_name("name"));
                    (name, name, function.child_by_field_name("condition"))
                }
                "identifier" | "generic_name" => (Some(function), None, None),
                _ => (None, None, None),
            };
            // Generic calls are also recorded with their type arguments, so mitigations can
            // name `Configure<KeyManagementOptions>`.
            if let Some(generic) = method.filter(|m| m.kind() == "generic_name") {
                let written: String = text(generic, self.src)
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                self.facts.calls.insert(written);
            }
            let method = method.and_then(|m| dotted(m, self.src));
            if let Some(method) = &method {
                targets = self.call_targets(method, recv);
                self.facts.calls.extend(targets.iter().cloned());
                self.facts.calls.insert(method.clone());
            }
            receiver = recv;
            // A call at the end of a multi-line chain is reported on its own line.
            if let (Some(name), Some(recv)) = (name_node, recv) {
                if recv.start_position().row != name.start_position().row {
                    start = name.start_byte();
                }
            }
        }
        let args = arguments.map(|a| self.args(a)).unwrap_or_default();
        if !targets.is_empty() {
            let mut event = Event::new(EventKind::Call, targets.clone(), start..node.end_byte());
            event.args = args;
            event.chain = receiver.map(|r| self.chain(r)).unwrap_or_default();
            event.context = ctx.set();
            if arguments.is_some_and(|a| mentions(text(a, self.src), RETRY_ARG_WORDS)) {
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
            self.facts.events.push(event);
        }
        if let Some(function) = function {
            self.walk(function, ctx, depth + 1);
        }
        if let Some(arguments) = arguments {
            let spawns = targets.iter().any(|t| SPAWNERS.contains(&t.as_str()));
            let arg_ctx = Ctx {
                spawned: ctx.spawned || spawns,
                ..ctx
            };
            self.walk(arguments, arg_ctx, depth + 1);
        }
    }

    /// Candidate targets of calling `method` on `recv` (or unqualified when `None`).
    fn call_targets(&self, method: &str, recv: Option<Node<'_>>) -> Vec<String> {
        let Some(recv) = recv else {
            if self.file.local_methods.contains(method) || self.lookup(method).is_some() {
                return Vec::new();
            }
            return self
                .file
                .statics
                .iter()
                .map(|t| format!("{t}.{method}"))
                .collect();
        };
        match self.receiver(recv) {
            Recv::Type(types) => types.iter().map(|t| format!("{t}.{method}")).collect(),
            Recv::Value(ty) => {
                // A type of this file that declares the method calls its own method.
                let own_method = ty.as_deref().is_some_and(|t| {
                    let first = t.split(['.', ':']).next().unwrap_or(t);
                    self.file.local_types.contains_key(first)
                        && self.file.local_methods.contains(method)
                });
                let mut out: Vec<String> = ty
                    .map(|t| self.file.resolve_type(&t))
                    .unwrap_or_default()
                    .into_iter()
                    .map(|t| format!("{t}.{method}"))
                    .collect();
                if own_method {
                    return out;
                }
                // Extension methods: any imported namespace may supply one.
                out.extend(
                    self.file
                        .namespaces
                        .iter()
                        .map(|ns| format!("{ns}.{method}")),
                );
                out
            }
        }
    }

    fn receiver(&self, expr: Node<'_>) -> Recv {
        let expr = unwrap_expr(expr);
        if let Some(ty) = self.expression_type(expr) {
            return Recv::Value(Some(ty));
        }
        let Some(name) = dotted(expr, self.src) else {
            return Recv::Value(None);
        };
        let first = name.split(['.', ':']).next().unwrap_or(&name);
        let single = first.len() == name.len();
        if let Some(io) = self.abstract_file_system(&name) {
            return Recv::Type(vec![io]);
        }
        if first == "this" || first == "base" {
            let mut rest = name.split('.').skip(1);
            return match (rest.next(), rest.next()) {
                (Some(field), None) => Recv::Value(self.lookup(field).and_then(|v| v.ty.clone())),
                _ => Recv::Value(None),
            };
        }
        if let Some(var) = self.lookup(first) {
            return Recv::Value(if single { var.ty.clone() } else { None });
        }
        if let Some(system) = predefined_type(&name) {
            return Recv::Type(vec![system.to_string()]);
        }
        if self.file.aliases.contains_key(first)
            || self.file.local_types.contains_key(first)
            || name.starts_with("global::")
        {
            return Recv::Type(self.file.resolve_type(&name));
        }
        // Unknown lower-case names are variables declared elsewhere (another partial
        // class file, a base class); upper-case ones are taken to be types.
        if first.starts_with(|c: char| c.is_uppercase()) {
            Recv::Type(self.file.resolve_type(&name))
        } else {
            Recv::Value(None)
        }
    }

    /// `_fileSystem.File` / `.Directory` of a System.IO.Abstractions `IFileSystem`: the
    /// same operations as `System.IO.File` / `Directory` on the real file system.
    fn abstract_file_system(&self, name: &str) -> Option<String> {
        let (owner, member) = name.rsplit_once('.')?;
        if !matches!(member, "File" | "Directory") {
            return None;
        }
        let imported = self
            .file
            .namespaces
            .iter()
            .any(|ns| ABSTRACT_FS_NAMESPACES.contains(&ns.as_str()));
        if !imported {
            return None;
        }
        let owner = owner.strip_prefix("this.").unwrap_or(owner);
        let typed = self
            .lookup(owner)
            .and_then(|v| v.ty.as_deref())
            .map(last_segment);
        let is_fs = match typed {
            Some(ty) => matches!(ty, "IFileSystem" | "FileSystem"),
            None => last_segment(owner)
                .to_ascii_lowercase()
                .contains("filesystem"),
        };
        is_fs.then(|| format!("System.IO.{member}"))
    }

    /// Builder calls applied to the receiver before the call, first applied first.
    fn chain(&self, recv: Node<'_>) -> Vec<String> {
        let mut chain = Vec::new();
        let mut cur = unwrap_expr(recv);
        while cur.kind() == "invocation_expression" && chain.len() < 64 {
            let Some(function) = cur.child_by_field_name("function") else {
                break;
            };
            let (name, next) = match function.kind() {
                "member_access_expression" => (
                    function.child_by_field_name("name"),
                    function.child_by_field_name("expression"),
                ),
                _ => (Some(function), None),
            };
            let Some(name) = name.and_then(|n| dotted(n, self.src)) else {
                break;
            };
            let literal = cur
                .child_by_field_name("arguments")
                .filter(|a| a.named_child_count() == 1)
                .and_then(|a| a.named_child(0))
                .and_then(last_named_child)
                .and_then(|e| literal_text(e, self.src));
            chain.push(match literal {
                Some(lit) => format!("{name}({lit})"),
                None => name,
            });
            match next {
                Some(next) => cur = unwrap_expr(next),
                None => break,
            }
        }
        chain.reverse();
        chain
    }

    fn construction(&mut self, node: Node<'_>, ctx: Ctx, depth: usize) {
        let ty = if node.kind() == "object_creation_expression" {
            node.child_by_field_name("type")
                .and_then(|t| type_name(t, self.src))
        } else {
            self.target_type(node)
        };
        let arguments = if node.kind() == "object_creation_expression" {
            node.child_by_field_name("arguments")
        } else {
            first_child_of_kind(node, "argument_list")
        };
        let mut spawns = false;
        if let Some(ty) = ty {
            let targets = self.file.resolve_type(&ty);
            spawns = targets.iter().any(|t| SPAWNING_TYPES.contains(&t.as_str()));
            let mut event = Event::new(EventKind::Construct, targets, node.byte_range());
            event.args = arguments.map(|a| self.args(a)).unwrap_or_default();
            event.context = ctx.set();
            if self.constructs_per_instance_work(node, arguments) {
                event.context.insert(Context::PerInstance);
            }
            // A one-shot timer in a scheduler (`class DailyTrigger`) is armed for the next
            // occurrence of a schedule: still a recurring job.
            if self.fires_once(&event.targets, node, arguments)
                && !enclosing_type_name(node, self.src)
                    .is_some_and(|t| mentions(t, SCHEDULER_WORDS))
            {
                event.context.insert(Context::SelfCancelling);
            }
            self.facts.events.push(event);
        }
        let arg_ctx = Ctx {
            spawned: ctx.spawned || spawns,
            ..ctx
        };
        let type_node = node.child_by_field_name("type");
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            if Some(child) == arguments {
                self.walk(child, arg_ctx, depth + 1);
            } else if Some(child) != type_node {
                self.walk(child, ctx, depth + 1);
            }
        }
    }

    /// Whether the object's callback (`new Timer(SendHeartbeat, ...)`) or the variable it
    /// is assigned to (`_healthCheckTimer = new(...)`) names per-instance work.
    fn constructs_per_instance_work(&self, node: Node<'_>, arguments: Option<Node<'_>>) -> bool {
        let callback = arguments
            .and_then(|a| a.named_child(0))
            .and_then(last_named_child)
            .map(|cb| text(cb, self.src))
            .filter(|t| t.len() <= 400);
        callback.is_some_and(mentions_per_instance_work)
            || self
                .assigned_name(node)
                .is_some_and(mentions_per_instance_work)
    }

    /// A timer that fires once: a `System.Threading.Timer` whose period is
    /// `Timeout.Infinite` (or that is created disabled) and that is never re-armed with a
    /// period, or a `System.Timers.Timer` with `AutoReset = false`.
    fn fires_once(&self, targets: &[String], node: Node<'_>, arguments: Option<Node<'_>>) -> bool {
        let is = |t: &str| targets.iter().any(|c| c == t);
        let name = self.assigned_name(node).map(last_segment);
        if is("System.Threading.Timer") {
            if name.is_some_and(|n| self.file.rearmed.contains(n)) {
                return false;
            }
            let mut cursor = arguments.map(|a| a.walk());
            let args: Vec<Node<'_>> = match (arguments, cursor.as_mut()) {
                // `this` is an anonymous node: keep the argument itself then.
                (Some(a), Some(c)) => a
                    .named_children(c)
                    .map(|arg| last_named_child(arg).unwrap_or(arg))
                    .collect(),
                _ => Vec::new(),
            };
            // A callback that re-arms its own timer makes it repeat.
            let rearms_itself = |n: &str| {
                args.first().is_some_and(|cb| {
                    let cb_text = text(*cb, self.src);
                    self.file
                        .changed_in
                        .contains(&(n.to_string(), last_segment(cb_text).to_string()))
                        || cb_text.contains(&format!("{n}.Change("))
                        || cb_text.contains(&format!("{n}?.Change("))
                })
            };
            if name.is_some_and(rearms_itself) {
                return false;
            }
            return match args.len() {
                1 => true,
                4 => is_no_period(text(args[3], self.src)),
                _ => false,
            };
        }
        if is("System.Timers.Timer") {
            let initializer_once =
                first_child_of_kind(node, "initializer_expression").is_some_and(|i| {
                    let compact: String = text(i, self.src)
                        .chars()
                        .filter(|c| !c.is_whitespace())
                        .collect();
                    compact.contains("AutoReset=false")
                });
            return initializer_once
                || name.is_some_and(|n| {
                    self.file.fires_once.contains(n) || self.file.stops_in_own_handler(n)
                });
        }
        false
    }

    /// The variable, field or property an expression initialises or is assigned to.
    fn assigned_name(&self, node: Node<'_>) -> Option<&str> {
        let mut cur = node;
        for _ in 0..4 {
            let parent = cur.parent()?;
            let name = match parent.kind() {
                "variable_declarator" | "property_declaration" => {
                    parent.child_by_field_name("name")
                }
                "assignment_expression" => parent.child_by_field_name("left"),
                _ => None,
            };
            if let Some(name) = name {
                return Some(text(name, self.src));
            }
            cur = parent;
        }
        None
    }

    /// `if (<single-instance check>) return;` (or `throw`).
    fn is_guard_exit(&self, if_statement: Node<'_>) -> bool {
        let guard = if_statement
            .child_by_field_name("condition")
            .is_some_and(|c| is_single_instance_guard(text(c, self.src)));
        guard
            && if_statement
                .child_by_field_name("consequence")
                .is_some_and(|c| match c.kind() {
                    "return_statement" | "throw_statement" => true,
                    "expression_statement" => c
                        .named_child(0)
                        .is_some_and(|e| e.kind() == "throw_expression"),
                    "block" => {
                        let mut cursor = c.walk();
                        let exits = c
                            .named_children(&mut cursor)
                            .any(|st| matches!(st.kind(), "return_statement" | "throw_statement"));
                        exits
                    }
                    _ => false,
                })
    }

    /// The type a target-typed `new(...)` creates, from the declaration or assignment it
    /// initialises.
    fn target_type(&self, node: Node<'_>) -> Option<String> {
        let parent = node.parent()?;
        match parent.kind() {
            "variable_declarator" => parent
                .parent()
                .filter(|d| d.kind() == "variable_declaration")
                .and_then(|d| d.child_by_field_name("type"))
                .and_then(|t| type_name(t, self.src)),
            "property_declaration" => parent
                .child_by_field_name("type")
                .and_then(|t| type_name(t, self.src)),
            "assignment_expression" => {
                let left = parent.child_by_field_name("left")?;
                let name = dotted(left, self.src)?;
                let var = name.strip_prefix("this.").unwrap_or(&name);
                self.lookup(var)?.ty.clone()
            }
            _ => None,
        }
    }

    fn args(&self, list: Node<'_>) -> Vec<Arg> {
        let mut cursor = list.walk();
        list.named_children(&mut cursor)
            .filter(|a| a.kind() == "argument")
            .filter_map(last_named_child)
            .map(|expr| self.arg(expr))
            .collect()
    }

    fn arg(&self, expr: Node<'_>) -> Arg {
        let expr = unwrap_expr(expr);
        // `$"Filename={Path.Combine(Path.GetTempPath(), "app.db")}"`
        if expr.kind() == "interpolated_string_expression" && self.is_temp_path(expr) {
            return Arg::TempPath;
        }
        if let Some(s) = string_value(expr, self.src) {
            return Arg::Str(s);
        }
        // In a class about temporary files (`class TempFile`, `TemporaryDirectory`), the
        // paths it handles are its temporary ones.
        if self.is_temp_path(expr)
            || enclosing_type_name(expr, self.src).is_some_and(is_temp_name) && self.path_like(expr)
        {
            return Arg::TempPath;
        }
        match expr.kind() {
            "member_access_expression" => {
                if let (Some(Recv::Type(types)), Some(name)) = (
                    expr.child_by_field_name("expression")
                        .map(|e| self.receiver(e)),
                    expr.child_by_field_name("name"),
                ) {
                    let name = text(name, self.src);
                    return Arg::Member(types.iter().map(|t| format!("{t}.{name}")).collect());
                }
            }
            "object_creation_expression" | "implicit_object_creation_expression" => {
                // An options object (`new FileStreamOptions { Mode = FileMode.Append }`)
                // stands for the members it sets.
                let members = self.initializer_members(expr);
                if !members.is_empty() {
                    return Arg::Member(members);
                }
            }
            "identifier" if !self.file.statics.is_empty() => {
                let name = text(expr, self.src);
                if self.lookup(name).is_none() && name.starts_with(|c: char| c.is_uppercase()) {
                    return Arg::Member(
                        self.file
                            .statics
                            .iter()
                            .map(|t| format!("{t}.{name}"))
                            .collect(),
                    );
                }
            }
            _ => {}
        }
        Arg::Other {
            path_like: self.path_like(expr),
        }
    }

    /// Candidates of the enum-like members an object initializer assigns
    /// (`{ Mode = FileMode.Append, Access = FileAccess.Write }`).
    fn initializer_members(&self, creation: Node<'_>) -> Vec<String> {
        let mut out = Vec::new();
        let Some(init) = first_child_of_kind(creation, "initializer_expression") else {
            return out;
        };
        let mut cursor = init.walk();
        for assignment in init.named_children(&mut cursor) {
            let value = assignment
                .child_by_field_name("right")
                .map(unwrap_expr)
                .filter(|v| v.kind() == "member_access_expression");
            if let Some(value) = value {
                if let (Some(Recv::Type(types)), Some(name)) = (
                    value
                        .child_by_field_name("expression")
                        .map(|e| self.receiver(e)),
                    value.child_by_field_name("name"),
                ) {
                    let name = text(name, self.src);
                    out.extend(types.iter().map(|t| format!("{t}.{name}")));
                }
            }
        }
        out
    }

    /// Whether an expression looks like a file path: a string expression, a
    /// `System.IO.Path` call, or a name that says so.
    fn path_like(&self, expr: Node<'_>) -> bool {
        self.path_like_within(expr, 0)
    }

    fn path_like_within(&self, expr: Node<'_>, depth: usize) -> bool {
        if depth > 32 {
            return false;
        }
        let expr = unwrap_expr(expr);
        match expr.kind() {
            "string_literal"
            | "verbatim_string_literal"
            | "raw_string_literal"
            | "interpolated_string_expression" => true,
            "binary_expression" => {
                let is_plus = expr
                    .child_by_field_name("operator")
                    .is_some_and(|o| text(o, self.src) == "+");
                let side = |f: &str| {
                    expr.child_by_field_name(f)
                        .is_some_and(|s| self.path_like_within(s, depth + 1))
                };
                is_plus && (side("left") || side("right"))
            }
            "invocation_expression" => {
                let Some(function) = expr.child_by_field_name("function") else {
                    return false;
                };
                let (Some(method), Some(recv)) = (
                    function.child_by_field_name("name"),
                    function.child_by_field_name("expression"),
                ) else {
                    return false;
                };
                let method = text(method, self.src);
                let Recv::Type(recv_types) = self.receiver(recv) else {
                    return false;
                };
                recv_types.iter().any(|t| {
                    t == "System.IO.Path"
                        || (t == "System.String" && matches!(method, "Format" | "Concat" | "Join"))
                })
            }
            "identifier" => match self.lookup(text(expr, self.src)) {
                Some(var) => var.path_like,
                None => path_like_name(text(expr, self.src)),
            },
            "member_access_expression" => expr
                .child_by_field_name("name")
                .is_some_and(|n| path_like_name(text(n, self.src))),
            _ => false,
        }
    }

    /// Whether an expression is a path in the temporary directory: built from
    /// `Path.GetTempPath()` / `Path.GetTempFileName()` (directly or through a variable
    /// initialised from one) or named like one (`tempFile`, `_tmpDir`, not `template`).
    fn is_temp_path(&self, expr: Node<'_>) -> bool {
        let mut found = false;
        let mut seen = 0usize;
        for_each_node(expr, |node| {
            seen += 1;
            if found || seen > MAX_SCAN {
                return false;
            }
            match node.kind() {
                "identifier" => {
                    let name = text(node, self.src);
                    found = self.lookup(name).is_some_and(|v| v.temp) || is_temp_name(name);
                    false
                }
                "member_access_expression" => {
                    // `_options.TempDirectory`, but not the `Path` in `Path.Combine(...)`.
                    found = node
                        .child_by_field_name("name")
                        .is_some_and(|n| is_temp_name(text(n, self.src)));
                    !found
                }
                "invocation_expression" => {
                    found = node
                        .child_by_field_name("function")
                        .filter(|f| f.kind() == "member_access_expression")
                        .is_some_and(|f| self.is_temp_path_call(f));
                    if found {
                        return false;
                    }
                    // Only the arguments: the callee's own names (`Path`, `Combine`) say nothing.
                    if let Some(args) = node.child_by_field_name("arguments") {
                        found = self.is_temp_path(args);
                    }
                    false
                }
                // `$"{Guid.NewGuid()}.tmp"`: a file named as temporary.
                "string_literal" | "verbatim_string_literal" | "interpolated_string_expression" => {
                    let lower = text(node, self.src).to_ascii_lowercase();
                    let value = lower.trim_end_matches(['"', '\'']);
                    found = value.ends_with(".tmp") || value.ends_with(".temp");
                    // Look into the interpolations: `$"{Path.GetTempPath()}/x.db"`.
                    !found && node.kind() == "interpolated_string_expression"
                }
                "lambda_expression" | "anonymous_method_expression" => false,
                _ => true,
            }
        });
        found
    }

    /// `path = Path.Combine(Path.GetTempPath(), name)` after the declaration: the variable
    /// now holds a temporary path.
    fn note_assignment(&mut self, node: Node<'_>) {
        let (Some(left), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return;
        };
        if left.kind() != "identifier"
            || node
                .child_by_field_name("operator")
                .map(|o| text(o, self.src))
                != Some("=")
            || !self.is_temp_path(unwrap_expr(right))
        {
            return;
        }
        let name = text(left, self.src);
        if let Some(var) = self
            .vars
            .iter_mut()
            .rev()
            .find_map(|scope| scope.get_mut(name))
        {
            var.temp = true;
        }
    }

    /// `Path.GetTempPath` / `Path.GetTempFileName` as a member access `f` being called.
    fn is_temp_path_call(&self, f: Node<'_>) -> bool {
        let (Some(method), Some(recv)) = (
            f.child_by_field_name("name"),
            f.child_by_field_name("expression"),
        ) else {
            return false;
        };
        let method = text(method, self.src);
        match self.receiver(recv) {
            Recv::Type(types) => TEMP_PATH_CALLS.iter().any(|c| {
                types.iter().any(|t| {
                    c.strip_prefix(t.as_str()).and_then(|r| r.strip_prefix('.')) == Some(method)
                })
            }),
            Recv::Value(_) => false,
        }
    }
}

fn initializer(declarator: Node<'_>) -> Option<Node<'_>> {
    let name = declarator.child_by_field_name("name");
    let mut cursor = declarator.walk();
    let init = declarator.named_children(&mut cursor).find(|c| {
        Some(*c) != name && c.kind() != "bracketed_argument_list" && c.kind() != "tuple_pattern"
    });
    init
}

fn first_child_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut cursor = node.walk();
    let found = node.named_children(&mut cursor).find(|c| c.kind() == kind);
    found
}

/// The value of an `argument` or `attribute_argument`: its last named child (after
/// any `name:` or `Name =`).
fn last_named_child(node: Node<'_>) -> Option<Node<'_>> {
    let last = node.named_child_count().checked_sub(1)?;
    node.named_child(u32::try_from(last).ok()?)
}

/// Looks through parentheses, `await`, `!` and casts of the same value.
fn unwrap_expr(mut node: Node<'_>) -> Node<'_> {
    for _ in 0..32 {
        match node.kind() {
            "parenthesized_expression" | "await_expression" | "postfix_unary_expression" => {
                match last_named_child(node) {
                    Some(inner) => node = inner,
                    None => break,
                }
            }
            _ => break,
        }
    }
    node
}

/// A loop condition that only a shutdown or a flag ends: `true`, `!token.IsCancellationRequested`,
/// `_running`, `await timer.WaitForNextTickAsync(ct)`, or a conjunction of these. Conditions
/// that compare (`i < n`, `x != null`) or call something (`reader.Read()`, `!File.Exists(p)`)
/// count, consume data or wait for a state, and end on their own.
fn unbounded_condition(cond: Node<'_>, src: &str, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    let cond = unwrap_expr(cond);
    match cond.kind() {
        "boolean_literal" => text(cond, src) == "true",
        "identifier" | "member_access_expression" => lifecycle_flag(cond, src),
        "prefix_unary_expression" => {
            text(cond, src).starts_with('!')
                && last_named_child(cond)
                    .is_some_and(|inner| lifecycle_flag(unwrap_expr(inner), src))
        }
        "binary_expression" => {
            let op = cond
                .child_by_field_name("operator")
                .map(|o| text(o, src))
                .unwrap_or("");
            matches!(op, "&&" | "||")
                && ["left", "right"].iter().all(|f| {
                    cond.child_by_field_name(f)
                        .is_some_and(|side| unbounded_condition(side, src, depth + 1))
                })
        }
        "invocation_expression" => cond
            .child_by_field_name("function")
            .and_then(|f| f.child_by_field_name("name"))
            .is_some_and(|n| text(n, src) == "WaitForNextTickAsync"),
        _ => false,
    }
}

/// A loop body that yields to a consumer (`yield return`), streams an HTTP response
/// (`Response.Body.WriteAsync`) or takes messages from a queue: the loop lives as long as
/// one request or enumeration, or competes with the other instances for messages; it is
/// not a job.
fn consumer_driven(body: Node<'_>, src: &str) -> bool {
    let mut found = false;
    let mut seen = 0usize;
    for_each_node(body, |node| {
        seen += 1;
        if found || seen > 4 * MAX_SCAN {
            return false;
        }
        match node.kind() {
            "yield_statement" => {
                found = true;
                false
            }
            "invocation_expression" if takes_from_queue(node, src) => {
                found = true;
                false
            }
            "member_access_expression" => {
                let named_response =
                    |n: Option<Node<'_>>| n.is_some_and(|n| text(n, src) == "Response");
                found = named_response(node.child_by_field_name("name"))
                    || named_response(node.child_by_field_name("expression"));
                !found
            }
            "lambda_expression" | "anonymous_method_expression" | "local_function_statement" => {
                false
            }
            _ => true,
        }
    });
    found
}

/// `do { ...; restart = Run(); } while (restart)`: the loop's flag is set from inside its
/// own body, so the loop ends when the work says so, not on shutdown.
fn sets_own_flag(cond: Node<'_>, body: Node<'_>, src: &str) -> bool {
    let mut flag = unwrap_expr(cond);
    if flag.kind() == "prefix_unary_expression" && text(flag, src).starts_with('!') {
        match last_named_child(flag) {
            Some(inner) => flag = unwrap_expr(inner),
            None => return false,
        }
    }
    if flag.kind() != "identifier" {
        return false;
    }
    let name = text(flag, src);
    let mut found = false;
    let mut seen = 0usize;
    for_each_node(body, |node| {
        seen += 1;
        if found || seen > 4 * MAX_SCAN {
            return false;
        }
        match node.kind() {
            "assignment_expression" => {
                found = node
                    .child_by_field_name("left")
                    .is_some_and(|l| text(l, src) == name);
                !found
            }
            "lambda_expression" | "anonymous_method_expression" | "local_function_statement" => {
                false
            }
            _ => true,
        }
    });
    found
}

/// `while (true) { var s = await Poll(); if (s.Done) return s; await Task.Delay(d); }`: the
/// loop returns (or breaks) once a state is reached, outside error handling and not on a
/// shutdown check, so it waits for something rather than repeating a job.
fn exits_on_state(body: Node<'_>, src: &str) -> bool {
    let mut found = false;
    let mut seen = 0usize;
    let mut stack = vec![(body, false)];
    while let Some((node, nested_loop)) = stack.pop() {
        seen += 1;
        if found || seen > 4 * MAX_SCAN {
            break;
        }
        let exits = match node.kind() {
            "return_statement" => true,
            "break_statement" => !nested_loop,
            _ => false,
        };
        if exits && !exit_on_shutdown(node, body, src) {
            found = true;
            break;
        }
        match node.kind() {
            "catch_clause"
            | "lambda_expression"
            | "anonymous_method_expression"
            | "local_function_statement" => continue,
            _ => {}
        }
        let inner_loop = nested_loop
            || matches!(
                node.kind(),
                "while_statement"
                    | "do_statement"
                    | "for_statement"
                    | "foreach_statement"
                    | "switch_statement"
            ) && node != body;
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            stack.push((child, inner_loop));
        }
    }
    found
}

/// An exit under an `if` about the service's life (`if (ct.IsCancellationRequested)
/// return;`, `if (!_running) break;`).
fn exit_on_shutdown(exit: Node<'_>, body: Node<'_>, src: &str) -> bool {
    let mut cur = exit.parent();
    while let Some(n) = cur {
        if n == body {
            break;
        }
        // A flag about the service's life (`ct.IsCancellationRequested`, `!_running`), not
        // a state the loop reads (`StopReading(n)`, `status == Done`).
        if n.kind() == "if_statement"
            && n.child_by_field_name("condition")
                .is_some_and(|c| unbounded_condition(c, src, 0))
        {
            return true;
        }
        cur = n.parent();
    }
    false
}

/// A loop in a method that writes the HTTP response (`Response.Body`, `HttpContext.Response`):
/// it lives as long as one request (a long poll, a server-sent stream), it is not a job.
fn serves_response(node: Node<'_>, src: &str) -> bool {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if matches!(
            n.kind(),
            "method_declaration" | "local_function_statement" | "lambda_expression"
        ) {
            let body = text(n, src);
            return body.len() <= 40_000
                && (body.contains("Response.Body")
                    || body.contains("Response.WriteAsync")
                    || body.contains("Response.StartAsync"));
        }
        cur = n.parent();
    }
    false
}

/// A call that takes the next message from a queue (`queue.GetNextAsync()`,
/// `ReceiveMessagesAsync`, `TryDequeue`): a loop around it is a queue consumer, which
/// instances share by competing for messages.
fn takes_from_queue(call: Node<'_>, src: &str) -> bool {
    let Some(function) = call.child_by_field_name("function") else {
        return false;
    };
    let (receiver, name) = match function.kind() {
        "member_access_expression" => (
            function.child_by_field_name("expression"),
            function.child_by_field_name("name"),
        ),
        "identifier" | "generic_name" => (None, Some(function)),
        _ => (None, None),
    };
    let name = name
        .map(|n| text(n, src).to_ascii_lowercase())
        .unwrap_or_default();
    let name = name.split('<').next().unwrap_or("");
    if [
        "receive",
        "dequeue",
        "trydequeue",
        "getmessage",
        "getnextmessage",
        "consume",
    ]
    .iter()
    .any(|p| name.starts_with(p))
    {
        return true;
    }
    receiver.is_some_and(|r| {
        let r = text(r, src).to_ascii_lowercase();
        last_segment(&r).contains("queue")
            && ["get", "read", "take", "pop", "fetch", "next"]
                .iter()
                .any(|p| name.starts_with(p))
    })
}

/// A flag that tracks the life of a service (`IsCancellationRequested`, `_running`,
/// `!_disposed`), as opposed to a state the loop waits for (`HasPendingExecutions`,
/// `!connected`, `!process.HasExited`).
fn lifecycle_flag(node: Node<'_>, src: &str) -> bool {
    let name = match node.kind() {
        "identifier" => Some(node),
        "member_access_expression" => node.child_by_field_name("name"),
        _ => None,
    };
    name.is_some_and(|n| mentions(text(n, src), LIFECYCLE_WORDS))
}

/// A `System.Threading.Timer` period that never repeats: `Timeout.Infinite`,
/// `Timeout.InfiniteTimeSpan`, `-1`, `TimeSpan.FromMilliseconds(-1)`, or zero (`0`,
/// `TimeSpan.Zero`), which disables periodic signalling too.
fn is_no_period(arg: &str) -> bool {
    let compact: String = arg.chars().filter(|c| !c.is_whitespace()).collect();
    if matches!(
        compact.as_str(),
        "-1" | "0" | "-1L" | "0L" | "TimeSpan.Zero"
    ) {
        return true;
    }
    if matches!(last_segment(&compact), "Infinite" | "InfiniteTimeSpan") {
        return true;
    }
    // `TimeSpan.FromMilliseconds(-1)`, `TimeSpan.FromSeconds(0)`.
    compact
        .strip_prefix("TimeSpan.From")
        .and_then(|rest| rest.split_once('('))
        .is_some_and(|(_, arg)| matches!(arg.trim_end_matches(')'), "-1" | "0"))
}

/// Whether one of the candidate targets is a method of one of these names.
fn method_is(targets: &[String], names: &[&str]) -> bool {
    targets.iter().any(|t| names.contains(&last_segment(t)))
}

/// The last segment of a dotted name (`_timer` in `this._timer`).
fn last_segment(name: &str) -> &str {
    name.rsplit(['.', ':']).next().unwrap_or(name)
}

fn mentions(haystack: &str, words: &[&str]) -> bool {
    let lower = haystack.to_ascii_lowercase();
    words.iter().any(|w| lower.contains(w))
}

/// A name such as `filePath`, `uploadDir` or `FileName`, but not `fileStream`.
fn path_like_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !lower.ends_with("stream")
        && ["path", "file", "dir", "folder"]
            .iter()
            .any(|w| lower.contains(w))
}

/// The type a C# keyword stands for (`string.Join` is `System.String.Join`).
fn predefined_type(name: &str) -> Option<&'static str> {
    Some(match name {
        "string" => "System.String",
        "object" => "System.Object",
        "int" => "System.Int32",
        "long" => "System.Int64",
        "bool" => "System.Boolean",
        "double" => "System.Double",
        "decimal" => "System.Decimal",
        "char" => "System.Char",
        "byte" => "System.Byte",
        _ => return None,
    })
}

fn is_string_type(ty: &str) -> bool {
    matches!(ty, "string" | "String" | "System.String")
}

/// A literal's source text for a builder-chain entry: bools, numbers and strings.
fn literal_text(node: Node<'_>, src: &str) -> Option<String> {
    match node.kind() {
        "boolean_literal" | "integer_literal" | "real_literal" => Some(text(node, src).to_string()),
        _ => string_value(node, src),
    }
}

/// The value of a string literal, or of an interpolated string without holes.
fn string_value(node: Node<'_>, src: &str) -> Option<String> {
    let raw = text(node, src);
    match node.kind() {
        "string_literal" => {
            let inner = raw.strip_suffix("u8").unwrap_or(raw);
            let inner = inner.strip_prefix('"')?.strip_suffix('"')?;
            Some(unescape(inner))
        }
        "verbatim_string_literal" => {
            let inner = raw.strip_prefix("@\"")?.strip_suffix('"')?;
            Some(inner.replace("\"\"", "\""))
        }
        "raw_string_literal" => {
            let mut parts = String::new();
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                if child.kind() == "raw_string_content" {
                    parts.push_str(text(child, src));
                }
            }
            Some(parts)
        }
        "interpolated_string_expression" => {
            let verbatim = raw.starts_with("$@") || raw.starts_with("@$");
            let mut parts = String::new();
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                match child.kind() {
                    "interpolation" => return None,
                    "string_content" | "escape_sequence" => parts.push_str(text(child, src)),
                    _ => {}
                }
            }
            Some(if verbatim {
                parts.replace("\"\"", "\"")
            } else {
                unescape(&parts)
            })
        }
        _ => None,
    }
}

/// Resolves the common escapes; others are kept as written.
fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('\'') => out.push('\''),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The implicit usings of an SDK-style project.
    fn implicit() -> Vec<String> {
        [
            "System",
            "System.Collections.Generic",
            "System.IO",
            "System.Linq",
            "System.Net.Http",
            "System.Threading",
            "System.Threading.Tasks",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    fn facts(src: &str) -> FileFacts {
        let out = extract(src, &implicit());
        assert!(out.syntax_error.is_none(), "syntax error in {src}");
        out.facts
    }

    fn find<'a>(facts: &'a FileFacts, kind: EventKind, target: &str) -> Option<&'a Event> {
        facts
            .events
            .iter()
            .find(|e| e.kind == kind && e.targets.iter().any(|t| t == target))
    }

    fn call<'a>(facts: &'a FileFacts, target: &str) -> &'a Event {
        find(facts, EventKind::Call, target)
            .unwrap_or_else(|| panic!("no call {target} in {:#?}", facts.events))
    }

    fn line(src: &str, event: &Event) -> usize {
        src[..event.span.start].matches('\n').count() + 1
    }

    fn has_target(facts: &FileFacts, target: &str) -> bool {
        facts
            .events
            .iter()
            .any(|e| e.targets.iter().any(|t| t == target))
    }

    #[test]
    fn project_global_usings() {
        let file = "\u{feff}global using System.IO;\n// global using Nope;\nglobal using static System.IO.File;\n  global using IOFile = global::System.IO.File;\nusing Local;\n";
        let usings = global_usings(file);
        assert_eq!(
            usings,
            vec![
                "System.IO".to_string(),
                "static System.IO.File".to_string(),
                "IOFile = global::System.IO.File".to_string()
            ]
        );
        let out = extract(
            "class C { void M(string p) { File.Delete(p); WriteAllText(p, p); IOFile.Move(p, p); } }",
            &usings,
        );
        call(&out.facts, "System.IO.File.Delete");
        call(&out.facts, "System.IO.File.WriteAllText");
        call(&out.facts, "System.IO.File.Move");
    }

    #[test]
    fn grammar_loads() {
        let mut parser = tree_sitter::Parser::new();
        assert!(parser
            .set_language(&tree_sitter_c_sharp::LANGUAGE.into())
            .is_ok());
    }

    #[test]
    fn implicit_and_explicit_namespaces() {
        let src = "class C {\n  void M(string p) {\n    File.WriteAllText(p, \"x\");\n  }\n}\n";
        let f = facts(src);
        let e = call(&f, "System.IO.File.WriteAllText");
        assert_eq!(line(src, e), 3);
        assert!(matches!(e.args[0], Arg::Other { .. }));
        assert_eq!(e.args[1], Arg::Str("x".into()));
        // Without `using System;` the file must rely on implicit usings.
        let out = extract(src, &[]);
        assert!(has_target(&out.facts, "System.IO.File.WriteAllText"));
        let old_style = format!("using System;\n{src}");
        let out = extract(&old_style, &[]);
        assert!(!has_target(&out.facts, "System.IO.File.WriteAllText"));
        let with_using = format!("using System;\nusing System.IO;\n{src}");
        let out = extract(&with_using, &[]);
        assert!(has_target(&out.facts, "System.IO.File.WriteAllText"));
    }

    #[test]
    fn fully_qualified_and_global() {
        let f = facts(
            "class C { void M() {\n System.IO.File.Delete(\"a\");\n global::System.IO.File.Move(\"a\", \"b\");\n IO.File.Copy(\"a\", \"b\"); } }",
        );
        call(&f, "System.IO.File.Delete");
        call(&f, "System.IO.File.Move");
        call(&f, "System.IO.File.Copy");
        let delete = call(&f, "System.IO.File.Delete");
        assert_eq!(delete.targets, vec!["System.IO.File.Delete".to_string()]);
    }

    #[test]
    fn using_static_and_aliases() {
        let src = "using static System.IO.File;\nusing IOFile = System.IO.File;\nusing Sys = System;\nusing IO = System.IO;\nclass C { void M(string path) {\n WriteAllText(path, \"s\");\n IOFile.AppendAllText(path, \"s\");\n Sys.IO.File.Delete(path);\n Sys::IO.File.Create(path);\n IO.File.Move(path, path); } }";
        let out = extract(src, &[]);
        let f = out.facts;
        assert_eq!(
            call(&f, "System.IO.File.WriteAllText").targets,
            vec!["System.IO.File.WriteAllText".to_string()]
        );
        call(&f, "System.IO.File.AppendAllText");
        call(&f, "System.IO.File.Delete");
        call(&f, "System.IO.File.Create");
        assert_eq!(
            call(&f, "System.IO.File.Move").targets,
            vec!["System.IO.File.Move".to_string()]
        );
    }

    #[test]
    fn block_namespaces_and_nested_usings() {
        let src = "namespace Shop.Jobs\n{\n    using Quartz;\n    using Quartz.Impl;\n    public class Boot { public void Start() { var f = new StdSchedulerFactory(); } }\n    namespace Inner { class File { } class X { void M() { File.Delete(\"a\"); } } }\n}\n";
        let out = extract(src, &[]);
        let f = out.facts;
        find(&f, EventKind::Construct, "Quartz.Impl.StdSchedulerFactory").expect("quartz");
        call(&f, "Shop.Jobs.Inner.File.Delete");
        assert!(!has_target(&f, "System.IO.File.Delete"));
    }

    #[test]
    fn unqualified_call_to_own_method_is_not_static_import() {
        let f = facts(
            "using static System.IO.File;\nclass C { void WriteAllText(string a, string b) {} void M() { WriteAllText(\"a\", \"b\"); } }",
        );
        assert!(!has_target(&f, "System.IO.File.WriteAllText"));
        assert!(f.calls.contains("WriteAllText"));
    }

    #[test]
    fn local_type_shadows_import() {
        let f = facts(
            "namespace App.Storage;\npublic static class File { public static void Delete(string p) {} }\nclass C { void M() { File.Delete(\"a\"); } }",
        );
        assert!(!has_target(&f, "System.IO.File.Delete"));
        call(&f, "App.Storage.File.Delete");
    }

    #[test]
    fn property_and_parameter_shadow_type() {
        let src = "public class Upload { public IFormFile File { get; set; } }\nclass Ctl {\n public IFormFile File { get; set; }\n void M(Stream s) { File.CopyTo(s); }\n void N(Timer Timer) { Timer.Dispose(); } }";
        let f = facts(src);
        assert!(!has_target(&f, "System.IO.File.CopyTo"));
        call(&f, "System.Threading.Timer.Dispose");
    }

    #[test]
    fn property_in_other_class_does_not_shadow() {
        let f = facts(
            "public class Upload { public IFormFile File { get; set; } }\nclass Svc { void M(string p) { File.Delete(p); } }",
        );
        call(&f, "System.IO.File.Delete");
    }

    #[test]
    fn receiver_types() {
        let src = "class C {\n private readonly FileInfo _info;\n void M(string p, DirectoryInfo dir) {\n var fi = new FileInfo(p);\n fi.CreateText();\n new FileInfo(p).Delete();\n FileInfo typed = Get();\n typed.MoveTo(p);\n dir.Delete(true);\n _info.AppendText();\n this._info.OpenWrite();\n } }";
        let f = facts(src);
        assert_eq!(line(src, call(&f, "System.IO.FileInfo.CreateText")), 5);
        assert_eq!(line(src, call(&f, "System.IO.FileInfo.Delete")), 6);
        call(&f, "System.IO.FileInfo.MoveTo");
        call(&f, "System.IO.DirectoryInfo.Delete");
        call(&f, "System.IO.FileInfo.AppendText");
        call(&f, "System.IO.FileInfo.OpenWrite");
        let src = "class C {\n void M(string p, DirectoryInfo root) {\n  var parent = Directory.GetParent(p);\n  parent.Delete();\n  foreach (var f in root.GetFiles(\"*.log\")) { f.Delete(); }\n  foreach (var d in new DirectoryInfo(p).EnumerateDirectories()) d.Delete(true);\n  new FileInfo(p).Directory.Delete(true);\n  var copy = new FileInfo(p).CopyTo(p + \".bak\");\n  copy.MoveTo(p);\n } }";
        let f = facts(src);
        let lines = |target: &str| -> Vec<usize> {
            f.events
                .iter()
                .filter(|e| e.targets.iter().any(|t| t == target))
                .map(|e| line(src, e))
                .collect()
        };
        assert_eq!(lines("System.IO.DirectoryInfo.Delete"), vec![4, 6, 7]);
        assert_eq!(lines("System.IO.FileInfo.Delete"), vec![5]);
        assert_eq!(lines("System.IO.FileInfo.MoveTo"), vec![9]);
    }

    #[test]
    fn io_abstractions_file_system() {
        let src = "using System.IO.Abstractions;\nclass C {\n private readonly IFileSystem _fs;\n void M(string p, IFileSystem files) {\n  _fs.File.WriteAllText(p, \"x\");\n  files.Directory.Delete(p, true);\n  this._fs.File.Delete(p);\n  _fileSystem.File.Move(p, p);\n }\n}";
        let f = facts(src);
        assert_eq!(line(src, call(&f, "System.IO.File.WriteAllText")), 5);
        assert_eq!(line(src, call(&f, "System.IO.Directory.Delete")), 6);
        assert_eq!(line(src, call(&f, "System.IO.File.Delete")), 7);
        assert_eq!(line(src, call(&f, "System.IO.File.Move")), 8);
        // Without the import, `File` of some other file system is not `System.IO.File`.
        let f = facts("class C { void M(IFileSystem fs, string p) { fs.File.Delete(p); } }");
        assert!(!has_target(&f, "System.IO.File.Delete"));
    }

    #[test]
    fn extension_methods_on_values() {
        let src = "using Quartz;\nvar builder = WebApplication.CreateBuilder(args);\nbuilder.Services.AddQuartz(q => { });\nclass S { void M(IServiceCollection services) { services.AddQuartz(); } }";
        let f = facts(src);
        let e = call(&f, "Quartz.AddQuartz");
        assert_eq!(line(src, e), 3);
        assert_eq!(
            f.events
                .iter()
                .filter(|e| e.targets.iter().any(|t| t == "Quartz.AddQuartz"))
                .count(),
            2
        );
        assert!(f.calls.contains("AddQuartz"));
        // A method of the receiver's own (local) type is not an extension.
        let f = facts("using Coravel;\nclass Jobs { public void UseScheduler() {} }\nclass S { void M(Jobs jobs) { jobs.UseScheduler(); } }");
        assert!(!has_target(&f, "Coravel.UseScheduler"));
        // Static calls are never extension calls.
        let f = facts("using Quartz;\nclass C { void M() { Foo.AddQuartz(); } }");
        assert!(!has_target(&f, "Quartz.AddQuartz"));
    }

    #[test]
    fn multi_line_chain_points_at_the_call_line() {
        let src = "using Coravel;\nvar app = Build();\napp.Services\n   .UseScheduler(s => { })\n   .LogScheduledTaskProgress();\n";
        let f = facts(src);
        let e = call(&f, "Coravel.UseScheduler");
        assert_eq!(line(src, e), 4);
        let last = call(&f, "Coravel.LogScheduledTaskProgress");
        assert_eq!(last.chain, vec!["UseScheduler".to_string()]);
    }

    #[test]
    fn constructions_and_member_args() {
        let src = "class C { void M(string path) {\n using var fs = new FileStream(path, FileMode.Create, FileAccess.Write);\n var ro = new System.IO.FileStream(path, mode: FileMode.Open, access: FileAccess.Read);\n } }";
        let f = facts(src);
        let e = find(&f, EventKind::Construct, "System.IO.FileStream").expect("construct");
        assert_eq!(line(src, e), 2);
        assert_eq!(e.args[0], Arg::Other { path_like: true });
        assert!(
            matches!(&e.args[1], Arg::Member(c) if c.contains(&"System.IO.FileMode.Create".to_string()))
        );
        assert!(
            matches!(&e.args[2], Arg::Member(c) if c.contains(&"System.IO.FileAccess.Write".to_string()))
        );
        let ro = f
            .events
            .iter()
            .filter(|e| e.kind == EventKind::Construct)
            .nth(1)
            .expect("second construct");
        assert_eq!(ro.targets, vec!["System.IO.FileStream".to_string()]);
        assert!(
            matches!(&ro.args[2], Arg::Member(c) if c.contains(&"System.IO.FileAccess.Read".to_string()))
        );
    }

    #[test]
    fn factory_return_types() {
        let src = "using System.Xml.Linq;\nusing SixLabors.ImageSharp;\nclass C { async Task M(string path, Stream s) {\n var doc = XDocument.Load(path);\n doc.Save(path);\n using var image = await Image.LoadAsync(s);\n await image.SaveAsync(path);\n var n = int.Parse(\"1\");\n } }";
        let f = facts(src);
        call(&f, "System.Xml.Linq.XDocument.Save");
        call(&f, "SixLabors.ImageSharp.Image.SaveAsync");
        call(&f, "SixLabors.ImageSharp.SaveAsync");
    }

    #[test]
    fn options_object_args() {
        let f = facts("class C { void M(string path) { using var fs = new FileStream(path, new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write }); } }");
        let e = find(&f, EventKind::Construct, "System.IO.FileStream").expect("construct");
        assert!(matches!(&e.args[1], Arg::Member(c)
            if c.contains(&"System.IO.FileMode.Append".to_string())
                && c.contains(&"System.IO.FileAccess.Write".to_string())));
    }

    #[test]
    fn target_typed_new() {
        let src = "class C {\n private Timer? _timer;\n private readonly PeriodicTimer _p = new(TimeSpan.FromSeconds(1));\n void Start() {\n _timer = new(Tick, null, 0, 1000);\n System.Timers.Timer t = new(1000);\n Foo(new());\n } }";
        let f = facts(src);
        let e = find(&f, EventKind::Construct, "System.Threading.Timer").expect("timer");
        assert_eq!(line(src, e), 5);
        let p = find(&f, EventKind::Construct, "System.Threading.PeriodicTimer").expect("periodic");
        assert_eq!(line(src, p), 3);
        find(&f, EventKind::Construct, "System.Timers.Timer").expect("timers");
        assert_eq!(
            f.events
                .iter()
                .filter(|e| e.kind == EventKind::Construct)
                .count(),
            3
        );
    }

    #[test]
    fn base_types_and_attributes() {
        let src = "using Microsoft.Extensions.Hosting;\nnamespace N {\n public class W : BackgroundService, IDisposable { }\n record R(int X) : Base(X);\n [ApiController]\n public class Ctl { [HttpPost(\"upload\")] public void Up() {} } }";
        let f = facts(src);
        let e = find(
            &f,
            EventKind::Subclass,
            "Microsoft.Extensions.Hosting.BackgroundService",
        )
        .expect("subclass");
        assert_eq!(line(src, e), 3);
        find(&f, EventKind::Subclass, "System.IDisposable").expect("interface");
        find(&f, EventKind::Subclass, "N.Base").expect("primary ctor base");
        let a = find(
            &f,
            EventKind::Annotation,
            "Microsoft.Extensions.Hosting.HttpPostAttribute",
        )
        .expect("attribute");
        assert_eq!(a.args, vec![Arg::Str("upload".into())]);
    }

    #[test]
    fn unbounded_loops() {
        let src = r#"class W {
 async Task Run(CancellationToken ct, PeriodicTimer timer) {
  while (!ct.IsCancellationRequested) { await Task.Delay(1000, ct); }
  while (true) Thread.Sleep(10);
  for (;;) { await Task.Delay(100); }
  do { await Task.Delay(2); } while (running);
  while (await timer.WaitForNextTickAsync(ct)) { File.Delete("x"); }
  for (var i = 0; i < 3; i++) { await Task.Delay(3); }
  while (queue.TryDequeue(out var item)) { await Task.Delay(4); }
  while (x != null) { await Task.Delay(5); }
  while (true) { Task.Run(async () => { await Task.Delay(6); }); }
  while (!File.Exists(p) && _running) { Thread.Sleep(7); }
  while (!ct.IsCancellationRequested && _running) { Thread.Sleep(8); }
  while (HasPendingExecutions) { Thread.Sleep(9); }
  while (!_disposed) { Thread.Sleep(10); }
 }
}"#;
        let f = facts(src);
        let delays: Vec<(usize, bool)> = f
            .events
            .iter()
            .filter(|e| {
                e.targets.iter().any(|t| {
                    t == "System.Threading.Tasks.Task.Delay" || t == "System.Threading.Thread.Sleep"
                })
            })
            .map(|e| (line(src, e), e.context.contains(&Context::UnboundedLoop)))
            .collect();
        assert_eq!(
            delays,
            vec![
                (3, true),
                (4, true),
                (5, true),
                (6, true),
                (8, false),
                (9, false),
                (10, false),
                (11, false),
                (12, false),
                (13, true),
                (14, false),
                (15, true)
            ]
        );
        let delete = call(&f, "System.IO.File.Delete");
        assert!(delete.context.contains(&Context::UnboundedLoop));
        let run = call(&f, "System.Threading.Tasks.Task.Run");
        assert!(run.context.contains(&Context::UnboundedLoop));
    }

    #[test]
    fn streaming_loops_are_not_jobs() {
        let src = r#"class C {
 async IAsyncEnumerable<string> Lines() { while (true) { yield return "x"; await Task.Delay(1); } }
 async Task Sse(HttpContext context, CancellationToken ct) {
  while (!ct.IsCancellationRequested) { await context.Response.WriteAsync("data: x\n\n"); await Task.Delay(2); }
  while (!ct.IsCancellationRequested) { await Response.Body.FlushAsync(); await Task.Delay(3); }
 }
 async Task Tick(CancellationToken ct) {
  while (!ct.IsCancellationRequested) { await Task.Delay(4); }
 }
 async Task LongPoll(HttpContext context, CancellationToken ct) {
  await context.Response.Body.FlushAsync(ct);
  while (!ct.IsCancellationRequested) { await Task.Delay(5); await Ping(ct); }
 }
}"#;
        let f = facts(src);
        let loops: Vec<bool> = f
            .events
            .iter()
            .filter(|e| {
                e.targets
                    .iter()
                    .any(|t| t == "System.Threading.Tasks.Task.Delay")
            })
            .map(|e| e.context.contains(&Context::UnboundedLoop))
            .collect();
        assert_eq!(loops, vec![false, false, false, true, false]);
    }

    #[test]
    fn per_instance_and_guard_contexts() {
        let src = r#"class HeartbeatHostedService {
 async Task Run(CancellationToken ct) { while (!ct.IsCancellationRequested) { await Task.Delay(1); } }
}
class Jobs {
 private Timer _healthTimer;
 private Timer _jobTimer;
 void Start() {
  _healthTimer = new Timer(_ => { }, null, 0, 1);
  _jobTimer = new Timer(SendReminders, null, 0, 1);
  var t = new Timer(ReportMetrics, null, 0, 1);
 }
 async Task Loop(CancellationToken ct) {
  if (!_options.IsLeader) return;
  while (true) { await Task.Delay(2); }
 }
 async Task Other(CancellationToken ct) {
  if (await _lock.TryAcquireAsync(ct)) { while (true) { await Task.Delay(3); } }
  while (true) { await Task.Delay(4); }
 }
}"#;
        let f = facts(src);
        let ctx: Vec<(usize, bool, bool)> = f
            .events
            .iter()
            .filter(|e| {
                e.targets.iter().any(|t| {
                    t == "System.Threading.Tasks.Task.Delay" || t == "System.Threading.Timer"
                })
            })
            .map(|e| {
                (
                    line(src, e),
                    e.context.contains(&Context::PerInstance),
                    e.context.contains(&Context::SingleInstanceGuard),
                )
            })
            .collect();
        assert_eq!(
            ctx,
            vec![
                (2, true, false),
                (8, true, false),
                (9, false, false),
                (10, true, false),
                (14, false, true),
                (17, false, true),
                (18, false, false),
            ]
        );
    }

    #[test]
    fn one_shot_timers() {
        let src = r#"class C {
 private Timer _poll;
 private Timer _again;
 void M(CancellationTokenSource cts) {
  var timeout = new Timer(_ => cts.Cancel(), null, TimeSpan.FromSeconds(30), Timeout.Infinite);
  _poll = new Timer(Poll, null, Timeout.Infinite, Timeout.Infinite);
  _again = new Timer(Tick, null, 1000, Timeout.Infinite);
  var every = new Timer(Tick, null, 0, 5000);
  var once = new System.Timers.Timer(1000) { AutoReset = false };
  var later = new Timer(Tick);
  var scheduled = new Timer(Fire, null, Timeout.Infinite, Timeout.Infinite);
  scheduled.Change(TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
 }
 void Start() { _poll.Change(TimeSpan.Zero, TimeSpan.FromMinutes(1)); }
 void Tick(object s) { _again.Change(1000, Timeout.Infinite); }
}"#;
        let f = facts(src);
        let once: Vec<(usize, bool)> = f
            .events
            .iter()
            .filter(|e| e.kind == EventKind::Construct)
            .map(|e| (line(src, e), e.context.contains(&Context::SelfCancelling)))
            .collect();
        assert_eq!(
            once,
            vec![
                (5, true),
                (6, false),
                (7, false),
                (8, false),
                (9, true),
                (10, true),
                (11, true)
            ]
        );
    }

    #[test]
    fn one_shot_timer_forms() {
        let src = r#"class Watch {
 private Timer _kill;
 private System.Timers.Timer _debounce;
 private System.Timers.Timer _paused;
 void Arm(int ms) {
  _kill = new Timer(static s => ((Watch)s).Kill(), this, ms, Timeout.Infinite);
  _kill.Change(ms, Timeout.Infinite);
  var a = new Timer(Tick, null, 100, TimeSpan.FromMilliseconds(-1));
  var b = new Timer(Tick, null, 100, TimeSpan.Zero);
  var c = new Timer(Tick, null, 100, 0);
  _debounce = new System.Timers.Timer(500);
  _debounce.Elapsed += OnDebounce;
  _paused = new System.Timers.Timer(500);
  _paused.Elapsed += OnPaused;
 }
 void OnDebounce(object s, System.Timers.ElapsedEventArgs e) { _debounce.Stop(); }
 void OnPaused(object s, System.Timers.ElapsedEventArgs e) { _paused.Stop(); Work(); _paused.Start(); }
}
class NightlyTrigger {
 void Arm(TimeSpan due) { var t = new Timer(Tick, null, due, Timeout.InfiniteTimeSpan); }
}"#;
        let f = facts(src);
        let once: Vec<(usize, bool)> = f
            .events
            .iter()
            .filter(|e| {
                e.kind == EventKind::Construct && e.targets.iter().any(|t| t.ends_with("Timer"))
            })
            .map(|e| (line(src, e), e.context.contains(&Context::SelfCancelling)))
            .collect();
        assert_eq!(
            once,
            vec![
                (6, true),
                (8, true),
                (9, true),
                (10, true),
                (11, true),
                (13, false),
                (20, false)
            ]
        );
    }

    #[test]
    fn per_connection_objects_are_per_instance() {
        let src = "class OrderFeedSubscription { async Task Run(CancellationToken ct) { using var t = new PeriodicTimer(TimeSpan.FromSeconds(5)); } }\nclass SessionSweeper { void S() { var t = new System.Timers.Timer(1000); } }";
        let f = facts(src);
        let per: Vec<bool> = f
            .events
            .iter()
            .filter(|e| e.kind == EventKind::Construct)
            .map(|e| e.context.contains(&Context::PerInstance))
            .collect();
        assert_eq!(per, vec![true, false]);
    }

    #[test]
    fn keep_alive_timers_are_per_instance() {
        let src = "class L { private System.Timers.Timer _keepAlive; void S() { _keepAlive = new System.Timers.Timer(1000); } }";
        let f = facts(src);
        let timer = find(&f, EventKind::Construct, "System.Timers.Timer").unwrap();
        assert!(timer.context.contains(&Context::PerInstance));
    }

    #[test]
    fn waits_restarts_and_queue_consumers_are_not_jobs() {
        let src = r#"class W {
 async Task A(CancellationToken t) {
  while (true) {
   while (api.IsThrottled) { await Task.Delay(1000, t); }
   await Task.Delay(5000, t);
  }
 }
 void B() { bool restart; do { restart = Run(); Thread.Sleep(100); } while (restart); }
 async Task C(CancellationToken t) {
  while (!t.IsCancellationRequested) {
   var m = await _queue.GetNextAsync(t);
   if (m == null) { await Task.Delay(1000, t); }
  }
 }
 async Task D(CancellationToken t) {
  while (!t.IsCancellationRequested) { var m = await client.ReceiveMessageAsync(); await Task.Delay(10, t); }
 }
}"#;
        let f = facts(src);
        let loops: Vec<(usize, bool)> = f
            .events
            .iter()
            .filter(|e| {
                e.kind == EventKind::Call
                    && e.targets
                        .iter()
                        .any(|t| t.ends_with("Delay") || t.ends_with("Sleep"))
            })
            .map(|e| (line(src, e), e.context.contains(&Context::UnboundedLoop)))
            .collect();
        assert_eq!(
            loops,
            vec![(4, false), (5, true), (8, false), (12, false), (16, false)]
        );
    }

    #[test]
    fn spin_waits_are_not_periods() {
        let src = "class W {\n void M() {\n  while (true) {\n   if (!Interlocked.CompareExchange(ref _busy, 1, 0) == 0) { Thread.Sleep(0); continue; }\n   Thread.Sleep(1);\n   Thread.Sleep(1000);\n  }\n }\n}";
        let f = facts(src);
        let loops: Vec<(usize, bool)> = f
            .events
            .iter()
            .filter(|e| method_is(&e.targets, &["Sleep"]))
            .map(|e| (line(src, e), e.context.contains(&Context::UnboundedLoop)))
            .collect();
        assert_eq!(loops, vec![(4, false), (5, false), (6, true)]);
    }

    #[test]
    fn loops_that_return_on_a_state_wait() {
        let src = r#"class W {
 async Task<int> WaitReady(CancellationToken ct) {
  while (true) {
   var status = await Poll(ct);
   if (status == 3) return status;
   await Task.Delay(500, ct);
  }
 }
 async Task Run(CancellationToken ct) {
  while (true) {
   if (ct.IsCancellationRequested) return;
   try { await Work(); } catch (Exception) { break; }
   foreach (var x in items) { if (x == null) break; }
   await Task.Delay(1000, ct);
  }
 }
 async Task Read(CancellationToken ct) {
  while (true) {
   n += await s.ReadAsync(buf, ct);
   if (StopReading(n)) break;
   await Task.Delay(50, ct);
  }
 }
}"#;
        let f = facts(src);
        let loops: Vec<(usize, bool)> = f
            .events
            .iter()
            .filter(|e| method_is(&e.targets, &["Delay"]))
            .map(|e| (line(src, e), e.context.contains(&Context::UnboundedLoop)))
            .collect();
        assert_eq!(loops, vec![(6, false), (14, true), (21, false)]);
    }

    #[test]
    fn aspire_app_hosts_are_tooling() {
        let host = extract(
            "using Aspire.Hosting;\nvar b = DistributedApplication.CreateBuilder(args);\nFile.WriteAllText(\"a\", \"b\");\n",
            &implicit(),
        );
        assert!(host.facts.file_context.contains(&Context::Test));
        let implicit_host = extract(
            "File.WriteAllText(\"a\", \"b\");\n",
            &["System.IO".to_string(), "Aspire.Hosting".to_string()],
        );
        assert!(implicit_host.facts.file_context.contains(&Context::Test));
        let build = extract(
            "using Nuke.Common;\nclass Build : NukeBuild { void M() { File.Delete(\"a\"); } }\n",
            &implicit(),
        );
        assert!(build.facts.file_context.contains(&Context::Test));
        let cli = extract(
            "using System.CommandLine;\nclass Export { void Run(string p) { File.WriteAllText(p, \"\"); } }\n",
            &implicit(),
        );
        assert!(cli.facts.file_context.contains(&Context::Test));
        let service = extract(
            "using Aspire.StackExchange.Redis;\nclass C {}\n",
            &implicit(),
        );
        assert!(!service.facts.file_context.contains(&Context::Test));
    }

    #[test]
    fn newer_syntax_and_conditional_compilation_parse() {
        let src = r#"static class Ext
{
    extension(Uri uri)
    {
        public bool IsLocal => uri.IsLoopback;
    }
}
class C
{
    void M(Dictionary<Type, int> cache, Type type, MethodInfo method, Order? order)
    {
        var next = new Dictionary<Type, int>(cache) { [type] = 1 };
        var names = method != null ? [method] : new List<MethodInfo>();
        bool async = names.Count > 0;
        var required = new List<string>();
        required.Add("id");
        var loaded = async ? Load() : null;
        if (async) { required = null; }
        Save(loaded, async: async);
        var run = async () => await Task.Yield();
        var empty = $"";
        var any = names is [..] && names is [.., var last] && names is [var first, ..];
        order?.Status = "paid";
        var builder = new ConfigurationBuilder()
            .AddJsonFile("appsettings.json")
#if DEBUG
            .AddJsonFile("appsettings.Development.json")
#endif
            .Build();
        try { Run(); }
#if NETFRAMEWORK
        catch (ThreadAbortException) { }
#else
        catch (OperationCanceledException) { }
#endif
        File.Delete("x");
    }
}"#;
        let out = extract(src, &implicit());
        assert!(
            out.syntax_error.is_none(),
            "{:?}",
            out.syntax_error.map(|e| e.offset)
        );
        let f = out.facts;
        let delete = call(&f, "System.IO.File.Delete");
        assert_eq!(line(src, delete), 36);
        // Alternatives that only parse one at a time: the first branch is read.
        let alt = "class D {\n#if NET8_0\n void M() {\n#else\n void N() {\n#endif\n  File.Delete(\"y\");\n }\n}\n";
        let out = extract(alt, &implicit());
        assert!(out.syntax_error.is_none());
        assert!(has_target(&out.facts, "System.IO.File.Delete"));
        // File-based apps.
        let app = "#!/usr/bin/env dotnet\n#:package Humanizer@2.14.1\nFile.Delete(\"z\");\n";
        let out = extract(app, &implicit());
        assert!(out.syntax_error.is_none());
        assert!(has_target(&out.facts, "System.IO.File.Delete"));
    }

    #[test]
    fn temp_paths_from_assignments_names_and_classes() {
        let src = r#"class Store {
 void M(string dir) {
  string p;
  p = Path.Combine(Path.GetTempPath(), "x");
  File.Delete(p);
  File.WriteAllText(Path.Combine(dir, $"{Guid.NewGuid()}.tmp"), "");
  File.WriteAllText(Path.Combine(dir, "orders.json"), "");
 }
}
class TempBlob { string FilePath; void Dispose() { File.Delete(FilePath); } }
class Zipper {
 void Run(string tmpPath, string keep) { Write(tmpPath, keep); Write(Path.GetTempFileName(), keep); }
 void Write(string target, string other) { File.WriteAllText(target, ""); File.WriteAllText(other, ""); }
}"#;
        let f = facts(src);
        let temp: Vec<(usize, bool)> = f
            .events
            .iter()
            .filter(|e| e.targets.iter().any(|t| t.starts_with("System.IO.File.")))
            .map(|e| (line(src, e), matches!(e.args.first(), Some(Arg::TempPath))))
            .collect();
        assert_eq!(
            temp,
            vec![
                (5, true),
                (6, true),
                (7, false),
                (10, true),
                (13, true),
                (13, false)
            ]
        );
        let f = facts("class D { void M() { var c = new SqliteConnection($\"Data Source={Path.Combine(Path.GetTempPath(), \"a.db\")}\"); var d = new SqliteConnection($\"Data Source={dir}/a.db\"); } }");
        let temp: Vec<bool> = f
            .events
            .iter()
            .filter(|e| e.kind == EventKind::Construct)
            .map(|e| matches!(e.args.first(), Some(Arg::TempPath)))
            .collect();
        assert_eq!(temp, vec![true, false]);
    }

    #[test]
    fn spawned_loop() {
        let src = "class C { void Start() {\n _ = Task.Run(async () => {\n while (true) {\n await Task.Delay(TimeSpan.FromMinutes(1));\n } }); } }";
        let f = facts(src);
        let d = call(&f, "System.Threading.Tasks.Task.Delay");
        assert!(d.context.contains(&Context::UnboundedLoop));
        assert!(d.context.contains(&Context::Spawned));
        let src = "class C { void Start() { var t = new Thread(() => { while (true) { Thread.Sleep(100); } }); } }";
        let f = facts(src);
        assert!(call(&f, "System.Threading.Thread.Sleep")
            .context
            .contains(&Context::Spawned));
    }

    #[test]
    fn retry_contexts() {
        let src = r#"class C {
 async Task M() {
  while (true) {
   try { await Send(); break; }
   catch (HttpRequestException ex) { await Task.Delay(1000); }
  }
  while (true) {
   if (attempt > 3) { await Task.Delay(5); }
   await Task.Delay(TimeSpan.FromSeconds(Math.Pow(2, attempt)));
   await Task.Delay(7);
  }
 }
}"#;
        let f = facts(src);
        let ctx: Vec<(usize, bool)> = f
            .events
            .iter()
            .filter(|e| {
                e.targets
                    .iter()
                    .any(|t| t == "System.Threading.Tasks.Task.Delay")
            })
            .map(|e| (line(src, e), e.context.contains(&Context::Retry)))
            .collect();
        assert_eq!(ctx, vec![(5, true), (8, true), (9, true), (10, false)]);
    }

    #[test]
    fn test_contexts() {
        let f = facts("using Xunit;\nclass T { void M() { File.Delete(\"a\"); } }");
        assert!(f.file_context.contains(&Context::Test));
        let src = "class T {\n [Fact]\n public void M() { File.Delete(\"a\"); }\n void N() { File.Delete(\"b\"); } }";
        let f = facts(src);
        let events: Vec<bool> = f
            .events
            .iter()
            .filter(|e| e.kind == EventKind::Call)
            .map(|e| e.context.contains(&Context::Test))
            .collect();
        assert_eq!(events, vec![true, false]);
        assert!(f.file_context.is_empty());
        let f = facts("namespace Shop.Api.IntegrationTests.Probing;\nclass P { void M() { File.Delete(\"a\"); } }");
        assert!(f.file_context.contains(&Context::Test));
        let f = facts("namespace Contest.Latest;\nclass P { void M() { File.Delete(\"a\"); } }");
        assert!(f.file_context.is_empty());
        let f = facts("[TestClass]\nclass T { void M() { File.Delete(\"a\"); } }");
        assert!(call(&f, "System.IO.File.Delete")
            .context
            .contains(&Context::Test));
    }

    #[test]
    fn client_ui_files() {
        let f = facts("using Microsoft.Maui.Controls;\nclass P : ContentPage { void M() { File.WriteAllText(\"a\", \"b\"); } }");
        assert!(f.file_context.contains(&Context::ClientSide));
        let f = facts("using System.Windows.Forms;\nclass F { }");
        assert!(f.file_context.contains(&Context::ClientSide));
        let f = facts("using Unosquare.Labs;\nusing System.Windowsy;\nclass F { }");
        assert!(f.file_context.is_empty());
    }

    #[test]
    fn strings() {
        let src = r#"class C { void M() {
 var a = @"C:\data\""x""";
 var b = $"no holes";
 var c = $"{x}/y";
 var d = """raw "text" """;
 var e = "esc\"aped\\";
 var props = new NameValueCollection { ["quartz.jobStore.clustered"] = "true" };
} }"#;
        let f = facts(src);
        for s in [
            r#"C:\data\"x""#,
            "no holes",
            r#"raw "text" "#,
            r#"esc"aped\"#,
            "quartz.jobStore.clustered",
            "true",
        ] {
            assert!(f.strings.contains(s), "{s:?} missing from {:?}", f.strings);
        }
        assert_eq!(f.strings.len(), 6);
    }

    #[test]
    fn path_like_args() {
        let src = r#"class C {
 private readonly string _uploadRoot;
 private readonly string _logDir;
 void M(string name, Stream body, MemoryStream ms, IFormFile file, Options o) {
  var target = Path.Combine(_uploadRoot, name);
  var csv = $"{name}.csv";
  string other = name;
  Helper.Use(name, target, csv, other, _logDir, body, ms, file, o.FilePath, $"{name}/x", "a" + name, Path.Join("a", name), fileStream, string.Format("{0}.txt", name));
 }
}"#;
        let f = facts(src);
        let e = f
            .events
            .iter()
            .find(|e| e.targets.iter().any(|t| t == "System.Helper.Use"))
            .expect("Use call");
        let path_like: Vec<bool> = e
            .args
            .iter()
            .map(|a| matches!(a, Arg::Other { path_like: true } | Arg::Str(_)))
            .collect();
        assert_eq!(
            path_like,
            vec![
                false, true, true, false, true, false, false, false, true, true, true, true, false,
                true
            ]
        );
    }

    #[test]
    fn temp_paths() {
        let src = "class C { void M(string s, Options o) {\n var tmp = Path.GetTempFileName();\n File.WriteAllText(tmp, s);\n File.WriteAllText(Path.Combine(Path.GetTempPath(), \"x.txt\"), s);\n File.WriteAllText(\"x.txt\", s);\n var scratch = tmp + \".bak\";\n File.WriteAllText(scratch, s);\n File.WriteAllText(tempFile, s);\n File.WriteAllText(o.TempDirectory, s);\n File.WriteAllText(templatePath, s);\n File.WriteAllText(Path.Combine(o.Root, name), s);\n } }";
        let f = facts(src);
        let writes: Vec<&Arg> = f
            .events
            .iter()
            .filter(|e| e.targets.iter().any(|t| t == "System.IO.File.WriteAllText"))
            .map(|e| &e.args[0])
            .collect();
        assert_eq!(
            writes,
            vec![
                &Arg::TempPath,
                &Arg::TempPath,
                &Arg::Str("x.txt".into()),
                &Arg::TempPath,
                &Arg::TempPath,
                &Arg::TempPath,
                &Arg::Other { path_like: true },
                &Arg::Other { path_like: true },
            ]
        );
    }

    #[test]
    fn conditional_access_and_generic_calls() {
        let f = facts("using Quartz;\nclass C { void M(IServiceCollection? s, Timer? t) { s?.AddQuartz(); t?.Change(1, 2); s.AddSingleton<IFoo>(); } }");
        call(&f, "Quartz.AddQuartz");
        call(&f, "System.Threading.Timer.Change");
        call(&f, "Quartz.AddSingleton");
        assert!(f.calls.contains("AddSingleton<IFoo>"));
        assert!(f.calls.contains("AddSingleton"));
    }

    #[test]
    fn lambda_params_and_locals_are_values() {
        let f = facts("class C { void M() { Do(File => File.Delete()); foreach (var Path in xs) { Path.Combine(); } } }");
        assert!(!has_target(&f, "System.IO.File.Delete"));
        assert!(!has_target(&f, "System.IO.Path.Combine"));
    }

    #[test]
    fn syntax_error_keeps_facts() {
        let src = "class C { void M() { File.Delete(\"a\"); } void N( { } \nclass D { void M() { File.Move(\"a\", \"b\"); } }";
        let out = extract(src, &implicit());
        assert!(out.syntax_error.is_some());
        call(&out.facts, "System.IO.File.Delete");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 5000;
        let src = format!(
            "class C {{ void M() {{ var x = {}1{}; {} }} }}",
            "(".repeat(depth),
            ")".repeat(depth),
            "{".repeat(depth) + &"}".repeat(depth)
        );
        let _ = extract(&src, &implicit());
        let calls = format!("class C {{ void M() {{ a{} }} }}", ".B()".repeat(depth));
        let _ = extract(&calls, &implicit());
        let parents = format!(
            "class C {{ void M(DirectoryInfo d) {{ d{}.Delete(); }} }}",
            ".Parent".repeat(depth)
        );
        let _ = extract(&parents, &implicit());
        let concat = format!(
            "class C {{ void M() {{ File.WriteAllText(\"a\"{}, s); }} }}",
            " + x".repeat(depth)
        );
        let _ = extract(&concat, &implicit());
    }
}
