//! What the body of a recurring job does: the kinds of work of a timer callback, a cron job
//! or a polling loop, from the calls in it (resolved through the same file's functions).
//!
//! A frontend lists the calls of the body ([`Call`]: a method chain with its receiver and
//! argument words) and answers for the same file's functions; [`classify`] returns the kinds
//! of work ([`Work`]). The kinds and their words are data ([`kinds.toml`](work/kinds.toml),
//! embedded and validated at start-up); rules name the kinds that silence them
//! (`[unless] work_only`). A call that no kind, neutral word or same-file function explains
//! is [`UNKNOWN`]: when unsure, a body does shared work.
//!
//! A call of a function another file defines is left to the project ([`Work::pending`]):
//! each frontend gives every definition its own direct work ([`DirectWork`], the same
//! classification over its calls), and [`crate::reach::work`] closes it over the name-based
//! call graph, once per scan. A single-file run knows no other file: such a call is unknown.

use crate::reach::words::split_words;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::LazyLock;

/// What a body does: its kinds of work, and the functions of other files it calls.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Work {
    /// The kinds of work, by kind id, sorted.
    pub kinds: BTreeSet<String>,
    /// The simple names of the functions it calls (a few calls deep) that its own file does
    /// not define: another file's function may claim the work
    /// ([`crate::reach::claims`]: rows locked with `SKIP LOCKED`, a distributed lock).
    pub callees: BTreeSet<String>,
    /// The functions of other files whose work nothing here explains, by [`callee_key`]:
    /// the project tells what they do ([`crate::reach::work`]); until it does, they make
    /// the body's work [`UNKNOWN`].
    pub pending: BTreeSet<String>,
    /// Whether something other than [`pending`](Work::pending) makes the work unknown (a
    /// call with no name to look up, a chain followed too deep): then the project cannot
    /// tell it either.
    pub unknown_here: bool,
}

impl Work {
    /// Adds the kinds and callees of `other` (the work of another callback of one timer).
    pub fn extend(&mut self, other: Work) {
        self.kinds.extend(other.kinds);
        self.callees.extend(other.callees);
        self.pending.extend(other.pending);
        self.unknown_here |= other.unknown_here;
    }

    /// Whether some call does work of a known shared kind (a database write, an e-mail,
    /// an HTTP call), not merely unknown work.
    pub fn is_shared(&self) -> bool {
        kinds().is_ok_and(|k| self.kinds.iter().any(|id| k.is_shared(id)))
    }

    /// The kinds of work but for the pending functions' (which the project tells):
    /// `None` when something else makes the work unknown.
    pub fn kinds_but_pending(&self) -> Option<impl Iterator<Item = &str>> {
        (!self.unknown_here).then(|| {
            self.kinds
                .iter()
                .map(String::as_str)
                .filter(|k| *k != UNKNOWN || self.pending.is_empty())
        })
    }
}

/// A definition's own work: the kinds of its direct calls, and the functions it calls whose
/// work their own definitions tell (by [`callee_key`]), for [`crate::reach::work`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct DirectWork {
    /// The kinds of work of its calls, sorted.
    pub kinds: BTreeSet<String>,
    /// The functions it calls that no kind explains, by [`callee_key`], sorted.
    pub callees: BTreeSet<String>,
}

/// The event targets whose recurring body is worth classifying: those a rule with a
/// `work_only` mitigation can match (exact targets, `prefix*` and `*suffix` globs).
/// Classifying every callback of every call would cost more than the rest of the lint.
#[derive(Debug, Clone, Default)]
pub struct WorkTargets {
    exact: HashSet<String>,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
}

impl WorkTargets {
    /// The targets of rule patterns, as written in the rules.
    pub fn new<'a>(targets: impl IntoIterator<Item = &'a str>) -> Self {
        let mut wanted = WorkTargets::default();
        for t in targets {
            if let Some(suffix) = t.strip_prefix('*') {
                wanted.suffixes.push(suffix.to_string());
            } else if let Some(prefix) = t.strip_suffix('*') {
                wanted.prefixes.push(prefix.to_string());
            } else {
                wanted.exact.insert(t.to_string());
            }
        }
        wanted
    }

    fn matches(&self, target: &str) -> bool {
        self.exact.contains(target)
            || self.prefixes.iter().any(|p| target.starts_with(p.as_str()))
            || self.suffixes.iter().any(|s| target.ends_with(s.as_str()))
    }
}

