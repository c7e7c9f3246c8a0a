//! Process-wide collections that functions write to: `static SESSIONS: LazyLock<DashMap<..>>`
//! (or `lazy_static!`, `OnceLock`, `Lazy`) and `SESSIONS.insert(token, user)` in a handler
//! (see [`EventKind::Collection`](crate::event::EventKind::Collection)); collections in
//! struct fields that the struct's own methods write to (`self.sessions.insert(..)` in an
//! `impl`, see [`EventKind::FieldCollection`](crate::event::EventKind::FieldCollection)); and
//! the registrations that make a struct application state (`web::Data<AppState>`,
//! `.app_data(AppState { .. })`).

use super::local_types::{held_types, LocalTypes};
use super::param_writes::{ParamWrites, Passed};
use crate::event::Event;
use crate::frontend::collections::Collection;
use crate::reach::held::HELD_BY;
use crate::reach::passed::WROTE;
use std::collections::{BTreeMap, BTreeSet};
use syn::Expr;

/// Methods that add to or change a collection.
const WRITE_METHODS: &[&str] = &[
    "insert",
    "put",
    "entry",
    "push",
    "push_back",
    "push_front",
    "extend",
    "append",
    "get_or_insert_with",
    "remove",
];

/// The statics and struct fields of a file and the writes to them, joined when the walk ends
/// (a function may write to a static declared below it).
#[derive(Default)]
pub(super) struct Statics {
    /// Statics by name, struct fields by `Struct.field`.
    candidates: BTreeMap<String, Collection>,
    /// How the file makes structs single instances, as `how:Struct` (see
    /// [`crate::event::FileFacts::registrations`]).
    pub(super) registrations: BTreeSet<String>,
    /// Place name (`STATIC`, `Owner.field`) → the writes to it.
    writes: BTreeMap<String, Vec<Write>>,
    /// Candidate → the simple names of the types its type names, for [`LocalTypes::expand`].
    type_names: BTreeMap<String, Vec<String>>,
    /// The file's type aliases and structs.
    types: LocalTypes,
    /// The locals of the function being walked that hold a lock guard or a reference to a
    /// collection (`let mut cache = TOKEN_CACHE.lock().await;`), by the name they stand for.
    guards: BTreeMap<String, Place>,
    /// The parameters of the function being walked that wrap application state
    /// (`state: web::Data<AppState>`): name → (resolved wrapper, type inside).
    state_params: BTreeMap<String, Vec<(String, String)>>,
    /// The function being walked: its names (`name`, and `Type::name` in an `impl`) and its
    /// parameters in order (a name that a `let` shadows is blanked).
    current: Option<(Vec<String>, Vec<String>)>,
    /// Writes through parameters and the calls that hand collections to functions.
    params: ParamWrites,
    /// The crate's structs each `static` holds (`static HUB: LazyLock<Hub>`), by the static's
    /// name.
    static_held: BTreeMap<String, Vec<String>>,
    /// Whether the chain being noted is the condition of an `if` that ends the function
    /// when the key was already there (`if !seen.insert(id) { return .. }`): see
    /// [`Statics::checking_fill`].
    checked_fill: bool,
}

/// The word a collection filled under a key that, already there, ends the function is
/// described by: it records what was already handled.
const DEDUPE_WORD: &str = "dedupe";

/// A collection a place expression names: its candidate key (`STATIC`, `Owner.field`), the
/// fields passed on the way to it (innermost last), and, for a field of application state
/// reached through a handler parameter, the registrations `write:how:Type.field` a write to
/// it makes.
#[derive(Clone)]
pub(super) struct Place {
    name: String,
    fields: Vec<String>,
    writes_state: Vec<String>,
    /// The position of the current function's parameter it is, when it is one.
    param: Option<usize>,
}

/// One write to a place: the fields passed on the way to the collection (innermost last:
/// `STATE.sessions.insert(..)` gives `sessions`) and the text of its key, when short.
struct Write {
    fields: Vec<String>,
    key: Option<String>,
    /// Whether the write's result ends the function when the key was there (a dedupe set).
    dedupe: bool,
}

/// Methods that lead from a collection's holder to the collection itself: a lock guard, a
/// `OnceLock`'s value, a borrow, an unwrapped result.
const GUARD_METHODS: &[&str] = &[
    "lock",
    "write",
    "get",
    "get_mut",
    "borrow_mut",
    "as_mut",
    "unwrap",
    "expect",
    "force",
];

/// Methods that only read a collection.
const READ_METHODS: &[&str] = &[
    "contains_key",
    "contains",
    "len",
    "is_empty",
    "iter",
    "keys",
    "values",
    "clone",
];

/// Pointers whose `clone` shares the value they point to (`Arc::clone(&state)`).
const SHARED_OWNERS: &[&str] = &["Arc", "Rc"];

/// The [`GUARD_METHODS`] that give write access.
const MUTABLE_ACCESS: &[&str] = &["lock", "write", "get_mut", "borrow_mut", "as_mut"];

