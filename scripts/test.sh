#!/usr/bin/env bash
# The test command. `npm test` (the README's, and CI's): host setup (scripts/bootstrap.sh: Debian
# packages, the engine, images, node_modules), `npm run check` (syscall-table drift, type-check,
# lint, architecture rules), build, then every test — unit, property and fuzz tests beside the code
# and in test/ (two files at a time), then the live tests against the real kernel and engine in
# test/live/ (one file at a time: they share the engine, ports and cgroups).
# `npm run test:unit` (--unit): build and the unit/property/fuzz tests only — no root, no apt, no
# engine. `npm run test:live` (--live): setup, build and the live tests only.
# Every mode ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
mode=all
case "${1:-}" in
  --unit) mode=unit ;;
  --live) mode=live ;;
  '') ;;
  *) echo "usage: scripts/test.sh [--unit|--live]" >&2; exit 2 ;;
esac
if [ "$mode" != unit ]; then
  source scripts/bootstrap.sh || exit 2
fi
if [ ! -d node_modules ]; then
  echo "test: node_modules is missing: run 'npm ci' first" >&2
  exit 2
fi
set -e
if [ "$mode" = all ]; then
  echo "== check: syscall tables drift, type-check, lint, architecture rules"
  npm run -s check
fi
echo "== build"
npm run -s build
set +e
tally="$(mktemp)"
export CLAWFENCE_TEST_TALLY="$tally"
run() {
  node --import tsx --test --test-concurrency="$1" \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=./test/support/summary-reporter.mjs --test-reporter-destination=stdout "${@:2}"
}
mapfile -t unit < <(find src test -name '*.test.ts' -not -path 'test/live/*' | sort)
mapfile -t live < <(find test/live -name '*.test.ts' | sort)
if [ "$mode" != live ]; then
  echo "== unit, property and fuzz tests (${#unit[@]} files)"
  run "${TEST_CONCURRENCY:-2}" "${unit[@]}"
fi
if [ "$mode" != unit ] && [ "${#live[@]}" -gt 0 ]; then
  echo "== live tests against the kernel and engine (${#live[@]} files)"
  run 1 "${live[@]}"
fi
read -r p f s < <(awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}' "$tally")
rm -f "$tally"
echo
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ] && [ "$p" -gt 0 ]
