//! The project model's call graph: which definitions run in a scaled-out server.
//!
//! Each frontend emits a small symbol table per file ([`Definition`]s with the names their
//! code mentions). After every file is linted, [`solve`] indexes the definitions of the
//! whole project by name and walks the references breadth-first from the entry points
//! (module top level, `main`, route handlers, hosted services, scheduled jobs, classes a
//! framework finds by reflection). A reference to a name reaches every definition of that
//! name in the same language family: dynamic dispatch and interfaces over-approximate. A
//! JavaScript or TypeScript function its file does not export is visible in that file only,
//! and a module's top level answers to the imports of its file name ([`modules`]). A Rust
//! call through a module (`ssh::write_keys()`) reaches the functions of that name in a module
//! so named, when there are any ([`rust_modules`]); a Rust method called on a value of a
//! known type (`Server.run`) reaches that type's method when the project declares one
//! ([`rust_methods`]).
//!
//! A program's `main` (or C# top-level statements) is an entry point when the program
//! serves: some code it reaches mentions a server-start word (`serve`, `HttpServer`,
//! `CreateBuilder`, or keeps a periodic job running); otherwise the program is a separate
//! tool and its code is offline (a JavaScript file that exports nothing is such a program,
//! unless a file that runs imports it). The entry points of tooling files count as server
//! entry points when they serve (a command line that launches the server).
//!
//! Three walks give each definition a [`Reachability`]: from the entry points of server
//! files, not entering start-up code (names with a start-up word: migrations, seeding,
//! installers, upgrades, and the code of an installer's or migration's file) nor subcommand
//! branches, is `reachable`; from the start-up code
//! reached on the way is `startup`; from the subcommand branches reached on the way and the
//! entry points of tool files is `offline`. What none of them reaches is `unreferenced`.
//! A server's start (`main`, C# top-level statements, a server file's top level, a
//! framework's start-up method: `start_methods`) runs the functions it calls directly as
//! statements ([`Definition::calls`]) once: those whose directly called code starts no server,
//! keeps no endless loop and registers nothing that runs later (`registration_words`) are
//! start-up code unless something else reaches them; the busy ones are part of the start.
//! The definitions of test files are visible in their own file only.
//! A file's [`FileRole`] comes from its placement: an installer's entry points lead to
//! start-up code.
//! Reaching a definition reaches the one around it (a method's class, whose field
//! initializers then ran) and the framework-called members of a class (not
//! a C# override of a method a project base type declares: calls of its name reach it).
//! A C# constructor runs where code builds its type (`new T(..)`, `AddSingleton<I, T>()`,
//! `typeof(T)` passed to a call: a start that registers a singleton builds it once), not
//! whenever a method of its type runs; when no code of the project builds the type visibly
//! (assembly scanning, reflection), it runs wherever its class is reached. So does a
//! JavaScript or TypeScript class's `constructor` (`new T(..)`, a class extending `T`; a
//! class only dependency injection builds runs it wherever the class is reached).
//! A JavaScript or TypeScript method's name reaches only the methods of classes that code of
//! the walk's kind names ([`classes`]); client code never launches the server.
//! Each walk expands a name once, so the cost is linear in definitions and references.

pub mod claims;
mod classes;
pub mod held;
mod hosts;
pub mod mitigations;
pub mod modules;
pub mod passed;
pub mod rust_methods;
pub mod rust_modules;
pub mod started;
pub mod temp_params;
pub mod trace;
mod types;
pub mod words;
pub mod work;
pub mod wrappers;

use crate::event::{constructed_type, Definition, Role};
use crate::frontend::Language;
use serde::Serialize;
use std::collections::{HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::Arc;

/// The graph's own maps and sets, keyed by node numbers and borrowed names, looked up
/// on every step of a walk and never iterated into output: hashed with foldhash, which
/// takes a fraction of the default hasher's instructions.
type FastMap<K, V> = foldhash::HashMap<K, V>;
type FastSet<T> = foldhash::HashSet<T>;
pub use words::words;

/// Whether a finding's code runs in a scaled-out server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reachability {
    /// Reached from a server entry point (or nothing proves otherwise).
    Reachable,
    /// Reached only through code that runs once per start or upgrade.
    Startup,
    /// Reached only through a command-line subcommand other than the serve path, or from a
    /// separate tool program.
    Offline,
    /// Reached from no entry point: dead code.
    Unreferenced,
}

impl Reachability {
    /// The name used in output.
    pub fn name(self) -> &'static str {
        match self {
            Reachability::Reachable => "reachable",
            Reachability::Startup => "startup",
            Reachability::Offline => "offline",
            Reachability::Unreferenced => "unreferenced",
        }
    }
}

/// Where a file's entry points lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FileRole {
    /// Server code: its entry points are server entry points.
    #[default]
    Server,
    /// Tooling code: what its entry points reach is offline, unless an entry point launches
    /// the server (a command line's `start` command).
    Tool,
    /// Browser code (a JavaScript or TypeScript bundle): what its entry points reach is
    /// offline, and it never launches the server, whatever the names it mentions reach (a
    /// desktop app, which may embed the server it starts, is [`FileRole::Tool`]).
    Client,
    /// A developer's task runner (`Gruntfile.js`, `gulpfile.js`): what its entry points
    /// reach is offline, like tooling, and it never launches the server, whatever the names
    /// it mentions reach (its watch task starts the server for development, not in
    /// production). A Cargo build script (`build.rs`) is one too.
    DevTasks,
    /// Test code: its entry points reach nothing that runs in production.
    Test,
    /// Code that runs once per start or upgrade (an installer, a migration project): what
    /// its entry points reach, and nothing else reaches, is start-up code.
    Startup,
    /// Server code of a program deployed as an operating-system service: its `main` serves
    /// whatever words the code it reaches mentions.
    Service,
}

