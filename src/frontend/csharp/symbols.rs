//! The file's symbol table for the project model: types, methods and local functions, and
//! the names each one's code mentions. A walk over the tree already parsed.
//!
//! Top-level statements and `Main` are entry points, as are classes a framework finds by
//! reflection (controllers, hubs, hosted services, consumers: from their attributes and
//! base types) with their public methods, and attributed methods (`[HttpGet]`,
//! `[FunctionName]`). Properties, fields, overrides and framework-called
//! methods (`ExecuteAsync`, `Handle`, `Invoke`) belong to their class; an instance
//! constructor is a definition of its own, reached where its type is built (see
//! [`constructs`]), and so is a field listing schema versions' fixes (a start-up member). A branch on `args`
//! that is not the serve command is a subcommand, and so is one on a field its type sets
//! from the command-line arguments (`_mode = args[0]`), in any method. A `static` method
//! (not an extension method) is marked: it runs only through its own type's name. An enum member's name is a declaration,
//! not a mention.

use super::constructs;
use super::syntax::{base_type, first_child_of_kind, initializer, last_segment, type_name};
use super::MAX_DEPTH;
use crate::event::{constructor_name, Definition, Role, TypeInfo};
use crate::frontend::flat::Node;
use crate::frontend::symbols::{visit_subcommand_branch, SymbolTable};
use crate::frontend::tree::{named_children, text};
use crate::frontend::tree::{Fields, Kind};
use crate::reach::words;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// The symbol table of a parsed file. `dead` are the byte ranges of code under an `#if` that
/// is never compiled (see `preprocess::dead_regions`): each statement there is a definition
/// of its own that nothing reaches, so what it calls is not called and what it does is dead.
pub(super) fn collect(root: Node<'_>, src: &str, dead: &[Range<usize>]) -> Vec<Definition> {
    let mut walk = SymbolWalk {
        dead,
        in_dead: false,
        src,
        table: SymbolTable::new(src.len()),
        function: String::new(),
        nested: 0,
        direct: std::collections::HashSet::new(),
        frames: vec![Frame::default()],
        classes: Vec::new(),
        options: Vec::new(),
        bases: Vec::new(),
    };
    walk.visit(root, None, 0);
    walk.table.finish()
}

/// The class a member is visited in.
#[derive(Clone, Copy)]
struct Class<'a> {
    name: &'a str,
    /// Found by reflection: its public methods are entry points.
    entry: bool,
    /// `partial`: other files may call even its private methods.
    partial: bool,
}

struct SymbolWalk<'s> {
    src: &'s str,
    /// Byte ranges of code that is never compiled.
    dead: &'s [Range<usize>],
    /// Whether the node visited lies in a statement of `dead` already opened.
    in_dead: bool,
    table: SymbolTable,
    /// The innermost named method (empty at the top level).
    function: String,
    /// How many lambdas and loops lie between the node visited and the innermost
    /// definition (0: a statement of its own body, which runs once per run).
    nested: usize,
    /// The name nodes of the calls the statements of the definition's own body make (and
    /// of the methods they pass to a call that runs its argument once).
    direct: std::collections::HashSet<usize>,
    /// The variables in scope with their declared types, innermost frame last.
    frames: Vec<Frame>,
    /// The types around the node visited, innermost last, with the names of the methods
    /// each declares (see [`SymbolWalk::own_method`]).
    classes: Vec<(String, HashSet<String>)>,
    /// Per type around the node visited, innermost last: its fields set from the program's
    /// command-line arguments (see [`option_fields`]).
    options: Vec<HashSet<String>>,
    /// Per type around the node visited, innermost last: its base types, whose
    /// constructors its own run.
    bases: Vec<Vec<String>>,
}

/// The variables one type or member declares: simple type name, or `None` when the type is
/// not written (`var x = F()`, a lambda's parameter) or two declarations disagree.
#[derive(Default)]
struct Frame {
    vars: HashMap<String, Option<String>>,
    /// Type parameters (`T` of `F<T>(T x)`): a value of such a type may be of any type.
    type_params: HashSet<String>,
    /// The variables declared with type arguments (`Lazy<Store> x`): a member of theirs may
    /// be of a type the arguments name.
    generic: HashSet<String>,
}

