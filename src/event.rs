//! The language-neutral facts a frontend extracts from one parsed file.
//!
//! Frontends do all parsing and name resolution; the matcher only compares
//! these facts with the rule catalogue. A target is a fully resolved, dotted or
//! `::`-separated name such as `fs/promises.writeFile`,
//! `System.IO.File.WriteAllText` or `std::fs::write`.

use std::collections::{BTreeMap, BTreeSet};

/// What kind of syntax produced an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// A function or method call: `fs.writeFile(p)`, `File.WriteAllText(p, s)`, `fs::write(p, b)`.
    Call,
    /// An object construction: `new FileStream(p, FileMode.Create)`, `new CronJob(...)`.
    Construct,
    /// A decorator or attribute: `@Cron('0 * * * *')`.
    Annotation,
    /// A type that derives from or implements the target: `class W : BackgroundService`.
    Subclass,
    /// A collection that lives as long as the process (a module-level `Map`, object or array;
    /// a C# `static` field; a Rust `static`, `LazyLock` or `lazy_static!`) and that code in a
    /// function writes to after initialisation (`sessions.set(id, s)`, `Users[id] = u`,
    /// `PEERS.lock().insert(addr, tx)`). The target is its type (`globalThis.Map`,
    /// `System.Collections.Concurrent.ConcurrentDictionary`, `dashmap::DashMap`), its
    /// [`Event::words`] what it holds. Collections only filled where they are declared (lookup
    /// tables) or in a static constructor are no events.
    Collection,
    /// A collection held in a field of an object (a C# instance field, a JavaScript class's
    /// `this.x`, a Rust struct's field) that the object's methods, or handlers holding it,
    /// write to after construction. Like [`EventKind::Collection`], with [`Event::owner`]
    /// naming the type that holds it: the field lives as long as that object, so a rule
    /// asks the project how the object is made (`owner_registered_any`).
    #[serde(rename = "field-collection")]
    FieldCollection,
}

/// A fact about one argument of a call or construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// A string literal (or template/interpolated string without holes), unquoted.
    Str(String),
    /// A resolved member or enum constant, e.g. `System.IO.FileMode.Create`.
    /// C# may yield several candidates when more than one imported namespace could supply it.
    Member(Vec<String>),
    /// An object literal (JS), or a name bound to one, with its properties in order.
    Object(Vec<Property>),
    /// Anything else; `path_like` says whether the expression looks like a file path
    /// (a string expression, a `Path.Combine(...)`, or a name such as `filePath`).
    Other { path_like: bool },
    /// A path in the system's temporary directory (`os.tmpdir()`, `Path.GetTempPath()`,
    /// `std::env::temp_dir()`, a `tmp`/`temp` name): scratch space, not shared state.
    TempPath,
    /// A path whose literals, members, constants or getters say it belongs to this instance
    /// alone: a derived cache, a staging or spool folder, a pid, lock or socket file, a
    /// self-signed certificate (see `frontend::words::PathPurpose`).
    InstancePath,
    /// A file of the running process itself: its pid file or Unix socket (see
    /// `frontend::words::PathPurpose::is_process_file`). Writing or deleting it changes
    /// nothing another instance reads.
    ProcessPath,
    /// A path in a folder the user points an external program at, or that belongs to the
    /// user's media library: a watch or "blackhole" folder, recordings (see
    /// `frontend::words::PathPurpose`). A write there is reported at most as `info`, with low
    /// confidence.
    ExternalPath,
}

/// One property of an object-literal argument: `client: 'sqlite3'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    /// The key; a spread (`...opts`) is the key `...`, since it may bring any key.
    pub key: String,
    /// What can be told about the value without running the code.
    pub value: Value,
}

/// What can be told about a property's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A string literal (or a template string without holes), unquoted.
    Str(String),
    /// A resolved imported name or module member (`@mikro-orm/sqlite.SqliteDriver`).
    Member(String),
    /// A nested object literal, with its properties (a few levels deep).
    Object(Vec<Property>),
    /// Anything else (a number, a call, a local variable, a spread).
    Other,
}