thread_local! {
    static WANTED: std::cell::RefCell<Option<std::sync::Arc<WorkTargets>>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs `f` (a frontend's extraction) with only `targets` asking for their body's work; see
/// [`wanted`]. The previous setting is restored afterwards, also when `f` panics.
pub fn with_targets<T>(targets: std::sync::Arc<WorkTargets>, f: impl FnOnce() -> T) -> T {
    with_current_targets(Some(targets), f)
}

/// Runs `f` with the setting [`current_targets`] returned on another thread (`None`: every
/// target wants its body's work); the previous setting is restored afterwards.
pub fn with_current_targets<T>(
    targets: Option<std::sync::Arc<WorkTargets>>,
    f: impl FnOnce() -> T,
) -> T {
    struct Restore(Option<std::sync::Arc<WorkTargets>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            WANTED.with(|w| *w.borrow_mut() = previous);
        }
    }
    let _restore = Restore(WANTED.with(|w| std::mem::replace(&mut *w.borrow_mut(), targets)));
    f()
}

/// The targets set by the [`with_targets`] running on this thread, if any: to set them
/// again on another thread that does part of the same extraction.
pub fn current_targets() -> Option<std::sync::Arc<WorkTargets>> {
    WANTED.with(|w| w.borrow().clone())
}

/// Whether an event with any of `targets` should carry its recurring body's work: always,
/// unless the engine named the targets that can use it ([`with_targets`]).
pub fn wanted<'a>(mut targets: impl Iterator<Item = &'a String>) -> bool {
    WANTED.with(|w| match &*w.borrow() {
        None => true,
        Some(wanted) => targets.any(|t| wanted.matches(t)),
    })
}

/// Whether `name` is a called name listed as neutral whole (`clear`, `delete`, `push`): it
/// reads or reshapes a value, or changes a collection of this process.
pub fn is_neutral_method(name: &str) -> bool {
    kinds().is_ok_and(|k| k.neutral.methods.contains(&plain_method(name)))
}

/// Whether a field's name says it holds an object that does work of its own (an injected
/// service, a repository, a client: `reverseShareService`, `_commandQueue`), by its last word.
pub fn names_working_object(field: &str) -> bool {
    let words = split_words(field);
    kinds().is_ok_and(|k| has_any(&words[words.len().saturating_sub(1)..], &k.neutral.objects))
}

/// The kind of a call nothing explains: shared work, since unsure.
pub const UNKNOWN: &str = "unknown";

/// The kind of a body that calls nothing but neutral code: it only changes this process's
/// memory (or nothing at all, like an empty callback).
pub const IN_MEMORY: &str = "in-memory";

/// How many calls deep the same file's functions are followed.
const DEPTH: usize = 3;

/// The most calls classified for one body, callees included; beyond it the body is unknown.
const MAX_CALLS: usize = 400;

/// One call of a body: a method chain counts once (`Sessions.Where(..).ToList()`,
/// `client.post(url).json(&body).send()`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Call {
    /// The text of the chain's root receiver (`this.cache`, `_logger`, `HTTP_CLIENT`,
    /// `Report`); empty for a plain function call.
    pub receiver: String,
    /// The names called along the chain, innermost first (`["Where", "ToList"]`).
    pub methods: Vec<String>,
    /// Identifier and string words of the arguments (nested functions left out).
    pub args: String,
}

impl Call {
    /// A call of `methods` on `receiver` with argument words `args`.
    pub fn new(receiver: impl Into<String>, methods: Vec<String>, args: impl Into<String>) -> Self {
        Call {
            receiver: receiver.into(),
            methods,
            args: args.into(),
        }
    }
}

