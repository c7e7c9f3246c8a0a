//! The file's symbol table for the project model: named functions, classes and methods,
//! and the names each one's code mentions. A walk over the tree already parsed.
//!
//! Default exports and exports a framework calls by name (`GET`, `handler`), decorated
//! methods and classes, and framework-called methods (constructors, lifecycle hooks) are
//! entry points; other exports are reached by name like any function (export lists and
//! `module.exports = { f }` do not count as uses); anonymous callbacks belong to the code around them;
//! a branch on `process.argv` that is not the serve command is a subcommand, and so is the
//! handler of a command-line parser's command (commander's `.command('build').action(fn)`,
//! or `.action(fn)` on a command built on its own, `new Command('build')`, directly or
//! through the local bound to it; yargs' `.command('build', 'desc', builder, fn)`). A plugin-hook dispatch by name
//! (`hooks.aCallAll('expressCreateServer', ..)`: a callee with a `hook_dispatch_words` word)
//! mentions the hook's name, which the plugins export.
//!
//! Imports (`import`, `require`, `import()`, `export .. from`) mention the imported module's
//! name (see [`crate::reach::modules`]). A file that exports nothing is a program of its
//! own, whose top level is a [`Role::Main`]: an entry point when it starts a server, or when
//! a file the server runs imports it; otherwise a script someone runs by hand.

use super::syntax::string_value;
use super::MAX_DEPTH;
use crate::event::{constructor_name, Definition, Role, TypeInfo};
use crate::frontend::flat::Node;
use crate::frontend::symbols::{visit_subcommand_branch, SymbolTable};
use crate::frontend::tree::named_children;
use crate::frontend::tree::text;
use crate::frontend::tree::{Fields, Kind};
use crate::frontend::words::looks_like_duration;
use crate::reach::words::{split_words, ModeBranch};
use crate::reach::{modules, words};
use std::collections::{HashMap, HashSet};

/// The symbol table of a parsed file.
pub(super) fn collect(root: Node<'_>, src: &str) -> Vec<Definition> {
    let mut walk = SymbolWalk {
        src,
        program_guard: false,
        table: SymbolTable::new(src.len()),
        function: String::new(),
        exports: false,
        nested: 0,
        direct: None,
        aliases: HashMap::new(),
        poll_loop: false,
        this_class: None,
        static_next: false,
        rename_next: None,
        injected: false,
        start_next: false,
        bindings: HashSet::new(),
        ladder: HashSet::new(),
        commands: HashMap::new(),
    };
    walk.visit(root, None, 0);
    if !walk.exports {
        walk.table.set_role(0, Role::Main);
    }
    let mut definitions = walk.table.finish();
    if walk.program_guard {
        as_program(&mut definitions);
    }
    definitions
}

/// Makes the definitions of a file that runs itself as a program (`require.main === module`)
/// a separate program's, unless its own code mentions a server-start word: the top level
/// becomes a [`Role::Program`], and the file's functions and classes are reached from other
/// files only through an import of the module, whose top level now mentions them.
fn as_program(definitions: &mut [Definition]) {
    let starts = &words().server_start_words;
    if definitions.iter().any(|d| {
        d.refs
            .iter()
            .any(|r| starts.contains(r.rsplit("::").next().unwrap_or(r)))
    }) {
        return;
    }
    let mut inner: Vec<String> = Vec::new();
    for d in definitions.iter_mut().skip(1) {
        if d.owner.is_none() && (d.exported || d.role == Role::Entry) {
            inner.push(d.name.clone());
            d.exported = false;
            if d.role == Role::Entry {
                d.role = Role::Plain;
            }
        }
    }
    if let Some(top) = definitions.first_mut() {
        top.role = Role::Program;
        top.refs.extend(inner);
        top.refs.sort();
        top.refs.dedup();
    }
}

/// The receiver written for a property whose receiver may be of any class (see
/// [`SymbolWalk::own_member`] and [`crate::reach`]).
const ANY_RECEIVER: &str = crate::reach::ANY_RECEIVER;
/// The receiver of a call on a computed value: it names no class, so the call reaches the
/// methods of the name but the `static` ones.
const VALUE_RECEIVER: &str = "()";

