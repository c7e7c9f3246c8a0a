//! Static collections that methods write to: `static ConcurrentDictionary<string, User>
//! Online` and `Online.TryAdd(Context.ConnectionId, user)` in a hub method (see
//! [`EventKind::Collection`](crate::event::EventKind::Collection)); instance fields that the
//! class's own methods write to (see
//! [`EventKind::FieldCollection`](crate::event::EventKind::FieldCollection)); and the
//! registrations that make a class a single instance (`AddSingleton<IPresence, Presence>()`).

use super::scope::FileScope;
use super::syntax::{dotted, enclosing_name, for_each_named_node};
use super::words::words;
use crate::event::Event;
use crate::frontend::branches::in_settings_branch;
use crate::frontend::collections::Collection;
use crate::frontend::flat::Node;
use crate::frontend::tree::text;
use crate::frontend::tree::{Fields, Kind};
use std::collections::{BTreeSet, HashMap};

/// One collection event per `static` field that code in a method, an instance constructor
/// or an accessor writes to, and one field-collection event per instance field of a class
/// that its own methods or accessors (not its constructors) write to, with the words of its
/// name, its type arguments and the keys it is written with; and the file's registrations
/// (see [`registration`]).
pub(super) fn collection_events(
    root: Node<'_>,
    src: &str,
    scope: &FileScope,
) -> (Vec<Event>, BTreeSet<String>) {
    // Statics by name, instance fields by `Class.name`.
    let mut candidates: HashMap<String, Collection> = HashMap::new();
    let mut writes: Vec<(String, Option<&str>)> = Vec::new();
    let mut registrations = BTreeSet::new();
    // Field names the file walks to close each element, and those it reads otherwise.
    let (mut closed, mut read) = (BTreeSet::new(), BTreeSet::new());
    for_each_named_node(root, |node| {
        match node.kind_str() {
            "field_declaration" => {
                field(node, src, scope, &mut candidates);
                return false;
            }
            // Its accessors may write other collections: walk on.
            "property_declaration" => property(node, src, scope, &mut candidates),
            "invocation_expression" => registration(node, src, &mut registrations),
            "identifier" => match handle_use(node, src) {
                HandleUse::Lifecycle => {}
                HandleUse::Closed => {
                    closed.insert(text(node, src));
                }
                HandleUse::Other => {
                    read.insert(text(node, src));
                }
            },
            _ => {}
        }
        if let Some((name, key)) = written_field(node, src) {
            match after_initialisation(node, src) {
                Written::Never => {}
                Written::Static => writes.push((name.to_string(), key)),
                Written::Both => {
                    writes.push((name.to_string(), key));
                    if let Some(class) =
                        enclosing_name(node, src, &["class_declaration", "record_declaration"])
                    {
                        writes.push((format!("{class}.{name}"), key));
                    }
                }
            }
        }
        true
    });
    for (name, key) in writes {
        if let Some(c) = candidates.get_mut(&name) {
            c.written_with(key);
        }
    }
    // Live handles of this process, only walked to close them: plumbing, not client state.
    candidates.retain(|name, _| {
        let field = name.rsplit('.').next().unwrap_or(name);
        !closed.contains(field) || read.contains(field)
    });
    let mut events: Vec<Event> = candidates
        .into_values()
        .filter_map(Collection::into_event)
        .collect();
    events.sort_by_key(|e| e.span.start);
    (events, registrations)
}

