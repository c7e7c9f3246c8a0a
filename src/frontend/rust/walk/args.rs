//! Facts about call arguments: literals, members, path-like and temporary paths.

use super::{getters, segments, Walker, ARG_DEPTH};
use crate::event::Arg;
use crate::frontend::rust::macros::{parse_body, MacroBody};
use crate::frontend::rust::scope::Resolved;
use crate::frontend::rust::shapes::{block_diverges, diverges};
use crate::frontend::rust::words;
use crate::frontend::words::{is_constant_name, store_type_purpose, PathPurpose};
use foldhash::HashSet;
use syn::Expr;

/// What is known about names while judging temp-ness: which variables hold temporary
/// paths, and which of the file's functions and methods return one.
pub(super) struct TempNames<'a> {
    /// Whether the variable holds a temporary path.
    pub(super) var: &'a dyn Fn(&str) -> bool,
    /// Functions and methods whose every return value is a temporary path.
    pub(super) fns: &'a HashSet<String>,
    /// Struct fields of a `tempfile` type.
    pub(super) fields: &'a HashSet<String>,
}

/// Whether an expression yields a path in the temporary directory: `std::env::temp_dir()`,
/// `tempfile::tempdir()?.path().join(..)`, `Builder::new().tempfile()`, a `/tmp/` literal, a `tmp`/`temp` name, a
/// variable bound to one of those, a field of a `tempfile` type (`self.dir.path()` when
/// `dir: TempDir`), or a call of a function of the file that returns one
/// (`scratch_path(id)`, `self.work_dir()`).
pub(super) fn is_temp_expr(expr: &Expr, names: &TempNames<'_>) -> bool {
    let mut e = expr;
    for _ in 0..2 * ARG_DEPTH {
        e = match e {
            Expr::Reference(r) => &r.expr,
            Expr::Paren(p) => &p.expr,
            Expr::Group(g) => &g.expr,
            Expr::Try(t) => &t.expr,
            Expr::Await(a) => &a.base,
            Expr::MethodCall(m) => {
                let on_self = matches!(&*m.receiver, Expr::Path(p) if p.path.is_ident("self"));
                if on_self && names.fns.contains(&m.method.to_string()) {
                    return true;
                }
                // A builder's last call: `tempfile::Builder::new().prefix("x").tempdir()`.
                if words::is_temp_call(&[m.method.to_string()]) {
                    return true;
                }
                &m.receiver
            }
            Expr::Lit(l) => {
                return matches!(&l.lit, syn::Lit::Str(s) if words::is_temp_literal(&s.value()))
            }
            Expr::Macro(m) => return is_temp_format(&m.mac, names),
            Expr::Path(p) => {
                return p.path.segments.last().is_some_and(|last| {
                    let name = last.ident.to_string();
                    crate::frontend::is_temp_name(&name)
                        || (p.path.segments.len() == 1 && (names.var)(&name))
                })
            }
            Expr::Field(f) => {
                let temp_field = |f: &syn::ExprField| matches!(&f.member, syn::Member::Named(n) if names.fields.contains(&n.to_string()));
                return matches!(&f.member, syn::Member::Named(n)
                    if crate::frontend::is_temp_name(&n.to_string()))
                    || temp_field(f)
                    || matches!(&*f.base, Expr::Field(base) if temp_field(base));
            }
            Expr::Call(c) => {
                let Expr::Path(p) = &*c.func else {
                    return false;
                };
                let segments = segments(&p.path);
                if words::is_temp_call(&segments) {
                    return true;
                }
                // `scratch_path(id)`, `Self::work_dir()`.
                let local = segments.len() == 1 || (segments.len() == 2 && segments[0] == "Self");
                if local && segments.last().is_some_and(|f| names.fns.contains(f)) {
                    return true;
                }
                let wraps_path = segments.len() >= 2
                    && matches!(segments[segments.len() - 2].as_str(), "Path" | "PathBuf")
                    && matches!(segments[segments.len() - 1].as_str(), "new" | "from");
                match c.args.first() {
                    Some(first) if wraps_path => first,
                    _ => return false,
                }
            }
            _ => return false,
        };
    }
    false
}

