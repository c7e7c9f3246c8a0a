//! What calls do with paths (for [`crate::frontend::scratch`]), recorded during emission.

use super::*;
use crate::frontend::object_copy::{direction, on_client};
use crate::frontend::scratch::{branch_arms, joins_path, use_of, Call, Transfer, Use};
use crate::frontend::tree::Fields;

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
        let function = self.function_starts.last().copied().unwrap_or(0);
        if joins_path(name) {
            // `const input = path.join(folder, name)`: a path under `folder`.
            if let Some(holder) = assigned_to(node) {
                let (child, parent) = (text(holder, self.src), text(first, self.src));
                self.path_uses.derive(function, child, parent);
            }
            return;
        }
        if let Some(direction) = direction(name) {
            let texts: Vec<&str> = args.iter().map(|&a| text(a, self.src)).collect();
            self.path_uses.record_transfer(Transfer {
                function,
                direction,
                at: node.start_byte(),
                args: &texts,
                on_client: on_client(name),
            });
            return;
        }
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
            function,
            what,
            at: node.start_byte(),
            event,
            path: text(first, self.src),
            destination,
            on_failure,
            arms: &branch_arms(node),
        });
    }
}

/// The variable a call's value is assigned to: `const x = call()`, `x = call()`.
fn assigned_to(call: Node<'_>) -> Option<Node<'_>> {
    let parent = call.parent()?;
    match parent.kind_str() {
        "variable_declarator" if parent.field("value") == Some(call) => parent.field("name"),
        "assignment_expression" if parent.field("right") == Some(call) => parent.field("left"),
        _ => None,
    }
}