impl Property {
    /// A property with this key and value.
    pub fn new(key: impl Into<String>, value: Value) -> Self {
        Property {
            key: key.into(),
            value,
        }
    }

    /// Every value at a dotted key path (`connection.filename`) in `props`: a key given
    /// twice, or by objects assigned in several branches, may hold any of them.
    pub fn lookup<'p>(props: &'p [Property], path: &str) -> Vec<&'p Value> {
        let (head, rest) = match path.split_once('.') {
            Some((head, rest)) => (head, Some(rest)),
            None => (path, None),
        };
        let values = props.iter().filter(|p| p.key == head).map(|p| &p.value);
        match rest {
            None => values.collect(),
            Some(rest) => values
                .flat_map(|v| match v {
                    Value::Object(inner) => Property::lookup(inner, rest),
                    _ => Vec::new(),
                })
                .collect(),
        }
    }
}

/// A fact about where in the program an event sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Context {
    /// Inside a loop with no counting bound (`while (true)`, `for (;;)`, Rust `loop`,
    /// `while (!token.IsCancellationRequested)`), in the same function.
    UnboundedLoop,
    /// Inside a spawned task or thread (`tokio::spawn`, `std::thread::spawn`, `Task.Run`),
    /// or in a function that this file spawns.
    Spawned,
    /// A timer callback that schedules the enclosing function again (`setTimeout(tick, ms)` in `tick`).
    SelfRescheduling,
    /// A timer whose own callback cancels it (`clearInterval` inside the `setInterval`
    /// callback): a bounded wait for a condition, not a recurring job.
    SelfCancelling,
    /// A timer whose work concerns this instance itself: health checks, heartbeats,
    /// metrics, keep-alives (known from the names around it or a short callback).
    PerInstance,
    /// A timer that a close handler of the same function clears
    /// (`ws.on('close', () => clearInterval(id))`): it lives as long as one client's
    /// connection or stream, which one instance holds.
    PerConnection,
    /// A timer or loop whose lifetime is one operation (a request, a job, an upload): the
    /// function that starts it also clears it, or the loop ends when the operation does. It
    /// runs once per operation, not once per instance.
    PerOperation,
    /// Error-handling or retry code: a `catch` block, an `Err(_)` arm, an error callback, or a
    /// delay computed from an attempt counter. Back-offs are not periodic jobs.
    Retry,
    /// Behind a check that only one instance of the deployment runs it: `if (isLeader)`,
    /// an early `if (!config.runJobs) return;`, a scheduler-enabled flag.
    SingleInstanceGuard,
    /// Client code that never runs behind a load balancer: browser scripts (UI framework
    /// imports, `"use client"`, `window`/`document`, front-end asset folders) and desktop or
    /// mobile apps (WPF, WinForms, MAUI, Tauri, egui, ...). Never reported.
    ClientSide,
    /// Build, release and developer tooling that never runs behind a load balancer: script,
    /// docs and example directories, bundler configs, command-line scripts
    /// (a `#!` line, a CLI-argument parser). Never reported.
    Tooling,
    /// Test code (test directories and file names, `#[cfg(test)]`, test attributes).
    Test,
    /// Runs once, when the process loads the module: a JavaScript module's top-level
    /// statements (also inside `if`, `try` and loops, the function a list's `forEach` runs,
    /// a function invoked where it is written and the callback of a start-up hook such as
    /// `Meteor.startup`), not the callbacks it registers to run later.
    OnceAtStart,
}

