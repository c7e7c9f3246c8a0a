//! A tree-sitter syntax tree copied once, after its parse, into flat arrays that the
//! frontends walk instead of the tree itself.
//!
//! Every step through a tree-sitter tree goes through its C API: a child by index or by
//! field walks the parent's children from the first, and a parent is found by walking down
//! from the root. In a file of thousands of declarations these lookups were most of a lint.
//! Here each node is one entry in a vector, in document order (a node's first child is the
//! entry after it), with its kind, byte range, parent, siblings, field, and its named
//! children listed together; [`Node`] answers the questions the frontends ask of a
//! `tree_sitter::Node` (same method names and meaning) from those arrays.

use std::sync::Mutex;
use tree_sitter::{Language, Tree};

/// No node (no parent, sibling or child).
const NONE: u32 = u32::MAX;

/// One node of the copied tree.
#[derive(Debug, Clone, Copy)]
struct Entry {
    start: u32,
    end: u32,
    /// The row its first byte is on (0-based).
    row: u32,
    parent: u32,
    first_child: u32,
    next: u32,
    prev: u32,
    /// Where its named children start in [`FlatTree::named`], and how many there are.
    named_at: u32,
    named_count: u32,
    kind: u16,
    /// The field it fills in its parent (0 for none).
    field: u16,
    flags: u8,
}

const NAMED: u8 = 1;
const ERROR: u8 = 2;
const HAS_ERROR: u8 = 4;

/// A grammar's kind and field names, made once per grammar for the life of the process.
struct Names {
    /// Kind names by kind id.
    kinds: Vec<&'static str>,
    /// Field names by field id (0 is no field).
    fields: Vec<&'static str>,
    /// Field ids by name, in buckets by the name's length (a lookup compares a name with
    /// the few of its length).
    field_ids: Vec<Vec<(&'static str, u16)>>,
}

/// The names of every grammar met so far.
static NAMES: Mutex<Vec<(Language, &'static Names)>> = Mutex::new(Vec::new());

fn names(language: &Language) -> &'static Names {
    let mut tables = NAMES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, names)) = tables.iter().find(|(l, _)| l == language) {
        return names;
    }
    let kinds = (0..language.node_kind_count())
        .map(|id| {
            u16::try_from(id)
                .ok()
                .and_then(|id| language.node_kind_for_id(id))
                .map_or("", leak)
        })
        .collect();
    let fields: Vec<&'static str> = (0..=language.field_count())
        .map(|id| {
            u16::try_from(id)
                .ok()
                .and_then(|id| language.field_name_for_id(id))
                .map_or("", leak)
        })
        .collect();
    let mut field_ids: Vec<Vec<(&'static str, u16)>> = Vec::new();
    for (id, name) in fields.iter().enumerate().skip(1) {
        let Ok(id) = u16::try_from(id) else { break };
        if field_ids.len() <= name.len() {
            field_ids.resize(name.len() + 1, Vec::new());
        }
        field_ids[name.len()].push((name, id));
    }
    let names: &'static Names = Box::leak(Box::new(Names {
        kinds,
        fields,
        field_ids,
    }));
    tables.push((language.clone(), names));
    names
}

/// A name kept for the life of the process.
fn leak(name: &str) -> &'static str {
    Box::leak(name.to_owned().into_boxed_str())
}

/// A syntax tree in flat arrays (see the module documentation).
pub struct FlatTree {
    entries: Vec<Entry>,
    /// The named children of every node, each node's together.
    named: Vec<u32>,
    names: &'static Names,
    /// Kinds past the grammar's table (`ERROR`), by node.
    odd_kinds: Vec<(u32, String)>,
}

