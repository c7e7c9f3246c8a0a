//! The concise format: one line per finding, `path:line:col: severity [rule] message`,
//! the shape compilers and grep-based tools understand.

use crate::finding::Finding;

/// Renders one line per finding.
pub fn render(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            format!(
                "{}:{}:{}: {} [{}] {}\n",
                f.path,
                f.start_line,
                f.start_column,
                f.severity.name(),
                f.rule_id,
                f.message_with_reachability()
            )
        })
        .collect()
}
