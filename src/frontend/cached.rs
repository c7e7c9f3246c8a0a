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
    folders: Vec<String>,
    request_data: Vec<String>,
}

fn names() -> &'static Names {
    static NAMES: OnceLock<Names> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Names = toml::from_str(include_str!("cached.toml"))
            .unwrap_or_else(|e| panic!("cached.toml: {e}"));
        for list in [
            &mut names.cache,
            &mut names.looks,
            &mut names.kept,
            &mut names.folders,
        ] {
            for name in list.iter_mut() {
                name.make_ascii_lowercase();
                name.retain(|c| c != '_');
            }
        }
        for text in names.request_data.iter_mut() {
            text.make_ascii_lowercase();
        }
        names
    })
}

/// How many bindings deep a path's words are followed (`path = join(dir, key)`,
/// `dir = join(cacheRoot, "images")`).
const MAX_DEPTH: usize = 2;

/// The most texts (the path and the bindings found) [`names_cache`] reads for one write.
const MAX_TEXTS: usize = 16;

/// Whether the write `call` (a byte range of `source`) in the definition at `index` fills an
/// on-demand cache: its path names a cache and nothing the service keeps ([`names_cache`]),
/// the definition looks for that path before the write and uses it on a hit
/// ([`looked_for`]), and neither the call's text names kept data nor the definition's text
/// handles what the request brought (`request_data`). The file's top level never does
/// (start-up code writing a file once).
pub fn fills_on_miss(
    definitions: &[Definition],
    index: usize,
    source: &str,
    call: Range<usize>,
) -> bool {
    let Some(definition) = definitions.get(index).filter(|_| index != 0) else {
        return false;
    };
    let (Some(text), Some(body), Some(before)) = (
        source.get(call.clone()),
        source.get(definition.span.clone()),
        source.get(definition.span.start..call.start),
    ) else {
        return false;
    };
    let names = names();
    let kept: Vec<&str> = names.kept.iter().map(String::as_str).collect();
    if has_word(text, &kept) {
        return false;
    }
    let lower = body.to_ascii_lowercase();
    if names
        .request_data
        .iter()
        .any(|t| lower.contains(t.as_str()))
    {
        return false;
    }
    let helpers = Helpers {
        definitions,
        source,
        own: index,
    };
    let folder = has_word(
        text,
        &names.folders.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    path_arguments(text).into_iter().any(|path| {
        names_cache(before, path, &helpers)
            && (looked_for(before, path) || (folder && looked_inside(before, path)))
    })
}

/// The file's functions, to read what a helper returning a path says (`GetThumbCachePath(id)`).
struct Helpers<'a> {
    definitions: &'a [Definition],
    source: &'a str,
    /// The definition that writes, never its own helper.
    own: usize,
}

impl<'a> Helpers<'a> {
    /// The text of the file's function named `name`, other than the writer itself: its
    /// signature and body (the path it returns).
    fn text(&self, name: &str) -> Option<&'a str> {
        self.definitions
            .iter()
            .enumerate()
            .skip(1)
            .find(|(i, d)| *i != self.own && d.name == name && d.type_info.is_none())
            .and_then(|(_, d)| self.source.get(d.span.clone()))
    }
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

/// Whether `path` names a cache: its own text or what an identifier of it is last bound to
/// in `before` (the function's text before the write), up to [`MAX_DEPTH`] bindings deep,
/// has a word of `cache`, and none of them has a word of `kept` (`thumb = join(UPLOADS, id)`
/// is an upload's file).
fn names_cache<'a>(before: &'a str, path: &'a str, helpers: &Helpers<'a>) -> bool {
    let names = names();
    let cache: Vec<&str> = names.cache.iter().map(String::as_str).collect();
    let kept: Vec<&str> = names.kept.iter().map(String::as_str).collect();
    let mut texts = vec![path];
    let mut next = 0;
    for _ in 0..MAX_DEPTH {
        let end = texts.len();
        for i in next..end {
            let found: Vec<&str> = identifiers(texts[i])
                .filter_map(|ident| binding(before, ident).or_else(|| helpers.text(ident)))
                .collect();
            texts.extend(found);
            texts.truncate(MAX_TEXTS);
        }
        next = end;
    }
    texts.iter().any(|t| has_word(t, &cache)) && !texts.iter().any(|t| has_word(t, &kept))
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
        // A pattern's binding: `if let Some(dir) = path.parent()`, `Ok(file) = open(..)`.
        let rest = text[at + ident.len()..].trim_start_matches([')', ' ']);
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

/// Whether a line of `before` looks for a file whose path is bound to one built on `folder`,
/// or that `folder` is taken from, and uses it on a hit (see [`looked_for`]): the folder made
/// for the entry of a cache-aside (`mkdir(CACHE_DIR)` before writing `join(CACHE_DIR, key)`
/// that was looked for first, `create_dir_all(entry.parent())`).
fn looked_inside(before: &str, folder: &str) -> bool {
    let mut entries = Vec::new();
    for line in before.lines() {
        if let Some((ident, value)) = assignment(line) {
            if mentions(value, folder) {
                entries.push(ident);
            }
        }
    }
    // The folder taken from the entry's path (`if let Some(parent) = entry.parent()`).
    let from_entry = binding(before, folder).into_iter().flat_map(identifiers);
    entries
        .into_iter()
        .chain(from_entry)
        .any(|entry| entry != folder && looked_for(before, entry))
}

/// The identifier and value of a line that binds one (`const p = join(dir, id);`).
fn assignment(line: &str) -> Option<(&str, &str)> {
    let ident = identifiers(line.split('=').next()?).last()?;
    binding(line, ident).map(|value| (ident, value))
}

/// Whether `text` mentions `path`: as a whole identifier when it is one, else as text.
fn mentions(text: &str, path: &str) -> bool {
    let simple = path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '.');
    if simple {
        text.match_indices(path)
            .any(|(at, _)| whole_word(text, at, path.len()))
    } else {
        text.contains(path)
    }
}