/// One kind of work and the words that give it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kind {
    /// The id rules name (`metrics`, `database`).
    pub id: String,
    /// Whether the work is shared by every instance (a database write, an e-mail) rather
    /// than this process's own (its metrics, its cache).
    pub shared: bool,
    /// Whether the work makes one instance do each piece of it (a distributed lock, lease or
    /// election, a consumer group, rows claimed with `SKIP LOCKED`): such a kind is looked for
    /// before every other one, and a rule names it in `[unless] work_any`.
    #[serde(default)]
    pub coordinates: bool,
    /// One line on what it is.
    pub about: String,
    /// Words of an argument that name the work (`ANALYTICS_URL`); checked first.
    #[serde(default)]
    pub arguments: Vec<String>,
    /// Words the arguments must start with (`SELECT`): a query whose text opens so, with all
    /// of `then_arguments` and none of `not_arguments` in it, is of this kind; checked with
    /// `arguments`.
    #[serde(default)]
    pub leading_arguments: Vec<String>,
    /// Words of a called name that say a function of the same file does this work, whatever
    /// its calls do: for this instance's own kinds instead of judging it by its calls
    /// (`WriteHeartbeatAsync`: each instance upserting its own heartbeat row is the design),
    /// for a shared kind besides them (`send_mail` sends mail, however it does it).
    #[serde(default)]
    pub named_methods: Vec<String>,
    /// Words an argument opened by `leading_arguments` must also name (`FROM`: a
    /// `SELECT purge_expired()` may call a function that writes).
    #[serde(default)]
    pub then_arguments: Vec<String>,
    /// Words that an argument opened by `leading_arguments` must not name (`UPDATE`,
    /// `INSERT`, `INTO`: a read that also writes).
    #[serde(default)]
    pub not_arguments: Vec<String>,
    /// Words of the receiver (`_logger`, `db`, `this.cache`).
    #[serde(default)]
    pub receivers: Vec<String>,
    /// Words of a called name (`LogDebug`, `gauge`, `sendMail`).
    #[serde(default)]
    pub methods: Vec<String>,
    /// Whole names that end a chain (before neutral names like `unwrap`), `Async` suffix and
    /// case ignored: the chain gives what they give, whatever its receiver
    /// (`createQueryBuilder()..getCount()` counts rows).
    #[serde(default)]
    pub last_methods: Vec<String>,
    /// Words of another name in the chain that keep `last_methods` from deciding it
    /// (`findOneAndUpdate(..).lean()` writes before it reads).
    #[serde(default)]
    pub not_methods: Vec<String>,
    /// Whole names called on a receiver, `Async` suffix and case ignored
    /// (`contentService.Refresh()`, `this.reload()`; a bare `refresh()` says too little).
    #[serde(default)]
    pub whole_methods: Vec<String>,
    /// Whole names of document updates that return the document they change
    /// (`findOneAndUpdate`): one whose update sets a field its filter tests claims the
    /// document (see [`swap`]); for a kind that `coordinates`.
    #[serde(default)]
    pub claiming_updates: Vec<String>,
    /// Kinds whose work in the same body takes this kind away (`queue`: a job that drains
    /// an in-memory buffer it also fills, from a schedule or a shared table, repeats that
    /// work on every instance); such a kind claims nothing for another file's callers.
    #[serde(default)]
    pub not_with_kinds: Vec<String>,
}

impl Kind {
    /// Whether argument words open with one of `leading_arguments`, name every one of
    /// `then_arguments` and none of `not_arguments` (`SELECT key FROM settings`).
    fn leads(&self, args: &[String]) -> bool {
        args.first()
            .is_some_and(|first| self.leading_arguments.contains(first))
            && self.then_arguments.iter().all(|w| args.contains(w))
            && !has_any(args, &self.not_arguments)
    }
}

/// Calls that do no work of their own kind: pure helpers, collection reads, waiting.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Neutral {
    /// Receivers whose calls are pure helpers (`Math`, `JSON`, `Task`, `Duration`).
    receivers: HashSet<String>,
    /// Called names (whole, lower case, `Async` suffix ignored) that read or reshape values.
    methods: HashSet<String>,
    /// First words of called names that only read (`getDelayedCount`, `is_empty`).
    prefixes: HashSet<String>,
    /// Macros (name without `!`, lower case, `_` dropped) that only build a value
    /// (`format!`, `params!`) or combine futures (`try_join!`).
    macros: HashSet<String>,
    /// Last words of a field's name that say it holds an object doing work of its own
    /// (`shareService`, `_commandQueue`).
    objects: Vec<String>,
    /// Called names that block until the call before them in the chain is done
    /// (`SaveAsync().Wait()`, `.GetAwaiter().GetResult()`).
    blocking_waits: HashSet<String>,
}

impl Neutral {
    /// Whether a called name is neutral: listed whole, or starting with a reading word.
    fn has(&self, method: &str) -> bool {
        let plain = plain_method(method);
        (method.ends_with('!') && self.macros.contains(&plain))
            || self.methods.contains(&plain)
            || split_words(method)
                .first()
                .is_some_and(|w| self.prefixes.contains(w))
    }
}

