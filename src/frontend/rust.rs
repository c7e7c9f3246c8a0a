//! Rust frontend (syn). Placeholder until the real frontend lands.

use super::Extracted;

/// Extracts facts from Rust source.
pub fn extract(_text: &str) -> Extracted {
    Extracted::default()
}