struct SymbolWalk<'s> {
    src: &'s str,
    /// The file runs itself as a program when it is not imported (`require.main === module`).
    program_guard: bool,
    table: SymbolTable,
    /// The name of the innermost named function (empty at the top level).
    function: String,
    /// The file exports something (`export`, `module.exports`, `exports.f`).
    exports: bool,
    /// How many callbacks and loops lie between the node visited and the innermost
    /// definition (0: a statement of its own body, which runs once per run).
    nested: usize,
    /// The name node of the call a statement of the definition's own body makes.
    direct: Option<usize>,
    /// Local names of renamed imports (`import { start as startJobs }`) → the imported name,
    /// which a use of the local name mentions too.
    aliases: HashMap<String, String>,
    /// Inside the body of an endless loop of the current definition that no finished work
    /// leaves (see [`super::flow::exits_when_done`]), outside its error handling: a wait
    /// there makes it a polling loop.
    poll_loop: bool,
    /// The class `this` is an instance of where the walk is (inside its body, outside
    /// functions that bind their own `this`): `this.save()` names that class's `save`.
    this_class: Option<String>,
    /// The next definition opened is a `static` method.
    static_next: bool,
    /// The name the next definition opened goes by instead of its name node's text (a
    /// class's constructor, [`constructor_name`]).
    rename_next: Option<String>,
    /// Inside the body of a class a dependency-injection container builds once per process
    /// (a decorated provider, `@Injectable()`, without a `scope`): its constructor is part
    /// of the application's start, like a framework's start-up method.
    injected: bool,
    /// The next definition opened runs once per start (see [`Definition::start`]).
    start_next: bool,
    /// The `if` statements of a command-line flag ladder (see [`flag_ladder`]), by node id:
    /// found at the ladder's head, read at each link.
    ladder: HashSet<usize>,
    /// Lower-case names a module is bound to (`import store from`, `import * as store`,
    /// `const store = require(..)`): such a name may stand for a class, whose static
    /// methods its properties then are.
    bindings: HashSet<String>,
    /// Local names bound to one command of a command-line parser (`const program = new
    /// Command('remove')`) → the command's name, which `program.action(fn)` handles.
    commands: HashMap<String, String>,
}

