//! Any bytes as a C# source file.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scaleout_fuzz::lint("Services/Worker.cs", data));
