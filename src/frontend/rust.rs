//! Rust frontend, built on `syn`.
//!
//! One parse and one walk per file. Call targets are resolved through `use`
//! trees (groups, `self`, renames, globs, scoped per module and block), local
//! items and `let` bindings shadow imports, and method chains rooted at an
//! associated-function call (`OpenOptions::new().append(true).open(p)`) or at a
//! variable holding one become `Type::method` events carrying the builder chain.
//! Contexts: unbounded loops, spawned tasks/threads (and local functions called
//! from them), retry/error handling, and test code.

mod actors;
mod bindings;
mod body;
mod depth;
mod kept;
mod local_types;
mod macros;
mod param_writes;
mod receivers;
mod recurring;
mod scope;
mod shapes;
mod statics;
mod symbols;
mod tickers;
mod walk;
mod words;

use super::words::PathPurpose;
use super::{Extracted, SyntaxError};
use std::borrow::Cow;
use syn::visit::Visit;

pub use kept::forget;

/// Extracts facts from Rust source. `syn` has no error recovery, so a file that
/// does not parse yields no facts and a [`SyntaxError`] at the offending token. `module` is
/// what the file's module name says about the paths it writes.
pub fn extract(text: &str, module: PathPurpose) -> Extracted {
    // Positions are those of one file: nothing parsed for another may be reused.
    macros::forget_parsed();
    let source = sanitize(text);
    let result = match parse(&source) {
        Ok(file) => analyse(&file, &source, module, None),
        Err(error) => syntax_error(&source, &error),
    };
    // Every span has been converted to a byte offset by now; drop the thread's
    // source map so long runs do not accumulate every file parsed on this thread.
    kept::reset_spans();
    macros::forget_parsed();
    result
}

/// [`extract`] for a document linted again after edits (the language server): its
/// unchanged top-level items are taken from its last parse on this thread, only the
/// changed ones are lexed and parsed (see [`kept`]), and the walks run over the whole
/// file as [`extract`]'s do. `document` tells the documents apart (see [`forget`]).
pub fn extract_kept(text: &str, module: PathPurpose, document: u64) -> Extracted {
    macros::forget_parsed();
    let source = sanitize(text);
    // While the text does not parse, its last version that did is kept, so that the first
    // lint after the repair parses only what changed since.
    let (parsed, last_good) = match kept::take(document).map(|k| kept::reparse(k, &source)) {
        Some(Ok(parsed)) => (Ok(parsed), None),
        Some(Err(last_good)) => (kept::parse_whole(&source), Some(*last_good)),
        None => (kept::parse_whole(&source), None),
    };
    let (result, parsed) = match parsed {
        Ok(mut parsed) => (
            parsed.analyse(|file, lines| analyse(file, &source, module, Some(lines))),
            Some(parsed),
        ),
        Err(error) => (syntax_error(&source, &error), last_good),
    };
    macros::forget_parsed();
    kept::settle(document, parsed);
    result
}

/// The facts of a parsed file; `lines` maps its spans' lines to those of `source` (see
/// [`kept`]).
fn analyse(
    file: &syn::File,
    source: &str,
    module: PathPurpose,
    lines: Option<&kept::Lines>,
) -> Extracted {
    let mut walker = walk::Walker::new(source);
    walker.module = module;
    walker.lines = lines;
    walker.visit_file(file);
    let definitions = symbols::collect(file, &walker, source);
    let mut facts = walker.finish();
    facts.definitions = definitions;
    Extracted {
        facts,
        syntax_error: None,
    }
}

/// No facts, and where and why `source` did not parse.
fn syntax_error(source: &str, error: &syn::Error) -> Extracted {
    let offset = walk::Walker::new(source).offset(error.span().start());
    Extracted {
        facts: Default::default(),
        syntax_error: Some(SyntaxError {
            offset,
            message: error.to_string(),
        }),
    }
}

/// Nesting (brackets and bracket-free chains, see [`depth`]) beyond which `syn` is not
/// run, as it could exhaust the stack.
const MAX_DEPTH: usize = 500;

/// Lexes, then parses the tokens (what `syn::parse_str` does), checking the nesting
/// first on the buffer `syn` parses from.
fn parse(source: &str) -> syn::Result<syn::File> {
    let tokens: proc_macro2::TokenStream = source.parse().map_err(syn::Error::from)?;
    let checked = |input: syn::parse::ParseStream| {
        if let Some(span) = depth::too_deep(input.cursor(), MAX_DEPTH) {
            return Err(too_deep(span));
        }
        input.parse::<syn::File>()
    };
    syn::parse::Parser::parse2(checked, tokens)
}

/// The error for tokens nested beyond [`MAX_DEPTH`] at `span`.
fn too_deep(span: proc_macro2::Span) -> syn::Error {
    syn::Error::new(
        span,
        format!("nested too deeply to analyse (more than {MAX_DEPTH} levels)"),
    )
}

/// Blanks what `syn` cannot parse before the first item — a byte-order mark, a
/// `#!` interpreter line and cargo-script `---` frontmatter — with spaces, so byte
/// offsets and line numbers stay those of `text`.
fn sanitize(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut blank_to = 0;
    if text.starts_with('\u{feff}') {
        blank_to = '\u{feff}'.len_utf8();
    }
    let rest = &text[blank_to..];
    if rest.starts_with("#!") && !rest[2..].trim_start().starts_with('[') {
        blank_to += rest.find('\n').unwrap_or(rest.len());
    }
    // Frontmatter: the first non-blank line is a fence of three or more dashes,
    // closed by a later line that starts with the same fence.
    let after = &text[blank_to..];
    let lead = after.len() - after.trim_start_matches([' ', '\t', '\r', '\n']).len();
    let body = &after[lead..];
    let dashes = body.len() - body.trim_start_matches('-').len();
    if dashes >= 3 {
        let fence = &body[..dashes];
        let open_end = body.find('\n').unwrap_or(body.len());
        let mut line_start = open_end + 1;
        while line_start < body.len() {
            let line_end = body[line_start..]
                .find('\n')
                .map_or(body.len(), |i| line_start + i);
            if body[line_start..line_end].trim_end().starts_with(fence) {
                blank_to += lead + line_end;
                break;
            }
            line_start = line_end + 1;
        }
    }
    if blank_to == 0 {
        return Cow::Borrowed(text);
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend(
        bytes[..blank_to]
            .iter()
            .map(|&b| if b == b'\n' { b'\n' } else { b' ' }),
    );
    out.extend_from_slice(&bytes[blank_to..]);
    // Only whole characters before `blank_to` were replaced, by ASCII spaces.
    Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| text.to_string()))
}

#[cfg(test)]
mod tests;
