//! Conditional updates that claim what they change (compare-and-set): an `UPDATE` that sets
//! a column its own `WHERE` tests and returns the rows it changed
//! (`UPDATE jobs SET state = 'running' WHERE state = 'queued' RETURNING id`), or a document
//! update that sets a field its filter tests and returns the document
//! (`findOneAndUpdate({ status: 'queued' }, { $set: { status: 'running' } })`). The database
//! changes each row or document once: the instance whose update changed it gets it, another
//! instance's update finds it no longer matching. Such a call claims its work like a
//! `SKIP LOCKED` query; a value computed from the column itself (`SET n = n + 1`) is no claim.
//! Text only, no SQL parser: a subquery of the condition (`WHERE id IN (SELECT ..)`) is left out,
//! as it may pick the same rows for two instances.

/// The most text of one query or argument list read.
const MAX_TEXT: usize = 4_000;

/// Whether SQL text is a conditional `UPDATE .. SET c = v .. WHERE .. c .. RETURNING`, where
/// `v` does not read `c`.
pub(super) fn claims_by_update(text: &str) -> bool {
    let text = text.get(..text.len().min(MAX_TEXT)).unwrap_or(text);
    // Most texts are no such query: no copy made for them.
    if !text
        .as_bytes()
        .windows(9)
        .any(|w| w.eq_ignore_ascii_case(b"returning"))
    {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    let Some(returning) = word_at(&lower, "returning", 0) else {
        return false;
    };
    let Some(update) = word_at(&lower, "update", 0).filter(|u| *u < returning) else {
        return false;
    };
    let Some(set) = word_at(&lower, "set", update) else {
        return false;
    };
    let Some(condition) = word_at(&lower, "where", set).filter(|w| *w < returning) else {
        return false;
    };
    let assigned = assignments(&lower[set + 3..condition]);
    let mut tested = &lower[condition + 5..returning];
    if let Some(sub) = word_at(tested, "select", 0) {
        tested = &tested[..sub];
    }
    let tested = identifiers(tested);
    assigned
        .iter()
        .any(|(column, value)| tested.contains(column) && !identifiers(value).contains(column))
}

/// Whether a document update's arguments (`{ status: 'queued' }, { $set: { status: 'running' } }`)
/// set a field that the filter before them tests.
pub(super) fn claims_by_document(args: &str) -> bool {
    let args = args.get(..args.len().min(MAX_TEXT)).unwrap_or(args);
    let Some(at) = args.find("$set") else {
        return false;
    };
    let filter = keys(&args[..at]);
    let rest = &args[at + 4..];
    let Some(open) = rest.find('{') else {
        return false;
    };
    let mut depth = 0usize;
    let mut end = rest.len();
    for (i, c) in rest[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    end = open + i;
                    break;
                }
            }
            _ => {}
        }
    }
    keys(&rest[open..end]).iter().any(|k| filter.contains(k))
}

/// The byte offset of `word` in `text` (lower case) at or after `from`, standing alone.
fn word_at(text: &str, word: &str, from: usize) -> Option<usize> {
    let mut start = from;
    while let Some(found) = text.get(start..)?.find(word) {
        let at = start + found;
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        if !before.is_some_and(is_ident) && !after.is_some_and(is_ident) {
            return Some(at);
        }
        start = at + word.len();
    }
    None
}

/// The `column = value` pairs of a `SET` list (split at top-level commas), each column by its
/// last name (`t.state`, `"state"`: `state`).
fn assignments(list: &str) -> Vec<(String, &str)> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in list.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&list[start..]);
    parts
        .into_iter()
        .filter_map(|part| {
            let (column, value) = part.split_once('=')?;
            Some((identifiers(column).pop()?, value))
        })
        .collect()
}

/// The identifiers of a text, in order.
fn identifiers(text: &str) -> Vec<String> {
    text.split(|c: char| !is_ident(c))
        .filter(|w| w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
        .map(str::to_string)
        .collect()
}

/// The keys of an object literal's text (`status: 'queued', "owner": me`), operators
/// (`$lt`) left out.
fn keys(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices(':') {
        let before = text[..i].trim_end().trim_end_matches(['\'', '"']);
        let key: String = before
            .chars()
            .rev()
            .take_while(|c| is_ident(*c))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let operator = before[..before.len() - key.len()].ends_with('$');
        if !key.is_empty() && !operator {
            out.push(key.to_ascii_lowercase());
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}
