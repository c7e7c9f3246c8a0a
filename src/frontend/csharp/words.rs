//! The word lists of the C# frontend, from the embedded `words.toml`: framework return
//! types, factory methods, namespaces, attributes and the words of names the walk tests.

use super::syntax::last_segment;
use serde::Deserialize;
use std::collections::HashSet;
use std::sync::LazyLock;

/// What a framework method or property returns.
#[derive(Debug, Deserialize)]
pub(super) struct ReturnType {
    /// The member, fully qualified (`System.IO.Directory.GetParent`).
    pub member: String,
    /// Its type, for a collection its element type (`System.IO.DirectoryInfo`).
    pub returns: String,
}

/// An extension method and the only types it extends.
#[derive(Debug, Deserialize)]
pub(super) struct ExtensionReceivers {
    /// The extension method, fully qualified (`Microsoft.Extensions.Logging.AddFile`).
    pub method: String,
    /// The simple names of the types it extends (`ILoggingBuilder`).
    pub receivers: HashSet<String>,
}

/// The parsed `words.toml`.
#[derive(Debug, Deserialize)]
pub(super) struct Words {
    /// What framework methods and properties return, first match wins.
    pub return_types: Vec<ReturnType>,
    /// The last segments of `return_types`' members (not in the file).
    #[serde(skip)]
    pub return_members: HashSet<String>,
    /// Extension methods that extend only some types.
    pub extension_receivers: Vec<ExtensionReceivers>,
    /// Static methods that return an instance of the type they are called on.
    pub factory_methods: HashSet<String>,
    /// Namespaces of file-system abstractions that mirror `System.IO`.
    pub abstract_fs_namespaces: HashSet<String>,
    /// Namespaces (and their children) of client UI frameworks: the file runs on a device.
    pub client_ui_namespaces: Vec<String>,
    /// Calls (as text) that build a web host: a file making one is no tool.
    pub web_host_calls: Vec<String>,
    /// Namespaces (and their children) whose import marks a file as developer tooling.
    pub tooling_namespaces: Vec<String>,
    /// Base classes (prefixes up to `<`) of command-line commands: a file deriving from one
    /// is tooling.
    pub command_bases: Vec<String>,
    /// Namespaces whose import marks a file as test code.
    pub test_namespaces: HashSet<String>,
    /// Words of a field's name that say it lists schema versions (see
    /// `constructs::migration_list`).
    pub migration_list_words: HashSet<String>,
    /// Words in a type name that say it schedules work (lower case, parts of words).
    pub scheduler_words: Vec<String>,
    /// Type-name endings of objects that live with one connection, session or subscription.
    pub per_connection_suffixes: Vec<String>,
    /// Method attributes that mark test methods (last name segment).
    pub test_method_attributes: HashSet<String>,
    /// Class attributes that mark test classes (last name segment).
    pub test_class_attributes: HashSet<String>,
    /// Calls whose delegate arguments run on another task or thread.
    pub spawners: HashSet<String>,
    /// Constructions whose delegate arguments run on another thread.
    pub spawning_types: HashSet<String>,
    /// Words in an `if` condition that mark error handling or retry code (lower case).
    pub retry_condition_words: Vec<String>,
    /// Words in a call's arguments that mark a computed back-off delay (lower case).
    pub retry_arg_words: Vec<String>,
    /// Calls that return a temporary path, fully qualified.
    pub temp_path_calls: Vec<String>,
    /// Calls that drop entries of a cache held in this process's memory.
    pub in_process_evictions: HashSet<String>,
    /// How the names of methods that drop cache entries begin.
    pub eviction_verbs: Vec<String>,
    /// The framework's file types (simple names): calls on them are not the project's own.
    pub framework_file_types: HashSet<String>,
    /// Methods that run as long as the service (`ExecuteAsync`): a timer they dispose at
    /// their end lived as long as the instance.
    pub service_lifetime_methods: HashSet<String>,
    /// Waits that only the service's end ends (`Delay(Timeout.Infinite`), without whitespace.
    pub endless_waits: Vec<String>,
    /// Words in a loop-condition flag that say it tracks the service's life (lower case,
    /// parts of words).
    pub lifecycle_words: Vec<String>,
    /// `Path`'s methods whose first argument is the folder the result lies in.
    pub path_builders: HashSet<String>,
    /// `Directory`'s methods that list the entries inside the folder their first argument
    /// names.
    pub folder_listings: HashSet<String>,
    /// Calls of any receiver that return a location inside the path they are given (simple
    /// names): their arguments' purpose holds for what they return.
    pub location_calls: HashSet<String>,
    /// Types whose methods act on the path they were built from (simple names).
    pub info_types: HashSet<String>,
    /// `FileMode`s that create or extend the file a `FileStream` opens.
    pub creating_modes: HashSet<String>,
    /// Methods that add to or change a collection.
    pub write_methods: HashSet<String>,
    /// Methods that take a handle out of a collection at the end of its life.
    pub removals: HashSet<String>,
    /// Methods that end a live handle (`Dispose`, `Kill`, `Cancel`).
    pub closing_methods: HashSet<String>,
    /// Conditional-compilation symbols a build may define without the project file saying so.
    pub sdk_symbols: HashSet<String>,
    /// How such symbols begin (`NET8_0`, `NETSTANDARD2_0`, `WINDOWS`) or end (`_OR_GREATER`).
    pub sdk_symbol_prefixes: Vec<String>,
    /// See `sdk_symbol_prefixes`.
    pub sdk_symbol_suffixes: Vec<String>,
    /// The namespaces SDK-style projects import implicitly.
    pub implicit_usings: ImplicitUsings,
}

