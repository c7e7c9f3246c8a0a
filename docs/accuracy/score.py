#!/usr/bin/env python3
"""Re-scores scaleout against the judged findings in labels/ (Python 3.11+ standard library only).

Measure-only repositories keep their label and missed files under heldout/labels/ and
heldout/missed/ instead, so that searching labels/ or missed/ while tuning cannot show them.

Usage: score.py DIR [--scaleout BIN] [--only OWNER/NAME ...] [--role tune|measure]
                    [--reveal-measure] [--check] [--markdown] [--list-fp [KIND]] [--list-missed]

DIR holds the repositories of repos.toml checked out at their judged commits as
DIR/<owner>__<name> (materialise.py does that, see fetch.md). For each one the script runs
`scaleout check . --format json` inside it, matches every finding to a label by fingerprint
(fallback: same rule, path and snippet), and prints per-repository and per-language
TP/FP/precision for the tune and the measure sets separately, the FP kinds still reported and
the precision per rule (tune set), the unlabelled new findings (to judge and add to the
labels) and the lost TPs (labelled TP, no longer reported).

Precision counts the labelled findings that are still reported: TP / (TP + FP). Unlabelled
findings are listed, not counted, until someone judges them.

Recall is counted per category (local-disk-write, in-process-timer, cron-library,
in-memory-state) from the TP labels and the sample of real problems scaleout does not report in
missed/<language>/<owner>__<name>.tsv (path, line, category, reason):

- found: TP labels still reported, in the category of the finding that matches them (the
  `category` of the JSON report);
- missed: rows of the missed file that are still not reported, plus lost TPs (labelled TP, no
  longer reported; their category is the rule's, from `scaleout rules`);
- recall = found / (found + missed), per repository and per language and set; like precision,
  each problem counts for its source file's language.

A missed row counts as reported (so as found, through the TP label of the finding) when a
reported finding labelled TP of the same category points at the same path within NEAR_LINES
lines; each such finding covers one missed row. A new finding on a missed row therefore moves it
to found only once it is judged TP in labels/. `--list-missed` lists the rows still missed.

Findings and missed rows of measure-only repositories are summarised by counts only;
--reveal-measure lists them too (only when the tuning is finished: their details must not steer
it).

Exit status: 0; 1 with --check when a labelled TP is no longer reported; 2 when a repository is
missing or scaleout fails.
"""
import argparse
import collections
import csv
import json
import os
import subprocess
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
LABEL_COLUMNS = ["fingerprint", "rule_id", "path", "line", "verdict", "kind", "reason", "snippet"]
MISSED_COLUMNS = ["path", "line", "category", "reason"]
CATEGORIES = ["local-disk-write", "in-process-timer", "cron-library", "in-memory-state"]
NEAR_LINES = 3
FP_KINDS = {
    "separate-program": "a separate non-server program in the repository (installer, seeder, tool)",
    "offline-subcommand": "an offline subcommand of the server binary (backup, restore, certs)",
    "once-at-start": "runs once per start or upgrade (migration, folder set-up, legacy clean-up)",
    "dead-code": "never called (no reference, or the call is commented out)",
    "scratch": "per-request or per-instance temporary file, deleted again",
    "harmless-timer": "loop/timer doing no shared work (keep-alive, metrics, competing consumers)",
    "client-code": "runs in a browser, desktop or mobile client",
    "test-code": "test code or a test harness",
    "dev-tooling": "build or developer tooling (bundling, code generation, design-time)",
    "shared-volume": "the path is a volume the deployment shares between instances",
    "external-folder": "a folder the user points an external client at (watch/blackhole)",
    "not-a-write": "the call does not write or schedule anything (mis-resolved)",
    "per-instance-state": "state that belongs to this instance only (own cache, own replica)",
    "other": "anything else (the reason says what)",
}


def load_repos(path=os.path.join(HERE, "repos.toml")):
    """The judged repositories: dicts with repo, commit, language, role."""
    with open(path, "rb") as f:
        repos = tomllib.load(f)["repo"]
    for r in repos:
        if r.get("role") not in ("tune", "measure"):
            raise SystemExit(f"repos.toml: {r.get('repo')}: role must be tune or measure")
    return repos