impl SymbolWalk<'_> {
    fn visit(&mut self, node: Node<'_>, class: Option<Class<'_>>, depth: usize) {
        let range = node.byte_range();
        let dead = !self.in_dead
            && node.kind_str().ends_with("_statement")
            && self
                .dead
                .iter()
                .any(|r| r.start <= range.start && range.end <= r.end);
        if !dead {
            return self.visit_node(node, class, depth);
        }
        self.in_dead = true;
        self.table.open("", None, range, Role::Plain, false);
        self.visit_node(node, class, depth);
        self.table.close();
        self.in_dead = false;
    }

    fn visit_node(&mut self, node: Node<'_>, class: Option<Class<'_>>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        if self.nested == 0 {
            self.direct
                .extend(direct_calls(node, self.src).iter().map(|n| n.id()));
        }
        self.constructions(node);
        match node.kind_str() {
            "using_directive" | "comment" => return,
            "string_literal"
            | "verbatim_string_literal"
            | "raw_string_literal"
            | "interpolated_string_expression" => self.table.mention_text(text(node, self.src)),
            "global_statement" => self.table.set_role(0, Role::Main),
            "identifier" => {
                let name = text(node, self.src);
                let name = self
                    .own_method(node, name)
                    .unwrap_or_else(|| name.to_string());
                if self.direct.contains(&node.id()) {
                    self.table.mention_call(&name);
                } else {
                    self.table.mention(&name);
                }
                return;
            }
            "member_access_expression" if self.typed_member(node, class, depth) => return,
            "parameter"
            | "variable_declaration"
            | "foreach_statement"
            | "catch_declaration"
            | "declaration_expression"
            | "declaration_pattern"
            | "recursive_pattern"
            | "from_clause"
            | "let_clause"
            | "implicit_parameter"
            | "parenthesized_variable_designation" => self.declare_in(node),
            // A list of schema versions' fixes: its code is a start-up pseudo-member of the
            // class, reached with it.
            "field_declaration"
                if class.is_some() && constructs::migration_list(node, self.src) =>
            {
                self.table.open(
                    constructs::MIGRATION_LIST,
                    class.map(|c| c.name),
                    node.byte_range(),
                    Role::Member,
                    false,
                );
                self.visit_children(node, class, depth);
                self.table.close();
                return;
            }
            "constructor_declaration" if !has_modifier(node, self.src, "static") => {
                if let Some(class) = class {
                    return self.constructor(node, class, depth);
                }
            }
            _ => {}
        }
        match node.kind_str() {
            "constructor_declaration"
            | "destructor_declaration"
            | "operator_declaration"
            | "conversion_operator_declaration"
            | "property_declaration"
            | "indexer_declaration"
            | "event_declaration" => {
                self.frames.push(Frame::default());
                self.visit_children(node, class, depth);
                self.frames.pop();
                return;
            }
            _ => {}
        }
        match node.kind_str() {
            // `.ConfigureServices(s => ..)`: a lambda a host runs once while it is built.
            "lambda_expression" if self.nested == 0 && runs_once(node, self.src) => {}
            // A loop over a finite sequence (`foreach (var p in plugins)`, `for (i = 0; i < n;
            // i++)`) ends within the run of its definition: its calls are that run's, as
            // direct as the statements around it (a start's loop over plugins runs once per
            // start). One that may wait for ever (`await foreach`, a consuming enumerable,
            // `for (;;)`) is not.
            "for_statement" | "foreach_statement" if finite_loop(node, self.src) => {}
            "lambda_expression"
            | "anonymous_method_expression"
            | "for_statement"
            | "foreach_statement" => {
                self.nested += 1;
                self.visit_children(node, class, depth);
                self.nested -= 1;
                return;
            }
            // A loop that may run for the process's lifetime (`while (true)`, until the
            // host stops): its code keeps running.
            "while_statement" | "do_statement" => {
                if node
                    .field("condition")
                    .is_some_and(|c| endless_condition(text(c, self.src)))
                {
                    self.table.mention(words::LOOP);
                }
                self.nested += 1;
                self.visit_children(node, class, depth);
                self.nested -= 1;
                return;
            }
            "class_declaration"
            | "struct_declaration"
            | "record_declaration"
            | "interface_declaration" => {
                return self.class(node, depth);
            }
            "method_declaration" => return self.method(node, class, depth),
            // A namespace's name (`namespace Shop.Download.Jobs`) calls nothing: its words
            // are not mentions of methods named `Download`.
            "namespace_declaration" | "file_scoped_namespace_declaration" => {
                let name = node.field("name");
                for child in named_children(node).filter(|&c| Some(c) != name) {
                    self.visit(child, class, depth + 1);
                }
                return;
            }
            // An enum member's name declares a value (`SQLite` of `enum Provider`): it calls
            // nothing, even where a class or method has the same name.
            "enum_member_declaration" => {
                let name = node.field("name");
                for child in named_children(node).filter(|&c| Some(c) != name) {
                    self.visit(child, class, depth + 1);
                }
                return;
            }
            "local_function_statement" => {
                let name = node.field("name");
                self.definition(node, name, None, Role::Plain, false, depth);
                return;
            }
            "if_statement" => {
                if let Some(branch) = self.subcommand_branch(node) {
                    visit_subcommand_branch(
                        self,
                        node,
                        branch,
                        |w| &mut w.table,
                        |w, child| w.visit(child, class, depth + 1),
                    );
                    return;
                }
            }
            "switch_section" if self.is_subcommand_section(node) => {
                self.table
                    .open("", None, node.byte_range(), Role::Subcommand, false);
                self.visit_children(node, class, depth);
                self.table.close();
                return;
            }
            _ => {}
        }
        self.visit_children(node, class, depth);
    }

    fn visit_children(&mut self, node: Node<'_>, class: Option<Class<'_>>, depth: usize) {
        for child in named_children(node) {
            self.visit(child, class, depth + 1);
        }
    }

    /// Opens a definition for `node` and visits everything but its name.
    fn definition(
        &mut self,
        node: Node<'_>,
        name: Option<Node<'_>>,
        owner: Option<&str>,
        role: Role,
        exported: bool,
        depth: usize,
    ) -> Option<usize> {
        let Some(name) = name else {
            self.visit_children(node, None, depth);
            return None;
        };
        let label = text(name, self.src).to_string();
        let outer = std::mem::replace(&mut self.function, label.clone());
        let nested = std::mem::take(&mut self.nested);
        let index = self
            .table
            .open(&label, owner, node.byte_range(), role, exported);
        if is_extension(node, self.src) {
            self.table.set_extension(index);
        }
        self.frames.push(Frame {
            type_params: type_parameters(node, self.src),
            ..Frame::default()
        });
        for child in named_children(node).filter(|&c| c != name) {
            self.visit(child, None, depth + 1);
        }
        self.frames.pop();
        self.table.close();
        self.function = outer;
        self.nested = nested;
        Some(index)
    }

    fn class(&mut self, node: Node<'_>, depth: usize) {
        let words = words();
        let Some(name) = node.field("name") else {
            return self.visit_children(node, None, depth);
        };
        let attributes = attributes(node, self.src);
        let entry = attributes
            .iter()
            .any(|a| words.is_entry_class_attribute(a) || words.is_entry_attribute(a))
            || named_children(node)
                .filter(|c| c.kind_str() == "base_list")
                .flat_map(named_children)
                .any(|b| words.is_entry_base_type(text(b, self.src)));
        let label = text(name, self.src);
        let role = if entry { Role::Entry } else { Role::Plain };
        let index = self.table.open(
            label,
            None,
            node.byte_range(),
            role,
            has_modifier(node, self.src, "public"),
        );
        let partial = has_modifier(node, self.src, "partial");
        if partial {
            self.table.set_partial(index);
        }
        let mut frame = Frame {
            type_params: type_parameters(node, self.src),
            ..Frame::default()
        };
        let (members, member_types) = self.members(node, &mut frame);
        let bases = bases(node, self.src);
        // Without a constructor of its own, building the type runs its base's: the class's
        // code stands for the implicit one.
        if node.kind_str() != "interface_declaration" && !declares_constructor(node, self.src) {
            for base in &bases {
                self.table.mention(&constructor_name(base));
            }
        }
        self.table.set_type_info(
            index,
            TypeInfo {
                bases: bases.clone(),
                members,
                member_types,
            },
        );
        self.bases.push(bases);
        self.frames.push(frame);
        self.classes
            .push((label.to_string(), method_names(node, self.src)));
        self.options.push(option_fields(node, self.src));
        let inner = Class {
            name: label,
            entry,
            partial,
        };
        for child in named_children(node).filter(|&c| c != name) {
            if child.kind_str() == "declaration_list" {
                for member in named_children(child) {
                    self.visit(member, Some(inner), depth + 2);
                }
            } else {
                self.visit(child, None, depth + 1);
            }
        }
        self.classes.pop();
        self.bases.pop();
        self.options.pop();
        self.frames.pop();
        self.table.close();
    }

    /// An instance constructor: a definition of its own, named for its type
    /// ([`constructor_name`]), which the sites that build the type reach; it runs its base
    /// types' constructors.
    fn constructor(&mut self, node: Node<'_>, class: Class<'_>, depth: usize) {
        let label = constructor_name(class.name);
        let outer = std::mem::replace(&mut self.function, label.clone());
        let nested = std::mem::take(&mut self.nested);
        self.table.open(
            &label,
            Some(class.name),
            node.byte_range(),
            Role::Plain,
            has_modifier(node, self.src, "public"),
        );
        for base in self.bases.last().cloned().unwrap_or_default() {
            self.table.mention_call(&constructor_name(&base));
        }
        self.frames.push(Frame::default());
        let name = node.field("name");
        for child in named_children(node).filter(|&c| Some(c) != name) {
            self.visit(child, Some(class), depth + 1);
        }
        self.frames.pop();
        self.table.close();
        self.function = outer;
        self.nested = nested;
    }

    /// Mentions the constructors of the types `node` builds (see [`constructs`]), as a call
    /// when the building is a statement of the definition's own body.
    fn constructions(&mut self, node: Node<'_>) {
        let built = constructs::built_types(node, self.src);
        if built.is_empty() {
            return;
        }
        let direct = self.direct.contains(&node.id())
            || node
                .field("function")
                .and_then(callee_name)
                .is_some_and(|name| self.direct.contains(&name.id()));
        for ty in built {
            let name = constructor_name(&ty);
            if direct {
                self.table.mention_call(&name);
            } else {
                self.table.mention(&name);
            }
        }
    }

    /// A simple name that calls or passes a method of the type around it (`Start()`,
    /// `new Thread(Start)`, `Changed += OnChanged`), named `Type::Name`: C# looks a simple
    /// name up in the enclosing type first, so it runs that type's method (or an override),
    /// not every method of the name. `None` for a variable, a member access's name and a
    /// name the type does not declare as a method.
    fn own_method(&self, node: Node<'_>, name: &str) -> Option<String> {
        let parent = node.parent()?;
        let simple = match parent.kind_str() {
            "invocation_expression" => node.field_name() == Some("function"),
            "argument" | "assignment_expression" | "equals_value_clause" => true,
            _ => false,
        };
        if !simple || self.lookup(name).is_some() {
            return None;
        }
        let (class, methods) = self.classes.last()?;
        methods.contains(name).then(|| format!("{class}::{name}"))
    }

    /// A method: `Main`, attributed methods and the public methods of reflected classes
    /// are entry points; overrides and framework-called methods belong to their class.
    fn method(&mut self, node: Node<'_>, class: Option<Class<'_>>, depth: usize) {
        let words = words();
        let name = node.field("name");
        let label = name.map(|n| text(n, self.src)).unwrap_or("");
        let public = has_modifier(node, self.src, "public");
        let entry = attributes(node, self.src)
            .iter()
            .any(|a| words.is_entry_attribute(a))
            || (public && class.is_some_and(|c| c.entry));
        let member = words.is_framework_method(label) || has_modifier(node, self.src, "override");
        let role = if label == "Main" {
            Role::Main
        } else if entry {
            Role::Entry
        } else if member {
            Role::Member
        } else {
            Role::Plain
        };
        let part = !public && class.is_some_and(|c| c.partial);
        let index = self.definition(
            node,
            name,
            class.map(|c| c.name),
            role,
            public || part,
            depth,
        );
        if let Some(index) = index.filter(|_| part) {
            self.table.set_partial(index);
        }
        // A start event's handler, or an override the host calls once when it starts the
        // object (`BackgroundService.ExecuteAsync`).
        let starts = handles_start_event(node, self.src)
            || (has_modifier(node, self.src, "override")
                && self
                    .bases
                    .last()
                    .is_some_and(|bases| words.is_start_override(bases, label)));
        if let Some(index) = index.filter(|_| starts) {
            self.table.set_start(index);
        }
        // A static method (not an extension method) runs only through its own type's name.
        if let Some(index) = index
            .filter(|_| has_modifier(node, self.src, "static") && !is_extension(node, self.src))
        {
            self.table.set_static(index);
        }
    }

    /// `x.F` on a receiver whose type is known (`x` a field, property, parameter or local
    /// declared with a type) or written (`File.Create`): mentions `T::F`, which reaches only
    /// the methods named `F` of types related to `T` (see [`crate::reach`]). Other member
    /// accesses (`a.b.F`, a receiver of unknown type) mention the bare name.
    fn typed_member(&mut self, node: Node<'_>, class: Option<Class<'_>>, depth: usize) -> bool {
        let (Some(receiver), Some(name)) = (node.field("expression"), node.field("name")) else {
            return false;
        };
        let Some(qualifier) = self.qualifier(receiver) else {
            return false;
        };
        let id = match name.kind_str() {
            "identifier" => name,
            "generic_name" => match named_children(name).find(|c| c.kind_str() == "identifier") {
                Some(id) => id,
                None => return false,
            },
            _ => return false,
        };
        self.visit(receiver, class, depth + 1);
        let qualified = format!("{qualifier}::{}", text(id, self.src));
        if self.direct.contains(&id.id()) {
            self.table.mention_call(&qualified);
        } else {
            self.table.mention(&qualified);
        }
        for child in named_children(name).filter(|&c| c != id) {
            self.visit(child, class, depth + 1);
        }
        true
    }

    /// The type a receiver names: a variable's declared type, a type written by name
    /// (upper-case and not a variable: `File`, `DatabaseFixes`), `this.field`'s type, the
    /// type of an object constructed in place (`new Random()`), a member of a typed
    /// variable (`info.Directory`, named `FileInfo.Directory`).
    fn qualifier(&self, receiver: Node<'_>) -> Option<String> {
        match receiver.kind_str() {
            "identifier" => {
                let name = text(receiver, self.src);
                match self.lookup(name) {
                    Some(ty) => ty.map(str::to_string),
                    None => name
                        .starts_with(|c: char| c.is_uppercase())
                        .then(|| name.to_string()),
                }
            }
            "predefined_type" => Some(text(receiver, self.src).to_string()),
            // `new Random().Next(..)`: a call on the object just constructed.
            "object_creation_expression" => constructed_type(receiver, self.src),
            "invocation_expression" => chain_root_type(receiver, self.src),
            "member_access_expression" => {
                let this = receiver.field("expression")?;
                let field = receiver.field("name")?;
                if field.kind_str() != "identifier" {
                    return None;
                }
                match this.kind_str() {
                    "this_expression" | "this" => self
                        .lookup(text(field, self.src))
                        .flatten()
                        .map(str::to_string),
                    // `info.Directory.Create()`: a member of a variable of a known type,
                    // named `FileInfo.Directory`; the project model takes a member of an
                    // outside type for an outside type (see `reach::types`). A generic
                    // value's member may be of its type arguments, and an undeclared name
                    // may be a namespace (`Storage.Blobs.Save()`): unknown.
                    "identifier" if !self.declared_generic(text(this, self.src)) => {
                        let owner = self.lookup(text(this, self.src)).flatten()?;
                        Some(format!("{owner}.{}", text(field, self.src)))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Whether the innermost declaration of the variable `name` in scope has type arguments.
    fn declared_generic(&self, name: &str) -> bool {
        self.frames
            .iter()
            .rev()
            .find(|f| f.vars.contains_key(name))
            .is_some_and(|f| f.generic.contains(name))
    }

    /// The declared type of the variable `name` in scope: `Some(None)` when it is declared
    /// without a known type, `None` when no frame declares it.
    fn lookup(&self, name: &str) -> Option<Option<&str>> {
        self.frames
            .iter()
            .rev()
            .find_map(|f| f.vars.get(name))
            .map(Option::as_deref)
    }

    /// Declares the variables a declaration node introduces in the innermost frame.
    fn declare_in(&mut self, node: Node<'_>) {
        let src = self.src;
        let simple = |t: Option<Node<'_>>| t.and_then(|t| simple_type(t, src));
        let mut declared: Vec<(&str, Option<String>)> = Vec::new();
        let mut generic: Vec<&str> = Vec::new();
        match node.kind_str() {
            "variable_declaration" => {
                let ty = simple(node.field("type"));
                for declarator in
                    named_children(node).filter(|c| c.kind_str() == "variable_declarator")
                {
                    let Some(name) = declarator.field("name") else {
                        continue;
                    };
                    let value = initializer(declarator).map(|v| {
                        if v.kind_str() == "equals_value_clause" {
                            v.named_child(0).unwrap_or(v)
                        } else {
                            v
                        }
                    });
                    let ty = ty
                        .clone()
                        .or_else(|| value.and_then(|v| constructed_type(v, src)));
                    let written = node
                        .field("type")
                        .filter(|t| t.kind_str() != "implicit_type")
                        .or_else(|| value.and_then(constructed_type_node));
                    if written.is_some_and(|t| has_type_arguments(t, src)) {
                        generic.push(text(name, src));
                    }
                    declared.push((text(name, src), ty));
                }
            }
            "foreach_statement" => {
                if let Some(left) = node.field("left").filter(|l| l.kind_str() == "identifier") {
                    declared.push((text(left, src), simple(node.field("type"))));
                }
            }
            "implicit_parameter" => declared.push((text(node, src), None)),
            "parenthesized_variable_designation" | "let_clause" => {
                for id in named_children(node).filter(|c| c.kind_str() == "identifier") {
                    declared.push((text(id, src), None));
                }
            }
            _ => {
                if let Some(name) = node.field("name").filter(|n| n.kind_str() == "identifier") {
                    if node
                        .field("type")
                        .is_some_and(|t| has_type_arguments(t, src))
                    {
                        generic.push(text(name, src));
                    }
                    declared.push((text(name, src), simple(node.field("type"))));
                }
            }
        }
        if let Some(frame) = self.frames.last_mut() {
            frame
                .generic
                .extend(generic.into_iter().map(str::to_string));
        }
        for (name, ty) in declared {
            let ty = ty.filter(|t| !self.frames.iter().any(|f| f.type_params.contains(t)));
            if let Some(frame) = self.frames.last_mut() {
                declare(frame, name, ty);
            }
        }
    }

    /// Declares the fields and properties of a type declaration in `frame` (before its
    /// members are visited: a method may use a field declared below it) and returns their
    /// names, and the plain types of those declared with one (see
    /// [`TypeInfo::member_types`]).
    fn members(&self, node: Node<'_>, frame: &mut Frame) -> (Vec<String>, Vec<(String, String)>) {
        let mut names = Vec::new();
        let mut types = Vec::new();
        let body = named_children(node).filter(|c| c.kind_str() == "declaration_list");
        for member in body.flat_map(named_children) {
            let mut add = |name: Node<'_>, ty: Option<Node<'_>>| {
                let name = text(name, self.src);
                let generic = ty.is_some_and(|t| has_type_arguments(t, self.src));
                if generic {
                    frame.generic.insert(name.to_string());
                }
                let ty = ty
                    .and_then(|t| simple_type(t, self.src))
                    .filter(|t| !frame.type_params.contains(t));
                if let Some(ty) = ty.as_ref().filter(|_| !generic) {
                    types.push((name.to_string(), ty.clone()));
                }
                declare(frame, name, ty);
                names.push(name.to_string());
            };
            match member.kind_str() {
                "field_declaration" => {
                    let Some(declaration) = first_child_of_kind(member, "variable_declaration")
                    else {
                        continue;
                    };
                    let ty = declaration.field("type");
                    for declarator in named_children(declaration)
                        .filter(|c| c.kind_str() == "variable_declarator")
                    {
                        if let Some(name) = declarator.field("name") {
                            add(name, ty);
                        }
                    }
                }
                "property_declaration" => {
                    if let Some(name) = member.field("name") {
                        add(name, member.field("type"));
                    }
                }
                _ => {}
            }
        }
        (names, types)
    }

    /// The consequence of `if (args[0] == "backup")` when it is not the serve command.
    fn subcommand_branch<'t>(&self, node: Node<'t>) -> Option<Node<'t>> {
        let words = words();
        let condition = node.field("condition")?;
        let chosen = words.dispatches_commands(&self.function)
            && words.chooses_command(text(condition, self.src));
        if !chosen && !self.names_option(condition) {
            return None;
        }
        let literal = first_string(condition, self.src, 0)?;
        (!words.is_serve_command(&literal)).then(|| node.field("consequence"))?
    }

    /// Whether an expression (a `switch` value, an `if` condition) reads a field of the type
    /// around it that the command line sets (`switch (_mode)`): it picks what this run of
    /// the program does, in whatever method it sits.
    fn names_option(&self, expression: Node<'_>) -> bool {
        let Some(fields) = self.options.last().filter(|f| !f.is_empty()) else {
            return false;
        };
        text(expression, self.src)
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|word| fields.contains(word))
    }

    /// `case "backup":` in a `switch` over `args[0]`.
    fn is_subcommand_section(&self, node: Node<'_>) -> bool {
        let words = words();
        let Some(label) = named_children(node)
            .take_while(|c| {
                c.kind_str().ends_with("pattern") || c.kind_str() == "case_switch_label"
            })
            .find_map(|c| first_string(c, self.src, 0))
        else {
            return false;
        };
        let scrutinee = node
            .parent()
            .and_then(|body| body.parent())
            .and_then(|switch| switch.field("value"));
        let Some(scrutinee) = scrutinee else {
            return false;
        };
        let chosen = words.dispatches_commands(&self.function)
            && words.chooses_command(text(scrutinee, self.src));
        (chosen || self.names_option(scrutinee)) && !words.is_serve_command(&label)
    }
}

/// The name nodes of what a statement calls directly: `Init(dir);`, `await db.Connect();`,
/// `var config = Load();`, `await Start().ConfigureAwait(false);` (the callee's last name),
/// and the methods it passes to a call that runs its argument once
/// (`.MapResult(StartApp, Fail)`).
fn direct_calls<'t>(node: Node<'t>, src: &str) -> Vec<Node<'t>> {
    let expression = match node.kind_str() {
        "expression_statement" | "return_statement" => node.named_child(0),
        "variable_declarator" => named_children(node).last(),
        // `ConfigureServices(s => s.AddJournal())`: the body of a lambda run once.
        "lambda_expression" if runs_once(node, src) => {
            node.field("body").filter(|b| b.kind_str() != "block")
        }
        _ => None,
    };
    let Some(mut call) = expression else {
        return Vec::new();
    };
    let words = words();
    let mut out = Vec::new();
    for _ in 0..8 {
        call = match call.kind_str() {
            "await_expression" | "equals_value_clause" => match call.named_child(0) {
                Some(inner) => inner,
                None => break,
            },
            // `_store = new Store(..);`: the object is built as the statement runs.
            "assignment_expression" => match call.field("right") {
                Some(built) if built.kind_str().ends_with("object_creation_expression") => built,
                _ => break,
            },
            "object_creation_expression" | "implicit_object_creation_expression" => {
                out.push(call);
                break;
            }
            "invocation_expression" => {
                let Some(name) = call.field("function").and_then(callee_name) else {
                    break;
                };
                let label = text(name, src);
                if words.awaits_call(label) {
                    // `Start().ConfigureAwait(false)`: the call awaited is the one inside.
                    match call.field("function").and_then(|f| f.field("expression")) {
                        Some(inner) => inner,
                        None => break,
                    }
                } else {
                    if call
                        .field("function")
                        .is_some_and(|f| runs_argument_once(f, src))
                    {
                        out.extend(
                            call.field("arguments")
                                .into_iter()
                                .flat_map(named_children)
                                .filter_map(|a| a.named_child(0))
                                .filter(|a| a.kind_str() == "identifier"),
                        );
                    }
                    out.push(name);
                    // `c.AddLogger().AddDatabase();`: each call of a fluent chain runs once.
                    match call.field("function").and_then(|f| f.field("expression")) {
                        Some(inner) if inner.kind_str() == "invocation_expression" => inner,
                        _ => break,
                    }
                }
            }
            _ => break,
        };
    }
    out
}

