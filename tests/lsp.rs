//! Protocol tests: the language server driven over an in-memory connection, and the
//! `scaleout lsp` binary over stdio.

use assert_cmd::Command;
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response, ResponseError};
use scaleout::lsp::{serve, ConfigChoice, Ending, Profiles};
use serde_json::{json, Value};
use std::thread::JoinHandle;
use std::time::Duration;

/// The client side of an in-memory session.
struct Client {
    connection: Connection,
    server: JoinHandle<Ending>,
    next_id: i32,
    /// Notifications and requests from the server not yet looked at, in arrival order.
    inbox: Vec<Message>,
}

/// A response, split the way JSON-RPC spells it.
struct Reply {
    result: Option<Value>,
    error: Option<ResponseError>,
}

impl From<Response> for Reply {
    fn from(r: Response) -> Self {
        match r.response_result {
            Ok(v) => Reply {
                result: Some(v),
                error: None,
            },
            Err(e) => Reply {
                result: None,
                error: Some(e),
            },
        }
    }
}

const WAIT: Duration = Duration::from_secs(20);

impl Client {
    /// Starts a server and initializes it with these client capabilities.
    fn start(capabilities: Value) -> (Client, Value) {
        Client::start_with(capabilities, ConfigChoice::Nearest)
    }

    /// [`Client::start`] for a server given `--config FILE` or `--no-config`.
    fn start_with(capabilities: Value, choice: ConfigChoice) -> (Client, Value) {
        let (server_side, connection) = Connection::memory();
        let server = std::thread::spawn(move || {
            serve(server_side, Profiles::with_config(&[], choice).unwrap())
        });
        let mut client = Client {
            connection,
            server,
            next_id: 0,
            inbox: Vec::new(),
        };
        let init = client.request(
            "initialize",
            json!({ "processId": null, "rootUri": null, "capabilities": capabilities }),
        );
        client.notify("initialized", json!({}));
        (client, init.result.unwrap())
    }

    fn notify(&self, method: &str, params: Value) {
        let n = Notification::new(method.into(), params);
        self.connection.sender.send(n.into()).unwrap();
    }

    fn send(&mut self, method: &str, params: Value) -> RequestId {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let r = Request::new(id.clone(), method.into(), params);
        self.connection.sender.send(r.into()).unwrap();
        id
    }

    /// Sends a request and waits for its response.
    fn request(&mut self, method: &str, params: Value) -> Reply {
        let id = self.send(method, params);
        loop {
            match self.receive() {
                Message::Response(r) if r.id == id => return Reply::from(r),
                other => self.inbox.push(other),
            }
        }
    }

    fn receive(&self) -> Message {
        self.connection
            .receiver
            .recv_timeout(WAIT)
            .expect("the server answers")
    }

    /// The first message from the server that `wanted` accepts, looking at the inbox
    /// first (the messages passed over stay there).
    fn next(&mut self, wanted: impl Fn(&Message) -> bool) -> Message {
        if let Some(i) = self.inbox.iter().position(&wanted) {
            return self.inbox.remove(i);
        }
        loop {
            match self.receive() {
                m if wanted(&m) => return m,
                other => self.inbox.push(other),
            }
        }
    }

    /// The next notification with this method.
    fn notification(&mut self, method: &str) -> Notification {
        match self.next(|m| matches!(m, Message::Notification(n) if n.method == method)) {
            Message::Notification(n) => n,
            _ => unreachable!(),
        }
    }

    /// The params of the next `publishDiagnostics` for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Value {
        let m = self.next(|m| {
            matches!(m, Message::Notification(n)
                if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri)
        });
        match m {
            Message::Notification(n) => n.params,
            _ => unreachable!(),
        }
    }

    /// The `window/logMessage` texts received so far.
    fn logs(&self) -> Vec<String> {
        self.inbox
            .iter()
            .filter_map(|m| match m {
                Message::Notification(n) if n.method == "window/logMessage" => {
                    n.params["message"].as_str().map(String::from)
                }
                _ => None,
            })
            .collect()
    }

    fn open(&self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": language, "version": 1, "text": text } }),
        );
    }

    /// `shutdown`, then `exit`; returns how the server saw the ending.
    fn finish(mut self) -> Ending {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r.result, Some(Value::Null));
        let after = self.request("textDocument/hover", json!({}));
        assert_eq!(
            after.error.unwrap().code,
            -32600,
            "requests after shutdown are refused"
        );
        self.notify("exit", Value::Null);
        self.server.join().unwrap()
    }
}