/// The functions' locals and parameters, saved by [`Statics::enter_fn`].
pub(super) type FnBindings = (
    BTreeMap<String, Place>,
    BTreeMap<String, Vec<(String, String)>>,
    Option<(Vec<String>, Vec<String>)>,
);

/// The `how` of a state parameter known only by its type (`state: &AppState`).
const PLAIN: &str = "param";

/// Framework extractors whose value is one per process, shared by every request: a
/// collection handed to handlers through one (`sessions: web::Data<Mutex<HashMap<..>>>`,
/// `State(users): State<Users>`) is process-wide state itself.
const SHARED_STATE: &[&str] = &[
    "actix_web::web::Data",
    "actix_web::web::types::Data",
    "axum::extract::State",
    "axum::Extension",
    "axum::extract::Extension",
    "rocket::State",
    "poem::web::Data",
];

/// The candidate key of a collection a handler takes straight from shared state.
const STATE_COLLECTION: &str = "state-param:";

impl Statics {
    /// Records a `static NAME: TYPE`, with the resolved candidates of every type its type
    /// names and the words of its name and type.
    pub(super) fn declare(
        &mut self,
        name: &str,
        ty: &syn::Type,
        span: std::ops::Range<usize>,
        resolve: impl Fn(bool, &[String]) -> Vec<String>,
    ) {
        let (collection, names) = collection(name, ty, span, resolve);
        self.type_names.insert(name.to_string(), names);
        self.candidates.insert(name.to_string(), collection);
    }

    /// Records a field `owner.name: TYPE` of a struct, like [`Statics::declare`], and the
    /// struct it holds (`held-by:Owner:Type`, see [`HELD_BY`]). The struct's name describes
    /// its fields too (`struct IdempotencySet { set: .. }`, `struct UserCache { users: .. }`).
    pub(super) fn declare_field(
        &mut self,
        owner: &str,
        name: &str,
        ty: &syn::Type,
        span: std::ops::Range<usize>,
        resolve: impl Fn(bool, &[String]) -> Vec<String>,
        own: impl Fn(bool, &[String]) -> bool,
    ) {
        let (mut collection, names) = collection(name, ty, span, &resolve);
        let held = held_types(ty, own);
        for held in &held {
            self.registrations
                .insert(format!("{HELD_BY}{owner}:{held}"));
        }
        let mut targets = Vec::new();
        type_paths(ty, &mut |leading_colon, segments| {
            targets.extend(resolve(leading_colon, segments));
        });
        self.types.field(owner, name, &targets, &held);
        collection.describe(owner);
        let key = format!("{owner}.{name}");
        self.type_names.insert(key.clone(), names);
        self.candidates.insert(key, collection.field_of(owner));
    }

    /// Records the crate's structs the `static` named `name` holds: one value per process,
    /// registered as `static:Type`. When the file declares the struct and writes the static's
    /// fields itself (`HUB.peers.insert(..)`), the static is reported as the maps of its
    /// fields instead; when only the struct's methods write them (`HUB.join(..)` with
    /// `self.peers.insert(..)` in `join`), the fields are.
    pub(super) fn held_by_static(&mut self, name: &str, held: Vec<String>) {
        if !held.is_empty() {
            self.static_held.insert(name.to_string(), held);
        }
    }

    /// Records `type name = TYPE;`: a collection whose type names the alias is of the types
    /// the alias names.
    pub(super) fn declare_alias(
        &mut self,
        name: &str,
        ty: &syn::Type,
        resolve: impl Fn(bool, &[String]) -> Vec<String>,
    ) {
        let mut targets = Vec::new();
        type_paths(ty, &mut |leading_colon, segments| {
            targets.extend(resolve(leading_colon, segments));
        });
        self.types.alias(name, targets);
    }

    /// Records `impl:Trait:Type` for `impl Trait for Type`, with every candidate of the
    /// trait's path (`impl Backend<Input> for MemoryBackend` under
    /// `use actix_extensible_rate_limit::backend::Backend`).
    pub(super) fn register_impl(&mut self, traits: &[String], owner: &str) {
        for t in traits {
            self.registrations.insert(format!("impl:{t}:{owner}"));
        }
    }