/// The parsed `kinds.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kinds {
    neutral: Neutral,
    schedulers: Schedulers,
    #[serde(rename = "kind")]
    kinds: Vec<Kind>,
}

/// How a file's scheduler jobs are found (the Rust frontend's `recurring`): a scheduler's
/// construction does the work of every job its file registers, wherever in the file the jobs
/// are built and added.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedulers {
    /// Last words of the types whose associated calls build a scheduler (`JobScheduler::new()`,
    /// `AsyncScheduler::with_tz(Utc)`).
    types: HashSet<String>,
    /// Last words of the job types whose constructors take the job (`Job::new_async(..)`,
    /// `CronJob::new(..)`).
    jobs: HashSet<String>,
    /// Methods that register a job a function of the file builds (`sched.add(invoice_job(pool))`).
    registrations: HashSet<String>,
}

impl Schedulers {
    /// Whether a type's name (`JobScheduler`, `tokio_cron_scheduler::JobScheduler`) names a
    /// scheduler.
    pub fn is_scheduler_type(&self, path: &str) -> bool {
        last_type_word(path).is_some_and(|w| self.types.contains(&w))
    }

    /// Whether a type's name (`CronJob`) names a scheduler's job.
    pub fn is_job_type(&self, path: &str) -> bool {
        last_type_word(path).is_some_and(|w| self.jobs.contains(&w))
    }

    /// Whether a method registers a job with a scheduler (`add`).
    pub fn is_registration(&self, method: &str) -> bool {
        self.registrations.contains(&method.to_lowercase())
    }
}

/// The last word of a path's last segment, lower case (`tokio_cron_scheduler::JobScheduler`:
/// `scheduler`).
fn last_type_word(path: &str) -> Option<String> {
    let last = path.rsplit("::").next()?;
    split_words(last).pop()
}

impl Kinds {
    /// How scheduler jobs are found.
    pub fn schedulers(&self) -> &Schedulers {
        &self.schedulers
    }
}

static KINDS: LazyLock<Result<Kinds, String>> = LazyLock::new(|| {
    let kinds: Kinds = toml::from_str(include_str!("work/kinds.toml"))
        .map_err(|e| format!("src/work/kinds.toml: {e}"))?;
    kinds.validate()?;
    Ok(kinds)
});

/// The kinds of work, parsed and validated once; an error names the problem in
/// `src/work/kinds.toml` (the catalogue reports it at start-up).
pub fn kinds() -> Result<&'static Kinds, &'static str> {
    KINDS.as_ref().map_err(String::as_str)
}

impl Kinds {
    fn validate(&self) -> Result<(), String> {
        let mut seen = HashSet::new();
        for kind in &self.kinds {
            if matches!(kind.id.as_str(), UNKNOWN | IN_MEMORY) || !seen.insert(kind.id.as_str()) {
                return Err(format!(
                    "src/work/kinds.toml: kind `{}` is defined twice or is built in",
                    kind.id
                ));
            }
            let words = kind
                .arguments
                .iter()
                .chain(&kind.receivers)
                .chain(&kind.methods)
                .chain(&kind.whole_methods)
                .chain(&kind.last_methods)
                .chain(&kind.not_methods)
                .chain(&kind.leading_arguments)
                .chain(&kind.named_methods)
                .chain(&kind.then_arguments)
                .chain(&kind.not_arguments)
                .chain(&kind.claiming_updates);
            if let Some(other) = kind
                .not_with_kinds
                .iter()
                .find(|o| !self.kinds.iter().any(|k| k.id == **o))
            {
                return Err(format!(
                    "src/work/kinds.toml: kind `{}`: `not_with_kinds` names no kind `{other}`",
                    kind.id
                ));
            }
            for w in words {
                if w.is_empty() || !w.chars().all(|c| c.is_ascii_lowercase()) {
                    return Err(format!(
                        "src/work/kinds.toml: kind `{}`: word `{w}` must be lower-case letters",
                        kind.id
                    ));
                }
            }
        }
        Ok(())
    }

    /// Whether `id` names a kind: one of the file's or a built-in one.
    pub fn is_kind(&self, id: &str) -> bool {
        matches!(id, UNKNOWN | IN_MEMORY) || self.kinds.iter().any(|k| k.id == id)
    }