const URI: &str = "file:///project/src/jobs.js";
/// Non-ASCII text (one and two UTF-16 units) before the finding on line 2.
const JOBS: &str = "const fs = require('fs');\n\
    \tconst label = 'é😀'; setInterval(sendReminders, 60000);\n\
    fs.writeFileSync('out.json', '{}');\n";

fn edits_of(action: &Value) -> &Value {
    &action["edit"]["changes"][URI]
}

#[test]
fn session_diagnostics_hover_code_actions_and_shutdown() {
    let (mut client, init) = Client::start(json!({}));
    insta::assert_json_snapshot!("initialize", init);

    client.open(URI, "javascript", JOBS);
    let published = client.diagnostics(URI);
    insta::assert_json_snapshot!("diagnostics_on_open", published);
    let timer = &published["diagnostics"][0];
    // 'é' counts one UTF-16 unit and '😀' two: `setInterval` starts at unit 22.
    assert_eq!(
        timer["range"]["start"],
        json!({ "line": 1, "character": 22 })
    );

    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": URI }, "position": { "line": 1, "character": 25 } }),
    );
    insta::assert_json_snapshot!("hover", hover.result);
    let nothing = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": URI }, "position": { "line": 0, "character": 2 } }),
    );
    assert_eq!(nothing.result, Some(Value::Null));

    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": URI },
            "range": { "start": { "line": 1, "character": 22 }, "end": { "line": 1, "character": 22 } },
            "context": { "diagnostics": [] }
        }),
    );
    let actions = actions.result.unwrap();
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Suppress node-set-interval on this line",
            "Suppress node-set-interval in this file",
            "Show documentation for node-set-interval"
        ]
    );
    insta::assert_json_snapshot!("code_action_suppress_line", actions[0]);

    // Apply the line suppression as an editor would: an incremental change.
    let edit = &edits_of(&actions[0])[0];
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": URI, "version": 2 },
            "contentChanges": [{ "range": edit["range"], "text": edit["newText"] }]
        }),
    );
    let after = client.diagnostics(URI);
    assert_eq!(after["version"], 2);
    let codes: Vec<&Value> = after["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["code"])
        .collect();
    assert_eq!(
        codes,
        [&json!("node-fs-write")],
        "the suppressed finding is gone"
    );
    assert_eq!(
        after["diagnostics"][0]["range"]["start"],
        json!({ "line": 3, "character": 0 }),
        "the finding below moved down a line"
    );

    // A full-text change brings it back; closing clears the diagnostics.
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": URI, "version": 3 }, "contentChanges": [{ "text": JOBS }] }),
    );
    assert_eq!(
        client.diagnostics(URI)["diagnostics"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": URI } }),
    );
    assert_eq!(client.diagnostics(URI)["diagnostics"], json!([]));

    assert_eq!(client.finish(), Ending::Clean);
}

#[test]
fn file_suppression_goes_on_top_with_the_indentation_of_nothing() {
    let (mut client, _) = Client::start(json!({}));
    let uri = "file:///project/src/Jobs.cs";
    let text = "public class Jobs {\n    public void Save() { System.IO.File.WriteAllText(\"a.txt\", \"x\"); }\n}\n";
    client.open(uri, "csharp", text);
    assert_eq!(
        client.diagnostics(uri)["diagnostics"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": { "line": 1, "character": 0 }, "end": { "line": 1, "character": 60 } },
            "context": { "diagnostics": [] }
        }),
    );
    let actions = actions.result.unwrap();
    let line_edit = &actions[0]["edit"]["changes"][uri][0];
    assert_eq!(
        line_edit["newText"],
        "    // scaleout: ignore[dotnet-file-write] -- TODO: explain why this is safe with several instances\n"
    );
    let file_edit = &actions[1]["edit"]["changes"][uri][0];
    assert_eq!(
        file_edit,
        &json!({
            "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
            "newText": "// scaleout: ignore-file[dotnet-file-write] -- TODO: explain why this is safe with several instances\n"
        })
    );
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "range": file_edit["range"], "text": file_edit["newText"] }]
        }),
    );
    assert_eq!(client.diagnostics(uri)["diagnostics"], json!([]));
    let docs = client.request(
        "workspace/executeCommand",
        json!({ "command": "scaleout.showDocumentation", "arguments": ["dotnet-file-write"] }),
    );
    assert_eq!(docs.result, Some(Value::Null));
    let shown = client.notification("window/showMessage");
    insta::assert_json_snapshot!("show_documentation_message", shown);
    assert_eq!(client.finish(), Ending::Clean);
}

