//! What the entries of a process-lived collection are, by the types its declaration names:
//! live handles of this process (`ConcurrentDictionary<int, Process>`,
//! `DashMap<Uuid, JoinHandle<()>>`, `Map<string, AbortController>`) and functions it will call
//! (`Map<number, () => void>`, `Vec<Box<dyn Fn() + Send>>`) are its own bookkeeping, not
//! per-client state another instance would need (see [`Collection`]). The type names are data
//! (`handles.toml`); a type is read from its text, so the three frontends share one reading.
//!
//! [`Collection`]: crate::frontend::collections::Collection

use serde::Deserialize;
use std::collections::HashSet;
use std::sync::OnceLock;

/// The embedded lists (`handles.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Lists {
    handles: HashSet<String>,
    peers: HashSet<String>,
    functions: HashSet<String>,
    containers: HashSet<String>,
    empty: HashSet<String>,
}

fn lists() -> &'static Lists {
    static LISTS: OnceLock<Lists> = OnceLock::new();
    LISTS.get_or_init(|| {
        toml::from_str(include_str!("handles.toml")).unwrap_or_else(|e| panic!("handles.toml: {e}"))
    })
}

/// What a collection's entries are, as its declared type or a write into it tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Entry {
    /// Live handles of this process (child processes, timers, abort handles, tasks, reply
    /// channels) or functions it will call (callbacks, resolvers).
    Own,
    /// Data: ids, strings, records, counters, the project's own types.
    Data,
    /// Nothing said.
    Unknown,
}

impl Entry {
    /// What a union of alternatives is: this process's own when each alternative that says
    /// something is, data when one is data.
    fn all(entries: impl IntoIterator<Item = Entry>) -> Entry {
        let mut own = false;
        for entry in entries {
            match entry {
                Entry::Data => return Entry::Data,
                Entry::Own => own = true,
                Entry::Unknown => {}
            }
        }
        if own {
            Entry::Own
        } else {
            Entry::Unknown
        }
    }
}

/// Nesting deeper than this says nothing (and keeps absurd input cheap).
const MAX_DEPTH: usize = 16;

/// What the entries of a collection of the type written `declared` are: the collection's
/// type (`Map<string, ChildProcess>`, a TypeScript annotation with its colon, a Rust type's
/// text), or only its type arguments (`<string, ChildProcess>` of `new Map<..>()`), whose
/// last one is the entries' type.
pub(crate) fn entries_of(declared: &str) -> Entry {
    let tokens = lex(declared);
    let mut tokens = tokens.as_slice();
    if let [Tok::Punct(':'), rest @ ..] = tokens {
        tokens = rest;
    }
    if let [Tok::Punct('<'), ..] = tokens {
        let Some(close) = matching(tokens, 0) else {
            return Entry::Unknown;
        };
        return match split_top(&tokens[1..close], ',').last() {
            Some(last) => classify(last, 0),
            None => Entry::Unknown,
        };
    }
    match classify(tokens, 0) {
        // A collection's type that holds no entries of a kind (a struct of the project).
        Entry::Data if !is_container(tokens) => Entry::Unknown,
        entry => entry,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok<'s> {
    Ident(&'s str),
    Punct(char),
    /// `=>` (a TypeScript function type) or `->` (a Rust return type).
    Arrow,
}

/// The tokens of a type's text; lifetimes (`'static`) and `::` (read as `.`) fold away.
fn lex(text: &str) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
        if ident(c) {
            let start = i;
            while i < bytes.len() && ident(bytes[i]) {
                i += 1;
            }
            out.push(Tok::Ident(&text[start..i]));
            continue;
        }
        match c {
            b'\'' => {
                i += 1;
                while i < bytes.len() && ident(bytes[i]) {
                    i += 1;
                }
                continue;
            }
            b'=' | b'-' if bytes.get(i + 1) == Some(&b'>') => {
                out.push(Tok::Arrow);
                i += 2;
                continue;
            }
            b':' if bytes.get(i + 1) == Some(&b':') => {
                out.push(Tok::Punct('.'));
                i += 2;
                continue;
            }
            _ if c.is_ascii_whitespace() || !c.is_ascii() => {}
            _ => out.push(Tok::Punct(c as char)),
        }
        i += 1;
    }
    out
}