    /// Every kind id, built-in ones first.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        [UNKNOWN, IN_MEMORY]
            .into_iter()
            .chain(self.kinds.iter().map(|k| k.id.as_str()))
    }

    /// The kind of one call, or `None` for a neutral call; `Some(UNKNOWN)` when nothing
    /// explains it. Same-file functions are the caller's business (see [`classify`]).
    fn kind_of(&self, call: &Call) -> Option<&str> {
        let args = split_words(&call.args);
        let receiver = split_words(&call.receiver);
        let methods: Vec<Vec<String>> = call.methods.iter().map(|m| split_words(m)).collect();
        let by_receiver = |k: &&Kind| has_any(&receiver, &k.receivers);
        let by_method = |k: &&Kind| {
            methods.iter().any(|m| has_any(m, &k.methods))
                || (!call.receiver.is_empty()
                    && call
                        .methods
                        .iter()
                        .any(|m| k.whole_methods.contains(&plain_method(m))))
        };
        let local = || self.kinds.iter().filter(|k| !k.shared && !k.coordinates);
        let shared = || self.kinds.iter().filter(|k| k.shared && !k.coordinates);
        let found = self
            .kinds
            .iter()
            .filter(|k| k.coordinates)
            .find(|k| {
                has_any(&args, &k.arguments)
                    || by_receiver(k)
                    || by_method(k)
                    || claims_by_swap(k, call)
            })
            .or_else(|| {
                // The chain ends where its last name that is not a neutral reshaping is
                // (`.load(conn).unwrap_or_default()` ends in `load`).
                let ends = |m: &String| {
                    let plain = plain_method(m);
                    local().any(|k| k.last_methods.contains(&plain)) || !self.neutral.has(m)
                };
                let at = call.methods.iter().rposition(ends)?;
                let last = plain_method(&call.methods[at]);
                let others = || methods.iter().enumerate().filter(move |(i, _)| *i != at);
                local().find(|k| {
                    k.last_methods.contains(&last)
                        && !has_any(&args, &k.not_arguments)
                        && !others().any(|(_, m)| has_any(m, &k.not_methods))
                })
            })
            .or_else(|| local().find(|k| has_any(&args, &k.arguments) || k.leads(&args)))
            // A receiver named by a compound word is what its last word says (`poolGauge`
            // is a gauge, `dbLogger` a logger), before an earlier word names shared work;
            // not a path's segments (`prisma.session` is a table).
            .or_else(|| {
                let segment = call.receiver.rsplit(['.', ':']).next()?;
                let words = split_words(segment);
                let head = &words[words.len().checked_sub(1)?..];
                (words.len() > 1)
                    .then(|| local().find(|k| has_any(head, &k.receivers)))
                    .flatten()
            })
            .or_else(|| shared().find(by_receiver))
            .or_else(|| shared().find(by_method))
            .or_else(|| local().find(by_receiver))
            .or_else(|| local().find(by_method));
        if let Some(k) = found {
            return Some(&k.id);
        }
        let neutral_receiver = receiver
            .first()
            .is_some_and(|w| self.neutral.receivers.contains(w));
        let all_neutral = call.methods.iter().all(|m| self.neutral.has(m));
        if neutral_receiver || all_neutral {
            None
        } else {
            Some(UNKNOWN)
        }
    }

    /// Takes away the kinds whose `not_with_kinds` the same body also does.
    fn drop_taken_away(&self, work: &mut Work) {
        for kind in &self.kinds {
            if kind.not_with_kinds.iter().any(|o| work.kinds.contains(o)) {
                work.kinds.remove(&kind.id);
            }
        }
    }

    /// Whether work of this kind is this process's own: [`IN_MEMORY`] or a kind that is
    /// neither shared nor coordinating (logging, metrics, its own cache or sessions).
    pub fn is_own(&self, kind: &str) -> bool {
        kind == IN_MEMORY
            || self
                .kinds
                .iter()
                .any(|k| k.id == kind && !k.shared && !k.coordinates)
    }

    /// Whether work of this kind is a known kind shared by every instance (not [`UNKNOWN`]).
    pub fn is_shared(&self, kind: &str) -> bool {
        self.kinds.iter().any(|k| k.id == kind && k.shared)
    }

    /// Whether work of this kind may be claimed inside the function called: unknown or
    /// shared work (a query polling for jobs), not this process's own (logging).
    fn may_be_claimed(&self, kind: &str) -> bool {
        kind == UNKNOWN || self.kinds.iter().any(|k| k.id == kind && k.shared)
    }

    /// Whether a string literal's words name a way of claiming work
    /// (`FOR UPDATE SKIP LOCKED`, `pg_try_advisory_lock`): the arguments of the
    /// coordinating kinds.
    pub fn claims_text(&self, text: &str) -> bool {
        self.coordinating(text, |k| &k.arguments) || swap::claims_by_update(text)
    }

    /// Whether a called name claims work (`acquireLock`, `xreadgroup`): the methods and
    /// receivers of the coordinating kinds.
    pub fn claims_call(&self, name: &str) -> bool {
        self.coordinating(name, |k| &k.methods) || self.coordinating(name, |k| &k.receivers)
    }

    fn coordinating(&self, text: &str, list: impl Fn(&Kind) -> &Vec<String>) -> bool {
        let letters: String = text
            .chars()
            .filter(char::is_ascii_alphabetic)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let coordinating = || {
            self.kinds
                .iter()
                .filter(|k| k.coordinates && k.not_with_kinds.is_empty())
        };
        // Most texts name none of the words even run together: no word split for them.
        if !coordinating().any(|k| list(k).iter().any(|w| letters.contains(w.as_str()))) {
            return false;
        }
        let words = split_words(text);
        coordinating().any(|k| has_any(&words, list(k)))
    }

    /// The kind a call's name gives by its [`Kind::named_methods`] (`writeHeartbeat()`): the
    /// function it runs does that work, whatever its own calls write.
    fn named_kind(&self, call: &Call) -> Option<&str> {
        let id = self.kind_of(call)?;
        let kind = self.kinds.iter().find(|k| k.id == id)?;
        call.methods
            .iter()
            .any(|m| has_any(&split_words(m), &kind.named_methods))
            .then_some(id)
    }

    /// A chain without the blocking waits that end it (`_store.SaveAsync().Wait()` is
    /// `_store.SaveAsync()`): it does the work it waits for. A chain of waits alone
    /// (`_gate.Wait()`) is kept whole.
    fn unwaited<'c>(&self, call: &'c Call) -> Cow<'c, Call> {
        let waits = call
            .methods
            .iter()
            .rev()
            .take_while(|m| self.neutral.blocking_waits.contains(&plain_method(m)))
            .count();
        let kept = call.methods.len() - waits;
        if waits == 0 || kept == 0 {
            return Cow::Borrowed(call);
        }
        let mut call = call.clone();
        call.methods.truncate(kept);
        Cow::Owned(call)
    }

    /// The one name a call may run of the same file: its only non-neutral method
    /// (`OnPlaybackStopped(..).ConfigureAwait(false)`, `this.cleanup()`, `report.send()`).
    fn local_callee<'c>(&self, call: &'c Call) -> Option<&'c str> {
        let mut rest = call
            .methods
            .iter()
            .filter(|m| !self.neutral.methods.contains(&plain_method(m)));
        let first = rest.next()?;
        rest.next().is_none().then_some(first.as_str())
    }
}

