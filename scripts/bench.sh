#!/usr/bin/env bash
# `npm run bench`: prepares the machine like `npm test` does (scripts/bootstrap.sh: packages, the
# engine, images, node_modules), then runs the benchmarks (bench/run.ts; options are passed on,
# e.g. `npm run bench -- --rounds 3 --only B1,B5`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
exec node --import tsx bench/run.ts "$@"
