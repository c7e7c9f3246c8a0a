//! One-shot timers: the first pass records how the file's timers are re-armed, stopped
//! and started, and constructions are checked against that.

use super::scope::FileScope;
use super::syntax::{
    dotted, enclosing_method_name, first_child_of_kind, last_named_child, last_segment,
};
use super::walk::Walker;
use crate::frontend::flat::Node;
use crate::frontend::tree::text;
use crate::frontend::tree::{Fields, Kind};

impl FileScope {
    /// Records `x.Change(due, period)` with a finite period: `x` is a periodic timer even
    /// if it was created disabled or one-shot.
    pub(super) fn note_timer_change(&mut self, call: Node<'_>, src: &str) {
        let Some(function) = call
            .field("function")
            .filter(|f| f.kind_str() == "member_access_expression")
        else {
            return;
        };
        let method_name = function.field("name").map(|n| text(n, src));
        if let Some(verb @ ("Stop" | "Start")) = method_name {
            if let Some(owner) = function.field("expression").and_then(|e| dotted(e, src)) {
                if let Some(method) = enclosing_method_name(call, src) {
                    let entry = (last_segment(&owner).to_string(), method.to_string());
                    if verb == "Stop" {
                        self.stopped_in.insert(entry);
                    } else {
                        self.started_in.insert(entry);
                    }
                }
            }
            return;
        }
        if method_name != Some("Change") {
            return;
        }
        let period = call
            .field("arguments")
            .and_then(|a| a.named_child(1))
            .and_then(last_named_child);
        let periodic = period.is_some_and(|p| !is_no_period(text(p, src)));
        let Some(owner) = function.field("expression").and_then(|e| dotted(e, src)) else {
            return;
        };
        let owner = last_segment(&owner).to_string();
        let mut cur = call.parent();
        while let Some(n) = cur {
            if matches!(
                n.kind_str(),
                "method_declaration" | "local_function_statement"
            ) {
                if let Some(method) = n.field("name") {
                    self.changed_in
                        .insert((owner.clone(), text(method, src).to_string()));
                }
                break;
            }
            cur = n.parent();
        }
        if periodic {
            self.rearmed.insert(owner);
        }
    }

    /// `_timer.Elapsed += Handler` and `_timer.Enabled = false` (a stop).
    pub(super) fn note_timer_assignment(&mut self, node: Node<'_>, src: &str) {
        let Some(left) = node
            .field("left")
            .filter(|l| l.kind_str() == "member_access_expression")
        else {
            return;
        };
        let Some(owner) = left.field("expression").and_then(|e| dotted(e, src)) else {
            return;
        };
        let owner = last_segment(&owner).to_string();
        let member = left.field("name").map(|n| text(n, src));
        let op = node.field("operator").map(|o| text(o, src));
        let right = node.field("right");
        match (member, op) {
            (Some("Elapsed"), Some("+=")) => {
                if let Some(handler) = right.and_then(|r| dotted(r, src)) {
                    self.elapsed_handlers
                        .insert((owner, last_segment(&handler).to_string()));
                }
            }
            (Some("Enabled"), Some("=")) => {
                let value = right.map(|r| text(r, src));
                if let Some(method) = enclosing_method_name(node, src) {
                    match value {
                        Some("false") => self.stopped_in.insert((owner, method.to_string())),
                        Some("true") => self.started_in.insert((owner, method.to_string())),
                        _ => false,
                    };
                }
            }
            _ => {}
        }
    }

    /// A `System.Timers.Timer` whose own `Elapsed` handler stops it: it fires once per
    /// `Start()` (a debounce or a delayed action), not periodically.
    fn stops_in_own_handler(&self, name: &str) -> bool {
        self.elapsed_handlers.iter().any(|entry| {
            entry.0 == name && self.stopped_in.contains(entry) && !self.started_in.contains(entry)
        })
    }
}

impl Walker<'_, '_> {
    /// A timer that fires once: a `System.Threading.Timer` whose period is
    /// `Timeout.Infinite` (or that is created disabled) and that is never re-armed with a
    /// period, or a `System.Timers.Timer` with `AutoReset = false`.
    pub(super) fn fires_once(
        &self,
        targets: &[String],
        node: Node<'_>,
        arguments: Option<Node<'_>>,
    ) -> bool {
        let is = |t: &str| targets.iter().any(|c| c == t);
        let name = self.assigned_name(node).map(last_segment);
        if is("System.Threading.Timer") {
            if name.is_some_and(|n| self.file.rearmed.contains(n)) {
                return false;
            }
            let mut cursor = arguments.map(|a| a.walk());
            let args: Vec<Node<'_>> = match (arguments, cursor.as_mut()) {
                // `this` is an anonymous node: keep the argument itself then.
                (Some(a), Some(c)) => a
                    .named_children(c)
                    .map(|arg| last_named_child(arg).unwrap_or(arg))
                    .collect(),
                _ => Vec::new(),
            };
            // A callback that re-arms its own timer makes it repeat.
            let rearms_itself = |n: &str| {
                args.first().is_some_and(|cb| {
                    let cb_text = text(*cb, self.src);
                    self.file
                        .changed_in
                        .contains(&(n.to_string(), last_segment(cb_text).to_string()))
                        || cb_text.contains(&format!("{n}.Change("))
                        || cb_text.contains(&format!("{n}?.Change("))
                })
            };
            if name.is_some_and(rearms_itself) {
                return false;
            }
            return match args.len() {
                1 => true,
                4 => is_no_period(text(args[3], self.src)),
                _ => false,
            };
        }
        if is("System.Timers.Timer") {
            let initializer_once =
                first_child_of_kind(node, "initializer_expression").is_some_and(|i| {
                    let compact: String = text(i, self.src)
                        .chars()
                        .filter(|c| !c.is_whitespace())
                        .collect();
                    compact.contains("AutoReset=false")
                });
            return initializer_once
                || name.is_some_and(|n| {
                    self.file.fires_once.contains(n) || self.file.stops_in_own_handler(n)
                });
        }
        false
    }
}

/// A `System.Threading.Timer` period that never repeats: `Timeout.Infinite`,
/// `Timeout.InfiniteTimeSpan`, `-1`, `TimeSpan.FromMilliseconds(-1)`, or zero (`0`,
/// `TimeSpan.Zero`), which disables periodic signalling too.
fn is_no_period(arg: &str) -> bool {
    let compact: String = arg.chars().filter(|c| !c.is_whitespace()).collect();
    if matches!(
        compact.as_str(),
        "-1" | "0" | "-1L" | "0L" | "TimeSpan.Zero"
    ) {
        return true;
    }
    if matches!(last_segment(&compact), "Infinite" | "InfiniteTimeSpan") {
        return true;
    }
    // `TimeSpan.FromMilliseconds(-1)`, `TimeSpan.FromSeconds(0)`.
    compact
        .strip_prefix("TimeSpan.From")
        .and_then(|rest| rest.split_once('('))
        .is_some_and(|(_, arg)| matches!(arg.trim_end_matches(')'), "-1" | "0"))
}
