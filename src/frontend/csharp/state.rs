//! Static collections that methods write to: `static ConcurrentDictionary<string, User>
//! Online` and `Online.TryAdd(Context.ConnectionId, user)` in a hub method (see
//! [`EventKind::Collection`](crate::event::EventKind::Collection)).

use super::scope::FileScope;
use super::syntax::{dotted, for_each_node};
use crate::event::Event;
use crate::frontend::collections::Collection;
use crate::frontend::tree::text;
use crate::frontend::tree::Fields;
use std::collections::HashMap;
use tree_sitter::Node;

/// Methods that add to or change a collection.
const WRITE_METHODS: &[&str] = &[
    "Add",
    "TryAdd",
    "AddOrUpdate",
    "GetOrAdd",
    "TryUpdate",
    "Insert",
    "Push",
    "Enqueue",
    "AddRange",
    "AddFirst",
    "AddLast",
];

/// One collection event per `static` field that code in a method, an
/// instance constructor or an accessor writes to, with the words of its name, its type
/// arguments and the keys it is written with.
pub(super) fn collection_events(root: Node<'_>, src: &str, scope: &FileScope) -> Vec<Event> {
    let mut candidates: HashMap<String, Collection> = HashMap::new();
    for_each_node(root, |node| {
        if node.kind() == "field_declaration" {
            static_field(node, src, scope, &mut candidates);
            return false;
        }
        true
    });
    if candidates.is_empty() {
        return Vec::new();
    }
    for_each_node(root, |node| {
        if let Some((name, key)) = written_field(node, src) {
            if let Some(c) = candidates.get_mut(name) {
                if in_method(node, src) {
                    c.written_with(key);
                }
            }
        }
        true
    });
    let mut events: Vec<Event> = candidates
        .into_values()
        .filter_map(Collection::into_event)
        .collect();
    events.sort_by_key(|e| e.span.start);
    events
}

fn named<'t>(node: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    (0..node.named_child_count()).filter_map(move |i| node.named_child(i as u32))
}

fn has_modifier(node: Node<'_>, src: &str, modifier: &str) -> bool {
    named(node).any(|c| c.kind() == "modifier" && text(c, src) == modifier)
}

/// Records the variables of a `static` (not `const`) field declaration.
fn static_field(
    node: Node<'_>,
    src: &str,
    scope: &FileScope,
    candidates: &mut HashMap<String, Collection>,
) {
    if !has_modifier(node, src, "static") || has_modifier(node, src, "const") {
        return;
    }
    let Some(declaration) = named(node).find(|c| c.kind() == "variable_declaration") else {
        return;
    };
    let Some(ty) = declaration.field("type") else {
        return;
    };
    let Some(name) = dotted(ty, src) else {
        return;
    };
    let targets = scope.resolve_type(&name);
    let type_arguments: Vec<&str> = named(ty)
        .filter(|c| c.kind() == "type_argument_list")
        .map(|args| text(args, src))
        .collect();
    for declarator in named(declaration).filter(|c| c.kind() == "variable_declarator") {
        let Some(field) = declarator.field("name") else {
            continue;
        };
        let field = text(field, src);
        let mut collection = Collection::new(targets.clone(), declarator.byte_range(), field);
        for args in &type_arguments {
            collection.describe(args);
        }
        candidates.insert(field.to_string(), collection);
    }
}

/// The field a node writes to, by name, with the text of the key when it has one:
/// `Name.TryAdd(key, v)`, `Type.Name.Add(v)`, `Name[key] = v`.
fn written_field<'s>(node: Node<'_>, src: &'s str) -> Option<(&'s str, Option<&'s str>)> {
    let field_name = |n: Node<'_>| match n.kind() {
        "identifier" => Some(text(n, src)),
        "member_access_expression" => n.field("name").map(|m| text(m, src)),
        _ => None,
    };
    match node.kind() {
        "invocation_expression" => {
            let function = node.field("function")?;
            if function.kind() != "member_access_expression" {
                return None;
            }
            let method = text(function.field("name")?, src);
            if !WRITE_METHODS.contains(&method) {
                return None;
            }
            let field = field_name(function.field("expression")?)?;
            let key = node
                .field("arguments")
                .and_then(|a| a.named_child(0))
                .map(|k| text(k, src));
            Some((field, key))
        }
        "assignment_expression" => {
            let left = node.field("left")?;
            if left.kind() != "element_access_expression" {
                return None;
            }
            let field = field_name(left.field("expression")?)?;
            let key = left.field("subscript").map(|k| text(k, src));
            Some((field, key))
        }
        _ => None,
    }
}

/// Whether a node runs after initialisation: in a method, an accessor, a local function or
/// an instance constructor, not in a field initializer or a static constructor.
fn in_method(node: Node<'_>, src: &str) -> bool {
    let mut cur = node.parent();
    while let Some(n) = cur {
        match n.kind() {
            "constructor_declaration" => return !has_modifier(n, src, "static"),
            "method_declaration"
            | "accessor_declaration"
            | "local_function_statement"
            | "operator_declaration"
            | "arrow_expression_clause" => return true,
            "field_declaration" | "class_declaration" | "struct_declaration"
            | "record_declaration" | "compilation_unit" => return false,
            _ => {}
        }
        cur = n.parent();
    }
    false
}
