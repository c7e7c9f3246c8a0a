//! `scaleout check --add-suppressions`: writes a suppression comment with a placeholder reason
//! above every reported finding, for switching scaleout on in a large codebase.
//!
//! The comment goes on its own line above the finding's line, indented like it:
//! `// scaleout: ignore[rule-id] -- TODO: ...` (all four languages use `//`), or
//! `{/* scaleout: ignore[rule-id] -- TODO: ... */}` between JSX elements, where `//` would be
//! text. A line that starts inside a multi-line string or block comment gets the comment at its
//! end instead, when it ends in code; otherwise none (it would change the string), and the
//! finding is listed for the user to handle. The findings are then
//! suppressed, so a second run finds nothing to add.

use crate::catalogue::Category;
use crate::finding::Finding;
use crate::frontend::Language;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The reason written into every added comment, for a person to replace.
pub const PLACEHOLDER: &str = "TODO: explain why this is safe with several instances";

/// What `--add-suppressions` did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Added {
    /// Comments written.
    pub comments: usize,
    /// Files changed.
    pub files: usize,
    /// Findings that got no comment: `path:line` and why.
    pub skipped: Vec<String>,
}

/// Inserts comments for `findings` (paths relative to `cwd`) into the files on disk.
/// Findings about suppression comments themselves are skipped: they need a fix, not a comment.
pub fn add_suppressions(findings: &[Finding], cwd: &Path) -> Added {
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    let mut added = Added::default();
    for f in findings {
        if f.category == Category::Suppression {
            added.skipped.push(format!(
                "{}:{}: [{}] fix or delete the comment instead",
                f.path, f.start_line, f.rule_id
            ));
        } else {
            by_file.entry(&f.path).or_default().push(f);
        }
    }
    for (path, findings) in by_file {
        let file = cwd.join(path);
        let Some(language) = Language::from_path(&file) else {
            continue;
        };
        let original = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(e) => {
                added.skipped.push(format!("{path}: cannot read: {e}"));
                continue;
            }
        };
        let (bom, text) = match original.strip_prefix('\u{feff}') {
            Some(rest) => ("\u{feff}", rest),
            None => ("", original.as_str()),
        };
        let (edited, comments, unplaced) =
            insert_comments(text, language, Syntax::of(&file), &findings);
        for line in unplaced {
            added.skipped.push(format!(
                "{path}:{line}: the line starts inside a multi-line string, comment or XML tag; add the suppression by hand"
            ));
        }
        if comments == 0 {
            continue;
        }
        match std::fs::write(&file, format!("{bom}{edited}")) {
            Ok(()) => {
                added.comments += comments;
                added.files += 1;
            }
            Err(e) => added.skipped.push(format!("{path}: cannot write: {e}")),
        }
    }
    added
}

/// `text` with a comment above each finding's line; also the number of comments and the
/// lines that could not take one.
pub fn insert_comments(
    text: &str,
    language: Language,
    syntax: Syntax,
    findings: &[&Finding],
) -> (String, usize, Vec<usize>) {
    let mut rules: BTreeMap<usize, BTreeSet<&str>> = BTreeMap::new();
    for f in findings {
        rules.entry(f.start_line).or_default().insert(&f.rule_id);
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let in_code = line_starts_in_code(text, language, syntax == Syntax::Xml);
    let mut out = String::with_capacity(text.len() + 80 * rules.len());
    let (mut comments, mut unplaced) = (0, Vec::new());
    for (i, line) in lines.iter().enumerate() {
        let Some(ids) = rules.get(&(i + 1)) else {
            out.push_str(line);
            continue;
        };
        let names: Vec<&str> = ids.iter().copied().collect();
        let directive = format!("scaleout: ignore[{}] -- {PLACEHOLDER}", names.join(", "));
        let body = line.trim_end_matches(['\r', '\n']);
        let newline = &line[body.len()..];
        if in_code.get(i).copied().unwrap_or(false) {
            let indent: String = line
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            let previous = lines[..i].iter().rev().find(|l| !l.trim().is_empty());
            let comment = match syntax {
                Syntax::Xml => format!("<!-- {} -->", directive.replacen(" -- ", " ", 1)),
                Syntax::Jsx if between_jsx_elements(previous.copied(), line) => {
                    format!("{{/* {directive} */}}")
                }
                _ => format!("// {directive}"),
            };
            let newline = if newline.is_empty() { "\n" } else { newline };
            out.push_str(&format!("{indent}{comment}{newline}{line}"));
            comments += 1;
        } else if syntax != Syntax::Xml && in_code.get(i + 1).copied().unwrap_or(true) {
            // The line starts inside a multi-line string but ends in code: a trailing comment.
            out.push_str(&format!("{body} // {directive}{newline}"));
            comments += 1;
        } else {
            unplaced.push(i + 1);
            out.push_str(line);
        }
    }
    (out, comments, unplaced)
}

/// How comments are written in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `//` comments: Rust, JavaScript, TypeScript, C#, JSON with comments, Prisma.
    Slashes,
    /// JavaScript or TypeScript with JSX (`.jsx`, `.tsx`): `{/* */}` between elements.
    Jsx,
    /// XML configuration files: `<!-- -->`, which cannot hold `--`.
    Xml,
}