/// How many lines after a look a `return` may use the file it found.
const HIT_LINES: usize = 3;

/// Whether a line of `before` mentions `path` and looks for a file or reads it there, and the
/// function uses what it found on a hit: the look is negated (`if (!File.Exists(path)) {`,
/// `if !thumb.exists() {`: the write is the miss's branch) or a `return` follows within
/// [`HIT_LINES`] lines (`if (fs.existsSync(p)) return p;`). A look whose hit goes on to the
/// write (`if (fs.existsSync(file)) { merge(JSON.parse(..)) }`, a file kept up to date)
/// fills no cache.
fn looked_for(before: &str, path: &str) -> bool {
    let lines: Vec<&str> = before.lines().collect();
    lines.iter().enumerate().any(|(i, line)| {
        mentions(line, path)
            && looks(line)
            && (negated(line)
                || lines[i..lines.len().min(i + 1 + HIT_LINES)]
                    .iter()
                    .any(|l| has_word(l, &["return"])))
    })
}

/// Whether a line negates what it tests (`!File.Exists(p)`, `!p.exists()`, `is false`), not
/// only compares (`!=`); a `!` after a name or a closing bracket is no negation (C#'s
/// `path!`, a Rust macro's `format!(..)`).
fn negated(line: &str) -> bool {
    line.match_indices('!').any(|(at, _)| {
        !line[at + 1..].starts_with('=')
            && !line[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ')' | ']'))
    }) || line.contains("== false")
        || line.contains("is false")
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
        let merged = "const file = path.join(cacheDir, id);\nif (fs.existsSync(file)) {\n  Object.assign(draft, JSON.parse(fs.readFileSync(file)));\n}\nfs.writeFileSync(file, JSON.stringify(draft));";
        assert!(!fills(
            merged,
            "fs.writeFileSync(file, JSON.stringify(draft))"
        ));
        let kept = "const dir = path.join(UPLOADS, id);\nconst thumb = path.join(dir, 'thumb.png');\nif (fs.existsSync(thumb)) return thumb;\nfs.writeFileSync(thumb, png);";
        assert!(!fills(kept, "fs.writeFileSync(thumb, png)"));
        let body = "const p = path.join(cacheDir, id);\nif (fs.existsSync(p)) return p;\nconst data = req.file.buffer;\nfs.writeFileSync(p, data);";
        assert!(!fills(body, "fs.writeFileSync(p, data)"));
    }

    #[test]
    fn a_helper_returning_the_path_and_the_folder_of_the_entry() {
        let src = "string ThumbCachePath(string id) => Path.Combine(_paths.DataPath, \"thumb-cache\", id);\nstring Get(string id)\n{\n    var file = ThumbCachePath(id);\n    if (File.Exists(file)) return file;\n    File.WriteAllBytes(file, Render(id));\n}";
        let start = src.find("File.WriteAllBytes").unwrap();
        let helper_end = src.find('\n').unwrap();
        let definitions = vec![
            Definition::default(),
            Definition {
                name: "ThumbCachePath".into(),
                span: 0..helper_end,
                ..Definition::default()
            },
            Definition {
                name: "Get".into(),
                span: helper_end + 1..src.len(),
                ..Definition::default()
            },
        ];
        assert!(fills_on_miss(
            &definitions,
            2,
            src,
            start..start + "File.WriteAllBytes(file, Render(id))".len()
        ));
        let mkdir = "const target = path.join(CACHE_DIR, id);\nif (fs.existsSync(target)) return target;\nfs.mkdirSync(CACHE_DIR, { recursive: true });";
        assert!(fills(mkdir, "fs.mkdirSync(CACHE_DIR, { recursive: true })"));
        let written = "const target = path.join(CACHE_DIR, id);\nif (fs.existsSync(target)) return target;\nfs.writeFileSync(CACHE_DIR, x);";
        assert!(!fills(written, "fs.writeFileSync(CACHE_DIR, x)"));
    }

    #[test]
    fn a_negated_look_guards_the_miss() {
        let src = "var path = GetThumbnailPath(id);\nif (!File.Exists(path))\n{\n    File.WriteAllBytes(path, Render(id));\n}";
        assert!(fills(src, "File.WriteAllBytes(path, Render(id))"));
        assert!(!negated("if (File.Exists(path!)) {"));
        assert!(!negated("if p.exists() { log!(\"x\") }"));
        assert!(negated("if !(await exists(p)) {"));
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
        assert_eq!(
            binding("if let Some(d) = f.parent() {", "d"),
            Some("f.parent() {")
        );
    }
}
