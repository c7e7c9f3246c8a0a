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

use proc_macro2::{Delimiter, Spacing, Span};
use syn::buffer::Cursor;

/// Keywords that take an expression and may nest again inside it.
const NESTING_KEYWORDS: &[&str] = &[
    "return", "break", "yield", "box", "become", "if", "match", "while", "for", "loop",
];

/// Where the estimated depth first exceeds `limit`, if it does. Reads the tokens in place
/// (the buffer `syn` then parses from), so checking copies none of them.
pub fn too_deep(tokens: Cursor<'_>, limit: usize) -> Option<Span> {
    let mut stack = vec![Level::new(tokens, 0)];
    while let Some(level) = stack.last_mut() {
        if level.tokens.eof() {
            stack.pop();
            continue;
        }
        if let Some((inside, delimiter, span, after)) = level.tokens.any_group() {
            level.tokens = after;
            let brace = delimiter == Delimiter::Brace;
            let ends_statement = brace
                && match (after.ident(), after.punct()) {
                    (Some((next, _)), _) => next != "as",
                    (_, Some((next, _))) => next.as_char() == '#',
                    _ => false,
                };
            let inner = level.depth + 1;
            if ends_statement {
                level.restart();
            }
            if inner > limit {
                return Some(span.join());
            }
            stack.push(Level::new(inside, inner));
        } else if let Some((ident, after)) = level.tokens.ident() {
            level.tokens = after;
            if NESTING_KEYWORDS.iter().any(|k| ident == k) {
                level.depth += 1;
            }
            if level.depth > limit {
                return Some(ident.span());
            }
        } else if let Some((punct, after)) = level.tokens.punct() {
            level.tokens = after;
            let c = punct.as_char();
            // `::`, `=>`, `->` and `..` mean something of their own; other operators
            // count once per character (`&&` twice: an overestimate).
            // Inner attributes and `//!` docs are `#` `!` `[...]`, spaced or not.
            let pair = match after.punct() {
                Some((next, rest)) if punct.spacing() == Spacing::Joint || c == '#' => {
                    let pair = [(':', ':'), ('=', '>'), ('-', '>'), ('.', '.'), ('#', '!')]
                        .contains(&(c, next.as_char()));
                    if pair {
                        level.tokens = rest;
                    }
                    pair.then(|| next.as_char())
                }
                _ => None,
            };
            level.punct(c, pair);
            if level.depth > limit {
                return Some(punct.span());
            }
        } else {
            // Literals, and the `'` of a lifetime or label (its name is read next).
            match level.tokens.token_tree() {
                Some((_, after)) => level.tokens = after,
                None => {
                    stack.pop();
                }
            }
        }
    }
    None
}

/// One token stream being read, with the estimated depth so far.
struct Level<'a> {
    tokens: Cursor<'a>,
    /// The depth of the enclosing brackets.
    base: usize,
    /// The estimated depth at the current token.
    depth: usize,
    /// Single `|` seen in this statement: odd inside closure parameters.
    pipes: usize,
    /// `<` not yet closed by `>` in this statement (generic arguments, or comparisons).
    angles: usize,
}

impl<'a> Level<'a> {
    fn new(tokens: Cursor<'a>, base: usize) -> Self {
        Level {
            tokens,
            base,
            depth: base,
            pipes: 0,
            angles: 0,
        }
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
        let buffer = syn::buffer::TokenBuffer::new2(src.parse().expect("tokens"));
        too_deep(buffer.begin(), limit).is_some()
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
