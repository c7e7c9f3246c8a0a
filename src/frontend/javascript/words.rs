//! The word lists of the JavaScript/TypeScript frontend, from the embedded `words.toml`:
//! the names of functions that build the application at start-up and TypeScript's own type
//! names.

use serde::Deserialize;
use std::collections::HashSet;
use std::sync::LazyLock;

/// The parsed `words.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Words {
    /// First words of the names of start-up builders (`init`, `setupServer`).
    pub verbs: Vec<String>,
    /// First words of builders whose last word is one of `products` (`createServices`).
    pub makers: Vec<String>,
    /// See `makers`.
    pub products: Vec<String>,
    /// Words of builders of test doubles (`createFakeServices`).
    pub doubles: Vec<String>,
    /// TypeScript's type operators, utility and primitive types: they say nothing of what a
    /// collection holds.
    pub builtin_types: HashSet<String>,
    /// Words of the names of values that are live handles or functions (`socket`, `resolve`).
    pub handle_names: HashSet<String>,
    /// Constructors of live handles (`AbortController`, an outgoing `WebSocket`).
    pub handle_constructors: HashSet<String>,
    /// Calls that make a live handle (`spawn`, `setInterval`).
    pub handle_calls: HashSet<String>,
    /// Events a process raises when it shuts down (`SIGTERM`, `beforeExit`).
    pub shutdown_events: Vec<String>,
    /// Calls that mint a random id (`randomUUID`, `nanoid`): a collection written under one
    /// holds what a client will come back for.
    pub minting_calls: HashSet<String>,
    /// Option keys that name where a constructed cache keeps its entries (`store`, `uri`).
    pub store_option_keys: HashSet<String>,
    /// Methods that register a route handler for a path (`app.post('/x', fn)`).
    pub route_methods: HashSet<String>,
}

static WORDS: LazyLock<Words> = LazyLock::new(|| {
    // The file is part of the binary and covered by a unit test; it always parses.
    toml::from_str(include_str!("words.toml"))
        .unwrap_or_else(|e| panic!("javascript/words.toml: {e}"))
});

/// The word lists, parsed once.
pub(super) fn words() -> &'static Words {
    &WORDS
}

#[cfg(test)]
mod tests {
    #[test]
    fn words_parse() {
        let w = super::words();
        assert!(w.verbs.iter().any(|v| v == "init"));
        assert!(w.builtin_types.contains("ReturnType"));
    }
}