/// `format!("/tmp/{id}")` or `format!("{}/{}", tmp_dir, name)`: a path built in the
/// temporary directory.
fn is_temp_format(mac: &syn::Macro, names: &TempNames<'_>) -> bool {
    if mac.path.segments.last().is_none_or(|s| s.ident != "format") {
        return false;
    }
    let mut tokens = mac.tokens.clone().into_iter();
    let first_is_temp = match tokens.next() {
        Some(proc_macro2::TokenTree::Literal(l)) => {
            matches!(syn::Lit::new(l), syn::Lit::Str(s) if words::is_temp_literal(&s.value()))
        }
        _ => false,
    };
    first_is_temp
        || tokens
            .skip_while(|t| !matches!(t, proc_macro2::TokenTree::Punct(p) if p.as_char() == ','))
            .nth(1)
            .is_some_and(|t| match t {
                proc_macro2::TokenTree::Ident(i) => {
                    let name = i.to_string();
                    crate::frontend::is_temp_name(&name) || (names.var)(&name)
                }
                _ => false,
            })
}

/// The local a path expression is built on: `dir` in `&dir.join("a")` (through joins and
/// other method calls, references and fields).
fn root_local(mut e: &Expr) -> Option<&syn::Ident> {
    for _ in 0..ARG_DEPTH {
        e = match e {
            Expr::MethodCall(m) => &m.receiver,
            Expr::Reference(r) => &r.expr,
            Expr::Paren(p) => &p.expr,
            Expr::Field(f) => &f.base,
            Expr::Path(p) => return p.path.get_ident(),
            _ => return None,
        };
    }
    None
}