impl Kinds {
    /// The key by which the project looks up what a call runs (see [`callee_key`]): its one
    /// non-neutral name, or else its last one read through the segment before it
    /// (`this.store.flushQueue()` is `flushQueue` of `store`).
    fn pending_key(&self, call: &Call) -> Option<String> {
        if let Some(name) = self.local_callee(call) {
            return callee_key(call, name);
        }
        let mut named = call
            .methods
            .iter()
            .filter(|m| !self.neutral.methods.contains(&plain_method(m)));
        let name = named.next_back()?;
        let before = named.next_back()?;
        callee_key(&Call::new(before.as_str(), Vec::new(), ""), name)
    }
}

/// Whether a call of a kind that `coordinates` claims what it changes with a conditional
/// update: an `UPDATE` whose text sets a column its condition tests and returns the rows, or
/// a document update of [`Kind::claiming_updates`] whose update sets a field its filter tests.
fn claims_by_swap(kind: &Kind, call: &Call) -> bool {
    kind.coordinates
        && (swap::claims_by_update(&call.args)
            || (call
                .methods
                .iter()
                .any(|m| kind.claiming_updates.contains(&plain_method(m)))
                && swap::claims_by_document(&call.args)))
}

/// A receiver that is the calling object or module itself (none, `this`, `self`, `Self`;
/// Rust's `crate::` and `super::`, which name the function alone).
fn own_receiver(receiver: &str) -> bool {
    matches!(
        receiver,
        "" | "this" | "self" | "Self" | "base" | "crate" | "super"
    )
}