impl FlatTree {
    /// Copies `tree`, visiting each node once. The subtrees of the first half of the root's
    /// children are copied beside those of the second half (see `parallel`).
    pub fn new(tree: &Tree) -> FlatTree {
        let root = tree.root_node();
        let names = names(&root.language());
        let mut tops = Vec::new();
        let mut cursor = root.walk();
        if cursor.goto_first_child() {
            loop {
                tops.push((cursor.node(), cursor.field_id().map_or(0, u16::from)));
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        let (first, second) = tops.split_at(tops.len() / 2);
        let (first, second) =
            super::parallel::join(|| Chunk::copy(first, names), || Chunk::copy(second, names));
        let mut whole = Chunk::default();
        whole.push(root, 0, NONE, NONE, names);
        let mut last_top = NONE;
        for chunk in [first, second] {
            let base = to_u32(whole.entries.len());
            let shift = |i: u32| if i == NONE { NONE } else { i + base };
            whole
                .entries
                .extend(chunk.entries.into_iter().map(|e| Entry {
                    parent: if e.parent == NONE { 0 } else { e.parent + base },
                    first_child: shift(e.first_child),
                    next: shift(e.next),
                    prev: shift(e.prev),
                    ..e
                }));
            let odd = chunk.odd_kinds.into_iter().map(|(i, k)| (i + base, k));
            whole.odd_kinds.extend(odd);
            if chunk.last_top == NONE {
                continue;
            }
            // A chunk's first top-level node is its first entry.
            match whole.entries.get_mut(last_top as usize) {
                Some(last) => last.next = base,
                None => whole.entries[0].first_child = base,
            }
            whole.entries[base as usize].prev = last_top;
            last_top = chunk.last_top + base;
        }
        FlatTree::finish(whole.entries, names, whole.odd_kinds)
    }

    /// Lists each node's named children together.
    fn finish(
        mut entries: Vec<Entry>,
        names: &'static Names,
        odd_kinds: Vec<(u32, String)>,
    ) -> FlatTree {
        let mut named = Vec::with_capacity(entries.len());
        for i in 0..entries.len() {
            let at = to_u32(named.len());
            let mut child = entries[i].first_child;
            while let Some(c) = entries.get(child as usize) {
                if c.flags & NAMED != 0 {
                    named.push(child);
                }
                child = c.next;
            }
            entries[i].named_at = at;
            entries[i].named_count = to_u32(named.len()) - at;
        }
        FlatTree {
            entries,
            named,
            names,
            odd_kinds,
        }
    }

    /// The root node.
    pub fn root(&self) -> Node<'_> {
        Node { tree: self, i: 0 }
    }

    fn node(&self, i: u32) -> Option<Node<'_>> {
        (i != NONE).then_some(Node { tree: self, i })
    }
}

/// The copies of a run of sibling subtrees, linked as if their parent were `NONE`.
#[derive(Default)]
struct Chunk {
    entries: Vec<Entry>,
    odd_kinds: Vec<(u32, String)>,
    /// The last of the top-level nodes (`NONE` when there is none).
    last_top: u32,
}

impl Chunk {
    /// Copies the subtrees of `tops` (each with the field it fills in its parent).
    fn copy(tops: &[(tree_sitter::Node<'_>, u16)], names: &'static Names) -> Chunk {
        let mut chunk = Chunk {
            last_top: NONE,
            ..Chunk::default()
        };
        for &(top, field) in tops {
            let mut cursor = top.walk();
            // The index of the last node added at each depth of the cursor's path.
            let mut path: Vec<u32> = Vec::new();
            let mut last_child: Vec<u32> = vec![chunk.last_top];
            loop {
                let parent = path.last().copied().unwrap_or(NONE);
                let prev = last_child.last().copied().unwrap_or(NONE);
                let field = match parent {
                    NONE => field,
                    _ => cursor.field_id().map_or(0, u16::from),
                };
                let index = chunk.push(cursor.node(), field, parent, prev, names);
                if let Some(last) = last_child.last_mut() {
                    *last = index;
                }
                if cursor.goto_first_child() {
                    path.push(index);
                    last_child.push(NONE);
                    continue;
                }
                while !cursor.goto_next_sibling() {
                    if !cursor.goto_parent() {
                        break;
                    }
                    path.pop();
                    last_child.pop();
                }
                if path.is_empty() {
                    break;
                }
            }
            chunk.last_top = last_child.first().copied().unwrap_or(NONE);
        }
        chunk
    }

    /// Adds `node`, linked after `prev` (or as the first child of `parent`); returns its index.
    fn push(
        &mut self,
        node: tree_sitter::Node<'_>,
        field: u16,
        parent: u32,
        prev: u32,
        names: &Names,
    ) -> u32 {
        let index = to_u32(self.entries.len());
        if let Some(p) = self.entries.get_mut(prev as usize) {
            p.next = index;
        } else if let Some(p) = self.entries.get_mut(parent as usize) {
            p.first_child = index;
        }
        let kind = node.kind_id();
        if usize::from(kind) >= names.kinds.len() {
            self.odd_kinds.push((index, node.kind().to_string()));
        }
        let flag = |set: bool, flag: u8| if set { flag } else { 0 };
        let flags = flag(node.is_named(), NAMED)
            | flag(node.is_error(), ERROR)
            | flag(node.has_error(), HAS_ERROR);
        self.entries.push(Entry {
            start: to_u32(node.start_byte()),
            end: to_u32(node.end_byte()),
            row: to_u32(node.start_position().row),
            parent,
            first_child: NONE,
            next: NONE,
            prev,
            named_at: 0,
            named_count: 0,
            kind,
            field,
            flags,
        });
        index
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX - 1)
}

/// A node of a [`FlatTree`]: what `tree_sitter::Node` answers, from the copied arrays.
#[derive(Clone, Copy)]
pub struct Node<'t> {
    tree: &'t FlatTree,
    i: u32,
}

impl PartialEq for Node<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.i == other.i && std::ptr::eq(self.tree, other.tree)
    }
}

