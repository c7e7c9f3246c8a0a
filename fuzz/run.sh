#!/usr/bin/env bash
# Runs the fuzz targets: fuzz/run.sh [TARGET|all] [SECONDS]  (default: all, 600 s each).
# One target at a time, one process each. Seeds come from fixtures/ (and rules/ for the
# rule-file target); the corpus and any crash go under fuzz/corpus and fuzz/artifacts.
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain, or stable with
# RUSTC_BOOTSTRAP=1 when no nightly is installed.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:-all}
seconds=${2:-600}
if [ "$target" = all ]; then
  targets=$(cargo fuzz list)
else
  targets=$target
fi
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  cargo=(cargo +nightly)
else
  export RUSTC_BOOTSTRAP=1
  cargo=(cargo)
fi
seed() {
  local corpus=$1; shift
  mkdir -p "$corpus"
  for pattern in "$@"; do
    find ../fixtures ../rules -name "$pattern" -type f -size -64k \
      -exec sh -c 'cp "$1" "$2/seed-$(cksum < "$1" | cut -d" " -f1)"' _ {} "$corpus" \;
  done
}
status=0
for t in $targets; do
  corpus=corpus/$t
  case $t in
    lint_rust) seed "$corpus" '*.rs' ;;
    lint_javascript) seed "$corpus" '*.js' '*.jsx' '*.mjs' '*.cjs' ;;
    lint_typescript) seed "$corpus" '*.ts' ;;
    lint_tsx) seed "$corpus" '*.tsx' ;;
    lint_csharp) seed "$corpus" '*.cs' ;;
    rule_file) seed "$corpus" '*.toml' ;;
    config_file)
      mkdir -p "$corpus"
      # The example configuration of README.md.
      sed -n '/^```toml$/,/^```$/p' ../README.md | sed '1d;$d' > "$corpus/seed-readme" ;;
  esac
  echo "== $t for ${seconds}s"
  if ! "${cargo[@]}" fuzz run "$t" "$corpus" -- \
      -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -max_len=65536 \
      -print_final_stats=1; then
    echo "!! $t found a crash: see fuzz/artifacts/$t" >&2
    status=1
  fi
done
exit $status