/// One file's part of the project model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileModel {
    /// The language (JavaScript and TypeScript share names).
    pub language: Option<Language>,
    /// Where its entry points lead.
    pub role: FileRole,
    /// Its symbol table (see [`crate::event::FileFacts::definitions`]).
    pub definitions: Vec<Definition>,
    /// The rules whose project-scope mitigation (`project_calls_any`,
    /// `project_strings_any`) this file supplies, for every file of the project.
    pub mitigations: Vec<String>,
    /// The rules whose project-scope mitigation this file makes only in a branch its
    /// settings choose, each with the call that makes it (see
    /// [`crate::event::FileFacts::optional_calls`]).
    pub optional_mitigations: Vec<(String, String)>,
    /// The `how:Type` registrations this file supplies (see
    /// [`crate::event::FileFacts::registrations`]), for the findings of every file.
    pub registrations: Vec<String>,
    /// Calls that pass a path naming shared data (see [`wrappers`]).
    pub shared_calls: Vec<wrappers::CallSite>,
    /// What this server file's calls pass at each argument position (see [`temp_params`]).
    pub arg_flows: Vec<crate::event::ArgFlow>,
    /// The functions this server file hands to calls and its timers' slots (see
    /// [`work`]).
    pub forwards: crate::event::Forwards,
    /// The programs whose process loads this file's code (a .NET solution's executables
    /// that reference its project; see [`hosts`]): its code reaches only definitions that
    /// share a process with it. `None` when unknown: anything may call it and it may call
    /// anything.
    pub hosts: Option<Arc<[PathBuf]>>,
    /// The programs among [`hosts`](FileModel::hosts) that run on a user's machine (a
    /// desktop app carrying no web server): a server's walk does not run in their processes.
    pub client_hosts: Option<Arc<[PathBuf]>>,
}

impl FileModel {
    /// The model of the file at `path`; a JavaScript or TypeScript file's top level is
    /// named for its module (see [`modules`]), so that importing the file reaches it, and a
    /// Rust file's definitions are placed in the module its path stands for (see
    /// [`rust_modules`]).
    pub fn new(
        language: Language,
        path: &str,
        role: FileRole,
        mut definitions: Vec<Definition>,
    ) -> Self {
        if matches!(language, Language::JavaScript | Language::TypeScript) {
            if let (Some(top), Some(name)) = (definitions.first_mut(), modules::module_name(path)) {
                top.name = name;
            }
        }
        if language == Language::Rust {
            let file = rust_modules::file_module(path);
            for definition in &mut definitions {
                definition.module = rust_modules::join(&file, &definition.module);
            }
        }
        FileModel {
            language: Some(language),
            role,
            definitions,
            mitigations: Vec::new(),
            optional_mitigations: Vec::new(),
            registrations: Vec::new(),
            shared_calls: Vec::new(),
            arg_flows: Vec::new(),
            forwards: crate::event::Forwards::default(),
            hosts: None,
            client_hosts: None,
        }
    }
}

/// The innermost definition whose span contains `offset` (0, the top level, when none does).
/// Definitions are in source pre-order, so the last one containing it is the innermost.
pub fn innermost(definitions: &[Definition], offset: usize) -> usize {
    definitions
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, d)| d.span.contains(&offset))
        .map(|(i, _)| i)
        .next_back()
        .unwrap_or(0)
}

/// The family of JavaScript and TypeScript names (see [`family`]).
const SCRIPT: usize = 0;

/// The receiver the JavaScript symbol table writes for a property whose receiver may be a
/// value or a class of any name (`*::save` for `a.b.save()`): every method of the name.
pub const ANY_RECEIVER: &str = "*";

/// The family of C# names (see [`family`]).
const CSHARP: usize = 1;

/// The family of Rust names (see [`family`]).
const RUST: usize = 2;

/// A type hierarchy deeper or wider than this is not followed further (a cycle guard).
const MAX_ANCESTORS: usize = 256;

/// At most this many rounds of reaching C# methods that may be called from unread code.
const MAX_RESCUES: usize = 4;

/// Names share a namespace within a family: JavaScript with TypeScript.
pub(crate) fn family(language: Option<Language>) -> usize {
    match language {
        Some(Language::JavaScript | Language::TypeScript) => SCRIPT,
        // Razor markup calls C# code.
        Some(Language::CSharp | Language::Razor) => 1,
        Some(Language::Rust) => RUST,
        // Configuration files define nothing.
        _ => 3,
    }
}

/// Verdicts for every definition of every file (same shape as `files`).
pub fn solve(files: &[FileModel]) -> Vec<Vec<Reachability>> {
    solve_with_starts(files).verdicts
}

/// What [`solve_with_starts`] finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solved {
    /// Verdicts for every definition of every file (same shape as the files).
    pub verdicts: Vec<Vec<Reachability>>,
    /// Per definition: it is a server's start that the `reachable` walk met (`main`, a
    /// framework's start-up method, a serving function a start calls directly): each
    /// statement of its own body runs once per start of the process.
    pub starts: Vec<Vec<bool>>,
    /// First node number of each file (see [`Solved::trace`]).
    offsets: Vec<usize>,
    /// Per node: how the walk that marked it got there.
    via: Vec<Option<trace::Via>>,
}

impl Solved {
    /// The path the walks took from an entry point to definition `d` of file `f` (empty when
    /// no walk reached it). Step paths are left empty for the caller to fill in.
    pub fn trace(&self, files: &[FileModel], f: usize, d: usize) -> Vec<trace::Step> {
        match self.verdicts.get(f).and_then(|v| v.get(d)) {
            Some(Reachability::Unreferenced) | None => Vec::new(),
            Some(_) => trace::path(files, &self.offsets, &self.via, f, d),
        }
    }