/// A method name without `Async`, in lower case, `_` dropped: `RefreshAsync` → `refresh`.
fn plain_method(name: &str) -> String {
    let base = name
        .strip_suffix("Async")
        .filter(|b| !b.is_empty())
        .unwrap_or(name);
    base.chars()
        .filter(|c| *c != '_' && *c != '!')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether `words` (lower case) hold one of `list`: a word, its singular, or two adjacent
/// words joined (`sys info` gives `sysinfo`).
fn has_any(words: &[String], list: &[String]) -> bool {
    if list.is_empty() {
        return false;
    }
    let hit = |w: &str| {
        list.iter().any(|l| l == w)
            || w.strip_suffix('s')
                .is_some_and(|s| list.iter().any(|l| l == s))
    };
    words
        .iter()
        .enumerate()
        .any(|(i, w)| hit(w) || (i > 0 && hit(&format!("{}{w}", words[i - 1]))))
}

/// The kinds of work of a body: the kind of each call, where a call runs a function of
/// the same file (`lookup` gives its calls) that function's kinds, a few calls deep.
/// A body with only neutral calls does [`IN_MEMORY`] work.
pub fn classify(body: &[Call], lookup: &mut dyn FnMut(&str) -> Option<Vec<Call>>) -> Work {
    classify_handed(body, lookup, &|_| None)
}

/// [`classify`], where a call of a name `handed` gives slots for (a field its constructor
/// sets from a parameter, see [`crate::event::Forwards`]) runs what the project's calls
/// hand those slots: left to the project whatever its name says.
pub fn classify_handed(
    body: &[Call],
    lookup: &mut dyn FnMut(&str) -> Option<Vec<Call>>,
    handed: &dyn Fn(&str) -> Option<Vec<String>>,
) -> Work {
    let mut work = Work::default();
    let Ok(kinds) = kinds() else {
        work.kinds.insert(UNKNOWN.to_string());
        work.unknown_here = true;
        return work;
    };
    let mut seen: HashSet<String> = HashSet::new();
    let mut budget = MAX_CALLS;
    let mut cache: HashMap<String, Option<Vec<Call>>> = HashMap::new();
    visit(
        kinds,
        body,
        0,
        &mut Lookup {
            calls: lookup,
            handed,
        },
        &mut seen,
        &mut budget,
        &mut cache,
        &mut work,
    );
    kinds.drop_taken_away(&mut work);
    if work.kinds.is_empty() {
        work.kinds.insert(IN_MEMORY.to_string());
    }
    work
}

/// The own work of a definition made of `body`'s calls (see [`DirectWork`]): a call of one of
/// its file's functions (`defined`) or one that no kind explains leaves a callee for the
/// project to resolve; every other call gives its kind.
pub fn direct(body: &[Call], defined: &dyn Fn(&str) -> bool) -> DirectWork {
    let mut work = DirectWork::default();
    let Ok(kinds) = kinds() else {
        work.kinds.insert(UNKNOWN.to_string());
        return work;
    };
    for call in body {
        let call = &*kinds.unwaited(call);
        let callee = kinds.local_callee(call);
        let kind = match callee.filter(|name| defined(name)) {
            Some(_) => kinds.named_kind(call).or(Some(UNKNOWN)),
            None => kinds.kind_of(call),
        };
        match kind {
            None => {}
            Some(UNKNOWN) => match kinds.pending_key(call) {
                Some(key) => {
                    work.callees.insert(key);
                }
                None => {
                    work.kinds.insert(UNKNOWN.to_string());
                }
            },
            Some(k) => {
                work.kinds.insert(k.to_string());
            }
        }
    }
    work
}

/// The name by which the project looks up the functions a call may run: the called name when
/// the receiver is the caller itself (`this.flush()`, `cleanup()`) or the name has two words
/// or more (`_sweeper.RemoveExpired()`); a one-word name on another receiver
/// (`client.send()`, `_watchdog.Check()`) is looked up only in the types named like the
/// receiver's last segment (`watchdog.check`, see [`definition_keys`]). `None` for a receiver
/// that names nothing (`items[0].run()`, `(await x()).go()`).
pub fn callee_key(call: &Call, name: &str) -> Option<String> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
    {
        return None;
    }
    if own_receiver(&call.receiver) || split_words(name).len() >= 2 {
        return Some(name.to_string());
    }
    let last = call
        .receiver
        .rsplit(['.', ':'])
        .next()
        .unwrap_or(&call.receiver)
        .trim_start_matches(['_', '$']);
    if last.is_empty() || !last.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    Some(format!("{}.{name}", owner_word(last)))
}