/// The names of the methods a type declaration declares itself.
/// The fields (or variables) a type's methods assign from the program's command-line
/// arguments (`_mode = arguments["mode"];`, `this.command = args[0];`): a value naming a
/// parameter of the method that holds them, by its name (`argument_words`) and its type
/// (`argument_types`: `string[] args`, `IDictionary<string, string> arguments`; not an event's
/// `EventArgs args`). One pass over the type's members; nested types are their own.
fn option_fields(node: Node<'_>, src: &str) -> HashSet<String> {
    let words = words();
    let mut fields = HashSet::new();
    let members = named_children(node)
        .filter(|c| c.kind_str() == "declaration_list")
        .flat_map(named_children)
        .filter(|m| {
            matches!(
                m.kind_str(),
                "method_declaration" | "constructor_declaration"
            )
        });
    for member in members {
        let arguments: HashSet<&str> = member
            .field("parameters")
            .into_iter()
            .flat_map(named_children)
            .filter(|p| p.kind_str() == "parameter")
            .filter(|p| {
                p.field("type").is_some_and(|t| {
                    let ty: String = text(t, src).split_whitespace().collect();
                    words.argument_types.contains(&ty)
                })
            })
            .filter_map(|p| p.field("name").map(|n| text(n, src)))
            .filter(|name| words.names_arguments(name))
            .collect();
        if arguments.is_empty() {
            continue;
        }
        let mut stack: Vec<Node<'_>> = named_children(member).collect();
        while let Some(current) = stack.pop() {
            if current.kind_str() == "assignment_expression" {
                let target = current
                    .field("left")
                    .and_then(|left| match left.kind_str() {
                        "identifier" => Some(left),
                        "member_access_expression" => left
                            .field("expression")
                            .filter(|e| matches!(e.kind_str(), "this_expression" | "this"))
                            .and(left.field("name")),
                        _ => None,
                    });
                let from_arguments = current
                    .field("right")
                    .is_some_and(|right| names_any(right, src, &arguments));
                if let Some(target) = target.filter(|_| from_arguments) {
                    fields.insert(text(target, src).to_string());
                }
            }
            stack.extend(named_children(current));
        }
    }
    fields
}