    /// Whether a call of `target` (resolved: `fs.mkdirSync`, `System.IO.File.Delete`,
    /// `tokio::fs::create_dir_all`) in definition `d` of file `f` runs once per start of the
    /// process: `d` is a start and calls it directly as a statement of its own body (see
    /// [`Definition::calls`]), nowhere else. The call is named by the target's last name; in
    /// JavaScript and TypeScript through any receiver (`fs.promises.mkdir(dir)` is
    /// `*::mkdir`), in C# and Rust also through the target's type or module (`File::Delete`),
    /// or through any receiver when the target's owner is [`ANY_RECEIVER`] (a wrapper's call,
    /// `*.DeleteFile`, see [`wrappers`]).
    /// A start is the program's entry itself (`main`, C# top-level statements, a server
    /// module's top level) or a function that is part of it.
    pub fn runs_once(&self, files: &[FileModel], f: usize, d: usize, target: &str) -> bool {
        let mut names = target.rsplit(['.', ':']).filter(|n| !n.is_empty());
        let Some(name) = names.next() else {
            return false;
        };
        let owner = names.next();
        let script = family(files[f].language) == SCRIPT;
        let rust = family(files[f].language) == RUST;
        self.starts.get(f).and_then(|s| s.get(d)).copied() == Some(true)
            && files[f].definitions[d].calls.iter().any(|c| {
                // A method called on a value of a known type is called by its name here.
                let c = rust_methods::split(c)
                    .filter(|_| rust)
                    .map_or(c.as_str(), |(_, m)| m);
                c == name
                    || c.rsplit_once("::").is_some_and(|(receiver, n)| {
                        // A Rust module path may be an alias (`use std::fs as disk`).
                        let module = rust && rust_modules::is_module_qualifier(receiver);
                        n == name
                            && (script
                                || module
                                || owner == Some(ANY_RECEIVER)
                                || Some(receiver) == owner)
                    })
            })
    }
}

/// Verdicts for every definition of every file, and which definitions are starts.
pub fn solve_with_starts(files: &[FileModel]) -> Solved {
    let mut graph = Graph::new(files);
    graph.live = Some(classes::Liveness::new(&graph, files));
    let words = words();
    let serving = graph.reaching(&words.server_start_words, true);
    // Busy code is what the code a start calls actually runs: naming a class (a type, a
    // `typeof`) runs its constructor, not the methods a framework calls on it.
    let starting = graph.reaching(&words.server_start_words, false);
    let registering = graph.reaching(&words.registration_words, false);
    graph.busy = starting
        .iter()
        .zip(&registering)
        .map(|(s, r)| *s || *r)
        .collect();
    let mut seeds = Vec::new();
    let mut startup = Vec::new();
    let mut offline = Vec::new();
    for (f, file) in files.iter().enumerate() {
        for (d, def) in file.definitions.iter().enumerate() {
            let node = graph.offsets[f] + d;
            let role = match (def.role, file.role) {
                (Role::Main, FileRole::Server) if !serving[node] => FileRole::Tool,
                (Role::Main | Role::Entry | Role::Program, FileRole::Service) => FileRole::Server,
                // A program that starts no server itself, whatever its names reach.
                (
                    Role::Program,
                    FileRole::Server | FileRole::Tool | FileRole::Client | FileRole::DevTasks,
                ) => FileRole::Tool,
                (Role::Program, role) => role,
                (Role::Main | Role::Entry, FileRole::Client | FileRole::DevTasks) => FileRole::Tool,
                // A command-line launcher of the server (`thelounge start`).
                (Role::Main | Role::Entry, FileRole::Tool) if serving[node] => FileRole::Server,
                (Role::Main | Role::Entry, role) => role,
                _ => continue,
            };
            // A server's start: `main`, C# top-level statements, a server file's top level.
            graph.start[node] |= role == FileRole::Server && (def.role == Role::Main || d == 0);
            match role {
                FileRole::Server if graph.startup[node] => startup.push(node),
                FileRole::Server | FileRole::Service => seeds.push(node),
                FileRole::Startup => startup.push(node),
                FileRole::Tool | FileRole::Client | FileRole::DevTasks => offline.push(node),
                FileRole::Test => {}
            }
        }
    }
    graph.walk_all(seeds, startup, offline);
    // A C# method no walk reached, whose name reachable code calls through an unrelated
    // type, may still be called from code the scan does not read (Razor markup,
    // reflection): not proven dead, so reachable.
    for _ in 0..MAX_RESCUES {
        let unsure = graph.unsure_methods();
        if unsure.is_empty() {
            break;
        }
        for &node in &unsure {
            graph.via[node] = Some(trace::Via {
                from: None,
                how: trace::How::Unsure,
            });
        }
        graph.walk_all(unsure, Vec::new(), Vec::new());
    }
    let verdicts = graph.verdicts(files);
    let starts = graph
        .offsets
        .iter()
        .zip(&verdicts)
        .map(|(&base, file)| {
            (0..file.len())
                .map(|d| graph.start[base + d] && file[d] == Reachability::Reachable)
                .collect()
        })
        .collect();
    Solved {
        verdicts,
        starts,
        offsets: graph.offsets,
        via: graph.via,
    }
}

/// Verdicts for one file on its own (an editor or a run over named files): entry points and
/// everything visible outside the file are reachable; subcommand branches are offline.
pub fn solve_file(language: Language, definitions: &[Definition]) -> Vec<Reachability> {
    let file = FileModel {
        language: Some(language),
        role: FileRole::Server,
        definitions: definitions.to_vec(),
        mitigations: Vec::new(),
        optional_mitigations: Vec::new(),
        registrations: Vec::new(),
        shared_calls: Vec::new(),
        arg_flows: Vec::new(),
        forwards: crate::event::Forwards::default(),
        hosts: None,
        client_hosts: None,
    };
    let mut graph = Graph::new(std::slice::from_ref(&file));
    let seeds = (0..definitions.len())
        .filter(|&d| {
            matches!(definitions[d].role, Role::Entry | Role::Main) || definitions[d].exported
        })
        .collect();
    graph.startup.iter_mut().for_each(|s| *s = false);
    let offline: Vec<usize> = (0..definitions.len())
        .filter(|&d| definitions[d].role == Role::Program)
        .collect();
    // Nothing is start-up code here: the start-up walk has no seeds.
    graph.walk_all(seeds, Vec::new(), offline);
    graph.verdicts(std::slice::from_ref(&file)).remove(0)
}

/// The member a class runs when it is constructed (JavaScript; a C# constructor's code is
/// its class's own).
const CONSTRUCTOR: &str = "constructor";

/// Whether a definition is a class's constructor (JavaScript's `constructor`, a C# one named
/// by [`constructor_name`](crate::event::constructor_name)).
fn is_constructor(def: &Definition) -> bool {
    def.name == CONSTRUCTOR || constructed_type(&def.name).is_some()
}

