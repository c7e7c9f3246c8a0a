//! Argument facts: string values, member constants, options objects, and whether a
//! value is a file path or a path in the temporary directory.

use super::resolve::Recv;
use super::scope::FileScope;
use super::strings::string_value;
use super::syntax::{
    first_child_of_kind, for_each_node, last_named_child, returning_method_name, unwrap_expr,
};
use super::walk::Walker;
use super::words::words;
use super::MAX_SCAN;
use crate::event::{Arg, MAX_ARGS_TEXT};
use crate::frontend::flat::Node;
use crate::frontend::tree::text;
use crate::frontend::tree::{Fields, Kind};
use crate::frontend::words::{is_temp_name, PathPurpose};

impl FileScope {
    /// Records, per argument position of an unqualified call (`Write(a, b)`,
    /// `this.Write(a, b)`), whether the argument names a temporary path.
    pub(super) fn note_call_args(&mut self, call: Node<'_>, src: &str) {
        let Some(function) = call.field("function") else {
            return;
        };
        let name = match function.kind_str() {
            "identifier" => text(function, src),
            "member_access_expression"
                if function.field("expression").is_some_and(|e| {
                    e.kind_str() == "this_expression" || text(e, src) == "this"
                }) =>
            {
                function.field("name").map_or("", |n| text(n, src))
            }
            _ => return,
        };
        let Some(arguments) = call.field("arguments") else {
            return;
        };
        let mut cursor = arguments.walk();
        for (index, arg) in arguments.named_children(&mut cursor).enumerate() {
            let value = last_named_child(arg).unwrap_or(arg);
            let value_text = text(value, src);
            let temp = (value.kind_str() == "identifier" && is_temp_name(value_text))
                || value_text.contains("GetTempPath")
                || value_text.contains("GetTempFileName");
            let entry = self
                .temp_args
                .entry((name.to_string(), index))
                .or_insert(true);
            *entry &= temp;
        }
    }
}

/// Whether the text of an expression plainly names a temporary path: a call of
/// `Path.GetTempPath()` / `Path.GetTempFileName()` in it, or a temporary name
/// (`tempFile`, `_tmpDir`, `options.TempDirectory`).
fn names_temp_path(expr: Node<'_>, src: &str) -> bool {
    let source = text(expr, src);
    source.contains("GetTempPath")
        || source.contains("GetTempFileName")
        || (matches!(expr.kind_str(), "identifier" | "member_access_expression")
            && is_temp_name(source.rsplit('.').next().unwrap_or(source)))
}

impl FileScope {
    /// `return tempFile;` or `=> Path.GetTempFileName()` in a method of the file: whether
    /// every value the method returns is a temporary path.
    pub(super) fn note_return(&mut self, node: Node<'_>, src: &str) {
        let Some(value) = node.named_child(0).map(unwrap_expr) else {
            return;
        };
        let Some(name) = returning_method_name(node, src) else {
            return;
        };
        let temp = names_temp_path(value, src);
        *self.temp_returns.entry(name.to_string()).or_insert(true) &= temp;
    }

    /// `_workDir = Path.Combine(Path.GetTempPath(), "jobs")` in a constructor, or
    /// `this.WorkDir = ...` anywhere: the field or property holds a temporary path in the
    /// whole file.
    pub(super) fn note_temp_field(&mut self, node: Node<'_>, src: &str) {
        let (Some(left), Some(right)) = (node.field("left"), node.field("right")) else {
            return;
        };
        // A plain name is a field only where constructors set fields; elsewhere it may be
        // a local (`current = tempPath`), which the walk follows itself.
        let in_constructor = || {
            let mut cur = node.parent();
            while let Some(n) = cur {
                match n.kind_str() {
                    "constructor_declaration" => return true,
                    "method_declaration"
                    | "local_function_statement"
                    | "lambda_expression"
                    | "anonymous_method_expression"
                    | "accessor_declaration" => return false,
                    _ => cur = n.parent(),
                }
            }
            false
        };
        let name = match left.kind_str() {
            "identifier" if in_constructor() => Some(left),
            "member_access_expression"
                if left.field("expression").is_some_and(|e| {
                    e.kind_str() == "this_expression" || text(e, src) == "this"
                }) =>
            {
                left.field("name")
            }
            _ => None,
        };
        if let Some(name) = name {
            let right = unwrap_expr(right);
            if text(right, src).len() <= 300 && names_temp_path(right, src) {
                self.temp_fields.insert(text(name, src).to_string());
            }
        }
    }
}

