//! `syn` trees kept between lints of one document (the language server), so that an edit
//! lexes and parses only the top-level items it touched; the walks still run over the
//! whole file.
//!
//! `proc_macro2` finds a span's line and column through a source map kept per thread, and
//! `syn` trees are neither `Send` nor `Sync`: the trees are kept on the thread that parsed
//! them, keyed by the document, and that thread's source map is kept alive while they are
//! (see [`settle`]).
//!
//! An edit is found by comparing the kept text with the new one (common prefix and
//! suffix). Items wholly before it are kept; items wholly after it are kept when they start
//! at the same column as before, on the line they moved to (all later lines move alike).
//! Everything else, with the gaps between items, is parsed again as a sequence of items;
//! when that fails the whole file is parsed, which reports the syntax error as a scan does.
//!
//! Each parse of a changed region is lexed padded with newlines and spaces, so that it
//! starts on lines no earlier parse of the document used and at its own column: the spans
//! of every item kept tell apart which parse they come from by their line alone, and
//! [`Lines`] maps each item's lines to the lines it is on now (`Walker::offset`); columns
//! never change.

use super::macros::{self, MacroPlace, ParsedBodies};
use super::{depth, MAX_DEPTH};
use crate::frontend::reuse;
use crate::position::LineIndex;
use proc_macro2::LineColumn;
use std::cell::{Cell, RefCell};
use std::ops::Range;
use syn::parse::{ParseStream, Parser};

/// Documents whose trees one thread keeps at most; the least recently linted goes first.
const MAX_DOCUMENTS: usize = 32;

/// Source lexed on a thread (padding and line table included) beyond which its source map
/// is emptied and every tree it kept is dropped: this many times the kept texts, plus
/// [`SPARE_LEXED`].
const LEXED_PER_KEPT_BYTE: usize = 8;
const SPARE_LEXED: usize = 4 << 20;

thread_local! {
    /// The trees kept on this thread, by document, the most recently linted last.
    static KEPT: RefCell<Vec<(u64, Kept)>> = const { RefCell::new(Vec::new()) };
    /// What this thread's source map holds since it was last emptied (see [`lexed`]).
    static LEXED: Cell<usize> = const { Cell::new(0) };
}

/// One document's last parse: its text (as parsed, see `sanitize`), its tree, and where
/// each top-level item lies.
pub(super) struct Kept {
    text: String,
    file: syn::File,
    /// Where the file's inner attributes end (0 without any): an edit before the end of
    /// their line parses the whole file.
    header_end: usize,
    /// Where each of `file.items` lies, in order.
    places: Vec<Place>,
    /// The first line that no parse of this document has used in its spans.
    next_line: usize,
    /// The bodies of the macros in `file`, parsed by the walks.
    macros: ParsedBodies,
}

/// Where one top-level item lies: in the text, and in its spans.
#[derive(Clone, Copy)]
struct Place {
    /// Its byte range in the text.
    start: usize,
    end: usize,
    /// The line and column it starts at in the text.
    at: LineColumn,
    /// Where its spans say it starts and ends: lines of their own parse, columns of the
    /// text.
    first: LineColumn,
    last: LineColumn,
}

/// The line of the text that each line of a kept document's spans stands for.
pub(super) struct Lines {
    /// First and last line of the spans of an item, and the line its first one is now;
    /// sorted by the first.
    items: Vec<(usize, usize, usize)>,
}

impl Lines {
    /// The line of the text that `line` of the spans stands for.
    pub(super) fn of(&self, line: usize) -> usize {
        let i = self.items.partition_point(|&(first, _, _)| first <= line);
        match i.checked_sub(1).map(|i| self.items[i]) {
            Some((first, last, now)) if line <= last => line - first + now,
            // The inner attributes, never moved.
            _ => line,
        }
    }
}

/// Takes the trees kept for `document` on this thread, if any.
pub(super) fn take(document: u64) -> Option<Kept> {
    KEPT.with_borrow_mut(|kept| take_matching(kept, document))
}

