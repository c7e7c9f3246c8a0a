//! Lints one in-memory document: guards, frontend, matcher, findings.
//!
//! This is the entry point the CLI and an editor integration share; it never
//! touches the disk.

use crate::catalogue::Catalogue;
use crate::event::Context;
use crate::finding::{normalize_source, Finding};
use crate::frontend::{self, FrontendOptions, Language};
use crate::matcher::Matcher;
use crate::position::LineIndex;

/// Files with a line longer than this are treated as minified or generated.
const MAX_LINE_LEN: usize = 1_000;
/// Files nested deeper than this are refused rather than risking the parser's stack.
const MAX_NESTING: usize = 500;

/// One document to lint.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// The path shown in findings (relative, `/`-separated); also decides test context.
    pub path: &'a str,
    /// The full text.
    pub text: &'a str,
    /// The language to parse it as.
    pub language: Language,
    /// Settings the text cannot tell (C# implicit usings, JSX).
    pub options: FrontendOptions,
}

/// What became of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Linted. `warning` is set when parsing hit a syntax error; for tree-sitter
    /// languages the findings then cover the parts that parsed.
    Linted {
        /// The findings, in source order.
        findings: Vec<Finding>,
        /// A problem worth telling the user about (a syntax error).
        warning: Option<String>,
    },
    /// Not linted on purpose (minified or generated code).
    Skipped(String),
    /// Could not be linted.
    Failed(String),
}

/// The rule catalogue, indexed for matching.
#[derive(Debug)]
pub struct Engine {
    matcher: Matcher,
}

impl Engine {
    /// An engine over `catalogue`.
    pub fn new(catalogue: &Catalogue) -> Self {
        Engine {
            matcher: Matcher::new(catalogue),
        }
    }

    /// Lints one document. Never panics on any input.
    pub fn lint(&self, doc: &Document<'_>) -> Outcome {
        if let Some(reason) = skip_reason(doc) {
            return Outcome::Skipped(reason);
        }
        let depth = nesting_depth(doc.text);
        if depth > MAX_NESTING {
            return Outcome::Failed(format!(
                "nesting too deep to analyse ({depth} levels, limit {MAX_NESTING})"
            ));
        }
        let run = std::panic::catch_unwind(|| self.lint_parsed(doc));
        run.unwrap_or_else(|_| {
            Outcome::Failed("internal error while analysing this file (please report it)".into())
        })
    }

    fn lint_parsed(&self, doc: &Document<'_>) -> Outcome {
        let mut extracted = frontend::extract(doc.language, doc.text, &doc.options);
        let index = LineIndex::new(doc.text);
        let warning = extracted.syntax_error.as_ref().map(|e| {
            let (line, col) = index.line_col(doc.text, e.offset);
            if doc.language == Language::Rust {
                format!("could not parse: {} at {line}:{col}", e.message)
            } else {
                format!(
                    "{} at {line}:{col}; findings for the parts that parsed are still reported",
                    e.message
                )
            }
        });
        if doc.language == Language::Rust && warning.is_some() {
            return Outcome::Failed(warning.unwrap_or_default());
        }
        if is_test_path(doc.path) {
            extracted.facts.file_context.insert(Context::Test);
        }
        let facts = &extracted.facts;
        let findings = self
            .matcher
            .run(doc.language, facts)
            .into_iter()
            .filter(|m| {
                !m.event.context.contains(&Context::Test)
                    && !facts.file_context.contains(&Context::Test)
            })
            .map(|m| {
                let span = m.event.span.clone();
                let (start_line, start_column) = index.line_col(doc.text, span.start);
                let (end_line, end_column) = index.line_col(doc.text, span.end);
                Finding {
                    rule_id: m.rule.id.clone(),
                    category: m.rule.category,
                    severity: m.rule.severity,
                    message: m.rule.message.replace("{target}", m.target),
                    alternative: m.rule.alternative.clone(),
                    path: doc.path.to_string(),
                    start_line,
                    start_column,
                    end_line,
                    end_column,
                    snippet: index.line_text(doc.text, start_line).trim().to_string(),
                    fingerprint: String::new(),
                    normalized_source: normalize_source(doc.text.get(span).unwrap_or("")),
                }
            })
            .collect();
        Outcome::Linted { findings, warning }
    }
}

/// Test code: test directories and test file names. Frontends add in-file markers
/// (`#[cfg(test)]`, `[Fact]`, test-framework imports).
fn is_test_path(path: &str) -> bool {
    let mut parts = path.split('/').rev();
    let file = parts.next().unwrap_or("");
    let dirs = [
        "test",
        "tests",
        "__tests__",
        "__mocks__",
        "spec",
        "specs",
        "e2e",
    ];
    let stem = file.split('.').next().unwrap_or("");
    parts.any(|d| dirs.contains(&d) || d.ends_with(".Tests") || d.ends_with(".UnitTests"))
        || file.contains(".test.")
        || file.contains(".spec.")
        || file.ends_with("_test.rs")
        || (file.ends_with(".cs") && (stem.ends_with("Tests") || stem.ends_with("Test")))
}

fn skip_reason(doc: &Document<'_>) -> Option<String> {
    let name = doc.path.rsplit('/').next().unwrap_or(doc.path);
    if name.ends_with(".min.js") || name.ends_with(".min.mjs") || name.ends_with(".min.cjs") {
        return Some("minified file".into());
    }
    if name.ends_with(".g.cs") || name.ends_with(".Designer.cs") || name.ends_with(".g.i.cs") {
        return Some("generated file".into());
    }
    let first = doc.text.lines().next().unwrap_or("");
    if first.len() > MAX_LINE_LEN {
        return Some(format!(
            "minified or generated file (first line longer than {MAX_LINE_LEN} characters)"
        ));
    }
    let head: String = doc.text.lines().take(10).collect::<Vec<_>>().join("\n");
    if doc.language == Language::CSharp && head.contains("<auto-generated") {
        return Some("generated file (<auto-generated> header)".into());
    }
    None
}

/// The deepest bracket nesting, counted roughly (strings and comments are not excluded).
fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for b in text.bytes() {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_test_paths() {
        assert!(is_test_path("src/__tests__/upload.js"));
        assert!(is_test_path("api/upload.test.ts"));
        assert!(is_test_path("tests/it.rs"));
        assert!(is_test_path("Shop.Tests/UploadTests.cs"));
        assert!(is_test_path("src/store_test.rs"));
        assert!(!is_test_path("src/upload.js"));
        assert!(!is_test_path("fixtures/rust/latest.rs"));
        assert!(!is_test_path("src/Contest.cs"));
    }
}