impl SymbolWalk<'_> {
    /// Visits `node`; `class` names the class whose body it is in.
    fn visit(&mut self, node: Node<'_>, class: Option<&str>, depth: usize) {
        if binds_this(node.kind_str()) {
            let outer = self.this_class.take();
            self.visit_node(node, class, depth);
            self.this_class = outer;
        } else {
            self.visit_node(node, class, depth);
        }
    }

    fn visit_node(&mut self, node: Node<'_>, class: Option<&str>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        if let Some(specifier) = self.imported_module(node) {
            if let Some(name) = modules::module_name(&specifier) {
                self.table.mention(&name);
            }
        }
        if self.nested == 0 {
            if let Some(callee) = statement_callee(node, self.src) {
                self.direct = Some(callee.id());
            }
        }
        match node.kind_str() {
            "import_statement" => return self.import_aliases(node),
            "comment" => return,
            "string_fragment" => return self.table.mention_text(text(node, self.src)),
            kind if is_function_value(kind)
                && !is_invoked(node)
                && !(self.nested == 0 && runs_once_when_passed(node, self.src)) =>
            {
                return self.visit_nested(node, class, depth);
            }
            "for_statement" | "for_in_statement" | "while_statement" | "do_statement" => {
                // A loop that may run for the process's lifetime: its code keeps running.
                let endless = super::flow::is_endless_loop(node, self.src);
                if endless {
                    self.table.mention(words::LOOP);
                }
                let polls = endless
                    && !node
                        .field("body")
                        .is_some_and(|b| super::flow::exits_when_done(b, self.src, 0));
                let outer = self.poll_loop;
                self.poll_loop |= polls;
                self.visit_nested(node, class, depth);
                self.poll_loop = outer;
                return;
            }
            "catch_clause" if self.poll_loop => {
                self.poll_loop = false;
                self.visit_children(node, class, depth);
                self.poll_loop = true;
                return;
            }
            "await_expression" if self.poll_loop && self.is_wait(node) => {
                self.table.mention(words::POLL_LOOP);
            }
            "export_statement" => self.exports = true,
            "export_clause" => {
                for specifier in named_children(node) {
                    if let Some(name) = specifier.field("name") {
                        self.table.export(text(name, self.src));
                    }
                }
                return;
            }
            "assignment_expression" if is_commonjs_export(node, self.src) => {
                self.exports = true;
                return self.commonjs_export(node, class, depth);
            }
            "call_expression" => {
                if let Some(handlers) = self.command_handlers(node) {
                    return self.visit_with_branch(node, handlers, class, depth);
                }
                if let Some(hook) = self.dispatched_hook(node) {
                    self.table.mention(&hook);
                }
            }
            "identifier"
            | "property_identifier"
            | "shorthand_property_identifier"
            | "private_property_identifier" => {
                let bare = text(node, self.src);
                let own = self.own_member(node, bare);
                let name = own.as_deref().unwrap_or(bare);
                let imported = self.aliases.get(name).map(String::as_str);
                let built = constructs(node).then(|| constructor_name(name));
                for name in std::iter::once(name)
                    .chain(imported)
                    .chain(built.as_deref())
                {
                    if self.direct == Some(node.id()) {
                        self.table.mention_call(name);
                    } else {
                        self.table.mention(name);
                    }
                }
                return;
            }
            "function_declaration" | "generator_function_declaration" => {
                let name = node.field("name");
                let (exported, role) = self.export_role(node, name);
                return self.definition(node, name, None, role, exported, depth);
            }
            "variable_declarator" => {
                let value = node.field("value");
                // `const store = require('./store')`.
                if let (Some(name), Some(v)) = (node.field("name"), value) {
                    if name.kind_str() == "identifier" && self.imported_module(v).is_some() {
                        self.bind_module(text(name, self.src));
                    }
                    if let Some(command) = self.constructed_command(v) {
                        self.commands
                            .insert(text(name, self.src).to_string(), command);
                    }
                    // `const { setInterval: every } = require('timers')`: a renamed member.
                    if name.kind_str() == "object_pattern" && self.imported_module(v).is_some() {
                        self.require_aliases(name);
                    }
                }
                if value.is_some_and(|v| is_function_value(v.kind_str())) {
                    let name = node.field("name");
                    let (exported, role) = self.export_role(node, name);
                    return self.definition(node, name, None, role, exported, depth);
                }
            }
            "class_declaration" | "abstract_class_declaration" | "class" => {
                return self.class(node, depth);
            }
            "method_definition" | "public_field_definition" | "field_definition"
                if class.is_some() =>
            {
                return self.member(node, class, depth);
            }
            // A key of an object literal names a property of data (`{ service: name }`, a
            // configuration's `server:`), not code: only its value mentions names, unless
            // the key schedules the work the object describes (`interval: '1h'`).
            "pair" => {
                let key = node.field("key").filter(|k| {
                    k.kind_str() == "property_identifier"
                        && !words().schedules_work(text(*k, self.src))
                });
                for child in named_children(node).filter(|c| Some(*c) != key) {
                    self.visit(child, class, depth + 1);
                }
                return;
            }
            // A method of an object literal (`Meteor.methods({ backup() { .. } })`) runs when
            // it is called, not when the object is built.
            // Its `this` is the object's.
            "method_definition" => {
                let outer = self.this_class.take();
                self.visit_nested(node, class, depth);
                self.this_class = outer;
                return;
            }
            "if_statement" => {
                if self.function.is_empty()
                    && self.table.current() == 0
                    && node
                        .field("condition")
                        .is_some_and(|c| words().is_program_guard(text(c, self.src)))
                {
                    self.program_guard = true;
                }
                if words().dispatches_commands(&self.function) {
                    self.ladder.extend(flag_ladder(node, self.src));
                }
                if let Some(branch) = self.subcommand_branch(node) {
                    return self.visit_with_branch(node, branch, class, depth);
                }
            }
            "switch_case" if self.is_subcommand_case(node) => {
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

    /// The property of a member access, named through its receiver (see [`crate::reach`]):
    /// `Class::name` for `this.name` inside a class's body (the class's own method, an
    /// ancestor's or a descendant's, not every method of that name), `store::name` for
    /// `store.name` (a class's static method when `store` names the class, otherwise an
    /// instance's method); `a.b.name` is named through its last property (`b::name`), a
    /// computed value (`load().name`) through [`VALUE_RECEIVER`]. A module bound to a
    /// lower-case name, which may be a class of any name, gives `*::name`: any method of
    /// that name, but never a function the file declares under it.
    fn own_member(&self, node: Node<'_>, name: &str) -> Option<String> {
        let access = node
            .parent()
            .filter(|p| p.kind_str() == "member_expression")?;
        if access.field("property") != Some(node) {
            return None;
        }
        let object = access.field("object")?;
        let receiver = match object.kind_str() {
            "this" => self
                .this_class
                .clone()
                .unwrap_or_else(|| ANY_RECEIVER.to_string()),
            "identifier" if !self.bindings.contains(text(object, self.src)) => {
                let receiver = text(object, self.src);
                self.aliases
                    .get(receiver)
                    .cloned()
                    .unwrap_or_else(|| receiver.to_string())
            }
            // `server.MergedServer.create()`, `this.store.open()`: the last property names
            // the receiver, a class (written in capitals) or a value of one.
            "member_expression" => match object.field("property") {
                // `this.constructor.create()` calls a static method of any class.
                Some(property)
                    if property.kind_str() == "property_identifier"
                        && text(property, self.src) != "constructor" =>
                {
                    text(property, self.src).to_string()
                }
                _ => ANY_RECEIVER.to_string(),
            },
            "identifier" | "super" => ANY_RECEIVER.to_string(),
            // `require('./cli').run()`: a module, like a module bound to a name.
            "call_expression"
                if object
                    .field("function")
                    .is_some_and(|f| matches!(text(f, self.src), "require" | "import")) =>
            {
                ANY_RECEIVER.to_string()
            }
            // `load().create()`, `list[0].create()`: a value, which calls an instance's method.
            _ => VALUE_RECEIVER.to_string(),
        };
        Some(format!("{receiver}::{name}"))
    }

    /// Visits the children of `node`, `branch` as a subcommand branch.
    fn visit_with_branch(
        &mut self,
        node: Node<'_>,
        branch: Node<'_>,
        class: Option<&str>,
        depth: usize,
    ) {
        visit_subcommand_branch(
            self,
            node,
            branch,
            |w| &mut w.table,
            |w, child| w.visit(child, class, depth + 1),
        );
    }

    /// Visits a callback or a loop: what it calls may run any number of times.
    fn visit_nested(&mut self, node: Node<'_>, class: Option<&str>, depth: usize) {
        self.nested += 1;
        self.visit_children(node, class, depth);
        self.nested -= 1;
    }

    fn visit_children(&mut self, node: Node<'_>, class: Option<&str>, depth: usize) {
        for child in named_children(node) {
            self.visit(child, class, depth + 1);
        }
    }

    /// Opens a definition for `node` named by `name` and visits everything but the name.
    fn definition(
        &mut self,
        node: Node<'_>,
        name: Option<Node<'_>>,
        owner: Option<&str>,
        role: Role,
        exported: bool,
        depth: usize,
    ) {
        let Some(name) =
            name.filter(|n| n.kind_str() != "object_pattern" && n.kind_str() != "array_pattern")
        else {
            return self.visit_children(node, None, depth);
        };
        let label = self
            .rename_next
            .take()
            .unwrap_or_else(|| text(name, self.src).to_string());
        let outer = std::mem::replace(&mut self.function, label.clone());
        let nested = std::mem::take(&mut self.nested);
        let poll_loop = std::mem::take(&mut self.poll_loop);
        let index = self
            .table
            .open(&label, owner, node.byte_range(), role, exported);
        if std::mem::take(&mut self.static_next) {
            self.table.set_static(index);
        }
        if std::mem::take(&mut self.start_next) {
            self.table.set_start(index);
        }
        for child in named_children(node) {
            if child == name {
                continue;
            }
            // The body of a function defined here is its own: its statements run once per call.
            if is_function_value(child.kind_str()) {
                let outer = self.this_class.take_if(|_| binds_this(child.kind_str()));
                self.visit_children(child, None, depth + 1);
                if outer.is_some() {
                    self.this_class = outer;
                }
            } else {
                self.visit(child, None, depth + 1);
            }
        }
        self.table.close();
        self.function = outer;
        self.nested = nested;
        self.poll_loop = poll_loop;
    }

    fn class(&mut self, node: Node<'_>, depth: usize) {
        let words = words();
        let name = node.field("name");
        let decorated = decorators(node, self.src)
            .iter()
            .any(|d| words.is_entry_class_attribute(d) || words.is_entry_attribute(d));
        // A provider the container builds once per process: decorated as one, with no
        // `scope` option (`Scope.REQUEST` builds one per request).
        let singleton_provider = decorator_nodes(node).iter().any(|&d| {
            decorator_callee(d).is_some_and(|c| words.is_entry_class_attribute(text(c, self.src)))
                && !text(d, self.src).contains("scope")
        });
        let heritage: Vec<&str> = node
            .named_children(&mut node.walk())
            .filter(|c| c.kind_str() == "class_heritage")
            .flat_map(|h| {
                text(h, self.src).split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            })
            .filter(|t| !t.is_empty() && !matches!(*t, "extends" | "implements"))
            .collect();
        let based = heritage.iter().any(|t| words.is_entry_base_type(t));
        let (exported, export_role) = self.export_role(node, name);
        let role = if export_role == Role::Entry || decorated || based {
            Role::Entry
        } else {
            Role::Plain
        };
        let Some(name) = name else {
            return self.visit_children(node, None, depth);
        };
        let label = text(name, self.src).to_string();
        self.table
            .open(&label, None, node.byte_range(), role, exported);
        if !heritage.is_empty() {
            // The classes it extends: `this.save()` of an ancestor may run its `save`.
            let bases: Vec<String> = heritage
                .iter()
                .map(|t| t.rsplit('.').next().unwrap_or(t).to_string())
                .collect();
            // Building it runs the constructors of the classes it extends (`super(..)`).
            for base in &bases {
                self.table.mention(&constructor_name(base));
            }
            let current = self.table.current();
            self.table.set_type_info(
                current,
                TypeInfo {
                    bases,
                    ..TypeInfo::default()
                },
            );
        }
        for child in named_children(node) {
            if child == name {
                continue;
            }
            if child.kind_str() == "class_body" {
                let outer = self.this_class.replace(label.clone());
                let injected = std::mem::replace(&mut self.injected, singleton_provider);
                for member in named_children(child) {
                    self.visit(member, Some(&label), depth + 2);
                }
                self.injected = injected;
                self.this_class = outer;
            } else {
                self.visit(child, None, depth + 1);
            }
        }
        self.table.close();
    }

    /// A method or a field of a class: the constructor and fields without a function value
    /// belong to the class; others are definitions of their own (framework-called methods
    /// are reached with their class).
    fn member(&mut self, node: Node<'_>, class: Option<&str>, depth: usize) {
        let words = words();
        let name = node.field("name").or_else(|| node.field("property"));
        let label = name.map(|n| text(n, self.src)).unwrap_or("");
        let function_field = node.kind_str() != "method_definition"
            && node
                .field("value")
                .is_some_and(|v| is_function_value(v.kind_str()));
        // A constructor runs where code builds its class (`new Store(..)`), not whenever a
        // method of the class runs: a definition of its own, named for the class.
        if label == "constructor" && node.kind_str() == "method_definition" {
            if let Some(class) = class {
                self.rename_next = Some(constructor_name(class));
                if self.injected {
                    // Built by the container, with its class: once, at bootstrap.
                    self.start_next = true;
                    return self.definition(node, name, Some(class), Role::Member, true, depth);
                }
                return self.definition(node, name, Some(class), Role::Plain, true, depth);
            }
        }
        if label.is_empty()
            || label == "constructor"
            || (node.kind_str() != "method_definition" && !function_field)
        {
            for child in named_children(node).filter(|&c| Some(c) != name) {
                self.visit(child, None, depth + 1);
            }
            return;
        }
        let decorated = decorators(node, self.src)
            .iter()
            .any(|d| words.is_entry_attribute(d) || words.is_entry_class_attribute(d));
        let role = if decorated {
            Role::Entry
        } else if words.is_framework_method(label) {
            Role::Member
        } else {
            Role::Plain
        };
        let public =
            !text(node, self.src).trim_start().starts_with("private") && !label.starts_with('#');
        self.static_next = node
            .children(&mut node.walk())
            .any(|c| c.kind_str() == "static");
        self.definition(node, name, class, role, public, depth);
    }

    /// Whether a declaration is exported, and its role: an entry point when it is the
    /// default export or a framework calls it by name (`export async function GET`).
    fn export_role(&self, node: Node<'_>, name: Option<Node<'_>>) -> (bool, Role) {
        let Some(statement) = export_statement(node) else {
            return (false, Role::Plain);
        };
        let default = statement
            .child(1)
            .is_some_and(|c| text(c, self.src) == "default");
        let convention =
            name.is_some_and(|n| words().convention_exports.contains(text(n, self.src)));
        (
            true,
            if default || convention {
                Role::Entry
            } else {
                Role::Plain
            },
        )
    }

    /// `module.exports = { a, b }`, `exports.f = f`: exported names are not uses; an inline
    /// function (`exports.f = function () {}`) is a definition named `f`.
    fn commonjs_export(&mut self, node: Node<'_>, class: Option<&str>, depth: usize) {
        let left = node.field("left");
        let Some(right) = node.field("right") else {
            return;
        };
        let property = left
            .and_then(|l| l.field("property"))
            .filter(|_| left.is_some_and(|l| text(l, self.src) != "module.exports"));
        match right.kind_str() {
            "identifier" => self.table.export(text(right, self.src)),
            "object" => {
                for member in named_children(right) {
                    let value = member.field("value");
                    match member.kind_str() {
                        "shorthand_property_identifier" => {
                            self.table.export(text(member, self.src));
                        }
                        "pair" if value.is_some_and(|v| v.kind_str() == "identifier") => {
                            self.table.export(value.map_or("", |v| text(v, self.src)));
                        }
                        _ => self.visit(member, class, depth + 1),
                    }
                }
            }
            kind if is_function_value(kind) && property.is_some() => {
                let role = if property
                    .is_some_and(|p| words().convention_exports.contains(text(p, self.src)))
                {
                    Role::Entry
                } else {
                    Role::Plain
                };
                let label = property.map(|p| text(p, self.src)).unwrap_or("");
                let outer = std::mem::replace(&mut self.function, label.to_string());
                let nested = std::mem::take(&mut self.nested);
                self.table.open(label, None, node.byte_range(), role, true);
                self.visit_children(right, class, depth + 1);
                self.table.close();
                self.nested = nested;
                self.function = outer;
            }
            // `module.exports = function () {}` / `= class {}`: whoever requires the
            // module calls it, under any name.
            _ => self.visit(right, class, depth + 1),
        }
    }

    /// The module an import names: `import .. from 'x'`, `export .. from 'x'`,
    /// `require('x')`, `import('x')`.
    /// Records the renamed specifiers of an import (`import { start as startJobs } from
    /// './jobs'`): a use of `startJobs` reaches the definitions named `start`.
    fn import_aliases(&mut self, node: Node<'_>) {
        let clauses = named_children(node).filter(|c| c.kind_str() == "import_clause");
        for list in clauses.flat_map(named_children) {
            // `import store from`, `import * as store from`.
            let module = match list.kind_str() {
                "identifier" => Some(list),
                "namespace_import" => named_children(list).find(|c| c.kind_str() == "identifier"),
                _ => None,
            };
            if let Some(binding) = module {
                self.bind_module(text(binding, self.src));
            }
            if list.kind_str() != "named_imports" {
                continue;
            }
            for specifier in named_children(list) {
                if let (Some(name), Some(alias)) =
                    (specifier.field("name"), specifier.field("alias"))
                {
                    self.aliases.insert(
                        text(alias, self.src).to_string(),
                        text(name, self.src).to_string(),
                    );
                }
            }
        }
    }

    /// The renamed members of a destructured `require` (`{ setInterval: every }`), which a
    /// use of the local name mentions too, as for a renamed import.
    fn require_aliases(&mut self, pattern: Node<'_>) {
        for pair in named_children(pattern).filter(|p| p.kind_str() == "pair_pattern") {
            if let (Some(key), Some(value)) = (pair.field("key"), pair.field("value")) {
                if value.kind_str() == "identifier" {
                    self.aliases.insert(
                        text(value, self.src).to_string(),
                        text(key, self.src).to_string(),
                    );
                }
            }
        }
    }

    /// Records a name a module is bound to, when it is written in lower case (see
    /// [`SymbolWalk::bindings`]).
    fn bind_module(&mut self, name: &str) {
        if !name.starts_with(|c: char| c.is_uppercase()) {
            self.bindings.insert(name.to_string());
        }
    }

    /// An awaited wait: a call whose first argument reads as a duration (`await sleep(2000)`,
    /// `await setTimeout(POLL_MS)`) or a promise settled by a timer (`await new Promise((r)
    /// => setTimeout(r, ms))`).
    fn is_wait(&self, node: Node<'_>) -> bool {
        let Some(inner) = node.named_child(0) else {
            return false;
        };
        match inner.kind_str() {
            "call_expression" => inner
                .field("arguments")
                .and_then(|a| named_children(a).find(|c| c.kind_str() != "comment"))
                .is_some_and(|first| looks_like_duration(text(first, self.src))),
            "new_expression" => {
                inner
                    .field("constructor")
                    .is_some_and(|c| text(c, self.src) == "Promise")
                    && text(inner, self.src).contains("setTimeout")
            }
            _ => false,
        }
    }

    fn imported_module(&self, node: Node<'_>) -> Option<String> {
        match node.kind_str() {
            "import_statement" | "export_statement" => {
                string_value(node.field("source")?, self.src)
            }
            "call_expression" => {
                let function = node.field("function")?;
                let import = function.kind_str() == "import"
                    || (function.kind_str() == "identifier"
                        && text(function, self.src) == "require");
                let first = node.field("arguments")?.named_child(0)?;
                import.then(|| string_value(first, self.src))?
            }
            _ => None,
        }
    }

    /// The arguments holding a command-line parser's handler for a command other than the
    /// serve command: `.action(fn)` after commander's `.command('build')`, or the handler
    /// of yargs' `.command('build', 'description', builder, handler)`.
    fn command_handlers<'t>(&self, node: Node<'t>) -> Option<Node<'t>> {
        if !words().dispatches_commands(&self.function) {
            return None;
        }
        let callee = node.field("function")?;
        let arguments = node.field("arguments")?;
        let method = text(callee.field("property")?, self.src);
        let command = match method {
            "action" => self.chained_command(callee.field("object")?)?,
            "command" => {
                let args: Vec<Node<'_>> = named_children(arguments).collect();
                let described = args.get(1).is_some_and(|d| {
                    string_value(*d, self.src).is_some() || text(*d, self.src) == "false"
                });
                if args.len() < 3 || !described {
                    return None;
                }
                string_value(args[0], self.src)?
            }
            _ => return None,
        };
        let name = command.split_whitespace().next().unwrap_or("");
        let default = name.is_empty() || name.starts_with("$0") || name.starts_with(['<', '[']);
        (!default && !words().is_serve_command(name)).then_some(arguments)
    }

    /// The hook a plugin-hook dispatch names (`hooks.aCallAll('expressCreateServer', ..)`):
    /// a string argument that is a plain name, given first to a callee named for hooks.
    fn dispatched_hook(&self, node: Node<'_>) -> Option<String> {
        let callee = node.field("function")?;
        if !words().dispatches_hooks(text(callee, self.src)) {
            return None;
        }
        let first = node.field("arguments")?.named_child(0)?;
        let name = string_value(first, self.src)?;
        let plain = name
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
        plain.then_some(name)
    }

    /// The command a commander chain names: `program.command('build').option(..)`, or the
    /// command its root is built as (`new Command('build').option(..)`, a local bound to
    /// one).
    fn chained_command(&self, mut node: Node<'_>) -> Option<String> {
        for _ in 0..MAX_DEPTH {
            match node.kind_str() {
                "identifier" => return self.commands.get(text(node, self.src)).cloned(),
                "new_expression" => return self.constructed_command(node),
                "parenthesized_expression" => {
                    node = node.named_child(0)?;
                    continue;
                }
                _ => {}
            }
            let callee =
                (node.kind_str() == "call_expression").then(|| node.field("function"))??;
            let method = text(callee.field("property")?, self.src);
            match method {
                "command" => {
                    let arguments = node.field("arguments")?;
                    return string_value(arguments.named_child(0)?, self.src);
                }
                "action" => return None,
                _ => node = callee.field("object")?,
            }
        }
        None
    }

    /// The name of the command a command-line parser's constructor builds (`new
    /// Command('remove')`, `new commander.Command("remove")`): its first argument, a string.
    fn constructed_command(&self, node: Node<'_>) -> Option<String> {
        if node.kind_str() != "new_expression" {
            return None;
        }
        let constructor = text(node.field("constructor")?, self.src);
        let last = constructor.rsplit('.').next().unwrap_or(constructor);
        if !words().command_constructors.contains(last) {
            return None;
        }
        string_value(node.field("arguments")?.named_child(0)?, self.src)
    }

    /// The consequence of `if (process.argv[2] === 'backup')` when it is not the serve command,
    /// and the branch of `if (!process.env.GENERATE_SCHEMA)` that runs in the mode the
    /// environment variable chooses (see [`crate::reach::words::Words::env_mode`]).
    fn subcommand_branch<'t>(&self, node: Node<'t>) -> Option<Node<'t>> {
        let words = words();
        let condition = node.field("condition")?;
        if !words.dispatches_commands(&self.function) {
            return None;
        }
        match words.env_mode(text(condition, self.src)) {
            Some(ModeBranch::Consequence) => return node.field("consequence"),
            Some(ModeBranch::Alternative) => return node.field("alternative"),
            None => {}
        }
        if !words.chooses_command(text(condition, self.src)) && !self.ladder.contains(&node.id()) {
            return None;
        }
        let literal = first_string(condition, self.src)?;
        (!words.is_serve_command(&literal)).then(|| node.field("consequence"))?
    }

    /// `case 'backup':` in a `switch` over `process.argv[2]`.
    fn is_subcommand_case(&self, node: Node<'_>) -> bool {
        let words = words();
        let Some(value) = node.field("value").and_then(|v| string_value(v, self.src)) else {
            return false;
        };
        let scrutinee = node
            .parent()
            .and_then(|body| body.parent())
            .and_then(|switch| switch.field("value"));
        words.dispatches_commands(&self.function)
            && scrutinee.is_some_and(|s| words.chooses_command(text(s, self.src)))
            && !words.is_serve_command(&value)
    }
}

