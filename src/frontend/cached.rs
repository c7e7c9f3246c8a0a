//! On-demand disk caches: files a function writes only after looking for them.
//!
//! A write whose path names a cache (`thumbCachePath`, `cache_dir.join(key)`, a local bound
//! to `Path.Combine(_paths.CachePath, id)`) in a function that first looks for the same file
//! (`File.Exists(path)`, `fs.existsSync(p)`, `path.exists()`, or reads it) fills this
//! instance's cache on a miss: the file is derived from data kept elsewhere (a thumbnail
//! rendered from the stored image, a converted subtitle, a provider's response) and another
//! instance makes its own copy on its own miss. Nothing is lost but work, so the engine marks
//! the write of low confidence ([`crate::finding::Doubt::CachedCopy`]). A write whose text
//! says it stores what the request brought or data the service keeps (`req.body`, an upload,
//! a database file) stays reported, whatever its folder is named, and so does every removal
//! (dropping a cache entry when the data changes leaves the other instances' copies stale).
//! The words are data (`cached.toml`); the function's text is read, not parsed again.

use crate::event::Definition;
use crate::frontend::words::has_word;
use serde::Deserialize;
use std::ops::Range;
use std::sync::OnceLock;

/// The embedded lists, lower-cased.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Names {
    cache: Vec<String>,
    looks: Vec<String>,
    kept: Vec<String>,
}

fn names() -> &'static Names {
    static NAMES: OnceLock<Names> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Names = toml::from_str(include_str!("cached.toml"))
            .unwrap_or_else(|e| panic!("cached.toml: {e}"));
        for list in [&mut names.cache, &mut names.looks, &mut names.kept] {
            for name in list.iter_mut() {
                name.make_ascii_lowercase();
                name.retain(|c| c != '_');
            }
        }
        names
    })
}

/// How many bindings deep a path's words are followed (`path = join(dir, key)`,
/// `dir = join(cacheRoot, "images")`).
const MAX_DEPTH: usize = 2;

/// Whether the write `call` (a byte range of `source`) in the definition at `index` fills an
/// on-demand cache: its path names a cache ([`names_cache`]), the definition looks for that
/// path before the write ([`looked_for`]), and the call's text names nothing the service
/// keeps. The file's top level never does (start-up code writing a file once).
pub fn fills_on_miss(
    definitions: &[Definition],
    index: usize,
    source: &str,
    call: Range<usize>,
) -> bool {
    let Some(definition) = definitions.get(index).filter(|_| index != 0) else {
        return false;
    };
    let Some(text) = source.get(call.clone()) else {
        return false;
    };
    let names = names();
    let kept: Vec<&str> = names.kept.iter().map(String::as_str).collect();
    if has_word(text, &kept) {
        return false;
    }
    let Some(before) = source.get(definition.span.start..call.start) else {
        return false;
    };
    path_arguments(text)
        .into_iter()
        .any(|path| names_cache(before, path, MAX_DEPTH) && looked_for(before, path))
}

/// The path arguments of a call's text: the first argument of its first call, and of its last
/// one when it is a chain (`sharp(input).resize(80).toFile(out)`), without a leading `&`,
/// `&mut ` or `await `.
fn path_arguments(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let opens: Vec<usize> = top_level_opens(text);
    for &open in opens.first().into_iter().chain(opens.last()) {
        if let Some(arg) = first_argument(&text[open + 1..]) {
            if !found.contains(&arg) {
                found.push(arg);
            }
        }
    }
    found
}

/// Byte offsets of the `(` that open the call's own argument lists (not nested ones).
fn top_level_opens(text: &str) -> Vec<usize> {
    let mut depth = 0usize;
    let mut opens = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            '(' => {
                if depth == 0 {
                    opens.push(i);
                }
                depth += 1;
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    opens
}

/// The first argument of an argument list's text (after its `(`), trimmed.
fn first_argument(text: &str) -> Option<&str> {
    let mut depth = 0usize;
    let mut end = text.len();
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => {
                end = i;
                break;
            }
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let mut arg = text[..end].trim();
    for prefix in ["&mut ", "&", "await ", "ref "] {
        arg = arg.strip_prefix(prefix).unwrap_or(arg).trim_start();
    }
    (!arg.is_empty()).then_some(arg)
}

/// Whether `path` names a cache: by its own words, or (up to `depth` bindings deep) by what
/// an identifier of it is last bound to in `before` (the function's text before the write).
fn names_cache(before: &str, path: &str, depth: usize) -> bool {
    let cache: Vec<&str> = names().cache.iter().map(String::as_str).collect();
    if has_word(path, &cache) {
        return true;
    }
    depth > 0
        && identifiers(path).any(|ident| {
            binding(before, ident).is_some_and(|value| names_cache(before, value, depth - 1))
        })
}

/// The identifiers of an expression's text (`self.root`, `Path.Combine` split at `.`).
fn identifiers(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
        .filter(|w| w.chars().next().is_some_and(|c| !c.is_ascii_digit()))
}

/// What `ident` is last bound to in `text` (`ident = value;`, `let ident: T = value`, `var
/// ident = value`): the text after `=` up to the end of the statement or line.
fn binding<'t>(text: &'t str, ident: &str) -> Option<&'t str> {
    let mut last = None;
    for (at, _) in text.match_indices(ident) {
        if !whole_word(text, at, ident.len()) {
            continue;
        }
        let rest = &text[at + ident.len()..];
        let rest = rest.trim_start();
        // A type annotation: `let dir: PathBuf = ..`, `const dir: string = ..`.
        let rest = match rest.strip_prefix(':') {
            Some(typed) if !typed.starts_with(':') => match typed.find(['=', ';', '\n']) {
                Some(eq) if typed[eq..].starts_with('=') => &typed[eq..],
                _ => continue,
            },
            _ => rest,
        };
        let Some(value) = rest.strip_prefix('=') else {
            continue;
        };
        if value.starts_with(['=', '>']) {
            continue;
        }
        let end = value.find([';', '\n']).unwrap_or(value.len());
        last = Some(value[..end].trim());
    }
    last
}

