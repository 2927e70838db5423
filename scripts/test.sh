#!/usr/bin/env bash
# The one test command (`npm test`): drift check, type-check, lint, build, then every test —
# unit tests beside the code and live tests against the real kernel and engine in test/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
echo "== syscall tables drift check"
node --import tsx scripts/gen-syscall-tables.ts --check
echo "== type-check"
npx --no-install tsc -p tsconfig.json --noEmit
echo "== lint"
npx --no-install eslint .
npx --no-install depcruise src --config .dependency-cruiser.cjs
echo "== build"
npx --no-install tsc -p tsconfig.build.json
echo "== tests"
mapfile -t files < <(find src test -name '*.test.ts' | sort)
if [ "${#files[@]}" -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=./test/support/summary-reporter.mjs --test-reporter-destination=stdout \
  "${files[@]}"