/// Whether an expression (outside the lambdas in it) names one of `names`.
fn names_any(node: Node<'_>, src: &str, names: &HashSet<&str>) -> bool {
    let mut stack = vec![node];
    while let Some(current) = stack.pop() {
        match current.kind_str() {
            "identifier" if names.contains(text(current, src)) => return true,
            "lambda_expression" | "anonymous_method_expression" => {}
            _ => stack.extend(named_children(current)),
        }
    }
    false
}

fn method_names(node: Node<'_>, src: &str) -> HashSet<String> {
    item_names(node, src, "declaration_list", "method_declaration").collect()
}

/// The `name` fields of the `item` nodes inside the `list` children of `node`: the methods
/// of a type's declaration list, the attributes of a declaration's attribute lists.
fn item_names<'a>(
    node: Node<'a>,
    src: &'a str,
    list: &'static str,
    item: &'static str,
) -> impl Iterator<Item = String> + 'a {
    named_children(node)
        .filter(move |c| c.kind_str() == list)
        .flat_map(named_children)
        .filter(move |m| m.kind_str() == item)
        .filter_map(|m| m.field("name"))
        .map(move |n| text(n, src).to_string())
}

/// Whether a lambda is an argument of a call that runs its argument once
/// (`ConfigureServices(services => ..)`, see `once_calls`).
fn runs_once(lambda: Node<'_>, src: &str) -> bool {
    let call = lambda
        .parent()
        .filter(|a| a.kind_str() == "argument")
        .and_then(|a| a.parent())
        .and_then(|list| list.parent())
        .filter(|c| c.kind_str() == "invocation_expression");
    call.and_then(|c| c.field("function"))
        .is_some_and(|f| runs_argument_once(f, src))
}

