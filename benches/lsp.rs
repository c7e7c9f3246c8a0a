//! Diagnostics latency of `scaleout lsp` for a 5,000-line file after a change.
//!
//! For each language, a generated 5,000-line server module with hundreds of findings is
//! opened in a server over an in-memory connection and edited many times (one character
//! typed into a line, as an incremental change). The time from sending `didChange` to receiving
//! its `publishDiagnostics` includes the incremental reparse and publishing; a
//! lint of the whole text from scratch (no kept tree) is printed beside it. On a shared
//! machine take the minimum of repeated runs. Numbers, not assertions.
//!
//! `cargo bench --bench lsp -- csharp rust` measures only the languages named;
//! `--edits=N` and `--lints=N` change how many edits and lints from scratch are timed;
//! `--newline` types a line break instead of a space (every later line moves). To
//! count the instructions of one edit, run the built bench under callgrind twice, with
//! `--lints=0 --edits=2` and `--lints=0 --edits=8`, and divide the difference by 6.

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use scaleout::catalogue::Catalogue;
use scaleout::engine::Engine;
use scaleout::lsp::{serve, Profiles};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const LINES: usize = 5_000;
const EDITS: usize = 40;
const LINTS: usize = 20;

/// A server-side module of [`LINES`] lines: a header, then one block repeated with
/// numbered names (each block holds a disk write, and in JavaScript and TypeScript a timer),
/// padded with comment lines so that no block is cut.
fn document(header: &str, block: &str) -> String {
    let mut text = header.to_string();
    let block_lines = block.lines().count();
    let mut lines = header.lines().count();
    let mut i = 0;
    while lines + block_lines <= LINES {
        text.push_str(&block.replace("{i}", &i.to_string()));
        lines += block_lines;
        i += 1;
    }
    for _ in lines..LINES {
        text.push_str("// padding\n");
    }
    text
}

const JS_HEADER: &str = "const fs = require('fs');\nconst path = require('path');\n\n";
const JS_BLOCK: &str = r#"async function handleOrder{i}(req, res) {
  const order = await db.orders.find(req.params.id);
  const total = order.items.reduce((sum, item) => sum + item.price * item.qty, 0);
  if (total > 1000) {
    await audit.log('large order', { id: order.id, total });
  }
  fs.writeFileSync(path.join('/var/data', `order-${order.id}.json`), JSON.stringify(order));
  res.json({ id: order.id, total });
}

setInterval(() => sendReminders{i}(), 60_000);

"#;
const RUST_HEADER: &str = "use std::fs;\n\n";
const RUST_BLOCK: &str = r#"pub async fn save_order_{i}(order: &Order) -> std::io::Result<()> {
    let body = serde_json::to_string(order)?;
    let total: u64 = order.items.iter().map(|i| i.price * i.qty).sum();
    if total > 1000 {
        tracing::info!(id = order.id, total, "large order");
    }
    fs::write(format!("/var/data/order-{}.json", order.id), body)?;
    Ok(())
}

"#;
const CSHARP_HEADER: &str = "using System.IO;\nusing System.Linq;\n\nnamespace Shop;\n\n";
const CSHARP_BLOCK: &str = r#"public class OrderService{i}
{
    public void Save(Order order)
    {
        var total = order.Items.Sum(i => i.Price * i.Qty);
        if (total > 1000) { _log.LogInformation("large order {Id}", order.Id); }
        File.WriteAllText($"/var/data/order-{order.Id}.json", JsonSerializer.Serialize(order));
    }
}

"#;

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

/// CPU time used so far by this thread (`/proc/thread-self/stat`) or this process
/// (`/proc/self/stat`); Linux only, in clock ticks of 10 ms. The machine may be shared, so
/// CPU time is the figure that does not depend on its load.
fn cpu(stat_file: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(stat_file).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(") ")?.1.split(' ').collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

fn main() {
    let catalogue = Catalogue::builtin().unwrap();
    let engine = Engine::new(&catalogue);
    // `cargo bench` adds `--bench`; other arguments name the languages to measure.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let only: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let count = |name: &str, default: usize| {
        args.iter()
            .find_map(|a| a.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
            .unwrap_or(default)
    };
    let (edits, lints) = (count("--edits", EDITS), count("--lints", LINTS));
    let typed = if args.iter().any(|a| a == "--newline") {
        "\n"
    } else {
        " "
    };
    println!("{edits} edits per file; latency = didChange sent to publishDiagnostics received");
    for (language, ext, header, block) in [
        ("javascript", "js", JS_HEADER, JS_BLOCK),
        ("typescript", "ts", JS_HEADER, JS_BLOCK),
        ("rust", "rs", RUST_HEADER, RUST_BLOCK),
        ("csharp", "cs", CSHARP_HEADER, CSHARP_BLOCK),
    ] {
        if !only.is_empty() && !only.iter().any(|o| *o == language) {
            continue;
        }
        let text = document(header, block);
        assert_eq!(text.lines().count(), LINES);
        let path = format!("src/big.{ext}");
        let cpu_before = cpu("/proc/thread-self/stat");
        let mut lint_times: Vec<Duration> = (0..lints)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(engine.lint_text(&path, &text));
                start.elapsed()
            })
            .collect();
        lint_times.sort();
        let lint_cpu = match (cpu_before, cpu("/proc/thread-self/stat")) {
            (Some(before), Some(after)) => format!(
                "{:.1} ms",
                (after - before).as_secs_f64() * 1e3 / lints.max(1) as f64
            ),
            _ => "unknown".into(),
        };

        let (server_side, client) = Connection::memory();
        let server = std::thread::Builder::new()
            .stack_size(64 * 1024 * 1024)
            .spawn(move || serve(server_side, Profiles::new(&[]).unwrap()))
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
            json!({ "textDocument": { "uri": uri, "languageId": language, "version": 1, "text": text } }),
        );
        let found = diagnostics(&client, 1);
        let mut latencies = Vec::new();
        let process_before = cpu("/proc/self/stat");
        for edit in 0..edits {
            let version = edit as i32 + 2;
            // Type a space (or a line break) at the start of lines spread over the file.
            let line = (edit * 997) % LINES;
            let start = Instant::now();
            notify(
                &client,
                "textDocument/didChange",
                json!({
                    "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{
                        "range": { "start": { "line": line, "character": 0 }, "end": { "line": line, "character": 0 } },
                        "text": typed
                    }]
                }),
            );
            diagnostics(&client, version);
            latencies.push(start.elapsed());
        }
        latencies.sort();
        let edit_cpu = match (process_before, cpu("/proc/self/stat")) {
            (Some(before), Some(after)) => {
                format!(
                    "{:.1} ms",
                    (after - before).as_secs_f64() * 1e3 / edits.max(1) as f64
                )
            }
            _ => "unknown".into(),
        };
        send(
            &client,
            Request::new(RequestId::from(2), "shutdown".into(), Value::Null),
        );
        notify(&client, "exit", Value::Null);
        drop(client);
        server.join().unwrap();
        println!(
            "{language:<10} {} lines, {:.0} KB, {found} diagnostics: latency min {:.1} ms, median {:.1} ms, p95 {:.1} ms, max {:.1} ms, {edit_cpu} CPU per edit; lint alone (from scratch) min {:.1} ms, median {:.1} ms wall, {lint_cpu} CPU",
            LINES,
            text.len() as f64 / 1024.0,
            percentile(&latencies, 0.0),
            percentile(&latencies, 0.5),
            percentile(&latencies, 0.95),
            percentile(&latencies, 1.0),
            percentile(&lint_times, 0.0),
            percentile(&lint_times, 0.5),
        );
    }
}
