//! Converts between the position units of each layer in one place.
//!
//! Events carry byte ranges. tree-sitter reports bytes, proc-macro2 reports
//! 1-based lines with 0-based *character* columns, and users (JSON, human output)
//! see 1-based lines and 1-based columns counted in Unicode scalar values.

/// Line starts of one source text, for offset/line/column conversions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    /// Offsets inside a multi-byte character or past the end are clamped.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let col = text[self.starts[line]..offset].chars().count() + 1;
        (line + 1, col)
    }

    /// Byte offset of a 1-based line and 0-based character column (proc-macro2's
    /// `LineColumn`). Out-of-range positions are clamped to the end of the line or text.
    pub fn offset_of(&self, text: &str, line: usize, char_col: usize) -> usize {
        let line0 = line.saturating_sub(1);
        let Some(&start) = self.starts.get(line0) else {
            return text.len();
        };
        let end = self.line_end(text, line0);
        text[start..end]
            .char_indices()
            .nth(char_col)
            .map_or(end, |(i, _)| start + i)
    }

    /// The text of the 1-based line, without its line terminator.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let line0 = line.saturating_sub(1);
        match self.starts.get(line0) {
            Some(&start) => text[start..self.line_end(text, line0)].trim_end_matches('\r'),
            None => "",
        }
    }

    fn line_end(&self, text: &str, line0: usize) -> usize {
        self.starts
            .get(line0 + 1)
            .map_or(text.len(), |&next| next - 1)
    }
}

/// `text` with every carriage return that is not followed by a line feed turned into
/// a line feed (same length, so byte offsets stay valid); borrowed when there is none.
pub fn lone_cr_as_lf(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let lone = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    if !(0..bytes.len()).any(lone) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let lone = c == '\r' && chars.peek() != Some(&'\n');
        out.push(if lone { '\n' } else { c });
    }
    std::borrow::Cow::Owned(out)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_offsets_with_multibyte_characters() {
        let text = "ab\né😀x\r\nlast";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 3), (2, 1));
        let x = text.find('x').unwrap();
        assert_eq!(idx.line_col(text, x), (2, 3));
        assert_eq!(idx.offset_of(text, 2, 2), x);
        assert_eq!(idx.line_text(text, 2), "é😀x");
        assert_eq!(idx.line_text(text, 3), "last");
        assert_eq!(idx.line_text(text, 9), "");
        assert_eq!(idx.offset_of(text, 9, 0), text.len());
        assert_eq!(idx.offset_of(text, 0, 0), 0);
        assert_eq!(idx.line_text(text, 0), "ab");
        assert_eq!(idx.line_col(text, text.len() + 5), (3, 5));
    }

    #[test]
    fn lone_carriage_returns_become_line_feeds() {
        assert!(matches!(
            lone_cr_as_lf("a\r\nb\n"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(lone_cr_as_lf("a\rb\r\nc\r"), "a\nb\r\nc\n");
        assert_eq!(lone_cr_as_lf("é\r😀"), "é\n😀");
    }
}
