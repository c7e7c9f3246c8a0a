//! Scratch files by data flow inside one function, shared by the frontends.
//!
//! A frontend records how each call in a function uses a path (`File.WriteAllText(probe, ..)`
//! creates `probe`, `File.Delete(probe)` deletes it, `File.Move(part, target)` moves `part`
//! away), keyed by the path expression's text. A path that the function creates and later
//! deletes is scratch: a write probe, a spool file removed in a `finally`, a working folder
//! removed after use (a delete in another branch of the creation's `if` does not follow it:
//! `if (css) write(p) else delete(p)` keeps or drops a file meant to stay, see
//! [`branch_arms`]). Its delete is quiet, and so is its creation unless the function moves
//! it to a path outside the temporary directory (then the file outlives the function, and
//! the creation stays reported along with the move; a file copied or extracted elsewhere
//! and then deleted is still scratch, its copy is judged on its own). A copy or extraction
//! whose destination is a temporary path only reads its source, so it is quiet too.
//!
//! A path that the function also downloads from or uploads to object storage is a working
//! copy of an object kept there (see [`crate::frontend::object_copy`]): its writes, moves and
//! deletes are quiet, and so are all file operations on computed paths of a file that both
//! downloads and uploads through a storage client (it mirrors the store).
//!
//! [`PathUses::apply`] groups the uses by function and path once (sorted map, linear in the
//! number of uses) and marks the quiet events' path arguments [`Arg::TempPath`].

use crate::event::{Arg, Event};
use crate::frontend::flat::Node;
use crate::frontend::object_copy::Direction;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// What a call does with the path it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// Creates or writes it: `writeFile`, `File.Create`, `fs::create_dir_all`, `new StreamWriter`.
    Create,
    /// Deletes it: `unlink`, `File.Delete`, `fs::remove_dir_all`, `rmSync`.
    Delete,
    /// Moves it to a second path: `rename`, `File.Move`.
    Move,
    /// Copies (or extracts) it to a second path: `copyFile`, `File.Copy`, `ExtractToDirectory`.
    Copy,
    /// Reads it without changing it: its age (`File.GetLastWriteTimeUtc`) or its content
    /// (`File.ReadAllText`, `readFile`, `fs::read_to_string`); the names are data
    /// (`scratch.toml`).
    Read,
    /// Copies it from or to object storage: `store.download(key, path)`, `fPutObject`.
    Transfer,
}

const DELETE_WORDS: &[&str] = &[
    "delete", "unlink", "rm", "rmdir", "remove", "rimraf", "unlinkat",
];
const MOVE_WORDS: &[&str] = &["rename", "move"];
const COPY_WORDS: &[&str] = &["copy", "extract"];
const CREATE_WORDS: &[&str] = &[
    "write", "create", "save", "append", "mkdir", "mkdirp", "mkdtemp", "download", "output",
];

/// The embedded names of calls that read a file (`scratch.toml`), lower-cased.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Reads {
    /// Name prefixes of calls that read a file's age.
    age: Vec<String>,
    /// Name prefixes of calls that read a file's content.
    content: Vec<String>,
    /// Whole names of calls that read a file's content.
    content_exact: Vec<String>,
    /// Calls that make a fresh unique name, as letters and digits (see [`is_fresh_name`]).
    fresh: Vec<String>,
}

fn reads() -> &'static Reads {
    static READS: OnceLock<Reads> = OnceLock::new();
    READS.get_or_init(|| {
        let mut reads: Reads = toml::from_str(include_str!("scratch.toml"))
            .unwrap_or_else(|e| panic!("scratch.toml: {e}"));
        for list in [
            &mut reads.age,
            &mut reads.content,
            &mut reads.content_exact,
            &mut reads.fresh,
        ] {
            for name in list.iter_mut() {
                name.make_ascii_lowercase();
            }
        }
        reads
    })
}

/// Whether an expression's text makes a fresh unique name (`Uuid::new_v4()`, `nanoid!()`;
/// the names are data, `scratch.toml`): compared with its letters and digits, lower case.
pub fn is_fresh_name(text: &str) -> bool {
    let plain = crate::frontend::words::squashed(text);
    reads().fresh.iter().any(|f| plain.contains(f.as_str()))
}

