//! Calls a file makes only in a branch that a condition chooses (`if (settings.Redis.Enabled)
//! services.AddSignalR().AddStackExchangeRedis(..)`): a mitigation made only so is optional,
//! a deployment that leaves the setting off runs without it.

use crate::frontend::flat::Node;
use crate::frontend::tree::{Fields, Kind};
use std::collections::{BTreeMap, BTreeSet};

/// The byte range of the conditional statement (a whole `if` .. `else if` .. `else` chain, a
/// `switch`) whose branches the settings choose: a mitigation in one of its branches
/// goes with the code of every branch, since the code says which one each setting takes
/// (`if (redisUrl) store = new RedisStore(..) else store = new MemoryStore()`).
pub(crate) type Branch = (usize, usize);

/// The branch range of an `if` statement: its whole `else if` chain, from the first `if`
/// (C# nests the next `if` as the `alternative`, JavaScript inside an `else_clause`).
pub(crate) fn if_chain(node: Node<'_>) -> Branch {
    let mut head = node;
    while let Some(mut parent) = head.parent() {
        let mut alternative = head;
        if parent.kind_str() == "else_clause" {
            alternative = parent;
            match parent.parent() {
                Some(grand) => parent = grand,
                None => break,
            }
        }
        if parent.kind_str() != "if_statement" || parent.field("alternative") != Some(alternative) {
            break;
        }
        head = parent;
    }
    (head.start_byte(), head.end_byte())
}

/// Whether a C# node sits in a branch its settings choose (an `if` branch or a `switch`
/// section under a condition that is not a check of the environment's name), within its
/// method.
pub(crate) fn in_settings_branch(node: Node<'_>, src: &str) -> bool {
    let mut child = node;
    while let Some(parent) = child.parent() {
        let condition = match parent.kind_str() {
            "if_statement" => parent.field("condition").filter(|c| *c != child),
            "switch_section" => parent
                .parent()
                .and_then(|body| body.parent())
                .and_then(|switch| switch.field("value")),
            "method_declaration"
            | "constructor_declaration"
            | "local_function_statement"
            | "class_declaration"
            | "compilation_unit" => return false,
            _ => None,
        };
        if condition.is_some_and(|c| chosen_by_settings(crate::frontend::tree::text(c, src))) {
            return true;
        }
        child = parent;
    }
    false
}

/// The calls seen inside and outside conditional branches while a file is walked.
#[derive(Debug, Default)]
pub(crate) struct BranchCalls {
    optional: BTreeMap<String, Vec<Branch>>,
    certain: BTreeSet<String>,
}

impl BranchCalls {
    /// Notes a call target with the innermost branch its settings choose around it, if any.
    pub(crate) fn note(&mut self, target: &str, branch: Option<Branch>) {
        match branch {
            Some(branch) => {
                let branches = self.optional.entry(target.to_string()).or_default();
                if !branches.contains(&branch) {
                    branches.push(branch);
                }
            }
            None => {
                if !self.certain.contains(target) {
                    self.certain.insert(target.to_string());
                }
            }
        }
    }

    /// The targets called only inside conditional branches, with those branches.
    pub(crate) fn only_optional(self) -> BTreeMap<String, Vec<Branch>> {
        let BranchCalls {
            mut optional,
            certain,
        } = self;
        optional.retain(|target, _| !certain.contains(target));
        optional
    }
}

/// Whether a branch under `condition` is one a deployment chooses by its settings: any
/// condition but a check of the environment's name (`env.IsDevelopment()`,
/// `process.env.NODE_ENV === 'production'`), whose production branch every deployment takes.
pub(crate) fn chosen_by_settings(condition: &str) -> bool {
    let squashed: String = condition
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    !ENVIRONMENT_CHECKS.iter().any(|w| squashed.contains(w))
}

/// Words (lower case, letters and digits only) of a condition on the environment's name.
const ENVIRONMENT_CHECKS: &[&str] = &[
    "isdevelopment",
    "isproduction",
    "isstaging",
    "isenvironment",
    "environmentname",
    "aspnetcoreenvironment",
    "nodeenv",
    "appenv",
    "isdev",
    "isprod",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_also_made_outside_a_branch_is_certain() {
        let mut calls = BranchCalls::default();
        calls.note("AddStackExchangeRedis", Some((10, 40)));
        calls.note("UseRedis", Some((10, 40)));
        calls.note("UseRedis", None);
        let only: Vec<_> = calls.only_optional().into_iter().collect();
        assert_eq!(
            only,
            [("AddStackExchangeRedis".to_string(), vec![(10, 40)])]
        );
    }

    #[test]
    fn environment_checks_are_not_settings() {
        assert!(chosen_by_settings("(settings.RedisEnabled)"));
        assert!(chosen_by_settings("(!string.IsNullOrEmpty(redis))"));
        assert!(!chosen_by_settings("(app.Environment.IsDevelopment())"));
        assert!(!chosen_by_settings(
            "(process.env.NODE_ENV === 'production')"
        ));
    }
}
