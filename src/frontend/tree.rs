//! Small helpers shared by the tree-sitter frontends.

use super::reuse::{self, Parsed, TreeCache};
use super::SyntaxError;
use std::cell::{Cell, RefCell};
use std::ops::ControlFlow;
use std::sync::Mutex;
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

/// Nodes with more named children than this are stepped through with a cursor.
const FEW_CHILDREN: usize = 8;

/// The named children of `node`, in order. `Node::named_child(i)` walks the children from
/// the first each time, so a node with many (a module's statements) is stepped through
/// with a cursor instead; few are read by index, which costs less than a cursor's steps.
/// The count is known, so no lookup is spent finding that there is no next child (a leaf
/// is done without one).
pub fn named_children<'t>(node: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    let count = node.named_child_count();
    let mut cursor = (count > FEW_CHILDREN).then(|| {
        let mut cursor = node.walk();
        let more = cursor.goto_first_child();
        (cursor, more)
    });
    let mut next = 0;
    std::iter::from_fn(move || {
        let Some((cursor, more)) = cursor.as_mut() else {
            if next >= count {
                return None;
            }
            let child = node.named_child(u32::try_from(next).ok()?);
            next += 1;
            return child;
        };
        while *more {
            let child = cursor.node();
            *more = cursor.goto_next_sibling();
            if child.is_named() {
                return Some(child);
            }
        }
        None
    })
}

/// The ancestors of `node` under `root` (its tree's root), innermost first: what calling
/// `Node::parent` again and again gives, at the price of one call. Each call walks down from
/// the root, through the children of every node on the way, so climbing k levels took k
/// such walks; in a file of many top-level declarations each one is long.
pub fn ancestors<'t>(root: Node<'t>, node: Node<'t>) -> Vec<Node<'t>> {
    let mut path = Vec::new();
    if root.id() == node.id() {
        return path;
    }
    let mut cur = root;
    loop {
        path.push(cur);
        match cur.child_with_descendant(node) {
            Some(next) if next.id() != node.id() => cur = next,
            _ => break,
        }
    }
    path.reverse();
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

/// Children by field name, with each field's id looked up once per grammar.
pub trait Fields<'t> {
    /// The child in field `name` (`Node::child_by_field_name`, whose lookup of the name
    /// compares it with every field name of the grammar on each call).
    fn field(&self, name: &'static str) -> Option<Node<'t>>;
}

/// The field ids of one grammar found so far, by the address and length of the field name.
type GrammarFields = (Language, Vec<(usize, usize, Option<u16>)>);

thread_local! {
    /// Field ids found so far, per grammar.
    static FIELD_IDS: RefCell<Vec<GrammarFields>> = const { RefCell::new(Vec::new()) };
}

impl<'t> Fields<'t> for Node<'t> {
    fn field(&self, name: &'static str) -> Option<Node<'t>> {
        let language = self.language();
        let key = (name.as_ptr() as usize, name.len());
        let id = FIELD_IDS.with_borrow_mut(|grammars| {
            let at = match grammars.iter().position(|(l, _)| *l == *language) {
                Some(at) => at,
                None => {
                    grammars.push(((*language).clone(), Vec::new()));
                    grammars.len() - 1
                }
            };
            let ids = &mut grammars[at].1;
            match ids.iter().find(|(p, l, _)| (*p, *l) == key) {
                Some(&(_, _, id)) => id,
                None => {
                    let id = language.field_id_for_name(name).map(u16::from);
                    ids.push((key.0, key.1, id));
                    id
                }
            }
        });
        self.child_by_field_id(id?)
    }
}

/// Node kinds by name, from a table of each grammar's kind names made once.
pub trait Kind<'t> {
    /// The node's kind, as `Node::kind` gives it (which measures the name's C string and
    /// checks that it is UTF-8 on every call).
    fn kind_str(&self) -> &'t str;
}

/// One grammar's kind names, indexed by kind id.
type KindNames = (Language, &'static [&'static str]);

/// The kind names of every grammar met so far. Each table is made once and kept for the
/// life of the process (one per grammar: a few kilobytes each).
static KIND_NAMES: Mutex<Vec<KindNames>> = Mutex::new(Vec::new());

thread_local! {
    /// The tables this thread has used, so that a lookup takes no lock.
    static THREAD_KIND_NAMES: RefCell<Vec<KindNames>> = const { RefCell::new(Vec::new()) };
}

/// The kind names of `language`, made the first time any thread asks.
fn kind_names(language: &Language) -> &'static [&'static str] {
    let mut tables = KIND_NAMES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, names)) = tables.iter().find(|(l, _)| l == language) {
        return names;
    }
    let names: Vec<&'static str> = (0..language.node_kind_count())
        .map(|id| {
            let name = u16::try_from(id)
                .ok()
                .and_then(|id| language.node_kind_for_id(id))
                .unwrap_or("");
            &*Box::leak(name.to_owned().into_boxed_str())
        })
        .collect();
    let names: &'static [&'static str] = Box::leak(names.into_boxed_slice());
    tables.push((language.clone(), names));
    names
}

impl<'t> Kind<'t> for Node<'t> {
    fn kind_str(&self) -> &'t str {
        let id = usize::from(self.kind_id());
        let language = self.language();
        let name = THREAD_KIND_NAMES.with_borrow_mut(|tables| {
            let names = match tables.iter().find(|(l, _)| *l == *language) {
                Some((_, names)) => names,
                None => {
                    let names = kind_names(&language);
                    tables.push(((*language).clone(), names));
                    names
                }
            };
            names.get(id).copied()
        });
        // Ids past the table: `ERROR` and the like.
        name.unwrap_or_else(|| self.kind())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors_are_the_parents_in_turn() {
        let src = "class A { void M() { if (x) { F(1, $\"{y}\"); } } }\nclass B { int f; }\n";
        let tree = parse(&tree_sitter_c_sharp::LANGUAGE.into(), src).expect("parses");
        let root = tree.root_node();
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
