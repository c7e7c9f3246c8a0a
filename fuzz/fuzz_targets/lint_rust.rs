//! Any bytes as a Rust source file.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scaleout_fuzz::lint("src/lib.rs", data));
