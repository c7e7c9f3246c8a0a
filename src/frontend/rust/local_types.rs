//! What a file's own type declarations say about the collections it holds: `type` aliases
//! (`type Watchers = RwLock<HashMap<..>>`), the collections in the named fields of its
//! structs (a `static SESSIONS: OnceLock<RwLock<Sessions>>` of a `struct Sessions { active:
//! HashMap<..> }`), and the one type a field holds through smart pointers and locks
//! (`inner: Arc<Mutex<Inner>>` holds an `Inner`), which makes a struct held by application
//! state application state too (see [`crate::reach::held`]).

use std::collections::{BTreeMap, BTreeSet};

/// Types that hold one value of their type argument (or share it): a field of one of them
/// holds what is inside.
const SINGLE_VALUE: &[&str] = &[
    "Arc", "Rc", "Box", "Weak", "Mutex", "RwLock", "Option", "OnceLock", "OnceCell", "Lazy",
    "LazyLock", "ArcSwap", "Cell", "RefCell",
];

/// Types of the prelude that no struct of the crate is named after (primitives are lower
/// case).
const PRELUDE: &[&str] = &["Vec", "String", "Result"];

/// The file's type aliases and structs, by simple name.
#[derive(Default)]
pub(super) struct LocalTypes {
    /// `type Name = ..;` → the resolved candidates of the types it names.
    aliases: BTreeMap<String, Vec<String>>,
    /// A struct → the resolved candidates of the types its named fields name.
    structs: BTreeMap<String, Vec<String>>,
    /// `Owner.field` → the one struct the field holds (`idempotency_set: IdempotencySet`).
    held: BTreeMap<String, String>,
    /// A struct → the names of its named fields.
    field_names: BTreeMap<String, Vec<String>>,
}

impl LocalTypes {
    /// Records `type name = ..;` with the candidates of the types it names.
    pub(super) fn alias(&mut self, name: &str, targets: Vec<String>) {
        self.aliases.insert(name.to_string(), targets);
    }

    /// Records a named field `owner.field` with the candidates of the types it names and
    /// the simple names of the types it holds (see [`held_types`]).
    pub(super) fn field(&mut self, owner: &str, field: &str, targets: &[String], held: &[String]) {
        self.structs
            .entry(owner.to_string())
            .or_default()
            .extend(targets.iter().cloned());
        if let [one] = held {
            self.held.insert(format!("{owner}.{field}"), one.clone());
        }
        self.field_names
            .entry(owner.to_string())
            .or_default()
            .push(field.to_string());
    }

    /// The names of the fields of this file's structs among a collection's type `names`
    /// (`verifier` of `struct Handoff { verifier: String }` in `HashMap<String, Handoff>`),
    /// but `held`, the struct a field or static holds by itself (its fields are collections
    /// of their own): what each entry holds.
    pub(super) fn entry_fields<'a>(
        &'a self,
        names: &'a [String],
        held: &'a [String],
    ) -> impl Iterator<Item = &'a str> {
        names
            .iter()
            .filter(move |n| !held.contains(n))
            .filter_map(|n| self.field_names.get(n))
            .flatten()
            .map(String::as_str)
    }

    /// Whether the file declares the struct `name` with named fields.
    pub(super) fn has_struct(&self, name: &str) -> bool {
        self.structs.contains_key(name)
    }

    /// The struct of this file the field `Owner.field` holds, when it holds one.
    pub(super) fn held_by_field(&self, field: &str) -> Option<&str> {
        self.held
            .get(field)
            .filter(|held| self.structs.contains_key(*held))
            .map(String::as_str)
    }

    /// The candidates a type's simple `names` stand for in this file: what an alias names,
    /// and, with `structs`, what the fields of a struct name (a `static` holding a struct of
    /// maps holds those maps). Names of neither give nothing.
    pub(super) fn expand(&self, names: &[String], structs: bool) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut seen = BTreeSet::new();
        for name in names {
            let alias = self.aliases.get(name);
            let fields = self.structs.get(name).filter(|_| structs);
            for target in alias.into_iter().chain(fields).flatten() {
                if seen.insert(target) {
                    out.push(target.clone());
                }
            }
        }
        out
    }
}

/// The simple names of the types of this crate (`own` says which paths name one) that a
/// field's type holds one value of, looking through [`SINGLE_VALUE`] wrappers
/// (`Arc<RwLock<Inner>>` gives `Inner`, `crate::rooms::Service` gives `Service`); a
/// collection's element types are not held (`HashMap<Id, Session>` gives `HashMap`, if
/// `own`), nor are types of other crates (`gotrue::api::Client`), whose simple names may
/// be those of unrelated types here.
pub(super) fn held_types(ty: &syn::Type, own: impl Fn(bool, &[String]) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![ty];
    while let Some(ty) = stack.pop() {
        if out.len() + stack.len() > 16 {
            break;
        }
        match ty {
            syn::Type::Path(p) if p.qself.is_none() => {
                let Some(last) = p.path.segments.last() else {
                    continue;
                };
                let name = last.ident.to_string();
                if PRELUDE.contains(&name.as_str()) || name.starts_with(char::is_lowercase) {
                    continue;
                }
                if !SINGLE_VALUE.contains(&name.as_str()) {
                    let segments: Vec<String> = p
                        .path
                        .segments
                        .iter()
                        .map(|s| s.ident.to_string())
                        .collect();
                    if own(p.path.leading_colon.is_some(), &segments) {
                        out.push(name);
                    }
                    continue;
                }
                if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                    for arg in &args.args {
                        if let syn::GenericArgument::Type(t) = arg {
                            stack.push(t);
                        }
                    }
                }
            }
            syn::Type::Reference(r) => stack.push(&r.elem),
            syn::Type::Paren(p) => stack.push(&p.elem),
            syn::Type::Group(g) => stack.push(&g.elem),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(src: &str) -> Vec<String> {
        held_types(&syn::parse_str(src).unwrap(), |_, s| {
            s.len() == 1 || s[0] == "crate"
        })
    }

    #[test]
    fn smart_pointers_and_locks_hold_the_type_inside_collections_do_not() {
        assert_eq!(held("Arc<RwLock<Inner>>"), ["Inner"]);
        assert_eq!(held("crate::rooms::Service"), ["Service"]);
        assert!(held("Arc<gotrue::api::Client>").is_empty());
        assert_eq!(held("Option<Box<Tracker>>"), ["Tracker"]);
        assert_eq!(held("HashMap<UserId, Session>"), ["HashMap"]);
        assert_eq!(held("Arc<DashMap<String, Peer>>"), ["DashMap"]);
    }

    #[test]
    fn aliases_expand_everywhere_structs_only_when_asked() {
        let mut types = LocalTypes::default();
        types.alias("Watchers", vec!["std::collections::HashMap".into()]);
        types.field(
            "Sessions",
            "active",
            &["HashMap".into()],
            &["HashMap".into()],
        );
        let names = ["Watchers".to_string(), "Sessions".to_string()];
        assert_eq!(types.expand(&names, false), ["std::collections::HashMap"]);
        assert_eq!(
            types.expand(&names, true),
            ["std::collections::HashMap", "HashMap"]
        );
        assert_eq!(types.held_by_field("Sessions.active"), None);
        types.field("Service", "sessions", &[], &["Sessions".into()]);
        assert_eq!(types.held_by_field("Service.sessions"), Some("Sessions"));
    }
}