def slug(repo):
    """owner/name -> owner__name, the directory and label file name."""
    return repo.replace("/", "__")


def load_labels(labels_dir, language, repo):
    """The label rows of one repository (empty when it has no label file yet)."""
    path = os.path.join(labels_dir, language, slug(repo) + ".tsv")
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    for row in rows:
        if row["verdict"] not in ("TP", "FP"):
            raise SystemExit(f"{path}: verdict must be TP or FP: {row}")
        if row["verdict"] == "FP" and row["kind"] not in FP_KINDS:
            raise SystemExit(f"{path}: unknown FP kind {row['kind']!r}")
    return rows


def load_missed(missed_dir, language, repo):
    """The missed rows of one repository (empty when it has no missed file)."""
    path = os.path.join(missed_dir, language, slug(repo) + ".tsv")
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        if reader.fieldnames != MISSED_COLUMNS:
            raise SystemExit(f"{path}: the header must be {' '.join(MISSED_COLUMNS)}")
        rows = list(reader)
    for row in rows:
        if row["category"] not in CATEGORIES or not row["line"].isdigit():
            raise SystemExit(f"{path}: category must be one of {', '.join(CATEGORIES)} "
                             f"and line a number: {row}")
    return rows


def rule_categories(binary):
    """rule id -> category, from the Markdown table of `scaleout rules`."""
    proc = subprocess.run([binary, "rules", "--format", "markdown"], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        raise SystemExit(f"scaleout rules exited {proc.returncode}: {proc.stderr.strip()[:500]}")
    categories = {}
    for line in proc.stdout.splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[1] in CATEGORIES:
            categories[cells[0]] = cells[1]
    return categories


def recall_counts(matched, lost_tp, missed, categories, default_language):
    """found and missed per (language, category), with the missed rows still missed (see the
    module doc); each counts for its source file's language, like precision."""
    tp_findings = [f for f, l in matched if l["verdict"] == "TP"]
    counts = collections.defaultdict(lambda: {"found": 0, "missed": 0, "rows": []})

    def count(path, category, key):
        if category in CATEGORIES:
            counts[(path_language(path, default_language), category)][key] += 1

    for f in tp_findings:
        count(f["path"], f["category"], "found")
    for l in lost_tp:
        count(l["path"], categories.get(l["rule_id"]), "missed")
    used = set()
    for row in sorted(missed, key=lambda r: (r["path"], int(r["line"]))):
        line = int(row["line"])
        near = [f for f in tp_findings
                if id(f) not in used and f["category"] == row["category"]
                and f["path"] == row["path"] and abs(f["start_line"] - line) <= NEAR_LINES]
        if near:
            used.add(id(min(near, key=lambda f: abs(f["start_line"] - line))))
        else:
            count(row["path"], row["category"], "missed")
            counts[(path_language(row["path"], default_language), row["category"])][
                "rows"].append(row)
    return dict(counts)


def recall(found, missed):
    """found / (found + missed) as text, '-' when the category has no known problem."""
    return f"{found / (found + missed):.2f}" if found + missed else "-"


def run_scaleout(binary, checkout):
    """scaleout's JSON report for one checkout (paths relative to it)."""
    proc = subprocess.run(
        [binary, "check", ".", "--format", "json", "--fail-on", "never", "--quiet"],
        cwd=checkout, capture_output=True, text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"scaleout exited {proc.returncode}: {proc.stderr.strip()[:500]}")
    return json.loads(proc.stdout)


def match(findings, labels):
    """Pairs findings with labels, in passes: fingerprint and line, rule + path + snippet and
    line, fingerprint, rule + path + snippet. A fingerprint numbers identical snippets of a
    file in order, so when an earlier one is no longer reported a later one takes its
    fingerprint: the line keeps it with its own label.

    Returns (matched [(finding, label)], unlabelled findings, labels not matched)."""
    used = set()
    matched, rest = [], list(findings)

    def text(x, snippet):
        return (x["rule_id"], x["path"], snippet.replace("\t", " "))

    passes = [
        (lambda f: (f["fingerprint"], str(f["start_line"])),
         lambda l: (l["fingerprint"], l["line"])),
        (lambda f: text(f, f["snippet"]) + (str(f["start_line"]),),
         lambda l: text(l, l["snippet"]) + (l["line"],)),
        (lambda f: f["fingerprint"], lambda l: l["fingerprint"]),
        (lambda f: text(f, f["snippet"]), lambda l: text(l, l["snippet"])),
    ]
    for finding_key, label_key in passes:
        by_key = collections.defaultdict(list)
        for label in labels:
            if id(label) not in used:
                by_key[label_key(label)].append(label)
        unmatched = []
        for f in rest:
            candidates = [l for l in by_key.get(finding_key(f), []) if id(l) not in used]
            if candidates:
                used.add(id(candidates[0]))
                matched.append((f, candidates[0]))
            else:
                unmatched.append(f)
        rest = unmatched
    lost = [l for l in labels if id(l) not in used]
    return matched, rest, lost


SOURCE_LANGUAGES = {
    ".rs": "rust", ".cs": "csharp", ".js": "js", ".jsx": "js", ".mjs": "js", ".cjs": "js",
    ".ts": "js", ".tsx": "js", ".mts": "js", ".cts": "js",
}


def path_language(path, default):
    """The language a finding or label counts for: its source file's, so a repository that
    mixes languages (a Node server beside a Tauri desktop app in Rust) is split by language;
    configuration files count for the repository's language."""
    return SOURCE_LANGUAGES.get(os.path.splitext(path)[1].lower(), default)


def precision(tp, fp):
    """TP / (TP + FP) as text, '-' when nothing was reported."""
    return f"{tp / (tp + fp):.2f}" if tp + fp else "-"


def score_repo(repo, args):
    """One repository's result dict, or None when it cannot be scored."""
    checkout = os.path.join(args.dir, slug(repo["repo"]))
    if not os.path.isdir(checkout):
        print(f"error: {repo['repo']}: no checkout at {checkout} (see fetch.md)", file=sys.stderr)
        return None
    try:
        report = run_scaleout(args.scaleout, checkout)
    except (RuntimeError, json.JSONDecodeError, OSError) as e:
        print(f"error: {repo['repo']}: {e}", file=sys.stderr)
        return None
    root = args.heldout if repo["role"] == "measure" else args.judged
    labels = load_labels(os.path.join(root, "labels"), repo["language"], repo["repo"])
    matched, unlabelled, lost = match(report["findings"], labels)
    lost_tp = [l for l in lost if l["verdict"] == "TP"]
    missed = load_missed(os.path.join(root, "missed"), repo["language"], repo["repo"])
    lang = repo["language"]
    per_language = collections.defaultdict(collections.Counter)
    for f in report["findings"]:
        per_language[path_language(f["path"], lang)]["findings"] += 1
    for _, l in matched:
        per_language[path_language(l["path"], lang)][l["verdict"].lower()] += 1
    for f in unlabelled:
        per_language[path_language(f["path"], lang)]["unlabelled"] += 1
    for l in lost:
        key = "lost_tp" if l["verdict"] == "TP" else "gone_fp"
        per_language[path_language(l["path"], lang)][key] += 1
    return {
        "per_language": per_language,
        "repo": repo,
        "files": report["summary"]["files_scanned"],
        "findings": len(report["findings"]),
        "tp": sum(1 for _, l in matched if l["verdict"] == "TP"),
        "fp": sum(1 for _, l in matched if l["verdict"] == "FP"),
        "fp_kinds": collections.Counter(l["kind"] for _, l in matched if l["verdict"] == "FP"),
        "fp_labels": [l for _, l in matched if l["verdict"] == "FP"],
        "by_rule": collections.Counter((l["rule_id"], l["verdict"]) for _, l in matched),
        "unlabelled": unlabelled,
        "lost_tp": lost_tp,
        "gone_fp": sum(1 for l in lost if l["verdict"] == "FP"),
        "recall": recall_counts(matched, lost_tp, missed, args.categories, lang),
    }


def print_tables(results, markdown):
    """Per-repository rows, then per-language totals for each role."""
    header = ["role", "language", "repository", "commit", "files", "findings", "TP", "FP",
              "precision", "unlabelled", "lost TP", "FP gone"]
    rows = []
    for r in results:
        rows.append([r["repo"]["role"], r["repo"]["language"], r["repo"]["repo"],
                     r["repo"]["commit"][:10], r["files"], r["findings"], r["tp"], r["fp"],
                     precision(r["tp"], r["fp"]), len(r["unlabelled"]), len(r["lost_tp"]),
                     r["gone_fp"]])
    # Totals per language count each finding and label for its source file's language.
    totals = collections.defaultdict(collections.Counter)
    for r in results:
        role = r["repo"]["role"]
        t = totals[(role, r["repo"]["language"])]
        t["files"] += r["files"]
        t["repos"] += 1
        for lang, counts in r["per_language"].items():
            totals[(role, lang)].update(counts)
    total_header = ["role", "language", "repos", "files", "findings", "TP", "FP", "precision",
                    "unlabelled", "lost TP", "FP gone"]
    total_rows = [[role, lang, t["repos"], t["files"], t["findings"], t["tp"], t["fp"],
                   precision(t["tp"], t["fp"]), t["unlabelled"], t["lost_tp"], t["gone_fp"]]
                  for (role, lang), t in sorted(totals.items())]
    for head, body in ((header, rows), (total_header, total_rows)):
        render(head, body, markdown)
        print()


def print_recall(results, markdown):
    """Recall per repository (found/known per category), then per language and category."""
    header = ["role", "language", "repository"] + CATEGORIES + ["all"]
    rows = []
    totals = collections.defaultdict(collections.Counter)
    for r in results:
        role = r["repo"]["role"]
        per_category = collections.defaultdict(collections.Counter)
        for (lang, category), c in r["recall"].items():
            for key in (category, "all"):
                per_category[key].update(found=c["found"], missed=c["missed"])
                totals[(role, lang, key)].update(found=c["found"], missed=c["missed"])
        cells = [f"{t['found']}/{t['found'] + t['missed']}" if t["found"] + t["missed"] else "-"
                 for t in (per_category[c] for c in CATEGORIES + ["all"])]
        rows.append([role, r["repo"]["language"], r["repo"]["repo"]] + cells)
    print("Recall per repository (found / known real problems, per category):")
    render(header, rows, markdown)
    print()
    order = {c: i for i, c in enumerate(CATEGORIES + ["all"])}
    total_rows = [[role, lang, c, t["found"], t["missed"], recall(t["found"], t["missed"])]
                  for (role, lang, c), t in sorted(totals.items(),
                                                   key=lambda kv: (kv[0][:2], order[kv[0][2]]))]
    render(["role", "language", "category", "found", "missed", "recall"], total_rows, markdown)
    print()


def print_missed(results, reveal_measure):
    """The missed rows still not reported (measure-only repositories: with --reveal-measure)."""
    for r in results:
        name = r["repo"]["repo"]
        rows = [row for c in r["recall"].values() for row in c["rows"]]
        if r["repo"]["role"] == "measure" and not reveal_measure:
            if rows:
                print(f"{name} (measure-only): {len(rows)} missed (details hidden; "
                      f"--reveal-measure after tuning)")
            continue
        for row in sorted(rows, key=lambda row: (row["path"], int(row["line"]))):
            print(f"MISSED {row['category']:<17} {name} {row['path']}:{row['line']} "
                  f"{row['reason']}")


def render(header, rows, markdown):
    """A table as Markdown or as aligned plain text."""
    cells = [[str(c) for c in row] for row in [header] + rows]
    if markdown:
        print("| " + " | ".join(cells[0]) + " |")
        print("|" + "|".join("---" for _ in header) + "|")
        for row in cells[1:]:
            print("| " + " | ".join(row) + " |")
        return
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())