impl Walker<'_, '_> {
    /// A call of the file's own method that returns temporary paths, or of a method named
    /// for one (`CreateTempFile(..)`, `GetTempDirectory()`).
    fn calls_temp_returning(&self, function: Node<'_>) -> bool {
        let name = match function.kind_str() {
            "identifier" => Some(function),
            "member_access_expression" => function.field("name"),
            _ => None,
        };
        name.is_some_and(|n| {
            let name = text(n, self.src);
            is_temp_name(name) || self.file.temp_returns.get(name).copied().unwrap_or(false)
        })
    }

    /// A parameter of a method of this file that every call in the file passes a
    /// temporary path: `CreateZip(tempFilePath)` ... `void CreateZip(string filePath)`.
    pub(super) fn receives_temp_path(&self, parameter: Node<'_>) -> bool {
        parameter_position(parameter, self.src).is_some_and(|(name, index)| {
            self.file
                .temp_args
                .get(&(name.to_string(), index))
                .copied()
                .unwrap_or(false)
        })
    }

    /// What every call in the file passes at a parameter of a method of this file, when each
    /// is this instance's own path (see [`super::purpose_flow`]).
    pub(super) fn receives_instance_path(&self, parameter: Node<'_>) -> Option<PathPurpose> {
        let (name, index) = parameter_position(parameter, self.src)?;
        self.file.flow.instance_argument(name, index)
    }

    pub(super) fn args(&self, list: Node<'_>) -> Vec<Arg> {
        let mut cursor = list.walk();
        list.named_children(&mut cursor)
            .filter(|a| a.kind_str() == "argument")
            .filter_map(last_named_child)
            .enumerate()
            .map(|(index, expr)| match self.arg(expr) {
                // A first argument declared `string` is a path for the APIs whose first
                // argument is either a path or a stream (`image.Save(destination)`,
                // `new StreamWriter(target)`); later ones are often contents.
                Arg::Other { path_like: false } if index == 0 => Arg::Other {
                    path_like: self.string_variable(unwrap_expr(expr)),
                },
                arg => arg,
            })
            .collect()
    }

    fn string_variable(&self, expr: Node<'_>) -> bool {
        expr.kind_str() == "identifier"
            && self
                .lookup(text(expr, self.src))
                .and_then(|var| var.ty.as_deref())
                .is_some_and(|ty| matches!(ty, "string" | "string?" | "String" | "System.String"))
    }

    pub(super) fn arg(&self, expr: Node<'_>) -> Arg {
        let expr = unwrap_expr(expr);
        // `$"Filename={Path.Combine(Path.GetTempPath(), "app.db")}"`
        if expr.kind_str() == "interpolated_string_expression" && self.is_temp_path(expr) {
            return Arg::TempPath;
        }
        if let Some(s) = string_value(expr, self.src) {
            return Arg::Str(s);
        }
        // In a class about temporary files (`class TempFile`, `TemporaryDirectory`), the
        // paths it handles are its temporary ones.
        if self.is_temp_path(expr)
            || self.enclosing_type_name().is_some_and(is_temp_name) && self.path_like(expr)
        {
            return Arg::TempPath;
        }
        let purpose = self.path_purpose(expr);
        if purpose.is_process_file() {
            return Arg::ProcessPath;
        }
        if purpose.is_instance() {
            return Arg::InstancePath;
        }
        // In a class about an external folder (`class DirectRecorder`), the paths its
        // methods are given are in that folder unless a word names the service's data; a
        // path it builds itself (its log file) is its own.
        if purpose.is_external()
            || (!purpose.is_shared()
                && self
                    .enclosing_type_name()
                    .is_some_and(|t| PathPurpose::designated(t).is_external())
                && self.path_like(expr)
                && self.parameter_mask(expr).is_some())
        {
            return Arg::ExternalPath;
        }
        match expr.kind_str() {
            "member_access_expression" => {
                if let (Some(Recv::Type(types)), Some(name)) = (
                    expr.field("expression").map(|e| self.receiver(e)),
                    expr.field("name"),
                ) {
                    let name = text(name, self.src);
                    return Arg::Member(types.iter().map(|t| format!("{t}.{name}")).collect());
                }
            }
            "object_creation_expression" | "implicit_object_creation_expression" => {
                // An options object (`new FileStreamOptions { Mode = FileMode.Append }`)
                // stands for the members it sets.
                let members = self.initializer_members(expr);
                if !members.is_empty() {
                    return Arg::Member(members);
                }
            }
            "identifier" if !self.file.statics.is_empty() => {
                let name = text(expr, self.src);
                if self.lookup(name).is_none() && name.starts_with(|c: char| c.is_uppercase()) {
                    return Arg::Member(
                        self.file
                            .statics
                            .iter()
                            .map(|t| format!("{t}.{name}"))
                            .collect(),
                    );
                }
            }
            _ => {}
        }
        Arg::Other {
            path_like: self.path_like(expr),
        }
    }

