//! What the frontends share about process-lived collections (module-level, `static`) and
//! collections in fields of objects: the declaration found, the writes seen, and the
//! collection event they make.

use crate::event::{Event, EventKind};
use crate::frontend::handles::{self, Entry};
use crate::reach::words::split_words;
use std::collections::BTreeSet;

/// Longer key expressions (a callback, an object literal) say nothing about what is keyed.
pub(crate) const MAX_KEY_TEXT: usize = 80;

/// A declared collection that may hold state.
pub(crate) struct Collection {
    targets: Vec<String>,
    span: std::ops::Range<usize>,
    words: BTreeSet<String>,
    /// The words of the fields of the entries written into it (see [`Event::held_words`]).
    held: BTreeSet<String>,
    written: bool,
    /// The type whose field holds it; `None` for a module-level or `static` collection.
    owner: Option<String>,
    /// The field's name, when its own file does not write it (see
    /// [`Event::written_elsewhere`]).
    elsewhere: Option<String>,
    /// The name a module exports it under, when its own file does not write it: its event
    /// stands only when another file writes that export (see [`WRITTEN_EXPORT`]).
    exported: Option<String>,
    /// What its declared type says its entries are.
    typed: Entry,
    /// What the entries written into it are, as far as their code tells: whether one was
    /// this process's own (a live handle, a function), data, or unknown.
    written_own: bool,
    written_data: bool,
    written_unknown: bool,
}

/// The registration prefix of a write to another module's exported collection
/// (`sessions.set(..)` on `import { sessions } from './state'`): `write:export:sessions`.
pub(crate) const WRITTEN_EXPORT: &str = "write:export:";

impl Collection {
    /// A collection named `name`, of a type with these candidate `targets`.
    pub(crate) fn new(targets: Vec<String>, span: std::ops::Range<usize>, name: &str) -> Self {
        Collection {
            targets,
            span,
            words: split_words(name).into_iter().collect(),
            held: BTreeSet::new(),
            written: false,
            owner: None,
            elsewhere: None,
            exported: None,
            typed: Entry::Unknown,
            written_own: false,
            written_data: false,
            written_unknown: false,
        }
    }

    /// A collection held in a field of `owner` (a class or struct), for a
    /// [`EventKind::FieldCollection`] event.
    pub(crate) fn field_of(mut self, owner: &str) -> Self {
        self.owner = Some(owner.to_string());
        self
    }

    /// Adds candidates of what its type stands for (a type alias, a struct of collections).
    pub(crate) fn add_targets(&mut self, targets: Vec<String>) {
        for target in targets {
            if !self.targets.contains(&target) {
                self.targets.push(target);
            }
        }
    }

    /// Whether it is a plain object literal (`{ failures: new Map() }`), whose properties
    /// may hold the collections.
    pub(crate) fn is_object_literal(&self) -> bool {
        self.targets.iter().any(|t| t == "globalThis.Object")
    }

    /// Adds the words of a name that describes what it holds (a type, a field).
    pub(crate) fn describe(&mut self, name: &str) {
        self.words.extend(split_words(name));
    }

    /// Records the text of its declared type, or of the type arguments it is constructed
    /// with (`ConcurrentDictionary<string, WebSocket>`, `<string, ChildProcess>`), which may
    /// say its entries are live handles or functions (see [`handles`]).
    pub(crate) fn declared_as(&mut self, ty: &str) {
        if self.typed == Entry::Unknown {
            self.typed = handles::entries_of(ty);
        }
    }

    /// Records what an entry written into it is (`sockets.set(id, ws)`: a live handle).
    pub(crate) fn holds_entry(&mut self, entry: Entry) {
        match entry {
            Entry::Own => self.written_own = true,
            Entry::Data => self.written_data = true,
            Entry::Unknown => self.written_unknown = true,
        }
    }

    /// Whether its entries are this process's own live handles or functions, by its type
    /// (unless a write puts data into it) or by every write into it: bookkeeping of its own
    /// resources, not state another instance would need.
    fn holds_own_resources(&self) -> bool {
        match self.typed {
            Entry::Own => !self.written_data,
            Entry::Data => false,
            Entry::Unknown => self.written_own && !self.written_data && !self.written_unknown,
        }
    }

    /// Records a write after initialisation, with the text of its key when short.
    pub(crate) fn written_with(&mut self, key: Option<&str>) {
        self.written = true;
        if let Some(key) = key.filter(|k| k.len() <= MAX_KEY_TEXT) {
            self.describe(key);
        }
    }

    /// Records the names of the fields of an entry written into it (`{ email, expires }`).
    pub(crate) fn holds_entries_with<'a>(&mut self, fields: impl IntoIterator<Item = &'a str>) {
        for field in fields {
            self.held.extend(split_words(field));
        }
    }

    /// Marks a collection that is state by itself, written or not: a module-level instance of
    /// the project's own class lives as long as the process, whatever its methods keep.
    pub(crate) fn lives_with_process(&mut self) {
        self.written = true;
    }

    /// Marks a field that its own file does not write: its event stands only when another
    /// file writes `field` (see [`Event::written_elsewhere`]).
    pub(crate) fn written_elsewhere(&mut self, field: &str) {
        if self.owner.is_some() {
            self.elsewhere = Some(field.to_string());
        }
    }

    /// Marks a module-level collection that its module exports as `name`: unwritten in its
    /// own file, its event needs a write in another file (`write:export:name`).
    pub(crate) fn exported_as(&mut self, name: &str) {
        if self.owner.is_none() {
            self.exported = Some(name.to_string());
        }
    }

    /// The event, when something wrote to the collection or may elsewhere.
    pub(crate) fn into_event(self) -> Option<Event> {
        if !self.written && self.elsewhere.is_none() && self.exported.is_none() {
            return None;
        }
        if self.holds_own_resources() {
            return None;
        }
        let kind = match self.owner {
            Some(_) => EventKind::FieldCollection,
            None => EventKind::Collection,
        };
        let mut event = Event::new(kind, self.targets, self.span);
        event.words = self.words.into_iter().collect();
        event.held_words = self.held.into_iter().collect();
        event.owner = self.owner;
        if !self.written {
            event.written_elsewhere = self.elsewhere;
            event.requires_any = self
                .exported
                .map(|name| format!("{WRITTEN_EXPORT}{name}"))
                .into_iter()
                .collect();
        }
        Some(event)
    }
}