def print_details(results, reveal_measure):
    """FP kinds and per-rule counts of the tune set, unlabelled findings and lost TPs."""
    shown = [r for r in results if reveal_measure or r["repo"]["role"] == "tune"]
    scope = "all repositories" if reveal_measure else "tune repositories"
    kinds, rules = collections.Counter(), collections.Counter()
    for r in shown:
        kinds.update(r["fp_kinds"])
        rules.update(r["by_rule"])
    if kinds:
        print(f"FP kinds still reported ({scope}):")
        for kind, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {n:4}  {kind}")
        print()
    if rules:
        print(f"Per rule ({scope}):")
        names = sorted({rule for rule, _ in rules},
                       key=lambda rule: (-rules[(rule, "FP")], rule))
        render(["rule", "TP", "FP", "precision"],
               [[rule, rules[(rule, "TP")], rules[(rule, "FP")],
                 precision(rules[(rule, "TP")], rules[(rule, "FP")])] for rule in names], False)
        print()
    for r in results:
        name = r["repo"]["repo"]
        if not (r["unlabelled"] or r["lost_tp"]):
            continue
        if r["repo"]["role"] == "measure" and not reveal_measure:
            print(f"{name} (measure-only): {len(r['unlabelled'])} unlabelled, "
                  f"{len(r['lost_tp'])} lost TP (details hidden; --reveal-measure after tuning)")
            continue
        for f in r["unlabelled"]:
            print(f"UNLABELLED {name} {f['path']}:{f['start_line']} [{f['rule_id']}] "
                  f"{f['fingerprint']} {f['snippet']}")
        for l in r["lost_tp"]:
            print(f"LOST TP    {name} {l['path']}:{l['line']} [{l['rule_id']}] "
                  f"{l['fingerprint']} {l['reason']}")


