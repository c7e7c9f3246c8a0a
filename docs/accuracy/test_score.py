"""Tests of score.py: label matching, recall counting, and a whole run against a scaleout binary.

Run with `SCALEOUT=target/debug/scaleout python3 -m unittest docs/accuracy/test_score.py`
(tests/external/accuracy-score.sh does that). Without SCALEOUT only the matching tests run.
"""
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import score  # noqa: E402

SERVER = """const express = require('express');
const fs = require('fs');
const app = express();
app.post('/notes', (req, res) => {
  fs.writeFileSync('data/notes.json', JSON.stringify(req.body));
  res.sendStatus(204);
});
setInterval(() => purgeExpiredSessions(), 60 * 1000);
app.listen(3000);
"""
HEADER = "\t".join(score.LABEL_COLUMNS) + "\n"


def finding(fingerprint, rule="node-fs-write", path="src/a.js", snippet="fs.writeFileSync(p);",
            line=1, category="local-disk-write"):
    return {"fingerprint": fingerprint, "rule_id": rule, "path": path, "snippet": snippet,
            "start_line": line, "category": category}


def label(fingerprint, verdict="TP", rule="node-fs-write", path="src/a.js",
          snippet="fs.writeFileSync(p);", line=1):
    return {"fingerprint": fingerprint, "rule_id": rule, "path": path, "line": str(line),
            "verdict": verdict, "kind": "-" if verdict == "TP" else "scratch",
            "reason": "r", "snippet": snippet}


class MatchTest(unittest.TestCase):
    def test_fingerprint_match_wins(self):
        matched, unlabelled, lost = score.match([finding("a")], [label("a")])
        self.assertEqual([(f["fingerprint"], l["fingerprint"]) for f, l in matched], [("a", "a")])
        self.assertEqual((unlabelled, lost), ([], []))

    def test_changed_fingerprint_falls_back_to_rule_path_snippet(self):
        matched, unlabelled, lost = score.match([finding("new")], [label("old")])
        self.assertEqual([(f["fingerprint"], l["fingerprint"]) for f, l in matched],
                         [("new", "old")])
        self.assertEqual((unlabelled, lost), ([], []))

    def test_other_snippet_is_unlabelled_and_label_is_lost(self):
        matched, unlabelled, lost = score.match(
            [finding("new", snippet="fs.rmSync(p);")], [label("old")])
        self.assertEqual(matched, [])
        self.assertEqual([f["fingerprint"] for f in unlabelled], ["new"])
        self.assertEqual([l["fingerprint"] for l in lost], ["old"])

    def test_a_later_identical_snippet_keeps_its_own_label(self):
        # The first of two identical snippets is gone: the second inherits its fingerprint.
        labels = [label("first", verdict="FP", line=10), label("second", line=90)]
        matched, unlabelled, lost = score.match([finding("first", line=90)], labels)
        self.assertEqual([l["fingerprint"] for _, l in matched], ["second"])
        self.assertEqual([l["fingerprint"] for l in lost], ["first"])
        self.assertEqual(unlabelled, [])

    def test_one_label_matches_one_finding(self):
        matched, unlabelled, _ = score.match([finding("a"), finding("b")], [label("a")])
        self.assertEqual(len(matched), 1)
        self.assertEqual([f["fingerprint"] for f in unlabelled], ["b"])


def missed(line, category="local-disk-write", path="src/a.js"):
    return {"path": path, "line": str(line), "category": category, "reason": "r"}


