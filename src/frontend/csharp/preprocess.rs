//! Source rewrites done before parsing, for syntax tree-sitter-c-sharp cannot parse, and
//! the code conditional compilation never compiles.

/// Rewrites, byte for byte in place, what the grammar cannot parse, so that spans still
/// point into the original text (`None`: nothing to rewrite):
/// - conditional compilation directives (a `#if` in the middle of a method chain or
///   between `catch` clauses otherwise breaks the parse), and unless `all_branches`, every
///   `#elif` / `#else` branch, keeping the first;
/// - file-based app directives (`#:sdk`, `#:package`), a `#!` line, and `#region` /
///   `#endregion` (one after a file-scoped namespace's last type breaks the parse);
/// - C# 14 extension blocks (`extension(Uri uri) { ... }`), read as nested classes;
/// - C# 14 null-conditional assignment (`order?.Status = s`), read as `order .Status = s`;
/// - `[type]`, `[method]`, ... (an index or collection element named like an attribute
///   target), which the grammar takes for an attribute target;
/// - `async`, `required` and `partial` used as names (`if (async)`, `async + " "`),
///   renamed `asyn_`, ..., and `or` / `and` as names before `)`, `.` or `;`
///   (`if (match is OrMatch or)`);
/// - list-pattern slices (`[..]`, `[.., x]`) and the empty interpolated string `$""`.
pub(super) fn rewrite_for_grammar(src: &str, all_branches: bool) -> Option<String> {
    let mut out: Vec<u8> = src.as_bytes().to_vec();
    let mut changed = false;
    let blank = |out: &mut Vec<u8>, range: std::ops::Range<usize>| {
        for b in &mut out[range] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    };
    // Per open `#if`: whether its current branch is kept.
    let mut frames: Vec<bool> = Vec::new();
    let mut offset = 0usize;
    for (index, line) in src.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start_matches('\u{feff}').trim_start();
        let directive = trimmed.strip_prefix('#').map(str::trim_start);
        let word = directive
            .map(|d| {
                d.split(|c: char| !c.is_ascii_alphabetic())
                    .next()
                    .unwrap_or("")
            })
            .unwrap_or("");
        let kept = frames.iter().all(|kept| *kept);
        let is_directive = match (directive, word) {
            (Some(_), "if") => {
                frames.push(true);
                true
            }
            (Some(_), "elif" | "else") => {
                if let Some(frame) = frames.last_mut() {
                    *frame = all_branches;
                }
                true
            }
            (Some(_), "endif") => {
                frames.pop();
                true
            }
            (Some(_), "region" | "endregion") => true,
            (Some(d), _) => d.starts_with(':') || (index == 0 && trimmed.starts_with("#!")),
            _ => false,
        };
        if is_directive || !kept {
            blank(&mut out, start..offset);
            changed = true;
            continue;
        }
        // `extension(T x)` / `extension<T>(...) where T : ...` up to its `{`.
        if let Some(rest) = trimmed.strip_prefix("extension") {
            if rest.starts_with('(') || rest.starts_with('<') {
                let at = start + (line.len() - trimmed.len());
                let header_end = src[at..].find(['{', ';', '=']);
                if let Some(brace) = header_end.filter(|&n| src.as_bytes()[at + n] == b'{') {
                    blank(&mut out, at..at + brace);
                    out[at..at + 7].copy_from_slice(b"class E");
                    changed = true;
                }
            }
        }
    }
    let bytes = src.as_bytes();
    let mut i = 0;
    while let Some(pos) = src[i..].find("?.") {
        let at = i + pos;
        i = at + 2;
        let ident_end = bytes[i..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
            .map_or(bytes.len(), |n| i + n);
        if ident_end == i || !(bytes[i].is_ascii_alphabetic() || bytes[i] == b'_') {
            continue;
        }
        let after = src[ident_end..].trim_start_matches([' ', '\t']);
        let assigns = after.strip_prefix("??=").is_some()
            || after.strip_prefix("+=").is_some()
            || after.strip_prefix("-=").is_some()
            || (after.starts_with('=') && !after[1..].starts_with(['=', '>']));
        if assigns {
            out[at] = b' ';
            changed = true;
        }
    }
    for word in [
        "[type]",
        "[method]",
        "[field]",
        "[property]",
        "[param]",
        "[event]",
        "[module]",
    ] {
        let mut i = 0;
        while let Some(pos) = src[i..].find(word) {
            let at = i + pos;
            out[at + 2] = out[at + 2].to_ascii_uppercase();
            i = at + word.len();
            changed = true;
        }
    }
    // List-pattern slices (`is [..]`, `[.., '/']`, `[first, ..]`) read as discards, and the
    // empty interpolated string `$""` as `""`.
    for (from, to) in [("[..]", "[_ ]"), ("[..,", "[_ ,"), (", ..]", ", _ ]")] {
        let mut i = 0;
        while let Some(pos) = src[i..].find(from) {
            let at = i + pos;
            out[at..at + to.len()].copy_from_slice(to.as_bytes());
            i = at + from.len();
            changed = true;
        }
    }
    let mut i = 0;
    while let Some(pos) = src[i..].find("$\"\"") {
        let at = i + pos;
        i = at + 3;
        let before = at.checked_sub(1).map(|b| bytes[b]);
        let after = bytes.get(at + 3);
        if !matches!(before, Some(b'"' | b'$' | b'@')) && after != Some(&b'"') {
            out[at] = b' ';
            changed = true;
        }
    }
    // Contextual keywords used as names: `bool async`, `if (async)`, `required.Add(k)`,
    // `partial = await Render()`. Followed by punctuation they can only be names.
    for word in ["async", "required", "partial", "or", "and"] {
        // Pattern combinators are names only in fewer places (`if (match is OrMatch or)`).
        let combinator = matches!(word, "or" | "and");
        let mut i = 0;
        while let Some(pos) = src[i..].find(word) {
            let at = i + pos;
            i = at + word.len();
            let before = at.checked_sub(1).map(|b| bytes[b]);
            if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'@') {
                continue;
            }
            let rest = src[i..].trim_start();
            let name_use = match rest.as_bytes().first() {
                Some(b')' | b'.' | b';') if combinator => true,
                _ if combinator => false,
                Some(b'.' | b')' | b',' | b';' | b'?' | b':' | b']' | b'&' | b'|' | b'+') => true,
                Some(b'=') => !rest[1..].starts_with('>'),
                Some(b'!') => rest[1..].starts_with('='),
                _ => false,
            };
            let ident_continues = bytes
                .get(i)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
            if name_use && !ident_continues {
                out[i - 1] = b'_';
                changed = true;
            }
        }
    }
    if !changed {
        return None;
    }
    String::from_utf8(out).ok()
}

