//! Any text as a `scaleout.toml`: parsed, then checked against the built-in rules.
#![no_main]

use scaleout::catalogue::Catalogue;
use scaleout::config::{Loaded, Overrides, Settings};
use std::sync::OnceLock;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    static SETUP: OnceLock<(tempfile::TempDir, Catalogue)> = OnceLock::new();
    let (dir, catalogue) = SETUP.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary directory");
        (
            dir,
            Catalogue::builtin().expect("the built-in rules are valid"),
        )
    });
    // The configuration is read from a file; rule paths in it resolve beside it.
    let path = dir.path().join("scaleout.toml");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if let Ok(loaded) = Loaded::read(&path, "scaleout.toml") {
        let _ = loaded.rule_files();
        let _ = Settings::new(Some(&loaded), catalogue, &Overrides::default(), dir.path());
    }
});
