//! Compares a file's events with the rule catalogue.

use crate::catalogue::{Catalogue, ObjectValue, Pattern, Rule, Unless};
use crate::event::{Arg, Context, Event, FileFacts, Property, Value};
use crate::frontend::scratch;
use crate::frontend::words::PathPurpose;
use crate::frontend::Language;
use crate::reach::temp_params;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A rule that matched an event.
#[derive(Debug, Clone)]
pub struct Match<'m, 'e> {
    /// The rule.
    pub rule: &'m Rule,
    /// The event it matched.
    pub event: &'e Event,
    /// The event target that matched, for the message.
    pub target: &'e str,
    /// Project facts (`how:Type` registrations) of which some server file of the project
    /// must supply one for the match to stand; empty when the file itself proves it.
    pub requires: Vec<String>,
    /// The call's target when it only prepares a place for later writes (the rule's
    /// `setup_calls`, see [`crate::catalogue::Unless::setup_calls`]): quiet where it runs
    /// once, as a statement of a server's start.
    pub setup_call: Option<String>,
    /// The call's target when what it does is over when it returns (a `one_shot` rule, see
    /// [`crate::catalogue::Rule::one_shot`]): quiet where it runs once, as a statement of a
    /// function that is part of a server's start.
    pub one_shot_call: Option<String>,
    /// Registrations that, all supplied by the project, mitigate the match after all (see
    /// [`crate::event::Assumed`]); empty when nothing would.
    pub quiet_if: Vec<String>,
    /// Registrations of which any one, supplied by the project, mitigates the match: a
    /// function of another file that the recurring body calls claims the work
    /// (`claims:process_next_job`, see [`crate::reach::claims`]).
    pub quiet_if_any: Vec<String>,
    /// The call by which the file makes the rule's mitigation only in a branch its
    /// settings choose, away from the match: the match stands with a note that the
    /// mitigation is optional.
    pub optional_mitigation: Option<String>,
}

/// The catalogue indexed by target, built once and shared by all files.
#[derive(Debug)]
pub struct Matcher {
    rules: Vec<Rule>,
    /// Exact target → (rule index, pattern index).
    exact: HashMap<String, Vec<(usize, usize)>>,
    /// Target prefixes (from `prefix*`) → (rule index, pattern index).
    prefixes: Vec<(String, usize, usize)>,
    /// Target suffixes (from `*suffix`) → (rule index, pattern index).
    suffixes: Vec<(String, usize, usize)>,
}

impl Matcher {
    /// Indexes every rule of `catalogue`.
    pub fn new(catalogue: &Catalogue) -> Self {
        let rules: Vec<Rule> = catalogue.rules().cloned().collect();
        let mut exact: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        let mut prefixes = Vec::new();
        let mut suffixes = Vec::new();
        for (r, rule) in rules.iter().enumerate() {
            for (p, pattern) in rule.patterns.iter().enumerate() {
                for target in &pattern.targets {
                    if let Some(suffix) = target.strip_prefix('*') {
                        suffixes.push((suffix.to_string(), r, p));
                    } else if let Some(prefix) = target.strip_suffix('*') {
                        prefixes.push((prefix.to_string(), r, p));
                    } else {
                        exact.entry(target.clone()).or_default().push((r, p));
                    }
                }
            }
        }
        Matcher {
            rules,
            exact,
            prefixes,
            suffixes,
        }
    }

    /// The targets of the rules that a recurring body's work can silence (`work_only`,
    /// `work_any`).
    pub fn work_targets(&self) -> crate::work::WorkTargets {
        crate::work::WorkTargets::new(
            self.rules
                .iter()
                .filter(|rule| {
                    !rule.unless.work_only.is_empty() || !rule.unless.work_any.is_empty()
                })
                .flat_map(|rule| &rule.patterns)
                .flat_map(|pattern| &pattern.targets)
                .map(String::as_str),
        )
    }

    /// The ids of the rules (for `language`) whose project-scope mitigation this file
    /// supplies: their findings in every other file of the project are mitigated too.
    pub fn project_mitigations(&self, language: Language, facts: &FileFacts) -> Vec<String> {
        self.rules
            .iter()
            .filter(|rule| rule.languages.contains(&language))
            .filter(|rule| supplies_project_mitigation(&rule.unless, facts))
            .map(|rule| rule.id.clone())
            .collect()
    }

    /// The rules (for `language`) whose project-scope mitigation this file makes only in a
    /// branch its settings choose, each with the call that makes it: their findings stand,
    /// with a note that the mitigation is optional.
    pub fn optional_mitigations(
        &self,
        language: Language,
        facts: &FileFacts,
    ) -> Vec<(String, String)> {
        self.rules
            .iter()
            .filter(|rule| rule.languages.contains(&language))
            .filter(|rule| !supplies_project_mitigation(&rule.unless, facts))
            .filter_map(|rule| {
                optional_call(facts, &rule.unless.project_calls_any)
                    .map(|call| (rule.id.clone(), call))
            })
            .collect()
    }

    /// The registrations (`calls:<rule id>`) by which this file gives the project the
    /// evidence some rule's pattern asks of it (`project_calls_any`): the rule's matches in
    /// every other file of the project then stand.
    pub fn project_evidence(&self, language: Language, facts: &FileFacts) -> Vec<String> {
        self.rules
            .iter()
            .filter(|rule| rule.languages.contains(&language))
            .filter(|rule| {
                rule.patterns
                    .iter()
                    .any(|p| glob_contains(&facts.calls, &p.project_calls_any))
            })
            .map(project_evidence_name)
            .collect()
    }

