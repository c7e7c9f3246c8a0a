//! Name-based hints: what the identifiers around a call say about it (a retry
//! back-off, per-instance housekeeping, a single-instance guard, a temporary path).

use syn::Expr;

pub(super) use crate::frontend::words::{
    is_single_instance_guard, is_temp_literal, looks_retry, mentions_per_instance_work,
};

/// How deep an expression is searched for identifiers.
const DEPTH: usize = 6;

/// The identifiers, field and method names and string literals of an expression,
/// separated by spaces, searched to a bounded depth.
pub(super) fn ident_text(e: &Expr) -> String {
    let mut out = String::new();
    collect(e, 0, &mut out);
    out
}

/// [`ident_text`] of each expression, one after the other.
pub(super) fn ident_texts<'e>(exprs: impl IntoIterator<Item = &'e Expr>) -> String {
    let mut out = String::new();
    for e in exprs {
        collect(e, 0, &mut out);
    }
    out
}

fn collect(e: &Expr, depth: usize, out: &mut String) {
    if depth > DEPTH {
        return;
    }
    let d = depth + 1;
    let name = |out: &mut String, ident: &syn::Ident| {
        out.push_str(&ident.to_string());
        out.push(' ');
    };
    match e {
        Expr::Path(p) => p.path.segments.iter().for_each(|s| name(out, &s.ident)),
        Expr::Lit(l) => {
            if let syn::Lit::Str(s) = &l.lit {
                out.push_str(&s.value());
                out.push(' ');
            }
        }
        // Source order, so `cfg.scheduler.enabled` reads `cfg scheduler enabled`.
        Expr::Field(f) => {
            collect(&f.base, d, out);
            if let syn::Member::Named(n) = &f.member {
                name(out, n);
            }
        }
        Expr::MethodCall(m) => {
            collect(&m.receiver, d, out);
            name(out, &m.method);
            m.args.iter().for_each(|a| collect(a, d, out));
        }
        Expr::Call(c) => {
            collect(&c.func, d, out);
            c.args.iter().for_each(|a| collect(a, d, out));
        }
        Expr::Binary(b) => {
            collect(&b.left, d, out);
            collect(&b.right, d, out);
        }
        Expr::Unary(u) => collect(&u.expr, d, out),
        Expr::Paren(p) => collect(&p.expr, d, out),
        Expr::Reference(r) => collect(&r.expr, d, out),
        Expr::Cast(c) => collect(&c.expr, d, out),
        Expr::Try(t) => collect(&t.expr, d, out),
        Expr::Await(a) => collect(&a.base, d, out),
        Expr::Let(l) => collect(&l.expr, d, out),
        _ => {}
    }
}

/// Names that only say when to stop (`shutdown_rx.recv()`, `cancel.is_cancelled()`,
/// `cluster::is_offline()`), which periodic jobs check too.
pub(super) fn is_stop_signal(text: &str) -> bool {
    const STEMS: &[&str] = &[
        "shutdown", "stop", "cancel", "close", "quit", "exit", "terminat", "kill", "signal",
        "offline",
    ];
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in text.chars().chain(std::iter::once(' ')) {
        let boundary = !c.is_ascii_alphanumeric() || (c.is_ascii_uppercase() && prev_lower);
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    words.iter().any(|w| STEMS.iter().any(|s| w.starts_with(s)))
}

/// Whether a future waits for a message, a notification or a tick (`rx.recv()`,
/// `notify.notified()`, `watch.changed()`, `stream.next()`, `ticker.tick()`): what ends a
/// loop there is a command or a channel's end, not an operation's completion.
pub(super) fn is_message_wait(future: &syn::Expr) -> bool {
    message_wait(future).is_some()
}

/// Whether a future waits for a message or a notification, not a tick (`rx.recv()`,
/// `notify.notified()`): when its arm only leaves, the message is a stop signal.
pub(super) fn is_notice_wait(future: &syn::Expr) -> bool {
    message_wait(future).is_some_and(|m| m != "tick")
}

/// The method of a future that waits for a message, a notification or a tick.
fn message_wait(future: &syn::Expr) -> Option<&'static str> {
    const WAITS: &[&str] = &[
        "recv",
        "recv_async",
        "recv_many",
        "notified",
        "changed",
        "next",
        "tick",
        "accept",
        "wait_for_message",
        "read_message",
    ];
    let mut e = future;
    loop {
        match e {
            syn::Expr::Await(a) => e = &a.base,
            syn::Expr::Reference(r) => e = &r.expr,
            syn::Expr::Paren(p) => e = &p.expr,
            syn::Expr::MethodCall(m) => {
                let method = m.method.to_string();
                return WAITS.iter().copied().find(|w| *w == method);
            }
            _ => return None,
        }
    }
}

