//! Diagnostics latency of `scaleout lsp` for a 5,000-line file after a change.
//!
//! For each language, the fixtures are concatenated into one 5,000-line document, opened
//! in a server over an in-memory connection, and edited many times (one character typed
//! into a line, as an incremental change). The time from sending `didChange` to receiving
//! its `publishDiagnostics` includes the server's debounce; the engine's share (linting
//! the text alone) is printed beside it. Numbers, not assertions.

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use scaleout::catalogue::Catalogue;
use scaleout::engine::Engine;
use scaleout::lsp::{serve, DEBOUNCE};
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

const LINES: usize = 5_000;
const EDITS: usize = 40;

/// The fixture files of `language` (whole files, in a fixed order) repeated until the
/// text has [`LINES`] lines. Rust files with inner attributes are left out: they are only
/// valid at the top of a file.
fn document(language: &str) -> String {
    let mut files: Vec<_> = walk(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(language),
    );
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .filter(|t| !t.contains("#!["))
        .collect();
    let mut lines: Vec<&str> = Vec::new();
    while lines.len() < LINES {
        for t in &texts {
            lines.extend(t.lines());
        }
    }
    lines.truncate(LINES);
    // Cut at a file boundary would be nicer, but a cut statement is what a half-typed
    // file looks like too; the parsers recover.
    lines.join("\n") + "\n"
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn send(c: &Connection, message: impl Into<Message>) {
    c.sender.send(message.into()).unwrap();
}

fn notify(c: &Connection, method: &str, params: Value) {
    send(c, Notification::new(method.into(), params));
}

/// Waits for the `publishDiagnostics` of `version`; returns how many diagnostics it has.
fn diagnostics(c: &Connection, version: i32) -> usize {
    loop {
        match c.receiver.recv_timeout(Duration::from_secs(60)).unwrap() {
            Message::Notification(n)
                if n.method == "textDocument/publishDiagnostics"
                    && n.params["version"] == version =>
            {
                return n.params["diagnostics"].as_array().unwrap().len();
            }
            _ => {}
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

fn main() {
    let catalogue = Catalogue::builtin().unwrap();
    let engine = Engine::new(&catalogue);
    println!("debounce {} ms; {EDITS} edits per file; latency = didChange sent to publishDiagnostics received", DEBOUNCE.as_millis());
    for (language, ext, id) in [
        ("javascript", "js", "javascript"),
        ("typescript", "ts", "typescript"),
        ("rust", "rs", "rust"),
        ("csharp", "cs", "csharp"),
    ] {
        let text = document(language);
        let path = format!("src/big.{ext}");
        let mut lint_times: Vec<Duration> = (0..10)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(engine.lint_text(&path, &text));
                start.elapsed()
            })
            .collect();
        lint_times.sort();

        let (server_side, client) = Connection::memory();
        let server = std::thread::Builder::new()
            .stack_size(64 * 1024 * 1024)
            .spawn(move || serve(server_side, &Catalogue::builtin().unwrap()))
            .unwrap();
        send(
            &client,
            Request::new(
                RequestId::from(1),
                "initialize".into(),
                json!({ "capabilities": {} }),
            ),
        );
        notify(&client, "initialized", json!({}));
        let uri = format!("file:///bench/src/big.{ext}");
        notify(
            &client,
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": id, "version": 1, "text": text } }),
        );
        let found = diagnostics(&client, 1);
        let mut latencies = Vec::new();
        for edit in 0..EDITS {
            let version = edit as i32 + 2;
            // Type a space at the start of a line spread over the file.
            let line = (edit * 997) % LINES;
            let start = Instant::now();
            notify(
                &client,
                "textDocument/didChange",
                json!({
                    "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{
                        "range": { "start": { "line": line, "character": 0 }, "end": { "line": line, "character": 0 } },
                        "text": " "
                    }]
                }),
            );
            diagnostics(&client, version);
            latencies.push(start.elapsed());
        }
        latencies.sort();
        send(
            &client,
            Request::new(RequestId::from(2), "shutdown".into(), Value::Null),
        );
        notify(&client, "exit", Value::Null);
        drop(client);
        server.join().unwrap();
        println!(
            "{language:<10} {} lines, {:.0} KB, {found} diagnostics: latency median {:.1} ms, p95 {:.1} ms, max {:.1} ms; lint alone median {:.1} ms",
            LINES,
            text.len() as f64 / 1024.0,
            percentile(&latencies, 0.5),
            percentile(&latencies, 0.95),
            percentile(&latencies, 1.0),
            percentile(&lint_times, 0.5),
        );
    }
}