/// Whether a call (its `function` node) runs the function passed to it once: a `once_calls`
/// name (`.MapResult(StartApp, ..)`), or a registration on the event of the application's
/// start (`lifetime.ApplicationStarted.Register(OnStarted)`: `start_event_calls`).
fn runs_argument_once(function: Node<'_>, src: &str) -> bool {
    let Some(name) = callee_name(function) else {
        return false;
    };
    let label = text(name, src);
    let words = words();
    if words.runs_argument_once(label) {
        return true;
    }
    let receiver = function
        .field("expression")
        .filter(|_| function.kind_str() == "member_access_expression")
        .and_then(|r| match r.kind_str() {
            "member_access_expression" => r.field("name"),
            _ => Some(r),
        });
    words.start_event_calls.contains(label)
        && receiver.is_some_and(|r| words.names_start_event(text(r, src)))
}

/// The type a fluent chain starts from when it is built on an object constructed in place
/// (`new HostBuilder().ConfigureServices(..).Build()`): a builder's calls return the builder,
/// so its links are that type's methods (or extension methods). `None` when a link has type
/// arguments (`.Resolve<Store>()` returns another type) or a member access breaks the chain.
fn chain_root_type(receiver: Node<'_>, src: &str) -> Option<String> {
    let mut node = receiver;
    for _ in 0..MAX_DEPTH {
        match node.kind_str() {
            "invocation_expression" => {
                let function = node.field("function")?;
                if function.kind_str() != "member_access_expression"
                    || function.field("name")?.kind_str() != "identifier"
                {
                    return None;
                }
                node = function.field("expression")?;
            }
            "object_creation_expression" => {
                let ty = constructed_type_node(node)?;
                return (!has_type_arguments(ty, src))
                    .then(|| simple_type(ty, src))
                    .flatten();
            }
            _ => return None,
        }
    }
    None
}

