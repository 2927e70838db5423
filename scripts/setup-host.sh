#!/usr/bin/env bash
# Prepares this machine for clawfence's tests and main job. Idempotent: does only what is missing,
# and a second run installs, starts and builds nothing. Installs packages only on Debian/Ubuntu as
# root; elsewhere it says what is missing and exits 2. Any other failure exits 1 saying what failed.
#   1. packages, when missing:
#      seccomp        scmp_sys_resolver, to cross-check the syscall tables
#      libseccomp-dev libseccomp headers, to build the libseccomp oracle used by the evaluator tests
#      gcc, make, libc6-dev  to build the oracle, the constants cross-check and test programs
#      systemd        systemd-analyze, to cross-check the syscall groups
#      debootstrap    to build the offline base image
#      strace         the ptrace fallback recorder
#      clang, llvm, bpftool, libbpf-dev, libelf-dev, zlib1g-dev   to build the eBPF recorder
#      gcc-multilib   (amd64) to build i386 test programs for the recorder's ABI tests
#      podman, crun, runc   the second container engine clawfence supports (runc for cgroup v1 hosts)
#      time           GNU time, for the benchmarks' peak-memory figures
#      docker.io      only when no Docker engine answers and dockerd/docker are missing
#   2. tracefs (/sys/kernel/tracing) and debugfs (/sys/kernel/debug) mounted
#   3. an engine: the user's (DOCKER_HOST or the default socket) when one answers; else clawfence's
#      own dockerd (scripts/engine.sh start, socket unix:///run/clawfence/docker.sock)
#   4. the base image debian:bookworm-slim (scripts/build-base-image.sh)
#   5. the example images clawfence-example/<name>:latest (scripts/build-examples.sh)
#   6. rootful podman able to run the base image (scripts/setup-podman.sh: imports the image; writes
#      a containers.conf drop-in only when `podman run` fails here); a failure is a warning
# Prints at the end the DOCKER_HOST to use. `--packages-only` stops after step 1 (used to check the
# package list in a fresh Debian container).
set -euo pipefail
cd "$(dirname "$0")/.."
packages_only=0
case "${1:-}" in
  "") ;;
  --packages-only) packages_only=1 ;;
  *) echo "usage: $0 [--packages-only]" >&2; exit 2 ;;
esac

CLAWFENCE_HOST=$(bash scripts/engine.sh host)
USER_DOCKER_HOST=${DOCKER_HOST:-}
say() { echo "setup-host: $*"; }
die() { echo "setup-host: $*" >&2; exit "${2:-1}"; }
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
is_root() { [ "$(id -u)" -eq 0 ]; }
# Prints the engine's version when `docker info` answers with the given DOCKER_HOST ("" = the user's).
engine_version() {
  if [ -n "$1" ]; then DOCKER_HOST=$1 timeout 15 docker info --format '{{.ServerVersion}}' 2>/dev/null
  else timeout 15 docker info --format '{{.ServerVersion}}' 2>/dev/null; fi
}