    /// Records `how:Name` for every type a type names inside the generic arguments of
    /// `resolved` wrappers (`web::Data<Arc<AppState>>` gives `actix_web::web::Data:Arc` and
    /// `actix_web::web::Data:AppState`).
    pub(super) fn register_type(
        &mut self,
        ty: &syn::Type,
        resolve: impl Fn(bool, &[String]) -> Vec<String>,
    ) {
        let syn::Type::Path(p) = ty else { return };
        let Some(last) = p.path.segments.last() else {
            return;
        };
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
            return;
        };
        let wrappers = resolve(p.path.leading_colon.is_some(), &segment_names(&p.path));
        for arg in &args.args {
            if let syn::GenericArgument::Type(inner) = arg {
                type_paths(inner, &mut |_, segments| {
                    if let Some(name) = segments.last() {
                        for how in &wrappers {
                            self.registrations.insert(format!("{how}:{name}"));
                        }
                    }
                });
            }
        }
    }

    /// Records `method:Name` for the structs a method call's arguments build
    /// (`.app_data(web::Data::new(AppState { .. }))` gives `app_data:AppState`,
    /// `.with_state(AppState::new(db))` gives `with_state:AppState`).
    pub(super) fn register_call(&mut self, method: &str, args: &[&Expr]) {
        let mut stack: Vec<&Expr> = args.to_vec();
        let mut seen = 0;
        while let Some(expr) = stack.pop() {
            seen += 1;
            if seen > 16 {
                return;
            }
            let built = match expr {
                Expr::Struct(s) => s.path.segments.last().map(|s| s.ident.to_string()),
                Expr::Call(call) => {
                    stack.extend(call.args.iter());
                    match &*call.func {
                        // `AppState::new(..)`: the type before the constructor.
                        Expr::Path(p) if p.path.segments.len() >= 2 => {
                            let n = p.path.segments.len();
                            Some(p.path.segments[n - 2].ident.to_string())
                        }
                        _ => None,
                    }
                }
                _ => None,
            };
            if let Some(name) = built {
                self.registrations.insert(format!("{method}:{name}"));
            }
        }
    }

    /// Starts a function named `names` with these parameters (`None` for one it cannot
    /// name): its guards and state parameters replace the enclosing one's, which are
    /// returned for [`Statics::leave_fn`].
    pub(super) fn enter_fn(&mut self, names: Vec<String>, params: Vec<String>) -> FnBindings {
        self.params.define(&names);
        (
            std::mem::take(&mut self.guards),
            std::mem::take(&mut self.state_params),
            self.current.replace((names, params)),
        )
    }

    /// Ends a function started with [`Statics::enter_fn`].
    pub(super) fn leave_fn(&mut self, saved: FnBindings) {
        (self.guards, self.state_params, self.current) = saved;
    }

    /// The candidate key of the current function's parameter `name` taken from shared state.
    fn state_collection(&self, name: &str) -> String {
        let function = self
            .current
            .as_ref()
            .and_then(|(names, _)| names.last())
            .map_or("", String::as_str);
        format!("{STATE_COLLECTION}{function}:{name}")
    }

    /// The position of the current function's parameter `name`.
    fn param_index(&self, name: &str) -> Option<usize> {
        let (_, params) = self.current.as_ref()?;
        params.iter().position(|p| p == name)
    }

    /// Records a call of `callees` with these arguments: a collection handed to a function
    /// that writes it is written (see [`ParamWrites`]).
    pub(super) fn note_args(&mut self, callees: Vec<String>, args: &[&Expr], owner: Option<&str>) {
        // The collections' own methods (`map.insert(key, v)`) hand nothing on.
        let own_method = |c: &String| {
            [WRITE_METHODS, GUARD_METHODS, READ_METHODS]
                .iter()
                .any(|list| list.contains(&c.as_str()))
        };
        if callees.is_empty() || callees.iter().all(own_method) {
            return;
        }
        let caller = self
            .current
            .as_ref()
            .map(|(names, _)| names.clone())
            .unwrap_or_default();
        for (index, arg) in args.iter().enumerate() {
            let mut arg = *arg;
            while let Expr::Reference(r) = arg {
                arg = &r.expr;
            }
            if !matches!(arg, Expr::Path(_) | Expr::Field(_)) {
                continue;
            }
            let Some(place) = self.place(arg, owner) else {
                continue;
            };
            let passed = match place.param {
                Some(p) if place.fields.is_empty() => Passed::Param(p),
                _ => {
                    let mut facts = place.writes_state;
                    if place.fields.is_empty() && place.name.contains('.') {
                        facts.push(format!("{WROTE}{}", place.name));
                    }
                    Passed::Place {
                        name: place.name,
                        fields: place.fields,
                        facts,
                    }
                }
            };
            self.params
                .call(callees.clone(), index, caller.clone(), passed);
        }
    }

    /// Records a parameter `name` of type `ty` that wraps application state
    /// (`state: web::Data<AppState>`, `State(state): State<Arc<AppState>>`): a write to
    /// `state.sessions` is a write to the field `sessions` of `AppState`, wherever
    /// `AppState` is declared (see [`Statics::note_chain`]).
    ///
    /// A collection taken straight from shared state (`sessions: web::Data<Mutex<HashMap<..>>>`,
    /// `State(users): State<Users>` with `type Users = Arc<RwLock<HashMap<..>>>`) is a
    /// candidate of its own, written when the handler writes the parameter.
    pub(super) fn bind_param(
        &mut self,
        name: String,
        ty: &syn::Type,
        span: std::ops::Range<usize>,
        resolve: impl Fn(bool, &[String]) -> Vec<String>,
    ) {
        self.guards.remove(&name);
        // `state: &AppState`: a write through a shared reference changes state that lives
        // on (a `&mut` one is usually the state being built).
        let shared = match ty {
            syn::Type::Reference(r) if r.mutability.is_none() => &*r.elem,
            other => other,
        };
        if let Some(owner) = plain_type_name(shared) {
            self.state_params
                .insert(name, vec![(PLAIN.to_string(), owner)]);
            return;
        }
        let syn::Type::Path(p) = shared else {
            self.state_params.remove(&name);
            return;
        };
        let mut inner = Vec::new();
        if let Some(syn::PathArguments::AngleBracketed(args)) =
            p.path.segments.last().map(|s| &s.arguments)
        {
            let wrappers = resolve(p.path.leading_colon.is_some(), &segment_names(&p.path));
            let shared = wrappers.iter().any(|w| SHARED_STATE.contains(&w.as_str()));
            for arg in &args.args {
                if let syn::GenericArgument::Type(t) = arg {
                    if shared {
                        let key = self.state_collection(&name);
                        let (collection, names) = collection(&name, t, span.clone(), &resolve);
                        self.type_names.insert(key.clone(), names);
                        self.candidates.insert(key, collection);
                    }
                    type_paths(t, &mut |_, segments| {
                        if let Some(ty) = segments.last() {
                            for how in &wrappers {
                                inner.push((how.clone(), ty.clone()));
                            }
                        }
                    });
                }
            }
        }
        if inner.is_empty() {
            self.state_params.remove(&name);
        } else {
            self.state_params.insert(name, inner);
        }
    }

    /// Records `let name = init;`: when `init` reaches a collection through guard methods
    /// (`TOKEN_CACHE.lock().await`, `&mut self.typing.write().await`, `&state.sessions`),
    /// later writes through `name` are writes to that collection; any other binding of the
    /// name forgets what it stood for.
    pub(super) fn bind_local(&mut self, name: String, init: Option<&Expr>, owner: Option<&str>) {
        let target = init.and_then(|init| {
            let expr = peel(shared_handle(init), GUARD_METHODS, true);
            match expr {
                Expr::Path(_) | Expr::Field(_) => self.place(expr, owner),
                _ => None,
            }
        });
        self.state_params.remove(&name);
        if let Some(taken) = init.and_then(state_local) {
            self.state_params.insert(name.clone(), vec![taken]);
        }
        if let Some((_, params)) = self.current.as_mut() {
            params
                .iter_mut()
                .filter(|p| **p == name)
                .for_each(String::clear);
        }
        match target {
            Some(target) => self.guards.insert(name, target),
            None => self.guards.remove(&name),
        };
    }

    /// The collection a place expression names: `STATIC`, `Owner.field` for `self.field` in
    /// a method of `Owner`, `AppState.field` for `state.field` of a state parameter, or what
    /// a guard local stands for.
    fn place(&self, root: &Expr, owner: Option<&str>) -> Option<Place> {
        let mut fields = Vec::new();
        let mut base = root;
        let name = loop {
            base = match base {
                Expr::Field(f) => {
                    if let syn::Member::Named(n) = &f.member {
                        fields.push(n.to_string());
                    }
                    &f.base
                }
                Expr::Unary(u) => &u.expr,
                Expr::Reference(r) => &r.expr,
                Expr::Paren(p) => &p.expr,
                // `PRESENCE.lock().unwrap().online.insert(..)`: a field of the value the
                // guard leads to, as through a guard local.
                Expr::Await(a) => &a.base,
                Expr::Try(t) => &t.expr,
                Expr::MethodCall(m)
                    if !fields.is_empty()
                        && GUARD_METHODS.contains(&m.method.to_string().as_str()) =>
                {
                    &m.receiver
                }
                Expr::Path(p) if p.qself.is_none() => {
                    let segments = segment_names(&p.path);
                    let local = segments[..segments.len().saturating_sub(1)]
                        .iter()
                        .all(|s| matches!(s.as_str(), "crate" | "self" | "super"));
                    match segments.last() {
                        Some(last) if local => break (last.clone(), segments.len() == 1),
                        _ => return None,
                    }
                }
                _ => return None,
            };
        };
        let (name, single) = name;
        let place = |name: String, fields: Vec<String>| Place {
            name,
            fields,
            writes_state: Vec::new(),
            param: None,
        };
        if let Some(guard) = self.guards.get(&name).filter(|_| single) {
            let mut guard = guard.clone();
            guard.fields.extend(fields);
            return Some(guard);
        }
        // `sessions.lock().unwrap().insert(..)` on a collection taken from shared state.
        let key = self.state_collection(&name);
        if single && fields.is_empty() && self.candidates.contains_key(&key) {
            return Some(place(key, fields));
        }
        // `map.insert(..)` on a parameter `map: &DashMap<..>`: a write to what callers pass.
        let param = self.param_index(&name).filter(|_| single);
        if let (Some(_), true) = (param, fields.is_empty()) {
            return Some(Place {
                param,
                ..place(name, fields)
            });
        }
        if let (Some(params), true) = (self.state_params.get(&name), single) {
            let field = fields.pop()?;
            let (_, ty) = params.last()?;
            let mut writes_state: Vec<String> = params
                .iter()
                .filter(|(how, _)| how != PLAIN)
                .map(|(how, ty)| format!("write:{how}:{ty}.{field}"))
                .collect();
            writes_state.push(format!("{WROTE}{ty}.{field}"));
            return Some(Place {
                name: format!("{ty}.{field}"),
                fields,
                writes_state,
                param: None,
            });
        }
        // `self.sessions.insert(..)`: the field next to `self`, of the impl's struct.
        match (name.as_str(), owner, fields.pop()) {
            ("self", Some(owner), Some(field)) => Some(place(format!("{owner}.{field}"), fields)),
            ("self", _, _) => None,
            (_, _, Some(field)) => {
                fields.push(field);
                Some(place(name, fields))
            }
            (_, _, None) => Some(place(name, fields)),
        }
    }

    /// Records a write when some link of a method chain adds to a collection rooted at a
    /// plain path (`SESSIONS.lock().unwrap().insert(k, v)`, `crate::PEERS.entry(addr)`), or
    /// at a field of `self` in a method of `owner` (`self.sessions.write().insert(k, v)`).
    /// `text_of` gives the source text of an argument.
    pub(super) fn note_chain(
        &mut self,
        links: &[&syn::ExprMethodCall],
        root: &Expr,
        owner: Option<&str>,
        text_of: impl Fn(&Expr) -> Option<String>,
    ) {
        let Some(write) = links
            .iter()
            .rev()
            .find(|l| WRITE_METHODS.contains(&l.method.to_string().as_str()))
        else {
            return;
        };
        let Some(place) = self.place(root, owner) else {
            return;
        };
        if let (Some(index), true) = (place.param, place.fields.is_empty()) {
            if let Some((names, _)) = &self.current {
                self.params.write(names, index);
            }
            return;
        }
        self.registrations.extend(place.writes_state);
        let key = write
            .args
            .first()
            .filter(|k| !matches!(k, Expr::Closure(_)))
            .and_then(&text_of);
        let dedupe = std::mem::take(&mut self.checked_fill) && write.method == "insert";
        self.writes.entry(place.name).or_default().push(Write {
            fields: place.fields,
            key,
            dedupe,
        });
    }

    /// Marks the next chain noted as the condition of an `if` that returns when the key was
    /// already there: `if !seen.insert(id) { return Ok(..) }` (a set's `insert` is `false`
    /// then). A memo fills a miss and goes on; this check drops a repeated event.
    pub(super) fn checking_fill(&mut self, checks: bool) {
        self.checked_fill = checks;
    }

    /// Records a write when a function hands out write access to a collection: its body
    /// ends in a lock or mutable borrow of it (`fn mut_sessions() -> RwLockWriteGuard<..> {
    /// SESSIONS.get().expect("set").write() }`), which its callers write through.
    pub(super) fn note_accessor(&mut self, block: &syn::Block, owner: Option<&str>) {
        let mut tail = block;
        let mut expr = loop {
            match tail.stmts.last() {
                Some(syn::Stmt::Expr(Expr::Block(b), None)) => tail = &b.block,
                Some(syn::Stmt::Expr(e, None)) => break e,
                _ => return,
            }
        };
        let mut mutable = false;
        loop {
            expr = match expr {
                Expr::Await(a) => &a.base,
                Expr::Try(t) => &t.expr,
                Expr::Paren(p) => &p.expr,
                Expr::MethodCall(m) if GUARD_METHODS.contains(&m.method.to_string().as_str()) => {
                    mutable |= MUTABLE_ACCESS.contains(&m.method.to_string().as_str());
                    &m.receiver
                }
                _ => break,
            };
        }
        if !mutable || !matches!(expr, Expr::Path(_) | Expr::Field(_)) {
            return;
        }
        if let Some(place) = self.place(expr, owner).filter(|p| p.param.is_none()) {
            self.writes.entry(place.name).or_default().push(Write {
                fields: place.fields,
                key: None,
                dedupe: false,
            });
        }
    }

    /// One collection event per static that some function writes to, and one per struct
    /// field: written by the struct's methods here, or (pending) by handlers elsewhere. A
    /// write through a field that holds one of the file's structs
    /// (`self.idempotency_set.set.write().insert(..)`) is a write to that struct's field.
    /// Also the file's registrations, with the facts of its writes through parameters.
    pub(super) fn events(self) -> (Vec<Event>, BTreeSet<String>) {
        let Statics {
            candidates,
            mut writes,
            type_names,
            types,
            params,
            mut registrations,
            static_held,
            ..
        } = self;
        // A struct of this file that a written static holds is reported as that static.
        let reported: BTreeSet<&String> = static_held
            .iter()
            .filter(|(name, _)| writes.contains_key(*name))
            .flat_map(|(_, held)| held)
            .filter(|held| types.has_struct(held))
            .collect();
        let registered: BTreeSet<String> = static_held
            .values()
            .flatten()
            .filter(|held| !reported.contains(held))
            .map(|held| format!("static:{held}"))
            .collect();
        registrations.extend(registered);
        let (passed, facts) = params.resolve();
        registrations.extend(facts);
        for (name, fields) in passed {
            writes.entry(name).or_default().push(Write {
                fields,
                key: None,
                dedupe: false,
            });
        }
        let through: Vec<(String, String)> = writes
            .keys()
            .filter_map(|name| Some((name.clone(), types.held_by_field(name)?.to_string())))
            .collect();
        for (name, held) in through {
            let list = writes.remove(&name).unwrap_or_default();
            let (inner, own): (Vec<Write>, Vec<Write>) =
                list.into_iter().partition(|w| !w.fields.is_empty());
            if !own.is_empty() {
                writes.insert(name, own);
            }
            for mut write in inner {
                if let Some(field) = write.fields.pop() {
                    writes
                        .entry(format!("{held}.{field}"))
                        .or_default()
                        .push(write);
                }
            }
        }
        // The fields of a struct reported as its static are that static's finding.
        let of_reported = |name: &str| {
            name.split_once('.')
                .is_some_and(|(owner, _)| reported.iter().any(|r| r.as_str() == owner))
        };
        let events = candidates
            .into_iter()
            .filter(|(name, _)| !of_reported(name))
            .filter_map(|(name, mut c)| {
                if let Some(names) = type_names.get(&name) {
                    c.add_targets(types.expand(names, !name.contains('.')));
                    let mut held: Vec<String> = static_held.get(&name).cloned().unwrap_or_default();
                    held.extend(types.held_by_field(&name).map(str::to_string));
                    c.holds_entries_with(types.entry_fields(names, &held));
                }
                match writes.remove(&name) {
                    Some(list) => {
                        for write in list {
                            for field in &write.fields {
                                c.written_with(Some(field));
                            }
                            c.written_with(write.key.as_deref());
                            if write.dedupe {
                                c.describe(DEDUPE_WORD);
                            }
                        }
                    }
                    None => {
                        // `Owner.field`, which handlers in other files may write.
                        let (_, field) = name.split_once('.')?;
                        c.written_elsewhere(field);
                    }
                }
                c.into_event()
            })
            .collect();
        (events, registrations)
    }
}

