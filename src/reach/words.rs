//! The word lists of `words.toml`: entry-point attributes and base types, framework-called
//! methods, start-up words and command-line subcommand words.

use serde::Deserialize;
use std::collections::HashSet;
use std::sync::LazyLock;

/// The parsed `words.toml`.
#[derive(Debug, Deserialize)]
pub struct Words {
    /// Attributes / decorators that make a function an entry point.
    pub entry_attributes: HashSet<String>,
    /// Class attributes / decorators that make every method of the class an entry point.
    pub entry_class_attributes: HashSet<String>,
    /// Base types whose classes a framework finds by reflection.
    pub entry_base_types: HashSet<String>,
    /// Methods a framework calls on an object it holds.
    pub framework_methods: HashSet<String>,
    /// Method name prefixes a framework calls by convention.
    pub framework_method_prefixes: Vec<String>,
    /// JavaScript exports a framework calls by name.
    pub convention_exports: HashSet<String>,
    /// Words of a name that runs once per start or upgrade.
    pub startup_words: HashSet<String>,
    /// Words of an expression that chooses a subcommand.
    pub command_words: Vec<String>,
    /// Words of a function name where a command line is dispatched.
    pub command_functions: HashSet<String>,
    /// Words of a variable holding a program's command-line arguments (C#).
    pub argument_words: HashSet<String>,
    /// Types of a parameter holding a program's command-line arguments (C#, spaces removed).
    pub argument_types: HashSet<String>,
    /// Subcommands that start the service.
    pub serve_commands: HashSet<String>,
    /// Classes a command-line parser builds one command with (`new Command('remove')`).
    pub command_constructors: HashSet<String>,
    /// Names a program mentions when it starts a server.
    pub server_start_words: HashSet<String>,
    /// Names a function mentions when it registers code that runs later.
    pub registration_words: HashSet<String>,
    /// Framework-called methods that run once when the server starts.
    pub start_methods: HashSet<String>,
    /// Calls that run a method passed to them once.
    pub once_calls: HashSet<String>,
    /// Methods that run the function passed to them right away, once per element.
    pub iteration_calls: HashSet<String>,
    /// Calls that wait for the call they are made on.
    pub awaiting_calls: HashSet<String>,
    /// Words of an environment variable's name that choose a generating, debugging or test mode.
    pub mode_env_words: HashSet<String>,
    /// Conditions that run a JavaScript file as a program only when it is not imported.
    pub program_guards: HashSet<String>,
    /// Words of a line that stores a secret or identity the service generates when absent.
    pub secret_words: HashSet<String>,
    /// Keys of a JavaScript object literal that schedule the work the object describes.
    pub schedule_keys: HashSet<String>,
    /// Words of an event type's name that say whose start it is (`application`).
    pub start_event_subjects: HashSet<String>,
    /// Words of an event type's name that say it is published at a start (`started`).
    pub start_event_verbs: HashSet<String>,
    /// Calls on an application's start event that run the function passed to them once.
    pub start_event_calls: HashSet<String>,
    /// C# overrides (`Base.Method`) a host calls once when it starts the object.
    pub start_overrides: HashSet<String>,
    /// Calls whose sequence may never end: a C# `foreach` over one is no direct statement.
    pub endless_sequences: Vec<String>,
    /// Methods nearly every class has (`Dispose`): a call by name reaches none of them.
    pub teardown_methods: HashSet<String>,
    /// Words of a callee that dispatches a plugin hook by the name in its first argument.
    pub hook_dispatch_words: HashSet<String>,
    /// Rust associated functions that build a value of their type (`new`, `with_*`): a
    /// start that calls one as a statement keeps the value (see [`super::started`]).
    pub value_constructors: Vec<String>,
}

/// The name a frontend mentions for a loop that may run for the process's lifetime (a
/// keyword, so no definition has it); `registration_words` lists it: such code keeps running.
pub const LOOP: &str = "while";

/// The name a frontend mentions for an endless loop that waits between its runs (a polling
/// worker's loop: `for (;;) { ..; await sleep(ms) }`); `server_start_words` lists it: a
/// program whose code keeps such a loop running is a worker process, not a one-off script.
pub const POLL_LOOP: &str = "poll-loop";

static WORDS: LazyLock<Words> = LazyLock::new(|| {
    // The file is part of the binary and covered by unit tests; it always parses.
    toml::from_str(include_str!("words.toml")).unwrap_or_else(|e| panic!("words.toml: {e}"))
});

/// The word lists, parsed once.
pub fn words() -> &'static Words {
    &WORDS
}

impl Words {
    /// Whether a Rust associated function of this name builds a value of its type: one of
    /// `value_constructors`, or a `prefix_*` of one.
    pub fn builds_value(&self, name: &str) -> bool {
        self.value_constructors
            .iter()
            .any(|w| match w.strip_suffix('*') {
                Some(prefix) => name.starts_with(prefix) && name.len() > prefix.len(),
                None => name == w,
            })
    }

