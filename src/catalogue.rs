//! The rule catalogue: the schema of a rule file, loading and validation.
//!
//! One rule per TOML file. The files in `rules/` are embedded at build time
//! (see `build.rs`); users may load more with [`Catalogue::add_file`].

use crate::event::{Context, EventKind};
use crate::frontend::Language;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The four kinds of single-instance assumption, and `suppression` for the rules that
/// audit suppression comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// State written to this instance's disk that other instances never see.
    LocalDiskWrite,
    /// A timer or delay loop that runs the job once per instance.
    InProcessTimer,
    /// A cron library that runs the schedule once per instance.
    CronLibrary,
    /// State held in this process's memory and treated as shared.
    InMemoryState,
    /// A suppression comment that needs attention (silences nothing, names an unknown rule,
    /// gives no reason). Its rules have no `[[match]]`: the suppression checker raises them.
    Suppression,
}

impl Category {
    /// Every category, in the order reports list them.
    pub const ALL: [Category; 5] = [
        Category::LocalDiskWrite,
        Category::InProcessTimer,
        Category::CronLibrary,
        Category::InMemoryState,
        Category::Suppression,
    ];

    /// The id used in rule files and output.
    pub fn name(self) -> &'static str {
        match self {
            Category::LocalDiskWrite => "local-disk-write",
            Category::InProcessTimer => "in-process-timer",
            Category::CronLibrary => "cron-library",
            Category::InMemoryState => "in-memory-state",
            Category::Suppression => "suppression",
        }
    }
}

/// How serious a finding is; also the unit of `--fail-on`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, rarely a bug on its own.
    Info,
    /// Likely to misbehave once the app runs on several instances.
    Warning,
    /// Breaks as soon as the app runs on several instances.
    Error,
}

impl Severity {
    /// The name used in rule files and output.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A rule: what to match and what to tell the user.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id, used in output, suppressions and baselines.
    pub id: String,
    /// Which kind of single-instance assumption it finds.
    pub category: Category,
    /// The languages whose files it applies to.
    pub languages: Vec<Language>,
    /// Default severity.
    pub severity: Severity,
    /// One line for `scaleout rules`.
    pub summary: String,
    /// The finding's message; `{target}` is replaced by the resolved API name.
    pub message: String,
    /// The concrete distributed replacement.
    pub alternative: String,
    /// Patterns; the rule fires when any one matches. Empty exactly for `suppression` rules.
    #[serde(rename = "match", default)]
    pub patterns: Vec<Pattern>,
    /// Mitigations; the rule stays quiet when any one holds.
    #[serde(default)]
    pub unless: Unless,
    /// Report only the first match in a file (in source order; matches that need different
    /// registrations from other files count apart): one finding per file for a problem that
    /// repeats at every call, such as evicting an in-process cache in each update method.
    #[serde(default)]
    pub once_per_file: bool,
    /// What a match sets up lives as long as the process (an embedded database opened at
    /// start): reported also where only start-up code reaches it.
    #[serde(default)]
    pub reported_at_startup: bool,
    /// What a match does is over when its call returns (a file written, moved or deleted),
    /// unlike what a call sets up for the process's lifetime (a hub, a limiter, a log sink):
    /// as a statement of a server's start it happens once per start, like start-up code (see
    /// [`crate::reach::Solved::runs_once`]).
    #[serde(default)]
    pub one_shot: bool,
    /// The documentation shown by `scaleout explain`.
    pub docs: Docs,
    /// Shipped in the binary (it has a page under `docs/rules/`), not a user's rule file.
    #[serde(skip)]
    pub builtin: bool,
}

impl Rule {
    /// Where the rule is documented online (SARIF `helpUri`, LSP `codeDescription.href`):
    /// a built-in rule's page `docs/rules/<id>.md` (the text of `scaleout explain`), else the
    /// rules section of the project's README.
    pub fn help_uri(&self) -> String {
        let home = env!("CARGO_PKG_REPOSITORY");
        if self.builtin {
            format!("{home}/blob/main/docs/rules/{}.md", self.id)
        } else {
            format!("{home}#rules")
        }
    }
}

