//! `appsettings*.json`: Serilog sinks (`Serilog:WriteTo`) and NLog targets (`NLog:targets`).

use super::{failed, parsed, push_setting};
use crate::event::{Property, Value};
use crate::frontend::Extracted;
use jsonc_parser::ast::{Object, ObjectProp, Value as Json};
use jsonc_parser::{parse_to_ast, CollectOptions, ParseOptions};

/// Sink lists nested deeper than this (sub-loggers of sub-loggers) are not followed.
const MAX_NESTING: usize = 8;

pub(super) fn extract(text: &str) -> Extracted {
    let result = match parse_to_ast(text, &CollectOptions::default(), &ParseOptions::default()) {
        Ok(result) => result,
        Err(e) => return failed(e.range().start, e.kind().to_string()),
    };
    let mut out = Vec::new();
    if let Some(Json::Object(root)) = &result.value {
        if let Some(Json::Object(serilog)) = get(root, "Serilog") {
            serilog_sinks(serilog, &mut out, 0);
        }
        if let Some(Json::Object(nlog)) = get(root, "NLog") {
            if let Some(Json::Object(targets)) = get(nlog, "targets") {
                nlog_targets(targets, &mut out, 0);
            }
        }
    }
    let mut facts = crate::event::FileFacts::default();
    for (target, span, props) in out {
        push_setting(&mut facts, target, span, props);
    }
    parsed(facts)
}

type Setting = (String, std::ops::Range<usize>, Vec<Property>);

/// A property by name, ignoring case as .NET configuration does.
fn get<'o, 'a>(object: &'o Object<'a>, name: &str) -> Option<&'o Json<'a>> {
    object
        .properties
        .iter()
        .find(|p| p.name.as_str().eq_ignore_ascii_case(name))
        .map(|p| &p.value)
}

/// `"WriteTo": [ { "Name": "File", "Args": { ... } } ]`, or an object of such entries;
/// sinks that wrap others (`Async`'s `configure`, `Logger`'s `configureLogger`) are followed.
fn serilog_sinks(section: &Object<'_>, out: &mut Vec<Setting>, depth: usize) {
    if depth > MAX_NESTING {
        return;
    }
    let Some(write_to) = get(section, "WriteTo") else {
        return;
    };
    for entry in entries(write_to) {
        serilog_sink(entry, out, depth);
    }
}

/// The elements of an array, or the values of an object (`"WriteTo": { "0": {...} }`).
fn entries<'v, 'a>(value: &'v Json<'a>) -> Vec<&'v Json<'a>> {
    match value {
        Json::Array(array) => array.elements.iter().collect(),
        Json::Object(object) => object.properties.iter().map(|p| &p.value).collect(),
        _ => Vec::new(),
    }
}

fn serilog_sink(entry: &Json<'_>, out: &mut Vec<Setting>, depth: usize) {
    let Json::Object(sink) = entry else {
        return;
    };
    let args = get(sink, "Args");
    if let Some(Json::StringLit(name)) = get(sink, "Name") {
        let props = match args {
            Some(Json::Object(args)) => props(args, 0),
            _ => Vec::new(),
        };
        let span = name.range.start..name.range.end;
        out.push((
            format!("appsettings:Serilog.WriteTo.{}", name.value),
            span,
            props,
        ));
    }
    let Some(Json::Object(args)) = args else {
        return;
    };
    for arg in &args.properties {
        match &arg.value {
            // `Async`: `"configure": [ { "Name": "File", ... } ]`.
            Json::Array(_) => {
                for inner in entries(&arg.value) {
                    serilog_sink(inner, out, depth + 1);
                }
            }
            // `Logger`: `"configureLogger": { "WriteTo": [ ... ] }`.
            Json::Object(inner) => serilog_sinks(inner, out, depth + 1),
            _ => {}
        }
    }
}

/// `"targets": { "logfile": { "type": "File", "fileName": "..." } }`.
fn nlog_targets(targets: &Object<'_>, out: &mut Vec<Setting>, depth: usize) {
    for ObjectProp { value, .. } in &targets.properties {
        if let Json::Object(target) = value {
            nlog_target(target, out, depth);
        }
    }
}

/// One NLog target; a wrapper's inner target (`{ "type": "AsyncWrapper", "target": { ... } }`)
/// is followed.
fn nlog_target(target: &Object<'_>, out: &mut Vec<Setting>, depth: usize) {
    if depth > MAX_NESTING {
        return;
    }
    if let Some(Json::StringLit(ty)) = get(target, "type") {
        let span = ty.range.start..ty.range.end;
        out.push((
            format!("appsettings:NLog.targets.{}", ty.value),
            span,
            props(target, 0),
        ));
    }
    for key in ["target", "targets"] {
        match get(target, key) {
            Some(Json::Object(inner)) if get(inner, "type").is_some() => {
                nlog_target(inner, out, depth + 1)
            }
            Some(Json::Object(inner)) => nlog_targets(inner, out, depth + 1),
            _ => {}
        }
    }
}

/// String values, nested objects (a few levels) and anything else.
fn props(object: &Object<'_>, depth: usize) -> Vec<Property> {
    object
        .properties
        .iter()
        .map(|p| {
            let value = match &p.value {
                Json::StringLit(s) => Value::Str(s.value.to_string()),
                Json::Object(inner) if depth < 4 => Value::Object(props(inner, depth + 1)),
                _ => Value::Other,
            };
            Property::new(p.name.as_str(), value)
        })
        .collect()
}
