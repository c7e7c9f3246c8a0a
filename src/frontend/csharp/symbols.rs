//! The file's symbol table for the project model: types, methods and local functions, and
//! the names each one's code mentions. A walk over the tree already parsed.
//!
//! Top-level statements and `Main` are entry points, as are classes a framework finds by
//! reflection (controllers, hubs, hosted services, consumers: from their attributes and
//! base types) with their public methods, and attributed methods (`[HttpGet]`,
//! `[FunctionName]`). Constructors, properties, fields, overrides and framework-called
//! methods (`ExecuteAsync`, `Handle`, `Invoke`) belong to their class. A branch on `args`
//! that is not the serve command is a subcommand. An enum member's name is a declaration,
//! not a mention.

use super::MAX_DEPTH;
use crate::event::{Definition, Role};
use crate::frontend::flat::Node;
use crate::frontend::symbols::{visit_subcommand_branch, SymbolTable};
use crate::frontend::tree::{named_children, text};
use crate::frontend::tree::{Fields, Kind};
use crate::reach::words;

/// The symbol table of a parsed file.
pub(super) fn collect(root: Node<'_>, src: &str) -> Vec<Definition> {
    let mut walk = SymbolWalk {
        src,
        table: SymbolTable::new(src.len()),
        function: String::new(),
        nested: 0,
        direct: std::collections::HashSet::new(),
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
    table: SymbolTable,
    /// The innermost named method (empty at the top level).
    function: String,
    /// How many lambdas and loops lie between the node visited and the innermost
    /// definition (0: a statement of its own body, which runs once per run).
    nested: usize,
    /// The name nodes of the calls the statements of the definition's own body make (and
    /// of the methods they pass to a call that runs its argument once).
    direct: std::collections::HashSet<usize>,
}

impl SymbolWalk<'_> {
    fn visit(&mut self, node: Node<'_>, class: Option<Class<'_>>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        if self.nested == 0 {
            self.direct
                .extend(direct_calls(node, self.src).iter().map(|n| n.id()));
        }
        match node.kind_str() {
            "using_directive" | "comment" => return,
            "global_statement" => self.table.set_role(0, Role::Main),
            "identifier" => {
                if self.direct.contains(&node.id()) {
                    self.table.mention_call(text(node, self.src));
                } else {
                    self.table.mention(text(node, self.src));
                }
                return;
            }
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
            "class_declaration" | "struct_declaration" | "record_declaration" => {
                return self.class(node, depth);
            }
            "method_declaration" => return self.method(node, class, depth),
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
                return self.definition(node, name, None, Role::Plain, false, depth);
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
    ) {
        let Some(name) = name else {
            return self.visit_children(node, None, depth);
        };
        let label = text(name, self.src).to_string();
        let outer = std::mem::replace(&mut self.function, label.clone());
        let nested = std::mem::take(&mut self.nested);
        self.table
            .open(&label, owner, node.byte_range(), role, exported);
        for child in named_children(node).filter(|&c| c != name) {
            self.visit(child, None, depth + 1);
        }
        self.table.close();
        self.function = outer;
        self.nested = nested;
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
        self.table.open(
            label,
            None,
            node.byte_range(),
            role,
            has_modifier(node, self.src, "public"),
        );
        let inner = Class {
            name: label,
            entry,
            partial: has_modifier(node, self.src, "partial"),
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
        self.table.close();
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
        let visible = public || class.is_some_and(|c| c.partial);
        self.definition(node, name, class.map(|c| c.name), role, visible, depth);
    }

    /// The consequence of `if (args[0] == "backup")` when it is not the serve command.
    fn subcommand_branch<'t>(&self, node: Node<'t>) -> Option<Node<'t>> {
        let words = words();
        let condition = node.field("condition")?;
        if !words.dispatches_commands(&self.function)
            || !words.chooses_command(text(condition, self.src))
        {
            return None;
        }
        let literal = first_string(condition, self.src, 0)?;
        (!words.is_serve_command(&literal)).then(|| node.field("consequence"))?
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
        words.dispatches_commands(&self.function)
            && scrutinee.is_some_and(|s| words.chooses_command(text(s, self.src)))
            && !words.is_serve_command(&label)
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
                    if words.runs_argument_once(label) {
                        out.extend(
                            call.field("arguments")
                                .into_iter()
                                .flat_map(named_children)
                                .filter_map(|a| a.named_child(0))
                                .filter(|a| a.kind_str() == "identifier"),
                        );
                    }
                    out.push(name);
                    break;
                }
            }
            _ => break,
        };
    }
    out
}

/// Whether a loop condition keeps the loop running for the process's lifetime: `true`, or
/// until a cancellation token says the host stops.
fn endless_condition(condition: &str) -> bool {
    condition == "true" || condition.contains("IsCancellationRequested")
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

fn has_modifier(node: Node<'_>, src: &str, modifier: &str) -> bool {
    named_children(node).any(|c| c.kind_str() == "modifier" && text(c, src) == modifier)
}

/// The attribute names on a declaration (`HttpGet`, `ApiController`).
fn attributes(node: Node<'_>, src: &str) -> Vec<String> {
    named_children(node)
        .filter(|c| c.kind_str() == "attribute_list")
        .flat_map(named_children)
        .filter(|a| a.kind_str() == "attribute")
        .filter_map(|a| a.field("name"))
        .map(|n| text(n, src).to_string())
        .collect()
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
