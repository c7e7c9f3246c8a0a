//! Which JavaScript and TypeScript classes the project may construct (rapid type analysis).
//!
//! A method runs on an instance of its class (or on the class itself, for a static one), so
//! a call `store.set(key)` can only reach the `set` of a class that some code names: one
//! constructed (`new FileStore()`), extended, passed to a container (`providers:
//! [FileStore]`), exported as a module's value (`module.exports = FileStore`) or typed as a
//! parameter. A class no other code names never has an instance, whatever names its
//! methods share with the methods that do run (`set`, `start`, `close`). Names count per
//! walk: what the server walks reach needs a class named by server code (not by tests,
//! tools or a browser bundle); the offline walk, a class named by any code but tests.
//! Classes a framework finds (decorated, default exports) are always live. The class's own
//! code naming itself (a static factory) does not count. One pass over the references.

use super::{FileModel, FileRole, Graph, Reachability};
use crate::event::Role;
use crate::frontend::Language;

/// Per node: the class a method belongs to, and which classes code names.
pub(super) struct Liveness {
    /// Per node: the class definition a JavaScript or TypeScript method is a member of.
    class_of: Vec<Option<usize>>,
    /// Per node: a class that server, service or start-up code names.
    server: Vec<bool>,
    /// Per node: a class that any code but tests names.
    any: Vec<bool>,
}

impl Liveness {
    pub(super) fn new(graph: &Graph<'_>, files: &[FileModel]) -> Self {
        let total = graph.nodes.len();
        let mut class_of = vec![None; total];
        let mut role = vec![FileRole::Server; total];
        for (file, &base) in files.iter().zip(&graph.offsets) {
            let script = matches!(
                file.language,
                Some(Language::JavaScript | Language::TypeScript)
            );
            for (d, def) in file.definitions.iter().enumerate() {
                role[base + d] = file.role;
                let Some(parent) = def.parent.filter(|_| script) else {
                    continue;
                };
                let class = &file.definitions[parent];
                if def.owner.is_some() && def.owner.as_deref() == Some(class.name.as_str()) {
                    class_of[base + d] = Some(base + parent);
                }
            }
        }
        let mut is_class = vec![false; total];
        for class in class_of.iter().flatten() {
            is_class[*class] = true;
        }
        let mut server = vec![false; total];
        let mut any = vec![false; total];
        for (node, &(_, def)) in graph.nodes.iter().enumerate() {
            if is_class[node] && def.role == Role::Entry {
                server[node] = true;
                any[node] = true;
            }
            if role[node] == FileRole::Test {
                continue;
            }
            let serves = matches!(
                role[node],
                FileRole::Server | FileRole::Service | FileRole::Startup
            );
            for name in &def.refs {
                for scope in graph.lookup_scopes(node) {
                    let Some(targets) = graph.index.get(&(scope, name.as_str())) else {
                        continue;
                    };
                    for &class in targets {
                        // A class naming itself (a static factory) constructs nothing new.
                        if !is_class[class] || class == node || class_of[node] == Some(class) {
                            continue;
                        }
                        any[class] = true;
                        server[class] |= serves;
                    }
                }
            }
        }
        Liveness {
            class_of,
            server,
            any,
        }
    }

    /// Whether a mention of `target`'s name, met on the walk of `level`, reaches it: a
    /// method only when code of that walk's kind names its class.
    pub(super) fn dispatches(&self, target: usize, level: Reachability) -> bool {
        match (self.class_of[target], level) {
            (None, _) => true,
            (Some(class), Reachability::Reachable | Reachability::Startup) => self.server[class],
            (Some(class), _) => self.any[class],
        }
    }
}
