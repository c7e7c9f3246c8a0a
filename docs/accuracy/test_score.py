"""Tests of score.py: label matching, and a whole run against a scaleout binary.

Run with `SCALEOUT=target/debug/scaleout python3 -m unittest docs/accuracy/test_score.py`
(tests/external/accuracy_score.sh does that). Without SCALEOUT only the matching tests run.
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
            line=1):
    return {"fingerprint": fingerprint, "rule_id": rule, "path": path, "snippet": snippet,
            "start_line": line}


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
