#!/usr/bin/env bash
# `scaleout lsp` driven by a real, independent LSP client: pytest-lsp (PyPI) starts the
# built binary over stdio, opens a file with a known problem, checks the diagnostic's
# range and code, applies the suppression quick fix and checks the diagnostic is gone.
# Two client profiles: VS Code's capabilities (pushed diagnostics, watched files) and
# Neovim 0.11's (pulled diagnostics).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/external/lsp-venv
if [ ! -x "$venv/bin/pytest" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "pytest-lsp==1.0.1"
fi
cargo build --quiet
SCALEOUT_BIN="$PWD/target/debug/scaleout" "$venv/bin/pytest" -q -p no:cacheprovider \
  -c tests/external/lsp/pytest.ini tests/external/lsp