/// One thing a rule looks for. All given conditions must hold.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pattern {
    /// The kind of event.
    pub kind: EventKind,
    /// Resolved names; a trailing `*` matches any ending and a leading `*` any beginning
    /// (`*.setInterval`: `setInterval` from any module or global).
    pub targets: Vec<String>,
    /// Some argument is one of these resolved members (`System.IO.FileMode.Create`)
    /// or string literals.
    #[serde(default)]
    pub args_any: Vec<String>,
    /// Some object-literal argument has one of these keys (`dest` in `multer({ dest })`).
    #[serde(default)]
    pub arg_keys_any: Vec<String>,
    /// No object-literal argument has any of these keys (`session({ secret })` without `store`);
    /// a spread (`{ ...opts }`) counts as possibly having them.
    #[serde(default)]
    pub without_arg_keys: Vec<String>,
    /// Some object-literal argument has this key (a dotted path reaches into nested
    /// objects: `connection.filename`) with one of these values (`client: 'sqlite3'`).
    #[serde(default)]
    pub object_value: Option<ObjectValue>,
    /// The argument at this 0-based index looks like a file path.
    #[serde(default)]
    pub path_arg: Option<usize>,
    /// The call or construction has at least this many arguments (`new Database(file)`,
    /// whatever the expression that gives the file).
    #[serde(default)]
    pub min_args: Option<usize>,
    /// The argument at this 0-based index is the options object that `without_arg_keys`
    /// reads. When it is given but is neither an object literal nor a name bound to one in
    /// the file (a parameter, an imported object, a function's result), it may hold any
    /// key, so `without_arg_keys` does not hold. Without `options_arg` only object-literal
    /// arguments are read and any other argument counts as holding no key.
    #[serde(default)]
    pub options_arg: Option<usize>,
    /// Some builder call before the target is one of these (`append(true)`).
    #[serde(default)]
    pub chain_any: Vec<String>,
    /// The file also calls one of these (resolved names or bare method names, and for a
    /// method of an unresolved value its last two names, `clients.forEach`; trailing `*`
    /// allowed): evidence the match needs from elsewhere in the file.
    #[serde(default)]
    pub file_calls_any: Vec<String>,
    /// Some server file of the scanned project, this one included, calls one of these
    /// (like `file_calls_any`): evidence the match needs from elsewhere in the project, such
    /// as Hangfire's in-memory storage set up where the host is built for a recurring job
    /// registered here. Not with `owner_registered_any`. A run over single files sees only
    /// those files.
    #[serde(default)]
    pub project_calls_any: Vec<String>,
    /// The event's words (what a collection holds: its name, type arguments and keys) include
    /// one of these; a word also matches its plural (`user` matches `users`), a trailing `*`
    /// any ending.
    #[serde(default)]
    pub words_any: Vec<String>,
    /// For a `field-collection` (and required there): the type holding the field is made
    /// a single, process-lived instance in one of these ways (the `how` of the frontends'
    /// `how:Type` registrations: `AddSingleton`, `@nestjs/common.Injectable`, `new`,
    /// `actix_web::web::Data`), in this file or in any server file of the scanned project.
    /// A run over single files sees only those files.
    #[serde(default)]
    pub owner_registered_any: Vec<String>,
    /// The event sits in all of these contexts.
    #[serde(default)]
    pub context: Vec<Context>,
}

/// A condition on the value of one key of an object-literal argument.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectValue {
    /// The key; dots separate the keys of nested objects (`connection.filename`).
    pub key: String,
    /// String literals or resolved names; a trailing `*` matches any ending
    /// (`file:*`).
    pub values: Vec<String>,
}