/// The `if` statements of a ladder that picks a program's mode from command-line flags, when
/// `node` heads one: `if`s chained by `else if`, at least [`LADDER_LINKS`] of them naming
/// a flag in a string (`nconf.get('build')`, `opts.has('reset')`), ending in an
/// `else` that starts the service (`else { require('./start').start(); }`: a serve
/// command's word). Each flag's branch is then a subcommand like `args[0] === 'build'`.
fn flag_ladder(node: Node<'_>, src: &str) -> Vec<usize> {
    if node.parent().is_some_and(|p| p.kind_str() == "else_clause") {
        return Vec::new();
    }
    let words = words();
    let mut links = Vec::new();
    let mut flags = 0;
    let mut link = node;
    loop {
        flags += usize::from(
            link.field("condition")
                .and_then(|c| first_string(c, src))
                .is_some(),
        );
        links.push(link.id());
        let Some(last) = link
            .field("alternative")
            .and_then(|a| named_children(a).next())
        else {
            return Vec::new();
        };
        if last.kind_str() != "if_statement" {
            let serves = split_words(text(last, src))
                .iter()
                .any(|w| words.is_serve_command(w));
            return if serves && flags >= LADDER_LINKS {
                links
            } else {
                Vec::new()
            };
        }
        link = last;
    }
}