/// One fact extracted from the source.
#[derive(Debug, Clone)]
pub struct Event {
    /// The syntax that produced it.
    pub kind: EventKind,
    /// Resolved candidate names, most likely first. Usually one; C# may give several
    /// when a simple name could come from more than one imported namespace.
    pub targets: Vec<String>,
    /// Byte range in the source that a finding should point at.
    pub span: std::ops::Range<usize>,
    /// Facts about the arguments, in order.
    pub args: Vec<Arg>,
    /// Builder calls applied before the target, with a literal argument when it has one:
    /// `OpenOptions::new().append(true).open(p)` gives `["append(true)"]`.
    pub chain: Vec<String>,
    /// Where the event sits.
    pub context: BTreeSet<Context>,
    /// The source text of the argument list, cut at [`MAX_ARGS_TEXT`] bytes (C#), for
    /// conditions on what the arguments mention (`/mnt/`, `SHARED_KEYS_DIR`).
    pub args_text: String,
    /// For a [`EventKind::Collection`], the lower-case words of what it holds, sorted and
    /// deduplicated: its name, its type arguments and the keys it is written with
    /// (`userSessions.set(socket.id, s)` gives `id`, `sessions`, `socket`, `user`). For a C#
    /// call, the words of the method and the type it sits in (`SaveSettings` in
    /// `SettingsService` gives `save`, `service`, `settings`); for a C#
    /// [`EventKind::Construct`] that initialises or is assigned to a variable, field or
    /// property, the words of that name (`_logRateLimiter` gives `limiter`, `log`, `rate`).
    pub words: Vec<String>,
    /// For a [`EventKind::Collection`] or [`EventKind::FieldCollection`], the lower-case words
    /// of the fields of the entries written into it (`outstanding.set(secret, { email,
    /// expires })` gives `email`, `expires`): what each entry holds says whose it is, so a
    /// pattern's `words_any` tests them; an `[unless]` does not (an entry's `type` or `url`
    /// field does not make the collection a registry or a cache).
    pub held_words: Vec<String>,
    /// What the recurring body behind the event does (a timer's callback, a scheduled job's
    /// function, the loop around a sleep), when the event has one (see [`crate::work`]).
    pub work: Option<crate::work::Work>,
    /// For a [`EventKind::FieldCollection`], the simple name of the type whose field holds
    /// the collection (`PresenceTracker`, `AppState`).
    pub owner: Option<String>,
    /// For a [`EventKind::FieldCollection`] that its own file never writes, the field's
    /// name: the event stands only when some file writes `owner.field` through application
    /// state (`state.sessions.insert(..)` in a handler taking `web::Data<AppState>`), which
    /// that file records as the registration `write:how:Owner.field`.
    pub written_elsewhere: Option<String>,
    /// Set when the event sits in a thin file-system wrapper that only forwards paths its
    /// method's parameters give (see [`Forwarded`]).
    pub forwarded: Option<Forwarded>,
    /// Registrations one of which some scanned file must supply for the event to stand: a
    /// call to a helper another file defines is a delay only when that file registers it
    /// as one (`delay:sleep`, see [`FileFacts::registrations`]).
    pub requires_any: Vec<String>,
    /// What the arguments would be if some project facts held (see [`Assumed`]).
    pub assumed: Option<Assumed>,
}

/// The arguments of an event if every registration in `registrations` is supplied by some
/// file of the project: a type whose path fields are all set from a path getter of another
/// file (`options.local_stream_data_path(..)`) manages that getter's folder, and the getter's
/// file registers `path:instance:local_stream_data_path` when it returns this instance's own
/// folder. A finding the assumed arguments mitigate goes when the project supplies them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assumed {
    /// The registrations that must all be supplied.
    pub registrations: Vec<String>,
    /// The arguments' facts if they are.
    pub args: Vec<Arg>,
}

/// A file operation of a file-system wrapper (`DiskProvider.DeleteFile(string path)`) whose
/// paths come only from its method's parameters: whose file it is, its callers say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forwarded {
    /// The method's simple name.
    pub method: String,
    /// The positions of the parameters the paths come from.
    pub params: Vec<usize>,
    /// The simple name of the type that declares the method (`DiskProviderBase`), when any.
    pub owner: Option<String>,
}

