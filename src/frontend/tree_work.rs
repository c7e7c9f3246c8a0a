//! The calls of a recurring body in a tree-sitter tree (JavaScript/TypeScript and C#), as
//! [`crate::work::Call`]s, and the same file's functions by name, so that
//! [`crate::work::classify`] can follow them.

use super::tree::text;
use crate::event::{CallbackFlow, Definition};
use crate::frontend::flat::Node;
use crate::frontend::tree::{Fields, Kind};
use crate::work::{self, Call, Work};
use std::collections::HashMap;

/// The node kinds and fields of a grammar that calls are read from.
pub(super) struct Grammar {
    /// Call nodes (`call_expression`, `invocation_expression`).
    pub call: &'static str,
    /// The callee and argument fields of a call.
    pub function: &'static str,
    pub arguments: &'static str,
    /// Member accesses (`a.b`) with their object and property fields.
    pub members: &'static [&'static str],
    pub object: &'static str,
    pub property: &'static str,
    /// Constructions and their type (or constructor) field.
    pub constructs: &'static [&'static str],
    pub constructed: &'static str,
    /// A null-conditional access (`timer?.Dispose()`): its `condition` is the receiver and
    /// its last child binds the member's `name` (empty when the grammar has none).
    pub conditional: &'static str,
    /// Nodes looked through when finding a chain's receiver (`await`, parentheses, `!`).
    pub wrappers: &'static [&'static str],
    /// Function literals: code of their own, left out of argument words.
    pub functions: &'static [&'static str],
    /// A construction whose type is the declared type of what it initializes (C#
    /// target-typed `new(..)`), with the reader of that type in the same file.
    pub implicit_construct: Option<(&'static str, DeclaredType)>,
    /// Methods that only chain handlers onto the result of the call they follow (a promise's
    /// `then`, `catch`, `finally`): a chain of them rooted at a plain function's call is that
    /// call (`query(sql).catch(log)`).
    pub continuations: &'static [&'static str],
    /// The roots (`this`; `*`: any name) of a chain that only reads fields of them and ends in
    /// one neutral call (`this.pending.clear()`, `state.peers.delete(id)`): such a chain has
    /// the fields as its receiver (`this.pending`), not as names it calls.
    pub field_roots: &'static [&'static str],
}

/// Reads the type a construction initializes from the tree around it (see
/// [`Grammar::implicit_construct`]).
pub(super) type DeclaredType = fn(Node<'_>, &str) -> Option<String>;

/// The most nodes read for the recurring bodies of one file; beyond it, bodies are not
/// classified (and so stay reported).
const FILE_BUDGET: usize = 200_000;

/// The most nodes read for the own work of one file's definitions; beyond it they tell
/// none (a call of them stays unknown).
const DEFINITIONS_BUDGET: usize = 400_000;

/// The most argument text kept per call.
const MAX_ARGS: usize = 300;

/// Classifies recurring bodies of one file; remembers the file's functions by simple name.
pub(super) struct BodyWork<'t> {
    grammar: &'static Grammar,
    src: &'t str,
    root: Node<'t>,
    /// Byte ranges of the bodies of the file's functions, by simple name.
    functions: HashMap<String, Vec<std::ops::Range<usize>>>,
    /// Nodes still to be read in this file.
    budget: usize,
    /// The functions handed to calls, when asked for (see [`definitions_work`]).
    handed: Option<Vec<Handed>>,
    /// Fields whose calls run what the project's calls hand a constructor, with its slots.
    handed_fields: HashMap<String, Vec<String>>,
}

/// A function handed to a call: where it goes and what it is.
struct Handed {
    /// The slot (`every#0`, `new:Interval#0`, see [`crate::event::Forwards`]).
    slot: String,
    /// Where the call starts.
    at: usize,
    /// What is handed.
    callback: Callback,
}

