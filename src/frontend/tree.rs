//! Small helpers shared by the tree-sitter frontends.

use super::flat::Node;
use super::reuse::{self, Parsed, TreeCache};
use super::SyntaxError;
use std::cell::{Cell, RefCell};
use std::ops::ControlFlow;
use std::time::Instant;
use tree_sitter::{Language, ParseOptions, ParseState, Parser, Tree};

thread_local! {
    /// When the file being linted on this thread runs out of parse time. It is set
    /// around a whole frontend run by [`with_deadline`], so every parse of one file
    /// (retries with another grammar included) shares one budget without each frontend
    /// passing it along.
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    /// Whether a parse was cancelled because the deadline passed.
    static EXPIRED: Cell<bool> = const { Cell::new(false) };
    /// The trees of the document's previous lint, when it keeps them (set like `DEADLINE`).
    static TREES: RefCell<Option<Vec<Parsed>>> = const { RefCell::new(None) };
}

/// Runs `f` with parsing on this thread cancelled after `deadline`, reusing and then
/// keeping the trees in `trees` if given; also says whether a parse was cancelled.
pub fn with_deadline<T>(
    deadline: Instant,
    trees: Option<&TreeCache>,
    f: impl FnOnce() -> T,
) -> (T, bool) {
    let outer = Outer {
        deadline: DEADLINE.replace(Some(deadline)),
        expired: EXPIRED.replace(false),
        trees: TREES.replace(trees.map(TreeCache::take)),
    };
    let value = f();
    let kept = TREES.take();
    let expired = EXPIRED.get();
    drop(outer);
    if let (Some(cache), Some(kept)) = (trees, kept) {
        cache.put(kept);
    }
    (value, expired)
}

/// What [`with_deadline`] replaced, put back when it ends (also by a panic in its `f`).
struct Outer {
    deadline: Option<Instant>,
    expired: bool,
    trees: Option<Vec<Parsed>>,
}

impl Drop for Outer {
    fn drop(&mut self) {
        DEADLINE.set(self.deadline);
        EXPIRED.set(self.expired);
        TREES.set(self.trees.take());
    }
}

/// Parses `text` with `language`, incrementally from the document's previous tree for
/// that grammar when it is kept (see [`with_deadline`]). `None` if the grammar's ABI does
/// not match the tree-sitter core (a build problem, covered by a unit test) or the file's
/// parse time ran out.
pub fn parse(language: &Language, text: &str) -> Option<Tree> {
    let previous = TREES.with_borrow_mut(|trees| {
        trees
            .as_mut()
            .and_then(|trees| reuse::previous(trees, language, text))
    });
    let tree = parse_from(language, text, previous.as_ref())?;
    TREES.with_borrow_mut(|trees| {
        if let Some(trees) = trees {
            reuse::keep(trees, text, &tree);
        }
    });
    Some(tree)
}

fn parse_from(language: &Language, text: &str, previous: Option<&Tree>) -> Option<Tree> {
    let mut parser = Parser::new();
    parser.set_language(language).ok()?;
    let Some(deadline) = DEADLINE.get() else {
        return parser.parse(text, previous);
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
    parser.parse_with_options(&mut read, previous, Some(options))
}

/// The named children of `node`, in order.
pub fn named_children<'t>(node: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    node.named_iter()
}

/// The ancestors of `node`, innermost first, up to and including `root` (its tree's root):
/// what calling `Node::parent` again and again gives.
pub fn ancestors<'t>(root: Node<'t>, node: Node<'t>) -> Vec<Node<'t>> {
    let mut path = Vec::new();
    if root == node {
        return path;
    }
    let mut cur = node.parent();
    while let Some(p) = cur {
        path.push(p);
        if p == root {
            break;
        }
        cur = p.parent();
    }
    path
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

/// Children by field name.
pub trait Fields<'t> {
    /// The child in field `name`.
    fn field(&self, name: &'static str) -> Option<Node<'t>>;
}

impl<'t> Fields<'t> for Node<'t> {
    fn field(&self, name: &'static str) -> Option<Node<'t>> {
        self.child_by_field_name(name)
    }
}

/// Node kinds by name.
pub trait Kind<'t> {
    /// The node's kind, as `Node::kind` gives it.
    fn kind_str(&self) -> &'t str;
}

impl<'t> Kind<'t> for Node<'t> {
    fn kind_str(&self) -> &'t str {
        self.kind()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors_are_the_parents_in_turn() {
        let src = "class A { void M() { if (x) { F(1, $\"{y}\"); } } }\nclass B { int f; }\n";
        let tree = parse(&tree_sitter_c_sharp::LANGUAGE.into(), src).expect("parses");
        let flat = super::super::flat::FlatTree::new(&tree);
        let root = flat.root();
        let mut cursor = root.walk();
        let mut checked = 0;
        loop {
            let node = cursor.node();
            let mut parents = Vec::new();
            let mut cur = node.parent();
            while let Some(p) = cur {
                parents.push(p);
                cur = p.parent();
            }
            assert_eq!(ancestors(root, node), parents, "{}", node.kind());
            checked += 1;
            if cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    assert!(checked > 30);
                    return;
                }
            }
        }
    }
}
