#!/usr/bin/env bash
# Builds the offline base image: debootstrap --variant=minbase bookworm from the mirror apt already
# uses, cached as a tarball under /var/cache/clawfence/, imported and tagged debian:bookworm-slim and
# debian:bookworm so that ordinary `FROM debian:bookworm-slim` Dockerfiles build with
# `docker build --network host`. Skips what exists. Uses the engine DOCKER_HOST names (or the default).
# Environment: CLAWFENCE_MIRROR overrides the mirror; CLAWFENCE_BASE_PULL=1 tries `docker pull` first.
set -euo pipefail

SUITE=bookworm
TAGS=(debian:bookworm-slim debian:bookworm)
CACHE=/var/cache/clawfence
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
TARBALL=$CACHE/debian-$SUITE-minbase-$ARCH.tar.gz

say() { echo "base image: $*"; }
die() { echo "base image: $*" >&2; exit 1; }
has_image() { docker image inspect "$1" >/dev/null 2>&1; }

# Prints the first URI apt uses for suite $1 (deb822 .sources first, then one-line .list files).
apt_mirror() {
  local f suite=$1
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v suite="$suite" '
      function flush() { if (isdeb && hasSuite && uri != "") { print uri; found = 1; exit } isdeb = 0; hasSuite = 0; uri = "" }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") isdeb = 1 }
      tolower($1) == "uris:" { uri = $2 }
      tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == suite) hasSuite = 1 }
      END { if (!found) flush() }' "$f"
  done | head -n 1 | grep . && return 0
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk -v suite="$suite" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ } if ($(i + 1) == suite) { print $i; exit } }' | grep . && return 0
  return 1
}

missing=()
for t in "${TAGS[@]}"; do has_image "$t" || missing+=("$t"); done
if [ "${#missing[@]}" -eq 0 ]; then say "${TAGS[*]} present"; exit 0; fi
for t in "${TAGS[@]}"; do
  if has_image "$t"; then
    for m in "${missing[@]}"; do docker tag "$t" "$m"; done
    say "tagged ${missing[*]} from $t"; exit 0
  fi
done

if [ "${CLAWFENCE_BASE_PULL:-0}" = 1 ] && timeout 120 docker pull -q "${TAGS[0]}" >/dev/null 2>&1; then
  docker tag "${TAGS[0]}" "${TAGS[1]}"
  say "pulled ${TAGS[0]}"; exit 0
fi

if [ ! -f "$TARBALL" ]; then
  [ "$(id -u)" -eq 0 ] || die "debootstrap needs root (run: sudo bash $0)"
  command -v debootstrap >/dev/null || die "debootstrap is not installed (run: sudo bash scripts/setup-host.sh)"
  mirror=${CLAWFENCE_MIRROR:-$(apt_mirror "$SUITE" || echo http://deb.debian.org/debian)}
  security=$(apt_mirror "$SUITE-security" || true)
  # apt's proxy, if one is configured, serves debootstrap too.
  proxy=$(apt-config dump 2>/dev/null | sed -n 's/^Acquire::http::Proxy "\(.*\)";$/\1/p' | head -n 1)
  [ -z "$proxy" ] || export http_proxy=$proxy
  mkdir -p "$CACHE"
  root=$(mktemp -d "$CACHE/rootfs.XXXXXX")
  cleanup() {
    # debootstrap mounts /proc and /sys inside the target; never delete through a mount.
    { findmnt -rn -o TARGET | grep -F "$root" | sort -r | while read -r m; do umount -l "$m"; done; } || true
    rm -rf --one-file-system "$root" "$TARBALL.tmp" || true
  }
  trap cleanup EXIT
  say "debootstrap --variant=minbase $SUITE from $mirror (takes about a minute)"
  start=$SECONDS
  if ! debootstrap --variant=minbase "$SUITE" "$root" "$mirror" >"$root.log" 2>&1; then
    tail -n 20 "$root.log" >&2; rm -f "$root.log"
    die "debootstrap failed (mirror $mirror; set CLAWFENCE_MIRROR to another one)"
  fi
  rm -f "$root.log"
  # Sources as in Debian's own images (deb822), pointing at the mirrors this host uses.
  rm -f "$root/etc/apt/sources.list"
  {
    printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$mirror" "$SUITE" "$SUITE"
    [ -z "$security" ] || printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$security" "$SUITE"
  } >"$root/etc/apt/sources.list.d/debian.sources"
  rm -rf --one-file-system "${root:?}"/var/cache/apt/archives/*.deb "${root:?}"/var/lib/apt/lists/*
  tar --numeric-owner --xattrs -C "$root" -cf - . | gzip -1 >"$TARBALL.tmp"
  mv "$TARBALL.tmp" "$TARBALL"
  cleanup
  trap - EXIT
  say "cached $TARBALL ($(du -h "$TARBALL" | cut -f1), $((SECONDS - start))s)"
else
  say "using cached $TARBALL"
fi

docker import -c 'CMD ["bash"]' -c 'LABEL org.clawfence.base=debootstrap-minbase' \
  -m "clawfence: debootstrap --variant=minbase $SUITE" "$TARBALL" "${TAGS[0]}" >/dev/null ||
  die "docker import of $TARBALL failed"
docker tag "${TAGS[0]}" "${TAGS[1]}"
say "imported ${TAGS[*]}"
