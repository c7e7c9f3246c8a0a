//! The values of string literals.

use crate::frontend::flat::Node;
use crate::frontend::tree::{text, Kind};

/// A literal's source text for a builder-chain entry: bools, numbers and strings.
pub(super) fn literal_text(node: Node<'_>, src: &str) -> Option<String> {
    match node.kind_str() {
        "boolean_literal" | "integer_literal" | "real_literal" => Some(text(node, src).to_string()),
        _ => string_value(node, src),
    }
}

/// The value of a string literal, or of an interpolated string without holes.
pub(super) fn string_value(node: Node<'_>, src: &str) -> Option<String> {
    let raw = text(node, src);
    match node.kind_str() {
        "string_literal" => {
            let inner = raw.strip_suffix("u8").unwrap_or(raw);
            let inner = inner.strip_prefix('"')?.strip_suffix('"')?;
            Some(unescape(inner))
        }
        "verbatim_string_literal" => {
            let inner = raw.strip_prefix("@\"")?.strip_suffix('"')?;
            Some(inner.replace("\"\"", "\""))
        }
        "raw_string_literal" => {
            let mut parts = String::new();
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                if child.kind_str() == "raw_string_content" {
                    parts.push_str(text(child, src));
                }
            }
            Some(parts)
        }
        "interpolated_string_expression" => {
            let verbatim = raw.starts_with("$@") || raw.starts_with("@$");
            let mut parts = String::new();
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                match child.kind_str() {
                    "interpolation" => return None,
                    "string_content" | "escape_sequence" => parts.push_str(text(child, src)),
                    _ => {}
                }
            }
            Some(if verbatim {
                parts.replace("\"\"", "\"")
            } else {
                unescape(&parts)
            })
        }
        _ => None,
    }
}

/// Resolves the common escapes; others are kept as written.
fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('\'') => out.push('\''),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}
