//! JavaScript and TypeScript modules as names in the call graph.
//!
//! A module's top-level code runs when some file imports it, so the top level of
//! `server/db/index.ts` is named `module:db` and `require('./db')`, `import '../db/index.js'`
//! or `import('./db')` mention that name. Like every name in the graph this over-approximates:
//! two modules of the same file name answer to either's import.

/// The prefix that keeps module names apart from identifiers.
const PREFIX: &str = "module:";

/// The module name an import specifier (`./db/index.js`, `../meta/build`, `express`) or a
/// file path (`src/meta/build.js`) stands for: its last segment without the extension, the
/// folder's for an `index` file. `None` when nothing names a module (`.`, `..`, empty).
pub fn module_name(specifier: &str) -> Option<String> {
    let mut segments = specifier
        .split(['/', '\\'])
        .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        .map(|s| s.split_once('.').map_or(s, |(stem, _)| stem));
    let mut last = segments.next_back()?;
    if last == "index" {
        last = segments.next_back()?;
    }
    (!last.is_empty()).then(|| format!("{PREFIX}{last}"))
}

/// Whether a definition's name is a module's (its top level), not a function's.
pub fn is_module_name(name: &str) -> bool {
    name.starts_with(PREFIX)
}

#[cfg(test)]
mod tests {
    use super::module_name;

    #[test]
    fn specifiers_and_paths_name_the_same_module() {
        assert_eq!(
            module_name("./database").as_deref(),
            Some("module:database")
        );
        assert_eq!(
            module_name("server/database.js").as_deref(),
            Some("module:database")
        );
        assert_eq!(module_name("../db/index.js").as_deref(), Some("module:db"));
        assert_eq!(module_name("./db").as_deref(), Some("module:db"));
        assert_eq!(
            module_name("src\\db\\index.ts").as_deref(),
            Some("module:db")
        );
        assert_eq!(module_name("express").as_deref(), Some("module:express"));
        assert_eq!(
            module_name("fs/promises").as_deref(),
            Some("module:promises")
        );
        assert_eq!(module_name(".."), None);
        assert_eq!(module_name("index.js"), None);
        assert_eq!(module_name(""), None);
        assert!(super::is_module_name("module:db"));
        assert!(!super::is_module_name("db"));
    }
}