class RecallTest(unittest.TestCase):
    CATEGORIES = {"node-fs-write": "local-disk-write", "node-set-interval": "in-process-timer"}

    def counts(self, findings, labels, missed_rows):
        matched, _, lost = score.match(findings, labels)
        lost_tp = [l for l in lost if l["verdict"] == "TP"]
        counts = score.recall_counts(matched, lost_tp, missed_rows, self.CATEGORIES, "js")
        self.assertEqual({lang for lang, _ in counts}, {"js"} if counts else set())
        return {c: (v["found"], v["missed"]) for (_, c), v in counts.items()}

    def test_reported_tp_labels_are_found_in_their_findings_category(self):
        self.assertEqual(self.counts([finding("a"), finding("b", category="in-process-timer")],
                                     [label("a"), label("b")], []),
                         {"local-disk-write": (1, 0), "in-process-timer": (1, 0)})

    def test_fp_labels_count_for_no_category(self):
        self.assertEqual(self.counts([finding("a")], [label("a", verdict="FP")], []), {})

    def test_lost_tp_is_missed_in_its_rules_category(self):
        self.assertEqual(self.counts([], [label("a")], []), {"local-disk-write": (0, 1)})

    def test_missed_row_near_a_tp_finding_of_its_category_is_found(self):
        self.assertEqual(self.counts([finding("a", line=10)], [label("a")],
                                     [missed(10 + score.NEAR_LINES)]),
                         {"local-disk-write": (1, 0)})

    def test_missed_row_stays_missed_when_far_elsewhere_or_of_another_category(self):
        rows = [missed(11 + score.NEAR_LINES), missed(10, path="src/b.js"),
                missed(10, category="in-memory-state")]
        self.assertEqual(self.counts([finding("a", line=10)], [label("a")], rows),
                         {"local-disk-write": (1, 2), "in-memory-state": (0, 1)})

    def test_missed_row_near_an_fp_or_unlabelled_finding_stays_missed(self):
        self.assertEqual(self.counts([finding("a"), finding("b")],
                                     [label("a", verdict="FP")], [missed(1)]),
                         {"local-disk-write": (0, 1)})

    def test_one_finding_covers_one_missed_row(self):
        self.assertEqual(self.counts([finding("a", line=10)], [label("a")],
                                     [missed(9), missed(11)]),
                         {"local-disk-write": (1, 1)})

    def test_rows_count_for_their_source_file_language(self):
        matched, _, _ = score.match([], [])
        counts = score.recall_counts(matched, [], [missed(3, path="src-tauri/main.rs")],
                                     self.CATEGORIES, "js")
        self.assertEqual(list(counts), [("rust", "local-disk-write")])

    def test_recall_text(self):
        self.assertEqual((score.recall(3, 1), score.recall(0, 2), score.recall(0, 0)),
                         ("0.75", "0.00", "-"))

    def test_missed_file_with_unknown_category_is_rejected(self):
        with tempfile.TemporaryDirectory() as root:
            os.makedirs(os.path.join(root, "js"))
            with open(os.path.join(root, "js", "o__r.tsv"), "w") as f:
                f.write("path\tline\tcategory\treason\nsrc/a.js\t3\tdisk\tr\n")
            with self.assertRaises(SystemExit) as raised:
                score.load_missed(root, "js", "o/r")
            self.assertIn("category must be one of", str(raised.exception))


class LanguageTest(unittest.TestCase):
    def test_findings_count_for_their_source_file_language(self):
        self.assertEqual(score.path_language("src-tauri/src/main.rs", "js"), "rust")
        self.assertEqual(score.path_language("Api/Startup.CS", "js"), "csharp")
        self.assertEqual(score.path_language("web/app.tsx", "rust"), "js")
        self.assertEqual(score.path_language("appsettings.json", "csharp"), "csharp")