    /// Every (rule, event) match in `facts` for a file in `language`, in event order,
    /// at most one per rule and event.
    pub fn run<'e>(&self, language: Language, facts: &'e FileFacts) -> Vec<Match<'_, 'e>> {
        let mut out: Vec<Match> = Vec::new();
        // (event, rule) → its match in `out`.
        let mut seen = BTreeMap::new();
        for (e, event) in facts.events.iter().enumerate() {
            for target in &event.targets {
                let exact = self.exact.get(target.as_str()).into_iter().flatten();
                let prefixed = self
                    .prefixes
                    .iter()
                    .filter(|(prefix, _, _)| target.starts_with(prefix.as_str()));
                // `?.register` (a method of a value that did not resolve) is matched only by
                // rules that name it so, never by `*.setTimeout`-style suffixes.
                let unresolved = target.starts_with("?.");
                let suffixed = self
                    .suffixes
                    .iter()
                    .filter(|(suffix, _, _)| !unresolved && target.ends_with(suffix.as_str()));
                let globbed = prefixed.chain(suffixed).map(|(_, r, p)| (r, p));
                for (&r, &p) in exact.map(|(r, p)| (r, p)).chain(globbed) {
                    let rule = &self.rules[r];
                    if !rule.languages.contains(&language) {
                        continue;
                    }
                    let pattern = &rule.patterns[p];
                    // Another pattern of the rule that holds too offers its registrations as
                    // alternatives (a limiter backend's trait, or application state).
                    if let Some(&m) = seen.get(&(e, r)) {
                        let earlier: &mut Match = &mut out[m];
                        if !earlier.requires.is_empty() && pattern_holds(pattern, event, facts) {
                            // The project evidence a pattern asks for counts too: a match
                            // through a second candidate target must not drop it.
                            let more = required_registrations(rule, pattern, event, facts);
                            if more.is_empty() {
                                earlier.requires.clear();
                            } else {
                                earlier.requires.extend(more);
                            }
                        }
                        continue;
                    }
                    if pattern_holds(pattern, event, facts)
                        && !mitigated(&rule.unless, event, facts)
                    {
                        seen.insert((e, r), out.len());
                        out.push(Match {
                            rule,
                            event,
                            target,
                            requires: required_registrations(rule, pattern, event, facts),
                            setup_call: targets_any(event, &rule.unless.setup_calls)
                                .then(|| target.to_string()),
                            one_shot_call: rule.one_shot.then(|| target.to_string()),
                            quiet_if: quiet_if(&rule.unless, event, facts, language),
                            quiet_if_any: claimed_elsewhere(&rule.unless, event),
                            optional_mitigation: optional_call(facts, &rule.unless.file_calls_any)
                                .or_else(|| optional_call(facts, &rule.unless.project_calls_any)),
                        });
                    }
                }
            }
        }
        out
    }
}

/// The registrations under which the event's assumed arguments mitigate it (see
/// [`crate::event::Assumed`]). When the parameters assumed temporary would mitigate it as
/// this instance's own paths too (a write, not a delete that invalidates a cached copy), the
/// weaker `own-param:` registrations do: calls handing it cache folders count as well.
fn assumed_mitigation(unless: &Unless, event: &Event, facts: &FileFacts) -> Vec<String> {
    let Some(assumed) = &event.assumed else {
        return Vec::new();
    };
    let mut alternative = Event {
        args: assumed.args.clone(),
        assumed: None,
        ..event.clone()
    };
    if !mitigated(unless, &alternative, facts) {
        return Vec::new();
    }
    let mut own = false;
    for (assumed, given) in alternative.args.iter_mut().zip(&event.args) {
        if *assumed == Arg::TempPath && *given != Arg::TempPath {
            *assumed = Arg::InstancePath;
            own = true;
        }
    }
    if own && mitigated(unless, &alternative, facts) {
        temp_params::own_registrations(&assumed.registrations)
    } else {
        assumed.registrations.clone()
    }
}

/// The registrations that, all supplied, mitigate the match: those of its assumed arguments
/// ([`assumed_mitigation`]), else those under which the functions of other files its
/// recurring body calls do only this process's own work ([`pending_work`]).
fn quiet_if(unless: &Unless, event: &Event, facts: &FileFacts, language: Language) -> Vec<String> {
    let assumed = assumed_mitigation(unless, event, facts);
    if assumed.is_empty() {
        pending_work(unless, event, language)
    } else {
        assumed
    }
}

/// When the event's recurring body does only work of the rule's `work_only` kinds but for
/// calls of other files' functions ([`crate::work::Work::pending`]), and the rule accepts
/// every kind of this process's own work: one registration per function, supplied by the
/// project when it does only such work ([`crate::reach::work`]).
fn pending_work(unless: &Unless, event: &Event, language: Language) -> Vec<String> {
    let Some(work) = event.work.as_ref().filter(|w| !w.pending.is_empty()) else {
        return Vec::new();
    };
    let Ok(kinds) = crate::work::kinds() else {
        return Vec::new();
    };
    let accepted = |k: &str| unless.work_only.iter().any(|w| w == k);
    let accepts_own = kinds.ids().filter(|k| kinds.is_own(k)).all(accepted);
    let rest_accepted = work
        .kinds_but_pending()
        .is_some_and(|mut rest| rest.all(accepted));
    if !accepts_own || !rest_accepted {
        return Vec::new();
    }
    work.pending
        .iter()
        .map(|key| crate::reach::work::registration(language, key))
        .collect()
}