/// The fewest flags a ladder of [`flag_ladder`] tests: one or two `if`s over a setting
/// (`if (nconf.get('ssl')) .. else ..`) configure the server, they choose no mode.
const LADDER_LINKS: usize = 3;

/// The name node of the function a statement calls directly: `init(dir);`,
/// `await db.connect();`, `const config = load();` (the callee's last name), also when the
/// statement only handles its promise (`main().catch(fail);`, `void main();`), and the class
/// whose constructor a statement runs (`this.server = new Server(options);`).
fn statement_callee<'t>(node: Node<'t>, src: &str) -> Option<Node<'t>> {
    let expression = match node.kind_str() {
        "expression_statement" => node.named_child(0)?,
        "variable_declarator" => node.child_by_field_name("value")?,
        _ => return None,
    };
    let mut call = expression;
    for _ in 0..8 {
        call = match call.kind_str() {
            "await_expression" | "parenthesized_expression" => call.named_child(0)?,
            // `this.server = new Server(options);`
            "assignment_expression" => call.child_by_field_name("right")?,
            // `new Server(options)` runs the class's constructor.
            "new_expression" => {
                let constructor = call.child_by_field_name("constructor")?;
                return match constructor.kind_str() {
                    "identifier" => Some(constructor),
                    "member_expression" => constructor.child_by_field_name("property"),
                    _ => None,
                };
            }
            // `void main();`
            "unary_expression" if call.child(0).is_some_and(|o| o.kind_str() == "void") => {
                call.child_by_field_name("argument")?
            }
            "call_expression" => {
                let callee = call.child_by_field_name("function")?;
                return match callee.kind_str() {
                    "identifier" => Some(callee),
                    "member_expression" => {
                        let property = callee.child_by_field_name("property")?;
                        let object = callee.child_by_field_name("object")?;
                        if object.kind_str() == "call_expression"
                            && words().awaits_call(text(property, src))
                        {
                            // `main().catch(fail);`: the call whose promise is handled.
                            call = object;
                            continue;
                        }
                        Some(property)
                    }
                    _ => None,
                };
            }
            _ => return None,
        };
    }
    None
}

