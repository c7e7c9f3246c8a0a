//! A bound, read off the tokens, on how deeply `syn` will recurse into a file.
//!
//! `syn` parses recursively and cannot be stopped, so a hostile file of a few hundred
//! kilobytes (`!!!!…x`, `move || move || …`, `fn() -> fn() -> …`, `return return …`,
//! `Box<Box<…>>`) would overflow the stack and abort the process. Brackets are bounded
//! by the engine; this counts, per statement, the tokens through which `syn` may
//! recurse without a bracket: prefix and binary operators, `|`, `<` and the keywords
//! that take an expression (`return`, `break`, `if`, ...). The count starts again where
//! `syn` parses in a loop instead: after `;`, `=>`, a comma outside closure parameters
//! and generic arguments, and a block followed by a new statement or item. It
//! overestimates (a statement with hundreds of operators counts as deep), never
//! underestimates.

use proc_macro2::{Delimiter, Group, Spacing, Span, TokenStream, TokenTree};
use std::iter::Peekable;

/// Keywords that take an expression and may nest again inside it.
const NESTING_KEYWORDS: &[&str] = &[
    "return", "break", "yield", "box", "become", "if", "match", "while", "for", "loop",
];

/// Where the estimated depth first exceeds `limit`, if it does; otherwise the same tokens,
/// to parse. The tokens are moved through, not copied: a copy of every identifier and
/// literal of the file would cost about a tenth of its parse.
pub fn too_deep(tokens: TokenStream, limit: usize) -> Result<TokenStream, Span> {
    let mut stack = vec![Level::new(tokens, 0, None)];
    while let Some(level) = stack.last_mut() {
        let Some(token) = level.tokens.next() else {
            let done = stack.pop().map(Level::finish);
            match (done, stack.last_mut()) {
                (Some(group), Some(parent)) => parent.read.push(group),
                (Some(TokenTree::Group(top)), None) => return Ok(top.stream()),
                _ => return Ok(TokenStream::new()),
            }
            continue;
        };
        match token {
            TokenTree::Group(group) => {
                let brace = group.delimiter() == Delimiter::Brace;
                let ends_statement = brace
                    && match level.tokens.peek() {
                        Some(TokenTree::Ident(next)) => next != "as",
                        Some(TokenTree::Punct(next)) => next.as_char() == '#',
                        _ => false,
                    };
                let inner = level.depth + 1;
                if ends_statement {
                    level.restart();
                }
                if inner > limit {
                    return Err(group.span());
                }
                let bracket = (group.delimiter(), group.span());
                let stream = group.stream();
                // The group's own handle dropped, its tokens are read without a copy.
                drop(group);
                stack.push(Level::new(stream, inner, Some(bracket)));
            }
            TokenTree::Ident(ident) => {
                if NESTING_KEYWORDS.iter().any(|k| ident == k) {
                    level.depth += 1;
                }
                if level.depth > limit {
                    return Err(ident.span());
                }
                level.read.push(TokenTree::Ident(ident));
            }
            TokenTree::Punct(punct) => {
                let (c, span) = (punct.as_char(), punct.span());
                // `::`, `=>`, `->` and `..` mean something of their own; other operators
                // count once per character (`&&` twice: an overestimate).
                // Inner attributes and `//!` docs are `#` `!` `[...]`, spaced or not.
                let pair = match level.tokens.peek() {
                    Some(TokenTree::Punct(next))
                        if punct.spacing() == Spacing::Joint || c == '#' =>
                    {
                        [(':', ':'), ('=', '>'), ('-', '>'), ('.', '.'), ('#', '!')]
                            .contains(&(c, next.as_char()))
                            .then(|| next.as_char())
                    }
                    _ => None,
                };
                level.read.push(TokenTree::Punct(punct));
                if let Some(second) = pair.and_then(|_| level.tokens.next()) {
                    level.read.push(second);
                }
                level.punct(c, pair);
                if level.depth > limit {
                    return Err(span);
                }
            }
            literal @ TokenTree::Literal(_) => level.read.push(literal),
        }
    }
    Ok(TokenStream::new())
}

/// One token stream being read, with the estimated depth so far.
struct Level {
    tokens: Peekable<proc_macro2::token_stream::IntoIter>,
    /// The tokens read so far, to give back.
    read: Vec<TokenTree>,
    /// The delimiter and span of the group the tokens are inside (none at the top).
    bracket: Option<(Delimiter, Span)>,
    /// The depth of the enclosing brackets.
    base: usize,
    /// The estimated depth at the current token.
    depth: usize,
    /// Single `|` seen in this statement: odd inside closure parameters.
    pipes: usize,
    /// `<` not yet closed by `>` in this statement (generic arguments, or comparisons).
    angles: usize,
}

