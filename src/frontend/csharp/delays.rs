//! Sleep helpers across files: a short method around `Task.Delay` / `Thread.Sleep`
//! registers itself (`delay:Pause`), and a call of a project method in an endless loop
//! (`await Delays.Pause(span, token)`) becomes a delay that stands only when some file
//! registers that name (see [`crate::event::Event::requires_any`]).

use super::context::Ctx;
use super::syntax::last_segment;
use super::walk::Walker;
use crate::event::{Event, EventKind};
use crate::frontend::flat::Node;
use crate::frontend::tree::{text, Fields, Kind};

/// A helper's body is at most this long: one call around the delay, not a job.
const SHORT_HELPER: usize = 400;

/// The target a call of a delay helper is reported as.
const HELPER_DELAY: &str = "System.Threading.Tasks.Task.Delay";

impl Walker<'_, '_> {
    /// Registers the method around a delay (`node`) as a sleep helper when it is short
    /// and has no loop: `static Task Pause(TimeSpan d, CancellationToken t) => Task.Delay(d, t);`.
    pub(super) fn note_delay_helper(&mut self, node: Node<'_>) {
        let mut cur = node.parent();
        while let Some(n) = cur {
            match n.kind_str() {
                "while_statement" | "do_statement" | "for_statement" | "foreach_statement" => {
                    return
                }
                "lambda_expression" | "anonymous_method_expression" => return,
                "method_declaration" | "local_function_statement" => {
                    let short = n
                        .field("body")
                        .is_none_or(|b| b.byte_range().len() <= SHORT_HELPER);
                    if let (true, Some(name)) = (short, n.field("name")) {
                        let name = text(name, self.src);
                        self.facts.registrations.insert(format!("delay:{name}"));
                    }
                    return;
                }
                _ => cur = n.parent(),
            }
        }
    }

    /// A call of a project method (`method`, at `node` from byte `start`) in an endless
    /// loop, as a delay that needs the method's name registered as a sleep helper.
    pub(super) fn delay_helper_call(
        &mut self,
        method: &str,
        node: Node<'_>,
        ctx: Ctx,
        start: usize,
    ) -> Event {
        let mut event = Event::new(
            EventKind::Call,
            vec![HELPER_DELAY.to_string()],
            start..node.end_byte(),
        );
        event.context = ctx.set();
        event.requires_any = vec![format!("delay:{}", last_segment(method))];
        event.work = self.loop_work(node);
        event
    }
}
