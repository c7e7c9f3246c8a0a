//! Where C# code builds an object of a type: the sites that run a constructor.
//!
//! A constructor is its own definition in the symbol table (named by
//! [`crate::event::constructor_name`]), reached where its type is built rather than whenever
//! a method of the type runs: `new T(..)`, `T x = new()`, a type argument of a call
//! (`services.AddSingleton<IStore, Store>()`, `AddHostedService<Worker>()`,
//! `ActivatorUtilities.CreateInstance<T>()`) and `typeof(T)` passed to a call (a registration
//! or reflection builds it). The project model falls back to the whole class for a type no code builds
//! visibly (assembly scanning, a framework's reflection).
//!
//! A field that lists schema versions stores migrations: [`migration_list`].

use super::syntax::type_name;
use super::words::words;
use crate::frontend::flat::Node;
use crate::frontend::tree::{named_children, text, Fields, Kind};
use crate::reach::words::split_words;

/// The simple names of the types node `node` itself builds (not its children's): empty for
/// other nodes.
pub(super) fn built_types(node: Node<'_>, src: &str) -> Vec<String> {
    match node.kind_str() {
        "object_creation_expression" => node
            .field("type")
            .and_then(|t| simple(t, src))
            .into_iter()
            .collect(),
        "implicit_object_creation_expression" => declared_type(node, src).into_iter().collect(),
        // `AddSingleton(typeof(IStore), typeof(Store))`; not `typeof(T).Assembly`.
        "typeof_expression" if node.parent().is_some_and(|p| p.kind_str() == "argument") => {
            named_children(node)
                .next()
                .and_then(|t| simple(t, src))
                .into_iter()
                .collect()
        }
        "invocation_expression" => node
            .field("function")
            .map(|f| match f.kind_str() {
                "member_access_expression" => f.field("name").unwrap_or(f),
                _ => f,
            })
            .filter(|name| name.kind_str() == "generic_name")
            .into_iter()
            .flat_map(named_children)
            .filter(|c| c.kind_str() == "type_argument_list")
            .flat_map(named_children)
            .filter_map(|t| simple(t, src))
            .collect(),
        _ => Vec::new(),
    }
}

/// The type a target-typed `new()` builds: the declared type of the variable or field it
/// initialises (`Store s = new();`).
fn declared_type(node: Node<'_>, src: &str) -> Option<String> {
    let clause = node
        .parent()
        .filter(|p| p.kind_str() == "equals_value_clause");
    let declarator = clause
        .map_or(node.parent(), |c| c.parent())
        .filter(|d| d.kind_str() == "variable_declarator")?;
    let declaration = declarator
        .parent()
        .filter(|d| d.kind_str() == "variable_declaration")?;
    simple(declaration.field("type")?, src)
}

/// A type's simple name (`Store` for `Data.Store<T>?`); `None` for `var` and types that name
/// nothing the project declares by a simple name (arrays, tuples, type parameters aside).
fn simple(node: Node<'_>, src: &str) -> Option<String> {
    let name = type_name(node, src)?;
    let last = name.rsplit('.').next().unwrap_or(&name);
    let last = last.split('<').next().unwrap_or(last).trim_end_matches('?');
    (!last.is_empty() && last != "var" && last != "dynamic").then(|| last.to_string())
}

/// The name of the pseudo-definition holding a migration list's code: a start-up word, so
/// what its entries name runs once per start or upgrade (see `reach::words`).
pub(super) const MIGRATION_LIST: &str = "migration list";

/// How many entries of a field are looked at, at most.
const MAX_ENTRIES: usize = 4096;

/// Whether a field declaration lists schema versions: its name has a word of
/// `migration_list_words` and at least two of the objects its initializer builds pair a
/// version number with a method group (`new(37, 1, DatabaseFixes.PopulateTagWeight)`).
/// The methods are stored, not called: an upgrade runs each once.
pub(super) fn migration_list(field: Node<'_>, src: &str) -> bool {
    let named = named_children(field)
        .filter(|c| c.kind_str() == "variable_declaration")
        .flat_map(named_children)
        .filter(|c| c.kind_str() == "variable_declarator")
        .filter_map(|d| d.field("name"))
        .any(|name| {
            split_words(text(name, src))
                .iter()
                .any(|w| words().migration_list_words.contains(w.as_str()))
        });
    if !named {
        return false;
    }
    let mut stack = vec![field];
    let mut seen = 0;
    let mut entries = 0;
    while let Some(node) = stack.pop() {
        seen += 1;
        if seen > MAX_ENTRIES {
            break;
        }
        if node.kind_str().ends_with("object_creation_expression") && versioned_entry(node) {
            entries += 1;
            if entries >= 2 {
                return true;
            }
            continue;
        }
        stack.extend(named_children(node));
    }
    false
}

/// Whether an object's arguments pair an integer literal with a name that is not called
/// (a method group: `DatabaseFixes.Fix`, `Fix`).
fn versioned_entry(creation: Node<'_>) -> bool {
    let arguments: Vec<Node<'_>> = named_children(creation)
        .filter(|c| c.kind_str() == "argument_list")
        .flat_map(named_children)
        .filter_map(|a| a.named_child(0))
        .collect();
    arguments.iter().any(|a| a.kind_str() == "integer_literal")
        && arguments
            .iter()
            .any(|a| matches!(a.kind_str(), "identifier" | "member_access_expression"))
}