/// The registrations under which another file's function that the event's recurring body
/// calls claims its work, for a rule that a claim mitigates (`[unless] work_any`).
fn claimed_elsewhere(unless: &Unless, event: &Event) -> Vec<String> {
    match &event.work {
        Some(work) if !unless.work_any.is_empty() => work
            .callees
            .iter()
            .map(|name| crate::reach::claims::registration(name))
            .collect(),
        _ => Vec::new(),
    }
}

fn has_context(event: &Event, facts: &FileFacts, context: Context) -> bool {
    event.context.contains(&context) || facts.file_context.contains(&context)
}

fn arg_is_any(arg: &Arg, values: &[String]) -> bool {
    match arg {
        Arg::Member(candidates) => candidates.iter().any(|c| values.contains(c)),
        Arg::Str(s) => values.contains(s),
        Arg::Object(_)
        | Arg::Other { .. }
        | Arg::TempPath
        | Arg::InstancePath
        | Arg::ProcessPath
        | Arg::ExternalPath => false,
    }
}

fn pattern_holds(pattern: &Pattern, event: &Event, facts: &FileFacts) -> bool {
    if pattern.kind != event.kind {
        return false;
    }
    if !pattern.args_any.is_empty() && !event.args.iter().any(|a| arg_is_any(a, &pattern.args_any))
    {
        return false;
    }
    if !pattern.arg_keys_any.is_empty()
        && !event.args.iter().any(|a| match a {
            Arg::Object(props) => props.iter().any(|p| pattern.arg_keys_any.contains(&p.key)),
            _ => false,
        })
    {
        return false;
    }
    if !pattern.without_arg_keys.is_empty()
        && event.args.iter().any(|a| match a {
            // A spread (`...opts`) may bring the key.
            Arg::Object(props) => props
                .iter()
                .any(|p| p.key == "..." || pattern.without_arg_keys.contains(&p.key)),
            _ => false,
        })
    {
        return false;
    }
    if !pattern.without_arg_keys.is_empty()
        && pattern
            .options_arg
            .and_then(|i| event.args.get(i))
            .is_some_and(|a| !matches!(a, Arg::Object(_)))
    {
        return false;
    }
    if !pattern.file_calls_any.is_empty() && !glob_contains(&facts.calls, &pattern.file_calls_any) {
        return false;
    }
    if pattern
        .object_value
        .as_ref()
        .is_some_and(|condition| !has_object_value(event, condition))
    {
        return false;
    }
    if pattern.min_args.is_some_and(|n| event.args.len() < n) {
        return false;
    }
    if let Some(index) = pattern.path_arg {
        let path_like = matches!(
            event.args.get(index),
            Some(
                Arg::Str(_)
                    | Arg::Other { path_like: true }
                    | Arg::TempPath
                    | Arg::InstancePath
                    | Arg::ProcessPath
                    | Arg::ExternalPath
            )
        );
        if !path_like {
            return false;
        }
    }
    if !pattern.words_any.is_empty()
        && !has_word(&event.words, &pattern.words_any)
        && !has_word(&event.held_words, &pattern.words_any)
    {
        return false;
    }
    if !pattern.owner_registered_any.is_empty() && event.owner.is_none() {
        return false;
    }
    if !pattern.chain_any.is_empty() && !event.chain.iter().any(|c| pattern.chain_any.contains(c)) {
        return false;
    }
    pattern
        .context
        .iter()
        .all(|&c| has_context(event, facts, c))
}

/// The registration a file makes by supplying the evidence `rule` asks of the project.
fn project_evidence_name(rule: &Rule) -> String {
    format!("calls:{}", rule.id)
}

/// What some server file of the project must supply for the match to stand: the evidence
/// the pattern asks of the project when this file does not call it itself, else the
/// registrations of [`owner_registrations`].
fn required_registrations(
    rule: &Rule,
    pattern: &Pattern,
    event: &Event,
    facts: &FileFacts,
) -> Vec<String> {
    if !pattern.project_calls_any.is_empty()
        && !glob_contains(&facts.calls, &pattern.project_calls_any)
    {
        return vec![project_evidence_name(rule)];
    }
    owner_registrations(pattern, event, facts)
}

/// The registrations (`how:Owner`) that would make the event's owner a process-lived
/// instance, when the file itself has none of them: the project must supply one. Empty when
/// the pattern asks nothing of the owner or the file registers it itself. An event that
/// needs a registration of its own ([`Event::requires_any`]) asks for that first.
fn owner_registrations(pattern: &Pattern, event: &Event, facts: &FileFacts) -> Vec<String> {
    // A call to another file's helper stands when some file registers it (`delay:sleep`).
    if !event.requires_any.is_empty()
        && !event
            .requires_any
            .iter()
            .any(|r| facts.registrations.contains(r))
    {
        return event.requires_any.clone();
    }
    let Some(owner) = event.owner.as_deref() else {
        return Vec::new();
    };
    // A field its own file never writes needs a write through application state.
    let owner = match &event.written_elsewhere {
        Some(field) => format!("write:{{how}}:{owner}.{field}"),
        None => format!("{{how}}:{owner}"),
    };
    let wanted: Vec<String> = pattern
        .owner_registered_any
        .iter()
        .map(|how| owner.replace("{how}", how))
        .collect();
    if wanted.iter().any(|w| facts.registrations.contains(w)) {
        return Vec::new();
    }
    wanted
}

