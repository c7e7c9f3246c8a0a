//! Module-level collections that functions write to: `const sessions = new Map()` at the top
//! of a module and `sessions.set(socket.id, s)` in a handler (see
//! [`EventKind::Collection`](crate::event::EventKind::Collection)), and module-level instances
//! of the project's own classes (`const loginThrottle = new LoginThrottle()`), which live as
//! long as the process whatever their methods keep. A registry of the process's own
//! connections, only counted and closed, and a connection's state kept under its own id are
//! not (see [`drain`](super::drain)).

use super::drain::{self, Uses};
use super::entries::{awaited_entry, written_entry, AWAITED_WORD};
use super::minted;
use super::shapes;
use super::*;
use crate::frontend::collections::{Collection, WRITTEN_EXPORT};
use crate::frontend::tree::{Fields, Kind};
use std::collections::BTreeSet;

/// Methods that add to or change a collection.
const WRITE_METHODS: &[&str] = &["set", "add", "push", "unshift", "splice"];

/// One collection event per module-level `new X()`, object or array literal
/// that code inside a function writes to, with the words of its name and of the keys it is
/// written with, and one per module-level `new Own()` of a class declared in the file or
/// imported from a relative path (target: the class's path, or its name when declared here;
/// words: the variable's and the class's names).
///
/// A collection its module exports (`export const sessions = new Map()`, `exports.sessions =
/// new Map()`, `module.exports = { sessions }`) that its own file does not write needs a
/// write in another file; the second value holds this file's such writes, from functions, to
/// what it imports from the project's own modules (`sessions.set(..)` on `import { sessions }
/// from './state'`, `state.sessions[id] = ..`): `write:export:sessions`.
pub(super) fn collection_events(
    root: Node<'_>,
    src: &str,
    scopes: &Scopes,
) -> (Vec<Event>, BTreeSet<String>) {
    let module: Scope = root.byte_range().into();
    let classes = own_classes(root, src);
    let mut candidates: HashMap<String, Collection> = HashMap::new();
    // Module-level names of collections in properties of module-level objects, and the
    // objects' names.
    let mut aliases: HashMap<&str, String> = HashMap::new();
    for statement in named_children(root) {
        // `exports.sessions = new Map()`: reached by other modules under that name.
        if let Some((name, declaration)) = commonjs_collection(statement, src, scopes) {
            let mut collection = Collection::new(vec![declaration.0], declaration.1, name);
            collection.exported_as(name);
            candidates.insert(format!("exports.{name}"), collection);
            continue;
        }
        let declaration = match statement.kind_str() {
            "export_statement" => statement.field("declaration"),
            _ => Some(statement),
        };
        let Some(declaration) = declaration
            .filter(|d| matches!(d.kind_str(), "lexical_declaration" | "variable_declaration"))
        else {
            continue;
        };
        for declarator in named_children(declaration) {
            let (Some(name), Some(value)) = (declarator.field("name"), declarator.field("value"))
            else {
                continue;
            };
            if name.kind_str() != "identifier" {
                continue;
            }
            if let Some(object) = property_alias(value, src, &candidates) {
                let alias = text(name, src);
                if let Some(c) = candidates.get_mut(object) {
                    c.describe(alias);
                }
                aliases.insert(alias, object.to_string());
                continue;
            }
            let value = kept_or_new(unwrap_type_assertion(value), src);
            if let Some((target, class)) = own_instance(value, src, scopes, &classes) {
                let name = text(name, src);
                let mut instance = Collection::new(vec![target], declarator.byte_range(), name);
                instance.describe(class);
                instance.lives_with_process();
                candidates.insert(name.to_string(), instance);
                continue;
            }
            let name = text(name, src);
            if let Some(collection) = declared_collection(declarator, value, name, src, scopes) {
                candidates.insert(name.to_string(), collection);
            }
        }
    }
    for (local, exported) in exported_names(root, src) {
        if let Some(c) = candidates.get_mut(local) {
            c.exported_as(exported);
        }
    }
    let mut written_exports = BTreeSet::new();
    let mut uses: HashMap<String, Uses> = HashMap::new();
    let mut loaders = Loaders::new(root, src);
    // Writes made by a module-level function's own body, kept until the file tells whether
    // that function runs only while the module loads.
    let mut deferred = Vec::new();
    let mut stack = vec![(root, false, 0usize, None)];
    while let Some((node, in_function, depth, loader)) = stack.pop() {
        if depth > MAX_DEPTH {
            continue;
        }
        loaders.note(node, src);
        if let Some((name, used)) = mention(node, src, &candidates, &aliases, scopes, module) {
            let by_connection = drain::keyed_by_connection(node, src);
            uses.entry(name.to_string())
                .or_default()
                .record(used, by_connection);
        }
        if in_function {
            if let Some((name, key)) = written_collection(node, src) {
                let name = name.strip_prefix("module.").unwrap_or(name);
                let name = aliases.get(name).map_or(name, String::as_str);
                let module_level = name.starts_with("exports.")
                    || scopes.visible_scope(name, node.start_byte()) == Some(module);
                if let Some(c) = candidates.get_mut(name).filter(|_| module_level) {
                    let collection = name.rsplit('.').next().unwrap_or(name);
                    match loader {
                        Some(loader) => deferred.push((name.to_string(), node, key, loader)),
                        None => record_write(c, node, src, key, collection),
                    }
                }
            }
            let shape = shapes::shape_of(node, src, |object| {
                (object.kind_str() == "identifier").then(|| text(object, src))
            });
            if let Some((name, word)) = shape {
                let name = aliases.get(name).map_or(name, String::as_str);
                let module_level = scopes.visible_scope(name, node.start_byte()) == Some(module);
                if let Some(c) = candidates.get_mut(name).filter(|_| module_level) {
                    c.describe(word);
                }
            }
            if let Some(export) = imported_write(node, src, scopes) {
                written_exports.insert(format!("{WRITTEN_EXPORT}{export}"));
            }
        }
        let inside = in_function || is_function(node.kind_str());
        let loader = match node.kind_str() {
            "function_declaration" if !in_function => node.field("name").map(|n| text(n, src)),
            kind if is_function(kind) => None,
            _ => loader,
        };
        for child in named_children(node) {
            stack.push((child, inside, depth + 1, loader));
        }
    }
    for (name, node, key, loader) in deferred {
        if loaders.runs_at_load(loader) {
            continue;
        }
        if let Some(c) = candidates.get_mut(&name) {
            let collection = name.rsplit('.').next().unwrap_or(&name);
            record_write(c, node, src, key, collection);
        }
    }
    let mut events: Vec<Event> = candidates
        .into_iter()
        .filter(|(name, _)| !uses.get(name).is_some_and(Uses::per_connection))
        .filter_map(|(_, collection)| collection.into_event())
        .collect();
    events.sort_by_key(|e| e.span.start);
    (events, written_exports)
}