/// Whether a call's last name (lower case) reads a file without changing it.
fn reads_file(lower: &str) -> bool {
    let plain = lower.replace('_', "");
    let reads = reads();
    reads
        .age
        .iter()
        .chain(&reads.content)
        .any(|p| plain.starts_with(p.as_str()))
        || reads.content_exact.contains(&plain)
}

/// Calls that open a path for writing, creating the file when it is missing, though their
/// first word says only "open" (lower case, whole names): `File.OpenWrite`.
const OPENS_TO_WRITE: &[&str] = &["openwrite"];

/// What a call named `name` (a method or function; the last segment of a dotted or `::`
/// path counts) does with its first path argument, by the first word of its name
/// (`WriteAllText`, `unlinkSync`, `remove_dir_all`; not `GetLastWriteTime`).
pub fn use_of(name: &str) -> Option<Use> {
    let last = name.rsplit(['.', ':']).next().unwrap_or(name);
    let end = last
        .char_indices()
        .skip(1)
        .find(|&(_, c)| c.is_ascii_uppercase() || !c.is_ascii_alphanumeric())
        .map_or(last.len(), |(i, _)| i);
    let first = last[..end].to_ascii_lowercase();
    let is = |words: &[&str]| words.contains(&first.as_str());
    let lower = last.to_ascii_lowercase();
    if reads_file(&lower) {
        Some(Use::Read)
    } else if is(DELETE_WORDS) {
        Some(Use::Delete)
    } else if is(MOVE_WORDS) {
        Some(Use::Move)
    } else if is(COPY_WORDS) {
        Some(Use::Copy)
    } else if is(CREATE_WORDS) || OPENS_TO_WRITE.contains(&lower.as_str()) {
        Some(Use::Create)
    } else {
        None
    }
}

/// Whether constructing the type `name` creates the file it is given: a writer
/// (`StreamWriter`, `BinaryWriter`).
pub fn type_creates(name: &str) -> bool {
    let last = name.rsplit(['.', ':']).next().unwrap_or(name);
    last.ends_with("Writer")
}

/// The key of a path expression: its text without blanks, borrows, `this.`/`self.` and
/// conversions that keep the path (`&path`, `path.clone()`, `this.file`), or `None` when
/// it is too long to be a variable or a simple expression.
pub fn path_key(source: &str) -> Option<String> {
    if source.len() > 200 {
        return None;
    }
    let mut key: String = source.chars().filter(|c| !c.is_whitespace()).collect();
    loop {
        let before = key.len();
        for prefix in ["&mut", "&", "this.", "self.", "await"] {
            if let Some(rest) = key.strip_prefix(prefix) {
                key = rest.to_string();
            }
        }
        for suffix in [
            ".clone()",
            ".as_path()",
            ".as_ref()",
            ".to_path_buf()",
            ".to_string()",
            ".to_owned()",
            "?",
            "!",
        ] {
            if let Some(rest) = key.strip_suffix(suffix) {
                key = rest.to_string();
            }
        }
        if key.len() == before {
            break;
        }
    }
    (!key.is_empty()).then_some(key)
}

/// One arm of an `if` a call sits in: the `if`'s start byte and whether the call is in its
/// `consequence` (else its `alternative`).
pub type Arm = (usize, bool);

/// How many creations (deletes) of one path in one function are compared with each delete
/// (creation) for exclusive branches: a bound, so the comparison stays linear in the uses.
const COMPARED_CREATES: usize = 16;

/// The arms of the `if` statements around `node`, innermost first (tree-sitter grammars that
/// name an `if`'s branches `consequence` and `alternative`: C#, JavaScript, TypeScript).
pub fn branch_arms(node: Node<'_>) -> Vec<Arm> {
    let mut arms = Vec::new();
    let mut child = node;
    while let Some(parent) = child.parent() {
        if parent.kind() == "if_statement" {
            match child.field_name() {
                Some("consequence") => arms.push((parent.start_byte(), true)),
                Some("alternative") => arms.push((parent.start_byte(), false)),
                _ => {}
            }
        }
        child = parent;
    }
    arms
}

