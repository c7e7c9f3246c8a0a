//! The stdio transport: `Content-Length` framed JSON-RPC on stdin and stdout.
//!
//! lsp-server's own stdio transport stops reading at the first malformed message, which
//! would take the server down; this reader reports the bad frame to the server loop (as a
//! [`MALFORMED`] notification) and reads on.

use lsp_server::{Connection, Message, Notification};
use serde_json::json;
use std::io::{self, BufRead, Write};
use std::thread::JoinHandle;

/// The internal notification the reader sends for a frame it could not understand. Its
/// params hold `error` (what was wrong) and `id` (the request id, when one could be read).
pub const MALFORMED: &str = "scaleout/malformedMessage";

/// One frame read from the client.
#[derive(Debug)]
enum Frame {
    /// A well-formed message.
    Message(Message),
    /// A frame that is not a JSON-RPC message, with the request id when one was readable.
    Malformed {
        error: String,
        id: Option<serde_json::Value>,
    },
}

/// The threads behind [`stdio`]; join them after dropping the server's connection.
pub struct IoThreads {
    writer: JoinHandle<io::Result<()>>,
}

impl IoThreads {
    /// Waits until every message the server sent has been written.
    pub fn join(self) -> io::Result<()> {
        self.writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writer thread panicked")))
    }
}

/// A connection over stdin and stdout. The reader thread ends at the `exit`
/// notification or the end of input; it is not joined, since stdin may stay open.
pub fn stdio() -> (Connection, IoThreads) {
    let (server, client) = Connection::memory();
    let Connection { sender, receiver } = client;
    std::thread::spawn(move || {
        let stdin = io::stdin();
        let mut input = stdin.lock();
        while let Ok(Some(frame)) = read_frame(&mut input) {
            let message = match frame {
                Frame::Message(m) => m,
                Frame::Malformed { error, id } => {
                    Notification::new(MALFORMED.into(), json!({ "error": error, "id": id })).into()
                }
            };
            let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
            if sender.send(message).is_err() || exit {
                break;
            }
        }
    });
    let writer = std::thread::spawn(move || {
        let stdout = io::stdout();
        let mut out = stdout.lock();
        for message in receiver {
            message.write(&mut out)?;
            out.flush()?;
        }
        Ok(())
    });
    (server, IoThreads { writer })
}

/// Reads one frame. `Ok(None)` at the end of input; a frame with bad headers or a body
/// that is not a JSON-RPC message is [`Frame::Malformed`], and reading can go on after it.
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Frame>> {
    let mut length: Option<usize> = None;
    let mut bad_header = None;
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            // Blank lines before the first header are noise, not an empty frame.
            if length.is_none() && bad_header.is_none() {
                continue;
            }
            break;
        }
        match header.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse() {
                    Ok(n) => length = Some(n),
                    Err(_) => bad_header = Some(format!("bad Content-Length header `{header}`")),
                }
            }
            Some(_) => {}
            None => bad_header = Some(format!("not a header: `{header}`")),
        }
    }
    let Some(length) = length.filter(|_| bad_header.is_none()) else {
        let error = bad_header.unwrap_or_else(|| "missing Content-Length header".into());
        return Ok(Some(Frame::Malformed { error, id: None }));
    };
    let mut body = vec![0; length];
    if let Err(e) = input.read_exact(&mut body) {
        return match e.kind() {
            io::ErrorKind::UnexpectedEof => Ok(None),
            _ => Err(e),
        };
    }
    let value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return Ok(Some(Frame::Malformed {
                error: format!("body is not JSON: {e}"),
                id: None,
            }))
        }
    };
    let id = value
        .get("id")
        .filter(|id| id.is_number() || id.is_string())
        .cloned();
    Ok(Some(match serde_json::from_value::<Message>(value) {
        Ok(message) => Frame::Message(message),
        Err(e) => Frame::Malformed {
            error: format!("not a JSON-RPC message: {e}"),
            id,
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn reads_on_after_malformed_frames() {
        let exit = r#"{"jsonrpc":"2.0","method":"exit"}"#;
        let input = [
            "garbage line\r\n\r\n".to_string(),
            "Content-Length: twelve\r\n\r\n".to_string(),
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0","id":7,"params":{}}"#),
            frame(exit),
            "Content-Length: 99\r\n\r\ncut short".to_string(),
        ]
        .concat();
        let mut reader = io::Cursor::new(input.into_bytes());
        let mut frames = Vec::new();
        while let Some(f) = read_frame(&mut reader).unwrap() {
            frames.push(f);
        }
        let errors: Vec<(String, Option<serde_json::Value>)> = frames[..4]
            .iter()
            .map(|f| match f {
                Frame::Malformed { error, id } => {
                    (error.split(':').next().unwrap().to_string(), id.clone())
                }
                Frame::Message(m) => panic!("expected a malformed frame, got {m:?}"),
            })
            .collect();
        assert_eq!(
            errors,
            [
                ("not a header".to_string(), None),
                (
                    "bad Content-Length header `Content-Length".to_string(),
                    None
                ),
                ("body is not JSON".to_string(), None),
                ("not a JSON-RPC message".to_string(), Some(json!(7))),
            ]
        );
        assert!(
            matches!(&frames[4], Frame::Message(Message::Notification(n)) if n.method == "exit")
        );
        assert_eq!(frames.len(), 5);
    }
}