/// Whether a function expression is called where it is written: `(async () => { .. })()`.
fn is_invoked(node: Node<'_>) -> bool {
    let mut outer = node;
    while let Some(parent) = outer
        .parent()
        .filter(|p| p.kind_str() == "parenthesized_expression")
    {
        outer = parent;
    }
    outer.parent().is_some_and(|p| {
        p.kind_str() == "call_expression" && p.child_by_field_name("function") == Some(outer)
    })
}

/// Whether a function value is passed to a call that runs it once, right away or when a
/// promise settles (`Meteor.startup(fn)`, `app.prepare().then(fn)`): from a statement of a
/// body, its own statements run once per run of that body.
fn runs_once_when_passed(function: Node<'_>, src: &str) -> bool {
    let call = function
        .parent()
        .filter(|a| a.kind_str() == "arguments")
        .and_then(|a| a.parent())
        .filter(|c| c.kind_str() == "call_expression");
    let method = call
        .and_then(|c| c.field("function"))
        .map(|f| match f.field("property") {
            Some(property) => text(property, src),
            None => text(f, src),
        });
    method.is_some_and(|m| words().runs_argument_once(m))
}

/// Whether a name is the class a `new` expression builds (`Store` in `new Store(..)` or
/// `new db.Store(..)`).
fn constructs(name: Node<'_>) -> bool {
    let constructor = match name.parent() {
        Some(p) if p.kind_str() == "member_expression" && p.field("property") == Some(name) => p,
        _ => name,
    };
    constructor.parent().is_some_and(|p| {
        p.kind_str() == "new_expression" && p.field("constructor") == Some(constructor)
    })
}