    /// Candidates of the enum-like members an object initializer assigns
    /// (`{ Mode = FileMode.Append, Access = FileAccess.Write }`).
    fn initializer_members(&self, creation: Node<'_>) -> Vec<String> {
        let mut out = Vec::new();
        let Some(init) = first_child_of_kind(creation, "initializer_expression") else {
            return out;
        };
        let mut cursor = init.walk();
        for assignment in init.named_children(&mut cursor) {
            let value = assignment
                .field("right")
                .map(unwrap_expr)
                .filter(|v| v.kind_str() == "member_access_expression");
            if let Some(value) = value {
                if let (Some(Recv::Type(types)), Some(name)) = (
                    value.field("expression").map(|e| self.receiver(e)),
                    value.field("name"),
                ) {
                    let name = text(name, self.src);
                    out.extend(types.iter().map(|t| format!("{t}.{name}")));
                }
            }
        }
        out
    }

    /// Whether an expression looks like a file path: a string expression, a
    /// `System.IO.Path` call, or a name that says so.
    pub(super) fn path_like(&self, expr: Node<'_>) -> bool {
        self.path_like_within(expr, 0)
    }

    fn path_like_within(&self, expr: Node<'_>, depth: usize) -> bool {
        if depth > 32 {
            return false;
        }
        let expr = unwrap_expr(expr);
        match expr.kind_str() {
            "string_literal"
            | "verbatim_string_literal"
            | "raw_string_literal"
            | "interpolated_string_expression" => true,
            "binary_expression" => {
                let is_plus = expr
                    .field("operator")
                    .is_some_and(|o| text(o, self.src) == "+");
                let side = |f: &'static str| {
                    expr.field(f)
                        .is_some_and(|s| self.path_like_within(s, depth + 1))
                };
                is_plus && (side("left") || side("right"))
            }
            "invocation_expression" => {
                let Some(function) = expr.field("function") else {
                    return false;
                };
                // `string.Join('|', names)` builds text; it builds a path when one of its
                // parts is a path (`string.Format("{0}/{1}", dir, name)`).
                self.builds_path(function)
                    && (!self.joins_strings(function)
                        || expr
                            .field("arguments")
                            .is_some_and(|a| self.has_path_part(a, depth)))
            }
            "identifier" => match self.lookup(text(expr, self.src)) {
                Some(var) => var.path_like,
                None => path_like_name(text(expr, self.src)),
            },
            "member_access_expression" => expr
                .field("name")
                .is_some_and(|n| path_like_name(text(n, self.src))),
            _ => false,
        }
    }

    /// Whether an expression is a path in the temporary directory: built from
    /// `Path.GetTempPath()` / `Path.GetTempFileName()` (directly or through a variable
    /// initialised from one) or named like one (`tempFile`, `_tmpDir`, not `template`).
    pub(super) fn is_temp_path(&self, expr: Node<'_>) -> bool {
        let mut found = false;
        let mut seen = 0usize;
        for_each_node(expr, |node| {
            seen += 1;
            if found || seen > MAX_SCAN {
                return false;
            }
            match node.kind_str() {
                "identifier" => {
                    let name = text(node, self.src);
                    found = self.lookup(name).is_some_and(|v| v.temp)
                        || is_temp_name(name)
                        || self.file.temp_fields.contains(name);
                    false
                }
                "member_access_expression" => {
                    // `_options.TempDirectory`, but not the `Path` in `Path.Combine(...)`.
                    let on_this = node.field("expression").is_some_and(|e| {
                        e.kind_str() == "this_expression" || text(e, self.src) == "this"
                    });
                    found = node.field("name").is_some_and(|n| {
                        let name = text(n, self.src);
                        is_temp_name(name) || (on_this && self.file.temp_fields.contains(name))
                    });
                    !found
                }
                "invocation_expression" => {
                    found = node.field("function").is_some_and(|f| {
                        (f.kind_str() == "member_access_expression" && self.is_temp_path_call(f))
                            || self.calls_temp_returning(f)
                    });
                    if found {
                        return false;
                    }
                    // Only the arguments: the callee's own names (`Path`, `Combine`) say nothing.
                    if let Some(args) = node.field("arguments") {
                        found = self.is_temp_path(args);
                    }
                    false
                }
                // `$"{Guid.NewGuid()}.tmp"`: a file named as temporary.
                // A folder named as temporary: `Path.Combine(root, "TempUpdate")`.
                "string_literal" | "verbatim_string_literal" | "interpolated_string_expression" => {
                    let lower = text(node, self.src).to_ascii_lowercase();
                    let value = lower.trim_end_matches(['"', '\'']);
                    found = value.ends_with(".tmp")
                        || value.ends_with(".temp")
                        || string_value(node, self.src).is_some_and(|s| {
                            s.split(['/', '\\'])
                                .any(|part| !part.is_empty() && is_temp_name(part))
                        });
                    // Look into the interpolations: `$"{Path.GetTempPath()}/x.db"`.
                    !found && node.kind_str() == "interpolated_string_expression"
                }
                "lambda_expression" | "anonymous_method_expression" => false,
                _ => true,
            }
        });
        found
    }

    /// What the words of a path expression say about whose file it is (see [`PathPurpose`]):
    /// string literals, member names (`_paths.CachePath`) and the names of path getters
    /// (`GetSubtitleCachePath(..)`) are strong evidence; a local or parameter counts by its
    /// value when it is known, else its name can only make the path shared.
    pub(super) fn path_purpose(&self, expr: Node<'_>) -> PathPurpose {
        let mut purpose = PathPurpose::default();
        let mut seen = 0usize;
        for_each_node(expr, |node| {
            seen += 1;
            if seen > MAX_SCAN {
                return false;
            }
            let found = match node.kind_str() {
                "string_literal" | "verbatim_string_literal" | "raw_string_literal" => {
                    string_value(node, self.src).map(|s| PathPurpose::literal(&s))
                }
                // The text between the holes of `$"{id}.pid"`.
                "string_content" => Some(PathPurpose::literal(text(node, self.src))),
                "identifier" => Some(self.name_purpose(text(node, self.src))),
                "member_access_expression" => {
                    let name = node.field("name").map_or("", |n| text(n, self.src));
                    let callee = node.parent().is_some_and(|p| {
                        p.kind_str() == "invocation_expression" && p.field("function") == Some(node)
                    });
                    let on_this = node
                        .field("expression")
                        .is_some_and(|e| e.kind_str() == "this_expression");
                    // The object it is read from (`_config` in `_config.Paths.CachePath`)
                    // holds the path; the member names it. A combining call's own name
                    // (`Path.Combine`) says nothing.
                    // A local whose value is this instance's own folder (`dir.PhysicalPath`
                    // of `var dir = _store.GetDirectoryInfo(ThumbsPath)`) holds a path in
                    // it. Other words of the value say nothing about the member
                    // (`stream.Path` of a `GetMediaStreams(query)` result).
                    let local = node
                        .field("expression")
                        .filter(|e| e.kind_str() == "identifier")
                        .and_then(|e| self.lookup(text(e, self.src)))
                        .filter(|v| !v.member)
                        .and_then(|v| v.purpose)
                        .filter(|p| p.is_instance())
                        .map(|_| PathPurpose::instance())
                        .unwrap_or_default();
                    Some(match (callee, on_this) {
                        (true, _) => PathPurpose::default(),
                        (false, true) => self.name_purpose(name),
                        (false, false) => PathPurpose::designated(name).with(local),
                    })
                }
                "member_binding_expression" => node
                    .field("name")
                    .map(|n| PathPurpose::designated(text(n, self.src))),
                "invocation_expression" => {
                    let function = node.field("function");
                    if function.is_some_and(|f| self.builds_path(f)) {
                        // `Path.Combine(..)`, `string.Format(..)`: the parts.
                        None
                    } else {
                        // Another call: what its name says it returns, and shared data its
                        // arguments name (`BuildPath(_config.FileStorageDirectory, name)`
                        // builds a path in the storage folder).
                        let name = function.map(|f| match f.kind_str() {
                            "member_access_expression" => {
                                f.field("name").map_or("", |n| text(n, self.src))
                            }
                            _ => text(f, self.src),
                        });
                        // A getter named for a file of the process itself
                        // (`GetUnixSocketPath(startupConfig, paths)`) returns that file,
                        // whatever its arguments name.
                        let process =
                            name.is_some_and(|n| PathPurpose::designated(n).is_process_file());
                        // A call that resolves a location inside its argument
                        // (`_store.GetDirectoryInfo(ThumbsPath)`) returns a file of the
                        // folder its arguments name, whoever's it is.
                        let inside = name.is_some_and(|n| words().location_calls.contains(n));
                        let arguments = node
                            .child_by_field_name("arguments")
                            .filter(|_| !process)
                            .map_or_else(PathPurpose::default, |a| {
                                let said = self.path_purpose(a);
                                if inside {
                                    said
                                } else {
                                    said.shared_only()
                                }
                            });
                        // A method of this file that returns only instance paths: what
                        // it returns tells, not its name (`GetDataFilePath` of a cache).
                        let returned = name
                            .filter(|n| self.file.local_methods.contains(*n))
                            .and_then(|n| self.file.flow.instance_return(n));
                        Some(
                            returned
                                .or_else(|| name.map(PathPurpose::designated))
                                .unwrap_or_default()
                                .with(arguments),
                        )
                    }
                }
                "lambda_expression" | "anonymous_method_expression" => Some(PathPurpose::default()),
                _ => None,
            };
            match found {
                Some(found) => {
                    purpose = purpose.with(found);
                    false
                }
                None => true,
            }
        });
        purpose
    }

    /// What a bare name in a path says: a variable by its known value, a field or property
    /// (or an inherited member, `CachePath`) by its name, a local or parameter by its name
    /// only as far as it names shared data or an external folder (a variable's name tells the
    /// latter even when its value is known: `var recordingPath = timer.Path`, a
    /// `RecordingsFolder` property returning `settings.CameraFolder`; a data word in the value
    /// still wins, `Path.Combine(baseDir, "AppData", "recordings")`).
    fn name_purpose(&self, name: &str) -> PathPurpose {
        match self.lookup(name) {
            Some(var) => match var.purpose {
                Some(purpose) => purpose.with(PathPurpose::external_name(name)),
                None if var.member => PathPurpose::designated(name),
                None => PathPurpose::local_name(name),
            },
            None if name.starts_with(|c: char| c.is_ascii_uppercase()) => {
                PathPurpose::designated(name)
            }
            None => PathPurpose::local_name(name),
        }
    }

    /// Whether a called member is `string.Format` / `Concat` / `Join`.
    fn joins_strings(&self, function: Node<'_>) -> bool {
        let (Some(method), Some(recv)) = (function.field("name"), function.field("expression"))
        else {
            return false;
        };
        matches!(text(method, self.src), "Format" | "Concat" | "Join")
            && matches!(self.receiver(recv), Recv::Type(types) if types.iter().any(|t| t == "System.String"))
    }

    /// Some argument is a path: a literal with a path separator or a file extension, or
    /// another path-like
    /// expression.
    fn has_path_part(&self, arguments: Node<'_>, depth: usize) -> bool {
        let mut cursor = arguments.walk();
        let values: Vec<Node<'_>> = arguments
            .named_children(&mut cursor)
            .filter_map(last_named_child)
            .map(unwrap_expr)
            .collect();
        values.into_iter().any(|v| match string_value(v, self.src) {
            Some(s) => s.contains(['/', '\\']) || has_file_extension(&s),
            None => self.path_like_within(v, depth + 1),
        })
    }

    /// Whether a called member builds a path from its arguments: `System.IO.Path` methods
    /// and `string.Format` / `Concat` / `Join`.
    fn builds_path(&self, function: Node<'_>) -> bool {
        let (Some(method), Some(recv)) = (function.field("name"), function.field("expression"))
        else {
            return false;
        };
        let method = text(method, self.src);
        let Recv::Type(recv_types) = self.receiver(recv) else {
            return false;
        };
        recv_types.iter().any(|t| {
            t == "System.IO.Path"
                || (t == "System.String" && matches!(method, "Format" | "Concat" | "Join"))
        })
    }

    /// `path = Path.Combine(Path.GetTempPath(), name)` after the declaration: the variable
    /// now holds a temporary path.
    pub(super) fn note_assignment(&mut self, node: Node<'_>) {
        let (Some(left), Some(right)) = (node.field("left"), node.field("right")) else {
            return;
        };
        if left.kind_str() != "identifier"
            || node.field("operator").map(|o| text(o, self.src)) != Some("=")
        {
            return;
        }
        let right = unwrap_expr(right);
        let temp = self.is_temp_path(right);
        let purpose = self.path_purpose(right);
        let name = text(left, self.src);
        if let Some(var) = self
            .vars
            .iter_mut()
            .rev()
            .find_map(|scope| scope.get_mut(name))
        {
            var.temp |= temp;
            var.purpose = Some(var.purpose.unwrap_or_default().with(purpose));
        }
    }

    /// `Path.GetTempPath` / `Path.GetTempFileName` as a member access `f` being called.
    fn is_temp_path_call(&self, f: Node<'_>) -> bool {
        let (Some(method), Some(recv)) = (f.field("name"), f.field("expression")) else {
            return false;
        };
        let method = text(method, self.src);
        match self.receiver(recv) {
            Recv::Type(types) => words().temp_path_calls.iter().any(|c| {
                types.iter().any(|t| {
                    c.strip_prefix(t.as_str()).and_then(|r| r.strip_prefix('.')) == Some(method)
                })
            }),
            Recv::Value(_) => false,
        }
    }
}

