//! Paths a drop guard removes: a struct of the file whose `impl Drop` removes the file or
//! folder a field names (`fs::remove_file(&self.zip_path)`) owns that path, which lives no
//! longer than the guard, like a `tempfile::TempPath`. The field is a temporary path, and so
//! is a `let` of a function of the file that builds such a guard around it
//! (`let zip_path = dir.join("a.zip"); ..; Guard { zip_path }`): what the function writes
//! there is scratch. So is the folder such a local is joined onto when a `let` of the same
//! function made it (`let dir = root.join(id); create_dir_all(&dir)`): the function creates
//! it to hold the guarded file. A field, a local or a value whose words name shared data
//! (`upload_dir`, `uploads.join(id)`) is not: a guard that removes it deletes shared data.

use super::getters::{literal_type, self_type};
use crate::frontend::rust::words::ident_text;
use crate::frontend::scratch;
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
        bases: HashMap::default(),
        fresh: HashSet::default(),
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
    /// The `let`s of the current function that join a path onto another of its `let`s
    /// (`let zip = dir.join("a.zip")`): that `let`'s name.
    bases: HashMap<String, String>,
    /// The `let`s of the current function that join a fresh unique name onto a folder
    /// (`let dir = root.join(Uuid::new_v4().to_string())`, see
    /// [`scratch::is_fresh_name`]), or a path onto such a `let`: a folder made for one run.
    fresh: HashSet<String>,
    locals: HashSet<(String, String)>,
}

impl Handed<'_> {
    fn in_fn(&mut self, name: String, visit: impl FnOnce(&mut Self)) {
        let saved = (
            self.current.replace(name),
            std::mem::take(&mut self.lets),
            std::mem::take(&mut self.bases),
            std::mem::take(&mut self.fresh),
        );
        visit(self);
        (self.current, self.lets, self.bases, self.fresh) = saved;
    }

    /// Records `local` of the current function as guarded, unless its name or value names
    /// shared data, and the folders it lies in up to the one made under a fresh name (see
    /// [`Handed::fresh`]), unless their own names name shared data: the function makes them
    /// to hold the guarded file.
    fn guard(&mut self, mut local: String) {
        let Some(current) = &self.current else {
            return;
        };
        if self.lets.get(&local) != Some(&false) {
            return;
        }
        for _ in 0..MAX_BASES {
            if !self.locals.insert((current.clone(), local.clone())) {
                return;
            }
            match self.bases.get(&local) {
                Some(base) if self.fresh.contains(base) && !names_shared(base) => {
                    local = base.clone();
                }
                _ => return,
            }
        }
    }
}

/// How many folders a guarded local's `let`s are followed up through.
const MAX_BASES: usize = 4;

/// The local a path is joined onto, `dir` in `dir.join("a.zip")` (through `&`, `()` and
/// further joins), and whether a fresh name is joined onto it (`root.join(Uuid::new_v4()
/// .to_string())`, `root.join(format!("{}", Uuid::new_v4()))`).
fn joined_onto(e: &Expr) -> Option<(String, bool)> {
    match e {
        Expr::MethodCall(m) if m.method == "join" => {
            let fresh = m.args.iter().any(names_fresh);
            match &*m.receiver {
                Expr::Path(p) => p.path.get_ident().map(|i| (i.to_string(), fresh)),
                inner => joined_onto(inner).map(|(base, f)| (base, f || fresh)),
            }
        }
        Expr::Reference(r) => joined_onto(&r.expr),
        Expr::Paren(p) => joined_onto(&p.expr),
        _ => None,
    }
}

/// Whether an expression makes a fresh unique name (see [`scratch::is_fresh_name`]), also
/// inside a macro's arguments (`format!("{}", Uuid::new_v4())`).
fn names_fresh(e: &Expr) -> bool {
    match e {
        Expr::Macro(m) => scratch::is_fresh_name(&m.mac.tokens.to_string()),
        e => scratch::is_fresh_name(&ident_text(e)),
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
            self.bases.remove(&name);
            self.fresh.remove(&name);
            if let Some((base, fresh)) = joined_onto(&init.expr) {
                if fresh || self.fresh.contains(&base) {
                    self.fresh.insert(name.clone());
                }
                if self.lets.contains_key(&base) {
                    self.bases.insert(name.clone(), base);
                }
            }
            self.lets.insert(name, shared);
        }
        syn::visit::visit_local(self, local);
    }

    fn visit_expr_struct(&mut self, s: &'ast syn::ExprStruct) {
        let name = literal_type(s, self.owner.as_ref());
        let fields = name.as_ref().and_then(|n| self.guarded.get(n));
        if let Some(fields) = fields {
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
                    self.guard(local);
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
            struct Page { page: PathBuf }
            impl Drop for Page {
                fn drop(&mut self) { let _ = std::fs::remove_file(&self.page); }
            }
            fn render(root: &Path) -> Page {
                let run = root.join(format!("r-{}", Uuid::new_v4()));
                let pages = run.join("pages");
                let page = pages.join("1.html");
                Page { page }
            }
            fn keep(root: &Path, user: &str) -> Page {
                let user_dir = root.join(user);
                let page = user_dir.join("1.html");
                Page { page }
            }
            "#,
        )
        .expect("parses");
        let found = guarded(&file);
        assert_eq!(
            found.fields,
            HashSet::from_iter(["zip".to_string(), "page".to_string()])
        );
        let handed = |f: &str, locals: &[&str]| {
            locals
                .iter()
                .map(|l| (f.to_string(), (*l).to_string()))
                .collect::<Vec<_>>()
        };
        let mut expected = handed("fetch", &["zip"]);
        expected.extend(handed("render", &["page", "pages", "run"]));
        expected.extend(handed("keep", &["page"]));
        assert_eq!(found.locals, HashSet::from_iter(expected));
    }
}