/// Whether two calls sit in different branches of one `if`: at most one of them runs
/// (`if (content) write(p) else delete(p)`).
fn exclusive(a: &[Arm], b: &[Arm]) -> bool {
    a.iter()
        .any(|&(at, arm)| b.iter().any(|&(other, o)| other == at && o != arm))
}

/// One call's use of one path.
#[derive(Debug, Clone)]
struct PathUse {
    /// The enclosing function (its start byte; 0 for top-level code).
    function: usize,
    key: String,
    what: Use,
    /// Byte offset of the call: source order inside the function.
    at: usize,
    /// The event the call produced, as an index into the events before they are sorted.
    event: Option<usize>,
    /// For a move or copy: whether the destination is a temporary path.
    to_temp: bool,
    /// The destination of a copy into a temporary path (its event is the copy).
    copied_in: bool,
    /// Runs when something failed (a `catch` block, an error branch).
    on_failure: bool,
    /// The arms of the `if` statements around the call.
    arms: Vec<Arm>,
}

/// The path uses of one file, recorded while walking it.
#[derive(Debug, Default)]
pub struct PathUses {
    uses: Vec<PathUse>,
    /// Function start → the start of the function it is written in, for functions nested
    /// in another function (not in top-level code): callbacks and continuations.
    outer: BTreeMap<usize, usize>,
    /// The file downloads from a storage client (a receiver other than its own class).
    downloads_from_client: bool,
    /// The file uploads to a storage client.
    uploads_to_client: bool,
    /// (Function start, path key) → the key of the folder the path was joined under there
    /// (`const input = path.join(folder, name)`, `var input = Path.Combine(folder, name)`).
    parents: BTreeMap<(usize, String), String>,
}

/// How many folders up a path's parents are followed for a delete that removes it.
const PARENT_DEPTH: usize = 4;

/// The last names of calls that join a folder and names into a path under it (lower case):
/// `path.join`, `path.resolve`, `Path.Combine`, `Path::join`.
const JOINS: &[&str] = &["join", "resolve", "combine"];

/// Whether a call named `name` joins its first argument and names into a path under it.
pub fn joins_path(name: &str) -> bool {
    let last = name.rsplit(['.', ':']).next().unwrap_or(name);
    JOINS.iter().any(|j| last.eq_ignore_ascii_case(j))
}

/// One call that copies between object storage and local files (see
/// [`crate::frontend::object_copy`]).
#[derive(Debug, Clone, Copy)]
pub struct Transfer<'a> {
    /// The start byte of the enclosing function (0 at top level).
    pub function: usize,
    /// Which way it copies.
    pub direction: Direction,
    /// The byte offset of the call.
    pub at: usize,
    /// The texts of its arguments: any of them may be the local path.
    pub args: &'a [&'a str],
    /// The call is made on a storage client, not on the file's own class.
    pub on_client: bool,
}

/// One call to record: where it is and what it does with which paths.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    /// The start byte of the enclosing function (0 at top level).
    pub function: usize,
    /// What the call does with its first path.
    pub what: Use,
    /// The byte offset of the call.
    pub at: usize,
    /// The event the call produced (index into the events, before any sorting).
    pub event: Option<usize>,
    /// The text of its first path argument (the source of a move or copy).
    pub path: &'a str,
    /// For a move or copy: the text of the destination and whether it is a temporary path.
    pub destination: Option<(&'a str, bool)>,
    /// The call runs when something failed (a `catch` block, an error branch): a delete
    /// there rolls back a file meant to stay, so it does not make the creation scratch.
    pub on_failure: bool,
    /// The arms of the `if` statements around the call ([`branch_arms`]; empty where the
    /// frontend does not tell): a delete in the other branch of a creation's `if` does not
    /// follow it (`if (css) write(path) else delete(path)` keeps or drops a file meant to stay).
    pub arms: &'a [Arm],
}

