//! Runs the linter over `fixtures/` and compares with the inline annotations.
//!
//! A line that must be reported ends with a comment `expect: <rule-id or category>[, ...]`:
//! `// expect: ...` in source, JSON-with-comments and Prisma files, `<!-- expect: ... -->` in XML.
//! Any missing or unexpected finding fails the test, as does a fixture that does not parse.
//! Each directory under `fixtures/projects/` is scanned as one project; there a line that
//! matches but no server entry point reaches ends with `// quiet: <reachability>`
//! (`startup`, `offline`, `unreferenced`), or `// quiet: doubt` when it is reached but of
//! low confidence (an external folder).

use scaleout::catalogue::Catalogue;
use scaleout::engine::Engine;
use scaleout::frontend::Language;
use scaleout::limits::Limits;
use scaleout::scan::scan;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// (path, line) → expected rule ids or categories.
fn annotations() -> BTreeMap<(String, usize), BTreeSet<String>> {
    marked(expectation)
}

/// (path, line) → the comma-separated words `annotation` finds on that line.
fn marked(annotation: fn(&str) -> Option<&str>) -> BTreeMap<(String, usize), BTreeSet<String>> {
    let mut out = BTreeMap::new();
    let files = walk(&root().join("fixtures"));
    for file in files {
        let rel = file
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, line) in text.lines().enumerate() {
            if let Some(words) = annotation(line) {
                let ids = words
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
                out.insert((rel.clone(), i + 1), ids);
            }
        }
    }
    out
}

/// The text after `// expect:` (source, JSON with comments, Prisma) or `<!-- expect:` (XML).
fn expectation(line: &str) -> Option<&str> {
    ["// expect:", "<!-- expect:"].iter().find_map(|marker| {
        let pos = line.find(marker)?;
        Some(
            line[pos + marker.len()..]
                .trim_end()
                .trim_end_matches("-->"),
        )
    })
}

/// The text after `// quiet:` (project fixtures: the reachability of a quiet finding).
fn quiet_reachability(line: &str) -> Option<&str> {
    let pos = line.find("// quiet:")?;
    Some(line[pos + "// quiet:".len()..].trim_end())
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if Language::from_path(&path).is_some() {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn fixtures_report_exactly_the_annotated_lines() {
    let catalogue = Catalogue::builtin().unwrap();
    // Reasons are required so that `suppression-without-reason` has fixtures too.
    let engine = Engine::new(&catalogue).require_reason(true);
    // Each sample file is linted on its own (named on the command line); the projects
    // under fixtures/projects/ are scanned as projects by `projects_report_...` below.
    let files: Vec<PathBuf> = walk(&root().join("fixtures"))
        .into_iter()
        .filter(|f| !f.starts_with(root().join("fixtures/projects")))
        .collect();
    let result = scan(&engine, &files, &root(), 2, &Limits::default());
    assert!(
        result.errors.is_empty(),
        "fixtures must parse: {:?}",
        result.errors
    );
    let problems = compare(&result.findings, &annotations(), |p| {
        !p.starts_with("fixtures/projects/")
    });
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

/// Differences between `findings` and the `expected` annotations of the paths `in_scope` accepts.
fn compare(
    findings: &[scaleout::finding::Finding],
    expected: &BTreeMap<(String, usize), BTreeSet<String>>,
    in_scope: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut actual: BTreeMap<(String, usize), BTreeSet<(String, String)>> = BTreeMap::new();
    for f in findings {
        actual
            .entry((f.path.clone(), f.start_line))
            .or_default()
            .insert((f.rule_id.clone(), f.category.name().to_string()));
    }
    let mut problems = Vec::new();
    for ((path, line), ids) in expected.iter().filter(|((p, _), _)| in_scope(p)) {
        let found = actual
            .get(&(path.clone(), *line))
            .cloned()
            .unwrap_or_default();
        for id in ids {
            if !found.iter().any(|(rule, cat)| rule == id || cat == id) {
                problems.push(format!("{path}:{line}: missing `{id}` (found {found:?})"));
            }
        }
    }
    for ((path, line), found) in &actual {
        let ids = expected
            .get(&(path.clone(), *line))
            .cloned()
            .unwrap_or_default();
        for (rule, cat) in found {
            if !ids.contains(rule) && !ids.contains(cat) {
                problems.push(format!("{path}:{line}: unexpected `{rule}`"));
            }
        }
    }
    problems
}

#[test]
fn projects_report_only_what_a_server_entry_point_reaches() {
    let catalogue = Catalogue::builtin().unwrap();
    let engine = Engine::new(&catalogue);
    let projects = root().join("fixtures/projects");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&projects)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 3, "a project per language");
    let expected = annotations();
    let quiet = marked(quiet_reachability);
    let mut problems = Vec::new();
    for dir in dirs {
        let result = scan(
            &engine,
            std::slice::from_ref(&dir),
            &root(),
            2,
            &Limits::default(),
        );
        assert!(result.errors.is_empty(), "{:?}", result.errors);
        let prefix = format!(
            "{}/",
            dir.strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        );
        let in_scope = |p: &str| p.starts_with(&prefix);
        problems.extend(compare(&result.findings, &expected, in_scope));
        let mut verdicts: BTreeMap<(String, usize), BTreeSet<String>> = BTreeMap::new();
        for f in &result.unreachable {
            let verdict = match (f.reachability, f.doubt) {
                (Some(reach), _) => reach.name(),
                (None, Some(_)) => "doubt",
                (None, None) => panic!("low-confidence findings say why"),
            };
            verdicts
                .entry((f.path.clone(), f.start_line))
                .or_default()
                .insert(verdict.to_string());
        }
        // `quiet: placement` lines are dropped before reachability (a separate program, code
        // that runs once at start by its name): they must be neither reported nor judged.
        let wanted: BTreeMap<_, _> = quiet
            .iter()
            .filter(|((p, _), v)| in_scope(p) && !v.contains("placement"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if verdicts != wanted {
            problems.push(format!(
                "{prefix}: quiet verdicts {verdicts:?}, annotated {wanted:?}"
            ));
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn every_rule_has_positive_fixtures_and_every_language_negative_ones() {
    let catalogue = Catalogue::builtin().unwrap();
    let expected = annotations();
    let mut missing = Vec::new();
    for rule in catalogue.rules() {
        let covered: BTreeSet<Language> = expected
            .iter()
            .filter(|(_, ids)| ids.contains(&rule.id))
            .filter_map(|((path, _), _)| Language::from_path(Path::new(path)))
            .collect();
        if covered.is_empty() {
            missing.push(format!("rule `{}` has no annotated fixture line", rule.id));
        }
    }
    for dir in ["javascript", "typescript", "csharp", "rust"] {
        let quiet = root().join("fixtures").join(dir).join("quiet");
        let has_quiet = quiet.is_dir() && !walk(&quiet).is_empty();
        if !has_quiet {
            missing.push(format!("fixtures/{dir}/quiet has no negative fixture"));
        }
        for file in walk(&quiet) {
            let text = std::fs::read_to_string(&file).unwrap();
            assert!(
                !text.lines().any(|l| expectation(l).is_some()),
                "{} is a negative fixture but has expectations",
                file.display()
            );
        }
    }
    assert!(missing.is_empty(), "\n{}\n", missing.join("\n"));
}
