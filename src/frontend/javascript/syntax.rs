//! Small tree-sitter helpers for the JavaScript grammars.

use super::*;

/// The value of a string literal or a template string without substitutions.
pub(super) fn string_value(node: Node<'_>, src: &str) -> Option<String> {
    let literal = match node.kind_str() {
        "string" => true,
        "template_string" => !named_children(node).any(|c| c.kind_str() == "template_substitution"),
        _ => false,
    };
    literal.then(|| {
        let t = text(node, src);
        t.get(1..t.len().saturating_sub(1))
            .unwrap_or("")
            .to_string()
    })
}

pub(super) fn is_function(kind: &str) -> bool {
    matches!(
        kind,
        "function_declaration"
            | "function_expression"
            | "function"
            | "arrow_function"
            | "method_definition"
            | "generator_function_declaration"
            | "generator_function"
    )
}

pub(super) fn is_block_scope(kind: &str) -> bool {
    matches!(
        kind,
        "statement_block" | "for_statement" | "for_in_statement" | "switch_body" | "class_body"
    )
}

/// The call a function literal is handed to as an argument (`x.on('connection', fn)`).
pub(super) fn call_taking(function: Node<'_>) -> Option<Node<'_>> {
    function
        .parent()
        .filter(|a| a.kind_str() == "arguments")
        .and_then(|a| a.parent())
        .filter(|c| c.kind_str() == "call_expression")
}