/// A call that passes a path naming shared data (`_disk.WriteAllText(_configFile, xml)`):
/// a wrapper's file operation on that parameter stays reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedPathCall {
    /// Byte offset of the call (its definition is found from it).
    pub at: usize,
    /// The called method's simple name.
    pub method: String,
    /// The argument position of the shared path.
    pub index: usize,
    /// The reported span of the call (from its method name when a chain spans lines).
    pub span: std::ops::Range<usize>,
    /// The last name of the call's receiver (`_diskProvider`, `AsyncFile`), when it has one.
    pub receiver: Option<String>,
}

/// The longest argument-list text kept on an event.
pub const MAX_ARGS_TEXT: usize = 400;

/// Everything a frontend learned from one file.
#[derive(Debug, Clone, Default)]
pub struct FileFacts {
    /// The events, in source order.
    pub events: Vec<Event>,
    /// Every call target (resolved where possible, else the bare method name) in the file,
    /// used by file-wide mitigations such as a clustered Quartz store; C# also records each
    /// construction as `new T` (`new System.Timers.Timer`).
    pub calls: BTreeSet<String>,
    /// The call targets of `calls` that the file makes only inside a branch its settings
    /// choose (`if (config.redis.enabled) io.adapter(createAdapter(..))`), with the byte
    /// ranges of those branches: a mitigation made only so holds for the code of its branch,
    /// elsewhere it is optional (C#, JavaScript).
    pub optional_calls: BTreeMap<String, Vec<(usize, usize)>>,
    /// Every string literal in the file, used by file-wide mitigations.
    pub strings: BTreeSet<String>,
    /// Contexts that hold for the whole file (browser code, test code).
    pub file_context: BTreeSet<Context>,
    /// How this file makes single, process-lived instances of types, as `how:Type`:
    /// `AddSingleton:PresenceTracker` (C# `AddSingleton<IPresence, PresenceTracker>()`),
    /// `@nestjs/common.Injectable:ChatService` (a NestJS provider), `new:ClientManager` (a
    /// JavaScript module-level `new ClientManager()`), `actix_web::web::Data:AppState`
    /// (Rust application state). Rules read them with `owner_registered_any`. Also the
    /// file's sleep helpers as `delay:name` (`const sleep = ms => new Promise(..)`), which
    /// calls to them from other files need (see [`Event::requires_any`]).
    pub registrations: BTreeSet<String>,
    /// The file's symbol table for the project model (see [`crate::reach`]): the module
    /// top level first (index 0, spanning the whole file), then every definition.
    pub definitions: Vec<Definition>,
    /// Calls of the file's or the project's own methods that pass a path naming shared
    /// data (see [`Forwarded`]).
    pub shared_path_calls: Vec<SharedPathCall>,
    /// What the file's calls pass at each argument position (outside test code): a
    /// temporary path, this instance's own path (a cache), a value of one of the caller's parameters, or anything else (see
    /// [`crate::reach::temp_params`]). Sorted and deduplicated by the engine.
    pub arg_flows: Vec<ArgFlow>,
    /// Functions the file hands to calls, and the timers whose callback its calls hand them
    /// (see [`Forwards`]).
    pub forwards: Forwards,
}

/// Timer wrappers whose callback is a parameter, judged by what the calls of the whole
/// project hand them (see [`crate::reach::work`]): the *slots* are `Key#Index` (a call's
/// [`crate::work::callee_key`], or `new:Type` for a construction, and the argument
/// position).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forwards {
    /// The functions handed to calls (a function literal, a function of the same file by
    /// name) whose work is not all this process's own, or not known in the file.
    pub flows: Vec<CallbackFlow>,
    /// The slots the file's timer wrappers take their work from, and those of its
    /// constructors that set a field from a function parameter (`this._cb = cb`,
    /// `_onTick = onTick`: a call of `_cb` runs what `new:Interval#0` is handed).
    pub slots: Vec<String>,
}