/// The module-level function declarations of a file and whether each is only called as a
/// statement of the module's top level (`function define(code, msg) { codes[code] = .. }`
/// with `define('E_LIMIT', ..)` below it): a table such a function fills is built while the
/// module loads, once per process like its declaration, and nothing changes it afterwards. A
/// function mentioned anywhere else (called inside another function, handed on as a
/// callback, exported) may run at any time.
struct Loaders<'s> {
    /// Each top-level function's name, whether the top level calls it and whether something
    /// may call it after the load.
    declared: HashMap<&'s str, Calls>,
}

/// How a module-level function is called (see [`Loaders`]).
#[derive(Default)]
struct Calls {
    at_load: bool,
    later: bool,
}

impl<'s> Loaders<'s> {
    fn new(root: Node<'_>, src: &'s str) -> Self {
        let declared = named_children(root)
            .filter(|s| s.kind_str() == "function_declaration")
            .filter_map(|f| f.field("name"))
            .map(|n| (text(n, src), Calls::default()))
            .collect();
        Self { declared }
    }

    /// Notes a mention of a declared function that is not a call made as a top-level
    /// statement (nor the declaration's own name).
    fn note(&mut self, node: Node<'_>, src: &'s str) {
        // `module.exports = { fill }` names it as a shorthand property.
        if !matches!(
            node.kind_str(),
            "identifier" | "shorthand_property_identifier"
        ) {
            return;
        }
        let Some(calls) = self.declared.get_mut(text(node, src)) else {
            return;
        };
        let Some(parent) = node.parent() else {
            return;
        };
        let declaration = parent.kind_str() == "function_declaration"
            && parent
                .field("name")
                .is_some_and(|n| n.start_byte() == node.start_byte());
        let load_call = parent.kind_str() == "call_expression"
            && parent
                .field("function")
                .is_some_and(|f| f.start_byte() == node.start_byte())
            && parent.parent().is_some_and(|statement| {
                statement.kind_str() == "expression_statement"
                    && statement
                        .parent()
                        .is_some_and(|p| p.kind_str() == "program")
            });
        calls.at_load |= load_call;
        calls.later |= !declaration && !load_call;
    }

