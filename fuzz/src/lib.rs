//! What the fuzz targets share: bytes in, through the library entry points, as the
//! command line would take them (decoding, then [`Engine::lint_text`]).

use scaleout::catalogue::Catalogue;
use scaleout::engine::Engine;
use std::sync::OnceLock;

/// Decodes `data` as a source file would be, then lints it as the file `path`.
pub fn lint(path: &str, data: &[u8]) {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    let engine = ENGINE
        .get_or_init(|| Engine::new(&Catalogue::builtin().expect("the built-in rules are valid")));
    if let Ok(source) = scaleout::read::decode(data.to_vec()) {
        let _ = engine.lint_text(path, &source.text);
    }
}
