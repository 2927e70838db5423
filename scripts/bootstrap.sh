#!/usr/bin/env bash
# Sourced by the README's commands: makes a fresh clone runnable (host packages, node_modules,
# compiled dist/) and does nothing that is already done.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup-host.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
