//! Prisma schemas: the `provider` of each `datasource` block (`provider = "sqlite"`).

use super::{parsed, push_setting};
use crate::event::{FileFacts, Property, Value};
use crate::frontend::Extracted;
use std::ops::Range;

/// The `datasource` block being read.
#[derive(Default)]
struct Datasource {
    /// The provider's name and the span of its quoted value.
    provider: Option<(String, Range<usize>)>,
    /// Every `key = value` setting of the block.
    settings: Vec<Property>,
}

pub(super) fn extract(text: &str) -> Extracted {
    let mut facts = FileFacts::default();
    let mut block: Option<Datasource> = None;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = strip_comment(raw);
        let trimmed = line.trim();
        let Some(datasource) = block.as_mut() else {
            if trimmed.split_whitespace().next() == Some("datasource") && trimmed.ends_with('{') {
                block = Some(Datasource::default());
            }
            continue;
        };
        if trimmed.starts_with('}') {
            if let Some(Datasource {
                provider: Some((name, span)),
                settings,
            }) = block.take()
            {
                push_setting(
                    &mut facts,
                    format!("prisma:datasource.{name}"),
                    span,
                    settings,
                );
            }
            continue;
        }
        let Some((key, value)) = trimmed.split_once('=') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        let quoted = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .filter(|v| !v.contains('"'));
        if let (Some(name), "provider") = (quoted, key) {
            let at = start + line.find(value).unwrap_or(0);
            datasource.provider = Some((name.to_string(), at..at + value.len()));
        }
        let value = quoted.map_or(Value::Other, |v| Value::Str(v.to_string()));
        datasource.settings.push(Property::new(key, value));
    }
    parsed(facts)
}

/// The line without a `//` comment (outside a string).
fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
    }
    line
}