/// Forgets the trees kept for `document` on this thread.
pub fn forget(document: u64) {
    // During the thread's teardown the store may be gone already.
    let _ = KEPT.try_with(|kept| {
        let dropped = take_matching(&mut kept.borrow_mut(), document);
        drop(dropped);
    });
}

fn take_matching(kept: &mut Vec<(u64, Kept)>, document: u64) -> Option<Kept> {
    let at = kept.iter().position(|(d, _)| *d == document)?;
    Some(kept.remove(at).1)
}

/// Keeps `parsed` for `document`'s next lint, then empties the thread's source map (and
/// drops every kept tree) if it outgrew its bound.
pub(super) fn settle(document: u64, parsed: Option<Kept>) {
    let texts: usize = KEPT.with_borrow_mut(|kept| {
        if let Some(parsed) = parsed {
            if kept.len() >= MAX_DOCUMENTS {
                kept.remove(0);
            }
            kept.push((document, parsed));
        }
        kept.iter().map(|(_, k)| k.text.len()).sum()
    });
    if LEXED.get() > texts * LEXED_PER_KEPT_BYTE + SPARE_LEXED {
        reset_spans();
    }
}

/// Empties this thread's source map. Every tree parsed on the thread before is unusable
/// afterwards, so none may be kept.
pub(super) fn reset_spans() {
    let _ = KEPT.try_with(|kept| kept.borrow_mut().clear());
    proc_macro2::extra::invalidate_current_thread_spans();
    LEXED.set(0);
}

/// Counts `source` as added to the thread's source map (its text and line table).
fn lexed(source: &str) {
    let lines = bytecount(source.as_bytes());
    LEXED.set(LEXED.get() + source.len() + lines * std::mem::size_of::<usize>());
}

/// Parses the whole of `source`, noting where each item lies.
pub(super) fn parse_whole(source: &str) -> syn::Result<Kept> {
    lexed(source);
    let tokens: proc_macro2::TokenStream = source.parse().map_err(syn::Error::from)?;
    let (attrs, header_end, items) = checked_items.parse2(tokens)?;
    let index = LineIndex::new(source);
    let header_end = header_end.map_or(0, |at| offset(&index, source, at.line, at.column));
    let (items, places) = placed(items, &index, source, 0);
    Ok(Kept {
        text: source.to_string(),
        file: syn::File {
            shebang: None,
            frontmatter: None,
            attrs,
            items,
        },
        header_end,
        places,
        next_line: bytecount(source.as_bytes()) + 2,
        macros: ParsedBodies::default(),
    })
}

impl Kept {
    /// Runs `analyse` over the file and the lines its spans stand for, with the macro
    /// bodies parsed by earlier runs.
    pub(super) fn analyse<T>(&mut self, analyse: impl FnOnce(&syn::File, &Lines) -> T) -> T {
        let mut items: Vec<_> = self
            .places
            .iter()
            .map(|p| (p.first.line, p.last.line, p.at.line))
            .collect();
        items.sort_unstable();
        macros::restore_parsed(std::mem::take(&mut self.macros));
        let result = analyse(&self.file, &Lines { items });
        self.macros = macros::take_parsed();
        result
    }
}

/// `kept` updated to `source`, parsing only what changed; `kept` as it was when the
/// changed part does not parse on its own (the caller then parses the whole file).
pub(super) fn reparse(kept: Kept, source: &str) -> Result<Kept, Box<Kept>> {
    match changed_items(&kept, source) {
        Some(changed) => Ok(replace(kept, changed, source)),
        None => Err(Box::new(kept)),
    }
}

/// What an edit changes in a kept document: the items from `before` to `clean` (not
/// included) give way to `fresh`, parsed from `region`; `shift` bytes and `line_shift`
/// lines move the items after them.
struct Changed {
    before: usize,
    clean: usize,
    fresh: Vec<syn::Item>,
    fresh_places: Vec<Place>,
    region: Range<usize>,
    shift: isize,
    line_shift: isize,
}

