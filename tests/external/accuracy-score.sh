#!/usr/bin/env bash
# docs/accuracy/score.py (the re-scoring of the judged findings, Python standard library only)
# against the built binary on a small generated repository: label matching by fingerprint and
# by rule + path + snippet, unlabelled findings, and `--check` failing on a lost TP.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --quiet
PYTHONDONTWRITEBYTECODE=1 SCALEOUT="$PWD/target/debug/scaleout" \
  python3 -m unittest -v docs/accuracy/test_score.py