impl Eq for Node<'_> {}

impl std::hash::Hash for Node<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.i.hash(state);
    }
}

impl std::fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{{Node {} {:?}}}", self.kind(), self.byte_range())
    }
}

impl<'t> Node<'t> {
    fn entry(&self) -> &'t Entry {
        &self.tree.entries[self.i as usize]
    }

    /// A number that tells this node from the others of its tree.
    pub fn id(&self) -> usize {
        self.i as usize
    }

    /// The node's kind (`ERROR` for a syntax error).
    pub fn kind(&self) -> &'t str {
        let kind = usize::from(self.entry().kind);
        match self.tree.names.kinds.get(kind) {
            Some(name) => name,
            None => self
                .tree
                .odd_kinds
                .iter()
                .find(|(i, _)| *i == self.i)
                .map_or("", |(_, name)| name.as_str()),
        }
    }

    /// Whether the grammar names this kind (not punctuation or a keyword).
    pub fn is_named(&self) -> bool {
        self.entry().flags & NAMED != 0
    }

    /// Whether the node is a syntax error.
    pub fn is_error(&self) -> bool {
        self.entry().flags & ERROR != 0
    }

    /// Whether the node is or contains a syntax error.
    pub fn has_error(&self) -> bool {
        self.entry().flags & HAS_ERROR != 0
    }

    /// The node's first byte.
    pub fn start_byte(&self) -> usize {
        self.entry().start as usize
    }

    /// The byte after the node's last.
    pub fn end_byte(&self) -> usize {
        self.entry().end as usize
    }

    /// The node's bytes.
    pub fn byte_range(&self) -> std::ops::Range<usize> {
        self.start_byte()..self.end_byte()
    }

    /// The row (0-based) the node starts on.
    pub fn start_row(&self) -> usize {
        self.entry().row as usize
    }

    /// The node this one is a child of; `None` for the root.
    pub fn parent(&self) -> Option<Node<'t>> {
        self.tree.node(self.entry().parent)
    }

    /// The next node with the same parent.
    fn next_sibling(&self) -> Option<Node<'t>> {
        self.tree.node(self.entry().next)
    }

    /// The previous node with the same parent.
    fn prev_sibling(&self) -> Option<Node<'t>> {
        self.tree.node(self.entry().prev)
    }

    /// The next named node with the same parent.
    pub fn next_named_sibling(&self) -> Option<Node<'t>> {
        let mut next = self.next_sibling();
        while let Some(n) = next.filter(|n| !n.is_named()) {
            next = n.next_sibling();
        }
        next
    }

    /// The previous named node with the same parent.
    pub fn prev_named_sibling(&self) -> Option<Node<'t>> {
        let mut prev = self.prev_sibling();
        while let Some(n) = prev.filter(|n| !n.is_named()) {
            prev = n.prev_sibling();
        }
        prev
    }

    /// The `i`th child.
    pub fn child(&self, i: u32) -> Option<Node<'t>> {
        self.children_iter().nth(i as usize)
    }

    /// How many named children the node has.
    pub fn named_child_count(&self) -> usize {
        self.entry().named_count as usize
    }

    /// The `i`th named child.
    pub fn named_child(&self, i: u32) -> Option<Node<'t>> {
        let e = self.entry();
        (i < e.named_count)
            .then(|| self.tree.named.get((e.named_at + i) as usize))
            .flatten()
            .and_then(|&c| self.tree.node(c))
    }

    /// The named children, in order.
    pub fn named_children<'c>(
        &self,
        _cursor: &'c mut Cursor<'t>,
    ) -> impl DoubleEndedIterator<Item = Node<'t>> + ExactSizeIterator + 'c {
        self.named_iter()
    }

    /// The named children, in order (no cursor needed).
    pub fn named_iter(&self) -> impl DoubleEndedIterator<Item = Node<'t>> + ExactSizeIterator {
        let e = self.entry();
        let tree = self.tree;
        let at = e.named_at as usize;
        tree.named
            .get(at..at + e.named_count as usize)
            .unwrap_or_default()
            .iter()
            .map(move |&i| Node { tree, i })
    }

    /// The children, in order.
    pub fn children<'c>(&self, _cursor: &'c mut Cursor<'t>) -> impl Iterator<Item = Node<'t>> + 'c {
        self.children_iter()
    }

    fn children_iter(&self) -> impl Iterator<Item = Node<'t>> {
        let tree = self.tree;
        let mut next = self.entry().first_child;
        std::iter::from_fn(move || {
            let node = tree.node(next)?;
            next = node.entry().next;
            Some(node)
        })
    }

    /// The first child in the field `name`.
    pub fn child_by_field_name(&self, name: &str) -> Option<Node<'t>> {
        let (_, id) = self
            .tree
            .names
            .field_ids
            .get(name.len())?
            .iter()
            .find(|(n, _)| n.as_bytes() == name.as_bytes())?;
        self.child_by_field_id(*id)
    }

    /// The first child in the field with this id.
    fn child_by_field_id(&self, id: u16) -> Option<Node<'t>> {
        self.children_iter().find(|c| c.entry().field == id)
    }

    /// The field this node fills in its parent.
    pub fn field_name(&self) -> Option<&'static str> {
        let field = self.entry().field;
        (field != 0)
            .then(|| self.tree.names.fields.get(usize::from(field)).copied())
            .flatten()
    }

    /// The smallest node under this one that spans `start..end`, as
    /// `tree_sitter::Node::descendant_for_byte_range` finds it.
    pub fn descendant_for_byte_range(&self, start: usize, end: usize) -> Option<Node<'t>> {
        if start > end {
            return None;
        }
        let mut node = *self;
        'descend: loop {
            for child in node.children_iter() {
                let child_end = child.end_byte();
                if child_end < end {
                    continue;
                }
                let empty = child.start_byte() == child_end;
                if if empty {
                    child_end < start
                } else {
                    child_end <= start
                } {
                    continue;
                }
                if start < child.start_byte() {
                    break;
                }
                node = child;
                continue 'descend;
            }
            return Some(node);
        }
    }

    /// A cursor over the subtree of this node.
    pub fn walk(&self) -> Cursor<'t> {
        Cursor {
            tree: self.tree,
            top: self.i,
            at: self.i,
        }
    }
}

