//! scaleout: finds single-instance assumptions in Rust, JavaScript, TypeScript and C# code.

pub mod catalogue;
pub mod event;
pub mod frontend;
pub mod position;