/// Some object-literal argument has the condition's key with one of its values.
fn has_object_value(event: &Event, condition: &ObjectValue) -> bool {
    let value_is = |v: &str| {
        condition
            .values
            .iter()
            .any(|want| match want.strip_suffix('*') {
                Some(prefix) => v.starts_with(prefix),
                None => v == want,
            })
    };
    event.args.iter().any(|a| match a {
        Arg::Object(props) => Property::lookup(props, &condition.key)
            .into_iter()
            .any(|v| matches!(v, Value::Str(s) | Value::Member(s) if value_is(s))),
        _ => false,
    })
}

/// One of `words` (an event's) is one of `wanted`, or its plural (`users`, `boxes`), or
/// starts with a `prefix*` of it.
fn has_word(words: &[String], wanted: &[String]) -> bool {
    words.iter().any(|word| {
        wanted.iter().any(|w| match w.strip_suffix('*') {
            Some(prefix) => word.starts_with(prefix),
            None => {
                word == w
                    || word
                        .strip_prefix(w.as_str())
                        .is_some_and(|rest| rest == "s" || rest == "es")
            }
        })
    })
}

/// `text` contains one of `needles`, ignoring ASCII case.
fn mentions_any(text: &str, needles: &[String]) -> bool {
    if needles.is_empty() || text.is_empty() {
        return false;
    }
    let text = text.to_ascii_lowercase();
    needles
        .iter()
        .any(|n| text.contains(n.to_ascii_lowercase().as_str()))
}

/// One of the event's targets matches one of `patterns` (`*suffix`, `prefix*` or exact).
fn targets_any(event: &Event, patterns: &[String]) -> bool {
    patterns.iter().any(|p| {
        event.targets.iter().any(|t| {
            if let Some(suffix) = p.strip_prefix('*') {
                t.ends_with(suffix)
            } else if let Some(prefix) = p.strip_suffix('*') {
                t.starts_with(prefix)
            } else {
                t == p
            }
        })
    })
}

fn glob_contains(set: &BTreeSet<String>, patterns: &[String]) -> bool {
    glob_matches(set, patterns).next().is_some()
}

/// The first argument is a path with one of `purposes` and no other argument is another
/// path (`rename(tmp, "uploads/a.png")` still moves a file into shared state). A string
/// literal that names this instance's own file (`"cache/pages"`) is an instance path, one
/// that names a pid or socket file (`"app.pid"`) a process path.
fn only_paths_of(event: &Event, purposes: &[Arg]) -> bool {
    let has = |a: &Arg| {
        purposes.contains(a)
            || (purposes.contains(&Arg::InstancePath)
                && matches!(a, Arg::Str(s) if PathPurpose::literal(s).is_instance()))
            || (purposes.contains(&Arg::ProcessPath)
                && matches!(a, Arg::Str(s) if PathPurpose::literal(s).is_process_file()))
    };
    // A move's or copy's second argument is its destination, a path whatever its name says.
    let destination = moves_or_copies(event).then(|| event.args.get(1)).flatten();
    event.args.first().is_some_and(has)
        && destination.is_none_or(has)
        && !event.args[1..].iter().any(|a| match a {
            Arg::Str(s) => names_a_path(s) && !has(a),
            Arg::Other { path_like } => *path_like,
            Arg::InstancePath | Arg::ProcessPath | Arg::TempPath | Arg::ExternalPath => {
                !purposes.contains(a)
            }
            _ => false,
        })
}

/// Whether a string literal among a call's later arguments may be a path: it has a
/// separator and no markup (`"<h1>Digest</h1>"` is the content written).
fn names_a_path(s: &str) -> bool {
    s.contains(['/', '\\']) && !s.contains(['<', '>'])
}

/// Whether the event's call moves or copies its first path argument to its second (`rename`,
/// `File.Copy`, `fs::copy`); a method named for where it puts its receiver (`CopyTo`,
/// `MoveTo`, `ExtractToFile`) takes the destination first.
pub fn moves_or_copies(event: &Event) -> bool {
    event.targets.iter().any(|t| {
        let last = t.rsplit(['.', ':']).next().unwrap_or(t);
        !last.contains("To")
            && matches!(
                scratch::use_of(t),
                Some(scratch::Use::Move | scratch::Use::Copy)
            )
    })
}

/// Whether an event's paths lie in a folder the user points an external program at (see
/// [`Arg::ExternalPath`]): one of its paths is external and no other one is shown to be
/// anything else (a literal path, a temporary or instance path that names shared data is
/// not external; a copy's source with nothing known about it is only read).
pub fn in_external_folder(event: &Event) -> bool {
    event.args.contains(&Arg::ExternalPath)
        && event.args.iter().all(|a| match a {
            Arg::Str(s) => !s.contains(['/', '\\']),
            _ => true,
        })
}