impl PathUses {
    /// Records a call that uses a path.
    pub fn record(&mut self, call: Call<'_>) {
        let Some(key) = path_key(call.path) else {
            return;
        };
        let to_temp = call.destination.is_some_and(|(_, temp)| temp);
        self.uses.push(PathUse {
            function: call.function,
            key,
            what: call.what,
            at: call.at,
            event: call.event,
            to_temp,
            copied_in: false,
            on_failure: call.on_failure,
            arms: call.arms.to_vec(),
        });
        // The destination of a move or copy is created there.
        let copied_in = call.what == Use::Copy && to_temp;
        let destination = call.destination.map(|(d, _)| {
            // A destination too long to follow is still a copy into the temporary
            // directory, under a key of its own.
            path_key(d).or_else(|| copied_in.then(|| format!("@{}", call.at)))
        });
        if let Some(key) = destination.flatten() {
            self.uses.push(PathUse {
                function: call.function,
                key,
                what: Use::Create,
                at: call.at,
                event: call.event.filter(|_| copied_in),
                to_temp,
                copied_in,
                on_failure: call.on_failure,
                arms: call.arms.to_vec(),
            });
        }
    }

    /// Records that, in the function starting at `function`, the variable `child` holds a
    /// path joined under the folder `parent` (`const input = path.join(folder, name)`): a
    /// delete of the folder later in the function removes the file too.
    pub fn derive(&mut self, function: usize, child: &str, parent: &str) {
        let (Some(child), Some(parent)) = (path_key(child), path_key(parent)) else {
            return;
        };
        if child != parent {
            self.parents.insert((function, child), parent);
        }
    }

    /// A delete of a folder counts as a delete of each path the same function created under
    /// it before ([`PathUses::derive`]): a working folder removed with the files put in it
    /// (`fs.rm(folder, { recursive: true })` after `writeFile(path.join(folder, 'in'))`).
    /// The folder's delete itself then removes only what the function made.
    fn join_parents(&mut self) {
        if self.parents.is_empty() {
            return;
        }
        let deletes: BTreeMap<(usize, &str), Vec<usize>> = self
            .uses
            .iter()
            .enumerate()
            .filter(|(_, u)| u.what == Use::Delete)
            .fold(BTreeMap::new(), |mut all, (i, u)| {
                all.entry((u.function, u.key.as_str())).or_default().push(i);
                all
            });
        let mut added = Vec::new();
        for u in self.uses.iter().filter(|u| u.what == Use::Create) {
            let mut key = &u.key;
            for _ in 0..PARENT_DEPTH {
                let Some(parent) = self.parents.get(&(u.function, key.clone())) else {
                    break;
                };
                for &i in deletes
                    .get(&(u.function, parent.as_str()))
                    .into_iter()
                    .flatten()
                {
                    let delete = &self.uses[i];
                    if delete.at > u.at && !exclusive(&u.arms, &delete.arms) {
                        added.push(PathUse {
                            key: u.key.clone(),
                            ..delete.clone()
                        });
                        // The folder's own delete, as a delete of a path the function made.
                        added.push(PathUse {
                            key: delete.key.clone(),
                            what: Use::Create,
                            event: None,
                            at: u.at,
                            to_temp: false,
                            copied_in: false,
                            ..delete.clone()
                        });
                    }
                }
                key = parent;
            }
        }
        // The delete's event is marked once, through the file's group (not through the
        // synthetic copies, which carry it too).
        for u in &mut added {
            if u.what == Use::Delete {
                u.event = None;
            }
        }
        self.uses.extend(added);
    }

    /// Records that the function starting at `inner` is written inside the function
    /// starting at `outer` (a callback, a continuation); top-level code (0) is no function.
    pub fn nest(&mut self, inner: usize, outer: usize) {
        if outer != 0 && inner != outer {
            self.outer.insert(inner, outer);
        }
    }

    /// A delete in a callback written inside the function that created the path earlier
    /// (`ws.on('finish', () => unlink(p))` after `createWriteStream(p)`) runs after that
    /// creation, as its continuation: it counts as the creating function's own.
    fn join_continuations(&mut self) {
        if self.outer.is_empty() {
            return;
        }
        let creates: BTreeMap<(usize, &str), usize> = self
            .uses
            .iter()
            .filter(|u| u.what == Use::Create)
            .fold(BTreeMap::new(), |mut first, u| {
                let at = first.entry((u.function, u.key.as_str())).or_insert(u.at);
                *at = (*at).min(u.at);
                first
            });
        let mut moved = Vec::new();
        for (index, u) in self.uses.iter().enumerate() {
            if u.what != Use::Delete {
                continue;
            }
            let mut function = u.function;
            // Nesting is bounded by the source's depth; a cycle cannot occur (an inner
            // function starts after its outer one), but the walk is bounded anyway.
            for _ in 0..64 {
                let Some(&outer) = self.outer.get(&function) else {
                    break;
                };
                if creates
                    .get(&(outer, u.key.as_str()))
                    .is_some_and(|&at| at < u.at)
                {
                    moved.push((index, outer));
                    break;
                }
                function = outer;
            }
        }
        for (index, function) in moved {
            self.uses[index].function = function;
        }
    }

