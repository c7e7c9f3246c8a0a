//! The human format: a miette report per finding, with the source excerpt, the
//! message, and the distributed alternative as help.

use super::indexed_source::IndexedSource;
use crate::catalogue::{Category, Severity};
use crate::finding::Finding;
use crate::position::LineIndex;
use crate::scan::FileError;
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// Whether to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    /// ANSI colours.
    Always,
    /// Plain text.
    Never,
}

struct Report<'a> {
    finding: &'a Finding,
    source: &'a IndexedSource,
    span: SourceSpan,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report")
            .field("finding", self.finding)
            .finish()
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message_with_reachability())
    }
}

impl std::error::Error for Report<'_> {}

impl Diagnostic for Report<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("scaleout::{}", self.finding.rule_id)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let trace = self.finding.reach_trace_text();
        if trace.is_empty() {
            Some(Box::new(&self.finding.alternative))
        } else {
            Some(Box::new(format!("{}\n{trace}", self.finding.alternative)))
        }
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let label = match self.finding.category {
            Category::LocalDiskWrite => "only this instance's disk sees this",
            Category::InProcessTimer => "runs separately on every instance",
            Category::CronLibrary => "fires on every instance",
            Category::InMemoryState => "lives in this process only",
            Category::Suppression => "this suppression needs a look",
        };
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(label.to_string()),
            self.span,
        ))))
    }
}

/// One file's text, indexed once for every finding in it.
struct Indexed {
    text: Arc<str>,
    lines: LineIndex,
    source: IndexedSource,
}

impl Indexed {
    fn new(path: &str, text: Arc<str>) -> Self {
        Indexed {
            lines: LineIndex::new(&text),
            source: IndexedSource::new(path, text.clone()),
            text,
        }
    }
}

/// Renders every finding with an excerpt of `sources[path]`.
pub fn render(findings: &[Finding], sources: &BTreeMap<String, Arc<str>>, color: Color) -> String {
    let theme = match color {
        Color::Always => GraphicalTheme::unicode(),
        Color::Never => GraphicalTheme::unicode_nocolor(),
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut files: BTreeMap<&str, Indexed> = BTreeMap::new();
    let mut out = String::new();
    for finding in findings {
        let snippet;
        let file = match sources.get(&finding.path) {
            Some(text) => files
                .entry(finding.path.as_str())
                .or_insert_with(|| Indexed::new(&finding.path, text.clone())),
            None => {
                snippet = Indexed::new(&finding.path, Arc::from(finding.snippet.as_str()));
                &snippet
            }
        };
        let (text, index) = (&file.text, &file.lines);
        let start = index.offset_of(text, finding.start_line, finding.start_column - 1);
        // A multi-line call is labelled on its first line only; the excerpt stays short.
        let end = if finding.end_line == finding.start_line {
            index.offset_of(text, finding.end_line, finding.end_column - 1)
        } else {
            let line = index.line_text(text, finding.start_line);
            index.offset_of(text, finding.start_line, 0) + line.trim_end().len()
        };
        let report = Report {
            finding,
            source: &file.source,
            span: SourceSpan::from((start, end.saturating_sub(start))),
        };
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&super::concise::render(std::slice::from_ref(finding)));
        }
        out.push('\n');
    }
    out
}

/// One line per file error, for stderr.
pub fn render_errors(errors: &[FileError]) -> String {
    errors
        .iter()
        .map(|e| format!("warning: {}: {}\n", e.path, e.message))
        .collect()
}
