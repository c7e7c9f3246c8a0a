//! scaleout: finds single-instance assumptions in Rust, JavaScript, TypeScript and C# code.
//!
//! [`engine::Engine::lint`] lints one in-memory document; [`scan::scan`] walks and
//! lints a tree of files; [`cli`] is the command line over both; [`lsp`] is the language
//! server over the engine.

pub mod add_suppressions;
pub mod allocator;
pub mod baseline;
pub mod catalogue;
pub mod changed;
pub mod cli;
pub mod config;
pub mod discover;
pub mod engine;
pub mod event;
pub mod finding;
pub mod frontend;
pub mod limits;
pub mod lsp;
pub mod manifest;
pub mod matcher;
pub mod placement;
pub mod position;
pub mod progress;
pub mod reach;
pub mod read;
pub mod report;
pub mod scan;
pub mod suppress;
pub mod work;
