//! Work claimed in another file: a polling loop or timer whose body calls a function of
//! another file that claims each piece of work for one instance (rows locked with
//! `FOR UPDATE SKIP LOCKED`, a Postgres advisory lock, a Redis consumer group) is a
//! competing consumer, not a job every instance repeats.
//!
//! Each frontend marks the definitions whose own code names a way of claiming
//! ([`Definition::claims`]: the words of the coordinating kinds of
//! [`crate::work`]); a recurring body lists the functions of other files it calls
//! ([`crate::work::Work::callees`]), and its finding carries one [`registration`] per callee
//! ([`crate::matcher::Match::quiet_if_any`]). [`registrations`] gives the names that claim:
//! a definition claims when its own code does, or when it mentions a name that claims (one
//! call further: `build_next()` calls `queue.process_next()`, whose query skips locked
//! rows). Only names of two words or more count (`process_next_job`, `claimBatch`; an
//! `Async` suffix is no word): a one-word name (`run`, `process`, `tick`, `ExecuteAsync`) is shared by too many unrelated functions for a
//! name-based call graph to tell which one the loop calls.

use super::{rust_modules, FileModel, FileRole};
use crate::frontend::Language;
use crate::reach::words::split_words;
use std::collections::{BTreeSet, HashSet};

/// The registration a project supplies when a function of this name claims its work.
pub fn registration(name: &str) -> String {
    format!("claims:{name}")
}

/// The registrations of every name of the project whose function claims its work, directly
/// or through one call of another such function. Linear in definitions and references.
pub fn registrations(models: &[FileModel]) -> BTreeSet<String> {
    // Test code's queries claim nothing in production.
    let definitions = || {
        models
            .iter()
            .filter(|m| m.role != FileRole::Test)
            .flat_map(|m| {
                let rust = m.language == Some(Language::Rust);
                m.definitions.iter().map(move |d| (rust, d))
            })
    };
    let specific = |name: &str| {
        // `ExecuteAsync` is one word, `execute`: a hosted service's loop and Dapper's
        // `conn.ExecuteAsync(..)` share it.
        let plain = name
            .strip_suffix("Async")
            .or_else(|| name.strip_suffix("_async"))
            .unwrap_or(name);
        !plain.is_empty() && split_words(plain).len() >= 2
    };
    let direct: HashSet<&str> = definitions()
        .filter(|(_, d)| d.claims && specific(&d.name))
        .map(|(_, d)| d.name.as_str())
        .collect();
    if direct.is_empty() {
        return BTreeSet::new();
    }
    definitions()
        .filter(|(_, d)| specific(&d.name))
        .filter(|&(rust, d)| {
            direct.contains(d.name.as_str())
                || d.refs.iter().any(|r| {
                    // A Rust call through a module (`queue::claim_next`) names the function.
                    let r = if rust {
                        rust_modules::unqualified(r)
                    } else {
                        r
                    };
                    r != d.name && direct.contains(r)
                })
        })
        .map(|(_, d)| registration(&d.name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Definition;
    use crate::frontend::Language;

    fn def(name: &str, claims: bool, refs: &[&str]) -> Definition {
        Definition {
            name: name.to_string(),
            claims,
            refs: refs.iter().map(|r| r.to_string()).collect(),
            ..Definition::default()
        }
    }

    fn model(definitions: Vec<Definition>) -> FileModel {
        FileModel::new(Language::Rust, "src/lib.rs", FileRole::Server, definitions)
    }

    #[test]
    fn a_claim_counts_for_its_function_and_one_caller() {
        let models = [
            model(vec![def("process_next_job", true, &[])]),
            model(vec![
                def("build_next_job", false, &["process_next_job"]),
                def("report_stats", false, &["build_next_job"]),
            ]),
        ];
        let got = registrations(&models);
        assert!(got.contains("claims:process_next_job"));
        assert!(got.contains("claims:build_next_job"));
        // Two calls away: too far to trust a name-based graph.
        assert!(!got.contains("claims:report_stats"));
    }

    #[test]
    fn one_word_names_never_claim() {
        let models = [model(vec![
            def("process", true, &[]),
            def("run", false, &["process"]),
            // A hosted service's loop shares its name with Dapper's `conn.ExecuteAsync`.
            def("ExecuteAsync", true, &[]),
        ])];
        assert!(registrations(&models).is_empty());
    }
}
