//! Small helpers shared by the tree-sitter frontends.

use super::SyntaxError;
use tree_sitter::{Language, Node, Parser, Tree};

/// Parses `text` with `language`. `None` only if the grammar's ABI does not match
/// the tree-sitter core (a build problem, covered by a unit test) or parsing was cancelled.
pub fn parse(language: &Language, text: &str) -> Option<Tree> {
    let mut parser = Parser::new();
    parser.set_language(language).ok()?;
    parser.parse(text, None)
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
