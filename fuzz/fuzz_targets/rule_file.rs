//! Any text as a user rule file (`--rules`).
#![no_main]

use scaleout::catalogue::Catalogue;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Catalogue::default().add_file("fuzz.toml", text);
    }
});
