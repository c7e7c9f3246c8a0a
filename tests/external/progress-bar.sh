#!/usr/bin/env bash
# The progress bar on a real terminal: `script` runs scaleout under a pseudo-terminal on a
# corpus that takes a few seconds (debug build, one thread). The bar must appear there,
# and never with CI=true, with --quiet, or when stderr is not a terminal.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
command -v script >/dev/null || { apt-get update -qq && apt-get install -y -qq bsdutils >/dev/null; }
cargo build -q
out="$root/target/external/progress-bar"
rm -rf "$out" && mkdir -p "$out/corpus"
for i in 1 2 3; do cp -r "$root/fixtures" "$out/corpus/copy$i"; done
cmd="$root/target/debug/scaleout check --threads 1 --format json -o $out/report.json $out/corpus"

on_terminal() { # $1: log file, rest: environment assignments
  local log=$1; shift
  env -u CI "$@" script -qec "$cmd ${EXTRA:-}" "$log" >/dev/null || [ $? = 1 ]
}
on_terminal "$out/tty.log"
grep -aq 'scanning .* files/s' "$out/tty.log" || { echo "no progress bar on a terminal"; exit 1; }
grep -aqE '[0-9]+/[0-9]+ files' "$out/tty.log" || { echo "no files done of total"; exit 1; }

on_terminal "$out/ci.log" CI=true
EXTRA=--quiet on_terminal "$out/quiet.log"
status=0; env -u CI $cmd 2>"$out/pipe.log" || status=$?; [ "$status" = 1 ]
for log in ci quiet pipe; do
  if grep -aq 'scanning' "$out/$log.log"; then echo "progress bar shown in the $log run"; exit 1; fi
done
echo "progress-bar: shown on a terminal; not with CI=true, --quiet or a pipe: ok"
