//! The GitHub format: one workflow command per finding, which GitHub Actions turns into
//! an annotation on the file and line
//! (`::warning file=…,line=…,endLine=…,col=…,endColumn=…,title=…::message`).
//!
//! Escaping follows the actions toolkit (`packages/core/src/command.ts`): in the message,
//! `%`, CR and LF are percent-encoded; in property values also `:` and `,`.

use crate::catalogue::Severity;
use crate::finding::Finding;

/// Renders one workflow command per finding.
pub fn render(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            format!(
                "::{command} file={},line={},endLine={},col={},endColumn={},title={}::{}\n",
                escape_property(&f.path),
                f.start_line,
                f.end_line,
                f.start_column,
                f.end_column,
                escape_property(&format!("scaleout ({})", f.rule_id)),
                escape_data(&super::message_with_alternative(f)),
            )
        })
        .collect()
}

/// `escapeData` of the actions toolkit.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// `escapeProperty` of the actions toolkit.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_and_properties_are_escaped_like_the_actions_toolkit() {
        assert_eq!(escape_data("100%\r\nok: a,b"), "100%25%0D%0Aok: a,b");
        assert_eq!(escape_property("C:\\a,b%\n.js"), "C%3A\\a%2Cb%25%0A.js");
    }
}
