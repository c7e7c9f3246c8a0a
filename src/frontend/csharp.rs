//! C# frontend (tree-sitter-c-sharp). Placeholder until the real frontend lands.

use super::Extracted;

/// Extracts facts from C# source.
pub fn extract(_text: &str, _implicit_namespaces: &[String]) -> Extracted {
    Extracted::default()
}
