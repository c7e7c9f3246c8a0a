//! Argument facts about paths: temporary paths (also through variables, helper
//! parameters and upload middleware), path-like names, object-literal properties.

use super::*;
use crate::frontend::tree::{Fields, Kind};
use crate::frontend::words::{is_constant_name, PathPurpose};

/// A declarator value that produces a temporary path: any temp-path expression, or a
/// call to a temp-file helper (`await createTmpFile()`, `tmp.fileSync().name`, `tempy.file()`).
pub(super) fn is_temp_path_value(value: Node<'_>, src: &str) -> bool {
    let source = text(value, src);
    if source.len() > 300 {
        return false;
    }
    if is_temp_path_expr(source) || is_request_upload(source) {
        return true;
    }
    let callee = source
        .trim_start_matches("await ")
        .split('(')
        .next()
        .unwrap_or("");
    source.contains('(')
        && callee.split('.').any(|segment| {
            segment == "tmp" || segment == "tempy" || crate::frontend::words::is_temp_name(segment)
        })
}

/// What a file-local function is called with: its declaring node, and the argument lists
/// of its direct calls; `escapes` when the name is also used otherwise (passed as a
/// callback, exported), so its callers are not all known.
#[derive(Default)]
pub(super) struct LocalFunction<'t> {
    pub(super) nodes: Vec<Node<'t>>,
    pub(super) calls: Vec<Node<'t>>,
    pub(super) escapes: bool,
}

pub(super) fn is_identifier_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// The simple names of a function's parameters, by position (`None` for patterns).
pub(super) fn parameter_names<'t>(function: Node<'t>) -> Vec<Option<Node<'t>>> {
    if let Some(single) = function.field("parameter") {
        return vec![Some(single).filter(|p| p.kind_str() == "identifier")];
    }
    let Some(params) = function.field("parameters") else {
        return Vec::new();
    };
    named_children(params)
        .filter(|p| p.kind_str() != "comment")
        .map(|p| match p.kind_str() {
            "identifier" => Some(p),
            "required_parameter" | "optional_parameter" => {
                p.field("pattern").filter(|n| n.kind_str() == "identifier")
            }
            _ => None,
        })
        .collect()
}

/// Parameters that only ever receive temporary paths: a file-local helper
/// (`const rm = async (p) => fs.unlink(p)`) whose every call passes a temp path
/// (`rm(tmpFile)`) gets that parameter bound to a temp path. Exported helpers, and
/// helpers passed around as values, may be called with anything and are left alone.
/// Runs twice, so a helper that hands its parameter to another helper is seen too; the
/// functions are gathered once.
pub(super) fn bind_temp_parameters(
    functions: &HashMap<String, LocalFunction<'_>>,
    src: &str,
    scopes: &mut Scopes,
) {
    for _ in 0..2 {
        bind_temp_parameters_once(functions, src, scopes);
    }
}

fn bind_temp_parameters_once(
    functions: &HashMap<String, LocalFunction<'_>>,
    src: &str,
    scopes: &mut Scopes,
) {
    let mut rebinds = Vec::new();
    for function in functions.values() {
        if function.escapes || function.nodes.len() != 1 || function.calls.is_empty() {
            continue;
        }
        let node = function.nodes[0];
        for (i, param) in parameter_names(node).into_iter().enumerate() {
            let Some(param) = param else { continue };
            let all_temp = function.calls.iter().all(|args| {
                named_children(*args)
                    .filter(|a| a.kind_str() != "comment")
                    .nth(i)
                    .is_some_and(|a| is_temp_path_node(a, src, scopes, 0))
            });
            if all_temp {
                rebinds.push((text(param, src).to_string(), Scope::from(node.byte_range())));
            }
        }
    }
    for (name, scope) in rebinds {
        scopes.rebind(&name, scope, Binding::TempPath);
    }
}

/// The file an upload middleware stored for this request (`req.file`, `req.file.path`,
/// `req.files.doc.path`), or the temporary file a multipart parser names in the files it
/// hands its callback (`files.doc[0].filepath` of formidable's `(err, fields, files)`, any
/// `.tempFilePath`): scratch that the handler removes once it has read it.
/// Moving it elsewhere is still reported, since the destination is another path.
pub(super) fn is_request_upload(source: &str) -> bool {
    if parser_temp_file(source) {
        return true;
    }
    let Some(rest) = ["req.", "request.", "ctx.request."]
        .iter()
        .find_map(|p| source.strip_prefix(p))
    else {
        return false;
    };
    let mut segments = rest.split(['.', '[']);
    matches!(segments.next(), Some("file" | "files"))
        && source
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '$' | '[' | ']' | '\'' | '"'))
        && segments.next_back().is_none_or(|last| {
            matches!(
                last,
                "file" | "files" | "path" | "filepath" | "tempFilePath"
            ) || last.ends_with(']')
        })
}

