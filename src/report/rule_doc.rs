//! A rule's documentation as Markdown: what `scaleout explain` prints, the pages in
//! `docs/rules/`, and SARIF's `help`.

use crate::catalogue::Rule;

/// The rule's languages, comma-separated.
pub fn languages(rule: &Rule) -> String {
    let names: Vec<&str> = rule.languages.iter().map(|l| l.name()).collect();
    names.join(", ")
}

/// The whole documentation: summary, category, severity, languages and every section.
pub fn explain(rule: &Rule) -> String {
    let d = &rule.docs;
    format!(
        "# {id}\n\n{summary}\n\nCategory: {cat} · Severity: {sev} · Languages: {langs}\n\n\
         ## What it finds\n\n{what}\n\n## Why it breaks when scaled out\n\n{why}\n\n\
         ## Example\n\n{example}\n\n## Use instead\n\n{instead}\n\n## When it is fine\n\n{fine}\n",
        id = rule.id,
        summary = rule.summary,
        cat = rule.category.name(),
        sev = rule.severity.name(),
        langs = languages(rule),
        what = d.what.trim(),
        why = d.why.trim(),
        example = d.example.trim(),
        instead = d.instead.trim(),
        fine = d.fine_when.trim(),
    )
}