/// A collection named `name` of type `ty`, with the resolved candidates of every type its
/// type names and the words of its name and type; and the simple names of those types.
/// A generic container of another crate describes the container, not what it holds:
/// `moka::sync::Cache<SessionId, Session>` says nothing of a cache the code chose to keep,
/// so its name adds no words (`Session` does; a generic type of this crate does too).
fn collection(
    name: &str,
    ty: &syn::Type,
    span: std::ops::Range<usize>,
    resolve: impl Fn(bool, &[String]) -> Vec<String>,
) -> (Collection, Vec<String>) {
    let mut targets = Vec::new();
    let mut names = Vec::new();
    let mut containers = BTreeSet::new();
    type_paths(ty, &mut |leading_colon, segments| {
        let resolved = resolve(leading_colon, segments);
        let foreign = !resolved.is_empty()
            && resolved.iter().all(|t| {
                t.contains("::")
                    && !["crate::", "self::", "super::"]
                        .iter()
                        .any(|r| t.starts_with(r))
            });
        if foreign {
            containers.extend(segments.last().cloned());
        }
        targets.extend(resolved);
        names.extend(segments.last().cloned());
    });
    let generic = generic_names(ty);
    let mut seen = BTreeSet::new();
    targets.retain(|t| seen.insert(t.clone()));
    let mut collection = Collection::new(targets, span, name);
    let mut declared = String::new();
    type_text(ty, &mut declared, 0);
    collection.declared_as(&declared);
    for n in &names {
        if !(containers.contains(n) && generic.contains(n)) {
            collection.describe(n);
        }
    }
    (collection, names)
}

