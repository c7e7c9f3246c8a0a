//! Collections a function that registers routes declares for the handlers it registers:
//! `module.exports = async function notes(app) { const shares = new Map(); app.post('/share',
//! (req) => { shares.set(token, id) }) }` (a Fastify plugin, an Express router factory, a Koa
//! router module's setup). The function runs when the server sets up its routes; the handlers
//! keep the collection for the process's lifetime, as they keep a module-level one, so it is a
//! collection event of its own. A collection a handler declares for one request, and one a
//! connection handler keeps for its connection, are not: their functions register no routes.
//! Nor is a registry of this process's own connections such a function keeps (see
//! [`drain`](super::drain)), as at module level.

use super::drain::{self, Uses};
use super::shapes::statement_call;
use super::state::{declared_collection, record_write, unwrap_type_assertion, written_by};
use super::words::words;
use super::*;
use crate::frontend::collections::Collection;
use crate::frontend::tree::{Fields, Kind};

/// One collection event per collection that a route-registering function declares as a
/// statement of its body and that a function inside it writes to.
pub(super) fn closure_collection_events(root: Node<'_>, src: &str, scopes: &Scopes) -> Vec<Event> {
    let mut events = Vec::new();
    let mut stack = vec![(root, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            continue;
        }
        if is_function(node.kind_str()) {
            if let Some(body) = node
                .field("body")
                .filter(|b| b.kind_str() == "statement_block" && registers_routes(*b, src))
            {
                events.extend(kept_by_handlers(body, src, scopes));
            }
        }
        for child in named_children(node) {
            stack.push((child, depth + 1));
        }
    }
    events
}

/// Whether a body registers a route as one of its statements: `app.post('/share', handler)`
/// (`route_methods` of `words.toml`, with a path as the first argument), or a route described
/// by an object with its path (`fastify.route({ method: 'POST', url: '/share', handler })`,
/// hapi's `server.route({ path, handler })`).
fn registers_routes(body: Node<'_>, src: &str) -> bool {
    named_children(body).any(|statement| {
        let Some(call) = statement_call(statement) else {
            return false;
        };
        let method = call
            .field("function")
            .filter(|f| f.kind_str() == "member_expression")
            .and_then(|f| f.field("property"))
            .map(|p| text(p, src));
        let first = call.field("arguments").and_then(|a| a.named_child(0));
        let path = first.is_some_and(|a| is_path(a));
        let described = first.is_some_and(|a| describes_route(a, src));
        (path && method.is_some_and(|m| words().route_methods.contains(m)))
            || (described && method == Some("route"))
    })
}

fn is_path(node: Node<'_>) -> bool {
    matches!(node.kind_str(), "string" | "template_string")
}

/// `{ method: 'POST', url: '/share', handler }`: an object naming a route's path.
fn describes_route(object: Node<'_>, src: &str) -> bool {
    object.kind_str() == "object"
        && named_children(object).any(|pair| {
            pair.kind_str() == "pair"
                && pair
                    .field("key")
                    .is_some_and(|k| matches!(text(k, src), "url" | "path"))
                && pair.field("value").is_some_and(is_path)
        })
}

/// The collections declared as statements of `body` and written inside the functions it
/// holds, under the same declaration.
fn kept_by_handlers(body: Node<'_>, src: &str, scopes: &Scopes) -> Vec<Event> {
    let mut candidates: HashMap<&str, (Collection, Option<Scope>)> = HashMap::new();
    for statement in named_children(body) {
        if !matches!(
            statement.kind_str(),
            "lexical_declaration" | "variable_declaration"
        ) {
            continue;
        }
        for declarator in named_children(statement) {
            let (Some(name), Some(value)) = (declarator.field("name"), declarator.field("value"))
            else {
                continue;
            };
            if name.kind_str() != "identifier" {
                continue;
            }
            let name = text(name, src);
            let value = unwrap_type_assertion(value);
            let Some(collection) = declared_collection(declarator, value, name, src, scopes) else {
                continue;
            };
            let scope = scopes.visible_scope(name, declarator.end_byte());
            candidates.insert(name, (collection, scope));
        }
    }
    if candidates.is_empty() {
        return Vec::new();
    }
    let mut uses: HashMap<&str, Uses> = HashMap::new();
    let mut stack = vec![(body, false, 0usize)];
    while let Some((node, in_function, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            continue;
        }
        if node.kind_str() == "identifier" {
            let name = text(node, src);
            if let Some((_, scope)) = candidates.get(name) {
                let here =
                    scope.is_some() && scopes.visible_scope(name, node.start_byte()) == *scope;
                if here {
                    if let Some(used) = drain::use_of(node, src) {
                        let by_connection = drain::keyed_by_connection(node, src);
                        uses.entry(name).or_default().record(used, by_connection);
                    }
                }
            }
        }
        if in_function {
            let identifier =
                |object: Node<'_>| (object.kind_str() == "identifier").then(|| text(object, src));
            let declared_here = |name: &str, scope: &Option<Scope>| {
                scope.is_some() && scopes.visible_scope(name, node.start_byte()) == *scope
            };
            if let Some((name, key)) = written_by(node, src, identifier) {
                if let Some((c, scope)) = candidates.get_mut(name) {
                    if declared_here(name, scope) {
                        record_write(c, node, src, key, name);
                    }
                }
            }
            if let Some((name, word)) = super::shapes::shape_of(node, src, identifier) {
                if let Some((c, scope)) = candidates.get_mut(name) {
                    if declared_here(name, scope) {
                        c.describe(word);
                    }
                }
            }
        }
        let inside = in_function || is_function(node.kind_str());
        for child in named_children(node) {
            stack.push((child, inside, depth + 1));
        }
    }
    candidates
        .into_iter()
        .filter(|(name, _)| !uses.get(name).is_some_and(Uses::per_connection))
        .filter_map(|(_, (c, _))| c.into_event())
        .collect()
}
