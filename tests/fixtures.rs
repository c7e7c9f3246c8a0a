//! Runs the linter over `fixtures/` and compares with the inline annotations.
//!
//! A line that must be reported ends with a comment `expect: <rule-id or category>[, ...]`:
//! `// expect: ...` in source, JSON-with-comments and Prisma files, `<!-- expect: ... -->` in XML.
//! Any missing or unexpected finding fails the test, as does a fixture that does not parse.

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
            if let Some(annotation) = expectation(line) {
                let ids = annotation
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
    let result = scan(
        &engine,
        &[root().join("fixtures")],
        &root(),
        2,
        &Limits::default(),
    );
    assert!(
        result.errors.is_empty(),
        "fixtures must parse: {:?}",
        result.errors
    );

    let mut actual: BTreeMap<(String, usize), BTreeSet<(String, String)>> = BTreeMap::new();
    for f in &result.findings {
        actual
            .entry((f.path.clone(), f.start_line))
            .or_default()
            .insert((f.rule_id.clone(), f.category.name().to_string()));
    }
    let expected = annotations();
    let mut problems = Vec::new();
    for ((path, line), ids) in &expected {
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