/// Whether a loop condition keeps the loop running for the process's lifetime: `true`, or
/// until a cancellation token says the host stops.
fn endless_condition(condition: &str) -> bool {
    condition == "true" || condition.contains("IsCancellationRequested")
}

/// Whether a method takes one parameter, of a type named for the application's start
/// (`Handle(ApplicationStartedEvent message)`, `Handle(UmbracoApplicationStartingNotification
/// n)`): a handler of the event published once per start of the process.
fn handles_start_event(method: Node<'_>, src: &str) -> bool {
    let mut parameters = method
        .field("parameters")
        .into_iter()
        .flat_map(named_children)
        .filter(|p| p.kind_str() == "parameter");
    let (Some(parameter), None) = (parameters.next(), parameters.next()) else {
        return false;
    };
    parameter
        .field("type")
        .is_some_and(|t| words().names_start_event(text(t, src)))
}

/// Whether a `for` or `foreach` loop runs over a finite sequence: a `foreach` that is not
/// `await foreach` and whose collection names no endless sequence (`endless_sequences`:
/// `queue.GetConsumingEnumerable()`), a `for` with a condition that is not endless.
fn finite_loop(node: Node<'_>, src: &str) -> bool {
    match node.kind_str() {
        "foreach_statement" => {
            !text(node, src).starts_with("await")
                && node.field("right").is_some_and(|collection| {
                    !words().names_endless_sequence(text(collection, src))
                })
        }
        _ => node
            .field("condition")
            .is_some_and(|c| !endless_condition(text(c, src))),
    }
}

