//! Temporary paths through fields and returns, and what calls do with paths (for
//! [`crate::frontend::scratch`]): a pre-pass over the parsed tree before scopes are
//! collected, and the per-call recording during emission.

use super::*;
use crate::frontend::scratch::{use_of, Call, Use};
use crate::frontend::tree::{Fields, Kind};

/// Finds the fields assigned a temporary path (`this.workDir = fs.mkdtempSync(...)`) and
/// the functions and methods whose every return value is one (`return path.join(os.tmpdir(), id)`),
/// and records them in `scopes`: `this.workDir` and `makeScratch()` are then temporary paths.
/// The values are judged by their own text (no scopes exist yet).
pub(super) fn collect_temp_fields_and_returns(root: Node<'_>, src: &str, scopes: &mut Scopes) {
    let empty = Scopes::default();
    let mut functions: Vec<String> = Vec::new();
    visit(root, src, &empty, scopes, &mut functions, 0);
}

fn is_temp_value(value: Node<'_>, src: &str, empty: &Scopes) -> bool {
    is_temp_path_value(value, src) || is_temp_path_node(value, src, empty, 0)
}

fn note_return(scopes: &mut Scopes, function: Option<&String>, temp: bool) {
    if let Some(name) = function.filter(|n| !n.is_empty()) {
        *scopes.temp_returns.entry(name.clone()).or_insert(true) &= temp;
    }
}

fn visit(
    node: Node<'_>,
    src: &str,
    empty: &Scopes,
    scopes: &mut Scopes,
    functions: &mut Vec<String>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let kind = node.kind_str();
    if is_function(kind) {
        let name = function_reference(node, src).unwrap_or_default();
        // `const scratch = () => path.join(os.tmpdir(), id)`: an expression body is returned.
        if let Some(body) = node
            .field("body")
            .filter(|b| b.kind_str() != "statement_block")
        {
            let temp = is_temp_value(body, src, empty);
            note_return(scopes, Some(&name), temp);
        }
        functions.push(name);
        for child in named_children(node) {
            visit(child, src, empty, scopes, functions, depth + 1);
        }
        functions.pop();
        return;
    }
    match kind {
        "return_statement" => {
            let temp = node
                .named_child(0)
                .is_some_and(|v| is_temp_value(v, src, empty));
            note_return(scopes, functions.last(), temp);
        }
        "assignment_expression" => {
            if let (Some(left), Some(right)) = (node.field("left"), node.field("right")) {
                let member: String = text(left, src).split_whitespace().collect();
                if member.starts_with("this.")
                    && left.kind_str() == "member_expression"
                    && is_temp_value(right, src, empty)
                {
                    scopes.temp_members.insert(member);
                }
            }
        }
        _ => {}
    }
    for child in named_children(node) {
        visit(child, src, empty, scopes, functions, depth + 1);
    }
}

impl Emitter<'_> {
    /// Records what a call does with its path arguments, for scratch files: `name` is the
    /// resolved target or the callee's text, `event` the index of the event it produced,
    /// `on_failure` whether it runs in error handling.
    pub(super) fn note_path_use(
        &mut self,
        node: Node<'_>,
        name: &str,
        args: &[Node<'_>],
        event: Option<usize>,
        on_failure: bool,
    ) {
        let Some(&first) = args.first() else { return };
        let Some(what) = use_of(name) else { return };
        let (what, destination) = match (what, args.get(1)) {
            (Use::Move | Use::Copy, Some(&dest)) => (
                what,
                Some((
                    text(dest, self.src),
                    is_temp_path_node(dest, self.src, self.scopes, 0),
                )),
            ),
            (Use::Move | Use::Copy, None) => return,
            (what, _) => (what, None),
        };
        self.path_uses.record(Call {
            function: self.function_starts.last().copied().unwrap_or(0),
            what,
            at: node.start_byte(),
            event,
            path: text(first, self.src),
            destination,
            on_failure,
        });
    }
}