/// Whether the event's recurring body does some work and only work of these kinds.
fn does_only(event: &Event, kinds: &[String]) -> bool {
    !kinds.is_empty()
        && event
            .work
            .as_ref()
            .is_some_and(|w| !w.kinds.is_empty() && w.kinds.iter().all(|k| kinds.contains(k)))
}

/// Whether the event's recurring body does one of these kinds of work, among others.
fn does_any(event: &Event, kinds: &[String]) -> bool {
    event
        .work
        .as_ref()
        .is_some_and(|w| kinds.iter().any(|k| w.kinds.contains(k)))
}

fn mitigated(unless: &Unless, event: &Event, facts: &FileFacts) -> bool {
    unless
        .context_any
        .iter()
        .any(|&c| has_context(event, facts, c))
        || (!unless.args_any.is_empty()
            && event.args.iter().any(|a| arg_is_any(a, &unless.args_any)))
        || (unless.temp_paths && only_paths_of(event, &[Arg::TempPath]))
        || (unless.instance_paths
            && (only_paths_of(event, &[Arg::TempPath, Arg::ProcessPath])
                || (!targets_any(event, &unless.invalidating_calls)
                    && only_paths_of(
                        event,
                        &[Arg::TempPath, Arg::InstancePath, Arg::ProcessPath],
                    ))))
        || (event.context.contains(&Context::OnceAtStart)
            && targets_any(event, &unless.setup_calls))
        || (!unless.words_any.is_empty() && has_word(&event.words, &unless.words_any))
        || does_only(event, &unless.work_only)
        || does_any(event, &unless.work_any)
        || mentions_any(&event.args_text, &unless.args_text_any)
        || unless
            .object_values_any
            .iter()
            .any(|c| has_object_value(event, c))
        || calls_for_certain(facts, &unless.file_calls_any)
        || calls_around(facts, &unless.file_calls_any, event)
        || calls_around(facts, &unless.project_calls_any, event)
        || has_string(facts, &unless.file_strings_any)
        || supplies_project_mitigation(unless, facts)
}

/// Some string literal of the file contains one of `needles`.
fn has_string(facts: &FileFacts, needles: &[String]) -> bool {
    needles
        .iter()
        .any(|needle| facts.strings.iter().any(|s| s.contains(needle.as_str())))
}

/// The file makes one of the rule's project-scope mitigations (`project_calls_any`,
/// `project_strings_any`) hold, with a call made outside any branch its settings choose.
fn supplies_project_mitigation(unless: &Unless, facts: &FileFacts) -> bool {
    calls_for_certain(facts, &unless.project_calls_any)
        || has_string(facts, &unless.project_strings_any)
}

/// The file calls one of `patterns` outside any branch its settings choose.
fn calls_for_certain(facts: &FileFacts, patterns: &[String]) -> bool {
    glob_matches(&facts.calls, patterns).any(|call| !facts.optional_calls.contains_key(call))
}

/// The file calls one of `patterns` in a branch its settings choose that holds the event:
/// the mitigation and the code it mitigates come and go together.
fn calls_around(facts: &FileFacts, patterns: &[String], event: &Event) -> bool {
    glob_matches(&facts.calls, patterns)
        .filter_map(|call| facts.optional_calls.get(call))
        .flatten()
        .any(|&(start, end)| start <= event.span.start && event.span.end <= end)
}

/// The call by which the file makes one of `patterns` only in a branch its settings choose
/// (`if (config.redis.enabled) io.adapter(createAdapter(..))`).
fn optional_call(facts: &FileFacts, patterns: &[String]) -> Option<String> {
    glob_matches(&facts.calls, patterns)
        .find(|call| facts.optional_calls.contains_key(*call))
        .cloned()
}

