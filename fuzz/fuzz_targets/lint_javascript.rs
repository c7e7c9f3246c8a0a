//! Any bytes as a JavaScript source file.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scaleout_fuzz::lint("src/server.js", data));