/// `files.doc[0].filepath`, `upload.tempFilePath`: a plain member chain ending in the name a
/// multipart parser gives the temporary file it wrote (`filepath` only on the parsed `files`).
fn parser_temp_file(source: &str) -> bool {
    let plain = source
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '$' | '[' | ']' | '\'' | '"'));
    plain
        && (source.ends_with(".tempFilePath")
            || (source.starts_with("files.") && source.ends_with(".filepath")))
}

/// A path inside a temporary directory: a temp-path expression, a local bound to one, or
/// a path whose first component is one (`path.join(tmpDir, name)`,
/// `` `${tempDirectory}/export.html` ``, `tmpDir + '/a.txt'`).
pub(super) fn is_temp_path_node(node: Node<'_>, src: &str, scopes: &Scopes, depth: usize) -> bool {
    let source = text(node, src);
    if depth > 8 || source.len() > 300 {
        return false;
    }
    if is_temp_path_expr(source) || is_request_upload(source) {
        return true;
    }
    let first_is_temp = |first: Option<Node<'_>>| {
        first.is_some_and(|f| is_temp_path_node(f, src, scopes, depth + 1))
    };
    match node.kind_str() {
        "identifier" => matches!(
            scopes.lookup(source, node.start_byte()),
            Some(Binding::TempPath)
        ),
        "parenthesized_expression"
        | "await_expression"
        | "non_null_expression"
        | "as_expression"
        | "satisfies_expression" => first_is_temp(node.named_child(0)),
        // Only a template that starts with the directory: `${tmp}/a`, not `out/${tmp}`.
        "template_string" => {
            source.starts_with("`${")
                && first_is_temp(
                    named_children(node)
                        .find(|c| c.kind_str() == "template_substitution")
                        .and_then(|c| c.named_child(0)),
                )
        }
        "binary_expression" => {
            node.field("operator").is_some_and(|o| text(o, src) == "+")
                && first_is_temp(node.field("left"))
        }
        "member_expression" => {
            let member: String = source.split_whitespace().collect();
            scopes.temp_members.contains(&member)
        }
        "call_expression" => {
            let callee: String = node
                .field("function")
                .map(|f| text(f, src).split_whitespace().collect())
                .unwrap_or_default();
            if scopes.temp_returns.get(&callee).copied().unwrap_or(false) {
                return true;
            }
            let joins = node
                .field("function")
                .and_then(|f| scopes.path_of(f, src))
                .is_some_and(|p| {
                    matches!(
                        p.as_str(),
                        "path.join" | "path.resolve" | "path/posix.join" | "path/posix.resolve"
                    )
                });
            joins && first_is_temp(node.field("arguments").and_then(|a| a.named_child(0)))
        }
        _ => false,
    }
}

/// Path expressions nested deeper than this say nothing more about their purpose.
const MAX_PURPOSE_DEPTH: usize = 8;

/// What the words of a path expression say about whose file it is (see [`PathPurpose`]):
/// string literals, member names (`config.cacheDir`, `process.env.CACHE_DIR`) and the names of
/// path getters (`getCacheDir()`) are strong evidence; a local counts by its value when it is
/// known, else its name can only make the path shared.
pub(super) fn path_purpose(
    node: Node<'_>,
    src: &str,
    scopes: &Scopes,
    depth: usize,
) -> PathPurpose {
    if depth > MAX_PURPOSE_DEPTH {
        return PathPurpose::default();
    }
    let part = |n: Option<Node<'_>>| {
        n.map_or_else(PathPurpose::default, |n| {
            path_purpose(n, src, scopes, depth + 1)
        })
    };
    let all = |nodes: &mut dyn Iterator<Item = Node<'_>>| {
        nodes.fold(PathPurpose::default(), |p, n| p.with(part(Some(n))))
    };
    match node.kind_str() {
        "string" => {
            string_value(node, src).map_or_else(PathPurpose::default, |s| PathPurpose::literal(&s))
        }
        "string_fragment" => PathPurpose::literal(text(node, src)),
        "template_string" => all(&mut named_children(node)),
        "template_substitution"
        | "parenthesized_expression"
        | "await_expression"
        | "non_null_expression"
        | "as_expression"
        | "satisfies_expression" => part(node.named_child(0)),
        "identifier" => {
            let name = text(node, src);
            match scopes.lookup(name, node.start_byte()) {
                Some(Binding::Path(purpose)) => *purpose,
                // A constant (`CACHE_DIR`, also one whose value says nothing:
                // `process.env.SNAP_COMMON || ''`) designates a location for the whole
                // program, as a member's name does.
                Some(Binding::Module(_) | Binding::Local) | None if is_constant_name(name) => {
                    PathPurpose::designated(name)
                }
                _ => PathPurpose::local_name(name),
            }
        }
        // The member names the location; the object it is read from only holds it.
        "member_expression" => node
            .field("property")
            .map_or_else(PathPurpose::default, |p| {
                PathPurpose::designated(text(p, src))
            }),
        "subscript_expression" => part(node.field("index")),
        "binary_expression" => part(node.field("left")).with(part(node.field("right"))),
        "ternary_expression" => {
            part(node.field("consequence")).with(part(node.field("alternative")))
        }
        "call_expression" => {
            let function = node.field("function");
            let joins = function
                .and_then(|f| scopes.path_of(f, src))
                .is_some_and(|p| p.starts_with("path.") || p.starts_with("path/posix."));
            if joins {
                // `path.join(..)`: the parts.
                let args = node.field("arguments");
                return all(&mut args.into_iter().flat_map(named_children));
            }
            // Another call: what its name says it returns.
            let name = function.map(|f| match f.kind_str() {
                "member_expression" => f.field("property").map_or("", |p| text(p, src)),
                _ => text(f, src),
            });
            name.map_or_else(PathPurpose::default, PathPurpose::designated)
        }
        _ => PathPurpose::default(),
    }
}

