//! `syn` trees kept between lints of one document (the language server), so that an edit
//! lexes and parses only the top-level items it touched; the walks still run over the
//! whole file.
//!
//! `proc_macro2` finds a span's line and column through a source map kept per thread, and
//! `syn` trees are neither `Send` nor `Sync`: the trees are kept on the thread that parsed
//! them, keyed by the document, and that thread's source map is kept alive while they are
//! (see [`settle`]). A changed region is lexed padded with the newlines and spaces that
//! precede it in the new text, so its spans give the line and column of the new text
//! directly, as the kept items' spans still do: every position goes through
//! `Walker::offset` unchanged.
//!
//! An edit is found by comparing the kept text with the new one (common prefix and
//! suffix). Items wholly before it are kept; items wholly after it are kept only when
//! they start at the same line and column as before (typing within a line; a new line
//! moves everything after it, which is then parsed again). Everything else, with the gaps
//! between items, is parsed again as a sequence of items; when that fails the whole file
//! is parsed, which reports the syntax error as a scan does.

use super::macros::{self, ParsedBodies};
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
    pub(super) file: syn::File,
    /// Where the file's inner attributes end (0 without any): an edit before this point
    /// parses the whole file.
    header_end: usize,
    /// The byte range and start of each of `file.items`, in order.
    places: Vec<Place>,
    /// The bodies of the macros in `file`, parsed by the walks.
    macros: ParsedBodies,
}

/// Where one top-level item lies.
#[derive(Clone, Copy)]
struct Place {
    start: usize,
    end: usize,
    at: LineColumn,
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
    let header_end = header_end.map_or(0, |at| offset(&index, source, at));
    let (items, places) = placed(items, &index, source);
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
        macros: ParsedBodies::default(),
    })
}

impl Kept {
    /// Runs `analyse` over the file, with the macro bodies parsed by earlier runs.
    pub(super) fn analyse<T>(&mut self, analyse: impl FnOnce(&syn::File) -> T) -> T {
        macros::restore_parsed(std::mem::take(&mut self.macros));
        let result = analyse(&self.file);
        self.macros = macros::take_parsed();
        result
    }
}

/// `kept` updated to `source`, parsing only what changed; `None` when the changed part
/// does not parse on its own (the caller then parses the whole file).
pub(super) fn reparse(mut kept: Kept, source: &str) -> Option<Kept> {
    let (start, old_end, new_end) = reuse::changed(&kept.text, source);
    if start < kept.header_end {
        return None;
    }
    let shift = new_end as isize - old_end as isize;
    let places = &kept.places;
    let before = places.partition_point(|p| p.end <= start);
    let after = places.partition_point(|p| p.start < old_end).max(before);
    let region_start = places[..before].last().map_or(kept.header_end, |p| p.end);
    let index = LineIndex::new(source);
    // Later items keep their places only when no line was added or removed; then the
    // first of them that starts where it did, and every one after it, are kept.
    let newlines = |text: &str, range: Range<usize>| bytecount(&text.as_bytes()[range]);
    let mut clean = places.len();
    if newlines(&kept.text, start..old_end) == newlines(source, start..new_end) {
        for (i, place) in places.iter().enumerate().skip(after) {
            let moved = place.start.checked_add_signed(shift)?;
            if line_column(&index, source, moved) == place.at
                && ends_cleanly(&source[region_start..moved])
            {
                clean = i;
                break;
            }
        }
    }
    let region_end = match places.get(clean) {
        Some(p) => p.start.checked_add_signed(shift)?,
        None => source.len(),
    };
    let (fresh, fresh_places) = parse_region(source, &index, region_start..region_end)?;
    // The macros of the items parsed again are parsed again too.
    let first = line_column(&index, source, region_start);
    let last = (clean < places.len()).then(|| line_column(&index, source, region_end));
    kept.macros
        .retain(|(at, _), _| *at < first || last.is_some_and(|last| *at >= last));
    let mut items = std::mem::take(&mut kept.file.items);
    let later = items.split_off(clean);
    items.truncate(before);
    items.extend(fresh);
    items.extend(later);
    let mut new_places = kept.places[..before].to_vec();
    new_places.extend(fresh_places);
    new_places.extend(kept.places[clean..].iter().map(|p| Place {
        start: p.start.wrapping_add_signed(shift),
        end: p.end.wrapping_add_signed(shift),
        at: p.at,
    }));
    kept.file.items = items;
    kept.places = new_places;
    kept.text.clear();
    kept.text.push_str(source);
    Some(kept)
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
/// the whole file is lexed: it does not end in a token that the item's first token would
/// extend, nor in a `//` comment that would swallow the item's first line.
fn ends_cleanly(region: &str) -> bool {
    let last_line = region.rsplit('\n').next().unwrap_or(region);
    !last_line.contains("//")
        && region
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || c == '}' || c == ';')
}

/// Parses `source[range]` as a sequence of items, padded so that its spans give lines and
/// columns of `source`.
fn parse_region(
    source: &str,
    index: &LineIndex,
    range: Range<usize>,
) -> Option<(Vec<syn::Item>, Vec<Place>)> {
    let at = line_column(index, source, range.start);
    let region = &source[range];
    let mut padded = String::with_capacity(at.line - 1 + at.column + region.len());
    padded.extend(std::iter::repeat_n('\n', at.line - 1));
    padded.extend(std::iter::repeat_n(' ', at.column));
    padded.push_str(region);
    lexed(&padded);
    let tokens: proc_macro2::TokenStream = padded.parse().ok()?;
    let (attrs, _, items) = checked_items.parse2(tokens).ok()?;
    if !attrs.is_empty() {
        return None;
    }
    Some(placed(items, index, source))
}

/// The items with their byte ranges in `source`.
fn placed(
    items: Vec<(LineColumn, LineColumn, syn::Item)>,
    index: &LineIndex,
    source: &str,
) -> (Vec<syn::Item>, Vec<Place>) {
    items
        .into_iter()
        .map(|(at, end, item)| {
            let place = Place {
                start: offset(index, source, at),
                end: offset(index, source, end),
                at,
            };
            (item, place)
        })
        .unzip()
}

fn offset(index: &LineIndex, source: &str, at: LineColumn) -> usize {
    index.offset_of(source, at.line, at.column)
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
            // An inner attribute added after the first ones, an item removed.
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
    fn typing_in_one_item_parses_only_that_item() {
        let text = "#![allow(dead_code)]\nfn a() { f(1); }\n\nfn b() { g(2); }\nfn c() {}\n";
        let kept = parse_whole(text).expect("parses");
        assert_eq!(kept.places.len(), 3);
        assert_eq!(kept.header_end, "#![allow(dead_code)]".len());
        let typed = text.replace("g(2)", "g(23)");
        let before = LEXED.get();
        let kept = reparse(kept, &typed).expect("reparses");
        // Padding up to line 4, and the item `b` with the gap before it.
        assert!(LEXED.get() - before < 100, "{}", LEXED.get() - before);
        assert_eq!(kept.places.len(), 3);
        assert_eq!(
            &typed[kept.places[1].start..kept.places[1].end],
            "fn b() { g(23); }"
        );
        // A new line moves every later item: they are parsed again.
        let entered = typed.replace("fn b()", "\nfn b()");
        let kept = reparse(kept, &entered).expect("reparses");
        assert_eq!(kept.places[2].at, LineColumn { line: 6, column: 0 });
        // A region that does not parse alone: the caller parses the whole file.
        assert!(reparse(kept, &entered.replace("g(23);", "g(23); }")).is_none());
        reset_spans();
    }
}
