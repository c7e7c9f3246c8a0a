//! Collections in fields of classes that methods write to (`this.sessions = new Map()` in
//! the constructor and `this.sessions.set(socket.id, s)` in a method; see
//! [`EventKind::FieldCollection`](crate::event::EventKind::FieldCollection)), and the
//! registrations that make a class a single instance: a class decorator such as NestJS's
//! `@Injectable()` (`@nestjs/common.Injectable:ChatService`, unless it is given a `scope`)
//! and a `new ClientManager()` that a module-level variable holds (`new:ClientManager`), made
//! where it is declared or assigned later (`manager = new ClientManager()` when the server
//! starts), or that a class's `static` field holds (`static store = new StateStore()`), or
//! that a function building the application at start-up constructs (`startup.rs`). A
//! class's `static` collections are process-lived like module-level ones: written
//! as `Owner.field.set(..)` (or through `this` in static methods), they become `Collection`
//! events.

use super::state::{record_write, unwrap_type_assertion, value_constructor, written_by};
use super::symbols::{decorator_callee, decorator_nodes};
use super::*;
use crate::frontend::collections::Collection;
use std::collections::BTreeSet;

/// The field-collection events of every class of the file and the file's registrations.
pub(super) fn field_collection_events(
    root: Node<'_>,
    src: &str,
    scopes: &Scopes,
) -> (Vec<Event>, BTreeSet<String>) {
    let mut registrations = module_instances(root, src);
    registrations.extend(super::startup::startup_instances(root, src));
    let module: Scope = root.byte_range().into();
    let mut events = Vec::new();
    let mut stack = vec![(root, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            continue;
        }
        if is_class(node.kind_str()) {
            class_fields(node, src, scopes, &mut events, &mut registrations);
        }
        // `manager = new ClientManager()` in a function, to a module-level `let manager`.
        if node.kind_str() == "assignment_expression" {
            let left = node.child_by_field_name("left");
            let held = left.is_some_and(|l| {
                l.kind_str() == "identifier"
                    && scopes.visible_scope(text(l, src), l.start_byte()) == Some(module)
            });
            if let Some(value) = node.child_by_field_name("right").filter(|_| held) {
                registrations.extend(constructed(value, src));
            }
        }
        for child in named_children(node) {
            stack.push((child, depth + 1));
        }
    }
    events.sort_by_key(|e| e.span.start);
    (events, registrations)
}

fn is_class(kind: &str) -> bool {
    matches!(
        kind,
        "class_declaration" | "abstract_class_declaration" | "class"
    )
}

/// `new:Name` for every `new Name(..)` a top-level statement keeps: `const x = new Name()`,
/// `export default new Name()`, `module.exports = new Name()`.
fn module_instances(root: Node<'_>, src: &str) -> BTreeSet<String> {
    let mut values = Vec::new();
    for statement in named_children(root) {
        let statement = match statement.kind_str() {
            "export_statement" => {
                values.extend(statement.child_by_field_name("value"));
                match statement.child_by_field_name("declaration") {
                    Some(d) => d,
                    None => continue,
                }
            }
            _ => statement,
        };
        match statement.kind_str() {
            "lexical_declaration" | "variable_declaration" => values
                .extend(named_children(statement).filter_map(|d| d.child_by_field_name("value"))),
            "expression_statement" => values.extend(
                named_children(statement)
                    .filter(|e| e.kind_str() == "assignment_expression")
                    .filter_map(|e| e.child_by_field_name("right")),
            ),
            _ => {}
        }
    }
    values
        .into_iter()
        .filter_map(|value| constructed(value, src))
        .collect()
}

/// `new:Name` when `value` is `new Name(..)` (or `new pkg.Name(..)`).
pub(super) fn constructed(value: Node<'_>, src: &str) -> Option<String> {
    let value = unwrap_type_assertion(value);
    if value.kind_str() != "new_expression" {
        return None;
    }
    let constructor = value.child_by_field_name("constructor")?;
    let name = text(constructor, src)
        .rsplit('.')
        .next()
        .unwrap_or_default();
    Some(format!("new:{name}"))
}