/// Mitigations that silence a rule.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unless {
    /// Some argument is one of these resolved members or string literals (`System.IO.FileAccess.Read`).
    #[serde(default)]
    pub args_any: Vec<String>,
    /// The event sits in any of these contexts.
    #[serde(default)]
    pub context_any: Vec<Context>,
    /// Some object-literal argument has one of these key/value pairs
    /// (`connection.filename = ':memory:'`).
    #[serde(default)]
    pub object_values_any: Vec<ObjectValue>,
    /// The file calls any of these (resolved names or bare method names; trailing `*` allowed).
    #[serde(default)]
    pub file_calls_any: Vec<String>,
    /// The file has a string literal containing any of these.
    #[serde(default)]
    pub file_strings_any: Vec<String>,
    /// Some file of the scanned project, in one of the rule's languages, calls any of these
    /// (like `file_calls_any`): a mitigation configured in another module, such as a
    /// SignalR backplane added where the host is built. A run over single files sees only
    /// those files.
    #[serde(default)]
    pub project_calls_any: Vec<String>,
    /// Some file of the scanned project, in one of the rule's languages, has a string
    /// literal containing any of these.
    #[serde(default)]
    pub project_strings_any: Vec<String>,
    /// The argument list's source text contains any of these, ignoring case (C#: a key
    /// folder under `/mnt/`, a `SHARED_KEYS_DIR` variable).
    #[serde(default)]
    pub args_text_any: Vec<String>,
    /// Every path argument is in the temporary directory (scratch files).
    #[serde(default)]
    pub temp_paths: bool,
    /// Every path argument is this instance's own (a derived cache, a staging or spool folder,
    /// a pid, lock or socket file, a self-signed certificate), or in the temporary directory.
    #[serde(default)]
    pub instance_paths: bool,
    /// Calls (resolved targets, `*suffix` / `prefix*` globs) that `instance_paths` does not
    /// silence: deleting from this instance's cache invalidates it here only, while the other
    /// instances keep serving stale copies.
    #[serde(default)]
    pub invalidating_calls: Vec<String>,
    /// Calls (resolved targets, `*suffix` / `prefix*` globs) that only prepare a place for
    /// later writes (creating a directory): silenced where they run once, when the process
    /// loads the module ([`Context::OnceAtStart`]) or as a statement of a server's start (see
    /// [`crate::reach::Solved::runs_once`]). The writes into the place are judged where they
    /// happen.
    #[serde(default)]
    pub setup_calls: Vec<String>,
    /// The event's words include one of these (as `words_any` of a pattern): a collection
    /// named or keyed as a cache, a template or a configuration.
    #[serde(default)]
    pub words_any: Vec<String>,
    /// The recurring body behind the event does only these kinds of work (ids of
    /// `src/work/kinds.toml`: `metrics`, `logging`, `own-cache`, ...).
    #[serde(default)]
    pub work_only: Vec<String>,
    /// The recurring body behind the event does one of these kinds of work, whatever else it
    /// does: `coordinated` (a distributed lock, lease or election, a consumer group, rows
    /// claimed with `SKIP LOCKED`) makes one instance do each piece of work.
    #[serde(default)]
    pub work_any: Vec<String>,
}

/// The documentation sections every rule must have.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    /// What it finds.
    pub what: String,
    /// Why it breaks when scaled out.
    pub why: String,
    /// An example of flagged code.
    pub example: String,
    /// What to use instead.
    pub instead: String,
    /// When the flagged code is fine.
    pub fine_when: String,
}

/// A problem with a rule file, naming the file, line and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueError {
    /// The rule file.
    pub file: String,
    /// What is wrong, with the line (and column, for TOML errors) and the key.
    pub message: String,
}

impl fmt::Display for CatalogueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid rule file {}: {}",
            self.file,
            self.message.trim_end()
        )
    }
}

impl std::error::Error for CatalogueError {}

/// All loaded rules, by id.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    rules: BTreeMap<String, Rule>,
}

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

impl Catalogue {
    /// The rules shipped in the binary.
    pub fn builtin() -> Result<Catalogue, CatalogueError> {
        let mut catalogue = Catalogue::default();
        for (file, text) in EMBEDDED_RULES {
            catalogue.add_file(&format!("rules/{file}"), text)?;
        }
        for rule in catalogue.rules.values_mut() {
            rule.builtin = true;
        }
        Ok(catalogue)
    }

    /// Parses, validates and adds one rule file. `file` names it in errors.
    pub fn add_file(&mut self, file: &str, text: &str) -> Result<(), CatalogueError> {
        let err = |message: String| CatalogueError {
            file: file.to_string(),
            message,
        };
        let rule: Rule = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        let at = |key: &[Step], message: String| {
            let line = line_of(text, key).map_or(String::new(), |l| format!("line {l}, "));
            err(format!("{line}key `{}`: {message}", key_name(key)))
        };
        validate(&rule).map_err(|(key, message)| at(&key, message))?;
        if self.rules.contains_key(&rule.id) {
            return Err(at(
                &[Step::Key("id")],
                format!("duplicate rule id `{}`", rule.id),
            ));
        }
        self.rules.insert(rule.id.clone(), rule);
        Ok(())
    }

    /// All rules, sorted by id.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.values()
    }

    /// The rule with this id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.get(id)
    }
}

/// One step of a key path in a rule file: a table key or an array index.
#[derive(Debug, Clone, Copy)]
enum Step {
    Key(&'static str),
    Index(usize),
}

/// `match[2].targets`, `docs.what` (indices 1-based, as `match #2` reads).
fn key_name(key: &[Step]) -> String {
    let mut out = String::new();
    for step in key {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => out.push_str(&format!(".{k}")),
            Step::Index(i) => out.push_str(&format!("[{}]", i + 1)),
        }
    }
    out
}

