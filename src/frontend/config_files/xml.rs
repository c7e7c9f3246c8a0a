//! `nlog.config` and `log4net.config`: NLog `<target xsi:type="File">` and log4net
//! `<appender type="log4net.Appender.RollingFileAppender">`.

use super::{failed, parsed, push_setting};
use crate::event::{FileFacts, Property, Value};
use crate::frontend::Extracted;
use roxmltree::{Document, Node, ParsingOptions};

pub(super) fn extract(text: &str) -> Extracted {
    let options = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    let doc = match Document::parse_with_options(text, options) {
        Ok(doc) => doc,
        Err(e) => {
            // The engine adds the position itself.
            let message = e.to_string();
            let suffix = format!(" at {}", e.pos());
            let message = message
                .strip_suffix(&suffix)
                .unwrap_or(&message)
                .to_string();
            return failed(offset_of(text, e.pos()), message);
        }
    };
    let mut facts = FileFacts::default();
    for node in doc.descendants().filter(Node::is_element) {
        let Some(ty) = node.attributes().find(|a| a.name() == "type") else {
            continue;
        };
        let target = match node.tag_name().name() {
            "target" => format!("nlog:target.{}", ty.value()),
            // `type="log4net.Appender.RollingFileAppender, log4net"`: the type without the assembly.
            "appender" => {
                let name = ty.value().split(',').next().unwrap_or("").trim();
                format!("log4net:appender.{name}")
            }
            _ => continue,
        };
        push_setting(&mut facts, target, ty.range_value(), props(node));
    }
    parsed(facts)
}

/// The element's attributes (`fileName="..."`), and its children's `value` attributes
/// (log4net's `<file value="logs/app.log" />`), as string properties.
fn props(node: Node<'_, '_>) -> Vec<Property> {
    let attributes = node
        .attributes()
        .map(|a| Property::new(a.name(), Value::Str(a.value().to_string())));
    let children = node.children().filter(Node::is_element).filter_map(|c| {
        let value = c.attribute("value")?;
        Some(Property::new(
            c.tag_name().name(),
            Value::Str(value.to_string()),
        ))
    });
    attributes.chain(children).collect()
}

/// The byte offset of a 1-based row and character column.
fn offset_of(text: &str, pos: roxmltree::TextPos) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(pos.row.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let column: usize = text[line_start..]
        .chars()
        .take(pos.col.saturating_sub(1) as usize)
        .map(char::len_utf8)
        .sum();
    line_start + column
}