/// The text of a type as far as what its values are goes: paths with their type
/// arguments, a trait object or `impl` type by its first bound (`Box<dyn Fn() + Send>` is
/// `Box<Fn>`), a reference by what it refers to, a tuple, a function pointer as `fn`.
fn type_text(ty: &syn::Type, out: &mut String, depth: usize) {
    if depth > 16 {
        return;
    }
    let path = |p: &syn::Path, out: &mut String| {
        for (i, segment) in p.segments.iter().enumerate() {
            if i > 0 {
                out.push_str("::");
            }
            out.push_str(&segment.ident.to_string());
            if let syn::PathArguments::AngleBracketed(args) = &segment.arguments {
                out.push('<');
                for (j, arg) in args.args.iter().enumerate() {
                    if j > 0 {
                        out.push(',');
                    }
                    match arg {
                        syn::GenericArgument::Type(t) => type_text(t, out, depth + 1),
                        _ => out.push('_'),
                    }
                }
                out.push('>');
            }
        }
    };
    match ty {
        syn::Type::Path(p) => path(&p.path, out),
        syn::Type::Reference(r) => type_text(&r.elem, out, depth + 1),
        syn::Type::Paren(p) => type_text(&p.elem, out, depth + 1),
        syn::Type::Group(g) => type_text(&g.elem, out, depth + 1),
        syn::Type::TraitObject(t) => t.bounds.iter().take(1).for_each(|b| {
            if let syn::TypeParamBound::Trait(t) = b {
                path(&t.path, out);
            }
        }),
        syn::Type::ImplTrait(t) => t.bounds.iter().take(1).for_each(|b| {
            if let syn::TypeParamBound::Trait(t) = b {
                path(&t.path, out);
            }
        }),
        syn::Type::FnPtr(_) => out.push_str("fn"),
        syn::Type::Tuple(t) => {
            out.push('(');
            for (i, elem) in t.elems.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                type_text(elem, out, depth + 1);
            }
            out.push(')');
        }
        _ => out.push('_'),
    }
}