/// The members of `set` that `patterns` (exact, or a prefix ending in `*`) name.
fn glob_matches<'s>(
    set: &'s BTreeSet<String>,
    patterns: &'s [String],
) -> impl Iterator<Item = &'s String> {
    patterns
        .iter()
        .flat_map(move |p| -> Box<dyn Iterator<Item = &'s String>> {
            match p.strip_suffix('*') {
                Some(prefix) => Box::new(
                    set.range(prefix.to_string()..)
                        .take_while(move |s| s.starts_with(prefix)),
                ),
                None => Box::new(set.get(p).into_iter()),
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventKind;

    const RULE: &str = r#"
id = "demo"
category = "local-disk-write"
languages = ["csharp"]
severity = "warning"
summary = "s"
message = "`{target}` m"
alternative = "a"
[[match]]
kind = "construct"
targets = ["System.IO.FileStream"]
args_any = ["System.IO.FileMode.Create"]
[[match]]
kind = "call"
targets = ["System.IO.File.Write*"]
[unless]
args_any = ["System.IO.FileAccess.Read"]
file_calls_any = ["UseClustering"]
[docs]
what = "w"
why = "w"
example = "e"
instead = "i"
fine_when = "f"
"#;

    fn catalogue() -> Catalogue {
        let mut c = Catalogue::default();
        c.add_file("demo.toml", RULE).unwrap();
        c
    }

    fn event(kind: EventKind, target: &str, args: Vec<Arg>) -> Event {
        let mut e = Event::new(kind, vec!["Other".into(), target.into()], 0..1);
        e.args = args;
        e
    }

    fn member(m: &str) -> Arg {
        Arg::Member(vec![m.to_string()])
    }

    #[test]
    fn matches_targets_args_prefixes_and_mitigations() {
        let c = catalogue();
        let m = Matcher::new(&c);
        let mut facts = FileFacts {
            events: vec![
                event(
                    EventKind::Construct,
                    "System.IO.FileStream",
                    vec![member("System.IO.FileMode.Create")],
                ),
                event(
                    EventKind::Construct,
                    "System.IO.FileStream",
                    vec![member("System.IO.FileMode.Open")],
                ),
                event(
                    EventKind::Construct,
                    "System.IO.FileStream",
                    vec![
                        member("System.IO.FileMode.Create"),
                        member("System.IO.FileAccess.Read"),
                    ],
                ),
                event(EventKind::Call, "System.IO.File.WriteAllText", vec![]),
                event(EventKind::Call, "System.IO.File.ReadAllText", vec![]),
                event(EventKind::Construct, "System.IO.File.WriteAllText", vec![]),
            ],
            ..FileFacts::default()
        };
        let found: Vec<_> = m
            .run(Language::CSharp, &facts)
            .iter()
            .map(|m| m.target.to_string())
            .collect();
        assert_eq!(
            found,
            ["System.IO.FileStream", "System.IO.File.WriteAllText"]
        );
        assert!(m.run(Language::Rust, &facts).is_empty());
        facts.calls.insert("UseClustering".into());
        assert!(m.run(Language::CSharp, &facts).is_empty());
    }

    const INSTANCE_RULE: &str = r#"
id = "disk"
category = "local-disk-write"
languages = ["csharp"]
severity = "warning"
summary = "s"
message = "m"
alternative = "a"
[[match]]
kind = "call"
targets = ["System.IO.File.*"]
[unless]
instance_paths = true
invalidating_calls = ["*.Delete"]
[docs]
what = "w"
why = "w"
example = "e"
instead = "i"
fine_when = "f"
"#;

    #[test]
    fn instance_paths_spare_invalidating_calls_and_shared_destinations() {
        let mut c = Catalogue::default();
        c.add_file("disk.toml", INSTANCE_RULE).unwrap();
        let m = Matcher::new(&c);
        let facts = FileFacts {
            events: vec![
                event(
                    EventKind::Call,
                    "System.IO.File.WriteAllText",
                    vec![Arg::InstancePath],
                ),
                event(
                    EventKind::Call,
                    "System.IO.File.WriteAllText",
                    vec![Arg::Str("app.pid".into())],
                ),
                event(
                    EventKind::Call,
                    "System.IO.File.WriteAllText",
                    vec![Arg::Str("app.log".into())],
                ),
                event(
                    EventKind::Call,
                    "System.IO.File.Delete",
                    vec![Arg::InstancePath],
                ),
                event(
                    EventKind::Call,
                    "System.IO.File.Copy",
                    vec![Arg::InstancePath, Arg::Str("uploads/a.png".into())],
                ),
            ],
            ..FileFacts::default()
        };
        let found: Vec<_> = m
            .run(Language::CSharp, &facts)
            .iter()
            .map(|m| m.target.to_string())
            .collect();
        assert_eq!(
            found,
            [
                "System.IO.File.WriteAllText",
                "System.IO.File.Delete",
                "System.IO.File.Copy"
            ]
        );
    }

    #[test]
    fn parameters_assumed_temporary_ask_for_cache_paths_only_where_those_mitigate() {
        use crate::event::Assumed;
        let mut c = Catalogue::default();
        c.add_file("disk.toml", INSTANCE_RULE).unwrap();
        let m = Matcher::new(&c);
        let assumed = |target: &str| {
            let mut e = event(
                EventKind::Call,
                target,
                vec![Arg::Other { path_like: true }],
            );
            e.assumed = Some(Assumed {
                registrations: vec!["temp-param:Unpack:1".into()],
                args: vec![Arg::TempPath],
            });
            e
        };
        let facts = FileFacts {
            events: vec![
                assumed("System.IO.File.WriteAllText"),
                assumed("System.IO.File.Delete"),
            ],
            ..FileFacts::default()
        };
        let quiet_if: Vec<_> = m
            .run(Language::CSharp, &facts)
            .iter()
            .map(|m| m.quiet_if.clone())
            .collect();
        // A write goes when cache folders reach the parameter too; a delete of a cached copy
        // only when temporary paths alone do.
        assert_eq!(
            quiet_if,
            [
                vec!["own-param:Unpack:1".to_string()],
                vec!["temp-param:Unpack:1".to_string()]
            ]
        );
    }

    const OBJECT_RULE: &str = r#"
id = "db"
category = "local-disk-write"
languages = ["javascript"]
severity = "error"
summary = "s"
message = "m"
alternative = "a"
[[match]]
kind = "call"
targets = ["knex"]
object_value = { key = "client", values = ["sqlite*"] }
[unless]
object_values_any = [{ key = "connection.filename", values = [":memory:"] }]
[docs]
what = "w"
why = "w"
example = "e"
instead = "i"
fine_when = "f"
"#;

    #[test]
    fn project_mitigations_hold_in_their_own_file_and_are_named_for_the_project() {
        let rule = RULE.replace(
            "file_calls_any = [\"UseClustering\"]",
            "project_calls_any = [\"AddBackplane*\"]\nproject_strings_any = [\"clustered\"]",
        );
        let mut c = Catalogue::default();
        c.add_file("demo.toml", &rule).unwrap();
        let m = Matcher::new(&c);
        let write = event(
            EventKind::Call,
            "System.IO.File.WriteAllText",
            vec![Arg::Other { path_like: true }],
        );
        let mut facts = FileFacts {
            events: vec![write],
            ..FileFacts::default()
        };
        assert_eq!(m.run(Language::CSharp, &facts).len(), 1);
        assert!(m.project_mitigations(Language::CSharp, &facts).is_empty());
        facts.calls.insert("AddBackplaneRedis".into());
        assert!(
            m.run(Language::CSharp, &facts).is_empty(),
            "mitigated in its own file"
        );
        assert_eq!(m.project_mitigations(Language::CSharp, &facts), ["demo"]);
        // Only for the rule's languages.
        assert!(m
            .project_mitigations(Language::JavaScript, &facts)
            .is_empty());
        facts.calls.clear();
        facts.strings.insert("quartz.clustered=true".into());
        assert_eq!(m.project_mitigations(Language::CSharp, &facts), ["demo"]);
    }

    #[test]
    fn object_values_match_nested_keys_and_globs() {
        let mut c = Catalogue::default();
        c.add_file("db.toml", OBJECT_RULE).unwrap();
        let m = Matcher::new(&c);
        let knex = |client: &str, filename: &str| {
            let connection = vec![Property::new("filename", Value::Str(filename.into()))];
            let props = vec![
                Property::new("client", Value::Str(client.into())),
                Property::new("connection", Value::Object(connection)),
            ];
            let mut e = Event::new(EventKind::Call, vec!["knex".into()], 0..1);
            e.args = vec![Arg::Object(props)];
            e
        };
        let facts = FileFacts {
            events: vec![
                knex("sqlite3", "data.db"),
                knex("pg", "data.db"),
                knex("better-sqlite3", "data.db"),
                knex("sqlite3", ":memory:"),
            ],
            ..FileFacts::default()
        };
        let found: Vec<_> = m
            .run(Language::JavaScript, &facts)
            .iter()
            .map(|m| &m.event.args)
            .collect();
        assert_eq!(found, [&facts.events[0].args]);
        let bad = OBJECT_RULE.replace("key = \"client\"", "key = \"client.\"");
        let err = Catalogue::default().add_file("db.toml", &bad).unwrap_err();
        assert!(err.message.contains("object value"), "{}", err.message);
    }

    /// A rule file for `javascript` with placeholder texts around the given `[[match]]` tables.
    fn javascript_rule(id: &str, patterns: &str) -> String {
        format!(
            "id = \"{id}\"\ncategory = \"in-memory-state\"\nlanguages = [\"javascript\"]\n\
             severity = \"warning\"\nsummary = \"s\"\nmessage = \"m\"\nalternative = \"a\"\n\
             {patterns}\n[docs]\nwhat = \"w\"\nwhy = \"w\"\nexample = \"e\"\n\
             instead = \"i\"\nfine_when = \"f\"\n"
        )
    }

    const OPTIONS_PATTERNS: &str = r#"
[[match]]
kind = "call"
targets = ["limiter"]
without_arg_keys = ["store"]
options_arg = 0
[[match]]
kind = "construct"
targets = ["Server"]
file_calls_any = ["clients.*"]
[[match]]
kind = "call"
targets = ["*.setTimeout"]
"#;

    #[test]
    fn unseen_options_may_hold_the_key_file_calls_are_evidence_and_unresolved_methods_match_only_by_name(
    ) {
        let mut c = Catalogue::default();
        c.add_file("limit.toml", &javascript_rule("limit", OPTIONS_PATTERNS))
            .unwrap();
        let m = Matcher::new(&c);
        let call = |args: Vec<Arg>| {
            let mut e = Event::new(EventKind::Call, vec!["limiter".into()], 0..1);
            e.args = args;
            e
        };
        let store = vec![Property::new("store", Value::Other)];
        let mut facts = FileFacts {
            events: vec![
                call(vec![]),
                call(vec![Arg::Object(vec![Property::new(
                    "limit",
                    Value::Other,
                )])]),
                call(vec![Arg::Object(store)]),
                call(vec![Arg::Other { path_like: false }]),
                call(vec![member("./config.limits")]),
                Event::new(EventKind::Construct, vec!["Server".into()], 0..1),
            ],
            ..FileFacts::default()
        };
        let found = |facts: &FileFacts| -> Vec<usize> {
            m.run(Language::JavaScript, facts)
                .iter()
                .map(|x| {
                    facts
                        .events
                        .iter()
                        .position(|e| std::ptr::eq(e, x.event))
                        .unwrap()
                })
                .collect()
        };
        facts.events.push(Event::new(
            EventKind::Call,
            vec!["?.setTimeout".into()],
            0..1,
        ));
        facts.events.push(Event::new(
            EventKind::Call,
            vec!["x.setTimeout".into()],
            0..1,
        ));
        assert_eq!(found(&facts), [0, 1, 7]);
        facts.calls.insert("clients.forEach".into());
        assert_eq!(found(&facts), [0, 1, 5, 7]);
    }

    #[test]
    fn words_match_plurals_and_prefixes() {
        let mut e = Event::new(EventKind::Collection, vec!["Map".into()], 0..1);
        e.words = vec!["boxes".into(), "online".into(), "users".into()];
        let w = |list: &[&str]| {
            has_word(
                &e.words,
                &list.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            )
        };
        assert!(w(&["user"]));
        assert!(w(&["box"]));
        assert!(w(&["on*"]));
        assert!(!w(&["use", "line", "session"]));
    }

    #[test]
    fn held_words_match_a_pattern_but_never_its_unless() {
        let rule = RULE
            .replace(
                "kind = \"call\"\ntargets = [\"System.IO.File.Write*\"]",
                "kind = \"collection\"\ntargets = [\"Map\"]\nwords_any = [\"email\"]",
            )
            .replace(
                "file_calls_any = [\"UseClustering\"]",
                "words_any = [\"cache\", \"type\"]",
            );
        let mut c = Catalogue::default();
        c.add_file("demo.toml", &rule).unwrap();
        let m = Matcher::new(&c);
        let mut held = Event::new(EventKind::Collection, vec!["Map".into()], 0..1);
        held.words = vec!["resets".into()];
        held.held_words = vec!["email".into(), "type".into()];
        let mut cached = held.clone();
        cached.words.push("cache".into());
        let found = |e: &Event| {
            let facts = FileFacts {
                events: vec![e.clone()],
                ..FileFacts::default()
            };
            m.run(Language::CSharp, &facts).len()
        };
        assert_eq!(
            found(&held),
            1,
            "an entry's `type` field does not silence it"
        );
        assert_eq!(found(&cached), 0, "its own name still does");
    }

    #[test]
    fn project_evidence_is_required_of_the_project_unless_the_file_supplies_it() {
        let rule = RULE.replace(
            "targets = [\"System.IO.File.Write*\"]",
            "targets = [\"System.IO.File.Write*\"]\nproject_calls_any = [\"UseInMemoryStorage\"]",
        );
        let mut c = Catalogue::default();
        c.add_file("demo.toml", &rule).unwrap();
        let m = Matcher::new(&c);
        let write = event(EventKind::Call, "System.IO.File.WriteAllText", vec![]);
        let mut facts = FileFacts {
            events: vec![write],
            ..FileFacts::default()
        };
        let requires = |facts: &FileFacts| -> Vec<Vec<String>> {
            m.run(Language::CSharp, facts)
                .into_iter()
                .map(|x| x.requires)
                .collect()
        };
        assert_eq!(requires(&facts), [vec!["calls:demo".to_string()]]);
        // An event whose candidate targets match the rule twice (C#: one per imported
        // namespace) still needs the evidence.
        let mut twice = facts.clone();
        twice.events[0].targets = vec![
            "System.IO.File.WriteAllText".into(),
            "System.IO.File.WriteAllBytes".into(),
        ];
        assert_eq!(requires(&twice), [vec!["calls:demo".to_string(); 2]]);
        assert!(m.project_evidence(Language::CSharp, &facts).is_empty());
        facts.calls.insert("UseInMemoryStorage".into());
        assert_eq!(requires(&facts), [Vec::<String>::new()]);
        assert_eq!(m.project_evidence(Language::CSharp, &facts), ["calls:demo"]);
        assert!(m.project_evidence(Language::JavaScript, &facts).is_empty());
        // Not together with a condition on the owner's registration.
        let both = rule.replace(
            "project_calls_any",
            "owner_registered_any = [\"AddSingleton\"]\nproject_calls_any",
        );
        assert!(Catalogue::default().add_file("both.toml", &both).is_err());
    }

    #[test]
    fn field_collections_need_their_owner_registered_here_or_in_the_project() {
        let rule = RULE
            .replace(
                "kind = \"construct\"",
                "kind = \"field-collection\"\nowner_registered_any = [\"AddSingleton\"]",
            )
            .replace("args_any = [\"System.IO.FileMode.Create\"]\n", "");
        let mut c = Catalogue::default();
        c.add_file("demo.toml", &rule).unwrap();
        let m = Matcher::new(&c);
        let mut field = event(EventKind::FieldCollection, "System.IO.FileStream", vec![]);
        let mut facts = FileFacts {
            events: vec![field.clone()],
            ..FileFacts::default()
        };
        // No owner: not a field of anything the project could register.
        assert!(m.run(Language::CSharp, &facts).is_empty());
        field.owner = Some("Tracker".into());
        facts.events = vec![field];
        let requires = |facts: &FileFacts| -> Vec<Vec<String>> {
            m.run(Language::CSharp, facts)
                .into_iter()
                .map(|x| x.requires)
                .collect()
        };
        assert_eq!(requires(&facts), [vec!["AddSingleton:Tracker".to_string()]]);
        facts.registrations.insert("AddSingleton:Tracker".into());
        assert_eq!(requires(&facts), [Vec::<String>::new()]);
        // A field its file never writes needs a write through the registered state.
        facts.events[0].written_elsewhere = Some("sessions".into());
        assert_eq!(
            requires(&facts),
            [vec!["write:AddSingleton:Tracker.sessions".to_string()]]
        );
        facts
            .registrations
            .insert("write:AddSingleton:Tracker.sessions".into());
        assert_eq!(requires(&facts), [Vec::<String>::new()]);
    }
}
