//! Whose file a path is, followed through the file's own methods: what the values a method
//! returns say (`string GetDataFilePath(id) => Path.Combine(dataPath, ..)` with
//! `dataPath` under `_paths.CachePath`), and what every call of a method passes at a
//! parameter (`SaveCache(cachePath, ..)` ... `void SaveCache(string path, ..)`).
//!
//! The walk records both with its full scope ([`PurposeFlow::note_return`],
//! [`PurposeFlow::note_argument`]). A name alone never makes a path this instance's own
//! (see [`PathPurpose`]), so a method's name (`GetDataFilePath`) or a parameter's says less
//! than the values that flow into it. When a walk finds more methods that return only
//! instance paths, or parameters that every call gives one, than the walk before knew,
//! `extract` walks the same tree once more with these facts (`FileScope::flow`), at most
//! [`MAX_WALKS`] times in all (a chain of that many calls); no second parse.

use super::syntax::{last_named_child, returning_method_name, unwrap_expr};
use super::walk::Walker;
use crate::frontend::flat::Node;
use crate::frontend::tree::{text, Fields, Kind};
use crate::frontend::words::PathPurpose;
use std::collections::HashMap;

/// The most walks of one file: the first and the ones that know what the one before found.
pub(super) const MAX_WALKS: usize = 3;

/// What the values flowing out of the file's methods and into their parameters say.
#[derive(Debug, Clone, Default)]
pub(super) struct PurposeFlow {
    /// Method name → the purposes of every value it returns, joined, and whether each one
    /// was this instance's own.
    returns: HashMap<String, Joined>,
    /// (method name, argument position) → the purposes of every argument passed there.
    arguments: HashMap<(String, usize), Joined>,
}

#[derive(Debug, Clone, Copy)]
struct Joined {
    purpose: PathPurpose,
    all_instance: bool,
}

impl Joined {
    fn add(entry: Option<&mut Joined>, purpose: PathPurpose) -> Option<Joined> {
        match entry {
            Some(joined) => {
                joined.purpose = joined.purpose.with(purpose);
                joined.all_instance &= purpose.is_instance();
                None
            }
            None => Some(Joined {
                purpose,
                all_instance: purpose.is_instance(),
            }),
        }
    }

    fn instance(&self) -> Option<PathPurpose> {
        (self.all_instance && self.purpose.is_instance()).then_some(self.purpose)
    }
}

impl PurposeFlow {
    /// `method` returns a value with this purpose.
    pub(super) fn note_return(&mut self, method: &str, purpose: PathPurpose) {
        if let Some(new) = Joined::add(self.returns.get_mut(method), purpose) {
            self.returns.insert(method.to_string(), new);
        }
    }

    /// A call of `method` passes a value with this purpose at `index`.
    pub(super) fn note_argument(&mut self, method: &str, index: usize, purpose: PathPurpose) {
        let key = (method.to_string(), index);
        if let Some(new) = Joined::add(self.arguments.get_mut(&key), purpose) {
            self.arguments.insert(key, new);
        }
    }

    /// What every value `method` returns says, when each is this instance's own path.
    pub(super) fn instance_return(&self, method: &str) -> Option<PathPurpose> {
        self.returns.get(method).and_then(Joined::instance)
    }

    /// What every argument at `index` of `method`'s calls says, when each is this
    /// instance's own path.
    pub(super) fn instance_argument(&self, method: &str, index: usize) -> Option<PathPurpose> {
        self.arguments
            .get(&(method.to_string(), index))
            .and_then(Joined::instance)
    }

    /// How many methods return, and parameters receive, only instance paths: a walk that
    /// knows more than the one before can tell more.
    pub(super) fn instance_count(&self) -> usize {
        self.returns
            .values()
            .filter(|j| j.instance().is_some())
            .count()
            + self
                .arguments
                .values()
                .filter(|j| j.instance().is_some())
                .count()
    }
}

impl Walker<'_, '_> {
    /// `Save(cachePath, item)` or `this.Save(..)` of a method of this file: records what
    /// each argument says about whose path it is.
    pub(super) fn note_own_call(&mut self, call: Node<'_>) {
        let Some(function) = call.field("function") else {
            return;
        };
        let name = match function.kind_str() {
            "identifier" => function,
            "member_access_expression"
                if function
                    .field("expression")
                    .is_some_and(|e| e.kind_str() == "this_expression") =>
            {
                match function.field("name") {
                    Some(name) => name,
                    None => return,
                }
            }
            _ => return,
        };
        let name = text(name, self.src);
        if !self.file.local_methods.contains(name) {
            return;
        }
        let Some(arguments) = call.field("arguments") else {
            return;
        };
        let mut cursor = arguments.walk();
        let values: Vec<Node<'_>> = arguments
            .named_children(&mut cursor)
            .filter(|a| a.kind_str() == "argument")
            .filter_map(last_named_child)
            .collect();
        for (index, value) in values.into_iter().enumerate() {
            let purpose = self.path_purpose(value);
            self.flow.note_argument(name, index, purpose);
        }
    }

    /// `return path;` or `=> Path.Combine(..)` in a method of this file (not in a lambda,
    /// an accessor or a property): records what the returned value says.
    pub(super) fn note_returned_purpose(&mut self, node: Node<'_>) {
        let Some(value) = node.named_child(0).map(unwrap_expr) else {
            return;
        };
        let Some(name) = returning_method_name(node, self.src) else {
            return;
        };
        let purpose = self.path_purpose(value);
        self.flow.note_return(name, purpose);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_must_be_instance() {
        let mut flow = PurposeFlow::default();
        flow.note_return("GetCachePath", PathPurpose::literal("cache"));
        assert!(flow.instance_return("GetCachePath").is_some());
        flow.note_return("GetCachePath", PathPurpose::default());
        assert!(flow.instance_return("GetCachePath").is_none());
        flow.note_argument("Save", 0, PathPurpose::literal("thumbs"));
        flow.note_argument("Save", 0, PathPurpose::literal("thumbs/uploads"));
        assert!(flow.instance_argument("Save", 0).is_none());
        flow.note_argument("Load", 1, PathPurpose::designated("CachePath"));
        assert!(flow.instance_argument("Load", 1).is_some());
        assert_eq!(flow.instance_count(), 1);
        assert_eq!(PurposeFlow::default().instance_count(), 0);
    }
}