/// A function handed to a call (see [`Forwards`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackFlow {
    /// The slot it is handed to (`every#0`, `new:Interval#0`).
    pub slot: String,
    /// Its own work (the kinds of its calls, the functions it calls).
    pub work: crate::work::DirectWork,
    /// The 1-based line of the call.
    pub line: usize,
}

/// What one call passes at one argument position (the receiver is not counted), for
/// following temporary paths into the called function in another file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArgFlow {
    /// The called function's or method's simple name (`gen_scripts`, `ExtractTo`).
    pub callee: String,
    /// The argument position.
    pub index: usize,
    /// What the argument is.
    pub source: ArgSource,
}

/// What an argument is, for [`ArgFlow`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ArgSource {
    /// A path in a temporary directory, as the file's own data flow tells.
    Temp,
    /// A path this instance alone keeps (a cache folder, `Arg::InstancePath`), as the file's
    /// own data flow tells: as regenerable as a temporary one for a write, not for a delete.
    Instance,
    /// A value built from the parameter at `index` of the calling function `function`
    /// (`path.join(dir, name)` in `function extract(zip, dir)`): temporary when every call of
    /// that function passes a temporary path there.
    Param {
        /// The calling function's simple name.
        function: String,
        /// The parameter's position (the receiver is not counted).
        index: usize,
    },
    /// Anything else.
    Plain,
}

impl ArgFlow {
    /// The fact that a call of `callee` passes `source` at `index`.
    pub fn new(callee: impl Into<String>, index: usize, source: ArgSource) -> Self {
        ArgFlow {
            callee: callee.into(),
            index,
            source,
        }
    }
}

/// How a definition is reached, as the frontend sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    /// Reached only through references to its name.
    #[default]
    Plain,
    /// An entry point: module top level, `main`, a route handler, a hosted service, a
    /// scheduled job, a class a framework finds by reflection, a JavaScript export.
    Entry,
    /// A method a framework calls on an object it holds (lifecycle hooks, `ExecuteAsync`,
    /// `Handle`, overrides): reached with its class, and by name like any method.
    Member,
    /// A program's entry (`main`, C# top-level statements): an entry point when the program
    /// serves (its code reaches a server-start word such as `serve`, `HttpServer` or
    /// `CreateBuilder`), else the entry of a separate tool, whose code is offline.
    Main,
    /// The top level of a JavaScript file that runs itself as a program (a `require.main ===
    /// module` guard) and whose own code starts no server: the entry of a separate tool, whose
    /// code is offline unless a server file imports the module.
    Program,
    /// A command-line subcommand branch other than the serve path (`Commands::Backup => ..`,
    /// `if (args[0] == "backup")`): unnamed, reached only as an offline branch of its parent.
    Subcommand,
}

/// The name of a C# type's instance constructor, or a JavaScript or TypeScript class's
/// `constructor`, in the symbol table (`new Store`): no code names it; the sites that build the
/// type mention it (see `frontend/csharp/constructs.rs`; JavaScript: `new Store(..)`).
pub fn constructor_name(ty: &str) -> String {
    format!("{CONSTRUCTOR_PREFIX}{ty}")
}

/// The type whose constructor a name of [`constructor_name`] stands for.
pub fn constructed_type(name: &str) -> Option<&str> {
    name.strip_prefix(CONSTRUCTOR_PREFIX)
}

const CONSTRUCTOR_PREFIX: &str = "new ";

