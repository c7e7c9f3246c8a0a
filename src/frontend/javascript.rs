//! JavaScript/TypeScript frontend (tree-sitter). Placeholder.

use super::Extracted;

/// Which grammar to parse with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// JavaScript, including JSX.
    JavaScript,
    /// TypeScript.
    TypeScript,
    /// TypeScript with JSX.
    Tsx,
}

/// Extracts facts from JavaScript or TypeScript source.
pub fn extract(_text: &str, _dialect: Dialect) -> Extracted {
    Extracted::default()
}
