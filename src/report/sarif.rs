//! The SARIF format: one SARIF 2.1.0 log (OASIS "Static Analysis Results Interchange
//! Format Version 2.1.0", errata 01) with one run, as GitHub code scanning and other
//! SARIF consumers read it.
//!
//! Every rule of the catalogue is listed in `tool.driver.rules` (so a dashboard can show
//! rules without findings); results point at their rule by `ruleId` and `ruleIndex`. Paths
//! are relative to `%SRCROOT%` (the directory scaleout ran in). Columns count Unicode
//! scalar values (`columnKind: unicodeCodePoints`). Suppressed findings are always
//! included, each with a `suppressions` entry, because code scanning shows them as
//! dismissed rather than forgetting them.

use super::links;
use crate::catalogue::{Catalogue, Rule, Severity};
use crate::finding::{Finding, SuppressionKind};
use crate::scan::FileError;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
/// The key of our fingerprint in `partialFingerprints`; versioned like the fingerprint.
const FINGERPRINT_KEY: &str = "scaleout/v1";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    invocations: [Invocation; 1],
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: String,
    short_description: Message,
    full_description: Message,
    help: Message,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: Properties,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Properties {
    tags: Vec<String>,
}

#[derive(Serialize)]
struct Message {
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    markdown: Option<String>,
}

impl Message {
    fn text(text: impl Into<String>) -> Self {
        Message {
            text: text.into(),
            markdown: None,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: [Location; 1],
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct SarifSuppression {
    kind: SuppressionKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<String>,
}

/// Renders one SARIF log. `findings` are reported, `suppressed` were silenced (each has
/// `suppression` set); `root` is the directory relative paths are relative to.
pub fn render(
    findings: &[Finding],
    suppressed: &[Finding],
    errors: &[FileError],
    catalogue: &Catalogue,
    root: &Path,
) -> String {
    let rules: Vec<&Rule> = catalogue.rules().collect();
    let index: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let mut all: Vec<Finding> = findings.iter().chain(suppressed).cloned().collect();
    crate::finding::sort(&mut all);
    let results = all
        .iter()
        .filter_map(|f| Some(result(f, *index.get(f.rule_id.as_str())?)))
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "scaleout",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: links::HOMEPAGE,
                    rules: rules.into_iter().map(descriptor).collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: true,
                tool_execution_notifications: errors.iter().map(notification).collect(),
            }],
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                ArtifactLocation {
                    uri: links::directory_uri(root),
                    uri_base_id: None,
                },
            )]),
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    let doc = super::rule_doc::explain(rule);
    let mut tags = vec![rule.category.name().to_string()];
    tags.extend(rule.languages.iter().map(|l| l.name().to_string()));
    ReportingDescriptor {
        id: rule.id.clone(),
        short_description: Message::text(&rule.summary),
        full_description: Message::text(rule.docs.what.trim()),
        help: Message {
            text: doc.clone(),
            markdown: Some(doc),
        },
        help_uri: links::rule_doc_url(rule),
        default_configuration: Configuration {
            level: level(rule.severity),
        },
        properties: Properties { tags },
    }
}

fn artifact(path: &str) -> ArtifactLocation {
    if path.starts_with('/') {
        ArtifactLocation {
            uri: format!("file://{}", links::encode_path(path)),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: links::encode_path(path),
            uri_base_id: Some(SRCROOT),
        }
    }
}

fn result(f: &Finding, rule_index: usize) -> SarifResult {
    SarifResult {
        rule_id: f.rule_id.clone(),
        rule_index,
        level: level(f.severity),
        message: Message::text(super::message_with_alternative(f)),
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: artifact(&f.path),
                region: Some(Region {
                    start_line: f.start_line,
                    start_column: f.start_column,
                    end_line: f.end_line,
                    end_column: f.end_column,
                }),
            },
        }],
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, f.fingerprint.clone())]),
        suppressions: f
            .suppression
            .iter()
            .map(|s| SarifSuppression {
                kind: s.kind,
                justification: s.reason.clone(),
            })
            .collect(),
    }
}

fn notification(e: &FileError) -> Notification {
    Notification {
        level: "warning",
        message: Message::text(&e.message),
        // A walk error (an unreadable directory entry) may have no path.
        locations: if e.path.is_empty() {
            Vec::new()
        } else {
            vec![Location {
                physical_location: PhysicalLocation {
                    artifact_location: artifact(&e.path),
                    region: None,
                },
            }]
        },
    }
}