/// The most generic calls that can register a class, kept short: the type arguments of a
/// generic call and the types constructed or named by `typeof` in its arguments, each as
/// `Method:Type` (`AddSingleton<IPresence, Presence>()` gives `AddSingleton:IPresence` and
/// `AddSingleton:Presence`; `AddSingleton(new Presence(db))` and
/// `AddSingleton<IPresence>(sp => new Presence(db))` give `AddSingleton:Presence`).
fn registration(node: Node<'_>, src: &str, out: &mut BTreeSet<String>) {
    let Some(function) = node.child_by_field_name("function") else {
        return;
    };
    let method = match function.kind_str() {
        "member_access_expression" => function.child_by_field_name("name"),
        "generic_name" | "identifier" => Some(function),
        _ => None,
    };
    let Some(method) = method else { return };
    let name = match method.kind_str() {
        "generic_name" => method.named_child(0).map(|n| text(n, src)),
        _ => Some(text(method, src)),
    };
    let Some(name) = name.filter(|n| n.starts_with(|c: char| c.is_ascii_uppercase())) else {
        return;
    };
    let mut types = Vec::new();
    // Autofac: `builder.RegisterType<Presence>().As<IPresence>().SingleInstance()` registers
    // the type its chain's `RegisterType<T>()` names.
    if name == "SingleInstance" {
        types.extend(registered_type(function, src));
    }
    if method.kind_str() == "generic_name" {
        for list in named(method).filter(|c| c.kind_str() == "type_argument_list") {
            types.extend(named(list));
        }
    }
    if let Some(arguments) = node.child_by_field_name("arguments") {
        for argument in named(arguments) {
            let mut value = named(argument).last();
            // `sp => new Presence(..)`
            if let Some(lambda) = value.filter(|v| v.kind_str() == "lambda_expression") {
                value = lambda.child_by_field_name("body");
            }
            match value.map(|v| (v.kind_str(), v)) {
                Some(("object_creation_expression", v)) => {
                    types.extend(v.child_by_field_name("type"));
                }
                Some(("typeof_expression", v)) => types.extend(v.child_by_field_name("type")),
                _ => {}
            }
        }
    }
    // Whether the settings choose the registration, for mitigations its types make
    // (`chosen:RedisMessageBus` under `if (config.RedisPubSubEnabled)`, else `fixed:..`).
    let chosen = !types.is_empty() && in_settings_branch(node, src);
    for ty in types {
        if let Some(simple) = simple_type_name(ty, src) {
            out.insert(format!("{name}:{simple}"));
            out.insert(format!(
                "{}:{simple}",
                if chosen { "chosen" } else { "fixed" }
            ));
        }
    }
}

/// The type argument of the `RegisterType<T>()` call down a fluent chain's receivers.
fn registered_type<'t>(function: Node<'t>, src: &str) -> Option<Node<'t>> {
    let mut receiver = function.child_by_field_name("expression");
    while let Some(call) = receiver.filter(|r| r.kind_str() == "invocation_expression") {
        let function = call.child_by_field_name("function")?;
        let method = match function.kind_str() {
            "member_access_expression" => function.child_by_field_name("name")?,
            _ => function,
        };
        if method.kind_str() == "generic_name"
            && method
                .named_child(0)
                .is_some_and(|n| text(n, src) == "RegisterType")
        {
            let list = named(method).find(|c| c.kind_str() == "type_argument_list")?;
            return named(list).next();
        }
        receiver = function.child_by_field_name("expression");
    }
    None
}

/// `Presence`, for `Presence`, `Tracking.Presence` and `Presence<T>`.
fn simple_type_name<'s>(ty: Node<'_>, src: &'s str) -> Option<&'s str> {
    match ty.kind_str() {
        "identifier" => Some(text(ty, src)),
        "generic_name" => ty.named_child(0).map(|n| text(n, src)),
        "qualified_name" => ty
            .child_by_field_name("name")
            .and_then(|n| simple_type_name(n, src)),
        _ => None,
    }
}

fn named<'t>(node: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    (0..node.named_child_count()).filter_map(move |i| node.named_child(i as u32))
}

fn has_modifier(node: Node<'_>, src: &str, modifier: &str) -> bool {
    named(node).any(|c| c.kind_str() == "modifier" && text(c, src) == modifier)
}

/// Who holds a member: `Some(None)` for a `static` one, `Some(Some(class))` for an instance
/// member of a class or record, `None` for anything else (a struct's, an interface's).
fn member_owner<'s>(node: Node<'_>, src: &'s str) -> Option<Option<&'s str>> {
    if has_modifier(node, src, "static") {
        return Some(None);
    }
    let class = node.parent().and_then(|body| body.parent())?;
    if !matches!(class.kind_str(), "class_declaration" | "record_declaration") {
        return None;
    }
    class
        .child_by_field_name("name")
        .map(|n| Some(text(n, src)))
}

