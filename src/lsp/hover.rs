//! Hover on a flagged range: the rule's documentation as Markdown.

use super::diagnostics::Flagged;
use crate::catalogue::{Catalogue, Rule};
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position, Range};

/// Whether `position` lies in `range` (both ends included, so the cursor just after a
/// flagged call still shows its documentation).
pub fn contains(range: &Range, position: Position) -> bool {
    range.start <= position && position <= range.end
}

/// The hover for `position`: every finding there, each with its rule's documentation.
pub fn hover(flagged: &[Flagged], position: Position, catalogue: &Catalogue) -> Option<Hover> {
    let here: Vec<&Flagged> = flagged
        .iter()
        .filter(|f| contains(&f.range, position))
        .collect();
    let first = here.first()?;
    let sections: Vec<String> = here
        .iter()
        .map(|f| match catalogue.get(&f.finding.rule_id) {
            Some(rule) => rule_markdown(rule),
            None => format!("**{}**\n\n{}", f.finding.rule_id, f.finding.message),
        })
        .collect();
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: sections.join("\n\n---\n\n"),
        }),
        range: Some(first.range),
    })
}

/// A rule's documentation: what it finds, why it breaks, what to use instead.
pub fn rule_markdown(rule: &Rule) -> String {
    let d = &rule.docs;
    format!(
        "**{id}** ({category}, {severity}): {summary}\n\n\
         #### What it finds\n\n{what}\n\n#### Why it breaks when scaled out\n\n{why}\n\n\
         #### Use instead\n\n{instead}\n\n#### When it is fine\n\n{fine}\n\n[Documentation]({uri})",
        id = rule.id,
        category = rule.category.name(),
        severity = rule.severity.name(),
        summary = rule.summary,
        what = d.what.trim(),
        why = d.why.trim(),
        instead = d.instead.trim(),
        fine = d.fine_when.trim(),
        uri = rule.help_uri(),
    )
}
