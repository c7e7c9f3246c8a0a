//! Syntax trees kept from one lint of a document to the next, so that parsing its next
//! version reuses the unchanged parts (tree-sitter's incremental parsing).
//!
//! The edit between two versions is found by comparing the text each tree was parsed from
//! with the new text (common prefix and suffix), not taken from the editor's changes: the
//! text a frontend parses may differ from the document (C# conditional compilation is
//! rewritten, NUL bytes are blanked), and a tree edited by a wrong description would give a
//! wrong parse. Comparing is linear in the text and costs far less than parsing it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tree_sitter::{InputEdit, Language, Point, Tree};

/// The trees of one document's last lint, one per grammar it was parsed with. Cloning
/// shares them. Pass one in [`FrontendOptions::trees`](super::FrontendOptions::trees)
/// for each document linted repeatedly (the language server); a scan leaves it unset.
///
/// Rust's `syn` trees cannot leave the thread that parsed them: they are kept on that
/// thread under [`TreeCache::id`] (see `rust::kept`), and forgotten there when the last
/// clone of the cache is dropped on that thread (the language server closes documents on
/// the thread that lints Rust).
#[derive(Clone, Default)]
pub struct TreeCache(Arc<Shared>);

/// What the clones of one [`TreeCache`] share.
struct Shared {
    trees: Mutex<Vec<Parsed>>,
    /// Tells this document apart from every other one of the process.
    id: u64,
}

impl Default for Shared {
    fn default() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        Shared {
            trees: Mutex::default(),
            id: NEXT.fetch_add(1, Ordering::Relaxed),
        }
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        super::rust::forget(self.id);
    }
}

impl std::fmt::Debug for TreeCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TreeCache").finish_non_exhaustive()
    }
}

/// A tree and the text it was parsed from.
pub(super) struct Parsed {
    text: String,
    tree: Tree,
}

impl TreeCache {
    /// Takes the kept trees out, for one lint (see [`TreeCache::put`]).
    pub(super) fn take(&self) -> Vec<Parsed> {
        std::mem::take(&mut *self.0.trees.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Keeps `trees` for the next lint.
    pub(super) fn put(&self, trees: Vec<Parsed>) {
        *self.0.trees.lock().unwrap_or_else(|e| e.into_inner()) = trees;
    }

    /// The document's key among those whose trees are kept.
    pub(super) fn id(&self) -> u64 {
        self.0.id
    }
}

/// The kept tree for `language`, edited to match `text`; removed from `trees`.
pub(super) fn previous(trees: &mut Vec<Parsed>, language: &Language, text: &str) -> Option<Tree> {
    let at = trees.iter().position(|p| *p.tree.language() == *language)?;
    let Parsed {
        text: old,
        mut tree,
    } = trees.swap_remove(at);
    tree.edit(&edit_between(&old, text));
    Some(tree)
}

/// Keeps `tree`, parsed from `text`, as the tree for its grammar.
pub(super) fn keep(trees: &mut Vec<Parsed>, text: &str, tree: &Tree) {
    trees.retain(|p| *p.tree.language() != *tree.language());
    trees.push(Parsed {
        text: text.to_string(),
        tree: tree.clone(),
    });
}

/// The single edit that turns `old` into `new`: everything between their common prefix
/// and their common suffix was replaced.
fn edit_between(old: &str, new: &str) -> InputEdit {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let (prefix, old_end, new_end) = changed(old, new);
    InputEdit {
        start_byte: prefix,
        old_end_byte: old_end,
        new_end_byte: new_end,
        start_position: point(a, prefix),
        old_end_position: point(a, old_end),
        new_end_position: point(b, new_end),
    }
}

/// The single replacement that turns `old` into `new`, as byte offsets: where it starts
/// (the common prefix's length), and where it ends in `old` and in `new` (before their
/// common suffix, which never overlaps the prefix).
pub(super) fn changed(old: &str, new: &str) -> (usize, usize, usize) {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let room = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    (prefix, a.len() - suffix, b.len() - suffix)
}

/// The row and byte column of `offset` in `text`.
fn point(text: &[u8], offset: usize) -> Point {
    let before = &text[..offset];
    let row = before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    Point::new(row, offset - line_start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edit_spans_what_differs() {
        let e = edit_between("ab\ncd\nef", "ab\ncXYd\nef");
        assert_eq!((e.start_byte, e.old_end_byte, e.new_end_byte), (4, 4, 6));
        assert_eq!(e.start_position, Point::new(1, 1));
        assert_eq!(e.new_end_position, Point::new(1, 3));
        // Repeated text: the suffix never overlaps the prefix.
        let e = edit_between("aaaa", "aa");
        assert_eq!((e.start_byte, e.old_end_byte, e.new_end_byte), (2, 4, 2));
        let e = edit_between("same", "same");
        assert_eq!((e.start_byte, e.old_end_byte, e.new_end_byte), (4, 4, 4));
    }
}