#[test]
fn between_jsx_elements_the_line_suppression_is_a_jsx_comment() {
    let (mut client, _) = Client::start(json!({}));
    let uri = "file:///project/src/Admin.jsx";
    let text = "import fs from 'fs';\n\
        export function Admin() {\n\
        \x20 return (\n\
        \x20   <div>\n\
        \x20     {fs.writeFileSync('seen.txt', 'x')}\n\
        \x20   </div>\n\
        \x20 );\n\
        }\n";
    client.open(uri, "javascriptreact", text);
    let published = client.diagnostics(uri);
    assert_eq!(
        published["diagnostics"][0]["code"], "node-fs-write",
        "{published}"
    );
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": { "line": 4, "character": 0 }, "end": { "line": 4, "character": 0 } },
            "context": { "diagnostics": [] }
        }),
    );
    let edit = &actions.result.unwrap()[0]["edit"]["changes"][uri][0];
    assert_eq!(
        edit["newText"],
        "      {/* scaleout: ignore[node-fs-write] -- TODO: explain why this is safe with several instances */}\n"
    );
    assert_eq!(edit["range"]["start"], json!({ "line": 4, "character": 0 }));
    assert_eq!(client.finish(), Ending::Clean);
}

#[test]
fn bad_requests_get_errors_and_the_server_keeps_serving() {
    let (mut client, _) = Client::start(json!({}));
    let unknown = client.request("textDocument/frobnicate", json!({}));
    assert_eq!(unknown.error.unwrap().code, -32601, "MethodNotFound");
    let invalid = client.request("textDocument/hover", json!({ "textDocument": 3 }));
    assert_eq!(invalid.error.unwrap().code, -32602, "InvalidParams");
    // What the stdio reader sends for a frame that is not a JSON-RPC message.
    client.notify(
        "scaleout/malformedMessage",
        json!({ "error": "not a JSON-RPC message", "id": 41 }),
    );
    let Message::Response(r) = client.next(|m| matches!(m, Message::Response(_))) else {
        unreachable!()
    };
    assert_eq!(r.id, RequestId::from(41));
    assert_eq!(Reply::from(r).error.unwrap().code, -32600);

    // A Rust document that does not parse: no diagnostics, one log line, still serving.
    let uri = "file:///project/src/main.rs";
    client.open(
        uri,
        "rust",
        "fn main( {\n    std::fs::write(\"a\", \"b\");\n",
    );
    assert_eq!(client.diagnostics(uri)["diagnostics"], json!([]));
    assert!(
        client
            .logs()
            .iter()
            .any(|l| l.starts_with("/project/src/main.rs: could not parse")),
        "{:?}",
        client.logs()
    );
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "text": "fn main() {\n    std::fs::write(\"a\", \"b\").unwrap();\n}\n" }]
        }),
    );
    let fixed = client.diagnostics(uri);
    assert_eq!(fixed["diagnostics"][0]["code"], "rust-fs-write");
    // A change to a document that is not open is logged, not fatal.
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": "file:///nowhere.js", "version": 2 }, "contentChanges": [] }),
    );
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 10 } }),
    );
    assert!(hover.result.unwrap()["contents"]["value"]
        .as_str()
        .unwrap()
        .starts_with("**rust-fs-write**"));
    assert_eq!(client.finish(), Ending::Clean);
}

#[test]
fn exit_without_shutdown_is_abrupt() {
    let (client, _) = Client::start(json!({}));
    client.notify("exit", Value::Null);
    assert_eq!(client.server.join().unwrap(), Ending::Abrupt);
}

#[test]
fn pull_diagnostics_for_clients_that_ask() {
    let capabilities =
        json!({ "textDocument": { "diagnostic": { "dynamicRegistration": false } } });
    let (mut client, _) = Client::start(capabilities);
    client.open(URI, "javascript", JOBS);
    let pull = |client: &mut Client, previous: Value| {
        client
            .request(
                "textDocument/diagnostic",
                json!({ "textDocument": { "uri": URI }, "previousResultId": previous }),
            )
            .result
            .unwrap()
    };
    let full = pull(&mut client, Value::Null);
    assert_eq!(full["kind"], "full");
    assert_eq!(full["items"].as_array().unwrap().len(), 2);
    let unchanged = pull(&mut client, full["resultId"].clone());
    assert_eq!(
        unchanged,
        json!({ "kind": "unchanged", "resultId": full["resultId"] })
    );
    assert!(
        !client
            .inbox
            .iter()
            .any(|m| matches!(m, Message::Notification(n)
            if n.method == "textDocument/publishDiagnostics")),
        "a client that pulls gets no pushed diagnostics"
    );
    assert_eq!(client.finish(), Ending::Clean);
}