    /// Records a call that copies between object storage and local files.
    pub fn record_transfer(&mut self, transfer: Transfer<'_>) {
        match transfer.direction {
            Direction::Download => self.downloads_from_client |= transfer.on_client,
            Direction::Upload => self.uploads_to_client |= transfer.on_client,
        }
        for key in transfer.args.iter().filter_map(|a| path_key(a)) {
            self.uses.push(PathUse {
                function: transfer.function,
                key,
                what: Use::Transfer,
                at: transfer.at,
                event: None,
                to_temp: false,
                copied_in: false,
                on_failure: false,
                arms: Vec::new(),
            });
        }
    }

    /// Marks the path arguments of scratch calls as temporary paths in `events` (indexed as
    /// recorded): deletes of a path the function created earlier; the creations of such a
    /// path unless it is moved out of the temporary directory or deleted only on failure, and
    /// then also its deletes before the creation (leftovers of an earlier run);
    /// deletes of this instance's own path (`Arg::InstancePath`) after the function read the
    /// file's age or content (an expired or corrupt cache entry); a delete in a callback written inside the
    /// function that created the path counts as that function's; deletes after a copy of the
    /// same path out of the temporary directory's reach (a move in two calls, reported at
    /// the copy); copies into a temporary path that is not moved or copied out again;
    /// file operations on a path the function copies from or to object storage, and, in a
    /// file that mirrors a store, on every computed path (not a literal).
    pub fn apply(mut self, events: &mut [Event]) {
        self.join_continuations();
        self.join_parents();
        let mut quiet = Vec::new();
        // Events on working copies of the store's objects.
        let mut copies = Vec::new();
        let changes =
            |u: &PathUse| matches!(u.what, Use::Create | Use::Delete | Use::Move | Use::Copy);
        if self.downloads_from_client && self.uploads_to_client {
            copies.extend(
                self.uses
                    .iter()
                    .filter(|u| changes(u))
                    .filter_map(|u| u.event),
            );
        }
        let mut expired = Vec::new();
        let mut groups: BTreeMap<(usize, &str), Vec<&PathUse>> = BTreeMap::new();
        for u in &self.uses {
            groups
                .entry((u.function, u.key.as_str()))
                .or_default()
                .push(u);
        }
        for uses in groups.values() {
            // A working copy of an object in the store.
            if uses.iter().any(|u| u.what == Use::Transfer) {
                copies.extend(uses.iter().filter(|u| changes(u)).filter_map(|u| u.event));
            }
            // Moved or copied to a path outside the temporary directory: the file outlives
            // the function.
            let kept = uses
                .iter()
                .any(|u| matches!(u.what, Use::Move | Use::Copy) && !u.to_temp);
            if !kept {
                // A copy marks its source and its destination.
                quiet.extend(
                    uses.iter()
                        .filter(|u| u.copied_in)
                        .filter_map(|u| u.event)
                        .map(|e| (e, 2)),
                );
            }
            // Copied out of the temporary directory's reach and then deleted: a move in two
            // calls, reported at the copy as a move is (`fse.copy(staged, kept)` then
            // `fse.remove(staged)`). A copy into a temporary path keeps its delete reported:
            // the file left its folder.
            if let Some(first_copy) = uses
                .iter()
                .filter(|u| u.what == Use::Copy && !u.to_temp && !u.copied_in)
                .map(|u| u.at)
                .min()
            {
                quiet.extend(
                    uses.iter()
                        .filter(|u| u.what == Use::Delete && u.at > first_copy)
                        .filter_map(|u| u.event)
                        .map(|e| (e, 1)),
                );
            }
            let creates = || {
                uses.iter()
                    .filter(|u| u.what == Use::Create && !u.copied_in)
            };
            // An entry of this instance's own cache that the function reads (its age or its
            // content) before deleting it: an expired or corrupt copy dropped on the way to
            // a fresh one, which every instance does for itself.
            if let Some(first_read) = uses
                .iter()
                .filter(|u| u.what == Use::Read)
                .map(|u| u.at)
                .min()
            {
                expired.extend(
                    uses.iter()
                        .filter(|u| u.what == Use::Delete && u.at > first_read)
                        .filter_map(|u| u.event),
                );
            }
            let Some(first_create) = creates().map(|u| u.at).min() else {
                continue;
            };
            // A delete follows a creation made before it, not in another branch of an `if`.
            let deletes: Vec<&&PathUse> = uses
                .iter()
                .filter(|u| {
                    u.what == Use::Delete
                        && creates()
                            .take(COMPARED_CREATES)
                            .any(|c| c.at < u.at && !exclusive(&c.arms, &u.arms))
                })
                .collect();
            quiet.extend(deletes.iter().filter_map(|u| u.event).map(|e| (e, 1)));
            // A file moved away outlives the function; one copied or extracted elsewhere and
            // then deleted does not (the copy is judged where it is made).
            let moved_out = uses.iter().any(|u| u.what == Use::Move && !u.to_temp);
            if !moved_out && deletes.iter().any(|u| !u.on_failure) {
                // A creation only in another branch than every such delete stays.
                quiet.extend(
                    creates()
                        .filter(|c| {
                            deletes
                                .iter()
                                .take(COMPARED_CREATES)
                                .any(|d| !d.on_failure && !exclusive(&c.arms, &d.arms))
                        })
                        .filter_map(|u| u.event)
                        .map(|e| (e, 1)),
                );
                // A scratch path of this function: a delete before its creation clears
                // what an earlier run left behind.
                quiet.extend(
                    uses.iter()
                        .filter(|u| u.what == Use::Delete && u.at < first_create)
                        .filter_map(|u| u.event)
                        .map(|e| (e, 1)),
                );
            }
        }
        for index in expired {
            if let Some(event) = events.get_mut(index) {
                if event.args.first() == Some(&Arg::InstancePath) {
                    event.args[0] = Arg::TempPath;
                }
            }
        }
        for (index, paths) in quiet {
            if let Some(event) = events.get_mut(index) {
                for arg in event.args.iter_mut().take(paths) {
                    *arg = Arg::TempPath;
                }
            }
        }
        for index in copies {
            if let Some(event) = events.get_mut(index) {
                // A literal names a fixed location of the application, not a copy of an
                // object; the source and destination of a move or copy are both copies.
                for arg in event.args.iter_mut().take(2) {
                    if !matches!(arg, Arg::Str(_)) {
                        *arg = Arg::TempPath;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventKind;

    fn event(args: Vec<Arg>) -> Event {
        let mut e = Event::new(EventKind::Call, vec!["x".into()], 0..1);
        e.args = args;
        e
    }

    fn path() -> Arg {
        Arg::Other { path_like: true }
    }

    fn call<'a>(what: Use, at: usize, event: usize, path: &'a str) -> Call<'a> {
        Call {
            function: 7,
            what,
            at,
            event: Some(event),
            path,
            destination: None,
            on_failure: false,
            arms: &[],
        }
    }

    #[test]
    fn verbs_come_from_the_last_name() {
        assert_eq!(use_of("System.IO.File.WriteAllText"), Some(Use::Create));
        assert_eq!(use_of("fs.unlinkSync"), Some(Use::Delete));
        assert_eq!(use_of("std::fs::remove_dir_all"), Some(Use::Delete));
        assert_eq!(use_of("fs/promises.rename"), Some(Use::Move));
        assert_eq!(use_of("System.IO.File.Copy"), Some(Use::Copy));
        assert_eq!(use_of("System.IO.File.OpenWrite"), Some(Use::Create));
        assert_eq!(use_of("System.IO.File.OpenRead"), Some(Use::Read));
        assert!(type_creates("System.IO.StreamWriter"));
        assert_eq!(use_of("System.IO.File.Exists"), None);
        assert_eq!(
            use_of("System.IO.File.GetLastWriteTimeUtc"),
            Some(Use::Read)
        );
        assert_eq!(use_of("System.IO.File.ReadAllTextAsync"), Some(Use::Read));
        assert_eq!(use_of("fs.readFileSync"), Some(Use::Read));
        assert_eq!(use_of("std::fs::read_to_string"), Some(Use::Read));
        assert_eq!(use_of("tokio::fs::read"), Some(Use::Read));
        assert_eq!(use_of("std::fs::read_dir"), None);
        assert_eq!(use_of("fs.readdirSync"), None);
    }

    #[test]
    fn keys_ignore_borrows_and_conversions() {
        assert_eq!(path_key("&probe").as_deref(), Some("probe"));
        assert_eq!(path_key("this.tmp_dir.clone()").as_deref(), Some("tmp_dir"));
        assert_eq!(
            path_key("path.join(dir, 'a')").as_deref(),
            Some("path.join(dir,'a')")
        );
    }

    #[test]
    fn a_probe_written_then_deleted_is_quiet() {
        let mut events = vec![
            event(vec![path(), Arg::Str(String::new())]),
            event(vec![path()]),
        ];
        let mut uses = PathUses::default();
        uses.record(call(Use::Create, 10, 0, "file"));
        uses.record(call(Use::Delete, 20, 1, "file"));
        uses.apply(&mut events);
        assert_eq!(events[0].args[0], Arg::TempPath);
        assert_eq!(events[0].args[1], Arg::Str(String::new()));
        assert_eq!(events[1].args[0], Arg::TempPath);
    }

    #[test]
    fn a_write_and_a_delete_in_two_branches_of_one_if_stay() {
        let mut events = vec![
            event(vec![path()]),
            event(vec![path()]),
            event(vec![path()]),
        ];
        let mut uses = PathUses::default();
        let mut write = call(Use::Create, 10, 0, "css");
        write.arms = &[(5, true)];
        uses.record(write);
        let mut delete = call(Use::Delete, 20, 1, "css");
        delete.arms = &[(18, true), (5, false)];
        uses.record(delete);
        uses.apply(&mut events);
        assert_eq!(events[0].args[0], path());
        assert_eq!(events[1].args[0], path());
        // A delete after the `if` follows the write in either branch.
        let mut uses = PathUses::default();
        uses.record(write);
        uses.record(call(Use::Delete, 30, 2, "css"));
        uses.apply(&mut events);
        assert_eq!(events[0].args[0], Arg::TempPath);
        assert_eq!(events[2].args[0], Arg::TempPath);
    }

    #[test]
    fn a_delete_before_the_write_or_elsewhere_stays() {
        let mut events = vec![
            event(vec![path()]),
            event(vec![path()]),
            event(vec![path()]),
        ];
        let mut uses = PathUses::default();
        uses.record(call(Use::Delete, 10, 0, "target"));
        uses.record(call(Use::Create, 20, 1, "target"));
        let mut other_function = call(Use::Delete, 30, 2, "target");
        other_function.function = 99;
        uses.record(other_function);
        uses.apply(&mut events);
        assert!(events.iter().all(|e| e.args[0] == path()));
    }

    #[test]
    fn a_cache_entry_read_before_its_delete_is_housekeeping() {
        let mut events = vec![
            event(vec![Arg::InstancePath]),
            event(vec![Arg::InstancePath]),
            event(vec![path()]),
        ];
        let mut uses = PathUses::default();
        // Read, found expired or corrupt, deleted: each instance does it for itself.
        uses.record(call(Use::Read, 10, 9, "entry"));
        uses.record(call(Use::Delete, 20, 0, "entry"));
        // Deleted without reading it (the data changed): the other instances keep theirs.
        uses.record(call(Use::Delete, 30, 1, "other"));
        // A shared file read before its delete is no cache entry.
        uses.record(call(Use::Read, 40, 9, "upload"));
        uses.record(call(Use::Delete, 50, 2, "upload"));
        uses.apply(&mut events);
        assert_eq!(events[0].args[0], Arg::TempPath);
        assert_eq!(events[1].args[0], Arg::InstancePath);
        assert_eq!(events[2].args[0], path());
    }

    #[test]
    fn a_part_file_moved_into_place_keeps_its_write() {
        let mut events = vec![
            event(vec![path()]),
            event(vec![path(), path()]),
            event(vec![path()]),
        ];
        let mut uses = PathUses::default();
        uses.record(call(Use::Create, 10, 0, "part"));
        let mut moved = call(Use::Move, 20, 1, "part");
        moved.destination = Some(("target", false));
        uses.record(moved);
        uses.record(call(Use::Delete, 30, 2, "part"));
        uses.apply(&mut events);
        assert_eq!(events[0].args[0], path());
        assert_eq!(events[1].args, vec![path(), path()]);
        assert_eq!(events[2].args[0], Arg::TempPath);
    }

    #[test]
    fn a_delete_on_failure_rolls_back_a_kept_file() {
        let mut events = vec![event(vec![path()]), event(vec![path()])];
        let mut uses = PathUses::default();
        uses.record(call(Use::Create, 10, 0, "resized"));
        let mut rollback = call(Use::Delete, 20, 1, "resized");
        rollback.on_failure = true;
        uses.record(rollback);
        uses.apply(&mut events);
        assert_eq!(events[0].args[0], path());
        assert_eq!(events[1].args[0], Arg::TempPath);
    }

    #[test]
    fn a_temporary_copy_moved_back_out_is_kept() {
        let mut events = vec![
            event(vec![path(), Arg::TempPath]),
            event(vec![Arg::TempPath, path()]),
        ];
        let mut uses = PathUses::default();
        let mut copied = call(Use::Copy, 10, 0, "a");
        copied.destination = Some(("swap", true));
        uses.record(copied);
        let mut back = call(Use::Move, 20, 1, "swap");
        back.destination = Some(("b", false));
        uses.record(back);
        uses.apply(&mut events);
        assert_eq!(events[0].args, vec![path(), Arg::TempPath]);
    }

    #[test]
    fn a_copy_into_a_temporary_path_is_quiet() {
        let mut events = vec![event(vec![path(), Arg::TempPath])];
        let mut uses = PathUses::default();
        let mut copied = call(Use::Copy, 10, 0, "source");
        copied.destination = Some(("tempPath", true));
        uses.record(copied);
        uses.apply(&mut events);
        assert_eq!(events[0].args, vec![Arg::TempPath, Arg::TempPath]);
    }

    fn transfer<'a>(direction: Direction, args: &'a [&'a str], on_client: bool) -> Transfer<'a> {
        Transfer {
            function: 7,
            direction,
            at: 15,
            args,
            on_client,
        }
    }

    #[test]
    fn a_path_copied_from_the_store_in_the_same_function_is_quiet() {
        let mut events = vec![event(vec![path()]), event(vec![path()])];
        let mut uses = PathUses::default();
        uses.record(call(Use::Delete, 10, 0, "local"));
        uses.record_transfer(transfer(Direction::Download, &["key", "local"], false));
        uses.record(call(Use::Create, 20, 1, "other"));
        uses.apply(&mut events);
        assert_eq!(events[0].args[0], Arg::TempPath);
        assert_eq!(events[1].args[0], path(), "another path stays");
    }

    #[test]
    fn a_file_that_downloads_and_uploads_through_clients_mirrors_the_store() {
        let literal = Arg::Str("/srv/app/settings.json".into());
        let mut events = vec![event(vec![path()]), event(vec![literal.clone()])];
        let mut uses = PathUses::default();
        uses.record(call(Use::Create, 10, 0, "copy"));
        uses.record(call(Use::Create, 12, 1, "'/srv/app/settings.json'"));
        uses.record_transfer(transfer(Direction::Download, &["a", "b"], true));
        let mut only_one_way = PathUses::default();
        only_one_way.record(call(Use::Create, 10, 0, "copy"));
        only_one_way.record_transfer(transfer(Direction::Download, &["a", "b"], true));
        only_one_way.record_transfer(transfer(Direction::Upload, &["a", "b"], false));
        let mut untouched = events.clone();
        only_one_way.apply(&mut untouched);
        assert_eq!(
            untouched[0].args[0],
            path(),
            "an upload to its own class is no client"
        );
        uses.record_transfer(transfer(Direction::Upload, &["c", "d"], true));
        uses.apply(&mut events);
        assert_eq!(events[0].args[0], Arg::TempPath);
        assert_eq!(events[1].args[0], literal, "a literal is a fixed location");
    }
}