/// Whether a node of this kind is a function with its own `this` (not an arrow function).
fn binds_this(kind: &str) -> bool {
    matches!(
        kind,
        "function_declaration"
            | "generator_function_declaration"
            | "function_expression"
            | "function"
            | "generator_function"
    )
}

fn is_function_value(kind: &str) -> bool {
    matches!(
        kind,
        "arrow_function" | "function_expression" | "function" | "generator_function"
    )
}

/// The `export` statement of `export function f`, `export const f = ...`,
/// `export default class`.
fn export_statement(node: Node<'_>) -> Option<Node<'_>> {
    let mut current = node;
    for _ in 0..3 {
        let parent = current.parent()?;
        if parent.kind_str() == "export_statement" {
            return Some(parent);
        }
        if !matches!(
            parent.kind_str(),
            "lexical_declaration" | "variable_declaration"
        ) {
            return None;
        }
        current = parent;
    }
    None
}

/// An assignment to `module.exports` or `exports.x` / `module.exports.x`.
fn is_commonjs_export(node: Node<'_>, src: &str) -> bool {
    node.field("left").is_some_and(|l| {
        let t = text(l, src);
        t == "module.exports" || t.starts_with("module.exports.") || t.starts_with("exports.")
    })
}

/// The decorator names on a class or member (`Get`, `Cron`, `Controller`), whether they
/// are children of the node, of its `export` statement, or siblings just before it.
fn decorators(node: Node<'_>, src: &str) -> Vec<String> {
    decorator_nodes(node)
        .into_iter()
        .filter_map(|d| Some(text(decorator_callee(d)?, src).to_string()))
        .collect()
}

/// The callee of a decorator: `Injectable` in `@Injectable()` and in `@Injectable`.
pub(super) fn decorator_callee(decorator: Node<'_>) -> Option<Node<'_>> {
    let inner = decorator.named_child(0)?;
    if inner.kind_str() == "call_expression" {
        inner.field("function")
    } else {
        Some(inner)
    }
}

/// The decorators on a class or member: children of the node, of its `export` statement,
/// or siblings just before it.
pub(super) fn decorator_nodes(node: Node<'_>) -> Vec<Node<'_>> {
    let mut out: Vec<Node<'_>> = named_children(node)
        .filter(|c| c.kind_str() == "decorator")
        .collect();
    let exported = node.parent().filter(|p| p.kind_str() == "export_statement");
    if let Some(parent) = exported {
        out.extend(named_children(parent).filter(|c| c.kind_str() == "decorator"));
    }
    let mut sibling = exported.unwrap_or(node).prev_named_sibling();
    while let Some(s) = sibling.filter(|s| s.kind_str() == "decorator") {
        out.push(s);
        sibling = s.prev_named_sibling();
    }
    out
}

/// The first string literal inside `node`.
fn first_string(node: Node<'_>, src: &str) -> Option<String> {
    if let Some(s) = string_value(node, src) {
        return Some(s);
    }
    named_children(node).find_map(|c| first_string(c, src))
}