/// The collections a class keeps in fields (declared with a value, or assigned to `this.x`
/// in the constructor) that its other methods write to, and the class's decorator
/// registrations.
fn class_fields(
    class: Node<'_>,
    src: &str,
    scopes: &Scopes,
    events: &mut Vec<Event>,
    registrations: &mut BTreeSet<String>,
) {
    let (Some(name), Some(body)) = (
        class.child_by_field_name("name"),
        class.child_by_field_name("body"),
    ) else {
        return;
    };
    let owner = text(name, src);
    for decorator in decorator_nodes(class) {
        let scoped = decorator
            .named_child(0)
            .and_then(|call| call.child_by_field_name("arguments"))
            .is_some_and(|args| text(args, src).contains("scope"));
        let path = decorator_callee(decorator).and_then(|c| scopes.path_of(c, src));
        if let Some(path) = path.filter(|_| !scoped) {
            registrations.insert(format!("{path}:{owner}"));
        }
    }
    let mut candidates: HashMap<String, Collection> = HashMap::new();
    // Static fields live as long as the process, like module-level collections.
    let mut statics: HashMap<String, Collection> = HashMap::new();
    let mut writers = Vec::new();
    let mut static_writers = Vec::new();
    for member in named_children(body) {
        let is_static = is_static(member);
        match member.kind_str() {
            "public_field_definition" | "field_definition" => {
                let field = member
                    .child_by_field_name("name")
                    .or_else(|| member.child_by_field_name("property"));
                let (Some(field), Some(value)) = (field, member.child_by_field_name("value"))
                else {
                    continue;
                };
                if is_function(value.kind_str()) {
                    static_writers.push((value, is_static));
                    writers.push(value);
                    continue;
                }
                // `static readonly store = new StateStore()`: one instance per process.
                if is_static {
                    registrations.extend(constructed(value, src));
                }
                let annotation = member.child_by_field_name("type");
                let held = if is_static {
                    &mut statics
                } else {
                    &mut candidates
                };
                declare(field, value, annotation, src, scopes, held);
            }
            "method_definition" => {
                let Some(body) = member.child_by_field_name("body") else {
                    continue;
                };
                static_writers.push((body, is_static));
                let constructor = member
                    .child_by_field_name("name")
                    .is_some_and(|n| text(n, src) == "constructor");
                if constructor {
                    for (field, value) in this_assignments(body, src) {
                        declare(field, value, None, src, scopes, &mut candidates);
                    }
                } else {
                    writers.push(body);
                }
            }
            _ => {}
        }
    }
    if !statics.is_empty() {
        static_writes(owner, &static_writers, src, &mut statics);
        events.extend(statics.into_values().filter_map(Collection::into_event));
    }
    if candidates.is_empty() {
        return;
    }
    for writer in writers {
        let mut stack = vec![(writer, 0usize)];
        while let Some((node, depth)) = stack.pop() {
            if depth > MAX_DEPTH || is_class(node.kind_str()) {
                continue;
            }
            if let Some((field, key)) = written_field(node, src) {
                if let Some(c) = candidates.get_mut(field) {
                    record_write(c, node, src, key, field);
                }
            }
            let shape = super::shapes::shape_of(node, src, |object| {
                this_member(object, src).map(|field| text(field, src).trim_start_matches('#'))
            });
            if let Some((field, word)) = shape {
                if let Some(c) = candidates.get_mut(field) {
                    c.describe(word);
                }
            }
            for child in named_children(node) {
                stack.push((child, depth + 1));
            }
        }
    }
    let mut found: Vec<Event> = candidates
        .into_values()
        .filter_map(|c| c.field_of(owner).into_event())
        .collect();
    found.sort_by_key(|e| e.span.start);
    events.extend(found);
}

/// Whether a class member is declared `static`.
fn is_static(member: Node<'_>) -> bool {
    let mut cursor = member.walk();
    let found = member
        .children(&mut cursor)
        .any(|c| c.kind_str() == "static");
    found
}

