//! The JSON format, schema version 1 (documented in README.md).

use super::Summary;
use crate::finding::Finding;
use crate::scan::FileError;
use serde::Serialize;

/// The version of the JSON shape; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    tool: Tool,
    findings: &'a [Finding],
    /// Only with `--show-suppressed`: findings a suppression silenced, with its reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<&'a [Finding]>,
    errors: &'a [FileError],
    summary: Summary,
}

/// Renders the whole report as one pretty-printed JSON document; `suppressed` is listed
/// when given.
pub fn render(
    findings: &[Finding],
    suppressed: Option<&[Finding]>,
    errors: &[FileError],
    files_scanned: usize,
) -> String {
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "scaleout",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings,
        suppressed,
        errors,
        summary: Summary::new(findings, files_scanned),
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}