/// The identifier naming an invoked method: `F`, `x.F`, `F<T>`, `x.F<T>`.
fn callee_name(function: Node<'_>) -> Option<Node<'_>> {
    let name = match function.kind_str() {
        "member_access_expression" => function.field("name")?,
        _ => function,
    };
    match name.kind_str() {
        "identifier" => Some(name),
        "generic_name" => named_children(name).find(|c| c.kind_str() == "identifier"),
        _ => None,
    }
}

/// Records `name` with type `ty` in `frame`; a second declaration with another type makes
/// the type unknown.
fn declare(frame: &mut Frame, name: &str, ty: Option<String>) {
    match frame.vars.get_mut(name) {
        Some(known) if *known != ty => *known = None,
        Some(_) => {}
        None => {
            frame.vars.insert(name.to_string(), ty);
        }
    }
}

/// The simple name of a written type (`IStore` for `Data.IStore<T>?`); `None` for `var`,
/// `dynamic`, arrays and tuples.
fn simple_type(node: Node<'_>, src: &str) -> Option<String> {
    let name = type_name(node, src)?;
    let simple = last_segment(&name);
    (simple != "dynamic" && simple != "var").then(|| simple.to_string())
}

/// The type an initializer constructs or converts to (`new T(..)`, `(T)x`, `x as T`).
fn constructed_type(value: Node<'_>, src: &str) -> Option<String> {
    simple_type(constructed_type_node(value)?, src)
}

/// The type node of [`constructed_type`].
fn constructed_type_node(value: Node<'_>) -> Option<Node<'_>> {
    match value.kind_str() {
        "object_creation_expression" | "cast_expression" => value.field("type"),
        "as_expression" => value.field("right"),
        _ => None,
    }
}

/// Whether a written type has type arguments (`Lazy<Store>`, `Task<Order>?`), whose members
/// may be of the types the arguments name.
fn has_type_arguments(node: Node<'_>, src: &str) -> bool {
    text(node, src).contains('<')
}

/// The simple names of the types in a type declaration's base list.
fn bases(node: Node<'_>, src: &str) -> Vec<String> {
    named_children(node)
        .filter(|c| c.kind_str() == "base_list")
        .flat_map(named_children)
        .filter(|b| b.kind_str() != "argument_list")
        .filter_map(|b| base_type(b).and_then(|t| simple_type(t, src)))
        .collect()
}

/// The names of a declaration's type parameters (`T` of `class Box<T>`, `void F<T>()`).
fn type_parameters(node: Node<'_>, src: &str) -> HashSet<String> {
    named_children(node)
        .filter(|c| c.kind_str() == "type_parameter_list")
        .flat_map(named_children)
        .filter(|p| p.kind_str() == "type_parameter")
        .filter_map(|p| {
            p.field("name")
                .or_else(|| named_children(p).find(|c| c.kind_str() == "identifier"))
        })
        .map(|n| text(n, src).to_string())
        .collect()
}

/// Whether a method declaration is an extension method: static, its first parameter marked
/// `this`.
fn is_extension(node: Node<'_>, src: &str) -> bool {
    node.kind_str() == "method_declaration"
        && has_modifier(node, src, "static")
        && node
            .field("parameters")
            .and_then(|list| named_children(list).find(|c| c.kind_str() == "parameter"))
            .is_some_and(|first| {
                named_children(first).any(|c| c.kind_str() == "modifier" && text(c, src) == "this")
            })
}

/// Whether a type declaration declares an instance constructor of its own.
fn declares_constructor(node: Node<'_>, src: &str) -> bool {
    named_children(node)
        .filter(|c| c.kind_str() == "declaration_list")
        .flat_map(named_children)
        .any(|m| m.kind_str() == "constructor_declaration" && !has_modifier(m, src, "static"))
}

fn has_modifier(node: Node<'_>, src: &str, modifier: &str) -> bool {
    named_children(node).any(|c| c.kind_str() == "modifier" && text(c, src) == modifier)
}

/// The attribute names on a declaration (`HttpGet`, `ApiController`).
fn attributes(node: Node<'_>, src: &str) -> Vec<String> {
    item_names(node, src, "attribute_list", "attribute").collect()
}

/// The first string literal inside `node`, unquoted.
fn first_string(node: Node<'_>, src: &str, depth: usize) -> Option<String> {
    if node.kind_str() == "string_literal" {
        return Some(text(node, src).trim_matches('"').to_string());
    }
    if depth > 20 {
        return None;
    }
    named_children(node).find_map(|c| first_string(c, src, depth + 1))
}