@unittest.skipUnless(os.environ.get("SCALEOUT"), "SCALEOUT names the binary to run")
class WholeRunTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        root = self.tmp.name
        self.checkouts = os.path.join(root, "src")
        os.makedirs(os.path.join(self.checkouts, "o__r", "src"))
        with open(os.path.join(self.checkouts, "o__r", "src", "app.js"), "w") as f:
            f.write(SERVER)
        self.repos = os.path.join(root, "accuracy", "repos.toml")
        os.makedirs(os.path.join(root, "accuracy", "labels", "js"))
        with open(self.repos, "w") as f:
            f.write('[[repo]]\nrepo = "o/r"\ncommit = "0"\nlanguage = "js"\nrole = "tune"\n')
        self.labels = os.path.join(root, "accuracy", "labels", "js", "o__r.tsv")
        os.makedirs(os.path.join(root, "accuracy", "missed", "js"))
        self.missed = os.path.join(root, "accuracy", "missed", "js", "o__r.tsv")

    def tearDown(self):
        self.tmp.cleanup()

    def run_score(self, *extra):
        return subprocess.run(
            [sys.executable, os.path.join(HERE, "score.py"), self.checkouts, "--repos",
             self.repos, "--scaleout", os.environ["SCALEOUT"], *extra],
            capture_output=True, text=True)

    def write_labels(self, rows):
        with open(self.labels, "w") as f:
            f.write(HEADER + "".join("\t".join(r) + "\n" for r in rows))

    def test_scores_labels_and_lists_unlabelled(self):
        first = self.run_score()
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertEqual(first.stdout.count("UNLABELLED o/r src/app.js"), 2, first.stdout)
        report = score.run_scaleout(os.environ["SCALEOUT"], os.path.join(self.checkouts, "o__r"))
        rows = [[f["fingerprint"], f["rule_id"], f["path"], str(f["start_line"]),
                 "TP" if f["rule_id"] == "node-fs-write" else "FP",
                 "-" if f["rule_id"] == "node-fs-write" else "harmless-timer", "why",
                 f["snippet"]] for f in report["findings"]]
        self.write_labels(rows)
        second = self.run_score("--check")
        self.assertEqual(second.returncode, 0, second.stdout + second.stderr)
        self.assertIn("tune  js        1      1      2         1   1   0.50", second.stdout)
        self.assertNotIn("UNLABELLED", second.stdout)
        listed = self.run_score("--list-fp", "harmless-timer")
        self.assertEqual(listed.stdout.count("FP harmless-timer"), 1, listed.stdout)
        self.assertNotIn("FP harmless-timer", self.run_score("--list-fp", "scratch").stdout)

    def test_recall_counts_labels_and_missed_rows(self):
        report = score.run_scaleout(os.environ["SCALEOUT"], os.path.join(self.checkouts, "o__r"))
        self.write_labels([[f["fingerprint"], f["rule_id"], f["path"], str(f["start_line"]),
                            "TP", "-", "why", f["snippet"]] for f in report["findings"]
                           if f["rule_id"] == "node-fs-write"])
        with open(self.missed, "w") as f:
            f.write("path\tline\tcategory\treason\n"
                    "src/app.js\t5\tlocal-disk-write\tthe write, now reported\n"
                    "src/app.js\t2\tin-memory-state\ta state nobody reports\n")
        result = self.run_score("--list-missed")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("tune  js        o/r         1/1               -                 "
                      "-             0/1              1/2", result.stdout)
        self.assertIn("tune  js        local-disk-write  1      0       1.00", result.stdout)
        self.assertIn("tune  js        in-memory-state   0      1       0.00", result.stdout)
        self.assertIn("MISSED in-memory-state   o/r src/app.js:2 a state nobody reports",
                      result.stdout)
        self.assertNotIn("the write, now reported", result.stdout)
        markdown = self.run_score("--markdown")
        self.assertIn("| tune | js | in-memory-state | 0 | 1 | 0.00 |", markdown.stdout)
        with open(self.repos, "w") as f:
            f.write('[[repo]]\nrepo = "o/r"\ncommit = "0"\nlanguage = "js"\nrole = "measure"\n')
        self.assertIn("2 unlabelled", self.run_score().stdout)  # measure reads heldout/ only
        accuracy = os.path.dirname(self.repos)
        for kind, path in (("labels", self.labels), ("missed", self.missed)):
            os.makedirs(os.path.join(accuracy, "heldout", kind, "js"))
            os.rename(path, os.path.join(accuracy, "heldout", kind, "js", "o__r.tsv"))
        hidden = self.run_score("--list-missed")
        self.assertIn("o/r (measure-only): 1 missed (details hidden", hidden.stdout)
        self.assertNotIn("MISSED", hidden.stdout)
        self.assertIn("MISSED", self.run_score("--list-missed", "--reveal-measure").stdout)

    def test_check_fails_on_a_lost_tp(self):
        self.write_labels([["0000000000000000", "node-fs-write", "src/gone.js", "3", "TP", "-",
                            "a real problem that is no longer reported", "fs.rmSync(x);"]])
        result = self.run_score("--check")
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("LOST TP    o/r src/gone.js:3", result.stdout)

    def test_missing_checkout_is_an_error(self):
        with open(self.repos, "a") as f:
            f.write('[[repo]]\nrepo = "o/missing"\ncommit = "0"\nlanguage = "js"\n'
                    'role = "measure"\n')
        result = self.run_score()
        self.assertEqual(result.returncode, 2)
        self.assertIn("o/missing: no checkout", result.stderr)


if __name__ == "__main__":
    unittest.main()