def print_fps(results, kind):
    """The judged FPs still reported in tune repositories, optionally of one kind."""
    for r in results:
        if r["repo"]["role"] != "tune":
            continue
        for l in sorted(r["fp_labels"], key=lambda l: (l["kind"], l["path"], int(l["line"]))):
            if kind in ("", l["kind"]):
                print(f"FP {l['kind']:<18} {r['repo']['repo']} {l['path']}:{l['line']} "
                      f"[{l['rule_id']}] {l['reason']}")


def main():
    parser = argparse.ArgumentParser(
        description="Re-score scaleout against the judged findings in docs/accuracy/labels.")
    parser.add_argument("dir", help="directory holding the checkouts as <owner>__<name>")
    parser.add_argument("--scaleout", default=os.path.join(HERE, "..", "..", "target",
                                                           "release", "scaleout"),
                        help="the scaleout binary (default: target/release/scaleout)")
    parser.add_argument("--repos", default=os.path.join(HERE, "repos.toml"),
                        help="the repository list (labels/ beside it; default: this folder's)")
    parser.add_argument("--only", nargs="*", default=[], help="score only these owner/name")
    parser.add_argument("--role", choices=["tune", "measure"], help="score only this set")
    parser.add_argument("--reveal-measure", action="store_true",
                        help="also list unlabelled findings and lost TPs of measure-only repos")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a labelled TP is no longer reported")
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    parser.add_argument("--list-fp", nargs="?", const="", metavar="KIND",
                        help="list the FPs still reported in tune repositories (of one kind)")
    parser.add_argument("--list-missed", action="store_true",
                        help="list the rows of missed/ still not reported (tune repositories)")
    args = parser.parse_args()
    args.scaleout = os.path.abspath(args.scaleout)
    args.judged = os.path.dirname(os.path.abspath(args.repos))
    # Measure-only repositories keep their labels and missed rows apart, under heldout/, so
    # that a search through labels/ or missed/ while tuning never shows them.
    args.heldout = os.path.join(args.judged, "heldout")
    if not os.path.exists(args.scaleout):
        print(f"error: no scaleout binary at {args.scaleout} (cargo build --release)",
              file=sys.stderr)
        return 2
    repos = load_repos(args.repos)
    args.categories = rule_categories(args.scaleout)
    unknown = set(args.only) - {r["repo"] for r in repos}
    if unknown:
        print(f"error: not in repos.toml: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    selected = [r for r in repos
                if (not args.only or r["repo"] in args.only)
                and (not args.role or r["role"] == args.role)]
    results, failed = [], False
    for repo in sorted(selected, key=lambda r: (r["role"], r["language"], r["repo"].lower())):
        result = score_repo(repo, args)
        if result is None:
            failed = True
        else:
            results.append(result)
    print_tables(results, args.markdown)
    print_recall(results, args.markdown)
    print_details(results, args.reveal_measure)
    if args.list_fp is not None:
        print_fps(results, args.list_fp)
    if args.list_missed:
        print_missed(results, args.reveal_measure)
    if failed:
        return 2
    if args.check and any(r["lost_tp"] for r in results):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
