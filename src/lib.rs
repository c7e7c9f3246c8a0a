//! scaleout: finds single-instance assumptions in Rust, JavaScript, TypeScript and C# code.
//!
//! [`engine::Engine::lint`] lints one in-memory document; [`scan::scan`] walks and
//! lints a tree of files; [`cli`] is the command line over both.

pub mod catalogue;
pub mod cli;
pub mod discover;
pub mod engine;
pub mod event;
pub mod finding;
pub mod frontend;
pub mod manifest;
pub mod matcher;
pub mod position;
pub mod reach;
pub mod report;
pub mod scan;
pub mod suppress;
