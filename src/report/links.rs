//! Links in reports: the project's home, each built-in rule's documentation page, and
//! file paths as URIs (RFC 3986).

use crate::catalogue::Rule;
use std::path::Path;

/// The project's home page (`repository` in Cargo.toml).
pub const HOMEPAGE: &str = env!("CARGO_PKG_REPOSITORY");

/// The page of a built-in rule: `docs/rules/<id>.md` in the repository, the text of
/// `scaleout explain <id>`. User rules have no page.
pub fn rule_doc_url(rule: &Rule) -> Option<String> {
    rule.builtin.then(|| rule.help_uri())
}

/// Percent-encodes a `/`-separated path for use in a URI: everything but unreserved
/// characters, `/` and the sub-delimiters that are safe in a path segment.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            );
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A `file://` URI for a directory, ending in `/` (SARIF `originalUriBaseIds`).
pub fn directory_uri(dir: &Path) -> String {
    let mut path = dir.to_string_lossy().replace('\\', "/");
    if !path.starts_with('/') {
        // A Windows drive path: file:///C:/...
        path.insert(0, '/');
    }
    if !path.ends_with('/') {
        path.push('/');
    }
    // A colon is fine in an absolute URI's path (and needed after a drive letter).
    format!("file://{}", encode_path(&path).replace("%3A", ":"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(encode_path("src/a b#c%.js"), "src/a%20b%23c%25.js");
        assert_eq!(encode_path("src/café.rs"), "src/caf%C3%A9.rs");
        assert_eq!(encode_path("a/[id]/page.tsx"), "a/%5Bid%5D/page.tsx");
        assert_eq!(
            directory_uri(Path::new("/home/me/my repo")),
            "file:///home/me/my%20repo/"
        );
        assert_eq!(
            directory_uri(Path::new(r"C:\src\app")),
            "file:///C:/src/app/"
        );
    }
}
