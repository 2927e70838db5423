#!/usr/bin/env bash
# The README's main command (`npm start`): prepares a fresh machine (Debian packages, a Docker
# engine when none answers, the offline base image, the example images), then profiles the
# bundled Flask example tool end to end — record → generate → verify — and audits the result.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
[ -f dist/cli/main.js ] && [ -z "$(find src -newer dist/cli/main.js -name '*.ts' -print -quit)" ] || npx --no-install tsc -p tsconfig.build.json
mkdir -p out
echo "== clawfence profile: the Flask example tool (examples/flask-tool), 3 workloads"
# out/ holds this demo's own results, so re-running replaces them (--force).
node bin/clawfence.js profile --workloads examples/flask-tool/workloads.json \
  -o out/flask-tool.seccomp.json --footprint out/flask-tool.footprint.json --repeat 2 --force
echo
echo "== clawfence audit of the generated profile against what was recorded"
node bin/clawfence.js audit out/flask-tool.seccomp.json --against out/flask-tool.footprint.json --fail-on high
echo
echo "The hardening report is out/flask-tool.seccomp.report.html (JSON beside it)."
echo "The profile is out/flask-tool.seccomp.json; use it with:"
echo "  docker run --security-opt seccomp=out/flask-tool.seccomp.json --network host clawfence-example/flask-tool:latest process_request"