/// The 1-based line of the value at `key` in `text` (a file that parsed).
fn line_of(text: &str, key: &[Step]) -> Option<usize> {
    use toml::de::{DeTable, DeValue};
    let document = DeTable::parse(text).ok()?;
    let mut span = document.span();
    let mut value: Option<&DeValue<'_>> = None;
    let mut table = Some(document.get_ref());
    for step in key {
        let next = match (step, table, value) {
            (Step::Key(k), Some(t), _) => t.iter().find(|(name, _)| name.get_ref() == k)?.1,
            (Step::Index(i), _, Some(DeValue::Array(items))) => items.get(*i)?,
            _ => return None,
        };
        span = next.span();
        value = Some(next.get_ref());
        table = match next.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        };
    }
    Some(text.get(..span.start)?.matches('\n').count() + 1)
}

fn validate(rule: &Rule) -> Result<(), (Vec<Step>, String)> {
    let id_ok = !rule.id.is_empty()
        && rule
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !id_ok {
        return Err((
            vec![Step::Key("id")],
            format!(
                "rule id `{}` must be non-empty lowercase letters, digits and '-'",
                rule.id
            ),
        ));
    }
    if rule.languages.is_empty() {
        return Err((
            vec![Step::Key("languages")],
            format!("rule `{}` names no language", rule.id),
        ));
    }
    let audits_suppressions = rule.category == Category::Suppression;
    if rule.patterns.is_empty() && !audits_suppressions {
        return Err((
            vec![Step::Key("match")],
            format!("rule `{}` has no [[match]] pattern", rule.id),
        ));
    }
    if !rule.patterns.is_empty() && audits_suppressions {
        return Err((
            vec![Step::Key("match")],
            format!(
                "rule `{}`: `suppression` rules are raised by the suppression checker and take no [[match]]",
                rule.id
            ),
        ));
    }
    for (i, pattern) in rule.patterns.iter().enumerate() {
        if pattern.targets.is_empty() || pattern.targets.iter().any(|t| t.trim().is_empty()) {
            return Err((
                vec![Step::Key("match"), Step::Index(i), Step::Key("targets")],
                format!(
                    "rule `{}`: match #{} needs non-empty `targets`",
                    rule.id,
                    i + 1
                ),
            ));
        }
    }
    for (i, pattern) in rule.patterns.iter().enumerate() {
        if !pattern.project_calls_any.is_empty() && !pattern.owner_registered_any.is_empty() {
            return Err((
                vec![
                    Step::Key("match"),
                    Step::Index(i),
                    Step::Key("project_calls_any"),
                ],
                format!(
                    "rule `{}`: match #{}: `project_calls_any` and `owner_registered_any` cannot be combined",
                    rule.id,
                    i + 1
                ),
            ));
        }
        let field = pattern.kind == EventKind::FieldCollection;
        if field == pattern.owner_registered_any.is_empty() {
            return Err((
                vec![
                    Step::Key("match"),
                    Step::Index(i),
                    Step::Key("owner_registered_any"),
                ],
                format!(
                    "rule `{}`: match #{}: `owner_registered_any` is required for kind `field-collection` and allowed only there",
                    rule.id,
                    i + 1
                ),
            ));
        }
    }
    let object_values = rule
        .patterns
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let at = vec![
                Step::Key("match"),
                Step::Index(i),
                Step::Key("object_value"),
            ];
            p.object_value.as_ref().map(|c| (at, c))
        })
        .chain(
            rule.unless
                .object_values_any
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let at = vec![
                        Step::Key("unless"),
                        Step::Key("object_values_any"),
                        Step::Index(i),
                    ];
                    (at, c)
                }),
        );
    for (at, condition) in object_values {
        let key_ok = condition.key.split('.').all(|k| !k.trim().is_empty());
        if !key_ok || condition.values.is_empty() {
            return Err((
                at,
                format!(
                    "rule `{}`: an object value condition needs a `key` without empty parts and non-empty `values`",
                    rule.id
                ),
            ));
        }
    }
    let work_kinds = crate::work::kinds().map_err(|e| {
        (
            vec![Step::Key("unless"), Step::Key("work_only")],
            e.to_string(),
        )
    })?;
    for (key, list) in [
        ("work_only", &rule.unless.work_only),
        ("work_any", &rule.unless.work_any),
    ] {
        if let Some((i, kind)) = list
            .iter()
            .enumerate()
            .find(|(_, k)| !work_kinds.is_kind(k))
        {
            return Err((
                vec![Step::Key("unless"), Step::Key(key), Step::Index(i)],
                format!(
                    "rule `{}`: `{kind}` is no kind of work (one of: {})",
                    rule.id,
                    work_kinds.ids().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    let texts = [
        (&[Step::Key("summary")][..], &rule.summary),
        (&[Step::Key("message")], &rule.message),
        (&[Step::Key("alternative")], &rule.alternative),
        (&[Step::Key("docs"), Step::Key("what")], &rule.docs.what),
        (&[Step::Key("docs"), Step::Key("why")], &rule.docs.why),
        (
            &[Step::Key("docs"), Step::Key("example")],
            &rule.docs.example,
        ),
        (
            &[Step::Key("docs"), Step::Key("instead")],
            &rule.docs.instead,
        ),
        (
            &[Step::Key("docs"), Step::Key("fine_when")],
            &rule.docs.fine_when,
        ),
    ];
    if let Some((key, _)) = texts.iter().find(|(_, t)| t.trim().is_empty()) {
        return Err((
            key.to_vec(),
            format!("rule `{}`: `{}` is empty", rule.id, key_name(key)),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_loads() {
        let catalogue = Catalogue::builtin().expect("embedded rules are valid");
        assert!(catalogue.rules().count() >= 10);
    }

    #[test]
    fn unknown_keys_and_categories_name_the_file_and_line() {
        let mut c = Catalogue::default();
        let e = c
            .add_file("my.toml", "id = \"x\"\ncategory = \"disk\"\n")
            .unwrap_err();
        assert_eq!(e.file, "my.toml");
        assert!(e.message.contains("line 2"), "{}", e.message);
        assert!(e.message.contains("disk"), "{}", e.message);
        let e = c.add_file("my.toml", "idd = \"x\"\n").unwrap_err();
        assert!(e.message.contains("idd"), "{}", e.message);
    }

    #[test]
    fn invalid_values_name_the_line_and_key() {
        let text = "id = \"my-rule\"\ncategory = \"local-disk-write\"\n\
            languages = [\"javascript\"]\nseverity = \"warning\"\nsummary = \"s\"\n\
            message = \"m\"\nalternative = \"a\"\n\n[[match]]\nkind = \"call\"\n\
            targets = [\"fs.writeFileSync\"]\n\n[[match]]\nkind = \"call\"\n\
            targets = [\"fs.writeFile\"]\n\n[docs]\nwhat = \"w\"\nwhy = \"y\"\n\
            example = \"e\"\ninstead = \"i\"\nfine_when = \"f\"\n";
        let cases = [
            ("id = \"my-rule\"", "id = \"Bad Id\"", "line 1, key `id`: "),
            (
                "languages = [\"javascript\"]",
                "languages = []",
                "line 3, key `languages`: ",
            ),
            (
                "[\"fs.writeFile\"]",
                "[\" \"]",
                "line 15, key `match[2].targets`: ",
            ),
            (
                "what = \"w\"",
                "what = \"  \"",
                "line 18, key `docs.what`: ",
            ),
        ];
        for (from, to, start) in cases {
            let e = Catalogue::default()
                .add_file("my.toml", &text.replacen(from, to, 1))
                .unwrap_err();
            assert_eq!(e.file, "my.toml");
            assert!(e.message.starts_with(start), "{}", e.message);
        }
        let with_work = format!("{text}\n[unless]\nwork_only = [\"metrics\", \"metric\"]\n");
        let e = Catalogue::default()
            .add_file("my.toml", &with_work)
            .unwrap_err();
        assert!(
            e.message.starts_with(
                "line 25, key `unless.work_only[2]`: rule `my-rule`: `metric` is no kind"
            ),
            "{}",
            e.message
        );
        // `owner_registered_any` belongs to `field-collection` patterns, which need it.
        let owner_cases = [
            (
                "kind = \"field-collection\"",
                "is required for kind `field-collection`",
            ),
            (
                "kind = \"call\"\nowner_registered_any = [\"AddSingleton\"]",
                "line 11, key `match[1].owner_registered_any`",
            ),
        ];
        for (kind, wanted) in owner_cases {
            let e = Catalogue::default()
                .add_file("my.toml", &text.replacen("kind = \"call\"", kind, 1))
                .unwrap_err();
            assert!(e.message.contains(wanted), "{}", e.message);
        }
        let mut c = Catalogue::default();
        c.add_file("a.toml", text).unwrap();
        let e = c.add_file("b.toml", text).unwrap_err();
        assert_eq!(e.file, "b.toml");
        assert!(
            e.message.starts_with("line 1, key `id`: duplicate"),
            "{}",
            e.message
        );
    }
}