/// Whether `text[at..at + len]` is a whole identifier.
fn whole_word(text: &str, at: usize, len: usize) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    !text[..at].chars().next_back().is_some_and(ident)
        && !text[at + len..].chars().next().is_some_and(ident)
}

/// Whether a line of `before` mentions `path` and looks for a file or reads it there
/// (`if (File.Exists(path)) return path;`, `if cached.exists() {`, `fs.readFile(p, ..)`).
fn looked_for(before: &str, path: &str) -> bool {
    let simple = path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '.');
    before.lines().any(|line| {
        let mentions = if simple {
            line.match_indices(path)
                .any(|(at, _)| whole_word(line, at, path.len()))
        } else {
            line.contains(path)
        };
        mentions && looks(line)
    })
}

/// Whether a line calls one of `looks` (the name right before a `(`).
fn looks(line: &str) -> bool {
    let names = names();
    line.match_indices('(').any(|(at, _)| {
        let head = &line[..at];
        let start = head
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let name: String = head[start..]
            .chars()
            .filter(|&c| c != '_')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        !name.is_empty() && names.looks.contains(&name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fills(source: &str, call: &str) -> bool {
        let start = source.find(call).expect("call in source");
        let definitions = vec![
            Definition::default(),
            Definition {
                name: "f".into(),
                span: 0..source.len(),
                ..Definition::default()
            },
        ];
        fills_on_miss(&definitions, 1, source, start..start + call.len())
    }

    #[test]
    fn a_cache_filled_after_a_look_is_on_demand() {
        let src = "const p = path.join(cacheDir, id);\nif (fs.existsSync(p)) return p;\nconst out = await sharp(src).resize(80).toBuffer();\nawait fs.promises.writeFile(p, out);";
        assert!(fills(src, "fs.promises.writeFile(p, out)"));
        let rust = "let thumb = root.join(\"thumbs\").join(id);\nif thumb.exists() { return Ok(thumb); }\nfs::write(&thumb, bytes)?;";
        assert!(fills(rust, "fs::write(&thumb, bytes)"));
    }

    #[test]
    fn no_look_or_no_cache_word_or_kept_data_stays_reported() {
        let unlooked = "const p = path.join(cacheDir, id);\nawait fs.promises.writeFile(p, out);";
        assert!(!fills(unlooked, "fs.promises.writeFile(p, out)"));
        let storage = "const p = path.join(storageDir, id);\nif (fs.existsSync(p)) return p;\nfs.writeFileSync(p, data);";
        assert!(!fills(storage, "fs.writeFileSync(p, data)"));
        let upload = "const p = path.join(cacheDir, id);\nif (fs.existsSync(p)) return p;\nfs.writeFileSync(p, req.body);";
        assert!(!fills(upload, "fs.writeFileSync(p, req.body)"));
        let folder = "var dir = Path.Combine(CachePath, \"x\");\nif (!Directory.Exists(dir)) Directory.CreateDirectory(dir);\nvar file = Path.Combine(dir, name);\nFile.WriteAllText(file, json);";
        assert!(!fills(folder, "File.WriteAllText(file, json)"));
    }

    #[test]
    fn bindings_are_followed_two_deep() {
        let src = "var dir = Path.Combine(_paths.CachePath, \"images\");\nvar file = Path.Combine(dir, id);\nif (File.Exists(file)) return file;\nFile.WriteAllBytes(file, bytes);";
        assert!(fills(src, "File.WriteAllBytes(file, bytes)"));
        assert_eq!(
            binding("let p: PathBuf = a.join(b);", "p"),
            Some("a.join(b)")
        );
        assert_eq!(binding("if (p == q) {}", "p"), None);
    }
}