/// Records the variables of a field declaration: a `static` one by name, an instance
/// field of a class or record by `Class.name` (not `const` ones).
fn field(
    node: Node<'_>,
    src: &str,
    scope: &FileScope,
    candidates: &mut HashMap<String, Collection>,
) {
    if has_modifier(node, src, "const") {
        return;
    }
    let Some(owner) = member_owner(node, src) else {
        return;
    };
    let Some(declaration) = named(node).find(|c| c.kind_str() == "variable_declaration") else {
        return;
    };
    let Some(ty) = declaration.field("type") else {
        return;
    };
    for declarator in named(declaration).filter(|c| c.kind_str() == "variable_declarator") {
        if let Some(field) = declarator.field("name") {
            let field = text(field, src);
            declare(
                ty,
                field,
                declarator.byte_range(),
                owner,
                src,
                scope,
                candidates,
            );
        }
    }
}

/// Records an auto-property that holds its own collection object, like a field
/// (`public static HashSet<string> Spectators { get; } = new();`): one with an initializer,
/// a `static` one, or a get-only one (`Clients { get; }`), which only its constructors can
/// set, like a `readonly` field.
fn property(
    node: Node<'_>,
    src: &str,
    scope: &FileScope,
    candidates: &mut HashMap<String, Collection>,
) {
    let Some(owner) = member_owner(node, src) else {
        return;
    };
    if owner.is_some() && node.field("value").is_none() && !get_only(node, src) {
        return;
    }
    let (Some(ty), Some(name)) = (node.field("type"), node.field("name")) else {
        return;
    };
    let span = name.start_byte()..node.end_byte();
    declare(ty, text(name, src), span, owner, src, scope, candidates);
}

/// Whether a property is a get-only auto-property (`{ get; }`): one accessor, `get`, with no
/// body of its own.
fn get_only(node: Node<'_>, src: &str) -> bool {
    let Some(accessors) = node.field("accessors") else {
        return false;
    };
    let mut list = named(accessors).filter(|c| c.kind_str() == "accessor_declaration");
    match (list.next(), list.next()) {
        (Some(get), None) => text(get, src).trim_end_matches(';').trim() == "get",
        _ => false,
    }
}

/// Records the collection a member of type `ty` named `name` may hold.
fn declare(
    ty: Node<'_>,
    name: &str,
    span: std::ops::Range<usize>,
    owner: Option<&str>,
    src: &str,
    scope: &FileScope,
    candidates: &mut HashMap<String, Collection>,
) {
    let Some(type_name) = dotted(ty, src) else {
        return;
    };
    let mut collection = Collection::new(scope.resolve_type(&type_name), span, name);
    collection.declared_as(text(ty, src));
    for args in named(ty).filter(|c| c.kind_str() == "type_argument_list") {
        collection.describe(text(args, src));
    }
    match owner {
        Some(owner) => candidates.insert(format!("{owner}.{name}"), collection.field_of(owner)),
        None => candidates.insert(name.to_string(), collection),
    };
}

/// The field a node writes to, by name, with the text of the key when it has one:
/// `Name.TryAdd(key, v)`, `Type.Name.Add(v)`, `Name[key] = v`.
fn written_field<'s>(node: Node<'_>, src: &'s str) -> Option<(&'s str, Option<&'s str>)> {
    let field_name = |n: Node<'_>| match n.kind_str() {
        "identifier" => Some(text(n, src)),
        "member_access_expression" => n.field("name").map(|m| text(m, src)),
        _ => None,
    };
    match node.kind_str() {
        "invocation_expression" => {
            let function = node.field("function")?;
            if function.kind_str() != "member_access_expression" {
                return None;
            }
            let method = text(function.field("name")?, src);
            if !words().write_methods.contains(method) {
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
            if left.kind_str() != "element_access_expression" {
                return None;
            }
            let field = field_name(left.field("expression")?)?;
            let key = left.field("subscript").map(|k| text(k, src));
            Some((field, key))
        }
        _ => None,
    }
}

/// What a mention of a name does with the collection it may name.
enum HandleUse {
    /// Fills it, takes an element out of it or counts it (`_sockets.Add(s)`,
    /// `_sockets.Remove(s)`, `_sockets[id] = s`, `_sockets.Count`): with walks that close
    /// each element, what a graceful shutdown keeps (as JavaScript's `drain.rs`).
    Lifecycle,
    /// Walks it to end each element: `foreach (var s in _sockets) s.Dispose();`, where every
    /// call on the loop variable is one of `closing_methods`.
    Closed,
    /// Anything else: a look-up, a walk that sends, an argument.
    Other,
}