    /// Whether an attribute or decorator (any path, optional `Attribute` suffix) marks an
    /// entry point.
    pub fn is_entry_attribute(&self, name: &str) -> bool {
        self.entry_attributes.contains(last_segment(name))
    }

    /// Whether a class attribute or decorator makes every method an entry point.
    pub fn is_entry_class_attribute(&self, name: &str) -> bool {
        self.entry_class_attributes.contains(last_segment(name))
    }

    /// Whether a base type (any path, generic arguments ignored) makes a class an entry point.
    pub fn is_entry_base_type(&self, name: &str) -> bool {
        let plain = name.split('<').next().unwrap_or(name).trim();
        self.entry_base_types.contains(last_segment(plain))
    }

    /// Whether a framework calls a method of this name on objects it holds.
    pub fn is_framework_method(&self, name: &str) -> bool {
        self.framework_methods.contains(name)
            || self
                .framework_method_prefixes
                .iter()
                .any(|p| name.starts_with(p.as_str()))
    }

    /// Whether a name says it runs once per start or upgrade (`runMigrations`,
    /// `seed_database`, `UpgradeLegacySettings`).
    pub fn is_startup_name(&self, name: &str) -> bool {
        split_words(name)
            .iter()
            .any(|w| self.startup_words.contains(w.as_str()))
    }

    /// Whether a type (any path, generic arguments ignored) names the event an application
    /// publishes when it starts: its name has a subject and a verb of a start
    /// (`ApplicationStartedEvent`, `UmbracoApplicationStartingNotification`).
    pub fn names_start_event(&self, ty: &str) -> bool {
        let plain = ty.split('<').next().unwrap_or(ty).trim();
        let words = split_words(last_segment(plain));
        words.iter().any(|w| self.start_event_subjects.contains(w))
            && words.iter().any(|w| self.start_event_verbs.contains(w))
    }

    /// Whether a C# method named `method` that overrides one of `bases` (any path, generic
    /// arguments ignored) is called once when the host starts its object
    /// (`BackgroundService.ExecuteAsync`).
    pub fn is_start_override(&self, bases: &[String], method: &str) -> bool {
        bases.iter().any(|base| {
            let plain = base.split('<').next().unwrap_or(base).trim();
            self.start_overrides
                .contains(&format!("{}.{method}", last_segment(plain)))
        })
    }

    /// Whether a loop's collection (`queue.GetConsumingEnumerable()`) names a sequence that
    /// may never end.
    pub fn names_endless_sequence(&self, collection: &str) -> bool {
        self.endless_sequences
            .iter()
            .any(|w| collection.contains(w.as_str()))
    }

    /// Whether an expression (a `match` scrutinee, a `switch` value, an `if` condition)
    /// chooses a command-line subcommand.
    pub fn chooses_command(&self, expression: &str) -> bool {
        let lower = expression.to_ascii_lowercase();
        self.command_words
            .iter()
            .any(|w| lower.contains(w.as_str()))
    }

    /// Whether a function (empty: the module top level) may dispatch a command line.
    pub fn dispatches_commands(&self, function: &str) -> bool {
        function.is_empty()
            || split_words(function)
                .iter()
                .any(|w| self.command_functions.contains(w.as_str()))
    }

    /// Whether a name (`args`, `jobArguments`) holds a program's command-line arguments.
    pub fn names_arguments(&self, name: &str) -> bool {
        split_words(name)
            .iter()
            .any(|w| self.argument_words.contains(w.as_str()))
    }

    /// Whether a key of a JavaScript object literal schedules work (`{ interval: '1h' }`):
    /// mentioned like a call, where other keys name data and mention nothing.
    pub fn schedules_work(&self, key: &str) -> bool {
        self.schedule_keys.contains(key)
    }

    /// Whether a callee (`hooks.aCallAll`, `runHook`) dispatches a plugin hook by name: the
    /// string it is given names the exported functions the plugin loader calls.
    pub fn dispatches_hooks(&self, callee: &str) -> bool {
        split_words(callee)
            .iter()
            .any(|w| self.hook_dispatch_words.contains(w))
    }

    /// Whether a call runs a method passed to it once (`MapResult`).
    pub fn runs_argument_once(&self, name: &str) -> bool {
        self.once_calls.contains(name)
    }

    /// Whether a method runs the function passed to it right away, once per element of a
    /// list (`forEach`).
    pub fn iterates_argument(&self, name: &str) -> bool {
        self.iteration_calls.contains(name)
    }

    /// Whether a call waits for the call it is made on (`ConfigureAwait`).
    pub fn awaits_call(&self, name: &str) -> bool {
        self.awaiting_calls.contains(name)
    }

