//! Fetched copies: files a function writes after fetching a resource over HTTP.
//!
//! A function whose code reads the body of an HTTP response (`GetByteArrayAsync`,
//! `response.Content.ReadAsStreamAsync()`, `EnsureSuccessStatusCode`, reqwest's
//! `bytes_stream`) and writes files is storing a copy of data whose source of truth is
//! elsewhere: a provider's image, a release manifest, a helper tool's binary, a GeoIP
//! database. Every instance fetches its own copy again when it lacks one, so the write is no
//! single-instance problem and the engine marks it of low confidence
//! ([`crate::finding::Doubt::FetchedCopy`]). A write whose own text names data the service
//! keeps (`uploads`, `backup`, `avatar`, a log or a database) stays reported: a file fetched
//! into them is the only copy the service has.
//!
//! The other way round, a function that deletes an object from shared storage
//! (`storage.delete_prefix(key)`) and removes local files drops this instance's copy of what
//! it deletes everywhere ([`crate::finding::Doubt::DroppedCopy`]): no instance reads that
//! copy again. The names are data (`fetched.toml`).

use crate::event::{Definition, Role};
use crate::frontend::words::has_word;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The embedded lists, lower-cased.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Names {
    fetch: Vec<String>,
    fetch_with: Vec<String>,
    client: Vec<String>,
    kept: Vec<String>,
    installs: Vec<String>,
    store_delete: Vec<String>,
    store: Vec<String>,
    markup_parts: Vec<String>,
}

fn names() -> &'static Names {
    static NAMES: OnceLock<Names> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Names = toml::from_str(include_str!("fetched.toml"))
            .unwrap_or_else(|e| panic!("fetched.toml: {e}"));
        for list in [
            &mut names.fetch,
            &mut names.fetch_with,
            &mut names.client,
            &mut names.kept,
            &mut names.installs,
            &mut names.store_delete,
            &mut names.store,
            &mut names.markup_parts,
        ] {
            for name in list.iter_mut() {
                name.make_ascii_lowercase();
            }
        }
        names
    })
}

/// Whether the definition at `index` of a file's symbol table fetches a resource over HTTP,
/// by the names its code mentions, and may store a fetched copy (see [`may_copy`]).
pub fn fetches(definitions: &[Definition], index: usize) -> bool {
    may_copy(definitions, index) && reads_a_response(&definitions[index])
}

/// Whether the definition at `index` can store fetched copies at all: neither the file's
/// top level nor an entry point (a route handler that fetches what the request names, `POST
/// /feeds/{name}` with a source URL, keeps it as the service's data, which no other instance
/// knows how to fetch again), and no name of it or its code has a word of `installs` (a
/// plugin installed from a catalogue).
fn may_copy(definitions: &[Definition], index: usize) -> bool {
    let Some(definition) = definitions
        .get(index)
        .filter(|d| index != 0 && d.role != Role::Entry)
    else {
        return false;
    };
    let installs: Vec<&str> = names().installs.iter().map(String::as_str).collect();
    let own = [Some(&definition.name), definition.owner.as_ref()];
    !own.into_iter()
        .flatten()
        .chain(&definition.refs)
        .any(|name| has_word(name, &installs))
}

/// Whether a definition's code reads the body of an HTTP response.
fn reads_a_response(definition: &Definition) -> bool {
    let names = names();
    let (mut fetch, mut client, mut fetch_with) = (false, false, false);
    for name in &definition.refs {
        let lower = last_segment(name).to_ascii_lowercase();
        fetch = fetch || names.fetch.contains(&lower);
        client = client || names.client.contains(&lower);
        fetch_with = fetch_with || names.fetch_with.contains(&lower);
    }
    fetch || (client && fetch_with)
}

/// The last segment of a name after `.` or `::`.
fn last_segment(name: &str) -> &str {
    name.rsplit(['.', ':']).next().unwrap_or(name)
}

/// The most rounds of [`fetchers`]: a chain of that many helpers.
const MAX_ROUNDS: usize = 4;