/// The C# and JavaScript constructors some code of the project names by building their type
/// (`new T(..)`, `AddSingleton<I, T>()`, `typeof(T)`; see `frontend/csharp/constructs.rs`; a
/// JavaScript class's `new T(..)` and the classes extending it).
fn built_types(files: &[FileModel]) -> FastSet<&str> {
    files
        .iter()
        .filter(|f| matches!(family(f.language), CSHARP | SCRIPT))
        .flat_map(|f| &f.definitions)
        .flat_map(|d| &d.refs)
        .filter(|r| constructed_type(r).is_some())
        .map(String::as_str)
        .collect()
}

/// Whether a C# or JavaScript constructor's type is built by no code the scan reads (a registration by
/// assembly scanning, a framework's reflection): it runs wherever its class is reached, as
/// if its code were the class's own.
fn unseen_constructor(def: &Definition, built: &FastSet<&str>) -> bool {
    constructed_type(&def.name).is_some() && !built.contains(def.name.as_str())
}

/// How many families [`family`] tells apart; scope numbers above are files.
const FAMILIES: usize = 4;

/// Where a name is looked up: a language family (scopes `0..FAMILIES`) or one file.
type Scope = usize;

/// Whether a definition's name is visible only in its own file: a JavaScript or TypeScript
/// function that is not exported nor a class member (module scope; other files reach it only
/// through code of this file that mentions it).
/// The class a JavaScript value's name names (`chan` → `Chan`, `userStore` → `UserStore`):
/// a lower-camel-case receiver written like its class. `None` for other names (`*`, `this`
/// classes already named, `_cache`).
fn class_of_value(receiver: &str) -> Option<String> {
    let mut chars = receiver.chars();
    let first = chars.next().filter(char::is_ascii_lowercase)?;
    let rest = chars.as_str();
    rest.chars()
        .all(|c| c.is_ascii_alphanumeric())
        .then(|| format!("{}{rest}", first.to_ascii_uppercase()))
}

fn file_local(language: Option<Language>, def: &Definition) -> bool {
    matches!(language, Some(Language::JavaScript | Language::TypeScript))
        && def.role == Role::Plain
        && !def.exported
        && def.owner.is_none()
}

/// Whether definition `d` of `file` is a C# local function of a method (a definition with
/// no owner nested in a method, or in another local function): its name is visible in that
/// method only, not wherever a method or local function of the same name is named.
fn local_function(file: &FileModel, d: usize) -> bool {
    let defs = &file.definitions;
    let mut current = d;
    // Definitions come in pre-order, so each step goes to an earlier one.
    while file.language == Some(Language::CSharp)
        && defs[current].owner.is_none()
        && defs[current].role == Role::Plain
    {
        match defs[current].parent {
            Some(p) if p != 0 && p < current => {
                if defs[p].owner.is_some() {
                    return true;
                }
                current = p;
            }
            _ => return false,
        }
    }
    false
}

/// What reaching a definition does on a walk (see [`Graph::enters`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    /// Nothing: it cannot run there, or it was reached there before.
    Skip,
    /// It is reached for the first time.
    New,
    /// This walk reached it before, in fewer processes: walk its code again.
    Again,
}

