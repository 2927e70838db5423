#!/usr/bin/env bash
# The one test command (`npm test`): drift check, type-check, lint, build, then every test —
# unit, property and fuzz tests beside the code and in test/ (two files at a time), then the
# live tests against the real kernel and engine in test/live/ (one file at a time: they share
# the engine, ports and cgroups). Ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh || exit 2
set -e
echo "== syscall tables drift check"
node --import tsx scripts/gen-syscall-tables.ts --check
echo "== type-check"
npx --no-install tsc -p tsconfig.json --noEmit
echo "== lint"
npx --no-install eslint .
npx --no-install depcruise src --config .dependency-cruiser.cjs
echo "== build"
npx --no-install tsc -p tsconfig.build.json
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
echo "== unit, property and fuzz tests (${#unit[@]} files)"
run "${TEST_CONCURRENCY:-2}" "${unit[@]}"
if [ "${#live[@]}" -gt 0 ]; then
  echo "== live tests against the kernel and engine (${#live[@]} files)"
  run 1 "${live[@]}"
fi
read -r p f s < <(awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}' "$tally")
rm -f "$tally"
echo
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ] && [ "$p" -gt 0 ]