/// The simple names of the types in `ty` that take type arguments (`Cache` in
/// `Mutex<moka::sync::Cache<String, Code>>`, and `Mutex`).
fn generic_names(ty: &syn::Type) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![ty];
    while let Some(ty) = stack.pop() {
        if out.len() > 64 {
            break;
        }
        match ty {
            syn::Type::Path(p) => {
                for segment in &p.path.segments {
                    if let syn::PathArguments::AngleBracketed(args) = &segment.arguments {
                        let mut typed = false;
                        for arg in &args.args {
                            if let syn::GenericArgument::Type(t) = arg {
                                typed = true;
                                stack.push(t);
                            }
                        }
                        if typed {
                            out.insert(segment.ident.to_string());
                        }
                    }
                }
            }
            syn::Type::Reference(r) => stack.push(&r.elem),
            syn::Type::Paren(p) => stack.push(&p.elem),
            syn::Type::Group(g) => stack.push(&g.elem),
            syn::Type::Tuple(t) => stack.extend(t.elems.iter()),
            syn::Type::Array(a) => stack.push(&a.elem),
            syn::Type::Slice(s) => stack.push(&s.elem),
            _ => {}
        }
    }
    out
}

/// The identifiers of a path's segments.
fn segment_names(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// The target the unit type `()` gives among a collection's types.
const UNIT: &str = "()";

/// Calls `each` with every path a type names, outermost first
/// (`LazyLock<Mutex<HashMap<UserId, Session>>>` gives `LazyLock`, `Mutex`, `HashMap`,
/// `UserId`, `Session`).
fn type_paths(ty: &syn::Type, each: &mut impl FnMut(bool, &[String])) {
    let mut stack = vec![ty];
    let mut seen = 0;
    while let Some(ty) = stack.pop() {
        seen += 1;
        if seen > 64 {
            return;
        }
        match ty {
            syn::Type::Path(p) => {
                let segments = segment_names(&p.path);
                each(p.path.leading_colon.is_some(), &segments);
                for segment in &p.path.segments {
                    if let syn::PathArguments::AngleBracketed(args) = &segment.arguments {
                        for arg in args.args.iter().rev() {
                            if let syn::GenericArgument::Type(t) = arg {
                                stack.push(t);
                            }
                        }
                    }
                }
            }
            syn::Type::Reference(r) => stack.push(&r.elem),
            syn::Type::Paren(p) => stack.push(&p.elem),
            syn::Type::Group(g) => stack.push(&g.elem),
            // The unit type names itself: a map to `()` (`LruCache<String, ()>`) is a set.
            syn::Type::Tuple(t) if t.elems.is_empty() => each(false, &[UNIT.to_string()]),
            syn::Type::Tuple(t) => stack.extend(t.elems.iter().rev()),
            syn::Type::Array(a) => stack.push(&a.elem),
            syn::Type::Slice(s) => stack.push(&s.elem),
            _ => {}
        }
    }
}

/// The `static ref NAME: TYPE = ...;` entries of a `lazy_static!` body.
pub(super) fn lazy_static_entries(
    tokens: &proc_macro2::TokenStream,
) -> Vec<(syn::Ident, syn::Type)> {
    use proc_macro2::TokenTree;
    let tokens: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 3 < tokens.len() {
        let is_ident = |t: &TokenTree, w: &str| matches!(t, TokenTree::Ident(id) if id == w);
        if is_ident(&tokens[i], "static") && is_ident(&tokens[i + 1], "ref") {
            if let (TokenTree::Ident(name), TokenTree::Punct(colon)) =
                (&tokens[i + 2], &tokens[i + 3])
            {
                if colon.as_char() == ':' {
                    let ty: proc_macro2::TokenStream = tokens[i + 4..]
                        .iter()
                        .take_while(|t| !matches!(t, TokenTree::Punct(p) if p.as_char() == '='))
                        .cloned()
                        .collect();
                    if let Ok(ty) = syn::parse2::<syn::Type>(ty) {
                        out.push((name.clone(), ty));
                    }
                }
            }
        }
        i += 1;
    }
    out
}

/// The name of a type that is a plain path of the crate's own kind (`AppState`,
/// `Arc<AppState>`, `services::Registry`): no arguments but an `Arc`'s, capitalised.
fn plain_type_name(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    match &last.arguments {
        syn::PathArguments::None => {
            let name = last.ident.to_string();
            name.starts_with(|c: char| c.is_ascii_uppercase())
                .then_some(name)
        }
        syn::PathArguments::AngleBracketed(args) if last.ident == "Arc" && args.args.len() == 1 => {
            match &args.args[0] {
                syn::GenericArgument::Type(inner) => plain_type_name(inner),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A local taken out of application state, as (how, type): `Limits::from_ref(state)`
/// (axum's `FromRef`), `request.guard::<&State<Limits>>()` and `.state::<Limits>()` (rocket's
/// managed state), also awaited or unwrapped.
fn state_local(init: &Expr) -> Option<(String, String)> {
    match peel(init, &["unwrap", "expect"], false) {
        Expr::Call(call) => {
            let Expr::Path(p) = &*call.func else {
                return None;
            };
            let names = segment_names(&p.path);
            match &names[..] {
                [.., ty, last] if last == "from_ref" => {
                    Some(("axum::extract::State".to_string(), ty.clone()))
                }
                _ => None,
            }
        }
        Expr::MethodCall(m) => {
            let turbofish = m.turbofish.as_ref()?;
            let Some(syn::GenericArgument::Type(ty)) = turbofish.args.first() else {
                return None;
            };
            let ty = match ty {
                syn::Type::Reference(r) => &*r.elem,
                other => other,
            };
            match m.method.to_string().as_str() {
                "state" => Some(("rocket::State".to_string(), plain_type_name(ty)?)),
                "guard" => {
                    let syn::Type::Path(p) = ty else { return None };
                    let last = p.path.segments.last()?;
                    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                        return None;
                    };
                    match (last.ident == "State", args.args.first()) {
                        (true, Some(syn::GenericArgument::Type(inner))) => {
                            Some(("rocket::State".to_string(), plain_type_name(inner)?))
                        }
                        _ => None,
                    }
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Whether a parameter of this type can hold a collection to write to: not a number, a
/// flag, a string, a path or a duration (`key: u64`, `name: &str`).
pub(super) fn may_hold_collection(ty: &syn::Type) -> bool {
    const SCALARS: &[&str] = &[
        "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
        "f32", "f64", "bool", "char", "str", "String", "Path", "PathBuf", "Duration", "Uuid",
    ];
    let mut ty = ty;
    while let syn::Type::Reference(r) = ty {
        ty = &r.elem;
    }
    match ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| !SCALARS.contains(&s.ident.to_string().as_str())),
        _ => true,
    }
}

/// The value a new handle to shared ownership points to: `Arc::clone(&WS_USERS)` and
/// `Rc::clone(&rooms)` give `&WS_USERS` and `&rooms` (a write through the clone is a write
/// to the one value both share); any other expression is itself.
fn shared_handle(expr: &Expr) -> &Expr {
    let Expr::Call(call) = peel(expr, &[], false) else {
        return expr;
    };
    let Expr::Path(p) = &*call.func else {
        return expr;
    };
    let names = segment_names(&p.path);
    let shared = matches!(
        names.as_slice(),
        [.., owner, clone] if clone == "clone" && SHARED_OWNERS.contains(&owner.as_str())
    );
    match call.args.first() {
        Some(arg) if shared && call.args.len() == 1 => arg,
        _ => expr,
    }
}

/// `expr` without the awaits, `?`s, parentheses, method calls named in `through` and, when
/// `references`, borrows around it (`&TOKENS.lock().await?` gives `TOKENS`).
pub(super) fn peel<'e>(expr: &'e Expr, through: &[&str], references: bool) -> &'e Expr {
    let mut expr = expr;
    loop {
        expr = match expr {
            Expr::Await(a) => &a.base,
            Expr::Try(t) => &t.expr,
            Expr::Paren(p) => &p.expr,
            Expr::Group(g) => &g.expr,
            Expr::Reference(r) if references => &r.expr,
            Expr::MethodCall(m) if through.contains(&m.method.to_string().as_str()) => &m.receiver,
            _ => return expr,
        };
    }
}
