//! Timers kept in a struct: `Self { ticker: interval(d), .. }` (or `let ticker = interval(d);`
//! then `Self { ticker }`, or `self.ticker = interval(d)`) made in a constructor and ticked
//! by another method's endless loop (`loop { self.ticker.tick().await; work().await; }`).
//! The timer's recurring body is that loop, not the constructor that made it.

use super::macros::{self, MAX_MACRO_DEPTH};
use foldhash::{HashMap, HashSet};
use proc_macro2::LineColumn;
use syn::visit::{self, Visit};
use syn::Expr;

/// For each field name asked for, the opening brace (byte offset) of the innermost endless
/// loop (`loop`, `while`) of the file whose body ticks that field of some value
/// (`self.ticker.tick()`, `state.ticker.tick()`); the first such loop in the file wins.
pub(super) fn ticking_loops(
    file: &syn::File,
    fields: &HashSet<String>,
    offset: &dyn Fn(LineColumn) -> usize,
) -> HashMap<String, usize> {
    let mut finder = LoopFinder {
        fields,
        offset,
        loops: Vec::new(),
        found: HashMap::default(),
        macro_depth: 0,
    };
    finder.visit_file(file);
    finder.found
}

struct LoopFinder<'w> {
    fields: &'w HashSet<String>,
    offset: &'w dyn Fn(LineColumn) -> usize,
    /// The endless loops around the walk, innermost last (their bodies' opening braces).
    loops: Vec<usize>,
    found: HashMap<String, usize>,
    macro_depth: usize,
}

impl LoopFinder<'_> {
    fn in_loop(&mut self, body: &syn::Block, walk: impl FnOnce(&mut Self)) {
        let key = (self.offset)(body.brace_token.span.open().start());
        self.loops.push(key);
        walk(self);
        self.loops.pop();
    }
}

impl<'ast> Visit<'ast> for LoopFinder<'_> {
    fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
        self.in_loop(&l.body, |f| visit::visit_expr_loop(f, l));
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        self.in_loop(&w.body, |f| visit::visit_expr_while(f, w));
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if m.method == "tick" {
            if let (Expr::Field(field), Some(&key)) = (&*m.receiver, self.loops.last()) {
                if let syn::Member::Named(name) = &field.member {
                    let name = name.to_string();
                    if self.fields.contains(&name) {
                        self.found.entry(name).or_insert(key);
                    }
                }
            }
        }
        visit::visit_expr_method_call(self, m);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if self.macro_depth >= MAX_MACRO_DEPTH {
            return;
        }
        self.macro_depth += 1;
        macros::visit_body(self, mac);
        self.macro_depth -= 1;
    }
}

/// The field a timer made by `init` is kept in: `init` itself is the call (through `.await`,
/// `?` and parentheses), whose path is returned with the name it is stored under.
pub(super) fn stored_call(init: &Expr) -> Option<&syn::ExprPath> {
    let mut e = init;
    loop {
        match e {
            Expr::Await(a) => e = &a.base,
            Expr::Try(t) => e = &t.expr,
            Expr::Paren(p) => e = &p.expr,
            Expr::Call(c) => {
                return match &*c.func {
                    Expr::Path(p) if p.qself.is_none() => Some(p),
                    _ => None,
                }
            }
            _ => return None,
        }
    }
}