/// The items an edit to `source` changes, parsed; `None` when they do not parse alone.
fn changed_items(kept: &Kept, source: &str) -> Option<Changed> {
    let (start, old_end, new_end) = reuse::changed(&kept.text, source);
    // The inner attributes and the end of their last line are kept as they are: a `//!`
    // comment runs to the end of its line.
    let header = kept.text.as_bytes().get(kept.header_end..start);
    if kept.header_end > 0 && !header.is_some_and(|h| h.contains(&b'\n')) {
        return None;
    }
    let shift = new_end as isize - old_end as isize;
    let line_shift = bytecount(&source.as_bytes()[start..new_end]) as isize
        - bytecount(&kept.text.as_bytes()[start..old_end]) as isize;
    let places = &kept.places;
    let before = places.partition_point(|p| p.end <= start);
    let after = places.partition_point(|p| p.start < old_end).max(before);
    let region_start = places[..before].last().map_or(kept.header_end, |p| p.end);
    let index = LineIndex::new(source);
    // The first later item that starts at the same column on the line it moved to is
    // kept, and every one after it.
    let mut clean = places.len();
    let mut i = after;
    while let Some(place) = places.get(i) {
        let moved = place.start.checked_add_signed(shift)?;
        let at = line_column(&index, source, moved);
        let same = at.column == place.at.column
            && Some(at.line) == place.at.line.checked_add_signed(line_shift);
        if same && ends_cleanly(&source[region_start..moved]) {
            clean = i;
            break;
        }
        // The other items of its line moved as many columns, after the same text: none
        // is kept (and long lines are not measured again for each of their items).
        i += places[i..].partition_point(|p| p.at.line == place.at.line);
    }
    let region_end = match places.get(clean) {
        Some(p) => p.start.checked_add_signed(shift)?,
        None => source.len(),
    };
    let region = region_start..region_end;
    let (fresh, fresh_places) = parse_region(source, &index, region.clone(), kept.next_line)?;
    Some(Changed {
        before,
        clean,
        fresh,
        fresh_places,
        region,
        shift,
        line_shift,
    })
}

/// `kept` with `changed` made, for the text `source`.
fn replace(mut kept: Kept, changed: Changed, source: &str) -> Kept {
    let (before, clean) = (changed.before, changed.clean);
    let (shift, line_shift) = (changed.shift, changed.line_shift);
    kept.next_line += bytecount(&source.as_bytes()[changed.region]) + 1;
    // The macros of the items parsed again are parsed again too.
    let mut dropped: Vec<(LineColumn, LineColumn)> = kept.places[before..clean]
        .iter()
        .map(|p| (p.first, p.last))
        .collect();
    dropped.sort_unstable();
    kept.macros.retain(|place, _| !within(&dropped, place));
    let mut items = std::mem::take(&mut kept.file.items);
    let later = items.split_off(clean);
    items.truncate(before);
    items.extend(changed.fresh);
    items.extend(later);
    let mut new_places = kept.places[..before].to_vec();
    new_places.extend(changed.fresh_places);
    new_places.extend(kept.places[clean..].iter().map(|p| Place {
        start: p.start.wrapping_add_signed(shift),
        end: p.end.wrapping_add_signed(shift),
        at: LineColumn {
            line: p.at.line.wrapping_add_signed(line_shift),
            column: p.at.column,
        },
        ..*p
    }));
    kept.file.items = items;
    kept.places = new_places;
    kept.text.clear();
    kept.text.push_str(source);
    kept
}

/// Whether a macro's place lies within one of the sorted, disjoint ranges of spans.
fn within(ranges: &[(LineColumn, LineColumn)], (at, _): &MacroPlace) -> bool {
    let i = ranges.partition_point(|(first, _)| first <= at);
    i > 0 && *at <= ranges[i - 1].1
}

/// How many line feeds `bytes` holds.
fn bytecount(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// proc-macro2's line and column of a byte offset of `source`.
fn line_column(index: &LineIndex, source: &str, offset: usize) -> LineColumn {
    let (line, column) = index.line_col(source, offset);
    LineColumn {
        line,
        column: column - 1,
    }
}

/// Whether a region of text that ends where a kept item starts cannot run into it when
/// the whole file is lexed: it does not end in a `//` comment that would swallow the
/// item's first line, nor (to be safe) in a token that the item's first token could
/// extend.
fn ends_cleanly(region: &str) -> bool {
    let last_line = region.rsplit('\n').next().unwrap_or(region);
    !last_line.contains("//")
        && region
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || c == '}' || c == ';')
}