/// One function, method, class or pseudo-definition (module top level, a subcommand
/// branch) in a file, with the names its code refers to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Definition {
    /// The name it is referred to by (empty for the top level and subcommand branches).
    pub name: String,
    /// The type that declares it, for methods.
    pub owner: Option<String>,
    /// Byte range of the whole definition.
    pub span: std::ops::Range<usize>,
    /// How it is reached.
    pub role: Role,
    /// Visible outside its file (`export`, `pub`, `public`): in a single-file run any
    /// other file may call it.
    pub exported: bool,
    /// The enclosing definition (index into the same table); `None` for the top level.
    pub parent: Option<usize>,
    /// The simple names its code mentions (calls, functions passed as values, method
    /// references, types constructed), sorted and deduplicated. Code of nested closures
    /// counts for the definition around them.
    pub refs: Vec<String>,
    /// The names of [`refs`](Definition::refs) only ever called directly as a statement of
    /// its own body (`init();`, `await setup(dir);`, `let c = load()?;`: outside callbacks,
    /// closures and loops; in C#, a `foreach` over a finite sequence or a bounded `for`
    /// counts as the body), so each such call runs within each run of this definition.
    pub calls: Vec<String>,
    /// For a C# type (class, struct, record, interface): what it derives from and holds, so
    /// that a call through a typed receiver (`Owner::name` in [`refs`](Definition::refs))
    /// reaches only the methods of related types.
    pub type_info: Option<TypeInfo>,
    /// A C# extension method (`static void F(this T t)`): callable on a value of any type.
    pub extension: bool,
    /// Part of a C# `partial` type: the type's own definition when declared `partial`, or a
    /// private member of such a type, which only files declaring the same type may call
    /// ([`exported`](Definition::exported) is set too: a single-file run cannot tell).
    pub partial: bool,
    /// A JavaScript, TypeScript or C# `static` method (not a C# extension method): called
    /// through its class (`Store.open()`), never through an instance (`store.open()`).
    pub static_member: bool,
    /// Its own code claims work for one instance: a string naming a way of claiming
    /// (`FOR UPDATE SKIP LOCKED`) or a call taking a distributed lock (see
    /// [`crate::reach::claims`]).
    pub claims: bool,
    /// Rust: the path of the module it is declared in, `::`-joined: its file's module (see
    /// [`crate::reach::rust_modules::file_module`]) and the inline `mod` blocks around it.
    /// A module-qualified call (`ssh::write_keys()`) reaches the functions of that name in a
    /// module of the qualifier's name. Empty in other languages.
    pub module: String,
    /// Its own declaration says it runs once per start of the process, as part of the start
    /// (like `StartAsync`): a C# handler of the event an application publishes when it starts
    /// (`Handle(ApplicationStartedEvent e)`, see `start_event_subjects` in
    /// `src/reach/words.toml`), or the constructor of a JavaScript or TypeScript provider a
    /// dependency-injection container builds once (`@Injectable()` without a `scope`).
    pub start: bool,
    /// Its own work, for a recurring body of another file that calls it (see
    /// [`crate::reach::work`]); `None` when its frontend does not tell (its work is unknown).
    pub work: Option<crate::work::DirectWork>,
}

/// What a C# type declaration says about the type (see [`Definition::type_info`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TypeInfo {
    /// The simple names of the types in its base list (no type arguments).
    pub bases: Vec<String>,
    /// The names of its fields and properties: a receiver written with such a name in
    /// another file (an inherited member) is a value of unknown type, not a type.
    pub members: Vec<String>,
    /// The fields and properties declared with a plain type (no type arguments, not a type
    /// parameter), with that type's simple name: `(Services, IRequestFactory)`. A call on
    /// such a member (`builder.Services.Create()`) is a call through its type.
    pub member_types: Vec<(String, String)>,
}

impl Event {
    /// An event with no argument, chain or context facts yet.
    pub fn new(kind: EventKind, targets: Vec<String>, span: std::ops::Range<usize>) -> Self {
        Event {
            kind,
            targets,
            span,
            args: Vec::new(),
            chain: Vec::new(),
            context: BTreeSet::new(),
            args_text: String::new(),
            words: Vec::new(),
            held_words: Vec::new(),
            work: None,
            owner: None,
            written_elsewhere: None,
            forwarded: None,
            requires_any: Vec::new(),
            assumed: None,
        }
    }
}