/// The byte ranges of code under a `#if NAME` (or `#elif NAME`) that is never compiled: its
/// condition is one symbol that the file does not `#define` before it, that the project
/// does not define (`project`: `None` when no project file was read, and then nothing is
/// known to be undefined) and that no build defines without saying so (`sdk_symbols`,
/// `DEBUG`, `NET8_0_OR_GREATER`). A range runs from the line after the directive to the
/// start of the branch's `#elif`, `#else` or `#endif`. One pass over the lines.
pub(super) fn dead_regions(
    src: &str,
    project: Option<&std::collections::HashSet<&str>>,
) -> Vec<std::ops::Range<usize>> {
    let Some(project) = project else {
        return Vec::new();
    };
    let words = super::words::words();
    let mut defined: std::collections::HashSet<&str> = std::collections::HashSet::new();
    // Per open `#if`: where its current branch's dead code began, if it is dead.
    let mut open: Vec<Option<usize>> = Vec::new();
    let mut out = Vec::new();
    let mut offset = 0usize;
    for line in src.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let Some(directive) = line
            .trim_start_matches('\u{feff}')
            .trim_start()
            .strip_prefix('#')
            .map(str::trim_start)
        else {
            continue;
        };
        let (word, rest) = directive
            .split_once(|c: char| c.is_whitespace())
            .unwrap_or((directive.trim_end(), ""));
        let condition = rest.split("//").next().unwrap_or("").trim();
        let undefined = |symbol: &str| {
            !symbol.is_empty()
                && symbol.chars().all(|c| c.is_alphanumeric() || c == '_')
                && !defined.contains(symbol)
                && !project.contains(symbol)
                && !words.sdk_symbols.contains(symbol)
                && !words
                    .sdk_symbol_prefixes
                    .iter()
                    .any(|p| symbol.starts_with(p.as_str()))
                && !words
                    .sdk_symbol_suffixes
                    .iter()
                    .any(|s| symbol.ends_with(s.as_str()))
        };
        match word {
            "define" => {
                defined.insert(condition);
            }
            "if" => open.push(undefined(condition).then_some(offset)),
            "elif" | "else" | "endif" => {
                if let Some(Some(begin)) = open.last().copied() {
                    out.push(begin..start);
                }
                match word {
                    "endif" => {
                        open.pop();
                    }
                    "elif" => {
                        if let Some(top) = open.last_mut() {
                            *top = undefined(condition).then_some(offset);
                        }
                    }
                    _ => {
                        if let Some(top) = open.last_mut() {
                            *top = None;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::dead_regions;
    use std::collections::HashSet;

    #[test]
    fn code_under_a_symbol_nothing_defines_is_dead() {
        let src = "#define LOCAL\nclass A {\n#if NOWHERE\nvoid F() {}\n#elif LOCAL\nvoid G() {}\n#endif\n#if PROJECT\nvoid H() {}\n#else\nvoid I() {}\n#endif\n#if DEBUG\nvoid J() {}\n#endif\n}\n";
        let project = HashSet::from(["PROJECT"]);
        let dead: Vec<&str> = dead_regions(src, Some(&project))
            .into_iter()
            .map(|r| &src[r])
            .collect();
        assert_eq!(dead, ["void F() {}\n"]);
        assert!(
            dead_regions(src, None).is_empty(),
            "with no project file read, any symbol may be defined"
        );
    }
}
