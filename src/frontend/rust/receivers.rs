//! The types of the values Rust method calls are made on, where the file's code says them:
//! `self` in an `impl`, a parameter or `let` declared with a type, a value built by a type's
//! constructor (`Scheduler::new(..)`, `Scheduler { .. }`, `Arc::new(..)` around one), a
//! named field of a struct the file declares (`self.jobs` of `struct App { jobs: Jobs }`).
//! The symbol table writes a method call on such a value `Type.name`, so that the call graph
//! reaches that type's method of the name when the project has one (see
//! [`crate::reach`]), not every method of the name: `server.run()` on a `Server` does not
//! run a legacy job's `run`.
//!
//! Names follow lexical scope: a block's bindings end with it, and a binding whose type the
//! code does not say (a pattern of a `match` arm, a closure's parameter, `if let`) hides an
//! outer one of the same name.

use super::shapes::pat_idents;
use std::collections::HashMap;

/// Types that lend their value's methods through `Deref` (`Arc<Scheduler>`, axum's
/// `State<AppState>`, actix's `web::Data<AppState>`): a method call on one is a call on
/// the value it holds.
const DEREF: &[&str] = &["Arc", "Rc", "Box", "Data", "Extension", "State"];

/// Wrappers built around a value by `Wrapper::new(value)`, holding it through `Deref`.
const WRAPPING_NEW: &[&str] = &["Arc", "Rc", "Box"];

/// Methods whose result is the receiver's value again (`Scheduler::new(..).unwrap()`).
const SAME_VALUE: &[&str] = &["unwrap", "expect", "clone", "to_owned", "as_ref"];

/// The bindings in scope, innermost last: a name and the type of its value when known.
#[derive(Default)]
pub(super) struct Receivers {
    bindings: Vec<(String, Option<String>)>,
}

impl Receivers {
    /// How many bindings are in scope: [`Receivers::end_scope`] drops those bound later.
    pub(super) fn depth(&self) -> usize {
        self.bindings.len()
    }

    /// Ends the scope that began at `depth`.
    pub(super) fn end_scope(&mut self, depth: usize) {
        self.bindings.truncate(depth);
    }

    /// Binds the names of a pattern whose values' types the code does not say.
    pub(super) fn bind_unknown(&mut self, pat: &syn::Pat) {
        let mut names = Vec::new();
        pat_idents(pat, &mut names);
        self.bindings.extend(names.into_iter().map(|n| (n, None)));
    }

    /// Binds `let name = init;` or `let name: T = init;`; a `let` of another pattern binds
    /// its names as unknown.
    pub(super) fn bind_local(&mut self, local: &syn::Local, scope: &TypeScope<'_>) {
        let (pat, declared) = match &local.pat {
            syn::Pat::Type(t) => (&*t.pat, declared_type(&t.ty, scope)),
            pat => (pat, None),
        };
        let inferred = || {
            let init = local.init.as_ref()?;
            self.type_of(&init.expr, scope, 0)
        };
        let ty = declared.or_else(inferred);
        match pat {
            syn::Pat::Ident(i) if i.subpat.is_none() => {
                self.bindings.push((i.ident.to_string(), ty));
            }
            pat => self.bind_unknown(pat),
        }
    }

    /// Binds a function's parameter `name: T` with the type it declares.
    pub(super) fn bind_param(&mut self, param: &syn::PatType, scope: &TypeScope<'_>) {
        match &*param.pat {
            syn::Pat::Ident(i) if i.subpat.is_none() => {
                let ty = declared_type(&param.ty, scope);
                self.bindings.push((i.ident.to_string(), ty));
            }
            pat => self.bind_unknown(pat),
        }
    }

