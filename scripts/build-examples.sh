#!/usr/bin/env bash
# Builds the example tool images (examples/<name>/Dockerfile → clawfence-example/<name>:latest) with
# the classic builder and host networking, so they build offline against the local base image and
# the apt mirror. An image is up to date when its label org.clawfence.example-hash equals a hash of
# the example directory and the base image id; only stale or missing ones are rebuilt.
# Usage: build-examples.sh [NAME…]   (default: every examples/*/Dockerfile)
#        build-examples.sh --corpus [TOOL…]   the held-out robustness corpus instead:
#          bench/corpus/<tool>/Dockerfile → clawfence-corpus/<tool>:latest (label org.clawfence.corpus-hash)
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=debian:bookworm-slim
KIND=example
WHO=examples
SRC=examples
PREFIX=clawfence-example
if [ "${1:-}" = --corpus ]; then
  shift
  KIND=corpus
  WHO=corpus
  SRC=bench/corpus
  PREFIX=clawfence-corpus
fi
LABEL=org.clawfence.$KIND-hash

say() { echo "$WHO: $*"; }
die() { echo "$WHO: $*" >&2; exit 1; }

# The hash covers the path and content of every file in the build context (README.md and the
# workloads files are not: each directory's .dockerignore leaves them out), and the base image id.
example_hash() {
  local dir=$1 base_id
  base_id=$(docker image inspect -f '{{.Id}}' "$BASE" 2>/dev/null) || die "base image $BASE is missing (run: bash scripts/build-base-image.sh)"
  { echo "$base_id"; (cd "$dir" && find . -type f ! -name README.md ! -name '*workloads.json' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum); } | sha256sum | cut -c1-16
}

names=("$@")
if [ "${#names[@]}" -eq 0 ]; then
  for f in "$SRC"/*/Dockerfile; do [ -f "$f" ] && names+=("$(basename "$(dirname "$f")")"); done
fi
[ "${#names[@]}" -gt 0 ] || die "no $SRC/*/Dockerfile found"

for name in "${names[@]}"; do
  dir=$SRC/$name
  [ -f "$dir/Dockerfile" ] || die "$dir/Dockerfile does not exist"
  tag=$PREFIX/$name:latest
  hash=$(example_hash "$dir")
  have=$(docker image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$tag" 2>/dev/null || true)
  if [ "$have" = "$hash" ]; then say "$tag up to date"; continue; fi
  say "building $tag"
  start=$SECONDS
  log=$(mktemp)
  proxy_args=()
  for v in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
    [ -z "${!v:-}" ] || proxy_args+=(--build-arg "$v=${!v}")
  done
  if ! DOCKER_BUILDKIT=0 docker build --network host --label "$LABEL=$hash" ${proxy_args[@]+"${proxy_args[@]}"} \
      -t "$tag" "$dir" >"$log" 2>&1; then
    tail -n 25 "$log" >&2; rm -f "$log"
    die "building $tag failed (docker build $dir)"
  fi
  rm -f "$log"
  say "built $tag in $((SECONDS - start))s"
  # The image this one replaced is now untagged; remove it (only ours: they carry the label).
  docker image prune -f --filter "label=$LABEL" >/dev/null 2>&1 || true
done