impl Level {
    fn new(tokens: TokenStream, base: usize, bracket: Option<(Delimiter, Span)>) -> Self {
        Level {
            tokens: tokens.into_iter().peekable(),
            read: Vec::new(),
            bracket,
            base,
            depth: base,
            pipes: 0,
            angles: 0,
        }
    }

    /// The tokens read, as the group they came from (at the top, an invisible group
    /// holding the file).
    fn finish(self) -> TokenTree {
        let (delimiter, span) = self.bracket.unwrap_or((Delimiter::None, Span::call_site()));
        let mut group = Group::new(delimiter, self.read.into_iter().collect());
        group.set_span(span);
        TokenTree::Group(group)
    }

    fn restart(&mut self) {
        self.depth = self.base;
        self.pipes = 0;
        self.angles = 0;
    }

    fn punct(&mut self, c: char, pair: Option<char>) {
        match (c, pair) {
            (':', Some(':')) | ('#', Some('!')) => {}
            ('=', Some('>')) | (';', None) => self.restart(),
            ('-', Some('>')) | ('.', Some('.')) => self.depth += 1,
            (',', _) if self.pipes.is_multiple_of(2) && self.angles == 0 => self.depth = self.base,
            // Paths, fields, `?`, attributes, bindings and lifetimes are read in loops.
            (',' | '.' | '?' | '#' | ':' | '@' | '$' | '\'', _) => {}
            ('>', _) => self.angles = self.angles.saturating_sub(1),
            _ => {
                match c {
                    '|' => self.pipes += 1,
                    '<' => self.angles += 1,
                    _ => {}
                }
                self.depth += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_over(src: &str, limit: usize) -> bool {
        too_deep(src.parse().expect("tokens"), limit).is_err()
    }

    #[test]
    fn ordinary_code_is_shallow() {
        let src = "use std::fs;\n\
            fn main() -> std::io::Result<()> {\n\
                let v: Vec<Vec<u8>> = vec![vec![-1, -2, -3], vec![4]];\n\
                if a && !b || c > d { fs::write(\"x\", b\"y\")?; }\n\
                match x { A | B => {} C => {} _ => f(|a, b| a + b) }\n\
                Ok(())\n\
            }\n";
        assert!(!depth_over(src, 12));
        let table = format!("const T: [i32; 5000] = [{}];", "-1, ".repeat(5000));
        assert!(!depth_over(&table, 10));
        let items = "//! Docs.\n".repeat(2000) + &"pub fn a() -> u8 { 1 }\n".repeat(2000);
        assert!(!depth_over(&items, 10));
        let else_ifs = format!("fn f() {{ if a {{ }}{} }}", " else if a { }".repeat(2000));
        assert!(!depth_over(&else_ifs, 10));
    }

    /// Every token of `tokens` with its place, depth first.
    fn placed(tokens: TokenStream, out: &mut Vec<String>) {
        for token in tokens {
            let (start, end) = (token.span().start(), token.span().end());
            out.push(format!("{token} {start:?} {end:?}"));
            if let TokenTree::Group(group) = token {
                placed(group.stream(), out);
            }
        }
    }

    #[test]
    fn the_tokens_come_back_unchanged() {
        let src = "#![allow(x)]\n/// Docs.\nfn f() -> u8 { let v = [-1, 2]; if a { (v[0] as u8)..=3 } else { b::<T>() } }\n\
            macro_rules! m { ($x:expr) => { $x }; }\nconst S: &str = \"a\\\"b\"; 'a: loop {}\n";
        let (mut before, mut after) = (Vec::new(), Vec::new());
        placed(src.parse().unwrap(), &mut before);
        placed(too_deep(src.parse().unwrap(), 500).unwrap(), &mut after);
        assert_eq!(before, after);
        assert!(before.len() > 60);
    }

    #[test]
    fn chains_without_brackets_are_deep() {
        for chain in [
            "!".repeat(600) + "x",
            "- ".repeat(600) + "x",
            "move || ".repeat(600) + "x",
            "move |a, b| ".repeat(600) + "x",
            "return ".repeat(600) + "x",
            "a = ".repeat(600) + "x",
            ".. ".repeat(600) + "x",
            "return {x} - ".repeat(600) + "x",
        ] {
            let src = format!("fn f() {{ let x = {chain}; }}");
            assert!(depth_over(&src, 500), "{}", &chain[..20]);
        }
        for ty in [
            "fn() -> ".repeat(600) + "u8",
            "&dyn Fn() -> ".repeat(600) + "u8",
            "Box<A, ".repeat(600) + "u8" + &">".repeat(600),
        ] {
            assert!(depth_over(&format!("type T = {ty};"), 500), "{}", &ty[..20]);
        }
    }
}