    /// The type of the value `expr` stands for, when the code says it.
    pub(super) fn type_of(
        &self,
        expr: &syn::Expr,
        scope: &TypeScope<'_>,
        depth: usize,
    ) -> Option<String> {
        if depth > 8 {
            return None;
        }
        match expr {
            syn::Expr::Path(p) if p.qself.is_none() => {
                let ident = p.path.get_ident()?;
                if ident == "self" {
                    return scope.owner.map(str::to_string);
                }
                self.bindings
                    .iter()
                    .rev()
                    .find(|(name, _)| ident == name)
                    .and_then(|(_, ty)| ty.clone())
            }
            syn::Expr::Call(call) => {
                let syn::Expr::Path(func) = &*call.func else {
                    return None;
                };
                let segments = &func.path.segments;
                let [.., ty, function] = segments.iter().collect::<Vec<_>>()[..] else {
                    return None;
                };
                let (ty, function) = (ty.ident.to_string(), function.ident.to_string());
                if WRAPPING_NEW.contains(&ty.as_str()) && function == "new" {
                    return self.type_of(call.args.first()?, scope, depth + 1);
                }
                constructs(&function)
                    .then(|| scope.named_type(&ty))
                    .flatten()
            }
            syn::Expr::Field(f) => {
                let syn::Member::Named(field) = &f.member else {
                    return None;
                };
                let owner = self.type_of(&f.base, scope, depth + 1)?;
                scope.fields.get(&(owner, field.to_string())).cloned()
            }
            syn::Expr::Struct(s) if s.qself.is_none() => {
                scope.named_type(&s.path.segments.last()?.ident.to_string())
            }
            syn::Expr::MethodCall(m) if SAME_VALUE.contains(&m.method.to_string().as_str()) => {
                self.type_of(&m.receiver, scope, depth + 1)
            }
            syn::Expr::Try(e) => self.type_of(&e.expr, scope, depth + 1),
            syn::Expr::Await(e) => self.type_of(&e.base, scope, depth + 1),
            syn::Expr::Paren(e) => self.type_of(&e.expr, scope, depth + 1),
            syn::Expr::Group(e) => self.type_of(&e.expr, scope, depth + 1),
            syn::Expr::Reference(e) => self.type_of(&e.expr, scope, depth + 1),
            _ => None,
        }
    }
}

/// What tells a type's name from a type parameter's: the `impl`'s type and the type
/// parameters in scope.
pub(super) struct TypeScope<'a> {
    /// The `impl` block's type (what `self` and `Self` are), inside one.
    pub(super) owner: Option<&'a str>,
    /// The type parameters of the enclosing `impl` and function.
    pub(super) generics: &'a [String],
    /// The types of the named fields of the file's structs (see [`field_types`]).
    pub(super) fields: &'a FieldTypes,
}

/// (struct, field) → the type the field's declaration names (see [`declared_type`]).
pub(super) type FieldTypes = HashMap<(String, String), String>;

/// The types of the named fields of the structs `items` declare, inline modules included;
/// a field whose type names a type parameter of its struct has none.
pub(super) fn field_types(items: &[syn::Item]) -> FieldTypes {
    let mut fields = FieldTypes::new();
    collect_fields(items, &mut fields, 0);
    fields
}

fn collect_fields(items: &[syn::Item], fields: &mut FieldTypes, depth: usize) {
    if depth > 16 {
        return;
    }
    for item in items {
        match item {
            syn::Item::Struct(s) => {
                let generics: Vec<String> = s
                    .generics
                    .type_params()
                    .map(|p| p.ident.to_string())
                    .collect();
                let empty = FieldTypes::new();
                let scope = TypeScope {
                    owner: None,
                    generics: &generics,
                    fields: &empty,
                };
                for field in &s.fields {
                    let Some(name) = &field.ident else { continue };
                    if let Some(ty) = declared_type(&field.ty, &scope) {
                        fields.insert((s.ident.to_string(), name.to_string()), ty);
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    collect_fields(items, fields, depth + 1);
                }
            }
            _ => {}
        }
    }
}

impl TypeScope<'_> {
    /// The type a name names: `Self` is the `impl`'s type; a type parameter, or a name not
    /// written like a type (`CamelCase`), names none.
    fn named_type(&self, name: &str) -> Option<String> {
        if name == "Self" {
            return self.owner.map(str::to_string);
        }
        let type_like = name.starts_with(|c: char| c.is_ascii_uppercase())
            && name.chars().any(|c| c.is_ascii_lowercase());
        (type_like && !self.generics.iter().any(|g| g == name)).then(|| name.to_string())
    }
}

/// Whether an associated function's name says it builds a value of its type (`new`,
/// `new_in`, `with_capacity`, `from_config`, `default`).
fn constructs(function: &str) -> bool {
    function == "new"
        || function == "default"
        || ["new_", "with_", "from_"]
            .iter()
            .any(|prefix| function.starts_with(prefix))
}