/// A cursor over a subtree, as `tree_sitter::TreeCursor` moves: it never leaves the node it
/// started at.
pub struct Cursor<'t> {
    tree: &'t FlatTree,
    top: u32,
    at: u32,
}

impl<'t> Cursor<'t> {
    /// The node the cursor is on.
    pub fn node(&self) -> Node<'t> {
        Node {
            tree: self.tree,
            i: self.at,
        }
    }

    /// The field the node the cursor is on fills in its parent.
    pub fn field_name(&self) -> Option<&'static str> {
        if self.at == self.top {
            return None;
        }
        self.node().field_name()
    }

    /// Moves to the first child; false if there is none.
    pub fn goto_first_child(&mut self) -> bool {
        let child = self.node().entry().first_child;
        let moved = child != NONE;
        if moved {
            self.at = child;
        }
        moved
    }

    /// Moves to the next sibling; false if there is none (or it is the starting node).
    pub fn goto_next_sibling(&mut self) -> bool {
        if self.at == self.top {
            return false;
        }
        let next = self.node().entry().next;
        let moved = next != NONE;
        if moved {
            self.at = next;
        }
        moved
    }

    /// Moves to the parent; false at the starting node.
    pub fn goto_parent(&mut self) -> bool {
        if self.at == self.top {
            return false;
        }
        self.at = self.node().entry().parent;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every node of a parsed file, in document order, as tree-sitter gives it.
    fn tree_sitter_nodes(tree: &Tree) -> Vec<tree_sitter::Node<'_>> {
        let mut out = Vec::new();
        let mut cursor = tree.root_node().walk();
        loop {
            out.push(cursor.node());
            if cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    return out;
                }
            }
        }
    }

    fn check(language: Language, src: &str) {
        let tree = super::super::tree::parse(&language, src).expect("parses");
        let flat = FlatTree::new(&tree);
        let ts = tree_sitter_nodes(&tree);
        assert_eq!(ts.len(), flat.entries.len());
        let fields: Vec<&str> = flat.names.fields.iter().skip(1).copied().collect();
        let by_id = |n: tree_sitter::Node<'_>| ts.iter().position(|t| *t == n);
        for (i, t) in ts.iter().enumerate() {
            let f = Node {
                tree: &flat,
                i: to_u32(i),
            };
            assert_eq!(f.kind(), t.kind());
            assert_eq!(f.byte_range(), t.byte_range());
            assert_eq!(f.start_row(), t.start_position().row);
            assert_eq!(f.is_named(), t.is_named());
            assert_eq!(f.is_error(), t.is_error());
            assert_eq!(f.has_error(), t.has_error());
            assert_eq!(f.parent().map(|p| p.id()), t.parent().and_then(by_id));
            assert_eq!(f.named_child_count(), t.named_child_count());
            for c in 0..t.named_child_count() as u32 + 1 {
                assert_eq!(
                    f.named_child(c).map(|n| n.id()),
                    t.named_child(c).and_then(by_id)
                );
            }
            assert_eq!(f.children_iter().count(), t.child_count() as usize);
            for name in &fields {
                assert_eq!(
                    f.child_by_field_name(name).map(|n| n.id()),
                    t.child_by_field_name(name).and_then(by_id),
                    "{name} of {}",
                    t.kind()
                );
            }
            assert_eq!(
                f.next_named_sibling().map(|n| n.id()),
                t.next_named_sibling().and_then(by_id)
            );
            assert_eq!(
                f.prev_named_sibling().map(|n| n.id()),
                t.prev_named_sibling().and_then(by_id)
            );
            let root = flat.root();
            assert_eq!(
                root.descendant_for_byte_range(f.start_byte(), f.end_byte())
                    .map(|n| n.id()),
                tree.root_node()
                    .descendant_for_byte_range(t.start_byte(), t.end_byte())
                    .and_then(by_id)
            );
        }
    }

    #[test]
    fn the_copy_answers_as_tree_sitter_does() {
        check(
            tree_sitter_javascript::LANGUAGE.into(),
            "const fs = require('fs');\nclass A extends B { static x = 1; async m(a, {b}) { for (const [k, v] of o) { await fs.promises.writeFile(`/d/${k}`, v); } } }\nsetInterval(() => f(1, ...a), 60_000); if (x) y(); else { z?.(); }\nlet q = a ? b : c; export default function () {}\n",
        );
        check(
            tree_sitter_typescript::LANGUAGE_TSX.into(),
            "import type { T } from 'x';\nconst f = <T,>(a: T): Promise<void> => g(a as any)!;\nexport class C implements I { private readonly m = new Map<string, T>(); constructor(private s: S) {} }\nconst e = <div a={1}>{x}</div>; function broken( {\n",
        );
        check(
            tree_sitter_c_sharp::LANGUAGE.into(),
            "using System.IO;\nnamespace N;\npublic class A : B {\n  private static readonly Dictionary<string, int> _m = new();\n  public async Task M(int x, string y = \"a\") { if (x > 1) { _m[\"k\"] = x; await File.WriteAllTextAsync($\"/d/{x}.txt\", y); } var t = new Timer(_ => F(), null, 0, 1000); t?.Dispose(); foreach (var (k, v) in _m) { } }\n  int P { get; set; } = 3;\n}\n",
        );
    }
}