#[test]
fn manifest_changes_relint_open_documents_with_the_projects_facts() {
    let capabilities =
        json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let (mut client, _) = Client::start(capabilities);
    let Message::Request(registration) = client.next(|m| matches!(m, Message::Request(_))) else {
        unreachable!()
    };
    insta::assert_json_snapshot!("register_watched_files", registration);
    let reply = Response::new_ok(registration.id, Value::Null);
    client.connection.sender.send(reply.into()).unwrap();

    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    let file = dir.path().join("src/poll.js");
    let uri = format!("file://{}", file.display());
    client.open(&uri, "javascript", "setInterval(refreshPrices, 5000);\n");
    assert_eq!(
        client.diagnostics(&uri)["diagnostics"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // The package turns out to be a React app: client-side code, as `scaleout check` says.
    let manifest = dir.path().join("package.json");
    std::fs::write(
        &manifest,
        r#"{ "name": "web", "dependencies": { "react": "18.3.0" } }"#,
    )
    .unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": format!("file://{}", manifest.display()), "type": 1 }] }),
    );
    assert_eq!(client.diagnostics(&uri)["diagnostics"], json!([]));
    assert_eq!(client.finish(), Ending::Clean);
}

#[test]
fn the_documents_configuration_selects_rules_and_severities() {
    let capabilities =
        json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let (mut client, _) = Client::start(capabilities);
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    let config = dir.path().join("scaleout.toml");
    std::fs::write(
        &config,
        "ignore = [\"node-fs-write\"]\n[severity]\nnode-set-interval = \"error\"\n",
    )
    .unwrap();
    let uri = format!("file://{}", dir.path().join("src/jobs.js").display());
    client.open(&uri, "javascript", JOBS);
    let published = client.diagnostics(&uri);
    let seen: Vec<(&Value, &Value)> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (&d["code"], &d["severity"]))
        .collect();
    assert_eq!(seen, [(&json!("node-set-interval"), &json!(1))]);

    // A broken configuration is reported and the document is linted without it.
    std::fs::write(&config, "selct = []\n").unwrap();
    let changed =
        json!({ "changes": [{ "uri": format!("file://{}", config.display()), "type": 2 }] });
    client.notify("workspace/didChangeWatchedFiles", changed.clone());
    assert_eq!(
        client.diagnostics(&uri)["diagnostics"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(
        client.logs().iter().any(|l| l.contains("selct")),
        "{:?}",
        client.logs()
    );

    std::fs::write(&config, "select = [\"local-disk-write\"]\n").unwrap();
    client.notify("workspace/didChangeWatchedFiles", changed);
    let codes: Vec<Value> = client.diagnostics(&uri)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].clone())
        .collect();
    assert_eq!(codes, [json!("node-fs-write")]);
    assert_eq!(client.finish(), Ending::Clean);
}

#[test]
fn config_and_no_config_given_to_the_server_apply_to_every_document() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("scaleout.toml"),
        "ignore = [\"node-fs-write\"]\n",
    )
    .unwrap();
    let other = dir.path().join("timers-only.toml");
    std::fs::write(&other, "select = [\"local-disk-write\"]\n").unwrap();
    let uri = format!("file://{}", dir.path().join("src/jobs.js").display());
    let codes = |choice: ConfigChoice| {
        let (mut client, _) = Client::start_with(json!({}), choice);
        client.open(&uri, "javascript", JOBS);
        let mut codes: Vec<String> = client.diagnostics(&uri)["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap_or_default().to_string())
            .collect();
        codes.sort();
        assert_eq!(client.finish(), Ending::Clean);
        codes
    };
    assert_eq!(codes(ConfigChoice::Nearest), ["node-set-interval"]);
    assert_eq!(codes(ConfigChoice::File(other)), ["node-fs-write"]);
    assert_eq!(
        codes(ConfigChoice::Nothing),
        ["node-fs-write", "node-set-interval"]
    );
}

fn frame(message: &Value) -> String {
    let body = message.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len())
}