/// Whether an expression is a path this instance alone keeps (`config.cacheDir`, a literal
/// `'cache/pages'`), not a file of the process: what a call hands a parameter.
pub(super) fn is_instance_path_node(node: Node<'_>, src: &str, scopes: &Scopes) -> bool {
    let purpose = path_purpose(node, src, scopes, 0);
    purpose.is_instance() && !purpose.is_process_file()
}

/// An expression that builds a path in the temporary directory: `os.tmpdir()`, `mkdtemp`,
/// a `/tmp/` literal, or a name like `tmpFile` / `tempDir` (but not `template`).
pub(super) fn is_temp_path_expr(source: &str) -> bool {
    if source.contains("tmpdir(") || source.contains("mkdtemp") {
        return true;
    }
    let literal = source.trim_matches(['\'', '"', '`']);
    if literal.starts_with("/tmp/") || literal == "/tmp" {
        return true;
    }
    // Plain names only: `tmpFile`, `this.tempPath`, not calls or expressions.
    if !source
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '$')
    {
        return false;
    }
    let name = source.rsplit('.').next().unwrap_or(source);
    crate::frontend::words::is_temp_name(name)
}

/// Object literals nested deeper than this are kept as [`Value::Other`].
const MAX_OBJECT_DEPTH: usize = 4;

/// The properties of an object literal, with what can be told about each value; a spread
/// (`...opts`) is the key `...`, since it may bring any key.
pub(super) fn object_props(object: Node<'_>, src: &str, scopes: &Scopes) -> Vec<Property> {
    props_at(object, src, scopes, 0)
}

fn props_at(object: Node<'_>, src: &str, scopes: &Scopes, depth: usize) -> Vec<Property> {
    named_children(object)
        .flat_map(|p| match p.kind_str() {
            // `{ ...base, limit: 5 }` with `const base = { windowMs, store }` in the file: the
            // spread brings what can be seen of `base`; any other spread may bring any key.
            "spread_element" => {
                let bound = p
                    .named_child(0)
                    .filter(|n| n.kind_str() == "identifier")
                    .and_then(|n| match scopes.lookup(text(n, src), n.start_byte()) {
                        Some(Binding::Object(props)) => Some(props.clone()),
                        _ => None,
                    });
                bound.unwrap_or_else(|| vec![Property::new("...", Value::Other)])
            }
            _ => prop_at(p, src, scopes, depth).into_iter().collect(),
        })
        .collect()
}

/// One non-spread member of an object literal.
fn prop_at(p: Node<'_>, src: &str, scopes: &Scopes, depth: usize) -> Option<Property> {
    match p.kind_str() {
        "pair" => {
            let key = p.field("key")?;
            let key = string_value(key, src).unwrap_or_else(|| text(key, src).to_string());
            let value = p
                .field("value")
                .map_or(Value::Other, |v| value_fact(v, src, scopes, depth));
            Some(Property::new(key, value))
        }
        "shorthand_property_identifier" => Some(Property::new(
            text(p, src),
            value_fact(p, src, scopes, depth),
        )),
        "method_definition" => p
            .field("name")
            .map(|k| Property::new(text(k, src), Value::Other)),
        _ => None,
    }
}

/// A property value: a string literal, a nested object, or an imported name.
fn value_fact(value: Node<'_>, src: &str, scopes: &Scopes, depth: usize) -> Value {
    if let Some(s) = string_value(value, src) {
        return Value::Str(s);
    }
    match value.kind_str() {
        "object" if depth < MAX_OBJECT_DEPTH => {
            Value::Object(props_at(value, src, scopes, depth + 1))
        }
        "identifier" | "shorthand_property_identifier" | "member_expression" => {
            let path = if value.kind_str() == "shorthand_property_identifier" {
                match scopes.lookup(text(value, src), value.start_byte()) {
                    Some(Binding::Module(m)) => Some(m.clone()),
                    _ => None,
                }
            } else {
                scopes.path_of(value, src)
            };
            match path {
                Some(path) if !path.starts_with("globalThis") => Value::Member(path),
                _ => Value::Other,
            }
        }
        _ => Value::Other,
    }
}

pub(super) fn name_is_path_like(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let last = n.rsplit('.').next().unwrap_or(&n);
    !last.ends_with("stream")
        && ["path", "file", "dir", "folder"]
            .iter()
            .any(|w| last.contains(w))
}
