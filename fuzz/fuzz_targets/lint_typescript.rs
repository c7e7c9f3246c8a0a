//! Any bytes as a TypeScript source file.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scaleout_fuzz::lint("src/server.ts", data));
