#!/usr/bin/env bash
# Prepares this machine for clawfence's tests and main job. Idempotent: installs only what is
# missing, and only on Debian/Ubuntu as root; elsewhere it says what is missing and exits 2.
#   seccomp        scmp_sys_resolver, to cross-check the syscall tables
#   libseccomp-dev libseccomp headers, to build the libseccomp oracle used by the evaluator tests
#   gcc, make      to build the oracle and the constants cross-check
#   systemd        systemd-analyze, to cross-check the syscall groups
set -euo pipefail

need_pkgs=()
have() { command -v "$1" >/dev/null 2>&1; }
have scmp_sys_resolver || need_pkgs+=(seccomp)
[ -f /usr/include/seccomp.h ] || need_pkgs+=(libseccomp-dev)
have gcc || need_pkgs+=(gcc)
[ -f /usr/include/stdio.h ] || need_pkgs+=(libc6-dev)
have systemd-analyze || need_pkgs+=(systemd)
have make || need_pkgs+=(make)

if [ "${#need_pkgs[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! have apt-get; then
    echo "setup-host: missing packages: ${need_pkgs[*]} (install them as root with apt-get)" >&2
    exit 2
  fi
  echo "setup-host: installing ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi
echo "setup-host: ready"
