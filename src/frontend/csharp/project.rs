//! Project-level facts: the SDK's implicit usings and the `global using`s a file
//! contributes to every file of its project.

use super::words::{words, ImplicitUsings};

/// The namespaces SDK-style projects import implicitly, per SDK (from `words.toml`).
pub fn implicit_usings() -> &'static ImplicitUsings {
    &words().implicit_usings
}

/// The `global using` directives of a file, which apply to every file of its project,
/// as `N`, `static T` or `A = X.Y` (the forms [`extract`](super::extract) accepts as implicit usings).
/// A cheap line scan, so a project pre-pass need not parse every file.
pub fn global_usings(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim_start_matches('\u{feff}').trim_start();
        let Some(rest) = line.strip_prefix("global") else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix("using") else {
            continue;
        };
        if !rest.starts_with(char::is_whitespace) {
            continue;
        }
        let Some((body, _)) = rest.split_once(';') else {
            continue;
        };
        let body = body.trim();
        if !body.is_empty() && !body.contains(['(', '{', '"']) {
            out.push(body.to_string());
        }
    }
    out
}
