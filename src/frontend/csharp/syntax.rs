//! Small helpers over tree-sitter-c-sharp nodes and dotted names.

use super::MAX_DEPTH;
use crate::frontend::flat::Node;
use crate::frontend::tree::{named_children, text};
use crate::frontend::tree::{Fields, Kind};

/// The name of the method or local function that contains `node`.
pub(super) fn enclosing_method_name<'s>(node: Node<'_>, src: &'s str) -> Option<&'s str> {
    enclosing_name(
        node,
        src,
        &["method_declaration", "local_function_statement"],
    )
}

/// The name of the innermost declaration of one of these `kinds` that contains `node`.
pub(super) fn enclosing_name<'s>(node: Node<'_>, src: &'s str, kinds: &[&str]) -> Option<&'s str> {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if kinds.contains(&n.kind_str()) {
            return n.field("name").map(|m| text(m, src));
        }
        cur = n.parent();
    }
    None
}

/// Pre-order traversal without recursion; `visit` returns whether to descend.
/// The name of the method or local function a `return` (or `=>` body) returns from; `None`
/// inside a lambda, an accessor, a property or a constructor.
pub(super) fn returning_method_name<'s>(node: Node<'_>, src: &'s str) -> Option<&'s str> {
    let mut cur = node.parent();
    while let Some(n) = cur {
        match n.kind_str() {
            "method_declaration" | "local_function_statement" => {
                return n.field("name").map(|name| text(name, src))
            }
            "lambda_expression"
            | "anonymous_method_expression"
            | "accessor_declaration"
            | "property_declaration"
            | "constructor_declaration" => return None,
            _ => cur = n.parent(),
        }
    }
    None
}

/// [`for_each_node`] over the named nodes only, for visitors that look at no token (the
/// tokens between named nodes are leaves): stepping a cursor through every token costs more
/// than reading the named children by index.
pub(super) fn for_each_named_node<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>) -> bool) {
    let mut stack = vec![(root, 0usize)];
    let mut children = Vec::new();
    while let Some((node, depth)) = stack.pop() {
        if visit(node) && depth < MAX_DEPTH {
            children.extend(named_children(node));
            stack.extend(children.drain(..).rev().map(|c| (c, depth + 1)));
        }
    }
}

pub(super) fn for_each_node<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>) -> bool) {
    let mut cursor = root.walk();
    let mut depth = 0usize;
    loop {
        let descend = visit(cursor.node()) && depth < MAX_DEPTH;
        if descend && cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if depth == 0 || !cursor.goto_parent() {
                return;
            }
            depth -= 1;
        }
    }
}

/// A name written as identifiers and dots (`System.IO.File`, `global::X.Y`,
/// `List<int>` as `List`), without whitespace or type arguments.
pub(super) fn dotted(node: Node<'_>, src: &str) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = node;
    for _ in 0..64 {
        match cur.kind_str() {
            "identifier" | "predefined_type" | "this_expression" | "this" => {
                parts.push(text(cur, src).to_string());
                break;
            }
            "generic_name" => {
                parts.push(text(cur.named_child(0)?, src).to_string());
                break;
            }
            "alias_qualified_name" => {
                let alias = text(cur.field("alias")?, src);
                let name = dotted(cur.field("name")?, src)?;
                parts.push(format!("{alias}::{name}"));
                break;
            }
            "qualified_name" => {
                parts.push(dotted(cur.field("name")?, src)?);
                cur = cur.field("qualifier")?;
            }
            "member_access_expression" => {
                parts.push(dotted(cur.field("name")?, src)?);
                cur = cur.field("expression")?;
            }
            "nullable_type" => cur = cur.field("type")?,
            _ => return None,
        }
    }
    parts.reverse();
    Some(parts.join("."))
}

/// The written type of a declaration, or `None` for `var`, arrays, tuples and the like.
/// The type an entry of a base list names (`Base` in `: Base` and in `: Base(arg)`).
pub(super) fn base_type(base: Node<'_>) -> Option<Node<'_>> {
    if base.kind_str() == "primary_constructor_base_type" {
        base.field("type")
    } else {
        Some(base)
    }
}

pub(super) fn type_name(node: Node<'_>, src: &str) -> Option<String> {
    match node.kind_str() {
        "implicit_type" | "array_type" | "tuple_type" | "pointer_type" => None,
        _ => dotted(node, src),
    }
}

pub(super) fn initializer(declarator: Node<'_>) -> Option<Node<'_>> {
    let name = declarator.field("name");
    let mut cursor = declarator.walk();
    let init = declarator.named_children(&mut cursor).find(|c| {
        Some(*c) != name
            && c.kind_str() != "bracketed_argument_list"
            && c.kind_str() != "tuple_pattern"
    });
    init
}

pub(super) fn first_child_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    named_children(node).find(|c| c.kind_str() == kind)
}

/// The one value a property's getter returns: `get => value;` or a body that is a single
/// `return value;`.
pub(super) fn getter_value<'t>(property: Node<'t>, src: &str) -> Option<Node<'t>> {
    let getter = named_children(property.field("accessors")?).find(|a| {
        a.kind_str() == "accessor_declaration"
            && a.field("name").is_some_and(|n| text(n, src) == "get")
    })?;
    let body = getter.field("body")?;
    match body.kind_str() {
        "arrow_expression_clause" => body.named_child(0),
        "block" if body.named_child_count() == 1 => body
            .named_child(0)
            .filter(|s| s.kind_str() == "return_statement")
            .and_then(|r| r.named_child(0)),
        _ => None,
    }
}

/// The value of an `argument` or `attribute_argument`: its last named child (after
/// any `name:` or `Name =`).
pub(super) fn last_named_child(node: Node<'_>) -> Option<Node<'_>> {
    let last = node.named_child_count().checked_sub(1)?;
    node.named_child(u32::try_from(last).ok()?)
}

/// Looks through parentheses, `await`, `!` and casts of the same value.
pub(super) fn unwrap_expr(mut node: Node<'_>) -> Node<'_> {
    for _ in 0..32 {
        match node.kind_str() {
            "parenthesized_expression" | "await_expression" | "postfix_unary_expression" => {
                match last_named_child(node) {
                    Some(inner) => node = inner,
                    None => break,
                }
            }
            _ => break,
        }
    }
    node
}

/// Whether one of the candidate targets is a method of one of these names.
pub(super) fn method_is(targets: &[String], names: &[&str]) -> bool {
    targets.iter().any(|t| names.contains(&last_segment(t)))
}

/// The last segment of a dotted name (`_timer` in `this._timer`).
/// `parts` written one after another: `format!("{ns}.{name}")` without the formatting
/// machinery, for the qualified names made for every call and type reference.
pub(super) fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

pub(super) fn last_segment(name: &str) -> &str {
    name.rsplit(['.', ':']).next().unwrap_or(name)
}

pub(super) fn mentions(haystack: &str, words: &[String]) -> bool {
    let lower = haystack.to_ascii_lowercase();
    words.iter().any(|w| lower.contains(w.as_str()))
}

/// The type a C# keyword stands for (`string.Join` is `System.String.Join`).
pub(super) fn predefined_type(name: &str) -> Option<&'static str> {
    Some(match name {
        "string" => "System.String",
        "object" => "System.Object",
        "int" => "System.Int32",
        "long" => "System.Int64",
        "bool" => "System.Boolean",
        "double" => "System.Double",
        "decimal" => "System.Decimal",
        "char" => "System.Char",
        "byte" => "System.Byte",
        _ => return None,
    })
}