/// The index of the bracket closing the one at `open`.
fn matching(tokens: &[Tok<'_>], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, tok) in tokens.iter().enumerate().skip(open) {
        match tok {
            Tok::Punct('<' | '(' | '[' | '{') => depth += 1,
            Tok::Punct('>' | ')' | ']' | '}') => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The parts of `tokens` between the `separator`s outside any brackets.
fn split_top<'a, 't>(tokens: &'a [Tok<'t>], separator: char) -> Vec<&'a [Tok<'t>]> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, tok) in tokens.iter().enumerate() {
        match tok {
            Tok::Punct('<' | '(' | '[' | '{') => depth += 1,
            Tok::Punct('>' | ')' | ']' | '}') => depth = depth.saturating_sub(1),
            Tok::Punct(c) if *c == separator && depth == 0 => {
                parts.push(&tokens[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&tokens[start..]);
    parts.retain(|p| !p.is_empty());
    parts
}

/// Whether `tokens` has `tok` outside any brackets.
fn has_top(tokens: &[Tok<'_>], tok: Tok<'_>) -> bool {
    let mut depth = 0usize;
    tokens.iter().any(|t| {
        match t {
            Tok::Punct('<' | '(' | '[' | '{') => depth += 1,
            Tok::Punct('>' | ')' | ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        depth == 0 && *t == tok
    })
}

/// Words before a type that say nothing about it.
const MODIFIERS: &[&str] = &[
    "mut", "dyn", "impl", "readonly", "typeof", "const", "unique", "static",
];

fn is_container(tokens: &[Tok<'_>]) -> bool {
    let ((_, name), _) = path(tokens);
    name.is_some_and(|n| lists().containers.contains(n))
}

/// The last two segments of the path `tokens` start with (the first `None` for a simple
/// name), and where the path ends.
fn path<'t>(tokens: &[Tok<'t>]) -> ((Option<&'t str>, Option<&'t str>), usize) {
    let mut i = 0;
    loop {
        match tokens.get(i) {
            Some(Tok::Ident(m)) if MODIFIERS.contains(m) => i += 1,
            Some(Tok::Punct('&' | '*')) => i += 1,
            _ => break,
        }
    }
    let (mut before, mut name) = (None, None);
    while let Some(Tok::Ident(segment)) = tokens.get(i) {
        before = name;
        name = Some(*segment);
        i += 1;
        match tokens.get(i) {
            Some(Tok::Punct('.')) => i += 1,
            _ => break,
        }
    }
    ((before, name), i)
}

/// What a type's values are.
fn classify(tokens: &[Tok<'_>], depth: usize) -> Entry {
    if depth > MAX_DEPTH || tokens.is_empty() {
        return Entry::Unknown;
    }
    let mut tokens = tokens;
    while let [rest @ .., Tok::Punct('?' | '!')] = tokens {
        tokens = rest;
    }
    if has_top(tokens, Tok::Arrow) && !matches!(tokens.first(), Some(Tok::Ident(_))) {
        // `(id: string) => void`; a Rust `Fn(u8) -> u8` is read by its name.
        return Entry::Own;
    }
    let alternatives = split_top(tokens, '|');
    if alternatives.len() > 1 {
        return Entry::all(alternatives.iter().map(|a| classify(a, depth + 1)));
    }
    if let [head @ .., Tok::Punct('['), Tok::Punct(']')] = tokens {
        return classify(head, depth + 1);
    }
    match tokens.first() {
        Some(Tok::Punct('{')) => object_type(tokens, depth),
        Some(Tok::Punct('(')) => {
            let close = matching(tokens, 0).unwrap_or(tokens.len());
            let inner = &tokens[1..close.min(tokens.len())];
            // A tuple (or the unit type) holds data beside whatever else.
            if inner.is_empty() || has_top(inner, Tok::Punct(',')) {
                Entry::Data
            } else {
                classify(inner, depth + 1)
            }
        }
        _ => named_type(tokens, depth),
    }
}

/// A named type: a handle, a function, a container of what its last argument is, or data.
fn named_type(tokens: &[Tok<'_>], depth: usize) -> Entry {
    let ((before, Some(name)), end) = path(tokens) else {
        return Entry::Unknown;
    };
    let lists = lists();
    let qualified = before.is_some_and(|b| lists.handles.contains(&format!("{b}.{name}")));
    if qualified || lists.functions.contains(name) || lists.handles.contains(name) {
        return Entry::Own;
    }
    if lists.empty.contains(name) || lists.peers.contains(name) {
        return Entry::Unknown;
    }
    if lists.containers.contains(name) {
        let arguments = match tokens.get(end) {
            Some(Tok::Punct('<')) => matching(tokens, end).map(|close| &tokens[end + 1..close]),
            _ => None,
        };
        return match arguments.and_then(|a| split_top(a, ',').last().copied()) {
            Some(last) => classify(last, depth + 1),
            None => Entry::Unknown,
        };
    }
    Entry::Data
}

/// A TypeScript object type: `{ [id: string]: AbortController }` holds what its index signature
/// gives; `{ resolve: (v: T) => void; reject(e: Error): void }` holds this process's own
/// only when each member is a function or a live handle.
fn object_type(tokens: &[Tok<'_>], depth: usize) -> Entry {
    let close = matching(tokens, 0).unwrap_or(tokens.len());
    let inner = &tokens[1..close.min(tokens.len())];
    let members: Vec<&[Tok<'_>]> = split_top(inner, ';')
        .into_iter()
        .flat_map(|m| split_top(m, ','))
        .collect();
    if members.is_empty() {
        return Entry::Unknown;
    }
    Entry::all(members.into_iter().map(|member| {
        if let Some(Tok::Punct('[')) = member.first() {
            let after = matching(member, 0).map_or(member.len(), |c| c + 1);
            return match member.get(after) {
                Some(Tok::Punct(':')) => classify(&member[after + 1..], depth + 1),
                _ => Entry::Unknown,
            };
        }
        match member
            .iter()
            .position(|t| matches!(t, Tok::Punct(':' | '(')))
        {
            // `reject(e: Error): void`: a method.
            Some(i) if member[i] == Tok::Punct('(') => Entry::Own,
            Some(i) => match classify(&member[i + 1..], depth + 1) {
                // A member that says nothing is data beside the others.
                Entry::Unknown => Entry::Data,
                entry => entry,
            },
            None => Entry::Data,
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::{entries_of, Entry};

    #[test]
    fn handles_and_functions_are_this_process_own() {
        for own in [
            "Dictionary<int, Process>",
            "ConcurrentDictionary<Guid, CancellationTokenSource>",
            "Dictionary<string, TaskCompletionSource<bool>>",
            "ConcurrentDictionary<string, Func<Task>>",
            "List<System.Net.Sockets.UdpClient>",
            ": Map<string, ChildProcess>",
            "<string, ChildProcess>",
            "Map<string, Set<AbortController>>",
            "Map<number, () => void>",
            ": { [jobId: string]: AbortController }",
            "Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>",
            "Map<string, ReturnType<typeof setInterval>>",
            "Map<string, Timeout | undefined>",
            "Map<string, Promise<Conn>>",
            "DashMap < Uuid , JoinHandle < () > >",
            "Lazy<Mutex<HashMap<u64, tokio::sync::oneshot::Sender<Reply>>>>",
            "Arc<RwLock<HashMap<String, tokio::sync::oneshot::Sender<Reply>>>>",
            "Mutex<Vec<Box<dyn Fn(&str) + Send + Sync>>>",
            "HashMap<&'static str, fn(u32) -> u32>",
        ] {
            assert_eq!(entries_of(own), Entry::Own, "{own}");
        }
    }

    #[test]
    fn data_stays_data() {
        for data in [
            "ConcurrentDictionary<string, string>",
            "Dictionary<string, HashSet<string>>",
            "HashSet<IWebSocketConnection>",
            // A client task's channel: sent to, not this process's own work.
            "HashMap<UserId, mpsc::UnboundedSender<Message>>",
            ": Map<string, Session>",
            "Map<string, { controller: AbortController; progress: number }>",
            "DashMap<String, Arc<Session>>",
            "HashMap<u64, (JoinHandle<()>, String)>",
            "Map<string, number>",
        ] {
            assert_eq!(entries_of(data), Entry::Data, "{data}");
        }
        // A connection may be a client's or this process's own: the writes say.
        for unknown in [
            "ConcurrentDictionary<string, WebSocket>",
            "Map<string, Set<WebSocket>>",
            "Sessions",
            "Map",
            "<>",
            "Map<string",
            "{",
            "(((",
            "",
        ] {
            assert_eq!(entries_of(unknown), Entry::Unknown, "{unknown}");
        }
    }
}