impl Walker<'_> {
    /// What the words of a path expression say about whose file it is (see [`PathPurpose`]):
    /// string literals, field names (`self.hot_tier_path`), constants (`SELF_SIGNED_CERT`) and
    /// the names of path getters (`dirs::cache_dir()`, `options.staging_dir()`) are strong
    /// evidence; a `let` binding counts by its value, a parameter's name only as far as it
    /// names shared data.
    pub(super) fn path_purpose(&self, expr: &Expr, depth: usize) -> PathPurpose {
        if depth > 2 * ARG_DEPTH {
            return PathPurpose::default();
        }
        let part = |e: &Expr| self.path_purpose(e, depth + 1);
        let all = |es: &mut dyn Iterator<Item = &Expr>| {
            es.fold(PathPurpose::default(), |p, e| p.with(part(e)))
        };
        match expr {
            Expr::Lit(l) => match &l.lit {
                syn::Lit::Str(s) => PathPurpose::literal(&s.value()),
                _ => PathPurpose::default(),
            },
            Expr::Reference(r) => part(&r.expr),
            Expr::Paren(p) => part(&p.expr),
            Expr::Group(g) => part(&g.expr),
            Expr::Try(t) => part(&t.expr),
            Expr::Await(a) => part(&a.base),
            Expr::Unary(u) => part(&u.expr),
            Expr::Binary(b) => part(&b.left).with(part(&b.right)),
            // A value chosen by a condition: what each branch's value says alike. A branch
            // that gives no value (`return Err(..)`, `panic!(..)`) says nothing of it.
            Expr::Block(b) => self.block_purpose(&b.block, depth + 1),
            Expr::If(i) => match &i.else_branch {
                Some((_, other)) => {
                    let then = (!block_diverges(&i.then_branch, 0))
                        .then(|| self.block_purpose(&i.then_branch, depth + 1));
                    then.into_iter()
                        .chain((!diverges(other, 0)).then(|| part(other)))
                        .reduce(PathPurpose::either)
                        .unwrap_or_default()
                }
                None => PathPurpose::default(),
            },
            Expr::Match(m) => m
                .arms
                .iter()
                .filter(|arm| !diverges(&arm.body, 0))
                .map(|arm| part(&arm.body))
                .reduce(PathPurpose::either)
                .unwrap_or_default(),
            Expr::Path(p) if p.qself.is_none() => {
                let Some(last) = p.path.segments.last() else {
                    return PathPurpose::default();
                };
                let name = last.ident.to_string();
                if p.path.segments.len() > 1 || is_constant_name(&name) {
                    // `SELF_SIGNED_CERT`, `config::CACHE_DIR`.
                    PathPurpose::designated(&name)
                } else {
                    self.scopes
                        .path_purpose(&name, self.assuming.get())
                        .unwrap_or_else(|| PathPurpose::local_name(&name))
                }
            }
            // The field names the location; the value it is read from only holds it. Judged
            // as if the getters that set `self`'s path fields returned this instance's own
            // folders, such a field is one, whatever its name.
            Expr::Field(f) => match &f.member {
                syn::Member::Named(n) if self.assumes_own_field(f, &n.to_string()) => {
                    PathPurpose::instance()
                }
                syn::Member::Named(n) => PathPurpose::designated(&n.to_string()),
                syn::Member::Unnamed(_) => PathPurpose::default(),
            },
            Expr::MethodCall(m) => {
                let method = m.method.to_string();
                let receiver = part(&m.receiver);
                match method.as_str() {
                    "clone" | "as_ref" | "as_str" | "to_owned" | "to_string" | "as_os_str"
                    | "into" | "unwrap" | "expect" | "borrow" | "as_deref" | "as_path"
                    | "to_path_buf" | "into_path_buf" | "display" | "to_string_lossy"
                    | "parent" => receiver,
                    "join" | "with_file_name" | "with_extension" | "unwrap_or" => {
                        receiver.with(all(&mut m.args.iter()))
                    }
                    _ => receiver.with(PathPurpose::designated(&method)),
                }
            }
            Expr::Call(c) => {
                let Expr::Path(p) = &*c.func else {
                    return PathPurpose::default();
                };
                let segments = segments(&p.path);
                let wraps_path = segments.len() >= 2
                    && matches!(segments[segments.len() - 2].as_str(), "Path" | "PathBuf");
                if wraps_path {
                    all(&mut c.args.iter())
                } else {
                    segments
                        .last()
                        .map_or_else(PathPurpose::default, |f| PathPurpose::designated(f))
                }
            }
            Expr::Macro(m)
                if m.mac
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "format") =>
            {
                match parse_body(&m.mac).as_deref() {
                    Some(MacroBody::Exprs(exprs)) => all(&mut exprs.iter()),
                    _ => PathPurpose::default(),
                }
            }
            _ => PathPurpose::default(),
        }
    }

    /// What the value a block ends in says (see [`Walker::path_purpose`]); a local of the
    /// block it is built on counts by its value (`{ let dir = staging.join(t); dir.join(f) }`),
    /// as its binding has left scope when the block's value is judged.
    fn block_purpose(&self, block: &syn::Block, depth: usize) -> PathPurpose {
        let Some(syn::Stmt::Expr(tail, None)) = block.stmts.last() else {
            return PathPurpose::default();
        };
        let purpose = self.path_purpose(tail, depth);
        let Some(root) = root_local(tail) else {
            return purpose;
        };
        let bound = block.stmts.iter().rev().find_map(|stmt| match stmt {
            syn::Stmt::Local(local) => local
                .init
                .as_ref()
                .filter(|_| matches!(&local.pat, syn::Pat::Ident(p) if p.ident == *root))
                .map(|init| &*init.expr),
            _ => None,
        });
        bound.map_or(purpose, |init| {
            purpose.with(self.path_purpose(init, depth + 1))
        })
    }

    /// What the module the file implements and the type whose methods are walked say about
    /// the paths used here (`src/hottier.rs`, `impl Cache`): an instance store's own files.
    pub(super) fn store(&self) -> PathPurpose {
        if self.assuming.get() {
            return PathPurpose::instance();
        }
        self.impl_owner
            .as_deref()
            .map_or_else(PathPurpose::default, store_type_purpose)
            .with(self.module)
    }

    /// Whether `self.<name>` is a path field of the fed struct whose methods are walked,
    /// while its getters are assumed to return this instance's own folders.
    fn assumes_own_field(&self, f: &syn::ExprField, name: &str) -> bool {
        self.assuming.get()
            && matches!(&*f.base, Expr::Path(p) if p.path.is_ident("self"))
            && self
                .fed_owner
                .as_ref()
                .is_some_and(|fed| fed.fields.contains(name))
    }

    /// Registers a function that returns a path whose every returned value is this
    /// instance's own folder (`fn staging_dir(&self) -> PathBuf { self.staging.join(..) }`),
    /// for the structs of other files that keep what it returns (see [`super::getters`]).
    pub(super) fn register_path_getter(&mut self, sig: &syn::Signature, block: &syn::Block) {
        if !getters::returns_path(sig) {
            return;
        }
        let own = getters::tails(block).is_some_and(|tails| {
            tails
                .iter()
                .all(|e| !self.is_temp_expr(e) && self.path_purpose(e, 0).is_instance())
        });
        if own {
            self.statics
                .registrations
                .insert(getters::registration(&sig.ident.to_string()));
        }
    }

    /// Whether a `let` of the walked function binds a path that a drop guard of the file
    /// removes (see [`super::guards`]).
    pub(super) fn guarded_local(&self, pat: &syn::Pat) -> bool {
        let Some(name) = crate::frontend::rust::shapes::simple_binding(pat) else {
            return false;
        };
        self.current_fn
            .and_then(|f| self.fn_names.get(f))
            .is_some_and(|f| self.temp.guarded_locals.contains(&(f.clone(), name)))
    }

    /// [`is_temp_expr`] with the variables in scope and the file's temporary fields and
    /// temp-returning functions.
    pub(super) fn is_temp_expr(&self, expr: &Expr) -> bool {
        let var = |name: &str| self.scopes.is_temp_var(name);
        let names = TempNames {
            var: &var,
            fns: &self.temp.fns,
            fields: &self.temp.fields,
        };
        is_temp_expr(expr, &names)
    }

    /// Whether a path with these words is this instance's own, its module or store type
    /// counting too (a staging module's files).
    fn is_instance_purpose(&self, purpose: PathPurpose) -> bool {
        purpose.is_instance() || self.store().with(purpose).is_instance()
    }

    /// Whether an argument is a path this instance alone keeps (a cache folder, a literal
    /// `"cache/pages"`), not a file of the process: what a call hands a parameter.
    pub(super) fn is_instance_expr(&self, arg: &Expr) -> bool {
        let purpose = self.path_purpose(arg, 0);
        !purpose.is_process_file() && self.is_instance_purpose(purpose)
    }

    pub(super) fn arg_fact(&self, arg: &Expr) -> Arg {
        if self.is_temp_expr(arg) {
            return Arg::TempPath;
        }
        if !matches!(arg, Expr::Lit(_)) {
            let purpose = self.path_purpose(arg, 0);
            // The module may designate the location (a staging module's files).
            if purpose.is_process_file() {
                return Arg::ProcessPath;
            }
            if self.is_instance_purpose(purpose) {
                return Arg::InstancePath;
            }
            // A download's destination (and the partial file it is written to first) is a
            // local copy that any instance can fetch again, and what a guard removes when
            // it is dropped lives no longer than the guard: scratch, unless its words name
            // shared data.
            if (self.ctx.download || self.ctx.drop_guard) && !purpose.is_shared() {
                return Arg::TempPath;
            }
        }
        let mut e = arg;
        for _ in 0..ARG_DEPTH {
            e = match e {
                Expr::Lit(l) => {
                    return match &l.lit {
                        syn::Lit::Str(s) => Arg::Str(s.value()),
                        _ => Arg::Other { path_like: false },
                    }
                }
                Expr::Reference(r) => &r.expr,
                Expr::Paren(p) => &p.expr,
                Expr::Group(g) => &g.expr,
                Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => &u.expr,
                Expr::Macro(m) => {
                    let name = last_ident(&m.mac.path);
                    return Arg::Other {
                        path_like: matches!(name.as_deref(), Some("format" | "concat")),
                    };
                }
                Expr::Path(p) if p.qself.is_none() => {
                    let segments = segments(&p.path);
                    let last_pathy = segments.last().is_some_and(|s| pathy(s));
                    if segments.len() > 1 && !last_pathy {
                        if let Resolved::Targets(t) = self
                            .scopes
                            .resolve(p.path.leading_colon.is_some(), &segments)
                        {
                            return Arg::Member(t);
                        }
                    }
                    return Arg::Other {
                        path_like: last_pathy,
                    };
                }
                Expr::Field(f) => {
                    let path_like = match &f.member {
                        syn::Member::Named(n) => pathy(&n.to_string()),
                        syn::Member::Unnamed(_) => false,
                    };
                    return Arg::Other { path_like };
                }
                Expr::MethodCall(m) => {
                    let method = m.method.to_string();
                    match method.as_str() {
                        "clone" | "as_ref" | "as_str" | "to_owned" | "to_string" | "as_os_str"
                        | "into" | "unwrap" | "expect" | "borrow" | "as_deref" => &m.receiver,
                        "join" | "with_file_name" | "with_extension" | "to_path_buf"
                        | "as_path" | "into_path_buf" => return Arg::Other { path_like: true },
                        _ => {
                            return Arg::Other {
                                path_like: pathy(&method),
                            }
                        }
                    }
                }
                Expr::Call(c) => {
                    let path_like = match &*c.func {
                        Expr::Path(p) => {
                            let segs = &p.path.segments;
                            let last = segs.last().map(|s| s.ident.to_string());
                            let ty = segs
                                .len()
                                .checked_sub(2)
                                .and_then(|i| segs.get(i))
                                .map(|s| s.ident.to_string());
                            matches!(ty.as_deref(), Some("Path" | "PathBuf"))
                                || last.is_some_and(|l| pathy(&l))
                        }
                        _ => false,
                    };
                    return Arg::Other { path_like };
                }
                _ => return Arg::Other { path_like: false },
            };
        }
        Arg::Other { path_like: false }
    }
}

fn last_ident(path: &syn::Path) -> Option<String> {
    path.segments.last().map(|s| s.ident.to_string())
}

/// Names that suggest a file-system path: `path`, `upload_dir`, `file_name`, `target_folder`.
fn pathy(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["path", "file", "dir", "folder"]
        .iter()
        .any(|w| lower.contains(w))
}
