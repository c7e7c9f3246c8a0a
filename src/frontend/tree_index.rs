//! A flat index of one syntax tree's named children and parents, made in one walk of the
//! tree and shared by a frontend's later walks.
//!
//! tree-sitter finds a node's children and parent by stepping through the tree's hidden
//! nodes each time it is asked (`Node::named_child(i)` from the first child, `Node::parent`
//! down from the root); a frontend walks the tree several times, so it pays that many times
//! over. [`with_index`] steps through the tree once, keeps each node's children and parent
//! in flat tables keyed by node id, and serves [`named_children`](super::tree::named_children),
//! [`for_each_node`] and [`Up::up`] from them while its closure runs. Outside it, or for a node it does not hold, both ask
//! tree-sitter, so they give the same answers either way.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;
use tree_sitter::{Node, Tree, TreeCursor};

/// One indexed node: where its named children are in [`Index::children`], and its parent.
struct Slot {
    /// The node's first start byte, to tell it from a node of another tree with the same id.
    start: usize,
    /// The node's parent's slot (`u32::MAX` for the root).
    parent: u32,
    /// Its children, named and anonymous: `children[first..first + count]`.
    first: u32,
    count: u32,
    /// Its named children: `named[named_first..named_first + named_count]`.
    named_first: u32,
    named_count: u32,
}

/// The index of one tree. Its nodes borrow that tree; see [`with_index`] for why the
/// lifetime is erased.
struct Index {
    /// Slots by node id.
    slots: HashMap<usize, u32, BuildHasherDefault<IdHasher>>,
    /// The nodes, by slot.
    nodes: Vec<Node<'static>>,
    slot_data: Vec<Slot>,
    /// Every node's children, one run per node, in order.
    children: Rc<[Node<'static>]>,
    /// Every node's named children, one run per node, in order.
    named: Rc<[Node<'static>]>,
}

thread_local! {
    /// The index of the tree being walked on this thread, while [`with_index`] runs.
    static INDEX: RefCell<Option<Index>> = const { RefCell::new(None) };
}

/// Runs `f` with the named children and parents of `tree`'s nodes served from an index
/// (see the module documentation). Nested calls index the inner tree for their duration.
pub fn with_index<T>(tree: &Tree, f: impl FnOnce() -> T) -> T {
    let index = build(tree.root_node());
    let outer = Restore(INDEX.replace(Some(index)));
    let value = f();
    drop(outer);
    value
}

/// Puts back the index that [`with_index`] replaced, also when its closure panics, so
/// that no node of the indexed tree outlives the call that borrows the tree.
struct Restore(Option<Index>);

impl Drop for Restore {
    fn drop(&mut self) {
        INDEX.set(self.0.take());
    }
}

fn build(root: Node<'_>) -> Index {
    let mut nodes: Vec<Node<'_>> = vec![root];
    let mut slot_data = vec![Slot {
        start: root.start_byte(),
        parent: u32::MAX,
        first: 0,
        count: 0,
        named_first: 0,
        named_count: 0,
    }];
    let mut children: Vec<Node<'_>> = Vec::new();
    let mut named: Vec<Node<'_>> = Vec::new();
    let mut cursor = root.walk();
    // Slots are numbered in the order nodes are found; each node's children are read
    // when its turn comes, so every node's named children end up contiguous.
    let mut next = 0;
    while next < nodes.len() {
        let node = nodes[next];
        let first = children.len();
        let named_first = named.len();
        cursor.reset(node);
        if cursor.goto_first_child() {
            loop {
                let child = cursor.node();
                children.push(child);
                if child.is_named() {
                    named.push(child);
                }
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        let (Ok(first_u32), Ok(count), Ok(named_first), Ok(named_count)) = (
            u32::try_from(first),
            u32::try_from(children.len() - first),
            u32::try_from(named_first),
            u32::try_from(named.len() - named_first),
        ) else {
            break;
        };
        let slot = &mut slot_data[next];
        (slot.first, slot.count) = (first_u32, count);
        (slot.named_first, slot.named_count) = (named_first, named_count);
        let parent = u32::try_from(next).unwrap_or(u32::MAX);
        for &child in &children[first..] {
            nodes.push(child);
            slot_data.push(Slot {
                start: child.start_byte(),
                parent,
                first: 0,
                count: 0,
                named_first: 0,
                named_count: 0,
            });
        }
        next += 1;
    }
    let mut slots: HashMap<usize, u32, BuildHasherDefault<IdHasher>> =
        HashMap::with_capacity_and_hasher(nodes.len(), BuildHasherDefault::default());
    for (i, node) in nodes.iter().enumerate().take(next) {
        if let Ok(i) = u32::try_from(i) {
            slots.insert(node.id(), i);
        }
    }
    Index {
        slots,
        nodes: nodes.into_iter().map(erase).collect(),
        slot_data,
        children: children.into_iter().map(erase).collect(),
        named: named.into_iter().map(erase).collect(),
    }
}

/// The node with its tree's lifetime erased, to keep it in [`INDEX`].
fn erase(node: Node<'_>) -> Node<'static> {
    // SAFETY: `Node` only borrows its tree; the index holding the node lives in `INDEX`
    // only while `with_index` runs, which borrows the tree for all that time, and every
    // node handed out of it gets the lifetime of the node it was asked about, whose tree
    // is the indexed one (checked by id and start byte; ids are unique within a tree).
    unsafe { std::mem::transmute::<Node<'_>, Node<'static>>(node) }
}

/// The slot of `node` in `index`, if it holds that node.
fn slot(index: &Index, node: Node<'_>) -> Option<usize> {
    let slot = *index.slots.get(&node.id())? as usize;
    (index.slot_data.get(slot)?.start == node.start_byte()).then_some(slot)
}

/// The children of `node` (only the named ones if `named`), from the index when it holds
/// the node.
pub(super) fn indexed_children<'t>(node: Node<'t>, named: bool) -> Option<IndexedChildren<'t>> {
    INDEX.with_borrow(|index| {
        let index = index.as_ref()?;
        let slot = &index.slot_data[slot(index, node)?];
        let (nodes, first, count) = if named {
            (&index.named, slot.named_first, slot.named_count)
        } else {
            (&index.children, slot.first, slot.count)
        };
        Some(IndexedChildren {
            nodes: nodes.clone(),
            next: first as usize,
            end: (first + count) as usize,
            tree: std::marker::PhantomData,
        })
    })
}

/// Calls `visit` on `root` and its descendants in document order (anonymous nodes
/// included), going below a node only when `visit` returns true for it and it is less than
/// `max_depth` levels below `root`.
pub fn for_each_node<'t>(
    root: Node<'t>,
    max_depth: usize,
    mut visit: impl FnMut(Node<'t>) -> bool,
) {
    if !visit(root) || max_depth == 0 {
        return;
    }
    let mut stack = vec![(children(root), 1)];
    while let Some((below, depth)) = stack.last_mut() {
        let depth = *depth;
        match below.next() {
            Some(node) => {
                if visit(node) && depth < max_depth {
                    stack.push((children(node), depth + 1));
                }
            }
            None => {
                stack.pop();
            }
        }
    }
}

/// Every child of `node`, from the index or from the tree.
fn children<'t>(node: Node<'t>) -> Children<'t> {
    match indexed_children(node, false) {
        Some(indexed) => Children::Indexed(indexed),
        None => {
            let mut cursor = node.walk();
            let more = cursor.goto_first_child();
            Children::Tree(cursor, more)
        }
    }
}

/// The children of one node, as [`children`] finds them.
enum Children<'t> {
    Indexed(IndexedChildren<'t>),
    /// A cursor on the next child, if there is one.
    Tree(TreeCursor<'t>, bool),
}

impl<'t> Iterator for Children<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        match self {
            Children::Indexed(indexed) => indexed.next(),
            Children::Tree(cursor, more) => {
                if !*more {
                    return None;
                }
                let node = cursor.node();
                *more = cursor.goto_next_sibling();
                Some(node)
            }
        }
    }
}