/// What the mention `name` (an identifier, or the name of `this.name`) does with a
/// collection (see [`HandleUse`]).
fn handle_use(name: Node<'_>, src: &str) -> HandleUse {
    let words = words();
    let mut used = name;
    if let Some(parent) = name.parent().filter(|p| {
        p.kind_str() == "member_access_expression"
            && p.field("name") == Some(name)
            && p.field("expression")
                .is_some_and(|e| e.kind_str() == "this_expression" || e.kind_str() == "this")
    }) {
        used = parent;
    }
    // A dictionary's handles: `foreach (var p in _helpers.Values) p.Kill();`.
    if let Some(values) = used.parent().filter(|p| {
        p.kind_str() == "member_access_expression"
            && p.field("expression") == Some(used)
            && p.field("name").is_some_and(|n| text(n, src) == "Values")
    }) {
        used = values;
    }
    let Some(parent) = used.parent() else {
        return HandleUse::Other;
    };
    match parent.kind_str() {
        "member_access_expression" if parent.field("expression") == Some(used) => {
            let method = parent.field("name").map(|n| text(n, src)).unwrap_or("");
            let called = parent.parent().is_some_and(|call| {
                call.kind_str() == "invocation_expression" && call.field("function") == Some(parent)
            });
            let counted = !called && method == "Count";
            if counted
                || called
                    && (words.write_methods.contains(method) || words.removals.contains(method))
            {
                HandleUse::Lifecycle
            } else {
                HandleUse::Other
            }
        }
        "element_access_expression" if parent.field("expression") == Some(used) => {
            let assigned = parent.parent().is_some_and(|a| {
                a.kind_str() == "assignment_expression" && a.field("left") == Some(parent)
            });
            if assigned {
                HandleUse::Lifecycle
            } else {
                HandleUse::Other
            }
        }
        "foreach_statement" if parent.field("right") == Some(used) => {
            if closes_each(parent, src) {
                HandleUse::Closed
            } else {
                HandleUse::Other
            }
        }
        _ => HandleUse::Other,
    }
}

/// Whether a `foreach` only ends each element: its loop variable is mentioned only as the
/// receiver of member accesses (`s.IsDisposed`), at least one a call, and every call on it is
/// one of `closing_methods`.
fn closes_each(foreach: Node<'_>, src: &str) -> bool {
    let (Some(variable), Some(body)) = (foreach.field("left"), foreach.field("body")) else {
        return false;
    };
    if variable.kind_str() != "identifier" {
        return false;
    }
    let variable = text(variable, src);
    let closing = &words().closing_methods;
    let (mut closes, mut other) = (false, false);
    for_each_named_node(body, |node| {
        if node.kind_str() != "identifier" || text(node, src) != variable {
            return true;
        }
        let access = node.parent().filter(|p| {
            p.kind_str() == "member_access_expression" && p.field("expression") == Some(node)
        });
        let Some(access) = access else {
            other = true;
            return false;
        };
        let called = access.parent().is_some_and(|call| {
            call.kind_str() == "invocation_expression" && call.field("function") == Some(access)
        });
        if called {
            let method = access.field("name").map(|n| text(n, src)).unwrap_or("");
            if closing.contains(method) {
                closes = true;
            } else {
                other = true;
            }
        }
        true
    });
    closes && !other
}

/// Which fields a write in this place changes after their initialisation.
enum Written {
    /// None: a field initializer or a static constructor.
    Never,
    /// A static field's: an instance constructor runs for every object.
    Static,
    /// Static and instance fields': a method, an accessor, a local function.
    Both,
}

/// Whether a node runs after initialisation: in a method, an accessor or a local function
/// (both kinds of field), in an instance constructor (static fields only), not in a field
/// initializer or a static constructor.
fn after_initialisation(node: Node<'_>, src: &str) -> Written {
    let mut cur = node.parent();
    while let Some(n) = cur {
        match n.kind_str() {
            "constructor_declaration" if has_modifier(n, src, "static") => return Written::Never,
            "constructor_declaration" => return Written::Static,
            "method_declaration"
            | "accessor_declaration"
            | "local_function_statement"
            | "operator_declaration"
            | "arrow_expression_clause" => return Written::Both,
            "field_declaration" | "class_declaration" | "struct_declaration"
            | "record_declaration" | "compilation_unit" => return Written::Never,
            _ => {}
        }
        cur = n.parent();
    }
    Written::Never
}