/// The definitions of all files as one numbered node list, with a name index.
struct Graph<'a> {
    /// First node number of each file.
    offsets: Vec<usize>,
    /// Per node: its file's family and definition.
    nodes: Vec<(usize, &'a Definition)>,
    /// Per node: the node number of its file's first definition.
    base: Vec<usize>,
    /// Per node: the scope its name is visible in.
    scope: Vec<Scope>,
    /// Per node: the scope of the local functions visible in its code (those of the method
    /// around it, see [`local_function`]).
    locals: Vec<Scope>,
    /// (scope, name) → nodes of that name.
    index: FastMap<(Scope, &'a str), Vec<usize>>,
    /// (scope, module, name) of each Rust free function, for every segment of its module
    /// path (see [`rust_modules`]).
    modules: FastSet<(Scope, &'a str, &'a str)>,
    /// (scope, type, name) of each Rust method, for method calls through a value of a known
    /// type (`Server.run`, see [`rust_methods`]).
    methods: FastSet<(Scope, &'a str, &'a str)>,
    /// Per node: the subcommand branches and framework-called members directly inside it.
    branches: FastMap<usize, Vec<usize>>,
    /// Per node: its name (or its owner's) says it runs once per start or upgrade.
    startup: Vec<bool>,
    /// Per node: it runs whenever its class is reached (a framework-called member, a C#
    /// constructor of a type no code builds visibly, see [`unseen_constructor`]).
    member: Vec<bool>,
    /// Per node: the verdict once reached.
    verdict: Vec<Option<Reachability>>,
    /// Per node: it is a server's start (see [`solve`]): the functions it calls directly as
    /// a statement run once, before the server serves.
    start: Vec<bool>,
    /// Per node: code it reaches starts a server, keeps a periodic job or registers code that
    /// runs later (a route, a handler): never start-up code because a start calls it.
    busy: Vec<bool>,
    /// The C# type hierarchy, for calls through a typed receiver.
    types: types::Types<'a>,
    /// The JavaScript and TypeScript class hierarchy, for a class's calls of its own
    /// methods (`this.save()`, written `Class::save`).
    classes: types::Types<'a>,
    /// The names reachable C# code calls through a type (scope, bare name), with the sets of
    /// processes of the code that calls them (see [`hosts`]).
    typed_names: FastMap<(Scope, &'a str), Vec<u32>>,
    /// Which classes code names: a method's name reaches only those of named classes.
    live: Option<classes::Liveness>,
    /// Per node: how the walk that marked it got there (see [`trace`]).
    via: Vec<Option<trace::Via>>,
    /// Which processes load each node's code: a name reaches only definitions that share
    /// one with the code that mentions it.
    hosts: hosts::Processes,
}

impl<'a> Graph<'a> {
    fn new(files: &'a [FileModel]) -> Self {
        let words = words();
        let mut offsets = Vec::with_capacity(files.len());
        let mut nodes = Vec::new();
        let mut bases = Vec::new();
        let mut scopes = Vec::new();
        let mut locals = Vec::new();
        // Scopes of local functions come after the families' and files'.
        let local_base = FAMILIES + files.iter().map(|f| f.definitions.len()).sum::<usize>();
        let mut index: FastMap<(Scope, &str), Vec<usize>> = FastMap::default();
        let mut modules: FastSet<(Scope, &str, &str)> = FastSet::default();
        let mut methods: FastSet<(Scope, &str, &str)> = FastSet::default();
        let mut branches: FastMap<usize, Vec<usize>> = FastMap::default();
        let mut startup = Vec::new();
        let mut start = Vec::new();
        let types = types::Types::new(files.iter().filter(|f| family(f.language) == CSHARP));
        let built = built_types(files);
        let mut member = Vec::new();
        for file in files {
            let family = family(file.language);
            let base = nodes.len();
            offsets.push(base);
            let mut host = Vec::with_capacity(file.definitions.len());
            for (d, def) in file.definitions.iter().enumerate() {
                let node = nodes.len();
                nodes.push((family, def));
                bases.push(base);
                let local = local_function(file, d);
                // A local function runs only where the method around it calls it.
                let own_host = match def.parent {
                    Some(p) if local => host.get(p).copied().unwrap_or(node),
                    _ => node,
                };
                host.push(own_host);
                locals.push(local_base + own_host);
                // Test code never runs in a server: no other file reaches its definitions.
                // Nor does a server import a developer's task runner or a script that
                // one-off package scripts run (importing it would run the task): another
                // module of its file name is meant (`module:setup`).
                let task_module = family == SCRIPT && file.role == FileRole::DevTasks && d == 0;
                let scope = if local {
                    local_base + own_host
                } else if file.role == FileRole::Test
                    || task_module
                    || file_local(file.language, def)
                {
                    FAMILIES + base
                } else {
                    family
                };
                scopes.push(scope);
                if !def.name.is_empty() {
                    index
                        .entry((scope, def.name.as_str()))
                        .or_default()
                        .push(node);
                    match def.owner.as_deref() {
                        Some(owner) if family == RUST => {
                            methods.insert((scope, owner, def.name.as_str()));
                        }
                        None if family == RUST => {
                            for module in rust_modules::segments(&def.module) {
                                modules.insert((scope, module, def.name.as_str()));
                            }
                        }
                        _ => {}
                    }
                }
                // An override of a method a project base type declares runs where that
                // method is called, not whenever its class is constructed.
                let dispatched = family == CSHARP
                    && def.role == Role::Member
                    && def
                        .owner
                        .as_deref()
                        .is_some_and(|owner| types.overrides_declared(owner, &def.name));
                let unseen = matches!(family, CSHARP | SCRIPT) && unseen_constructor(def, &built);
                member.push((def.role == Role::Member && !dispatched) || unseen);
                if (matches!(def.role, Role::Subcommand | Role::Member) && !dispatched) || unseen {
                    if let Some(parent) = def.parent {
                        branches.entry(base + parent).or_default().push(node);
                    }
                }
                // A framework's start-up method of a server class runs once, like `main`; so
                // does a handler of the application's start event.
                start.push(
                    matches!(file.role, FileRole::Server | FileRole::Service)
                        && matches!(def.role, Role::Member | Role::Entry)
                        && (def.start || words.start_methods.contains(&def.name)),
                );
                // A module's name is its file's: it says nothing about when the code runs.
                // The code of an installer or migration file runs once per start or upgrade
                // even where serving code names it (a name it shares with a serving method).
                startup.push(
                    file.role == FileRole::Startup
                        || (!modules::is_module_name(&def.name)
                            && words.is_startup_name(&def.name))
                        || def
                            .owner
                            .as_deref()
                            .is_some_and(|o| words.is_startup_name(o)),
                );
            }
        }
        let verdict = vec![None; nodes.len()];
        let busy = vec![false; nodes.len()];
        Graph {
            hosts: hosts::Processes::new(files),
            via: vec![None; nodes.len()],
            types,
            classes: types::Types::new(files.iter().filter(|f| family(f.language) == SCRIPT)),
            typed_names: FastMap::default(),
            live: None,
            start,
            busy,
            offsets,
            nodes,
            base: bases,
            scope: scopes,
            locals,
            index,
            modules,
            methods,
            branches,
            startup,
            member,
            verdict,
        }
    }

    /// The nodes a name mentioned in `scope` reaches: every definition of that name, or for
    /// a type's associated function (`SaltString::generate`, see the Rust symbol table) only
    /// the definitions of that name whose owner is that type. A C# call through a typed
    /// receiver (`IStore::Save`) reaches the methods of that name of related types and
    /// extension methods (see [`types`]).
    /// A JavaScript or TypeScript property named through its receiver (`Store::open`, see
    /// the JavaScript symbol table) reaches, when the receiver is a class of the project
    /// (`this` in a class's body, `Store.open()`), the methods of that name of the class,
    /// its ancestors and its descendants; otherwise (a value, or a class whose method an
    /// outside base class or a mixin supplies) every method of that name but the `static`
    /// ones, which run only through their class.
    /// A bare JavaScript or TypeScript name reaches no class method.
    /// A Rust function named through its module (`ssh::write_keys`) reaches the free
    /// functions of that name in a module so named, or every definition of the name when
    /// no module is so named (see [`rust_modules`]). A Rust method called on a value of a
    /// known type (`Server.run`) reaches that type's method of the name, or every
    /// definition of the name when the type has none (a trait's default method, a type that
    /// lends its value's methods, a type of another crate; see [`rust_methods`]).
    fn targets(&self, (scope, name): (Scope, &str)) -> Option<Vec<usize>> {
        if let Some((ty, method)) = rust_methods::split(name) {
            let all = self.index.get(&(scope, method))?;
            if !self.methods.contains(&(scope, ty, method)) {
                return Some(all.clone());
            }
            let own = |t: &usize| self.nodes[*t].1.owner.as_deref() == Some(ty);
            return Some(all.iter().copied().filter(own).collect());
        }
        match name.rsplit_once("::") {
            // A bare JavaScript name (`create()`, `list.map(create)`) is a function in scope,
            // never a class's method (called through a receiver) but its constructor.
            None if scope == SCRIPT => Some(
                self.index
                    .get(&(scope, name))?
                    .iter()
                    .copied()
                    .filter(|&t| {
                        let def = self.nodes[t].1;
                        def.owner.is_none() || constructed_type(&def.name).is_some()
                    })
                    .collect(),
            ),
            None => self.index.get(&(scope, name)).cloned(),
            Some((owner, name)) => {
                let all = self.index.get(&(scope, name))?;
                if owner == ANY_RECEIVER {
                    return Some(all.clone());
                }
                let rust = all.first().is_some_and(|&t| self.nodes[t].0 == RUST);
                if rust && rust_modules::is_module_qualifier(owner) {
                    if !self.modules.contains(&(scope, owner, name)) {
                        return Some(all.clone());
                    }
                    let in_module = |&t: &usize| {
                        let def = self.nodes[t].1;
                        def.owner.is_none()
                            && rust_modules::segments(&def.module).any(|m| m == owner)
                    };
                    return Some(all.iter().copied().filter(in_module).collect());
                }
                let own: Vec<usize> = all
                    .iter()
                    .copied()
                    .filter(|&t| self.qualified_target(owner, t))
                    .collect();
                let script = all.iter().all(|&t| self.nodes[t].0 == SCRIPT);
                if !own.is_empty() || !script {
                    return Some(own);
                }
                let instances = |t: &usize| !self.nodes[*t].1.static_member;
                // `chan.removeUser()`: a value named for a class of the project (`Chan`) is
                // an instance of it, when that class has a method of the name; so is
                // `handler.create()` of a class whose name ends so (`SocketHandler`).
                let named_class: Vec<usize> = class_of_value(owner)
                    .map(|class| {
                        all.iter()
                            .copied()
                            .filter(instances)
                            .filter(|&t| {
                                self.qualified_target(&class, t)
                                    || self.nodes[t]
                                        .1
                                        .owner
                                        .as_deref()
                                        .is_some_and(|o| o.ends_with(&class))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                Some(if named_class.is_empty() {
                    all.iter().copied().filter(instances).collect()
                } else {
                    named_class
                })
            }
        }
    }

    /// Whether a call of node `t`'s name through `qualifier` (`qualifier::name`) may run it.
    fn qualified_target(&self, qualifier: &str, t: usize) -> bool {
        let (family, def) = self.nodes[t];
        if family == SCRIPT {
            return def
                .owner
                .as_deref()
                .is_some_and(|owner| self.classes.related(qualifier, owner));
        }
        if family != CSHARP {
            return def.owner.as_deref() == Some(qualifier);
        }
        if def.extension {
            return true;
        }
        // `builder.Services.Create()`: a call through the member's declared type.
        let qualifier = self.types.resolve(qualifier).unwrap_or(qualifier);
        match self.types.classify(qualifier) {
            types::Qualifier::Unsure => true,
            types::Qualifier::External => false,
            types::Qualifier::Type => def
                .owner
                .as_deref()
                .is_none_or(|owner| self.types.related(qualifier, owner)),
        }
    }

    /// The nodes a name that node `from` mentions on the walk of `level` reaches:
    /// [`Graph::targets`], less the methods of classes no code of that walk's kind names
    /// (see [`classes`]) and the definitions no process of `from` loads (see [`hosts`]).
    fn dispatched(
        &self,
        key: (Scope, &str),
        level: Reachability,
        from: usize,
    ) -> Option<Vec<usize>> {
        // `x.Dispose()` runs the `Dispose` of whatever `x` is: it reaches no class by name.
        let called = key.1.rsplit("::").next().unwrap_or(key.1);
        if words().teardown_methods.contains(called) {
            return None;
        }
        let mut targets = self.targets(key)?;
        if let Some(live) = &self.live {
            targets.retain(|&t| live.dispatches(t, level));
        }
        targets.retain(|&t| self.hosts.share(from, t));
        Some(targets)
    }

    /// The name a Rust mention is known by in `scope` to [`Graph::reaching`]: a call through
    /// a module (`ssh::write_keys`) keeps its module when a function of the name lives in a
    /// module so named, else it is the bare name, as [`Graph::targets`] resolves it.
    fn rust_key<'n>(&self, scope: Scope, name: &'n str) -> &'n str {
        if let Some((ty, method)) = rust_methods::split(name) {
            return if self.methods.contains(&(scope, ty, method)) {
                name
            } else {
                method
            };
        }
        match name.rsplit_once("::") {
            Some((module, bare))
                if rust_modules::is_module_qualifier(module)
                    && !self.modules.contains(&(scope, module, bare)) =>
            {
                bare
            }
            _ => name,
        }
    }

    /// The scopes a name mentioned by `node` is looked up in: its family's, its file's and
    /// its method's local functions.
    fn lookup_scopes(&self, node: usize) -> [Scope; 3] {
        [
            self.nodes[node].0,
            FAMILIES + self.base[node],
            self.locals[node],
        ]
    }

    /// Per node: whether code it reaches (not through subcommand branches) mentions one of
    /// `words` (server-start words: the node serves). One backward walk over the references,
    /// linear in their number: a node mentioning a word is marked; so is any node that
    /// mentions the name of a marked node, and the class of a marked member. With `members`
    /// false, only what runs when the node runs: the direct calls of its body (see
    /// [`Definition::calls`]) and the constructor of a class.
    fn reaching(&self, words: &HashSet<String>, members: bool) -> Vec<bool> {
        let mut mentioned_by: FastMap<(Scope, &str), Vec<usize>> = FastMap::default();
        // C# calls through a type by the name called: what an extension method answers to.
        let mut qualified_by: FastMap<(Scope, &str), Vec<usize>> = FastMap::default();
        let mut serving = vec![false; self.nodes.len()];
        let mut queue = VecDeque::new();
        for (node, &(family, def)) in self.nodes.iter().enumerate() {
            for name in &def.refs {
                let called = members || def.calls.binary_search(name).is_ok();
                // A C# receiver of unknown type calls whatever has the name; so does, here,
                // a JavaScript class's call of its own method.
                let (key, qualified) = match name.rsplit_once("::") {
                    Some((q, bare)) if family == CSHARP => match self.types.classify(q) {
                        types::Qualifier::Unsure => (bare, None),
                        _ => (name.as_str(), Some(bare)),
                    },
                    Some((_, bare)) if family == SCRIPT => (bare, None),
                    _ => (name.as_str(), None),
                };
                for scope in self.lookup_scopes(node).into_iter().filter(|_| called) {
                    let key = if family == RUST {
                        self.rust_key(scope, key)
                    } else {
                        key
                    };
                    mentioned_by.entry((scope, key)).or_default().push(node);
                    if let Some(bare) = qualified {
                        qualified_by.entry((scope, bare)).or_default().push(node);
                    }
                }
                let word = name.rsplit(['.', ':']).next().unwrap_or(name);
                if !serving[node] && (words.contains(name) || words.contains(word)) {
                    serving[node] = true;
                    queue.push_back(node);
                }
            }
        }
        // Per name, once per set of processes: callers in other processes do not run it.
        let mut expanded: FastSet<(Scope, &str, u32)> = FastSet::default();
        while let Some(node) = queue.pop_front() {
            let (_, def) = self.nodes[node];
            let scope = self.scope[node];
            let mut callers: Vec<usize> = Vec::new();
            if (def.role == Role::Member && (members || def.name == CONSTRUCTOR))
                || (self.member[node] && constructed_type(&def.name).is_some())
            {
                callers.extend(def.parent.map(|p| self.base[node] + p));
            }
            let processes = self.hosts.id(node);
            if !def.name.is_empty() && expanded.insert((scope, def.name.as_str(), processes)) {
                callers.extend(
                    mentioned_by
                        .get(&(scope, def.name.as_str()))
                        .into_iter()
                        .flatten(),
                );
            }
            // A Rust free function's calls through its module (`ssh::write_keys`).
            if self.nodes[node].0 == RUST && def.owner.is_none() && !def.name.is_empty() {
                for module in rust_modules::segments(&def.module) {
                    let qualified = format!("{module}::{}", def.name);
                    callers.extend(
                        mentioned_by
                            .get(&(scope, qualified.as_str()))
                            .into_iter()
                            .flatten(),
                    );
                }
            }
            // Calls of this method through its type (`Owner::name`), for C# also through a
            // related type; an extension method answers to calls through any type.
            let csharp = self.nodes[node].0 == CSHARP;
            if csharp && !def.name.is_empty() && (def.extension || def.owner.is_none()) {
                callers.extend(
                    qualified_by
                        .get(&(scope, def.name.as_str()))
                        .into_iter()
                        .flatten(),
                );
            } else if let Some(owner) = def.owner.as_deref().filter(|_| !def.name.is_empty()) {
                let related = if csharp {
                    self.types.related_types(owner)
                } else {
                    vec![owner]
                };
                for ty in related {
                    let qualified = format!("{ty}::{}", def.name);
                    callers.extend(
                        mentioned_by
                            .get(&(scope, qualified.as_str()))
                            .into_iter()
                            .flatten(),
                    );
                }
                if self.nodes[node].0 == RUST {
                    let called = rust_methods::join(owner, &def.name);
                    callers.extend(
                        mentioned_by
                            .get(&(scope, called.as_str()))
                            .into_iter()
                            .flatten(),
                    );
                }
            }
            for caller in callers {
                if !serving[caller] && self.hosts.share(caller, node) {
                    serving[caller] = true;
                    queue.push_back(caller);
                }
            }
        }
        serving
    }

    /// The three walks in turn: from `seeds` (`reachable`), then from `startup` and the
    /// start-up code met on the way, then from `offline` and the branches met on the way.
    fn walk_all(&mut self, seeds: Vec<usize>, mut startup: Vec<usize>, mut offline: Vec<usize>) {
        self.walk(Reachability::Reachable, seeds, &mut startup, &mut offline);
        self.walk(
            Reachability::Startup,
            startup,
            &mut Vec::new(),
            &mut offline,
        );
        self.walk(
            Reachability::Offline,
            offline,
            &mut Vec::new(),
            &mut Vec::new(),
        );
    }

    /// Marks everything `seeds` reach with `level`. Start-up code met on a `reachable` walk
    /// goes to `startup`; subcommand branches met before the offline walk go to `offline`.
    fn walk(
        &mut self,
        level: Reachability,
        seeds: Vec<usize>,
        startup: &mut Vec<usize>,
        offline: &mut Vec<usize>,
    ) {
        // Per name, once per set of processes the code that mentions it runs in (see
        // [`hosts`]).
        let mut expanded: FastSet<((Scope, &str), u32)> = FastSet::default();
        let mut queue = VecDeque::new();
        for seed in seeds {
            if self.verdict[seed].is_none() {
                // An entry point runs in the processes that load it (start-up code met on
                // an earlier walk, in those it was met in); a server's walk, only in the
                // server-side ones.
                let mut within = self.hosts.context(seed);
                if level == Reachability::Reachable {
                    match self.hosts.serving(within) {
                        Some(serving) => within = serving,
                        None => continue,
                    }
                }
                self.verdict[seed] = Some(level);
                self.hosts.reach(seed, within);
                queue.push_back(seed);
            }
        }
        while let Some(node) = queue.pop_front() {
            let (_, def) = self.nodes[node];
            // A method that runs has a class whose fields and constructor ran.
            if let Some(parent) = def.parent.map(|p| self.base[node] + p) {
                let deferred = level == Reachability::Reachable && self.startup[parent];
                match self.enters(parent, node, level) {
                    Entry::New if !deferred => {
                        self.verdict[parent] = Some(level);
                        self.via[parent] = Some(trace::Via::new(node, trace::How::Encloses));
                        queue.push_back(parent);
                    }
                    Entry::Again => queue.push_back(parent),
                    _ => {}
                }
            }
            let branches = self.branches.get(&node).cloned().unwrap_or_default();
            for &branch in &branches {
                match self.enters(branch, node, level) {
                    Entry::New => {}
                    Entry::Again => {
                        queue.push_back(branch);
                        continue;
                    }
                    Entry::Skip => continue,
                }
                let member = self.member[branch];
                // A start's class is constructed once: its constructor is part of the start.
                if member && self.start[node] && is_constructor(self.nodes[branch].1) {
                    self.start[branch] = true;
                }
                if member && level == Reachability::Reachable && self.startup[branch] {
                    trace::note(&mut self.via, branch, node, trace::How::Member);
                    startup.push(branch);
                } else if member || level == Reachability::Offline {
                    self.verdict[branch] = Some(level);
                    self.via[branch] = Some(trace::Via::new(node, trace::How::Member));
                    queue.push_back(branch);
                } else {
                    trace::note(&mut self.via, branch, node, trace::How::Member);
                    offline.push(branch);
                }
            }
            let scopes = self.lookup_scopes(node);
            let start = level == Reachability::Reachable && self.start[node];
            let named = def
                .refs
                .iter()
                .enumerate()
                .flat_map(|(i, name)| scopes.map(|s| (i, (s, name.as_str()))));
            for (index, key) in named {
                if self.shadowed(node, key) {
                    continue;
                }
                // What a server's start calls directly runs once, unless it serves or
                // registers code that runs later; a later mention elsewhere still reaches it.
                if start
                    && def
                        .calls
                        .binary_search_by(|c| c.as_str().cmp(key.1))
                        .is_ok()
                {
                    if let Some(targets) = self.dispatched(key, level, node) {
                        // A JavaScript object built once lives on: what its constructor sets up
                        // (a limiter, a map) serves the process's lifetime, so the constructor
                        // is part of the start (its one-shot writes run once), not start-up code.
                        let lives_on =
                            |t: usize| self.nodes[t].0 == SCRIPT && is_constructor(self.nodes[t].1);
                        let all_once = targets.iter().all(|&t| !self.busy[t] && !lives_on(t));
                        if all_once {
                            for &target in &targets {
                                if self.enters(target, node, level) == Entry::New {
                                    trace::note(
                                        &mut self.via,
                                        target,
                                        node,
                                        trace::How::Names(index),
                                    );
                                    startup.push(target);
                                }
                            }
                            continue;
                        }
                        // A busy function called once is part of the start: its own direct
                        // calls run once too (unless something else reached it first).
                        for &target in &targets {
                            if self.verdict[target].is_none() {
                                self.start[target] = true;
                            }
                        }
                    }
                }
                if !expanded.insert((key, self.hosts.context(node))) {
                    continue;
                }
                if level == Reachability::Reachable && self.nodes[node].0 == CSHARP {
                    // `Owner::Dispose` reaches no class by name (see `dispatched`), and a
                    // class's call of its own method (`Start()` in `Tray`, named
                    // `Tray::Start`) is not a call through a type the scan cannot see into.
                    let own = def.owner.as_deref();
                    let typed = key.1.rsplit_once("::").filter(|&(q, bare)| {
                        Some(q) != own && !words().teardown_methods.contains(bare)
                    });
                    if let Some((_, bare)) = typed {
                        let callers = self.typed_names.entry((key.0, bare)).or_default();
                        let processes = self.hosts.context(node);
                        if !callers.contains(&processes) {
                            callers.push(processes);
                        }
                    }
                }
                let Some(targets) = self.dispatched(key, level, node) else {
                    continue;
                };
                for &target in &targets {
                    match self.enters(target, node, level) {
                        Entry::New => {}
                        Entry::Again => {
                            queue.push_back(target);
                            continue;
                        }
                        Entry::Skip => continue,
                    }
                    if level == Reachability::Reachable && self.startup[target] {
                        trace::note(&mut self.via, target, node, trace::How::Names(index));
                        startup.push(target);
                    } else {
                        self.verdict[target] = Some(level);
                        self.via[target] = Some(trace::Via::new(node, trace::How::Names(index)));
                        queue.push_back(target);
                    }
                }
            }
        }
    }

    /// What reaching `target` from `node` on the walk of `level` does: nothing when no
    /// process that runs `node` loads it or it was reached in all of them before, a first
    /// reach, or a reach of a node this walk marked in more processes than before (its code
    /// is walked again for them).
    fn enters(&mut self, target: usize, node: usize, level: Reachability) -> Entry {
        let within = self.hosts.context(node);
        match (self.verdict[target], self.hosts.reach(target, within)) {
            (_, hosts::Reached::Nowhere) => Entry::Skip,
            (None, _) => Entry::New,
            (Some(v), hosts::Reached::More) if v == level => Entry::Again,
            _ => Entry::Skip,
        }
    }

    /// Whether a name that `node`'s code mentions is not looked up in `key`'s scope: in
    /// JavaScript and TypeScript, a plain name (not a property) that its file declares at
    /// the module's top level names that declaration, not another module's.
    fn shadowed(&self, node: usize, (scope, name): (Scope, &str)) -> bool {
        let family = self.nodes[node].0;
        family == SCRIPT
            && scope == family
            && !name.contains("::")
            && self
                .index
                .get(&(FAMILIES + self.base[node], name))
                .is_some_and(|local| local.iter().any(|&d| self.nodes[d].1.parent == Some(0)))
    }

    /// The C# definitions no walk reached whose name reachable code calls through a type.
    /// Not a static method (an extension method aside): it runs only through its own type's
    /// name (`DiskHelpers.Wipe()`), so a call through another type is never one of it.
    fn unsure_methods(&self) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&n| {
                let (family, def) = self.nodes[n];
                family == CSHARP
                    && self.verdict[n].is_none()
                    && !def.name.is_empty()
                    && !def.static_member
                    && self
                        .typed_names
                        .get(&(self.scope[n], def.name.as_str()))
                        .is_some_and(|ids| {
                            ids.iter()
                                .any(|&id| self.hosts.share_ids(id, self.hosts.id(n)))
                        })
            })
            .collect()
    }

    fn verdicts(&self, files: &[FileModel]) -> Vec<Vec<Reachability>> {
        files
            .iter()
            .zip(&self.offsets)
            .map(|(file, &base)| {
                (0..file.definitions.len())
                    .map(|d| self.verdict[base + d].unwrap_or(Reachability::Unreferenced))
                    .collect()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
