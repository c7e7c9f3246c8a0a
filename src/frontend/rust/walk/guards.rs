//! Paths a drop guard removes: a struct of the file whose `impl Drop` removes the file or
//! folder a field names (`fs::remove_file(&self.zip_path)`) owns that path, which lives no
//! longer than the guard, like a `tempfile::TempPath`. The field is a temporary path, and so
//! is a `let` of a function of the file that builds such a guard around it
//! (`let zip_path = dir.join("a.zip"); ..; Guard { zip_path }`): what the function writes
//! there is scratch. A field, a local or a value whose words name shared data
//! (`upload_dir`, `uploads.join(id)`) is not: a guard that removes it deletes shared data.

use super::getters::{literal_type, self_type};
use crate::frontend::rust::words::ident_text;
use crate::frontend::words::PathPurpose;
use foldhash::{HashMap, HashSet};
use syn::visit::Visit;
use syn::Expr;

/// Whether a name or an expression's words name shared data.
fn names_shared(text: &str) -> bool {
    PathPurpose::local_name(text).is_shared()
}

/// The guarded fields of the file's drop guards and the locals its functions hand them.
#[derive(Debug, Default)]
pub(super) struct Guarded {
    /// Field names some drop guard of the file removes.
    pub(super) fields: HashSet<String>,
    /// (function, local): a `let` of that function moved into a guarded field.
    pub(super) locals: HashSet<(String, String)>,
}

/// The file's drop guards and the locals handed to them.
pub(super) fn guarded(file: &syn::File) -> Guarded {
    let mut drops = Drops::default();
    drops.visit_file(file);
    let mut handed = Handed {
        guarded: &drops.0,
        current: None,
        owner: None,
        lets: HashMap::default(),
        locals: HashSet::default(),
    };
    handed.visit_file(file);
    Guarded {
        fields: drops.0.values().flatten().cloned().collect(),
        locals: handed.locals,
    }
}

/// The field a removed path names: `self.f`, through `&`, `.clone()` and the like, or a `let`
/// of the drop body bound to one.
fn self_field(e: &Expr, lets: &HashMap<String, String>) -> Option<String> {
    match e {
        Expr::Reference(r) => self_field(&r.expr, lets),
        Expr::Paren(p) => self_field(&p.expr, lets),
        Expr::MethodCall(m)
            if matches!(
                m.method.to_string().as_str(),
                "clone" | "as_path" | "as_ref" | "to_path_buf" | "to_owned"
            ) =>
        {
            self_field(&m.receiver, lets)
        }
        Expr::Field(f) => match (&*f.base, &f.member) {
            (Expr::Path(p), syn::Member::Named(n)) if p.path.is_ident("self") => {
                Some(n.to_string())
            }
            _ => None,
        },
        Expr::Path(p) => p
            .path
            .get_ident()
            .and_then(|i| lets.get(&i.to_string()).cloned()),
        _ => None,
    }
}

/// Struct name → the fields its `impl Drop` removes.
#[derive(Default)]
struct Drops(HashMap<String, HashSet<String>>);

impl<'ast> Visit<'ast> for Drops {
    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let is_drop = i
            .trait_
            .as_ref()
            .and_then(|(t, _)| t.segments.last())
            .is_some_and(|s| s.ident == "Drop");
        let owner = self_type(i);
        if let (true, Some(owner)) = (is_drop, owner) {
            let mut removes = Removes::default();
            removes.visit_item_impl(i);
            if !removes.fields.is_empty() {
                self.0.entry(owner).or_default().extend(removes.fields);
            }
        }
        syn::visit::visit_item_impl(self, i);
    }
}

/// The fields a drop body removes.
#[derive(Default)]
struct Removes {
    lets: HashMap<String, String>,
    fields: HashSet<String>,
}

