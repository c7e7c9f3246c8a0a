//! LSP positions: 0-based lines and characters counted in UTF-16 code units.
//!
//! Findings carry 1-based lines and columns in Unicode scalar values, and edits arrive
//! as UTF-16 positions; this module converts both ways, clamping out-of-range positions
//! as the specification asks (a character past the end of a line means its end).

use crate::position::LineIndex;
use lsp_types::Position;

/// The LSP position of a 1-based line and 1-based column counted in characters.
pub fn position(index: &LineIndex, text: &str, line: usize, column: usize) -> Position {
    let units: usize = index
        .line_text(text, line)
        .chars()
        .take(column.saturating_sub(1))
        .map(char::len_utf16)
        .sum();
    Position::new(to_u32(line.saturating_sub(1)), to_u32(units))
}

/// The byte offset in `text` of an LSP position. A line past the end gives the end of the
/// text; a character past the end of its line gives the end of the line; a position inside
/// a surrogate pair gives the start of that character.
pub fn offset(index: &LineIndex, text: &str, position: Position) -> usize {
    let line = position.line as usize + 1;
    let start = index.offset_of(text, line, 0);
    if start >= text.len() {
        return text.len();
    }
    let wanted = position.character as usize;
    let mut units = 0;
    for (i, c) in index.line_text(text, line).char_indices() {
        units += c.len_utf16();
        if units > wanted {
            return start + i;
        }
    }
    start + index.line_text(text, line).len()
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_utf16_code_units() {
        // 'é' is one unit, '😀' two; the finding starts at the 'f' of 'fs'.
        let text = "const s = 'é😀'; fs.x();\r\nnext\n";
        let index = LineIndex::new(text);
        let col = text
            .find("fs")
            .map(|b| text[..b].chars().count() + 1)
            .unwrap();
        let pos = position(&index, text, 1, col);
        assert_eq!(pos, Position::new(0, 17));
        assert_eq!(offset(&index, text, pos), text.find("fs").unwrap());
        assert_eq!(
            offset(&index, text, Position::new(0, 12)),
            text.find('😀').unwrap()
        );
        assert_eq!(
            offset(&index, text, Position::new(0, 99)),
            text.find('\r').unwrap()
        );
        assert_eq!(
            offset(&index, text, Position::new(1, 2)),
            text.find("xt").unwrap()
        );
        assert_eq!(offset(&index, text, Position::new(2, 0)), text.len());
        assert_eq!(offset(&index, text, Position::new(7, 3)), text.len());
        assert_eq!(position(&index, text, 2, 9), Position::new(1, 4));
    }
}
