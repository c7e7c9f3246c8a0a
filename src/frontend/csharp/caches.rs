//! In-process caches across files: what a call sits in (its words), the project's own cache
//! wrappers (a short method that hands its key to `IMemoryCache.Remove` registers itself as
//! `evict:CacheService.Remove`, and as `evict:ICacheService.Remove` for each type the class
//! derives from), and evictions through such a wrapper (`_cache.Remove(key)` on an
//! `ICacheService` field), which stand only when some file registers that wrapper method (see
//! [`crate::event::Event::requires_any`]).

use super::resolve::Recv;
use super::syntax::{base_type, last_segment, type_name};
use super::walk::Walker;
use super::words::words;
use crate::event::Event;
use crate::frontend::flat::Node;
use crate::frontend::tree::{ancestors, text, Fields, Kind};
use crate::reach::words::split_words;
use std::collections::BTreeSet;

/// The target an eviction through the project's own wrapper is reported as.
const WRAPPED_EVICTION: &str = "Microsoft.Extensions.Caching.Memory.IMemoryCache.Remove";

/// A wrapper method's body is at most this long: a few calls around the eviction.
const SHORT_WRAPPER: usize = 600;

/// The most enclosing nodes [`Walker::enclosing_words`] looks through.
const MAX_ENCLOSING: usize = 200;

impl Walker<'_, '_> {
    /// The words of the names of the method (or local function, accessor, constructor) and
    /// the type a call sits in: `SaveSettings` in `SettingsService` gives `save`,
    /// `service`, `settings`.
    pub(super) fn enclosing_words(&self, node: Node<'_>) -> Vec<String> {
        let mut words = BTreeSet::new();
        for n in ancestors(self.work.root(), node)
            .into_iter()
            .take(MAX_ENCLOSING)
        {
            match n.kind_str() {
                "method_declaration"
                | "local_function_statement"
                | "constructor_declaration"
                | "property_declaration"
                | "class_declaration"
                | "struct_declaration"
                | "record_declaration" => {
                    if let Some(name) = n.field("name") {
                        words.extend(split_words(text(name, self.src)));
                    }
                }
                _ => {}
            }
            if matches!(
                n.kind_str(),
                "class_declaration" | "struct_declaration" | "record_declaration"
            ) {
                break;
            }
        }
        words.into_iter().collect()
    }

    /// Registers the short method around an in-process cache eviction (`targets`, at `node`)
    /// as a wrapper: `evict:Class.Method` and `evict:Base.Method` for each base type of its
    /// class.
    pub(super) fn note_eviction_wrapper(&mut self, node: Node<'_>, targets: &[String]) {
        if !targets
            .iter()
            .any(|t| words().in_process_evictions.contains(t))
        {
            return;
        }
        let mut cur = node.parent();
        let mut method = None;
        while let Some(n) = cur {
            match n.kind_str() {
                "lambda_expression" | "anonymous_method_expression" if method.is_none() => return,
                "method_declaration" if method.is_none() => {
                    let short = n
                        .field("body")
                        .is_none_or(|b| b.byte_range().len() <= SHORT_WRAPPER);
                    if !short || !forwards_its_key(node, n, self.src) {
                        return;
                    }
                    method = n.field("name").map(|name| text(name, self.src));
                }
                "class_declaration" | "record_declaration" => {
                    let Some(method) = method else { return };
                    let mut owners: Vec<String> = n
                        .field("name")
                        .map(|name| text(name, self.src).to_string())
                        .into_iter()
                        .collect();
                    let mut cursor = n.walk();
                    for list in n
                        .named_children(&mut cursor)
                        .filter(|c| c.kind_str() == "base_list")
                    {
                        let mut inner = list.walk();
                        for base in list.named_children(&mut inner) {
                            owners.extend(base_type(base).and_then(|t| type_name(t, self.src)));
                        }
                    }
                    for owner in owners {
                        let owner = simple_type(&owner);
                        self.facts
                            .registrations
                            .insert(format!("evict:{owner}.{method}"));
                    }
                    return;
                }
                _ => {}
            }
            cur = n.parent();
        }
    }

    /// A call that drops entries through a value of a project type (`_cache.Remove(key)`
    /// with `ICacheService _cache`), as an in-process eviction that needs that type's method
    /// registered as a cache wrapper (see [`Walker::note_eviction_wrapper`]).
    pub(super) fn wrapped_eviction(
        &self,
        method: &str,
        receiver: Option<Node<'_>>,
        targets: &[String],
        call: &Event,
    ) -> Option<Event> {
        let method = last_segment(method);
        if !words()
            .eviction_verbs
            .iter()
            .any(|v| method.starts_with(v.as_str()))
            || targets
                .iter()
                .any(|t| words().in_process_evictions.contains(t))
        {
            return None;
        }
        let Recv::Value(Some(ty)) = self.receiver(receiver?) else {
            return None;
        };
        let mut event = call.clone();
        event.targets = vec![WRAPPED_EVICTION.to_string()];
        event.requires_any = vec![format!("evict:{}.{method}", simple_type(&ty))];
        Some(event)
    }
}

/// Whether an eviction (`call`) drops what its method (`method`) is given: it has no
/// argument (`Clear()`), or its first one is one of the method's parameters
/// (`Remove(string key) => _memoryCache.Remove(key)`). A service method that builds its own
/// key (`_memoryCache.Remove("settings:" + name)`) is an update path, not a wrapper.
fn forwards_its_key(call: Node<'_>, method: Node<'_>, src: &str) -> bool {
    let first = call
        .field("arguments")
        .and_then(|a| a.named_child(0))
        .and_then(|a| a.named_child(0));
    let Some(first) = first else {
        return true;
    };
    if first.kind_str() != "identifier" {
        return false;
    }
    let key = text(first, src);
    let Some(parameters) = method.field("parameters") else {
        return false;
    };
    let mut cursor = parameters.walk();
    let forwarded = parameters
        .named_children(&mut cursor)
        .filter(|p| p.kind_str() == "parameter")
        .any(|p| p.field("name").is_some_and(|n| text(n, src) == key));
    forwarded
}

/// `ICacheService`, for `ICacheService`, `Ombi.Helpers.ICacheService` and `ICache<T>`.
fn simple_type(ty: &str) -> &str {
    let plain = ty.split('<').next().unwrap_or(ty);
    last_segment(plain)
}