/// What a call hands at one position (see [`Handed`]).
enum Callback {
    /// A function literal's byte range.
    Literal(std::ops::Range<usize>),
    /// A name, or a member of the caller itself (`tick`, `this.tick`): the same file's
    /// function, an imported one, or else a value (a parameter, a local) of unknown work.
    Name(String),
    /// A member of another receiver (`jobs.purge`, `_mailer.SendReminders`, a C# method
    /// group): what a call of it runs.
    Member(Call),
}

impl<'t> BodyWork<'t> {
    /// The root of the tree whose bodies it reads.
    pub fn root(&self) -> Node<'t> {
        self.root
    }

    /// A classifier over `root`, with `functions` (simple name → body byte ranges, in any
    /// order: the bodies of one name are read enclosing first, otherwise the later first).
    pub fn new(
        grammar: &'static Grammar,
        src: &'t str,
        root: Node<'t>,
        mut functions: HashMap<String, Vec<std::ops::Range<usize>>>,
    ) -> Self {
        for ranges in functions.values_mut() {
            ranges.sort_by(|a, b| {
                if a.start <= b.start && b.end <= a.end {
                    std::cmp::Ordering::Less
                } else if b.start <= a.start && a.end <= b.end {
                    std::cmp::Ordering::Greater
                } else {
                    b.start.cmp(&a.start)
                }
            });
        }
        BodyWork {
            grammar,
            src,
            root,
            functions,
            budget: FILE_BUDGET,
            handed: None,
            handed_fields: Default::default(),
        }
    }

    /// Whether the file defines a function of this simple name.
    pub fn defines(&self, name: &str) -> bool {
        self.functions.contains_key(name)
    }

    /// The work of a body (a function literal, a block, a loop body); `None` once the
    /// file's budget is spent.
    pub fn of_node(&mut self, body: Node<'_>) -> Option<Work> {
        let calls = self.calls(body)?;
        Some(self.classify(&calls))
    }

    /// The work of the same file's function `name` (a callback passed by name).
    pub fn of_function(&mut self, name: &str) -> Option<Work> {
        self.defines(name).then_some(())?;
        self.of_calls(&[Call::new("", vec![name.to_string()], "")])
    }

    /// The work of a body made of these calls (the handlers a timer raises).
    pub fn of_calls(&mut self, calls: &[Call]) -> Option<Work> {
        (self.budget > 0).then(|| self.classify(calls))
    }

    /// The work that the calls of a timer wrapper in this file hand it (issue: a timer whose
    /// callback is a parameter of the function or constructor around it, `new Interval(cb,
    /// ms)`): each call written as one of `names` (a construction: its type's last name),
    /// outside the wrapper itself
    /// (`inside`), gives the work of its argument at `index` (a function literal, a function
    /// of this file by name, anything else unknown). `None` when the file makes no such call
    /// (or its budget is spent): the wrapper is then judged by its own body.
    pub fn forwarded_work(
        &mut self,
        names: &[String],
        index: usize,
        inside: std::ops::Range<usize>,
    ) -> Option<Work> {
        let g = self.grammar;
        let mut sites = Vec::new();
        let mut stack = vec![self.root];
        while let Some(n) = stack.pop() {
            self.budget = self.budget.checked_sub(1)?;
            let kind = n.kind_str();
            // A call names the wrapper as written (`every`, `this.every`, `Timers.Every`); a
            // construction by its type's last name.
            let callee = if kind == g.call {
                n.field(g.function).map(|f| compact(text(f, self.src)))
            } else if g.constructs.contains(&kind) {
                n.field(g.constructed)
                    .map(|t| simple_name(text(t, self.src)).to_string())
            } else {
                None
            };
            let outside = n.start_byte() >= inside.end || n.end_byte() <= inside.start;
            if let Some(callee) = callee.filter(|_| outside) {
                if names.contains(&callee) {
                    if let Some(arg) = self.argument(n, index) {
                        sites.push(arg);
                    }
                }
            }
            let mut cursor = n.walk();
            stack.extend(n.named_children(&mut cursor));
        }
        let mut work: Option<Work> = None;
        for arg in sites {
            let w = self.of_argument(arg)?;
            work.get_or_insert_with(Work::default).extend(w);
        }
        work
    }

    /// The argument at `index` of a call or construction, looked through its wrappers.
    fn argument<'n>(&self, call: Node<'n>, index: usize) -> Option<Node<'n>> {
        let args = call.field(self.grammar.arguments)?;
        let mut cursor = args.walk();
        let arg = args
            .named_children(&mut cursor)
            .filter(|a| a.kind_str() != "comment")
            .nth(index)?;
        self.unwrapped(arg)
    }

    /// An argument looked through its wrappers (`await`, parentheses, C#'s `argument`).
    fn unwrapped<'n>(&self, mut arg: Node<'n>) -> Option<Node<'n>> {
        while self.grammar.wrappers.contains(&arg.kind_str()) {
            let count = arg.named_child_count();
            arg = arg.named_child(u32::try_from(count.checked_sub(1)?).ok()?)?;
        }
        Some(arg)
    }

    /// The work of a callback handed to a call: a function literal's body, the same file's
    /// function it names, or unknown work.
    fn of_argument(&mut self, arg: Node<'_>) -> Option<Work> {
        if self.grammar.functions.contains(&arg.kind_str()) {
            return self.of_node(arg.field("body").unwrap_or(arg));
        }
        let name = simple_name(text(arg, self.src));
        if self.defines(name) {
            return self.of_function(name);
        }
        let mut work = Work::default();
        work.kinds.insert(work::UNKNOWN.to_string());
        Some(work)
    }

    /// Whether the same file's function `name`, or one it calls (a few calls deep), makes a
    /// call for which `wanted` holds (a timer callback that disposes its own timer).
    pub fn function_calls(&mut self, name: &str, wanted: &dyn Fn(&Call) -> bool) -> bool {
        let mut pending = vec![(name.to_string(), 0)];
        let mut seen = std::collections::HashSet::new();
        while let Some((name, depth)) = pending.pop() {
            if depth > 2 || !seen.insert(name.clone()) {
                continue;
            }
            let Some(calls) = self.function_body_calls(&name) else {
                continue;
            };
            for call in &calls {
                if wanted(call) {
                    return true;
                }
                if let Some(m) = call.methods.first() {
                    if call.methods.len() == 1 && self.defines(m) {
                        pending.push((m.clone(), depth + 1));
                    }
                }
            }
        }
        false
    }

    /// The calls of the same file's functions named `name`.
    fn function_body_calls(&mut self, name: &str) -> Option<Vec<Call>> {
        let ranges = self.functions.get(name)?.clone();
        let mut out = Vec::new();
        for r in ranges {
            let node = self.root.descendant_for_byte_range(r.start, r.end)?;
            out.extend(self.calls(node)?);
        }
        Some(out)
    }

    fn classify(&mut self, calls: &[Call]) -> Work {
        let fields = std::mem::take(&mut self.handed_fields);
        let mut lookup = |name: &str| self.function_body_calls(name);
        let work = work::classify_handed(calls, &mut lookup, &|name| fields.get(name).cloned());
        self.handed_fields = fields;
        work
    }

    /// Sets the fields whose calls run what the project's calls hand a constructor, with
    /// its slots (see [`crate::event::Forwards::slots`]).
    pub fn set_handed_fields(&mut self, links: &[(String, String)]) {
        self.handed_fields.clear();
        for (field, slot) in links {
            self.handed_fields
                .entry(field.clone())
                .or_default()
                .push(slot.clone());
        }
    }

    /// The calls under `node`, a method chain counting once; `None` once the budget is spent.
    fn calls(&mut self, node: Node<'_>) -> Option<Vec<Call>> {
        Some(
            self.placed_calls(node)?
                .into_iter()
                .map(|(_, c)| c)
                .collect(),
        )
    }

    /// The calls under `node` with the byte offset each starts at.
    fn placed_calls(&mut self, node: Node<'_>) -> Option<Vec<(usize, Call)>> {
        let mut out = Vec::new();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            if self.budget == 0 {
                return None;
            }
            self.budget -= 1;
            let kind = n.kind_str();
            if kind == self.grammar.call {
                let call = self.chain(n, &mut stack);
                if self.handed.is_some() {
                    if let Some(key) = call_key(&call) {
                        self.note_handed(n, &key);
                    }
                }
                out.push((n.start_byte(), call));
                continue;
            }
            let implicit = self
                .grammar
                .implicit_construct
                .filter(|(k, _)| *k == kind)
                .map(|(_, declared)| declared(n, self.src).unwrap_or_default());
            if let Some(ty) = implicit {
                if self.handed.is_some() && !ty.is_empty() {
                    self.note_handed(n, &format!("new:{}", simple_name(&ty)));
                }
                let args = self.arguments_of(n);
                out.push((
                    n.start_byte(),
                    Call::new(ty, vec!["new".into()], self.arg_words(args)),
                ));
                if let Some(a) = args {
                    stack.push(a);
                }
                continue;
            }
            if self.grammar.constructs.contains(&kind) {
                let ty = n
                    .field(self.grammar.constructed)
                    .map(|t| text(t, self.src))
                    .unwrap_or("");
                if self.handed.is_some() {
                    let name = simple_name(ty);
                    if !name.is_empty() {
                        self.note_handed(n, &format!("new:{name}"));
                    }
                }
                let args = n.field(self.grammar.arguments);
                let call = Call::new(ty, vec!["new".into()], self.arg_words(args));
                out.push((n.start_byte(), call));
                if let Some(a) = args {
                    stack.push(a);
                }
                continue;
            }
            let mut cursor = n.walk();
            stack.extend(n.named_children(&mut cursor));
        }
        Some(out)
    }

    /// Notes the functions handed to a call or construction keyed `key`: function literals
    /// and functions named by reference (`tick`, `this.tick`, `this.tick.bind(this)`).
    fn note_handed(&mut self, call: Node<'_>, key: &str) {
        let Some(args) = self.arguments_of(call) else {
            return;
        };
        let mut found = Vec::new();
        let mut cursor = args.walk();
        let all = args.named_children(&mut cursor);
        for (index, arg) in all.filter(|a| a.kind_str() != "comment").enumerate() {
            let Some(arg) = self.unwrapped(arg) else {
                continue;
            };
            let callback = if self.grammar.functions.contains(&arg.kind_str()) {
                Callback::Literal(arg.start_byte()..arg.end_byte())
            } else {
                match self.referenced_function(arg) {
                    Some(callback) => callback,
                    None => continue,
                }
            };
            found.push(Handed {
                slot: format!("{key}#{index}"),
                at: call.start_byte(),
                callback,
            });
        }
        if let Some(handed) = &mut self.handed {
            handed.extend(found);
        }
    }

    /// The arguments of a call or construction (a target-typed `new(..)` has no field).
    fn arguments_of<'n>(&self, call: Node<'n>) -> Option<Node<'n>> {
        call.field(self.grammar.arguments).or_else(|| {
            let mut cursor = call.walk();
            let found = call
                .named_children(&mut cursor)
                .find(|c| c.kind_str() == "argument_list");
            found
        })
    }

    /// A function passed by reference: a name, a member (`this.tick`, `jobs.purge`) or a
    /// member bound to its object (`this.tick.bind(this)`).
    fn referenced_function(&self, arg: Node<'_>) -> Option<Callback> {
        let g = self.grammar;
        let mut arg = arg;
        if arg.kind_str() == g.call {
            let f = arg.field(g.function)?;
            let bound = g.members.contains(&f.kind_str())
                && f.field(g.property).map(|p| text(p, self.src)) == Some("bind");
            arg = if bound {
                f.field(g.object)?
            } else {
                return None;
            };
        }
        if arg.kind_str() == "identifier" {
            let name = text(arg, self.src);
            return (!name.is_empty()).then(|| Callback::Name(name.to_string()));
        }
        if !g.members.contains(&arg.kind_str()) {
            return None;
        }
        let name = text(arg.field(g.property)?, self.src);
        let object = arg.field(g.object)?;
        let receiver = text(object, self.src);
        if receiver == "this" {
            return Some(Callback::Name(name.to_string()));
        }
        let plain = |n: Node<'_>| n.kind_str() == "identifier" || g.members.contains(&n.kind_str());
        (plain(object) && !name.is_empty())
            .then(|| Callback::Member(Call::new(compact(receiver), vec![name.to_string()], "")))
    }

    /// One method chain (`a.b(x).c(y)`) as a call; pushes the arguments (and any complex
    /// receiver) for further reading.
    fn chain<'n>(&self, call: Node<'n>, stack: &mut Vec<Node<'n>>) -> Call {
        let g = self.grammar;
        let mut methods = Vec::new();
        let mut args = String::new();
        let mut cur = call;
        // Whether the next member read is the name of a call (`a.b()`) or a field read (`a.b.c()`).
        let mut next_called = true;
        let mut read_fields = 0usize;
        let receiver = loop {
            match cur.kind_str() {
                // `query(sql).catch(log)`: a chain of continuations rooted at a plain
                // function's call is that call too (the job itself, whatever the promise's
                // handlers do), read as its own call.
                k if k == g.call
                    && !methods.is_empty()
                    && methods
                        .iter()
                        .all(|m: &String| g.continuations.contains(&m.as_str()))
                    && cur
                        .field(g.function)
                        .is_some_and(|f| f.kind_str() == "identifier") =>
                {
                    stack.push(cur);
                    break cur
                        .field(g.function)
                        .map(|f| compact(text(f, self.src)))
                        .unwrap_or_default();
                }
                k if k == g.call => {
                    let a = cur.field(g.arguments);
                    if let Some(a) = a {
                        stack.push(a);
                    }
                    args.push_str(&self.arg_words(a));
                    args.push(' ');
                    next_called = true;
                    match cur.field(g.function) {
                        Some(f) => cur = f,
                        None => break String::new(),
                    }
                }
                k if g.members.contains(&k) => {
                    if let Some(p) = cur.field(g.property) {
                        methods.push(text(p, self.src).to_string());
                        read_fields = if next_called { 0 } else { read_fields + 1 };
                    }
                    next_called = false;
                    match cur.field(g.object) {
                        Some(o) => cur = o,
                        None => break String::new(),
                    }
                }
                k if k == g.conditional => {
                    let count = cur.named_child_count();
                    let name = count
                        .checked_sub(1)
                        .and_then(|i| cur.named_child(u32::try_from(i).ok()?))
                        .and_then(|b| b.field("name"));
                    if let Some(n) = name {
                        methods.push(text(n, self.src).to_string());
                    }
                    match cur.field("condition") {
                        Some(c) => cur = c,
                        None => break String::new(),
                    }
                }
                k if g.wrappers.contains(&k) => match cur.named_child(0) {
                    Some(inner) => cur = inner,
                    None => break String::new(),
                },
                _ if methods.is_empty() => {
                    // A plain function call: the callee's name is the method.
                    methods.push(text(cur, self.src).to_string());
                    break String::new();
                }
                _ => {
                    if cur.named_child_count() > 0 {
                        stack.push(cur);
                    }
                    break compact(text(cur, self.src));
                }
            }
        };
        methods.reverse();
        let receiver = self.own_fields(receiver, &mut methods, read_fields);
        Call::new(receiver, methods, args)
    }

    /// A chain on the object itself or a variable that reads only fields of it before one
    /// neutral call (`this.pending.clear()`: `read` fields, then `clear`) calls it on those
    /// fields: they become the receiver (`this.pending`), so a field is not taken for a
    /// function the object calls. Other chains are kept as they are.
    fn own_fields(&self, receiver: String, methods: &mut Vec<String>, read: usize) -> String {
        let named = !receiver.is_empty()
            && receiver
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
        let root = self
            .grammar
            .field_roots
            .iter()
            .any(|r| *r == receiver || (*r == "*" && named));
        if !root || read == 0 || methods.len() != read + 1 {
            return receiver;
        }
        let neutral = methods
            .last()
            .is_some_and(|m| crate::work::is_neutral_method(m));
        let objects = methods[..read]
            .iter()
            .any(|f| crate::work::names_working_object(f));
        if !neutral || objects {
            return receiver;
        }
        let last = methods.pop().unwrap_or_default();
        let fields = std::mem::replace(methods, vec![last]);
        std::iter::once(receiver)
            .chain(fields)
            .collect::<Vec<_>>()
            .join(".")
    }

    /// The words of an argument list, function literals left out.
    fn arg_words(&self, args: Option<Node<'_>>) -> String {
        let Some(args) = args else {
            return String::new();
        };
        let mut out = String::new();
        let mut cursor = args.walk();
        for a in args.named_children(&mut cursor) {
            if self.grammar.functions.contains(&a.kind_str()) || out.len() > MAX_ARGS {
                continue;
            }
            let t = text(a, self.src);
            out.push_str(t.get(..t.len().min(MAX_ARGS)).unwrap_or(""));
            out.push(' ');
        }
        out
    }
}

