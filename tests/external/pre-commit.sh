#!/usr/bin/env bash
# The real pre-commit (PyPI) runs this checkout's .pre-commit-hooks.yaml through `try-repo`
# (which snapshots uncommitted changes) in a throwaway git repository: both hooks must fail on a
# file with a finding and pass on a clean one and on a finding in a file the config excludes;
# files of two monorepo packages with their own configs are each judged by their own.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="$ROOT/target/external/pre-commit"
mkdir -p "$WORK"
if [ ! -x "$WORK/venv/bin/pre-commit" ]; then
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install --quiet pre-commit
fi
PRE_COMMIT="$WORK/venv/bin/pre-commit"
"$PRE_COMMIT" --version

SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
export PRE_COMMIT_HOME="$SCRATCH/cache"
# The `rust` hook runs `cargo install --path <snapshot>`. A persistent target directory makes
# reruns incremental; opt-level 0 keeps the first build short (the hook mechanism is the same).
export CARGO_TARGET_DIR="$WORK/cargo-target"
export CARGO_PROFILE_RELEASE_OPT_LEVEL=0

REPO="$SCRATCH/repo"
mkdir -p "$REPO/src" "$REPO/legacy"
cd "$REPO"
git init -q
printf "const fs = require('fs');\nfs.writeFileSync('state.json', '{}');\n" > src/bad.mts
printf "export const answer = 42;\n" > src/good.ts
printf "const fs = require('fs');\nfs.writeFileSync('old.json', '{}');\n" > legacy/old.js
printf 'exclude = ["legacy/"]\n' > scaleout.toml
# A monorepo package with its own config, which selects only timers.
mkdir -p packages/api
printf "const fs = require('fs');\nfs.writeFileSync('cache.json', '{}');\n" > packages/api/writes.js
printf 'select = ["in-process-timer"]\n' > packages/api/scaleout.toml
git add .

expect() { # expect <status> <hook> <files...>
  local want="$1" hook="$2"; shift 2
  local got=0
  "$PRE_COMMIT" try-repo "$ROOT" "$hook" --files "$@" > "$SCRATCH/out.txt" 2>&1 || got=$?
  if [ "$want" = fail ] && [ "$got" -eq 0 ]; then
    cat "$SCRATCH/out.txt"; echo "FAIL: $hook passed on $*"; exit 1
  fi
  if [ "$want" = pass ] && [ "$got" -ne 0 ]; then
    cat "$SCRATCH/out.txt"; echo "FAIL: $hook failed on $*"; exit 1
  fi
  if [ "$want" = fail ] && ! grep -q "node-fs-write" "$SCRATCH/out.txt"; then
    cat "$SCRATCH/out.txt"; echo "FAIL: $hook did not name the rule"; exit 1
  fi
  echo "ok: $hook: $want on $*"
}

expect fail scaleout src/bad.mts src/good.ts
expect pass scaleout src/good.ts legacy/old.js

(cd "$ROOT" && cargo build --quiet)
PATH="$ROOT/target/debug:$PATH" expect fail scaleout-system src/bad.mts
PATH="$ROOT/target/debug:$PATH" expect pass scaleout-system src/good.ts legacy/old.js
# Files under two configs in one commit: each is linted with its own.
PATH="$ROOT/target/debug:$PATH" expect pass scaleout-system packages/api/writes.js src/good.ts
PATH="$ROOT/target/debug:$PATH" expect fail scaleout-system packages/api/writes.js src/bad.mts
echo "pre-commit: all hooks behave"
