//! Small helpers shared by the tree-sitter frontends.

use super::SyntaxError;
use std::cell::Cell;
use std::ops::ControlFlow;
use std::time::Instant;
use tree_sitter::{Language, Node, ParseOptions, ParseState, Parser, Tree};

thread_local! {
    /// When the file being linted on this thread runs out of parse time. It is set
    /// around a whole frontend run by [`with_deadline`], so every parse of one file
    /// (retries with another grammar included) shares one budget without each frontend
    /// passing it along.
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    /// Whether a parse was cancelled because the deadline passed.
    static EXPIRED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with parsing on this thread cancelled after `deadline`; also says whether
/// a parse was cancelled.
pub fn with_deadline<T>(deadline: Instant, f: impl FnOnce() -> T) -> (T, bool) {
    let outer = DEADLINE.replace(Some(deadline));
    let outer_expired = EXPIRED.replace(false);
    let value = f();
    DEADLINE.set(outer);
    (value, EXPIRED.replace(outer_expired))
}

/// Parses `text` with `language`. `None` if the grammar's ABI does not match the
/// tree-sitter core (a build problem, covered by a unit test) or the file's parse time
/// ran out (see [`with_deadline`]).
pub fn parse(language: &Language, text: &str) -> Option<Tree> {
    let mut parser = Parser::new();
    parser.set_language(language).ok()?;
    let Some(deadline) = DEADLINE.get() else {
        return parser.parse(text, None);
    };
    let mut check = |_: &ParseState| {
        if Instant::now() >= deadline {
            EXPIRED.set(true);
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let options = ParseOptions::new().progress_callback(&mut check);
    let bytes = text.as_bytes();
    let mut read = |i: usize, _| bytes.get(i..).unwrap_or_default();
    parser.parse_with_options(&mut read, None, Some(options))
}

/// The source text of `node`.
pub fn text<'s>(node: Node<'_>, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

/// The first `ERROR` node in document order, if any. `MISSING` nodes (a token the
/// parser inserted to recover, such as the `!` tree-sitter-typescript invents after
/// `styled.div<Props>`) leave a complete tree and are not reported.
pub fn first_syntax_error(tree: &Tree) -> Option<SyntaxError> {
    let root = tree.root_node();
    if !root.has_error() {
        return None;
    }
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if node.is_error() {
            return Some(SyntaxError {
                offset: node.start_byte(),
                message: "syntax error".to_string(),
            });
        }
        // Descend only into subtrees that contain an error.
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return None;
            }
        }
    }
}
