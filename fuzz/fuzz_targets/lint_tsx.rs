//! Any bytes as a TSX source file.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scaleout_fuzz::lint("src/App.tsx", data));