/// The namespaces an SDK-style project imports with `<ImplicitUsings>enable`, per SDK.
#[derive(Debug, Deserialize)]
pub struct ImplicitUsings {
    /// Imported by every SDK.
    pub base: Vec<String>,
    /// Added by `Microsoft.NET.Sdk.Web`.
    pub web: Vec<String>,
    /// Added by `Microsoft.NET.Sdk.Worker`.
    pub worker: Vec<String>,
    /// Added by the Aspire AppHost SDK.
    pub aspire_host: Vec<String>,
}

static WORDS: LazyLock<Words> = LazyLock::new(|| {
    // The file is part of the binary and covered by unit tests; it always parses.
    let mut words: Words = toml::from_str(include_str!("words.toml"))
        .unwrap_or_else(|e| panic!("csharp/words.toml: {e}"));
    words.return_members = words
        .return_types
        .iter()
        .map(|r| last_segment(&r.member).to_string())
        .collect();
    words
});

/// The word lists, parsed once.
pub(super) fn words() -> &'static Words {
    &WORDS
}

impl Words {
    /// Whether the extension method `target` (fully qualified) may be called on a value of
    /// declared type `ty` (any path, generic arguments ignored): always, unless
    /// `extension_receivers` lists the only types it extends and `ty` is not one of them.
    pub(super) fn extends(&self, target: &str, ty: &str) -> bool {
        let plain = ty.split('<').next().unwrap_or(ty).trim();
        self.extension_receivers
            .iter()
            .find(|e| e.method == target)
            .is_none_or(|e| e.receivers.contains(last_segment(plain)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_parse() {
        let w = words();
        assert!(w.return_members.contains("GetParent"));
        assert!(w.factory_methods.contains("FromFile"));
        assert!(w.extends("Microsoft.Extensions.Logging.AddFile", "ILoggingBuilder"));
        assert!(!w.extends("Microsoft.Extensions.Logging.AddFile", "IFileService"));
        assert!(w.extends("Quartz.AddQuartz", "IServiceCollection"));
    }

    /// `mentions` lower-cases the text it searches, so its words must be lower case.
    #[test]
    fn mentioned_words_are_lower_case() {
        let w = words();
        for list in [
            &w.scheduler_words,
            &w.retry_condition_words,
            &w.retry_arg_words,
            &w.lifecycle_words,
        ] {
            assert!(!list.is_empty());
            assert!(
                list.iter().all(|x| *x == x.to_ascii_lowercase()),
                "{list:?}"
            );
        }
    }
}
