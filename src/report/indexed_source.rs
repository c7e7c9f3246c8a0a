//! A miette [`SourceCode`] that answers `read_span` from a precomputed line index,
//! so rendering a finding costs the size of its excerpt, not of the whole file.
//!
//! miette's own `str` source scans from the start of the text on every call, which
//! makes rendering many findings of one large file quadratic. [`IndexedSource`]
//! slices out the few lines around the span (starting at a line start, so miette's
//! scan of the slice sees the same bytes in the same state) and shifts the answer's
//! offsets and line numbers back to the whole file.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::sync::Arc;

/// One file's text with the line starts miette sees (after `\n`, `\r\n` and a lone `\r`).
#[derive(Debug)]
pub struct IndexedSource {
    name: String,
    text: Arc<str>,
    starts: Vec<usize>,
}

impl IndexedSource {
    /// Indexes `text`, reported under `name`.
    pub fn new(name: &str, text: Arc<str>) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends_line {
                starts.push(i + 1);
            }
        }
        IndexedSource {
            name: name.to_string(),
            text,
            starts,
        }
    }

    /// 0-based index of the line holding byte `offset` (the last line past the end).
    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }
}

impl SourceCode for IndexedSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let bytes = self.text.as_bytes();
        let first = self
            .line_of(span.offset())
            .saturating_sub(context_lines_before + 1);
        let last = self.line_of(span.offset() + span.len()) + context_lines_after + 3;
        let from = self.starts[first];
        let to = self.starts.get(last).copied().unwrap_or(bytes.len());
        let local = SourceSpan::from((span.offset() - from, span.len()));
        let inner = bytes[from..to].read_span(&local, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::from((inner.span().offset() + from, inner.span().len())),
            inner.line() + first,
            inner.column(),
            inner.line_count() + first,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asserts that the indexed answer equals miette's whole-text scan for `span`.
    fn assert_same(text: &str, span: (usize, usize), before: usize, after: usize) {
        let indexed = IndexedSource::new("f", Arc::from(text));
        let span = SourceSpan::from(span);
        let fast = indexed.read_span(&span, before, after);
        let slow = text.read_span(&span, before, after);
        match (fast, slow) {
            (Ok(fast), Ok(slow)) => {
                assert_eq!(fast.data(), slow.data(), "data for {span:?}");
                assert_eq!(fast.span(), slow.span(), "span for {span:?}");
                assert_eq!(fast.line(), slow.line(), "line for {span:?}");
                assert_eq!(fast.column(), slow.column(), "column for {span:?}");
                assert_eq!(fast.line_count(), slow.line_count(), "count for {span:?}");
                assert_eq!(fast.name(), Some("f"));
            }
            (Err(_), Err(_)) => {}
            (fast, slow) => panic!(
                "{span:?}: indexed ok={} whole ok={}",
                fast.is_ok(),
                slow.is_ok()
            ),
        };
    }

    fn big(newline: &str) -> String {
        (0..5000)
            .map(|i| format!("const v{i} = {i};{newline}"))
            .collect()
    }

    #[test]
    fn reports_real_lines_near_the_end_of_a_large_text() {
        let text = big("\n");
        let at = text.find("const v4990 ").unwrap();
        let indexed = IndexedSource::new("big.js", Arc::from(text.as_str()));
        let contents = indexed.read_span(&(at, 5).into(), 1, 1).unwrap();
        assert_eq!(contents.line(), 4989);
        assert_eq!(
            std::str::from_utf8(contents.data()).unwrap(),
            "const v4989 = 4989;\nconst v4990 = 4990;\nconst v4991 = 4991;\n"
        );
        assert_eq!(contents.span().offset(), text.find("const v4989 ").unwrap());
        assert_eq!(contents.name(), Some("big.js"));
        for context in [0, 1, 2] {
            assert_same(&text, (at, 5), context, context);
            assert_same(&text, (at, 0), context, context);
            assert_same(&text, (at, 60), context, context);
        }
    }

    #[test]
    fn matches_a_whole_text_scan_on_crlf_and_lone_cr_text() {
        for text in [big("\r\n"), big("\r"), format!("{}\r\nlast", big("\r\n"))] {
            for line in [0, 1, 2500, 4998, 4999] {
                let at = text.find(&format!("const v{line} ")).unwrap();
                for (start, len) in [(at, 0), (at, 5), (at + 17, 4), (at + 18, 1)] {
                    for context in [0, 1, 3] {
                        assert_same(&text, (start, len), context, context);
                    }
                }
            }
        }
    }

    #[test]
    fn matches_a_whole_text_scan_at_the_very_end() {
        for text in [
            big("\n"),
            big("\r\n"),
            format!("{}tail", big("\n")),
            String::new(),
        ] {
            let len = text.len();
            for (start, span_len) in [(len, 0), (len.saturating_sub(1), 1), (len, 3), (len + 2, 0)]
            {
                for context in [0, 1, 2] {
                    assert_same(&text, (start, span_len), context, context);
                }
            }
        }
    }
}