/// The writes to static collections of class `owner` in its members' bodies (`writers`, each
/// with whether the member is static): `Owner.field.set(key, v)` anywhere, and
/// `this.field.set(key, v)` in static members.
fn static_writes(
    owner: &str,
    writers: &[(Node<'_>, bool)],
    src: &str,
    statics: &mut HashMap<String, Collection>,
) {
    for &(writer, in_static) in writers {
        let mut stack = vec![(writer, 0usize)];
        while let Some((node, depth)) = stack.pop() {
            if depth > MAX_DEPTH || is_class(node.kind_str()) {
                continue;
            }
            let written = written_by(node, src, |object| {
                let property = object.child_by_field_name("property")?;
                let holder = object.child_by_field_name("object")?;
                let by_class = holder.kind_str() == "identifier" && text(holder, src) == owner;
                let by_this = in_static && this_member(object, src).is_some();
                (object.kind_str() == "member_expression" && (by_class || by_this))
                    .then(|| text(property, src).trim_start_matches('#'))
            });
            if let Some((field, key)) = written {
                if let Some(c) = statics.get_mut(field) {
                    record_write(c, node, src, key, field);
                }
            }
            for child in named_children(node) {
                stack.push((child, depth + 1));
            }
        }
    }
}

/// Records `field` as a candidate when `value` makes a collection (`new Map()`, `{}`, `[]`),
/// with the words of its type annotation and type arguments.
fn declare(
    field: Node<'_>,
    value: Node<'_>,
    annotation: Option<Node<'_>>,
    src: &str,
    scopes: &Scopes,
    candidates: &mut HashMap<String, Collection>,
) {
    let value = unwrap_type_assertion(value);
    let target = match value.kind_str() {
        "new_expression" => value_constructor(value, src, scopes),
        "object" => Some("globalThis.Object".to_string()),
        "array" => Some("globalThis.Array".to_string()),
        _ => None,
    };
    let Some(target) = target else { return };
    let name = text(field, src).trim_start_matches('#');
    let mut collection = Collection::new(vec![target], field.byte_range(), name);
    if value.kind_str() == "new_expression" && super::state::store_backed(value, src) {
        collection.describe(super::state::BACKED_WORD);
    }
    for described in [annotation, value.child_by_field_name("type_arguments")]
        .into_iter()
        .flatten()
    {
        collection.describe(&type_names(text(described, src)));
        collection.declared_as(text(described, src));
    }
    candidates.insert(name.to_string(), collection);
}

/// The names of a type annotation that say what it holds: its identifiers other than
/// TypeScript's own type operators, utility and primitive types (`words.toml`).
fn type_names(annotation: &str) -> String {
    let builtin = &super::words::words().builtin_types;
    annotation
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .filter(|w| !w.is_empty() && !builtin.contains(*w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `this.x = value` assignments of a constructor body, outside nested functions.
fn this_assignments<'t>(body: Node<'t>, src: &str) -> Vec<(Node<'t>, Node<'t>)> {
    let mut out = Vec::new();
    let mut stack = vec![(body, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_DEPTH || is_function(node.kind_str()) || is_class(node.kind_str()) {
            continue;
        }
        if node.kind_str() == "assignment_expression" {
            let left = node.child_by_field_name("left");
            let field = left.and_then(|l| this_member(l, src));
            if let (Some(field), Some(value)) = (field, node.child_by_field_name("right")) {
                out.push((field, value));
            }
        }
        for child in named_children(node) {
            stack.push((child, depth + 1));
        }
    }
    out
}

/// The property of `this.x` (or `this.#x`).
fn this_member<'t>(node: Node<'t>, src: &str) -> Option<Node<'t>> {
    if node.kind_str() != "member_expression" {
        return None;
    }
    let object = node.child_by_field_name("object")?;
    (object.kind_str() == "this" || text(object, src) == "this")
        .then(|| node.child_by_field_name("property"))
        .flatten()
}

/// The field a node writes to, by name, with the text of the key when it has one:
/// `this.name.set(key, v)`, `this.name.push(v)`, `this.name[key] = v`.
fn written_field<'s>(node: Node<'_>, src: &'s str) -> Option<(&'s str, Option<&'s str>)> {
    written_by(node, src, |object| {
        this_member(object, src).map(|field| text(field, src).trim_start_matches('#'))
    })
}

#[cfg(test)]
mod type_name_tests {
    use super::type_names;

    #[test]
    fn builtin_type_words_say_nothing() {
        assert_eq!(
            type_names("Map<string, ReturnType<typeof setTimeout>>"),
            "setTimeout"
        );
        assert_eq!(type_names(": Record<string, UserSession[]>"), "UserSession");
    }
}