/// Parses `source[range]` as a sequence of items, padded to start on line `line` of its
/// spans, at its own column.
fn parse_region(
    source: &str,
    index: &LineIndex,
    range: Range<usize>,
    line: usize,
) -> Option<(Vec<syn::Item>, Vec<Place>)> {
    let at = line_column(index, source, range.start);
    let region = &source[range];
    let mut padded = String::with_capacity(line - 1 + at.column + region.len());
    padded.extend(std::iter::repeat_n('\n', line - 1));
    padded.extend(std::iter::repeat_n(' ', at.column));
    padded.push_str(region);
    lexed(&padded);
    let tokens: proc_macro2::TokenStream = padded.parse().ok()?;
    let (attrs, _, items) = checked_items.parse2(tokens).ok()?;
    if !attrs.is_empty() {
        return None;
    }
    Some(placed(items, index, source, line.checked_sub(at.line)?))
}

/// The items with where they lie in `source`, their spans' lines being `moved` more than
/// the lines of `source`.
fn placed(
    items: Vec<(LineColumn, LineColumn, syn::Item)>,
    index: &LineIndex,
    source: &str,
    moved: usize,
) -> (Vec<syn::Item>, Vec<Place>) {
    items
        .into_iter()
        .map(|(first, last, item)| {
            let at = LineColumn {
                line: first.line - moved,
                column: first.column,
            };
            let place = Place {
                start: offset(index, source, at.line, at.column),
                end: offset(index, source, last.line - moved, last.column),
                at,
                first,
                last,
            };
            (item, place)
        })
        .unzip()
}

fn offset(index: &LineIndex, source: &str, line: usize, column: usize) -> usize {
    index.offset_of(source, line, column)
}

/// What `syn::File`'s parser reads (inner attributes, then items), with where the inner
/// attributes end and where each item starts and ends; the nesting is checked first.
#[allow(clippy::type_complexity)]
fn checked_items(
    input: ParseStream,
) -> syn::Result<(
    Vec<syn::Attribute>,
    Option<LineColumn>,
    Vec<(LineColumn, LineColumn, syn::Item)>,
)> {
    if let Some(span) = depth::too_deep(input.cursor(), MAX_DEPTH) {
        return Err(super::too_deep(span));
    }
    let attrs = input.call(syn::Attribute::parse_inner)?;
    let header_end = (!attrs.is_empty()).then(|| input.cursor().prev_span().end());
    let mut items = Vec::new();
    while !input.is_empty() {
        let at = input.cursor().span().start();
        let item = input.parse()?;
        items.push((at, input.cursor().prev_span().end(), item));
    }
    Ok((attrs, header_end, items))
}

#[cfg(test)]
mod tests {
    use super::super::{extract, extract_kept};
    use super::*;
    use crate::frontend::words::PathPurpose;
    use std::path::Path;

