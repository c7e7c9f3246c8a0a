//! Path getters across files: a struct whose path fields are all set from path getters
//! (`data_path: options.local_stream_data_path(..)`, directly or through a `let`) manages the
//! folders those getters return, and a getter whose every returned value is this instance's
//! own folder (`self.local_staging_path.join(name)`) says so to the other files of the
//! project with the registration `path:instance:<getter>` (see [`crate::event::Assumed`]).

use foldhash::HashMap;
use std::collections::BTreeSet;
use syn::visit::Visit;
use syn::{Expr, Stmt};

/// The registration a getter named `name` supplies when it returns this instance's own folder.
pub(super) fn registration(name: &str) -> String {
    format!("path:instance:{name}")
}

/// A struct of the file whose path fields are all set from path getters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Fed {
    /// Its path fields.
    pub(super) fields: BTreeSet<String>,
    /// The getters that set them (method names), sorted.
    pub(super) getters: BTreeSet<String>,
}

impl Fed {
    /// The registrations that, all supplied, make the struct's folders this instance's own.
    pub(super) fn registrations(&self) -> Vec<String> {
        self.getters.iter().map(|g| registration(g)).collect()
    }
}

/// The structs of the file (by simple name) whose path fields (of type `PathBuf` or `Path`)
/// are, in every struct literal of the file, set from a method call: the getter's value, or
/// a `let` of the same function bound to one (`let data_path = options.x(..); Self {
/// data_path, .. }`).
pub(super) fn fed_structs(file: &syn::File) -> HashMap<String, Fed> {
    let mut visitor = Literals::default();
    visitor.visit_file(file);
    let mut fed = HashMap::default();
    for (name, fields) in visitor.path_fields {
        let mut getters = BTreeSet::new();
        let all_fed = !fields.is_empty()
            && fields.iter().all(|field| {
                match visitor.sources.get(&(name.clone(), field.clone())) {
                    Some(Some(found)) => {
                        getters.extend(found.iter().cloned());
                        true
                    }
                    _ => false,
                }
            });
        if all_fed {
            fed.insert(name, Fed { fields, getters });
        }
    }
    fed
}

/// Whether a function's declared return type is a path (`PathBuf`, `&Path`, through
/// `Option`, `Result` or `Cow`).
pub(super) fn returns_path(sig: &syn::Signature) -> bool {
    match &sig.output {
        syn::ReturnType::Default => false,
        syn::ReturnType::Type(_, ty) => is_path_type(ty, 0),
    }
}

/// The values a block ends in: its tail expression, through `if`/`else`, `match` arms and
/// inner blocks, and `Ok(..)` / `Some(..)`. `None` when some branch ends otherwise (a
/// statement) or the function returns early, so the caller cannot say what every value is.
pub(super) fn tails(block: &syn::Block) -> Option<Vec<&Expr>> {
    let mut returns = Returns(false);
    returns.visit_block(block);
    let mut out = Vec::new();
    (!returns.0 && tails_of_block(block, &mut out, 0)).then_some(out)
}

/// Whether a body has a `return` of its own (not one of a closure's).
struct Returns(bool);

impl<'ast> Visit<'ast> for Returns {
    fn visit_expr_return(&mut self, _: &'ast syn::ExprReturn) {
        self.0 = true;
    }

    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

const MAX_DEPTH: usize = 8;

fn tails_of_block<'b>(block: &'b syn::Block, out: &mut Vec<&'b Expr>, depth: usize) -> bool {
    match block.stmts.last() {
        Some(Stmt::Expr(e, None)) => tails_of(e, out, depth + 1),
        _ => false,
    }
}

fn tails_of<'b>(e: &'b Expr, out: &mut Vec<&'b Expr>, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match e {
        Expr::If(i) => {
            let Some((_, otherwise)) = &i.else_branch else {
                return false;
            };
            tails_of_block(&i.then_branch, out, depth) && tails_of(otherwise, out, depth + 1)
        }
        Expr::Block(b) => tails_of_block(&b.block, out, depth),
        Expr::Match(m) => m.arms.iter().all(|a| tails_of(&a.body, out, depth + 1)),
        Expr::Paren(p) => tails_of(&p.expr, out, depth + 1),
        Expr::Call(c) if wraps_value(&c.func) && c.args.len() == 1 => {
            tails_of(&c.args[0], out, depth + 1)
        }
        Expr::Return(_) => false,
        _ => {
            out.push(e);
            true
        }
    }
}

