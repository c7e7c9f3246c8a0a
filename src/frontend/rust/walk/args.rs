//! Facts about call arguments: literals, members, path-like and temporary paths.

use super::{segments, Walker, ARG_DEPTH};
use crate::event::Arg;
use crate::frontend::rust::scope::Resolved;
use crate::frontend::rust::words;
use syn::spanned::Spanned;
use syn::Expr;

impl Walker<'_> {
    /// Whether an expression yields a path in the temporary directory: `std::env::temp_dir()`,
    /// `tempfile::tempdir()?.path().join(..)`, a `/tmp/` literal, a `tmp`/`temp` name, or a
    /// variable bound to one of those.
    pub(super) fn is_temp_expr(&self, expr: &Expr) -> bool {
        let mut e = expr;
        for _ in 0..2 * ARG_DEPTH {
            e = match e {
                Expr::Reference(r) => &r.expr,
                Expr::Paren(p) => &p.expr,
                Expr::Group(g) => &g.expr,
                Expr::Try(t) => &t.expr,
                Expr::Await(a) => &a.base,
                Expr::MethodCall(m) => &m.receiver,
                Expr::Lit(l) => {
                    return matches!(&l.lit, syn::Lit::Str(s) if words::is_temp_literal(&s.value()))
                }
                Expr::Macro(m) => return self.is_temp_format(&m.mac),
                Expr::Path(p) => {
                    return p.path.segments.last().is_some_and(|last| {
                        let name = last.ident.to_string();
                        crate::frontend::is_temp_name(&name)
                            || (p.path.segments.len() == 1 && self.scopes.is_temp_var(&name))
                    })
                }
                Expr::Field(f) => {
                    return matches!(&f.member, syn::Member::Named(n)
                        if crate::frontend::is_temp_name(&n.to_string()))
                }
                Expr::Call(c) => {
                    let Expr::Path(p) = &*c.func else {
                        return false;
                    };
                    let segments = segments(&p.path);
                    if words::is_temp_call(&segments) {
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

    /// Whether an expression names this instance's own cache, log, pid/lock file or
    /// certificate (`SELF_SIGNED_KEY`, `cache_dir.join(id)`, `"app.pid"`), or is a variable
    /// bound to one.
    pub(super) fn is_instance_expr(&self, expr: &Expr) -> bool {
        let mut inner = expr;
        while let Expr::Reference(r) = inner {
            inner = &r.expr;
        }
        if let Expr::Path(p) = inner {
            if p.path
                .get_ident()
                .is_some_and(|i| self.scopes.is_shared_var(&i.to_string()))
            {
                return false;
            }
        }
        if crate::frontend::words::is_instance_path_text(self.expr_text(expr)) {
            return true;
        }
        let mut e = expr;
        for _ in 0..ARG_DEPTH {
            e = match e {
                Expr::Reference(r) => &r.expr,
                Expr::Paren(p) => &p.expr,
                Expr::Group(g) => &g.expr,
                Expr::MethodCall(m) => &m.receiver,
                Expr::Path(p) => {
                    return p.path.segments.last().is_some_and(|last| {
                        let name = last.ident.to_string();
                        crate::frontend::words::is_instance_path_text(&name)
                            || (p.path.segments.len() == 1 && self.scopes.is_instance_var(&name))
                    })
                }
                Expr::Field(f) => {
                    return matches!(&f.member, syn::Member::Named(n)
                        if crate::frontend::words::is_instance_path_text(&n.to_string()))
                }
                _ => return false,
            };
        }
        false
    }

    /// Whether an expression's source text names shared data (`root.join("uploads")`).
    pub(super) fn names_shared_data(&self, expr: &Expr) -> bool {
        crate::frontend::words::names_shared_data(self.expr_text(expr))
    }

    /// The source text of an expression (its first token where spans cannot be joined).
    fn expr_text(&self, expr: &Expr) -> &str {
        let span = expr.span();
        self.source(self.offset(span.start())..self.offset(span.end()))
    }

    /// `format!("/tmp/{id}")` or `format!("{}/{}", tmp_dir, name)`: a path built in the
    /// temporary directory.
    fn is_temp_format(&self, mac: &syn::Macro) -> bool {
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
                .skip_while(
                    |t| !matches!(t, proc_macro2::TokenTree::Punct(p) if p.as_char() == ','),
                )
                .nth(1)
                .is_some_and(|t| match t {
                    proc_macro2::TokenTree::Ident(i) => {
                        let name = i.to_string();
                        crate::frontend::is_temp_name(&name) || self.scopes.is_temp_var(&name)
                    }
                    _ => false,
                })
    }

    pub(super) fn arg_fact(&self, arg: &Expr) -> Arg {
        if self.is_temp_expr(arg) {
            return Arg::TempPath;
        }
        if !matches!(arg, Expr::Lit(_)) && self.is_instance_expr(arg) {
            return Arg::InstancePath;
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
