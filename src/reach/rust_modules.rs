//! Rust modules in the call graph: a call through a module path (`ssh::write_keys()`,
//! `crate::jobs::run()`) names the function of that name in a module of the qualifier's name,
//! not every function of the project that shares its name.
//!
//! The Rust symbol table writes such a call `ssh::write_keys` (the module right before the
//! name); each definition knows its module ([`crate::event::Definition::module`]): its file's
//! module from the file's path ([`file_module`]: the crate's folder, the folders under `src`
//! and the file's stem, `src/ssh/mod.rs` is `…::ssh`) and the inline `mod` blocks around it.
//! A qualified call reaches the free functions of the name whose module path has a segment of
//! the qualifier's name (a module re-exporting its submodule's function still answers to it);
//! when none has (another crate's function, a module imported under another name), it
//! reaches every definition of the name, as an unqualified call does.

/// Whether the qualifier of a path call names a module (`ssh` in `ssh::write_keys`,
/// `fs` in `fs::write`): a snake-case segment, not a type (`Store::open`), a constant, nor
/// `crate`, `self` or `super`, which say nothing of where the function lives.
pub fn is_module_qualifier(qualifier: &str) -> bool {
    qualifier.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && qualifier
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !matches!(qualifier, "crate" | "self" | "super" | "_")
}

/// The module a Rust file's path stands for, `::`-joined: the crate's folder (the one
/// holding `src`), the folders under `src` and the file's stem unless it is `mod`, `lib` or
/// `main` (`crates/mail-store/src/backend/fs.rs` is `mail_store::backend::fs`). A file
/// outside any `src` folder is named by its folder and stem. Dashes become underscores, as
/// in crate names.
pub fn file_module(path: &str) -> String {
    let segments: Vec<&str> = path
        .split(['/', '\\'])
        .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        .collect();
    let Some((file, folders)) = segments.split_last() else {
        return String::new();
    };
    let from = match folders.iter().rposition(|s| *s == "src") {
        Some(src) => src.saturating_sub(1),
        None => folders.len().saturating_sub(1),
    };
    let stem = file.split_once('.').map_or(*file, |(stem, _)| stem);
    let own = (!matches!(stem, "mod" | "lib" | "main")).then_some(stem);
    folders
        .get(from..)
        .unwrap_or_default()
        .iter()
        .filter(|s| **s != "src")
        .copied()
        .chain(own)
        .map(|s| s.replace('-', "_"))
        .collect::<Vec<_>>()
        .join("::")
}

/// The module path of a definition declared in `inline` (the `mod` blocks around it, or
/// empty) of a file whose module is `file`.
pub fn join(file: &str, inline: &str) -> String {
    match (file.is_empty(), inline.is_empty()) {
        (_, true) => file.to_string(),
        (true, false) => inline.to_string(),
        (false, false) => format!("{file}::{inline}"),
    }
}

/// A Rust name without the module it is called through (`claim_next` for
/// `queue::claim_next`) or the type of the value a method is called on (`Queue.claim_next`,
/// see [`super::rust_methods`]); a type's function (`Queue::claim_next`) keeps its type.
pub fn unqualified(name: &str) -> &str {
    if let Some((_, method)) = super::rust_methods::split(name) {
        return method;
    }
    match name.rsplit_once("::") {
        Some((module, bare)) if is_module_qualifier(module) => bare,
        _ => name,
    }
}

/// The segments of a module path.
pub fn segments(module: &str) -> impl Iterator<Item = &str> {
    module.split("::").filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_path_names_its_module() {
        assert_eq!(file_module("src/ssh/mod.rs"), "ssh");
        assert_eq!(file_module("./src/admin.rs"), "admin");
        assert_eq!(
            file_module("crates/mail-store/src/backend/fs.rs"),
            "mail_store::backend::fs"
        );
        assert_eq!(file_module("/repo/app/src/main.rs"), "app");
        assert_eq!(
            file_module("src/bin/crates-io/admin/mod.rs"),
            "bin::crates_io::admin"
        );
        assert_eq!(file_module("build.rs"), "build");
        assert_eq!(file_module("tools/gen.rs"), "tools::gen");
        assert_eq!(file_module(""), "");
    }

    #[test]
    fn qualifiers_that_name_modules() {
        assert!(is_module_qualifier("ssh"));
        assert!(is_module_qualifier("background_worker"));
        assert!(is_module_qualifier("v2"));
        assert!(!is_module_qualifier("Store"));
        assert!(!is_module_qualifier("MAX"));
        assert!(!is_module_qualifier("crate"));
        assert!(!is_module_qualifier("super"));
        assert!(!is_module_qualifier("self"));
    }

    #[test]
    fn inline_modules_follow_the_file_module() {
        assert_eq!(join("jobs", "retry"), "jobs::retry");
        assert_eq!(join("", "retry"), "retry");
        assert_eq!(join("jobs", ""), "jobs");
        assert_eq!(segments("a::b").collect::<Vec<_>>(), ["a", "b"]);
    }
}