/// The simple name of the type an `impl` block is for.
pub(super) fn self_type(i: &syn::ItemImpl) -> Option<String> {
    match &*i.self_ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The simple name of the struct a literal builds (`Self` is `owner`, the `impl`'s type).
pub(super) fn literal_type(s: &syn::ExprStruct, owner: Option<&String>) -> Option<String> {
    match s.path.segments.last().map(|seg| seg.ident.to_string()) {
        Some(name) if name == "Self" => owner.cloned(),
        name => name,
    }
}

/// `Ok(..)` or `Some(..)`.
fn wraps_value(func: &Expr) -> bool {
    matches!(func, Expr::Path(p) if p.path.get_ident().is_some_and(|i| i == "Ok" || i == "Some"))
}

fn is_path_type(ty: &syn::Type, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match ty {
        syn::Type::Reference(r) => is_path_type(&r.elem, depth + 1),
        syn::Type::Paren(p) => is_path_type(&p.elem, depth + 1),
        syn::Type::Path(p) => p.path.segments.last().is_some_and(|s| {
            let name = s.ident.to_string();
            match name.as_str() {
                "PathBuf" | "Path" => true,
                "Option" | "Result" | "Cow" | "Arc" | "Box" => match &s.arguments {
                    syn::PathArguments::AngleBracketed(a) => a.args.iter().any(|arg| match arg {
                        syn::GenericArgument::Type(t) => is_path_type(t, depth + 1),
                        _ => false,
                    }),
                    _ => false,
                },
                _ => false,
            }
        }),
        _ => false,
    }
}

/// The method a value is got from: `options.x(..)`, also behind `&`, `?`, `.await` and
/// `.clone()`-like calls.
fn getter_of(e: &Expr) -> Option<String> {
    match e {
        Expr::Reference(r) => getter_of(&r.expr),
        Expr::Paren(p) => getter_of(&p.expr),
        Expr::Try(t) => getter_of(&t.expr),
        Expr::Await(a) => getter_of(&a.base),
        Expr::MethodCall(m) => {
            let method = m.method.to_string();
            match method.as_str() {
                "clone" | "to_owned" | "to_path_buf" | "into" | "unwrap" | "expect" => {
                    getter_of(&m.receiver)
                }
                _ => Some(method),
            }
        }
        _ => None,
    }
}

/// The file's path fields and what its struct literals set them from.
#[derive(Default)]
struct Literals {
    /// Struct name → its path fields.
    path_fields: HashMap<String, BTreeSet<String>>,
    /// (struct, field) → the getters that set it in struct literals; `None` once a literal
    /// sets it from anything else.
    sources: HashMap<(String, String), Option<BTreeSet<String>>>,
    /// The struct of the `impl` being visited (`Self`).
    owner: Option<String>,
    /// The getters the `let`s of the function being visited are bound to.
    lets: HashMap<String, String>,
}

impl Literals {
    fn record(&mut self, name: String, field: String, getter: Option<String>) {
        let entry = self
            .sources
            .entry((name, field))
            .or_insert_with(|| Some(BTreeSet::new()));
        match (entry.as_mut(), getter) {
            (Some(found), Some(g)) => {
                found.insert(g);
            }
            _ => *entry = None,
        }
    }
}

impl<'ast> Visit<'ast> for Literals {
    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        let fields: BTreeSet<String> = s
            .fields
            .iter()
            .filter(|f| is_path_type(&f.ty, 0))
            .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
            .collect();
        self.path_fields.insert(s.ident.to_string(), fields);
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let saved = std::mem::replace(&mut self.owner, self_type(i));
        syn::visit::visit_item_impl(self, i);
        self.owner = saved;
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let saved = std::mem::take(&mut self.lets);
        syn::visit::visit_item_fn(self, f);
        self.lets = saved;
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        let saved = std::mem::take(&mut self.lets);
        syn::visit::visit_impl_item_fn(self, f);
        self.lets = saved;
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let (syn::Pat::Ident(p), Some(init)) = (&local.pat, &local.init) {
            let name = p.ident.to_string();
            match getter_of(&init.expr) {
                Some(g) => {
                    self.lets.insert(name, g);
                }
                None => {
                    self.lets.remove(&name);
                }
            }
        }
        syn::visit::visit_local(self, local);
    }

    fn visit_expr_struct(&mut self, s: &'ast syn::ExprStruct) {
        if let Some(name) = literal_type(s, self.owner.as_ref()) {
            for field in &s.fields {
                let syn::Member::Named(member) = &field.member else {
                    continue;
                };
                let getter = match &field.expr {
                    Expr::Path(p) => p
                        .path
                        .get_ident()
                        .and_then(|i| self.lets.get(&i.to_string()).cloned()),
                    e => getter_of(e),
                };
                self.record(name.clone(), member.to_string(), getter);
            }
        }
        syn::visit::visit_expr_struct(self, s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fed(src: &str) -> HashMap<String, Fed> {
        fed_structs(&syn::parse_file(src).expect("parses"))
    }

    #[test]
    fn a_struct_whose_path_fields_come_from_getters_is_fed_by_them() {
        let found = fed(r#"
            struct Part { name: String, dir: PathBuf }
            impl Part {
                fn new(o: &Options, name: &str) -> Self {
                    let dir = o.part_dir(name);
                    Self { name: name.into(), dir }
                }
            }
            struct Other { root: PathBuf }
            fn other(o: &Options) -> Other { Other { root: o.root_dir().clone() } }
        "#);
        assert_eq!(
            found["Part"],
            Fed {
                fields: ["dir".to_string()].into(),
                getters: ["part_dir".to_string()].into(),
            }
        );
        assert_eq!(found["Other"].registrations(), ["path:instance:root_dir"]);
    }

    #[test]
    fn a_path_field_set_from_anything_else_is_not_fed() {
        let found = fed(r#"
            struct Part { dir: PathBuf }
            fn a(o: &Options) -> Part { Part { dir: o.part_dir() } }
            fn b(dir: PathBuf) -> Part { Part { dir } }
            struct Plain { name: String }
            fn c() -> Plain { Plain { name: name() } }
        "#);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn tails_follow_branches_and_refuse_early_returns() {
        let block = |src: &str| syn::parse_str::<syn::Block>(src).expect("parses");
        let b = block("{ if a { self.x.join(a) } else { Ok(self.x.join(b)) } }");
        assert_eq!(tails(&b).map(|t| t.len()), Some(2));
        let b = block("{ if a { return self.y.clone(); } self.x.join(b) }");
        assert!(tails(&b).is_none());
        assert!(tails(&block("{ if a { self.x.clone() } }")).is_none());
    }
}
