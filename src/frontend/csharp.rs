//! C# frontend (tree-sitter-c-sharp).
//!
//! Two passes over one parse: the first collects what names can refer to (usings,
//! static usings, aliases, namespaces, types and methods declared in the file);
//! the second walks the code with a scope of variables (locals, parameters,
//! fields, properties) and lowers invocations, constructions, attributes and base
//! types to [`Event`](crate::event::Event)s with resolved candidate targets.
//!
//! A simple type name such as `File` yields one candidate per imported namespace
//! (`System.IO.File` when `System.IO` is imported, explicitly or implicitly); a
//! type declared in the file, or a variable of that name, shadows the imports.

mod args;
mod caches;
mod constructs;
mod context;
mod delays;
mod forward;
mod loops;
mod operation_timer;
mod param_flow;
mod preprocess;
mod project;
mod purpose_flow;
mod recurring;
mod resolve;
mod scope;
mod scratch;
mod state;
mod strings;
mod symbols;
mod syntax;
mod timers;
mod vars;
mod walk;
mod words;

use super::tree::{first_syntax_error, parse};
use super::Extracted;
use crate::event::{Context, FileFacts};
use crate::frontend::branches::BranchCalls;
use crate::frontend::scratch::PathUses;
use context::Ctx;
use preprocess::rewrite_for_grammar;
use scope::FileScope;
use std::collections::HashMap;
use walk::Walker;

pub use project::{global_usings, implicit_usings};
pub use words::ImplicitUsings;

/// Deeper nesting than this is not analysed (guards the recursive walk).
const MAX_DEPTH: usize = 400;
/// At most this many nodes are inspected when classifying one expression.
const MAX_SCAN: usize = 256;

/// The conditional-compilation symbols the project defines, carried among its implicit
/// namespaces (see [`crate::manifest::csproj::DEFINES`]); `None` when no project file was
/// read.
fn project_symbols(implicit_namespaces: &[String]) -> Option<std::collections::HashSet<&str>> {
    let defines = crate::manifest::csproj::DEFINES;
    implicit_namespaces.iter().any(|n| n == defines).then(|| {
        implicit_namespaces
            .iter()
            .filter_map(|n| n.strip_prefix(defines)?.strip_prefix(' '))
            .collect()
    })
}

/// Extracts facts from C# source. `implicit_namespaces` are the project's implicit
/// usings (`<ImplicitUsings>enable</ImplicitUsings>`, `<Using Include>` items) and the
/// `global using`s of its other files, each in the form [`global_usings`] returns:
/// `N`, `static T` or `A = X.Y`.
pub fn extract(text: &str, implicit_namespaces: &[String]) -> Extracted {
    let language = tree_sitter_c_sharp::LANGUAGE.into();
    let dead = preprocess::dead_regions(text, project_symbols(implicit_namespaces).as_ref());
    let defines = crate::manifest::csproj::DEFINES;
    let namespaces: Vec<String> = implicit_namespaces
        .iter()
        .filter(|n| !n.starts_with(defines))
        .cloned()
        .collect();
    // Conditional compilation: read every branch when that parses (both versions of the
    // code are then analysed), else only the first branch of each `#if`.
    let mut rewritten = rewrite_for_grammar(text, true);
    let mut tree = parse(&language, rewritten.as_deref().unwrap_or(text));
    if tree.as_ref().is_some_and(|t| t.root_node().has_error()) && text.contains("#el") {
        let first_branches = rewrite_for_grammar(text, false);
        let retry = parse(&language, first_branches.as_deref().unwrap_or(text));
        if retry.as_ref().is_some_and(|t| !t.root_node().has_error()) {
            rewritten = first_branches;
            tree = retry;
        }
    }
    let text = rewritten.as_deref().unwrap_or(text);
    let Some(tree) = tree else {
        return Extracted::default();
    };
    let flat = super::flat::FlatTree::new(&tree);
    let root = flat.root();
    // The definitions read nothing else; the collections read the scope but not the walks'
    // events (nor what the walks learn of the file's paths): each runs beside the walks.
    let ((definitions, flows), (scope, mut facts, collections)) = super::parallel::join(
        || {
            let mut definitions = symbols::collect(root, text, &dead);
            let flows = super::tree_work::definitions_work(
                &recurring::GRAMMAR,
                text,
                root,
                &mut definitions,
                &Default::default(),
            );
            (definitions, flows)
        },
        || {
            let scope = FileScope::collect(root, text, &namespaces);
            let ((facts, flow), collections) = super::parallel::join(
                || walk_file(root, text, &scope),
                || state::collection_events(root, text, &scope),
            );
            let mut scope = scope;
            let mut facts = facts;
            let mut flow = flow;
            // While a walk finds more methods returning, or parameters receiving, only
            // instance paths than the one before knew, walk again with that known (see
            // `purpose_flow`).
            for _ in 1..purpose_flow::MAX_WALKS {
                if flow.instance_count() <= scope.flow.instance_count() {
                    break;
                }
                scope.flow = flow;
                (facts, flow) = walk_file(root, text, &scope);
            }
            (scope, facts, collections)
        },
    );
    let (collections, registrations) = collections;
    facts.events.extend(collections);
    facts.registrations.extend(registrations);
    facts.events.sort_by_key(|e| e.span.start);
    facts.definitions = definitions;
    facts.forwards.flows = flows;
    if scope.test_file {
        facts.file_context.insert(Context::Test);
    }
    if scope.tooling_file {
        facts.file_context.insert(Context::Tooling);
    }
    if scope.client_ui {
        facts.file_context.insert(Context::ClientSide);
    }
    Extracted {
        facts,
        syntax_error: first_syntax_error(&tree),
    }
}

/// One walk of the file's tree with `scope`: the events (scratch files applied) and what
/// the file's methods return and their calls pass.
fn walk_file(
    root: crate::frontend::flat::Node<'_>,
    text: &str,
    scope: &FileScope,
) -> (FileFacts, purpose_flow::PurposeFlow) {
    let functions = scope.method_bodies.clone();
    let mut work = super::tree_work::BodyWork::new(&recurring::GRAMMAR, text, root, functions);
    let links = recurring::field_links(root, text);
    work.set_handed_fields(&links);
    let mut facts = FileFacts::default();
    facts.forwards.slots = links.into_iter().map(|(_, slot)| slot).collect();
    let mut walker = Walker {
        src: text,
        work,
        file: scope,
        facts,
        vars: vec![HashMap::new()],
        type_depth: std::cell::Cell::new(0),
        path_uses: PathUses::default(),
        types: Vec::new(),
        forwarded_events: Vec::new(),
        thick_methods: std::collections::HashSet::new(),
        flow: purpose_flow::PurposeFlow::default(),
        branch_calls: BranchCalls::default(),
    };
    walker.walk(root, Ctx::default(), 0);
    walker.drop_thick_wrappers();
    let mut facts = walker.facts;
    facts.optional_calls = walker.branch_calls.only_optional();
    walker.path_uses.apply(&mut facts.events);
    (facts, walker.flow)
}

#[cfg(test)]
mod tests;