/// Whether a `while` condition waits for something to be done (`while !export.is_done()`,
/// `while !finished`, `while !ready`): the loop ends when that one operation completes.
pub(super) fn waits_for_completion(cond: &syn::Expr) -> bool {
    const DONE: &[&str] = &[
        "done",
        "finished",
        "complete",
        "completed",
        "ready",
        "exited",
        "settled",
        "succeeded",
        "healthy",
    ];
    let syn::Expr::Unary(u) = cond else {
        return false;
    };
    if !matches!(u.op, syn::UnOp::Not(_)) {
        return false;
    }
    let text = ident_text(&u.expr);
    !is_stop_signal(&text)
        && crate::reach::words::split_words(&text)
            .iter()
            .any(|w| DONE.contains(&w.as_str()))
}

/// Whether a future's text says that one client's session or connection ends
/// (`session.terminated()`, `socket.closed()`, `peer.disconnected()`): a loop that leaves then
/// lives as long as that client, which one instance holds, unlike a process's shutdown.
pub(super) fn ends_a_client(text: &str) -> bool {
    const CLIENTS: &[&str] = &[
        "session",
        "socket",
        "websocket",
        "connection",
        "conn",
        "peer",
        "ws",
        "subscriber",
        "subscription",
    ];
    const ENDS: &[&str] = &["end", "close", "terminat", "disconnect", "hangup", "finish"];
    let words = crate::reach::words::split_words(text);
    words.iter().any(|w| {
        let w = w.strip_suffix('s').filter(|_| w.len() > 3).unwrap_or(w);
        CLIENTS.contains(&w)
    }) && words.iter().any(|w| ENDS.iter().any(|e| w.starts_with(e)))
}

/// A retry helper's name (`retry`, `fetch_with_retry`, `connect_with_backoff`,
/// `send_retrying`), unlike a periodic job that happens to retry things (`retry_failed_jobs`).
pub(super) fn is_retry_helper_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "retry"
        || lower.starts_with("retry_with")
        || lower.ends_with("_retry")
        || lower.ends_with("_retries")
        || ["with_retr", "backoff", "back_off", "retrying"]
            .iter()
            .any(|w| lower.contains(w))
}

/// A call that returns a temporary directory or file: `std::env::temp_dir()`,
/// `tempfile::tempdir()`, `TempDir::new()`, `NamedTempFile::new()`, `tempfile()`.
pub(super) fn is_temp_call(segments: &[String]) -> bool {
    let last = segments.last().map(String::as_str).unwrap_or("");
    let owner = segments
        .len()
        .checked_sub(2)
        .and_then(|i| segments.get(i))
        .map(String::as_str)
        .unwrap_or("");
    matches!(
        last,
        "temp_dir" | "tempdir" | "tempdir_in" | "tempfile" | "tempfile_in"
    ) || matches!(owner, "TempDir" | "NamedTempFile" | "TempPath")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert!(mentions_per_instance_work("send_heartbeat"));
        assert!(mentions_per_instance_work("PING_INTERVAL"));
        assert!(mentions_per_instance_work("reportMetrics"));
        assert!(!mentions_per_instance_work("shipping_pingback"));
        assert!(mentions_per_instance_work("{ limiter.retain_recent(); }"));
        assert!(!mentions_per_instance_work("retainer_fees"));
        assert!(is_single_instance_guard("config scheduler enabled "));
        assert!(is_single_instance_guard("is_leader "));
        assert!(!is_single_instance_guard("enabled "));
        assert!(!is_single_instance_guard(
            "crate leaderboard recompute conn "
        ));
        assert!(is_single_instance_guard("leaderboard is_leader "));
        assert!(looks_retry("reconnect_delay"));
        assert!(looks_retry("fails min "));
        assert!(is_retry_helper_name("fetch_with_retry"));
        assert!(is_stop_signal("shutdown_rx "));
        assert!(is_stop_signal("cluster is_offline "));
        assert!(is_stop_signal("token isCancelled "));
        assert!(!is_stop_signal("user skills is_empty "));
        assert!(!is_stop_signal("determine_batch "));
        assert!(is_retry_helper_name("connect_with_backoff"));
        assert!(!is_retry_helper_name("retry_failed_jobs"));
        assert!(is_temp_literal("/tmp/upload.bin"));
        assert!(is_temp_call(&[
            "std".into(),
            "env".into(),
            "temp_dir".into()
        ]));
        assert!(is_temp_call(&[
            "tempfile".into(),
            "NamedTempFile".into(),
            "new".into()
        ]));
        assert!(!is_temp_call(&["std".into(), "fs".into(), "write".into()]));
    }
}