/// Gives each named definition with a body its own work ([`Definition::work`], see
/// [`crate::reach::work`]): one read of the file's calls, each counted for the innermost
/// definition around it (nested closures count for the function around them). A declaration
/// without a body (an interface's or abstract method) tells nothing; nor does any
/// definition of a file too large to read.
///
/// Returns the functions the file hands to calls whose work is not all this process's own
/// (see [`crate::event::Forwards`]); `imported` gives the name an imported binding stands
/// for in its own module (`import { sendDigests as digest }`: `digest` is `sendDigests`).
pub(super) fn definitions_work(
    grammar: &'static Grammar,
    src: &str,
    root: Node<'_>,
    definitions: &mut [Definition],
    imported: &HashMap<String, String>,
) -> Vec<CallbackFlow> {
    let mut reader = BodyWork::new(grammar, src, root, HashMap::new());
    reader.budget = DEFINITIONS_BUDGET;
    reader.handed = Some(Vec::new());
    let Some(mut calls) = reader.placed_calls(root) else {
        return Vec::new();
    };
    let handed = reader.handed.take().unwrap_or_default();
    calls.sort_by_key(|(at, _)| *at);
    let (offsets, calls): (Vec<usize>, Vec<Call>) = calls.into_iter().unzip();
    let defined: std::collections::HashSet<&str> =
        definitions.iter().map(|d| d.name.as_str()).collect();
    let flows = callback_flows(
        src,
        handed,
        (&offsets, &calls),
        &|name| defined.contains(name),
        imported,
    );
    // Definitions by start, the enclosing one first; a stack of those open at each call.
    let mut order: Vec<usize> = (1..definitions.len()).collect();
    order.sort_by_key(|&i| {
        (
            definitions[i].span.start,
            std::cmp::Reverse(definitions[i].span.end),
        )
    });
    let mut per_definition: Vec<Vec<Call>> = vec![Vec::new(); definitions.len()];
    let mut open: Vec<usize> = Vec::new();
    let mut next = 0;
    for (at, call) in offsets.into_iter().zip(calls) {
        while let Some(&d) = order
            .get(next)
            .filter(|&&d| definitions[d].span.start <= at)
        {
            let start = definitions[d].span.start;
            while open
                .last()
                .is_some_and(|&o| definitions[o].span.end <= start)
            {
                open.pop();
            }
            open.push(d);
            next += 1;
        }
        while open.last().is_some_and(|&o| definitions[o].span.end <= at) {
            open.pop();
        }
        if let Some(&d) = open.last() {
            per_definition[d].push(call);
        }
    }
    let works: Vec<Option<work::DirectWork>> = definitions
        .iter()
        .zip(&per_definition)
        .map(|(d, calls)| {
            let text = src.get(d.span.clone()).unwrap_or("");
            let has_body = text.contains('{') || text.contains("=>");
            (!d.name.is_empty() && has_body)
                .then(|| work::direct(calls, &|name| defined.contains(name)))
        })
        .collect();
    for (d, w) in definitions.iter_mut().zip(works) {
        d.work = w;
    }
    flows
}