    /// Whether a line of code names a secret or an identity (`fs::write(&key_path, pem)`):
    /// written at start-up, it is generated when absent, and each instance would have its own.
    pub fn names_secret(&self, line: &str) -> bool {
        split_words(line)
            .iter()
            .any(|w| self.secret_words.contains(w.as_str()))
    }

    /// Whether a subcommand (variant or literal) is the serve path.
    pub fn is_serve_command(&self, name: &str) -> bool {
        let lower = name.trim_start_matches('-').to_ascii_lowercase();
        self.serve_commands.contains(lower.as_str())
            || split_words(name)
                .iter()
                .any(|w| self.serve_commands.contains(w.as_str()))
    }
}

/// Which branch of an `if` runs in a mode an environment variable chooses (see
/// [`Words::env_mode`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModeBranch {
    /// The consequence: `if (process.env.GENERATE_SCHEMA)`.
    Consequence,
    /// The `else`: `if (!process.env.GENERATE_SCHEMA)`.
    Alternative,
}

impl Words {
    /// The branch of an `if` with this condition that runs only when an environment variable
    /// named for a generating, debugging or test mode (`mode_env_words`) is set: the
    /// consequence of `process.env.APP_TEST_DELAY` or `isSet(process.env.DUMP_STATE) &&
    /// verbose`, the `else` of `!process.env.GENERATE_GQL_SCHEMA`. `None` when no such variable
    /// is read or the mode is not certain (`||`, a negated `&&`, a comparison with `!=`).
    pub fn env_mode(&self, condition: &str) -> Option<ModeBranch> {
        self.mode_branch(condition, |c| self.reads_mode_env(c))
    }

    /// The branch of an `if` on a name that holds a mode's environment variable (`if
    /// (this.recordDir)` after `recordDir = process.env.RECORD_BUFFERS_DIR`; see
    /// [`Words::env_mode`]): `is_mode_name` tells such names (written as in the code,
    /// `this.` included) from others. The condition is the name or its negation alone.
    pub fn mode_name_branch(
        &self,
        condition: &str,
        is_mode_name: impl Fn(&str) -> bool,
    ) -> Option<ModeBranch> {
        self.mode_branch(condition, |c| {
            is_mode_name(c.strip_prefix('!').map_or(c, bare))
        })
    }

    /// The branch of an `if` whose condition (whitespace and outer parentheses removed)
    /// `is_mode` reads as a mode's: the consequence, or the `else` of a negation.
    fn mode_branch(&self, condition: &str, is_mode: impl Fn(&str) -> bool) -> Option<ModeBranch> {
        let squashed = squash(condition);
        let c = bare(&squashed);
        if c.contains("||") || c.contains("!=") || !is_mode(c) {
            return None;
        }
        match c.strip_prefix('!') {
            Some(_) if c.contains("&&") => None,
            Some(_) => Some(ModeBranch::Alternative),
            None => Some(ModeBranch::Consequence),
        }
    }

    /// Whether a text reads an environment variable whose name has a mode word
    /// (`process.env.RECORD_BUFFERS_DIR`, see `mode_env_words`).
    pub fn reads_mode_env(&self, text: &str) -> bool {
        text.match_indices("process.env")
            .filter_map(|(at, _)| env_name(&text[at + "process.env".len()..]))
            .any(|name| {
                split_words(name)
                    .iter()
                    .any(|w| self.mode_env_words.contains(w.as_str()))
            })
    }

    /// Whether a top-level `if` condition runs its file as a program only when it is not
    /// imported (`require.main === module`).
    pub fn is_program_guard(&self, condition: &str) -> bool {
        self.program_guards.contains(bare(&squash(condition)))
    }
}