/// The keys a definition answers to (see [`callee_key`]): its name, and for a method its
/// type's name with it (`jobwatchdog.check` for `JobWatchdog.Check`; an interface's leading
/// `I` dropped too: `ISessionStore.Flush` also answers to `sessionstore.flush`).
pub fn definition_keys(name: &str, owner: Option<&str>) -> Vec<String> {
    let mut keys = vec![name.to_string()];
    if let Some(owner) = owner {
        let plain = owner
            .strip_prefix('I')
            .filter(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
            .unwrap_or(owner);
        for o in [owner, plain] {
            let key = format!("{}.{name}", owner_word(o));
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys
}

/// A receiver's or type's name as one lower-case word, `_` dropped (`_jobWatchdog`,
/// `JobWatchdog`: `jobwatchdog`).
fn owner_word(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '$')
        .flat_map(char::to_lowercase)
        .collect()
}

/// How [`visit`] looks up the same file's functions and the fields that run what callers
/// hand them.
struct Lookup<'a> {
    calls: &'a mut dyn FnMut(&str) -> Option<Vec<Call>>,
    handed: &'a dyn Fn(&str) -> Option<Vec<String>>,
}

#[allow(clippy::too_many_arguments)]
fn visit(
    kinds: &Kinds,
    body: &[Call],
    depth: usize,
    lookup: &mut Lookup<'_>,
    seen: &mut HashSet<String>,
    budget: &mut usize,
    cache: &mut HashMap<String, Option<Vec<Call>>>,
    work: &mut Work,
) {
    for call in body {
        if *budget == 0 {
            work.kinds.insert(UNKNOWN.to_string());
            work.unknown_here = true;
            return;
        }
        *budget -= 1;
        let call = &*kinds.unwaited(call);
        // A function of this file: its own calls say more than its name.
        if let Some(name) = kinds.local_callee(call) {
            // Named for its work (`writeHeartbeat()`, `send_mail()`): it does that work; this
            // instance's own is taken at its word, shared work is followed for more.
            if let Some(kind) = kinds.named_kind(call) {
                work.kinds.insert(kind.to_string());
                if kinds.is_own(kind) {
                    continue;
                }
            }
            // Back at a function already followed: a call of itself, or (`db.expireHolds()`
            // inside `expireHolds`) a method of the same name on another object, which is
            // judged by its own words.
            if seen.contains(name) {
                if own_receiver(&call.receiver) {
                    continue;
                }
                if let Some(k) = kinds.kind_of(call) {
                    work.unknown_here |= k == UNKNOWN;
                    work.kinds.insert(k.to_string());
                }
                continue;
            }
            if let Some(slots) = (lookup.handed)(name) {
                work.pending.extend(slots);
                work.kinds.insert(UNKNOWN.to_string());
                continue;
            }
            let callee = cache
                .entry(name.to_string())
                .or_insert_with(|| (lookup.calls)(name))
                .clone();
            if let Some(calls) = callee {
                if depth >= DEPTH {
                    work.kinds.insert(UNKNOWN.to_string());
                    work.unknown_here = true;
                    continue;
                }
                seen.insert(name.to_string());
                visit(kinds, &calls, depth + 1, lookup, seen, budget, cache, work);
                continue;
            }
        }
        let Some(kind) = kinds.kind_of(call) else {
            continue;
        };
        let callee = kinds.local_callee(call);
        // Work another file's function may claim for this instance alone.
        if kinds.may_be_claimed(kind) {
            if let Some(name) = callee {
                work.callees.insert(name.to_string());
            }
        }
        // Another file's function: the project tells what it does.
        if kind == UNKNOWN {
            match kinds.pending_key(call) {
                Some(key) => {
                    work.pending.insert(key);
                }
                None => work.unknown_here = true,
            }
        }
        work.kinds.insert(kind.to_string());
    }
}

mod swap;

#[cfg(test)]
mod tests;