/// The name of the method or local function a parameter belongs to, and its position.
fn parameter_position<'s>(parameter: Node<'_>, src: &'s str) -> Option<(&'s str, usize)> {
    let list = parameter
        .parent()
        .filter(|l| l.kind_str() == "parameter_list")?;
    let method = list.parent().filter(|m| {
        matches!(
            m.kind_str(),
            "method_declaration" | "local_function_statement"
        )
    })?;
    let name = method.field("name")?;
    let mut cursor = list.walk();
    let index = list
        .named_children(&mut cursor)
        .filter(|p| p.kind_str() == "parameter")
        .position(|p| p == parameter)?;
    Some((text(name, src), index))
}

/// A text ending in a file extension (`"{0}.json"`, `"cover.jpg"`).
fn has_file_extension(s: &str) -> bool {
    s.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && (1..=5).contains(&ext.len())
            && ext.chars().all(|c| c.is_ascii_alphanumeric())
    })
}

/// A name such as `filePath`, `uploadDir` or `FileName`, but not `fileStream`.
pub(super) fn path_like_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !lower.ends_with("stream")
        && ["path", "file", "dir", "folder"]
            .iter()
            .any(|w| lower.contains(w))
}

/// The source text of an argument list, without its parentheses, cut at a character
/// boundary after [`MAX_ARGS_TEXT`] bytes.
pub(super) fn args_text(list: Node<'_>, src: &str) -> String {
    let inner = text(list, src)
        .trim_start_matches('(')
        .trim_end_matches(')');
    let mut end = inner.len().min(MAX_ARGS_TEXT);
    while !inner.is_char_boundary(end) {
        end -= 1;
    }
    inner[..end].to_string()
}