#[test]
fn the_binary_survives_malformed_frames_over_stdio() {
    let input = [
        "Content-Length: nope\r\n\r\n".to_string(),
        "Content-Length: 9\r\n\r\n{broken!}".to_string(),
        frame(&json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } })),
        frame(&json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} })),
        frame(&json!({ "jsonrpc": "2.0", "id": 2, "params": {} })),
        frame(&json!({ "jsonrpc": "2.0", "id": 3, "method": "no/such/method" })),
        frame(&json!({ "jsonrpc": "2.0", "id": 4, "method": "shutdown" })),
        frame(&json!({ "jsonrpc": "2.0", "method": "exit" })),
    ]
    .concat();
    let out = Command::cargo_bin("scaleout")
        .unwrap()
        .arg("lsp")
        .write_stdin(input)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let responses: Vec<Value> = stdout
        .split("Content-Length: ")
        .filter(|s| !s.is_empty())
        .map(|s| serde_json::from_str(s.split_once("\r\n\r\n").unwrap().1).unwrap())
        .filter(|v: &Value| v.get("id").is_some())
        .collect();
    let ids: Vec<(&Value, Option<&Value>)> = responses
        .iter()
        .map(|r| (&r["id"], r.get("error").map(|e| &e["code"])))
        .collect();
    assert_eq!(
        ids,
        [
            (&json!(1), None),
            (&json!(2), Some(&json!(-32600))),
            (&json!(3), Some(&json!(-32601))),
            (&json!(4), None),
        ]
    );
    assert_eq!(responses[0]["result"]["serverInfo"]["name"], "scaleout");
}

/// Line and UTF-16 column of byte `offset` in `text`.
fn lsp_position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = before[line_start..].chars().map(char::len_utf16).sum();
    json!({ "line": before.matches('\n').count(), "character": character })
}

/// What the server should publish for `text`: a fresh [`scaleout::engine::Engine::lint`]
/// of it, with the facts a scan would use, as (code, range, message).
fn fresh_diagnostics(path: &str, text: &str) -> Vec<Value> {
    use scaleout::engine::{Document, Engine, Outcome};
    let catalogue = scaleout::catalogue::Catalogue::builtin().unwrap();
    let path = std::path::Path::new(path);
    let language = scaleout::frontend::Language::from_path(path).unwrap();
    let options = scaleout::scan::Projects::default().frontend_options(path, language);
    let shown = path.to_str().unwrap();
    let doc = Document {
        path: shown,
        text,
        language,
        options,
    };
    let Outcome::Linted { findings, .. } = Engine::new(&catalogue).lint(&doc) else {
        return Vec::new();
    };
    let utf16 = |line: usize, column: usize| {
        let line_text = text.lines().nth(line - 1).unwrap_or("");
        let character: usize = line_text
            .chars()
            .take(column - 1)
            .map(char::len_utf16)
            .sum();
        json!({ "line": line - 1, "character": character })
    };
    // Like the server: a finding that needs another file's registration is not shown.
    findings
        .iter()
        .filter(|f| f.requires.is_empty())
        .map(|f| {
            json!({
                "code": f.rule_id,
                "range": { "start": utf16(f.start_line, f.start_column), "end": utf16(f.end_line, f.end_column) },
                "message": format!("{}\nInstead: {}", f.message, f.alternative),
            })
        })
        .collect()
}

/// The diagnostics the server publishes for `version`, as (code, range, message).
fn published(client: &mut Client, version: i32) -> Vec<Value> {
    let published = client.next(|m| {
        matches!(m, Message::Notification(n)
            if n.method == "textDocument/publishDiagnostics" && n.params["version"] == version)
    });
    let Message::Notification(published) = published else {
        unreachable!()
    };
    published.params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| json!({ "code": d["code"], "range": d["range"], "message": d["message"] }))
        .collect()
}

