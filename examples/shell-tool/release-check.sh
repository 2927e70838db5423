#!/bin/bash
# release-check: asks the release service for a product's releases (one request, curl) and prints
# the newest version of a channel or every release of it (jq). Usage:
#   release-check latest [CHANNEL]   the newest version (CHANNEL: stable, the default, or beta)
#   release-check list [CHANNEL]     "VERSION DATE" per release, oldest first
# The service is RELEASES_URL (default http://127.0.0.1:18380/v1/releases). Exit: 0 ok, 1 the
# service failed, 2 bad usage.
set -euo pipefail

url=${RELEASES_URL:-http://127.0.0.1:18380/v1/releases}
cmd=${1:-}
channel=${2:-stable}
case "$cmd" in
  latest | list) ;;
  *) echo "usage: release-check latest|list [CHANNEL]" >&2; exit 2 ;;
esac
case "$channel" in
  stable | beta) ;;
  *) echo "release-check: unknown channel '$channel' (stable, beta)" >&2; exit 2 ;;
esac

if ! body=$(curl -fsS --max-time 5 "$url?channel=$channel"); then
  echo "release-check: request to $url failed" >&2
  exit 1
fi

if [ "$cmd" = latest ]; then
  jq -er 'sort_by(.date) | last | .version' <<<"$body"
else
  jq -r 'sort_by(.date) | .[] | "\(.version) \(.date)"' <<<"$body"
fi