/// The type a declaration names: through references and [`DEREF`] wrappers, the last
/// segment of a path type (`&mut jobs::Scheduler` is `Scheduler`, `State<AppState>` is
/// `AppState`). Trait objects, `impl Trait`, tuples and type parameters name none.
fn declared_type(ty: &syn::Type, scope: &TypeScope<'_>) -> Option<String> {
    declared_type_at(ty, scope, 0)
}

fn declared_type_at(ty: &syn::Type, scope: &TypeScope<'_>, depth: usize) -> Option<String> {
    if depth > 8 {
        return None;
    }
    match ty {
        syn::Type::Reference(r) => declared_type_at(&r.elem, scope, depth + 1),
        syn::Type::Paren(p) => declared_type_at(&p.elem, scope, depth + 1),
        syn::Type::Group(g) => declared_type_at(&g.elem, scope, depth + 1),
        syn::Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last()?;
            let name = last.ident.to_string();
            if DEREF.contains(&name.as_str()) {
                let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                    return None;
                };
                return args.args.iter().find_map(|arg| match arg {
                    syn::GenericArgument::Type(inner) => declared_type_at(inner, scope, depth + 1),
                    _ => None,
                });
            }
            scope.named_type(&name)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn type_after(
        code: &str,
        expr: &str,
        owner: Option<&str>,
        generics: &[&str],
    ) -> Option<String> {
        let generics: Vec<String> = generics.iter().map(|g| g.to_string()).collect();
        let file: syn::File = syn::parse_str(
            "struct Worker { jobs: Arc<jobs::Scheduler>, name: String, inner: T }\n\
             mod state { pub struct App { pub worker: Worker } }",
        )
        .unwrap();
        let fields = field_types(&file.items);
        let scope = TypeScope {
            owner,
            generics: &generics,
            fields: &fields,
        };
        let block: syn::Block = syn::parse_str(&format!("{{ {code} }}")).unwrap();
        let mut receivers = Receivers::default();
        for stmt in &block.stmts {
            if let syn::Stmt::Local(local) = stmt {
                receivers.bind_local(local, &scope);
            }
        }
        let expr: syn::Expr = syn::parse_str(expr).unwrap();
        receivers.type_of(&expr, &scope, 0)
    }

    #[test]
    fn constructors_literals_and_declarations_say_a_values_type() {
        let at = |code, expr| type_after(code, expr, None, &[]);
        assert_eq!(
            at("let s = Scheduler::new(cfg);", "s").as_deref(),
            Some("Scheduler")
        );
        assert_eq!(
            at("let s = jobs::Scheduler::with_store(db).await?;", "s").as_deref(),
            Some("Scheduler")
        );
        assert_eq!(
            at("let s = Arc::new(Hub { rooms });", "s").as_deref(),
            Some("Hub")
        );
        assert_eq!(
            at("let s: Arc<Relay> = make();", "s").as_deref(),
            Some("Relay")
        );
        assert_eq!(
            at("let s: State<AppState> = x;", "s").as_deref(),
            Some("AppState")
        );
        assert_eq!(
            at("", "Server::new(addr).unwrap()").as_deref(),
            Some("Server")
        );
        // What a function returns is not known; nor is a trait object's type.
        assert_eq!(at("let s = build_scheduler();", "s"), None);
        assert_eq!(at("let s = Scheduler::builder().build();", "s"), None);
        assert_eq!(at("let s: Box<dyn Job> = x;", "s"), None);
        // A later binding of the name hides the earlier one.
        assert_eq!(at("let s = Server::new(); let s = s.start();", "s"), None);
    }

    #[test]
    fn self_and_type_parameters() {
        assert_eq!(
            type_after("", "self", Some("Worker"), &[]).as_deref(),
            Some("Worker")
        );
        assert_eq!(
            type_after("let w = Self::new();", "w", Some("Worker"), &[]).as_deref(),
            Some("Worker")
        );
        assert_eq!(type_after("let d = Db::new();", "d", None, &["Db"]), None);
        assert_eq!(type_after("", "self", None, &[]), None);
    }

    #[test]
    fn fields_of_the_files_structs() {
        let at = |code, expr| type_after(code, expr, Some("Worker"), &[]);
        assert_eq!(at("", "self.jobs").as_deref(), Some("Scheduler"));
        assert_eq!(
            at("let app = App::new();", "app.worker.jobs").as_deref(),
            Some("Scheduler")
        );
        assert_eq!(at("", "self.missing"), None);
        // A field of a type parameter's type (`inner: T`) has no type here.
        assert_eq!(at("", "self.inner"), None);
    }
}