/// The parent of `node`, as `Node::parent` gives it.
fn parent<'t>(node: Node<'t>) -> Option<Node<'t>> {
    let found = INDEX.with_borrow(|index| {
        let index = index.as_ref()?;
        let slot = &index.slot_data[slot(index, node)?];
        Some(index.nodes.get(slot.parent as usize).copied())
    });
    match found {
        Some(parent) => parent,
        None => node.parent(),
    }
}

/// Children served from the index.
pub struct IndexedChildren<'t> {
    nodes: Rc<[Node<'static>]>,
    next: usize,
    end: usize,
    tree: std::marker::PhantomData<Node<'t>>,
}

impl<'t> Iterator for IndexedChildren<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        if self.next >= self.end {
            return None;
        }
        let node = *self.nodes.get(self.next)?;
        self.next += 1;
        Some(node)
    }
}

/// Hashes node ids (addresses, so their low bits are mostly zero) by one multiplication.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_usize(&mut self, id: usize) {
        self.0 = (id as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(26);
    }
}

/// [`parent`] as a method.
pub trait Up<'t> {
    /// The node's parent (`Node::parent`, served from the index while one is made).
    fn up(&self) -> Option<Node<'t>>;
}

impl<'t> Up<'t> for Node<'t> {
    fn up(&self) -> Option<Node<'t>> {
        parent(*self)
    }
}
