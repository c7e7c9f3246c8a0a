//! `scaleout lsp`: a language server over stdio.
//!
//! It lints each open document's unsaved text with [`crate::engine::Engine::lint`] and
//! the facts of the project it lives in, and offers the rule documentation on hover and
//! suppression comments as quick fixes. Built on `lsp-server` (the transport and message
//! types) and `lsp-types` (the protocol's structures).
//!
//! | module | role |
//! |---|---|
//! | `server` | initialization, the message loop, linting when idle, shutdown |
//! | `transport` | stdio framing that survives malformed messages |
//! | `documents` | open documents, full and incremental sync, `file:` URIs |
//! | `diagnostics` | findings as diagnostics |
//! | `utf16` | LSP positions (UTF-16 code units) |
//! | `profiles` | the configuration (`scaleout.toml`) that applies to each document |
//! | `hover`, `actions` | rule documentation, suppression quick fixes |

mod actions;
mod diagnostics;
mod documents;
mod hover;
mod profiles;
mod server;
mod transport;
mod utf16;

pub use profiles::{ConfigChoice, Profiles};
pub use server::{serve, Ending};

use std::path::PathBuf;

/// Runs the server on stdin and stdout; returns the exit status: 0 after `shutdown` and
/// `exit`, 1 after `exit` alone or the end of input (as the protocol asks), 2 when the
/// session could not start. `extra_rules` are the `--rules` files, added to every
/// document's rules.
pub fn run(extra_rules: &[PathBuf], choice: ConfigChoice) -> u8 {
    let profiles = match Profiles::with_config(extra_rules, choice) {
        Ok(p) => p,
        Err(message) => {
            eprint!("{message}");
            return 2;
        }
    };
    let (connection, io) = transport::stdio();
    // Parsers recurse; give them the room the CLI's worker threads have.
    let ending = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("scaleout-lsp".into())
            .stack_size(64 * 1024 * 1024)
            .spawn_scoped(scope, || serve(connection, profiles))
            .map(|handle| handle.join())
    });
    let ending = match ending {
        Ok(Ok(ending)) => ending,
        Ok(Err(_)) => Ending::Failed("the server thread panicked".into()),
        Err(e) => Ending::Failed(format!("cannot start the server thread: {e}")),
    };
    if let Err(e) = io.join() {
        eprintln!("scaleout lsp: cannot write to the client: {e}");
    }
    match ending {
        Ending::Clean => 0,
        Ending::Abrupt => 1,
        Ending::Failed(message) => {
            eprintln!("error: scaleout lsp: {message}");
            2
        }
    }
}