/// Which definitions of a file's symbol table handle fetched data, by index: those that
/// fetch ([`fetches`]), those that call a function of the same file that does (`CreateCache`
/// calling `DownloadCache`, then moving the downloaded file into place), and those that only
/// functions handling fetched data refer to (`Decompress` of the downloaded dump, the
/// completion handler of a download, the version file an update writes after fetching the
/// release), when no other file can call them (not exported: a public `WriteToFile` that
/// one download of the file calls also stores what other files' uploads give it). With
/// `sole_part`, the file is known to be the only part of its C# `partial` types, so their
/// private members ([`Definition::partial`]) are the file's own too. Each must be able to
/// store a copy ([`may_copy`]). Names are matched within the file only; at most
/// [`MAX_ROUNDS`] rounds, each linear in the names the code mentions.
pub fn fetchers(definitions: &[Definition], sole_part: bool) -> Vec<bool> {
    let mut fetcher: Vec<bool> = (0..definitions.len())
        .map(|i| fetches(definitions, i))
        .collect();
    if !fetcher.contains(&true) {
        return fetcher;
    }
    let eligible: Vec<bool> = (0..definitions.len())
        .map(|i| may_copy(definitions, i))
        .collect();
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, definition) in definitions.iter().enumerate().skip(1) {
        if !definition.name.is_empty() {
            by_name.entry(definition.name.as_str()).or_default().push(i);
        }
    }
    // The file's definitions each one refers to, and those referring to it.
    let mut callees: Vec<Vec<usize>> = vec![Vec::new(); definitions.len()];
    let mut callers: Vec<Vec<usize>> = vec![Vec::new(); definitions.len()];
    for (caller, definition) in definitions.iter().enumerate().skip(1) {
        for name in &definition.refs {
            for &callee in by_name.get(last_segment(name)).into_iter().flatten() {
                if callee != caller {
                    callees[caller].push(callee);
                    callers[callee].push(caller);
                }
            }
        }
    }
    for _ in 0..MAX_ROUNDS {
        let mut changed = false;
        for i in 0..definitions.len() {
            if fetcher[i] || !eligible[i] {
                continue;
            }
            if callees[i].iter().any(|&c| fetcher[c])
                || (own_to_file(&definitions[i], sole_part)
                    && !callers[i].is_empty()
                    && callers[i].iter().all(|&c| fetcher[c]))
            {
                fetcher[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    fetcher
}

/// Whether no other file can call `definition`: not exported, or (with `sole_part`) a
/// private member of a `partial` type whose other parts, if any, are not code.
fn own_to_file(definition: &Definition, sole_part: bool) -> bool {
    !definition.exported || (sole_part && definition.partial)
}

/// The C# `partial` types a file declares, by name: with none of them declared in another
/// file, [`fetchers`] may take the file as their sole part. Empty when the file is the code
/// behind a markup file (`Page.razor.cs`, `markup_parts`): the markup, which is no code the
/// project model reads, calls its private methods.
pub fn partial_types<'d>(definitions: &'d [Definition], path: &str) -> Vec<&'d str> {
    let lower = path.to_ascii_lowercase();
    if names().markup_parts.iter().any(|end| lower.ends_with(end)) {
        return Vec::new();
    }
    definitions
        .iter()
        .filter(|d| d.partial && d.type_info.is_some())
        .map(|d| d.name.as_str())
        .collect()
}

/// Whether a write in the definition at `index`, whose call reads `call` in the source,
/// stores a fetched copy: the definition handles fetched data (`fetchers`, from
/// [`fetchers`]) and the call's text names no data the service keeps.
pub fn is_fetched_copy(fetchers: &[bool], index: usize, call: &str) -> bool {
    let kept: Vec<&str> = names().kept.iter().map(String::as_str).collect();
    fetchers.get(index).copied().unwrap_or(false) && !has_word(call, &kept)
}

/// Whether a removal in the definition at `index`, whose call reads `call`, drops this
/// instance's copy of an object the definition deletes from shared storage: its code calls
/// a delete of `store_delete` (`delete_prefix`, `delete_stream`), its text (`source` is the
/// file's) names object storage (`storage.delete_prefix(key)`, `objectstore`: a parameter's
/// name is no reference of the symbol table) and the call's text names no data the service
/// keeps.
pub fn drops_a_copy(definitions: &[Definition], index: usize, call: &str, source: &str) -> bool {
    let Some(definition) = definitions.get(index).filter(|_| index != 0) else {
        return false;
    };
    let names = names();
    let deletes: Vec<&str> = definition
        .refs
        .iter()
        .map(|name| last_segment(name))
        .filter(|last| {
            let lower = last.to_ascii_lowercase();
            names.store_delete.iter().any(|d| lower.starts_with(d))
        })
        .collect();
    if deletes.is_empty() {
        return false;
    }
    let store: Vec<&str> = names.store.iter().map(String::as_str).collect();
    let kept: Vec<&str> = names.kept.iter().map(String::as_str).collect();
    let body = source.get(definition.span.clone()).unwrap_or("");
    has_word(body, &store)
        && !has_word(call, &kept)
        && deletes.iter().any(|name| deletes_beside(body, name, call))
}

/// Whether a call of `delete` in `body` runs beside the removal `call`, not instead of it:
/// no `else` lies between them (`if s3 { bucket.delete_object(..) } else { fs::remove_file(..) }`
/// deletes from the store *or* from the local folder, which is then the only copy). Text
/// positions of names the body does not spell out count as beside.
fn deletes_beside(body: &str, delete: &str, call: &str) -> bool {
    let Some(removal) = body.find(call) else {
        return true;
    };
    let mut found = false;
    for (at, _) in body.match_indices(delete) {
        found = true;
        let between = &body[at.min(removal)..at.max(removal)];
        if !has_word(between, &["else"]) {
            return true;
        }
    }
    !found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn definition(refs: &[&str]) -> Vec<Definition> {
        vec![
            Definition::default(),
            Definition {
                refs: refs.iter().map(|r| (*r).to_string()).collect(),
                ..Definition::default()
            },
        ]
    }

    #[test]
    fn response_reads_make_a_fetch() {
        assert!(fetches(&definition(&["client", "GetByteArrayAsync"]), 1));
        assert!(fetches(&definition(&["HttpClient::GetStreamAsync"]), 1));
        assert!(fetches(&definition(&["res", "bytes_stream"]), 1));
        assert!(fetches(&definition(&["CreateClient", "GetStringAsync"]), 1));
        // A cache's or repository's getter reads no response.
        assert!(!fetches(&definition(&["_cache", "GetStringAsync"]), 1));
        assert!(!fetches(&definition(&["_repo", "GetAsync"]), 1));
        // Installing a plugin changes what the deployment runs.
        assert!(!fetches(
            &definition(&["pluginsRoot", "ReadAsStreamAsync"]),
            1
        ));
        // The top level is no function.
        let mut top = definition(&[]);
        top[0].refs = vec!["GetByteArrayAsync".into()];
        assert!(!fetches(&top, 0));
        // A route handler keeps what its request fetches.
        let mut handler = definition(&["GetByteArrayAsync"]);
        handler[1].role = Role::Entry;
        assert!(!fetches(&handler, 1));
    }

    #[test]
    fn removals_after_a_store_delete_drop_a_copy() {
        let call = "fs::remove_dir_all(&dir.staging_path)";
        let body = "storage.delete_prefix(&key).await?; fs::remove_dir_all(&dir.staging_path)";
        let mut defs = definition(&["delete_prefix", "remove_dir_all"]);
        defs[1].span = 0..body.len();
        assert!(drops_a_copy(&defs, 1, call, body));
        // A database row deleted beside the file: the file may be the only copy.
        let body = "db.delete_user(id).await?; fs::remove_dir_all(&dir.staging_path)";
        let mut defs = definition(&["delete_user", "remove_dir_all"]);
        defs[1].span = 0..body.len();
        assert!(!drops_a_copy(&defs, 1, call, body));
        // The store or the local folder, whichever is configured: the local file is the copy.
        let call = "fs::remove_file(self.local_path()?)";
        let body = "if CONFIG.s3.is_some() { bucket().delete_object(&key)?; } else { fs::remove_file(self.local_path()?)?; }";
        let mut defs = definition(&["delete_object", "remove_file"]);
        defs[1].span = 0..body.len();
        assert!(!drops_a_copy(&defs, 1, call, body));
        // .NET's `File.Delete` is no store's.
        let body = "File.Delete(p); storage.Flush();";
        let mut defs = definition(&["File::Delete", "Flush"]);
        defs[1].span = 0..body.len();
        assert!(!drops_a_copy(&defs, 1, "File.Delete(p)", body));
        // A removal naming kept data stays reported.
        let body = "storage.delete_prefix(&key).await?; fs::remove_file(upload_path)";
        let mut defs = definition(&["delete_prefix", "remove_file"]);
        defs[1].span = 0..body.len();
        assert!(!drops_a_copy(
            &defs,
            1,
            "fs::remove_file(upload_path)",
            body
        ));
    }

    fn named(name: &str, refs: &[&str]) -> Definition {
        Definition {
            name: name.to_string(),
            refs: refs.iter().map(|r| (*r).to_string()).collect(),
            ..Definition::default()
        }
    }

    #[test]
    fn fetched_data_is_followed_through_the_file() {
        let mut defs = vec![
            Definition::default(),
            // Fills the cache on a miss through a helper that fetches.
            named(
                "EnsureCache",
                &["File::Exists", "DownloadDump", "File::Move"],
            ),
            named(
                "DownloadDump",
                &["HttpClient", "GetStringAsync", "File::WriteAllText"],
            ),
            // Only functions that handle fetched data call it.
            named("Unpack", &["GZipStream", "File::WriteAllText"]),
            named("Load", &["EnsureCache", "Unpack"]),
            // Called by a fetcher and by a function that fetches nothing.
            named("Save", &["File::WriteAllText"]),
            // Public: other files may call it with their own data.
            named("Write", &["File::WriteAllBytes"]),
            named("Rename", &["Save", "File::Move"]),
        ];
        defs[1].refs.push("Unpack".into());
        defs[2].refs.push("Save".into());
        defs[2].refs.push("Write".into());
        defs[6].exported = true;
        let found = fetchers(&defs, false);
        assert_eq!(found, [false, true, true, true, true, false, false, false]);
        // Nothing fetches: nothing is followed.
        let quiet = vec![Definition::default(), named("A", &["B"]), named("B", &[])];
        assert_eq!(fetchers(&quiet, false), [false, false, false]);
        // An entry point that fetches keeps what it fetches, and so do its helpers.
        let mut entry = vec![
            Definition::default(),
            named("Import", &["GetByteArrayAsync", "Store"]),
            named("Store", &["File::WriteAllBytes"]),
        ];
        entry[1].role = Role::Entry;
        assert_eq!(fetchers(&entry, false), [false, false, false]);
        // A private helper of a `partial` class: other parts may call it, unless the file is
        // known to be the class's sole part.
        let mut parts = vec![
            Definition::default(),
            named("Check", &["GetByteArrayAsync", "Remember"]),
            named("Remember", &["File::WriteAllText"]),
        ];
        parts[2].exported = true;
        parts[2].partial = true;
        assert_eq!(fetchers(&parts, false), [false, true, false]);
        assert_eq!(fetchers(&parts, true), [false, true, true]);
    }

    #[test]
    fn partial_types_are_named_unless_markup_is_a_part() {
        let mut defs = vec![Definition::default(), named("Checker", &[])];
        defs[1].partial = true;
        defs[1].type_info = Some(crate::event::TypeInfo::default());
        assert_eq!(partial_types(&defs, "src/Checker.cs"), ["Checker"]);
        assert!(partial_types(&defs, "Pages/Checker.razor.cs").is_empty());
    }

    #[test]
    fn writes_into_kept_data_stay_reported() {
        let defs = fetchers(&definition(&["GetByteArrayAsync"]), false);
        assert!(is_fetched_copy(
            &defs,
            1,
            "File.WriteAllBytes(image.LocalPath, bytes)"
        ));
        assert!(!is_fetched_copy(
            &defs,
            1,
            "File.WriteAllBytes(uploadPath, bytes)"
        ));
        assert!(!is_fetched_copy(&defs, 1, "File.AppendAllText(feed, body)"));
        assert!(!is_fetched_copy(
            &defs,
            1,
            "File.WriteAllBytes(Path.Combine(_backups, n), b)"
        ));
    }
}
