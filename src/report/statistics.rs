//! `--statistics`: how many findings each rule and each category produced, most first
//! (the shape of ruff's and flake8's `--statistics`: count, then the code).

use crate::finding::Finding;
use std::collections::BTreeMap;

/// Two tables, per rule (with its category) and per category; empty without findings.
pub fn render(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return String::new();
    }
    let mut by_rule: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut by_category: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings {
        *by_rule.entry((&f.rule_id, f.category.name())).or_default() += 1;
        *by_category.entry(f.category.name()).or_default() += 1;
    }
    let width = findings.len().to_string().len();
    let rule_width = by_rule.keys().map(|(r, _)| r.len()).max().unwrap_or(0);
    let mut out = String::from("findings per rule:\n");
    for ((rule, category), n) in most_first(by_rule) {
        out.push_str(&format!("{n:>width$}  {rule:<rule_width$}  {category}\n"));
    }
    out.push_str("findings per category:\n");
    for (category, n) in most_first(by_category) {
        out.push_str(&format!("{n:>width$}  {category}\n"));
    }
    out
}

/// Entries sorted by count, descending, then by key.
fn most_first<K: Ord>(counts: BTreeMap<K, usize>) -> Vec<(K, usize)> {
    let mut entries: Vec<(K, usize)> = counts.into_iter().collect();
    // Stable: equal counts keep the map's key order.
    entries.sort_by_key(|e| std::cmp::Reverse(e.1));
    entries
}