/// The flows of the functions handed to calls (`placed`: the calls, each with where it
/// starts, in order): each literal's calls, nested ones included, the same file's function
/// or the imported one a name stands for (by its key, for the project to resolve), what a
/// call of a member of another receiver runs; any other name (a parameter, a local) does
/// unknown work. Flows of only this process's own work are left out (a slot nothing else
/// reaches is own), and so is a flow the file already handed the same slot.
fn callback_flows(
    src: &str,
    mut handed: Vec<Handed>,
    (offsets, calls): (&[usize], &[Call]),
    defined: &dyn Fn(&str) -> bool,
    imported: &HashMap<String, String>,
) -> Vec<CallbackFlow> {
    let Ok(kinds) = work::kinds() else {
        return Vec::new();
    };
    handed.sort_by_key(|h| h.at);
    let mut budget = DEFINITIONS_BUDGET;
    let mut line = 1;
    let mut counted = 0;
    let mut flows = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for h in handed {
        let own_work = match &h.callback {
            Callback::Literal(range) => {
                let first = offsets.partition_point(|&o| o < range.start);
                let last = offsets.partition_point(|&o| o < range.end);
                let Some(left) = budget.checked_sub(last.saturating_sub(first)) else {
                    break;
                };
                budget = left;
                work::direct(calls.get(first..last).unwrap_or(&[]), defined)
            }
            Callback::Name(name) if defined(name) => {
                work::direct(&[Call::new("", vec![name.clone()], "")], defined)
            }
            Callback::Name(name) => match imported.get(name) {
                Some(original) => {
                    work::direct(&[Call::new("", vec![original.clone()], "")], &|_| false)
                }
                None => work::DirectWork {
                    kinds: [work::UNKNOWN.to_string()].into(),
                    callees: Default::default(),
                },
            },
            Callback::Member(call) => work::direct(std::slice::from_ref(call), defined),
        };
        if own_work.callees.is_empty() && own_work.kinds.iter().all(|k| kinds.is_own(k)) {
            continue;
        }
        if !seen.insert((h.slot.clone(), own_work.clone())) {
            continue;
        }
        line += src
            .get(counted..h.at)
            .map_or(0, |s| s.bytes().filter(|b| *b == b'\n').count());
        counted = counted.max(h.at);
        flows.push(CallbackFlow {
            slot: h.slot,
            work: own_work,
            line,
        });
    }
    flows
}

/// The key a call answers to as a wrapper's caller: its last name, read through the
/// receiver and the names before it (`every`, `this.every`: `every`; `Timers.Every`:
/// `timers.Every`; see [`work::callee_key`]).
fn call_key(call: &Call) -> Option<String> {
    let (name, before) = call.methods.split_last()?;
    let receiver = std::iter::once(call.receiver.as_str())
        .chain(before.iter().map(String::as_str))
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(".");
    work::callee_key(&Call::new(receiver, Vec::new(), ""), name)
}

/// The last name of a callee or type (`this.repeat`, `Timers.Interval<T>`, `PortableTimer`).
fn simple_name(s: &str) -> &str {
    let s = s.split('<').next().unwrap_or(s);
    s.rsplit('.').next().unwrap_or(s).trim()
}

/// A receiver's text without whitespace, cut short.
fn compact(s: &str) -> String {
    s.split_whitespace()
        .collect::<String>()
        .chars()
        .take(200)
        .collect()
}