    /// The Rust fixtures, and a generated module with inner attributes and many items.
    fn documents() -> Vec<(String, usize)> {
        let mut files = Vec::new();
        let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).expect("fixtures").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push((std::fs::read_to_string(&path).expect("fixture"), 16));
                }
            }
        }
        let block = "/// Saves one order.\npub async fn save_order_N(order: &Order) -> std::io::Result<()> {\n    \
            let total: u64 = order.items.iter().map(|i| i.price * i.qty).sum();\n    \
            if total > 1000 { tracing::info!(id = order.id, total, \"large\"); }\n    \
            fs::write(format!(\"/var/data/order-{}.json\", order.id), body)?; Ok(())\n}\n\n\
            static CACHE_N: Mutex<Vec<u8>> = Mutex::new(Vec::new()); fn tick_N() { loop { CACHE_N.lock().unwrap().push(1); std::thread::sleep(D); } }\n";
        let mut generated =
            "#![allow(dead_code)]\n//! A generated module.\nuse std::fs;\n\n".to_string();
        for i in 0..40 {
            generated.push_str(&block.replace('N', &i.to_string()));
        }
        files.push((generated, 150));
        files
    }

    /// Edits drawn from `seed`: characters typed or deleted (quotes, brackets, comment
    /// starts and new lines among them), lines deleted or duplicated, whole items added.
    fn edit(text: &str, seed: &mut u64) -> String {
        let mut next = |n: usize| {
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((*seed >> 33) as usize) % n.max(1)
        };
        let mut at = next(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        let mut out = text.to_string();
        match next(9) {
            0..=2 => {
                let typed = [
                    " ", "x", "\n", "}", "{", ";", "//", "\"", "#", "é", "fn", "/*",
                ];
                out.insert_str(at, typed[next(typed.len())]);
            }
            3 | 4 => {
                let mut end = (at + 1 + next(3)).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                out.replace_range(at..end, "");
            }
            5 => out.replace_range(line_start..line_end, ""),
            6 => out.insert_str(line_start, &text[line_start..line_end]),
            7 => out.insert_str(
                line_start,
                "fn added() { std::fs::write(\"/tmp/a\", b\"x\").ok(); }\n",
            ),
            _ => {
                // Replace a character by another of the same length: no position moves.
                let mut end = (at + 1).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                if text[at..end].chars().all(|c| c.is_ascii() && c != '\n') {
                    out.replace_range(at..end, &"q".repeat(end - at));
                }
            }
        }
        out
    }

    #[test]
    fn edits_give_what_a_fresh_parse_gives() {
        let module = PathPurpose::default();
        for (n, (original, rounds)) in documents().into_iter().enumerate() {
            let mut seed = n as u64;
            // Each edit is made to the last version that parsed, so edits accumulate; the
            // lints from scratch run on another thread, whose source map is emptied after
            // each of them.
            let (versions, fresh): (Vec<String>, Vec<String>) = std::thread::scope(|s| {
                s.spawn(|| {
                    let mut good = original;
                    let mut out = vec![(good.clone(), format!("{:?}", extract(&good, module)))];
                    for _ in 0..rounds {
                        let next = edit(&good, &mut seed);
                        let extracted = extract(&next, module);
                        let parses = extracted.syntax_error.is_none();
                        out.push((next.clone(), format!("{extracted:?}")));
                        if parses {
                            good = next;
                        }
                    }
                    out.into_iter().unzip()
                })
                .join()
                .expect("fresh lints")
            });
            let document = 1_000_000 + n as u64;
            for (version, expected) in versions.iter().zip(&fresh) {
                let got = format!("{:?}", extract_kept(version, module, document));
                assert!(
                    got == *expected,
                    "document {n}, text:\n{version}\nkept:  {got}\nfresh: {expected}"
                );
            }
            forget(document);
        }
    }

    /// Lints `versions` in turn as one kept document and from scratch, and compares.
    fn assert_same(versions: &[&str], document: u64) {
        let module = PathPurpose::default();
        let fresh: Vec<String> = std::thread::scope(|s| {
            s.spawn(|| {
                versions
                    .iter()
                    .map(|v| format!("{:?}", extract(v, module)))
                    .collect()
            })
            .join()
            .expect("fresh lints")
        });
        for (version, expected) in versions.iter().zip(&fresh) {
            let got = format!("{:?}", extract_kept(version, module, document));
            assert_eq!(got, *expected, "{version}");
        }
        forget(document);
    }

    #[test]
    fn edits_at_item_boundaries() {
        let write = "fn a() { std::fs::write(\"/a\", b\"x\").ok(); }";
        let cases = [
            // A same-length change that turns the rest of the line into a comment.
            [
                format!("fn z() {{}} {write}\n"),
                format!("// xxxxxx {write}\n"),
            ],
            // A same-length change that glues the text before an item to its first token.
            [
                format!("struct X; {write}\n"),
                format!("struct Xab{write}\n"),
            ],
            // A doc comment typed above an item, a block comment closed before one.
            [
                format!("fn z() {{}}\n\n{write}\n"),
                format!("fn z() {{}}\n///\n{write}\n"),
            ],
            [
                format!("fn z() {{}}\n/* c */ {write}\n"),
                format!("fn z() {{}}\n/* d */{write}\n"),
            ],
            // A `//!` comment that runs on into the next line, an inner attribute added
            // after the first ones, an item removed.
            [
                "//! Docs.\nuse std::fs;\nfn b() { fs::write(\"/a\", b\"x\").ok(); }\n".to_string(),
                "//! Docs.use std::fs;\nfn b() { fs::write(\"/a\", b\"x\").ok(); }\n".to_string(),
            ],
            [
                format!("#![allow(x)]\n{write}\nfn z() {{}}\n"),
                format!("#![allow(x)]\n#![allow(y)]\n{write}\nfn z() {{}}\n"),
            ],
            [
                format!("fn y() {{}}\n{write}\nfn z() {{}}\n"),
                "fn y() {}\n\nfn z() {}\n".to_string(),
            ],
        ];
        for (n, [old, new]) in cases.iter().enumerate() {
            assert_same(&[old, new, old], 2_000_000 + n as u64);
        }
    }

    #[test]
    fn closing_a_document_drops_its_trees() {
        use crate::frontend::{FrontendOptions, Language, TreeCache};
        let kept_here = |id| KEPT.with_borrow(|k| k.iter().any(|(d, _)| *d == id));
        let trees = TreeCache::default();
        let id = trees.id();
        let options = FrontendOptions {
            trees: Some(trees.clone()),
            ..FrontendOptions::default()
        };
        let text = "fn a() { std::fs::write(\"/a\", b\"x\").ok(); }\n";
        crate::frontend::extract(Language::Rust, text, &options).expect("in time");
        assert!(kept_here(id));
        // The options' clone goes first: the trees stay until the last clone goes.
        drop(options);
        assert!(kept_here(id));
        drop(trees);
        assert!(!kept_here(id));
    }

    #[test]
    fn an_edit_parses_only_the_items_it_touched() {
        let text = "#![allow(dead_code)]\nfn a() { f(1); }\n\nfn b() { g(2); }\nfn c() {}\n";
        let kept = parse_whole(text).expect("parses");
        assert_eq!(kept.header_end, "#![allow(dead_code)]".len());
        let firsts = |k: &Kept| k.places.iter().map(|p| p.first).collect::<Vec<_>>();
        let old = firsts(&kept);
        assert_eq!(old.len(), 3);
        let typed = text.replace("g(2)", "g(23)");
        let kept = reparse(kept, &typed).ok().expect("reparses");
        let new = firsts(&kept);
        // `b` was parsed again, on lines of its own; `a` and `c` were kept.
        assert_eq!((new[0], new[2]), (old[0], old[2]));
        assert!(new[1].line > 6, "{:?}", new[1]);
        let b = kept.places[1];
        assert_eq!(&typed[b.start..b.end], "fn b() { g(23); }");
        assert_eq!(b.at, LineColumn { line: 4, column: 0 });
        // A new line moves the later items, which are kept: their lines are mapped.
        let entered = typed.replace("fn b()", "\nfn b()");
        let kept = reparse(kept, &entered).ok().expect("reparses");
        assert_eq!(firsts(&kept), new);
        let c = kept.places[2];
        assert_eq!(c.at, LineColumn { line: 6, column: 0 });
        assert_eq!(&entered[c.start..c.end], "fn c() {}");
        let mut kept = kept;
        let lines = kept.analyse(|_, lines| lines.items.clone());
        let lines = Lines { items: lines };
        assert_eq!(lines.of(c.first.line), 6);
        assert_eq!(lines.of(new[1].line), 5);
        assert_eq!(lines.of(1), 1);
        // A region that does not parse alone: the caller parses the whole file.
        // It is given back as it was.
        let broken = entered.replace("g(23);", "g(23); }");
        let kept = reparse(kept, &broken).err().expect("does not reparse");
        assert_eq!(kept.text, entered);
        reset_spans();
    }
}