#[test]
fn diagnostics_after_edits_equal_a_fresh_lint_of_the_text() {
    let (mut client, _) = Client::start(json!({}));
    // Typed, deleted and pasted text, syntax errors and their repair, a new finding.
    let inserts = [
        "x",
        " ",
        "(",
        "}\n",
        "\n",
        ";",
        "// ",
        "{",
        "\"",
        "fs.write(a, b);\n",
    ];
    for (fixture, language) in [
        ("fixtures/javascript/jobs.js", "javascript"),
        ("fixtures/typescript/scheduler.ts", "typescript"),
        ("fixtures/csharp/Workers/ExchangeRateRefresher.cs", "csharp"),
        ("fixtures/rust/background/tasks.rs", "rust"),
    ] {
        let mut text = std::fs::read_to_string(fixture).unwrap();
        // A path outside any project, so that the server and the fresh lint see the same facts.
        let name = fixture.rsplit('/').next().unwrap();
        let path = format!("/nowhere-{language}/src/{name}");
        let uri = format!("file://{path}");
        client.open(&uri, language, &text);
        let opened = client.diagnostics(&uri);
        let mut seed: usize = 7;
        for version in 2..26 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1) >> 1;
            let mut start = seed % (text.len() + 1);
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + (seed >> 8) % 24).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            // Even versions delete a span (and undo the last insertion now and then), odd ones insert.
            let insert = if version % 2 == 1 {
                inserts[(seed >> 16) % inserts.len()]
            } else {
                ""
            };
            let range = json!({ "start": lsp_position(&text, start), "end": lsp_position(&text, if insert.is_empty() { end } else { start }) });
            let replaced = if insert.is_empty() {
                start..end
            } else {
                start..start
            };
            text.replace_range(replaced, insert);
            client.notify(
                "textDocument/didChange",
                json!({
                    "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{ "range": range, "text": insert }]
                }),
            );
            assert_eq!(
                published(&mut client, version),
                fresh_diagnostics(&path, &text),
                "{fixture}, version {version}:\n{text}"
            );
        }
        assert!(
            !opened["diagnostics"].as_array().unwrap().is_empty(),
            "{fixture} has findings to compare"
        );
    }
    assert_eq!(client.finish(), Ending::Clean);
}

#[test]
fn rust_diagnostics_after_item_edits_equal_a_fresh_lint_of_the_text() {
    let (mut client, _) = Client::start(json!({}));
    let fixture = "fixtures/rust/background/tasks.rs";
    let mut text = std::fs::read_to_string(fixture).unwrap();
    let path = "/nowhere-rust-items/src/tasks.rs";
    let uri = format!("file://{path}");
    client.open(&uri, "rust", &text);
    assert!(
        !client.diagnostics(&uri)["diagnostics"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{fixture} has findings to compare"
    );
    let added = "\nfn flush_to_disk() {\n    fs::write(\"/var/data/stats\", \"x\").unwrap();\n}\n";
    // (text replaced, its replacement): the first occurrence is edited.
    let edits: &[(&str, &str)] = &[
        // Inside an item: an argument, then a finding's call.
        ("from_secs(60)", "from_secs(61)"),
        ("interval(Duration", "interval( Duration"),
        // Across items: from the end of one function into the next one's signature.
        (
            ".expect(\"spawn stats flusher\");\n}\n\nasync fn cleanup_loop(",
            ".expect(\"spawn stats flusher\");\n}\nasync fn cleanup_loop(",
        ),
        // Adding an item, then the import it needs, before every item.
        ("", added),
        ("use std::sync::Arc;", "use std::fs;\nuse std::sync::Arc;"),
        // Breaking the syntax inside an item and repairing it.
        ("ticker.tick().await;", "ticker.tick().await;}"),
        ("ticker.tick().await;}", "ticker.tick().await;"),
        // An unclosed item at the end, then closed.
        (
            "",
            "\nfn half_typed() {\n    std::fs::write(\"/tmp/x\", \"y\")",
        ),
        (
            "std::fs::write(\"/tmp/x\", \"y\")",
            "std::fs::write(\"/tmp/x\", \"y\").ok();\n}",
        ),
        // Removing items: the one added, then the import.
        (added, ""),
        ("use std::fs;\n", ""),
    ];
    for (step, (old, new)) in edits.iter().enumerate() {
        let version = step as i32 + 2;
        // An empty `old` appends at the end.
        let start = if old.is_empty() {
            text.len()
        } else {
            text.find(old)
                .unwrap_or_else(|| panic!("{old:?} is in the text"))
        };
        let end = start + old.len();
        let range = json!({ "start": lsp_position(&text, start), "end": lsp_position(&text, end) });
        text.replace_range(start..end, new);
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "range": range, "text": new }]
            }),
        );
        assert_eq!(
            published(&mut client, version),
            fresh_diagnostics(path, &text),
            "edit {step} ({old:?} -> {new:?}):\n{text}"
        );
    }
    assert_eq!(client.finish(), Ending::Clean);
}