    /// Whether the function `name` runs only while the module loads (a function its file
    /// never calls may be a script's global, called from elsewhere).
    fn runs_at_load(&self, name: &str) -> bool {
        self.declared
            .get(name)
            .is_some_and(|calls| calls.at_load && !calls.later)
    }
}

/// `exports.sessions = new Map()` (also `module.exports.sessions = ..`, an object or an
/// array) at the top level: the exported name, and the collection's target and span.
fn commonjs_collection<'s>(
    statement: Node<'_>,
    src: &'s str,
    scopes: &Scopes,
) -> Option<(&'s str, (String, std::ops::Range<usize>))> {
    let assignment =
        (statement.kind_str() == "expression_statement").then(|| statement.named_child(0))??;
    if assignment.kind_str() != "assignment_expression" {
        return None;
    }
    let name = commonjs_export_name(assignment.field("left")?, src)?;
    let value = unwrap_type_assertion(assignment.field("right")?);
    let target = match value.kind_str() {
        "new_expression" => value_constructor(value, src, scopes)?,
        "object" => "globalThis.Object".to_string(),
        "array" => "globalThis.Array".to_string(),
        _ => return None,
    };
    Some((name, (target, assignment.byte_range())))
}

/// The module-level names the file exports, with the name each is exported under:
/// `export const sessions = ..`, `export { rooms as liveRooms }`, `module.exports = { sessions,
/// rooms: liveRooms }`, `exports.sessions = sessions`.
fn exported_names<'s>(root: Node<'_>, src: &'s str) -> Vec<(&'s str, &'s str)> {
    let mut out = Vec::new();
    for statement in named_children(root) {
        match statement.kind_str() {
            "export_statement" if statement.field("source").is_none() => {
                if let Some(declaration) = statement.field("declaration") {
                    out.extend(
                        named_children(declaration)
                            .filter_map(|d| d.field("name"))
                            .filter(|n| n.kind_str() == "identifier")
                            .map(|n| (text(n, src), text(n, src))),
                    );
                }
                let clauses = named_children(statement).filter(|c| c.kind_str() == "export_clause");
                for specifier in clauses.flat_map(named_children) {
                    let Some(name) = specifier.field("name") else {
                        continue;
                    };
                    let alias = specifier.field("alias").unwrap_or(name);
                    out.push((text(name, src), text(alias, src)));
                }
            }
            "expression_statement" => {
                let Some(assignment) = statement
                    .named_child(0)
                    .filter(|a| a.kind_str() == "assignment_expression")
                else {
                    continue;
                };
                let (Some(left), Some(right)) =
                    (assignment.field("left"), assignment.field("right"))
                else {
                    continue;
                };
                if let Some(name) = commonjs_export_name(left, src) {
                    if right.kind_str() == "identifier" {
                        out.push((text(right, src), name));
                    }
                } else if text(left, src) == "module.exports" && right.kind_str() == "object" {
                    for property in named_children(right) {
                        match property.kind_str() {
                            "shorthand_property_identifier" => {
                                out.push((text(property, src), text(property, src)));
                            }
                            "pair" => {
                                let key = property.field("key");
                                let value = property.field("value");
                                if let (Some(key), Some(value)) = (key, value) {
                                    if value.kind_str() == "identifier" {
                                        out.push((text(value, src), text(key, src)));
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The exported name a write inside a function reaches in another of the project's modules
/// (imported from a relative, rooted or `@/`/`~/` aliased path): `sessions.set(..)` on
/// `import { sessions } from './state'`, `state.rooms[id] = ..` on `import * as state from
/// './state'`.
fn imported_write(node: Node<'_>, src: &str, scopes: &Scopes) -> Option<String> {
    let (path, _) = written_by(node, src, |object| {
        if !matches!(object.kind_str(), "identifier" | "member_expression") {
            return None;
        }
        scopes.path_of(object, src)
    })?;
    let own = ["./", "../", "/", "@/", "~/"]
        .iter()
        .any(|p| path.starts_with(p));
    let (_, member) = path.rsplit_once('.')?;
    let plain = !member.is_empty()
        && member
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
    (own && plain).then(|| member.to_string())
}

/// A mention of a module-level candidate by name (its declaration aside), or of a name for
/// one of its properties (`aliases`), and how it uses the collection; a shorthand property
/// (`{ sockets }`) passes it on. The candidate's name.
fn mention<'s>(
    node: Node<'_>,
    src: &'s str,
    candidates: &'s HashMap<String, Collection>,
    aliases: &'s HashMap<&str, String>,
    scopes: &Scopes,
    module: Scope,
) -> Option<(&'s str, drain::Use)> {
    let kind = node.kind_str();
    if kind != "identifier" && kind != "shorthand_property_identifier" {
        return None;
    }
    let mentioned = text(node, src);
    let name = match aliases.get(mentioned) {
        Some(object) => object.as_str(),
        None => candidates.get_key_value(mentioned)?.0.as_str(),
    };
    if scopes.visible_scope(mentioned, node.start_byte()) != Some(module) {
        return None;
    }
    let used = match kind {
        "identifier" => drain::use_of(node, src)?,
        _ => drain::Use::Other,
    };
    Some((name, used))
}

/// The names of the classes the file declares at its top level (also exported ones).
fn own_classes<'s>(root: Node<'_>, src: &'s str) -> HashSet<&'s str> {
    named_children(root)
        .filter_map(|statement| match statement.kind_str() {
            "export_statement" => statement.field("declaration"),
            _ => Some(statement),
        })
        .filter(|d| {
            matches!(
                d.kind_str(),
                "class_declaration" | "abstract_class_declaration"
            )
        })
        .filter_map(|class| class.field("name"))
        .map(|name| text(name, src))
        .collect()
}

/// `new Own(..)` of a class of the project's own: declared in the file (`classes`) or
/// imported from a relative or rooted path (`./limits`, `/server/lib/throttle`). The target
/// (the class's module path, or its name when declared here) and the class's name.
fn own_instance<'s>(
    value: Node<'_>,
    src: &'s str,
    scopes: &Scopes,
    classes: &HashSet<&str>,
) -> Option<(String, &'s str)> {
    if value.kind_str() != "new_expression" {
        return None;
    }
    let constructor = value.field("constructor")?;
    let class = text(constructor, src);
    if constructor.kind_str() == "identifier" && classes.contains(class) {
        return Some((class.to_string(), class));
    }
    let path = scopes
        .path_of(constructor, src)
        .filter(|p| p.starts_with('.') || p.starts_with('/'))?;
    Some((path, class.rsplit('.').next().unwrap_or(class)))
}

/// `globalForApp.sessions ?? new Map()` (also `||`, and the store kept on the way:
/// `globalThis.limits ?? (globalThis.limits = new Map())`, `globalThis.limits ??= new Map()`):
/// a collection kept on `globalThis` across module reloads, or a new one; the new one is what
/// the module holds.
fn kept_or_new<'t>(value: Node<'t>, src: &str) -> Node<'t> {
    let right = match value.kind_str() {
        "binary_expression"
            if value
                .field("operator")
                .is_some_and(|o| matches!(text(o, src), "??" | "||")) =>
        {
            value.field("right")
        }
        "parenthesized_expression" => value.named_child(0),
        "augmented_assignment_expression" | "assignment_expression" => Some(value),
        _ => None,
    };
    let Some(right) = right.map(unwrap_type_assertion) else {
        return value;
    };
    let right = match right.kind_str() {
        "parenthesized_expression" => right.named_child(0).map(unwrap_type_assertion),
        _ => Some(right),
    };
    // `(globalThis.limits = new Map())`, `globalThis.limits ??= new Map()`: what is stored.
    let right = right.map(|r| match r.kind_str() {
        "assignment_expression" | "augmented_assignment_expression" => {
            r.field("right").map(unwrap_type_assertion).unwrap_or(r)
        }
        _ => r,
    });
    right
        .filter(|r| matches!(r.kind_str(), "new_expression" | "object" | "array"))
        .unwrap_or(value)
}

/// `const failures = store.failures`: a module-level name for a collection in a property of
/// a module-level object literal among `candidates`; the object's name.
fn property_alias<'s>(
    value: Node<'_>,
    src: &'s str,
    candidates: &HashMap<String, Collection>,
) -> Option<&'s str> {
    let value = unwrap_type_assertion(value);
    if value.kind_str() != "member_expression" {
        return None;
    }
    let object = value
        .field("object")
        .filter(|o| o.kind_str() == "identifier")?;
    let name = text(object, src);
    candidates
        .get(name)
        .is_some_and(Collection::is_object_literal)
        .then_some(name)
}

/// `x as Map<K, V>`, `x satisfies T`, `x!`: the expression inside.
pub(super) fn unwrap_type_assertion(node: Node<'_>) -> Node<'_> {
    match node.kind_str() {
        "as_expression" | "satisfies_expression" | "non_null_expression" => {
            node.named_child(0).unwrap_or(node)
        }
        _ => node,
    }
}

/// The collection a declarator of `name` makes with `value` (`new Map()`, `{}`, `[]`), with
/// what its declared type (`const sockets: Map<string, WebSocket> = new Map()`, `new
/// Map<string, T>()`) and its constructor's arguments say of it.
pub(super) fn declared_collection(
    declarator: Node<'_>,
    value: Node<'_>,
    name: &str,
    src: &str,
    scopes: &Scopes,
) -> Option<Collection> {
    let target = match value.kind_str() {
        "new_expression" => value_constructor(value, src, scopes),
        "object" => Some("globalThis.Object".to_string()),
        "array" => Some("globalThis.Array".to_string()),
        _ => None,
    }?;
    let mut collection = Collection::new(vec![target], declarator.byte_range(), name);
    if value.kind_str() == "new_expression" && store_backed(value, src) {
        collection.describe(BACKED_WORD);
    }
    for declared in [declarator.field("type"), value.field("type_arguments")]
        .into_iter()
        .flatten()
    {
        collection.declared_as(text(declared, src));
    }
    Some(collection)
}

/// The word a collection built on a store elsewhere is described by.
pub(super) const BACKED_WORD: &str = "backed";

/// Whether a constructed collection keeps its entries in a store elsewhere: its first
/// argument is a connection string (`new Keyv('redis://cache:6379')`) or options naming one
/// (`new Keyv({ store: new KeyvRedis(url) })`, `{ uri }`: `store_option_keys`).
pub(super) fn store_backed(new: Node<'_>, src: &str) -> bool {
    let Some(first) = new.field("arguments").and_then(|a| a.named_child(0)) else {
        return false;
    };
    match first.kind_str() {
        "string" | "template_string" => true,
        "object" => {
            let keys = &super::words::words().store_option_keys;
            named_children(first).any(|property| {
                let key = match property.kind_str() {
                    "shorthand_property_identifier" => Some(property),
                    "pair" => property.field("key"),
                    _ => None,
                };
                key.is_some_and(|k| keys.contains(text(k, src).trim_matches(['"', '\''])))
            })
        }
        _ => false,
    }
}

pub(super) fn value_constructor(new: Node<'_>, src: &str, scopes: &Scopes) -> Option<String> {
    let constructor = new.field("constructor")?;
    scopes.path_of(constructor, src)
}

/// The collection a node writes to, by name, with the text of the key when it has one:
/// `name.set(key, v)`, `name.add(key)`, `name.push(v)`, `name[key] = v`, and a collection
/// in a property of a module-level object (`state.users.set(id, v)`, `state.rooms[id] = v`),
/// by the object's name.
fn written_collection<'s>(node: Node<'_>, src: &'s str) -> Option<(&'s str, Option<&'s str>)> {
    written_by(node, src, |object| match object.kind_str() {
        "identifier" => Some(text(object, src)),
        // `exports.sessions.set(..)`: the collection a module exports by assignment.
        "member_expression" if commonjs_export_name(object, src).is_some() => {
            Some(text(object, src))
        }
        "member_expression" => object
            .field("object")
            .filter(|o| o.kind_str() == "identifier")
            .map(|o| text(o, src)),
        _ => None,
    })
}

/// Records a write `node` makes to collection `c` (named `collection`) under `key`: the
/// key's words, what its entries hold, and whether the key was just minted.
pub(super) fn record_write(
    c: &mut Collection,
    node: Node<'_>,
    src: &str,
    key: Option<&str>,
    collection: &str,
) {
    c.written_with(key);
    c.holds_entries_with(entry_fields(node, src));
    if minted::minted_key(node, src) {
        c.describe(minted::MINTED_WORD);
    }
    if awaited_entry(node, src) {
        c.describe(AWAITED_WORD);
    }
    if let Some(entry) = written_entry(node, src, collection) {
        c.holds_entry(entry);
    }
}

/// The names of the fields of the object literal a write stores (`x.set(k, { email, code })`,
/// `x.push({ userId })`, `x[k] = { email: e }`): what each entry holds.
pub(super) fn entry_fields<'s>(node: Node<'_>, src: &'s str) -> Vec<&'s str> {
    let value = match node.kind_str() {
        "call_expression" => {
            let method = node
                .field("function")
                .and_then(|f| f.field("property"))
                .map(|p| text(p, src));
            let position = match method {
                Some("set") => 1,
                Some("add" | "push" | "unshift") => 0,
                _ => return Vec::new(),
            };
            node.field("arguments")
                .and_then(|a| a.named_child(position))
        }
        "assignment_expression" => node.field("right"),
        _ => None,
    };
    let Some(object) = value
        .map(unwrap_type_assertion)
        .filter(|v| v.kind_str() == "object")
    else {
        return Vec::new();
    };
    named_children(object)
        .filter_map(|property| match property.kind_str() {
            "shorthand_property_identifier" => Some(property),
            "pair" => property
                .field("key")
                .filter(|k| k.kind_str() == "property_identifier"),
            _ => None,
        })
        .map(|name| text(name, src))
        .collect()
}

/// What a node writes to, by the name `collection` gives the written object, with the text
/// of the key when it has one: `x.set(key, v)`, `x.add(key)`, `x.push(v)`, `x[key] = v`.
pub(super) fn written_by<'s, T>(
    node: Node<'_>,
    src: &'s str,
    collection: impl Fn(Node<'_>) -> Option<T>,
) -> Option<(T, Option<&'s str>)> {
    match node.kind_str() {
        "call_expression" => {
            let callee = node.field("function")?;
            if callee.kind_str() != "member_expression" {
                return None;
            }
            let method = text(callee.field("property")?, src);
            if !WRITE_METHODS.contains(&method) {
                return None;
            }
            let name = collection(callee.field("object")?)?;
            let key = node
                .field("arguments")
                .and_then(|a| a.named_child(0))
                .filter(|k| !is_function(k.kind_str()))
                .map(|k| text(k, src));
            Some((name, key))
        }
        "assignment_expression" | "augmented_assignment_expression" => {
            let left = node.field("left")?;
            // Only computed keys: `totals.count = 0` sets a fixed field, `arr.length = 0`
            // clears; neither keys the collection by anything.
            if left.kind_str() != "subscript_expression" {
                return None;
            }
            let name = collection(left.field("object")?)?;
            let key = left.field("index")?;
            Some((name, Some(text(key, src))))
        }
        _ => None,
    }
}
