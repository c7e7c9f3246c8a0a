//! JavaScript and TypeScript frontend (tree-sitter).
//!
//! Two passes over one tree: the first records every declaration with its scope and,
//! for imports and `require`s, the module path it stands for; the second emits events
//! whose callee is resolved through those bindings, with loop/retry/timer contexts.

use super::tree::{first_syntax_error, named_children, parse, text, Kind};
use super::words::{is_single_instance_guard, looks_retry, mentions_per_instance_work};
use super::Extracted;
use crate::event::{Arg, Context, Event, EventKind, FileFacts, Property, Value};
use crate::frontend::branches::{chosen_by_settings, if_chain, Branch, BranchCalls};
use crate::frontend::flat::Node;
use crate::frontend::scratch::PathUses;
use std::collections::{HashMap, HashSet};

mod closures;
mod connection_timer;
mod drain;
mod emit;
mod entries;
mod fields;
mod flow;
mod functions;
mod minted;
mod operation_timer;
mod param_flow;
mod path_uses;
mod paths;
mod recurring;
mod scope;
mod shapes;
mod startup;
mod state;
mod symbols;
mod syntax;
#[cfg(test)]
mod tests;
mod wait_until;
mod words;

use emit::*;
use flow::*;
use paths::*;
use scope::*;
use syntax::*;

/// Which grammar to parse with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// JavaScript, including JSX.
    JavaScript,
    /// TypeScript.
    TypeScript,
    /// TypeScript with JSX.
    Tsx,
}

/// Deeper subtrees are not analysed (their facts are lost, the scan goes on).
const MAX_DEPTH: usize = 1_500;

/// Extracts facts from JavaScript or TypeScript source.
pub fn extract(src: &str, dialect: Dialect) -> Extracted {
    let language = match dialect {
        Dialect::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        Dialect::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Dialect::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
    };
    let Some(mut tree) = parse(&language, src) else {
        return Extracted::default();
    };
    if dialect == Dialect::JavaScript && tree.root_node().has_error() {
        // Flow-typed JavaScript (`// @flow`, `import type`, `x: string`) is not
        // JavaScript to tree-sitter-javascript, but TSX's grammar reads most of it.
        let tsx = tree_sitter_typescript::LANGUAGE_TSX.into();
        if let Some(retry) = parse(&tsx, src).filter(|t| !t.root_node().has_error()) {
            tree = retry;
        }
    }
    let flat = super::flat::FlatTree::new(&tree);
    let root = flat.root();
    // The definitions read nothing the other walks find: they are collected side by side.
    let ((definitions, flows), mut facts) = super::parallel::join(
        || {
            let mut definitions = symbols::collect(root, src);
            let imported = recurring::imported_names(root, src);
            let flows = super::tree_work::definitions_work(
                &recurring::GRAMMAR,
                src,
                root,
                &mut definitions,
                &imported,
            );
            (definitions, flows)
        },
        || facts_of(root, src),
    );
    facts.definitions = definitions;
    facts.forwards.flows = flows;
    Extracted {
        facts,
        syntax_error: first_syntax_error(&tree),
    }
}

/// Everything but the definitions: scopes, functions, events, collections, registrations.
fn facts_of(root: Node<'_>, src: &str) -> FileFacts {
    let mut scopes = Scopes::default();
    let functions = functions::collect(root, src, &mut scopes);
    let mut facts = FileFacts::default();
    collect(
        root,
        src,
        root.byte_range().into(),
        root.byte_range().into(),
        &mut scopes,
        &mut facts,
        0,
    );
    bind_temp_parameters(&functions.local, src, &mut scopes);
    let scopes = &scopes;
    // The collections and registrations read the scopes but not the events.
    let (mut facts, (collections, registrations)) = super::parallel::join(
        || {
            let mut work =
                super::tree_work::BodyWork::new(&recurring::GRAMMAR, src, root, functions.bodies);
            let links = recurring::field_links(root, src);
            work.set_handed_fields(&links);
            let mut facts = facts;
            facts.forwards.slots = links.into_iter().map(|(_, slot)| slot).collect();
            let mut emitter = Emitter {
                src,
                scopes,
                callees: functions.callees,
                work,
                facts,
                functions: Vec::new(),
                function_starts: Vec::new(),
                path_uses: PathUses::default(),
                branch_calls: BranchCalls::default(),
                param_flow: param_flow::ParamFlow::default(),
                mode_names: functions.mode_names,
            };
            if is_use_client(root, src) || is_amd_module(root, src) {
                emitter.facts.file_context.insert(Context::ClientSide);
            }
            if src.starts_with("#!") {
                // `#!/usr/bin/env node`: a command-line script.
                emitter.facts.file_context.insert(Context::Tooling);
            }
            // A module's top level runs once, when the process loads it.
            let top = Ctx {
                at_start: true,
                ..Ctx::default()
            };
            emitter.visit(root, top, 0);
            let mut facts = emitter.facts;
            facts.optional_calls = emitter.branch_calls.only_optional();
            emitter.path_uses.apply(&mut facts.events);
            facts
        },
        || {
            let (mut collections, written_exports) = state::collection_events(root, src, scopes);
            let (fields, mut registrations) = fields::field_collection_events(root, src, scopes);
            collections.extend(fields);
            collections.extend(closures::closure_collection_events(root, src, scopes));
            registrations.extend(written_exports);
            registrations.extend(scopes.delay_registrations(root.byte_range().into()));
            (collections, registrations)
        },
    );
    facts.registrations.extend(registrations);
    if !collections.is_empty() {
        facts.events.extend(collections);
        facts.events.sort_by_key(|e| e.span.start);
    }
    facts
}
