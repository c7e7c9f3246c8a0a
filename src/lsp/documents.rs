//! Open documents: their text as the editor has it, kept in sync with full and
//! incremental changes, and where they live on disk.

use super::utf16;
use crate::discover::display_path;
use crate::frontend::{Language, TreeCache};
use crate::position::LineIndex;
use lsp_types::{TextDocumentContentChangeEvent, Uri};
use std::path::PathBuf;

/// One document the editor has open.
#[derive(Debug, Clone)]
pub struct OpenDocument {
    /// The unsaved text.
    pub text: String,
    /// The editor's version number of `text`.
    pub version: i32,
    /// What it is written in; `None` for a language scaleout does not read.
    pub language: Option<Language>,
    /// The file on disk, for `file:` URIs.
    pub path: Option<PathBuf>,
    /// The path shown to the engine: relative to the workspace folder holding it.
    pub shown: String,
    /// The directory `shown` is relative to (empty when `shown` is absolute or not a path).
    pub base: PathBuf,
    /// The syntax trees of its last lint, from which the next one parses incrementally.
    pub trees: TreeCache,
}

impl OpenDocument {
    /// A document opened with `text`; `language_id` is the editor's language identifier,
    /// used when the file name has no extension scaleout knows (unsaved buffers).
    pub fn new(
        uri: &Uri,
        language_id: &str,
        version: i32,
        text: String,
        roots: &[PathBuf],
    ) -> Self {
        let path = file_path(uri);
        let language = path
            .as_deref()
            .and_then(Language::from_path)
            .or_else(|| language_from_id(language_id));
        let root = path.as_ref().and_then(|p| {
            roots
                .iter()
                .filter(|r| p.starts_with(r))
                .max_by_key(|r| r.as_os_str().len())
        });
        let base = root.cloned().unwrap_or_default();
        let shown = match &path {
            Some(p) => display_path(p, &base),
            None => uri.path().as_str().to_string(),
        };
        OpenDocument {
            text,
            version,
            language,
            path,
            shown,
            base,
            trees: TreeCache::default(),
        }
    }

    /// Applies the changes of one `didChange`, in order: a change with a range replaces
    /// that range (UTF-16 positions), one without replaces the whole text.
    pub fn apply(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let index = LineIndex::new(&self.text);
                    let start = utf16::offset(&index, &self.text, range.start);
                    let end = utf16::offset(&index, &self.text, range.end).max(start);
                    self.text.replace_range(start..end, &change.text);
                }
                None => self.text = change.text,
            }
        }
        self.version = version;
    }
}

/// The editor's language identifiers for the languages scaleout reads.
fn language_from_id(id: &str) -> Option<Language> {
    match id {
        "rust" => Some(Language::Rust),
        "javascript" | "javascriptreact" => Some(Language::JavaScript),
        "typescript" | "typescriptreact" => Some(Language::TypeScript),
        "csharp" => Some(Language::CSharp),
        _ => None,
    }
}

/// The local path of a `file:` URI, percent-decoded. `None` for other schemes or a
/// path that does not decode to UTF-8.
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    if !uri
        .scheme()
        .is_some_and(|s| s.as_str().eq_ignore_ascii_case("file"))
    {
        return None;
    }
    let decoded = percent_decode(uri.path().as_str())?;
    // `file:///C:/dir` has the path `/C:/dir`; the drive letter starts a Windows path.
    let windows_drive = decoded.len() > 2
        && decoded.as_bytes()[2] == b':'
        && decoded.as_bytes()[1].is_ascii_alphabetic();
    if cfg!(windows) && windows_drive {
        return Some(PathBuf::from(&decoded[1..]));
    }
    Some(PathBuf::from(decoded))
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    fn uri(s: &str) -> Uri {
        s.parse().unwrap()
    }

    #[test]
    fn decodes_file_uris_and_relative_paths() {
        let u = uri("file:///work/my%20app/src/caf%C3%A9.ts");
        assert_eq!(
            file_path(&u),
            Some(PathBuf::from("/work/my app/src/café.ts"))
        );
        assert_eq!(file_path(&uri("untitled:Untitled-1")), None);
        assert_eq!(file_path(&uri("file:///bad%FF.ts")), None);
        let doc = OpenDocument::new(
            &u,
            "typescript",
            1,
            String::new(),
            &[PathBuf::from("/work"), PathBuf::from("/work/my app")],
        );
        assert_eq!(doc.shown, "src/café.ts");
        assert_eq!(doc.language, Some(Language::TypeScript));
        let doc = OpenDocument::new(&uri("untitled:Untitled-1"), "csharp", 1, String::new(), &[]);
        assert_eq!(
            (doc.shown.as_str(), doc.language),
            ("Untitled-1", Some(Language::CSharp))
        );
    }

    #[test]
    fn applies_incremental_and_full_changes() {
        let mut doc = OpenDocument::new(
            &uri("file:///p/a.js"),
            "javascript",
            1,
            "é😀x\nline two\n".into(),
            &[],
        );
        let change = |range: Option<Range>, text: &str| TextDocumentContentChangeEvent {
            range,
            range_length: None,
            text: text.into(),
        };
        doc.apply(
            2,
            vec![
                // Replace 'x' (after 3 UTF-16 units) with 'yz', then join the lines.
                change(
                    Some(Range::new(Position::new(0, 3), Position::new(0, 4))),
                    "yz",
                ),
                change(
                    Some(Range::new(Position::new(0, 5), Position::new(1, 0))),
                    " ",
                ),
            ],
        );
        assert_eq!(doc.text, "é😀yz line two\n");
        assert_eq!(doc.version, 2);
        doc.apply(3, vec![change(None, "fresh")]);
        assert_eq!(doc.text, "fresh");
        // Ranges past the end are clamped rather than refused.
        doc.apply(
            4,
            vec![change(
                Some(Range::new(Position::new(9, 0), Position::new(9, 9))),
                "!",
            )],
        );
        assert_eq!(doc.text, "fresh!");
    }
}