/// A condition's text without whitespace.
fn squash(condition: &str) -> String {
    condition.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A condition without the parentheses around all of it.
fn bare(mut condition: &str) -> &str {
    while let Some(inner) = condition
        .strip_prefix('(')
        .and_then(|i| i.strip_suffix(')'))
    {
        condition = inner;
    }
    condition
}

/// The variable name after `process.env`: `.NAME` or `["NAME"]`.
fn env_name(rest: &str) -> Option<&str> {
    let name = match rest.strip_prefix('.') {
        Some(dotted) => dotted,
        None => rest.strip_prefix("[")?.trim_start_matches(['"', '\'', '`']),
    };
    let end = name
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(name.len());
    (end > 0).then(|| &name[..end])
}

/// The last segment of a dotted or `::` path, without an `Attribute` suffix.
fn last_segment(name: &str) -> &str {
    let last = name.rsplit(['.', ':']).next().unwrap_or(name);
    last.strip_suffix("Attribute")
        .filter(|s| !s.is_empty())
        .unwrap_or(last)
}

/// The lower-case words of a camelCase, PascalCase, snake_case or kebab-case name.
pub fn split_words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_named_for_the_application_start() {
        let w = words();
        assert!(w.names_start_event("ApplicationStartedEvent"));
        assert!(w.names_start_event("Events.UmbracoApplicationStartingNotification"));
        assert!(w.names_start_event("HostStartingEvent"));
        assert!(!w.names_start_event("ApplicationShutdownEvent"));
        assert!(!w.names_start_event("DownloadStartedEvent"));
        assert!(!w.names_start_event("ApplicationSettings"));
    }

    #[test]
    fn environment_variables_named_for_a_mode_choose_a_branch() {
        let w = words();
        let mode = |c: &str| w.env_mode(c);
        assert_eq!(
            mode("(process.env.APP_TEST_READY_DELAY)"),
            Some(ModeBranch::Consequence)
        );
        assert_eq!(
            mode("(!process.env.GENERATE_GQL_SCHEMA)"),
            Some(ModeBranch::Alternative)
        );
        assert_eq!(
            mode("(isSet(process.env['DUMP_STATE']) && verbose)"),
            Some(ModeBranch::Consequence)
        );
        assert_eq!(
            mode("(process.env.RECORD_DIR === 'true')"),
            Some(ModeBranch::Consequence)
        );
        // Not certain, or no mode in the name.
        for condition in [
            "(process.env.GENERATE_PDF || forced)",
            "(!process.env.DEBUG_LOG && ready)",
            "(process.env.TEST_MODE !== 'off')",
            "(process.env.UPLOAD_DIR)",
            "(process.env.LATEST_RELEASE)",
            "(debug)",
        ] {
            assert_eq!(mode(condition), None, "{condition}");
        }
    }

    #[test]
    fn names_holding_a_mode_choose_a_branch() {
        let w = words();
        let held = |name: &str| name == "this.traceDir";
        let mode = |c: &str| w.mode_name_branch(c, held);
        assert_eq!(mode("(this.traceDir)"), Some(ModeBranch::Consequence));
        assert_eq!(mode("( !this.traceDir )"), Some(ModeBranch::Alternative));
        assert_eq!(mode("(!(this.traceDir))"), Some(ModeBranch::Alternative));
        for condition in [
            "(this.traceDir || forced)",
            "(this.uploadDir)",
            "(!this.traceDir && ready)",
        ] {
            assert_eq!(mode(condition), None, "{condition}");
        }
        assert!(w.reads_mode_env("root ? process.env.DEBUG_TRACE_DIR : null"));
        assert!(!w.reads_mode_env("process.env.UPLOAD_DIR"));
    }

    #[test]
    fn word_lists_parse_and_answer() {
        let w = words();
        assert!(w.is_entry_attribute("HttpGet"));
        assert!(w.is_entry_attribute("Microsoft.AspNetCore.Mvc.HttpPostAttribute"));
        assert!(w.is_entry_attribute("actix_web::get"));
        assert!(!w.is_entry_attribute("Obsolete"));
        assert!(w.is_entry_base_type("IConsumer<OrderPlaced>"));
        assert!(w.is_entry_base_type("Microsoft.Extensions.Hosting.BackgroundService"));
        assert!(w.is_framework_method("OnGetAsync"));
        assert!(w.is_startup_name("runMigrations"));
        assert!(w.is_startup_name("seed_database"));
        assert!(w.is_startup_name("UpgradeSettingsFolder"));
        assert!(!w.is_startup_name("LegacyInvoiceArchive"));
        assert!(!w.is_startup_name("seedling"));
        assert!(!w.is_startup_name("uploadAvatar"));
        assert!(w.chooses_command("cli.command"));
        assert!(w.chooses_command("process.argv[2]"));
        assert!(!w.chooses_command("req.body.action"));
        assert!(w.dispatches_commands("run_cli"));
        assert!(!w.dispatches_commands("handle_request"));
        assert!(w.registration_words.contains(LOOP));
        assert!(w.server_start_words.contains(POLL_LOOP));
        assert!(w.runs_argument_once("MapResult"));
        assert!(w.awaits_call("ConfigureAwait"));
        assert!(w.start_methods.contains("ConfigureServices"));
        assert!(w.is_serve_command("Serve"));
        assert!(w.is_serve_command("--serve"));
        assert!(!w.is_serve_command("Backup"));
        assert_eq!(split_words("HTTPServerStart"), ["httpserver", "start"]);
        assert!(w.is_program_guard("(require.main === module)"));
        assert!(w.names_secret("fs::write(&key_file, pem)?;"));
        assert!(w.names_secret("fs.writeFileSync(vapidKeysPath, json)"));
        assert!(!w.names_secret("fs::create_dir_all(&settings.data_dir)?;"));
        assert!(!w.is_program_guard("(require.main)"));
        assert_eq!(
            split_words("run_db-migrations"),
            ["run", "db", "migrations"]
        );
    }
}