# --- 3a. which engine answers (decides whether docker.io is needed) ----------------------------------
engine_host="" engine_note=""
if have docker && v=$(engine_version ""); then
  engine_host=${DOCKER_HOST:-$(docker context inspect --format '{{.Endpoints.docker.Host}}' 2>/dev/null || echo unix:///var/run/docker.sock)}
  engine_note="Docker $v answers at $engine_host (yours: nothing to install or start)"
elif have docker && v=$(engine_version "$CLAWFENCE_HOST"); then
  engine_host=$CLAWFENCE_HOST
  engine_note="clawfence's dockerd (Docker $v) already runs at $engine_host"
fi

# --- 1. packages ---------------------------------------------------------------------------------
# Each entry: package, then a command (or an absolute path) whose presence means it is installed.
checks=(
  seccomp:scmp_sys_resolver libseccomp-dev:/usr/include/seccomp.h
  gcc:gcc make:make libc6-dev:/usr/include/stdio.h systemd:systemd-analyze
  debootstrap:debootstrap strace:strace
  clang:clang llvm:llvm-strip bpftool:bpftool libbpf-dev:/usr/include/bpf/libbpf.h
  libelf-dev:/usr/include/libelf.h zlib1g-dev:/usr/include/zlib.h
  podman:podman crun:crun runc:runc time:/usr/bin/time
  chromium:/usr/bin/chromium
)
if [ "$(dpkg --print-architecture 2>/dev/null || uname -m)" = amd64 ] || [ "$(uname -m)" = x86_64 ]; then
  checks+=(gcc-multilib:/usr/include/x86_64-linux-gnu/gnu/stubs-32.h)
fi
if [ -z "$engine_host" ] && { ! have dockerd || ! have docker; }; then checks+=(docker.io:dockerd); fi
need_pkgs=()
for c in "${checks[@]}"; do
  pkg=${c%%:*} probe=${c#*:}
  if [ "${probe:0:1}" = / ]; then [ -e "$probe" ] || need_pkgs+=("$pkg")
  else have "$probe" || need_pkgs+=("$pkg"); fi
done
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  if ! is_root || ! have apt-get; then
    die "missing packages: ${need_pkgs[*]} (install them as root with apt-get, or run: sudo bash $0)" 2
  fi
  say "installing ${need_pkgs[*]}"
  start=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || die "apt-get update failed"
  log=$(mktemp)
  if ! apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >"$log" 2>&1; then
    tail -n 20 "$log" >&2; rm -f "$log"; die "apt-get install ${need_pkgs[*]} failed"
  fi
  rm -f "$log"
  say "installed ${need_pkgs[*]} in $((SECONDS - start))s"
else
  say "packages: all present"
fi

[ "$packages_only" -eq 0 ] || exit 0

# --- 2. tracefs and debugfs ----------------------------------------------------------------------
for fs in tracefs:/sys/kernel/tracing debugfs:/sys/kernel/debug; do
  type=${fs%%:*} dir=${fs#*:}
  if ! grep -q " $dir $type " /proc/self/mounts; then
    is_root || die "$type is not mounted at $dir (as root: mount -t $type nodev $dir)" 2
    mount -t "$type" nodev "$dir" || die "mount -t $type nodev $dir failed"
    say "mounted $type at $dir"
  fi
done

# --- 3b. the engine ------------------------------------------------------------------------------
if [ -z "$engine_host" ] && have docker && v=$(engine_version ""); then
  # docker.io's own service came up with the install (systemd machines): use it.
  engine_host=${DOCKER_HOST:-unix:///var/run/docker.sock}
  engine_note="Docker $v answers at $engine_host (started by the docker.io package)"
fi
if [ -n "$engine_host" ]; then
  say "engine: $engine_note"
else
  is_root || die "no Docker engine answers and starting one needs root (run: sudo bash $0)" 2
  say "engine: none answers${DOCKER_HOST:+ at DOCKER_HOST=$DOCKER_HOST}; starting clawfence's own dockerd"
  bash scripts/engine.sh start || die "could not start clawfence's dockerd (see above)"
  engine_host=$CLAWFENCE_HOST
fi
if [ "$engine_host" = "$CLAWFENCE_HOST" ]; then export DOCKER_HOST=$CLAWFENCE_HOST; fi

# --- 4. the base image, 5. the example images ----------------------------------------------------
# On the user's own engine the real image is pulled when the registry is reachable.
pull=0; [ "$engine_host" = "$CLAWFENCE_HOST" ] || pull=1
CLAWFENCE_BASE_PULL=$pull bash scripts/build-base-image.sh || die "building the base image failed (see above)"
bash scripts/build-examples.sh || die "building the example images failed (see above)"
if is_root && have podman; then
  bash scripts/setup-podman.sh || say "warning: podman cannot run containers here; \`podman run\` workloads (and their tests) will fail (see above and docs/setup.md)"
fi

if [ "$engine_host" = "$CLAWFENCE_HOST" ] && [ -n "$USER_DOCKER_HOST" ] && [ "$USER_DOCKER_HOST" != "$CLAWFENCE_HOST" ]; then
  say "ready; your DOCKER_HOST=$USER_DOCKER_HOST does not answer: export DOCKER_HOST=$CLAWFENCE_HOST (or unset DOCKER_HOST)"
elif [ "$engine_host" = "$CLAWFENCE_HOST" ]; then
  say "ready; clawfence finds its engine itself; for docker commands: export DOCKER_HOST=$CLAWFENCE_HOST"
else
  say "ready; engine at ${engine_host} (DOCKER_HOST=${DOCKER_HOST:-<unset, the default>})"
fi