impl<'ast> Visit<'ast> for Removes {
    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let (syn::Pat::Ident(p), Some(init)) = (&local.pat, &local.init) {
            if let Some(field) = self_field(&init.expr, &self.lets) {
                self.lets.insert(p.ident.to_string(), field);
            }
        }
        syn::visit::visit_local(self, local);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        let removes = matches!(&*c.func, Expr::Path(p)
            if p.path.segments.last().is_some_and(|s| s.ident.to_string().starts_with("remove_")));
        if removes {
            if let Some(field) = c.args.first().and_then(|a| self_field(a, &self.lets)) {
                if !names_shared(&field) {
                    self.fields.insert(field);
                }
            }
        }
        syn::visit::visit_expr_call(self, c);
    }
}

/// The locals the file's functions move into guarded fields.
struct Handed<'a> {
    guarded: &'a HashMap<String, HashSet<String>>,
    current: Option<String>,
    owner: Option<String>,
    /// The `let`s of the current function: whether their name or value names shared data.
    lets: HashMap<String, bool>,
    locals: HashSet<(String, String)>,
}

impl Handed<'_> {
    fn in_fn(&mut self, name: String, visit: impl FnOnce(&mut Self)) {
        let saved = (self.current.replace(name), std::mem::take(&mut self.lets));
        visit(self);
        (self.current, self.lets) = saved;
    }
}

impl<'ast> Visit<'ast> for Handed<'_> {
    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let saved = std::mem::replace(&mut self.owner, self_type(i));
        syn::visit::visit_item_impl(self, i);
        self.owner = saved;
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.in_fn(f.sig.ident.to_string(), |v| syn::visit::visit_item_fn(v, f));
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.in_fn(f.sig.ident.to_string(), |v| {
            syn::visit::visit_impl_item_fn(v, f)
        });
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let (syn::Pat::Ident(p), Some(init)) = (&local.pat, &local.init) {
            let name = p.ident.to_string();
            let shared = names_shared(&name) || names_shared(&ident_text(&init.expr));
            self.lets.insert(name, shared);
        }
        syn::visit::visit_local(self, local);
    }

    fn visit_expr_struct(&mut self, s: &'ast syn::ExprStruct) {
        let name = literal_type(s, self.owner.as_ref());
        let fields = name.as_ref().and_then(|n| self.guarded.get(n));
        if let (Some(fields), Some(current)) = (fields, &self.current) {
            for field in &s.fields {
                let syn::Member::Named(member) = &field.member else {
                    continue;
                };
                if !fields.contains(&member.to_string()) {
                    continue;
                }
                if let Some(local) = match &field.expr {
                    Expr::Path(p) => p.path.get_ident().map(ToString::to_string),
                    _ => None,
                } {
                    if self.lets.get(&local) == Some(&false) {
                        self.locals.insert((current.clone(), local));
                    }
                }
            }
        }
        syn::visit::visit_expr_struct(self, s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_a_drop_guard_removes_and_the_locals_handed_to_them() {
        let file = syn::parse_file(
            r#"
            struct Download { zip: PathBuf, name: String }
            impl Drop for Download {
                fn drop(&mut self) {
                    let path = self.zip.clone();
                    tokio::spawn(async move { let _ = fs::remove_file(&path).await; });
                }
            }
            struct Lease { upload_dir: PathBuf }
            impl Drop for Lease {
                fn drop(&mut self) { let _ = std::fs::remove_dir_all(&self.upload_dir); }
            }
            struct Kept { out: PathBuf }
            impl Drop for Kept {
                fn drop(&mut self) { log(&self.out); }
            }
            async fn fetch(dir: &Path, name: String) -> Download {
                let zip = dir.join("a.zip");
                let shared = uploads.join("b.zip");
                let _ = Download { zip: shared, name: String::new() };
                let out = dir.join("b");
                let _ = Kept { out };
                Download { zip, name }
            }
            "#,
        )
        .expect("parses");
        let found = guarded(&file);
        assert_eq!(found.fields, HashSet::from_iter(["zip".to_string()]));
        assert_eq!(
            found.locals,
            HashSet::from_iter([("fetch".to_string(), "zip".to_string())])
        );
    }
}
