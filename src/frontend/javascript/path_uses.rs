//! What calls do with paths (for [`crate::frontend::scratch`]), recorded during emission.

use super::*;
use crate::frontend::object_copy::{direction, on_client};
use crate::frontend::scratch::{branch_arms, use_of, Call, Transfer, Use};

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