impl Syntax {
    /// The comment syntax of the file at `path`.
    pub fn of(path: &Path) -> Syntax {
        match path.extension().and_then(|x| x.to_str()) {
            Some("jsx" | "tsx") => Syntax::Jsx,
            Some("config" | "xml") => Syntax::Xml,
            _ => Syntax::Slashes,
        }
    }
}

/// Whether a line sits among JSX children: it opens an element or expression and the line
/// before ends a tag. A heuristic: tags and children are told apart without a parse.
fn between_jsx_elements(previous: Option<&str>, line: &str) -> bool {
    let before = previous.map(str::trim_end).unwrap_or("");
    let starts = line.trim_start();
    before.ends_with('>')
        && !before.ends_with("=>")
        && (starts.starts_with('<') || starts.starts_with('{'))
}

/// For each line, whether it starts in code (not inside a string literal or block comment).
/// A small lexer: line and block comments, quotes, JavaScript template literals, Rust raw
/// strings and char literals, C# verbatim and raw strings. Single-line string kinds end at a
/// newline, so a misread (a JavaScript regex holding a quote) cannot spread past its line.
fn line_starts_in_code(text: &str, language: Language, xml: bool) -> Vec<bool> {
    #[derive(Clone, Copy, PartialEq)]
    enum S {
        Code,
        Block,
        /// A quoted string: closing byte, ends at a newline, `\` escapes, doubled-quote escapes.
        Str(u8, bool, bool, bool),
        /// A Rust raw string with this many `#`.
        RustRaw(usize),
        /// A C# raw string literal (`"""`).
        CsRaw,
        /// Inside an XML comment (`<!-- -->`).
        XmlComment,
        /// Inside an XML tag (`<a\n b="c">`), where no comment may go.
        XmlTag,
    }
    let b = text.as_bytes();
    let at = |i: usize, s: &str| b[i..].starts_with(s.as_bytes());
    let mut out = vec![true];
    let mut state = S::Code;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            if let S::Str(_, true, _, _) = state {
                state = S::Code;
            }
            out.push(state == S::Code);
            i += 1;
            continue;
        }
        match state {
            S::Code if xml => {
                if at(i, "<!--") {
                    state = S::XmlComment;
                    i += 4;
                    continue;
                }
                if c == b'<' {
                    state = S::XmlTag;
                }
                i += 1;
            }
            S::XmlComment | S::XmlTag => {
                let end = if state == S::XmlComment { "-->" } else { ">" };
                if at(i, end) {
                    state = S::Code;
                    i += end.len();
                } else {
                    i += 1;
                }
            }
            S::Code => {
                let ident_before = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
                if at(i, "//") {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                } else if at(i, "/*") {
                    state = S::Block;
                    i += 2;
                    continue;
                }
                match (language, c) {
                    (
                        Language::JavaScript
                        | Language::TypeScript
                        | Language::DotnetConfig
                        | Language::Prisma,
                        b'"' | b'\'',
                    ) => state = S::Str(c, true, true, false),
                    (Language::JavaScript | Language::TypeScript, b'`') => {
                        state = S::Str(c, false, true, false)
                    }
                    (Language::Rust, b'r' | b'b') if !ident_before => {
                        let start = i + usize::from(at(i, "br"));
                        if b.get(start) == Some(&b'r') {
                            let hashes = b[start + 1..].iter().take_while(|&&h| h == b'#').count();
                            if b.get(start + 1 + hashes) == Some(&b'"') {
                                state = S::RustRaw(hashes);
                                i = start + hashes + 2;
                                continue;
                            }
                        }
                    }
                    (Language::Rust, b'"') => state = S::Str(c, false, true, false),
                    (Language::CSharp, b'"') if at(i, "\"\"\"") => {
                        state = S::CsRaw;
                        i += 3;
                        continue;
                    }
                    (Language::CSharp, b'@' | b'$')
                        if at(i, "@\"") || at(i, "$@\"") || at(i, "@$\"") =>
                    {
                        state = S::Str(b'"', false, false, true);
                        i += if c == b'@' && at(i, "@\"") { 2 } else { 3 };
                        continue;
                    }
                    (Language::CSharp, b'"') => state = S::Str(c, true, true, false),
                    (Language::Rust | Language::CSharp, b'\'') => {
                        // A char literal ('x', '\n', '"'); otherwise a Rust lifetime.
                        if b.get(i + 1) == Some(&b'\\') {
                            i += 2;
                            while i < b.len() && b[i] != b'\'' && b[i] != b'\n' {
                                i += 1;
                            }
                        } else if let Some(ch) = text[i + 1..].chars().next() {
                            if text[i + 1 + ch.len_utf8()..].starts_with('\'') {
                                i += ch.len_utf8() + 1;
                            }
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            S::Block => {
                if at(i, "*/") {
                    state = S::Code;
                    i += 2;
                } else {
                    i += 1;
                }
            }
            S::Str(close, _, escapes, doubled) => {
                if escapes && c == b'\\' {
                    if b.get(i + 1) == Some(&b'\n') {
                        // A line continuation: the next line starts inside the string.
                        out.push(false);
                    }
                    i += 2;
                    continue;
                }
                if c == close {
                    if doubled && b.get(i + 1) == Some(&close) {
                        i += 2;
                        continue;
                    }
                    state = S::Code;
                }
                i += 1;
            }
            S::RustRaw(hashes) => {
                if c == b'"'
                    && b[i + 1..]
                        .iter()
                        .take(hashes)
                        .filter(|&&h| h == b'#')
                        .count()
                        == hashes
                {
                    state = S::Code;
                    i += hashes + 1;
                } else {
                    i += 1;
                }
            }
            S::CsRaw => {
                if at(i, "\"\"\"") {
                    state = S::Code;
                    i += 3;
                } else {
                    i += 1;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(text: &str, language: Language) -> Vec<bool> {
        let mut v = line_starts_in_code(text, language, false);
        v.truncate(text.lines().count());
        v
    }

    #[test]
    fn multi_line_strings_and_comments_are_not_code() {
        let js = "const a = `x\ny`;\n/* c\nd */ f();\nconst q = '\"';\ng();\n";
        assert_eq!(
            starts(js, Language::JavaScript),
            [true, false, true, false, true, true]
        );
        let rs = "let s = r#\"a\n\"b\"#;\nlet c = '\"';\nlet t = \"x\ny\";\nfn f<'a>() {}\nlet u = \"a \\\n b\";\nz();\n";
        assert_eq!(
            starts(rs, Language::Rust),
            [true, false, true, true, false, true, true, false, true]
        );
        let cs = "var s = @\"a\n\"\"b\";\nvar r = \"\"\"\nraw\n\"\"\";\nvar c = '\"';\nF();\n";
        assert_eq!(
            starts(cs, Language::CSharp),
            [true, false, true, false, false, true, true]
        );
    }

    #[test]
    fn xml_comments_go_between_elements_only() {
        let xml =
            "<nlog>\n  <!-- a\n  b -->\n  <target name=\"f\"\n    fileName=\"x.log\" />\n</nlog>\n";
        assert_eq!(
            line_starts_in_code(xml, Language::DotnetConfig, true)[..6],
            [true, true, false, true, false, true]
        );
    }

    #[test]
    fn jsx_children_get_a_jsx_comment() {
        assert!(between_jsx_elements(Some("  <div>"), "    {writeFile()}"));
        assert!(!between_jsx_elements(Some("  const f = () =>"), "    {a}"));
        assert!(!between_jsx_elements(Some("  foo();"), "  <div>"));
    }
}
