#!/usr/bin/env bash
# Makes rootful podman able to run the tests' `podman run` workloads. Idempotent, and changes nothing
# on a machine where podman already runs a container:
#   1. the base image debian:bookworm-slim in podman's store, from clawfence's cached debootstrap
#      tarball (scripts/build-base-image.sh), or copied from the Docker engine;
#   2. a probe, `podman run --rm --network none debian:bookworm-slim true`; only when it fails, a
#      drop-in /etc/containers/containers.conf.d/clawfence.conf with what this host needs:
#      - default_ulimits no higher than root's hard limits (podman's defaults ask for more, which
#        needs CAP_SYS_RESOURCE; some VMs' root lacks it: "error setting rlimit type 6: operation
#        not permitted"), trying root's hard nproc limit, then 32768;
#      - runtime = "runc" when cgroups are v1/hybrid (crun refuses them) and runc is installed.
#      When the probe still fails with the drop-in, the drop-in is removed again.
# Exit 0 when podman runs a container, 1 (saying why) when it cannot, 2 when podman is missing or
# this is not root.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "setup-podman: $*"; }
die() { echo "setup-podman: $*" >&2; exit "${2:-1}"; }
command -v podman >/dev/null 2>&1 || die "podman is not installed (apt-get install podman)" 2
[ "$(id -u)" -eq 0 ] || die "rootful podman needs root (run: sudo bash $0)" 2

IMAGE=debian:bookworm-slim
TARBALL=/var/cache/clawfence/debian-bookworm-minbase-$(dpkg --print-architecture 2>/dev/null || echo amd64).tar.gz
DROPIN=/etc/containers/containers.conf.d/clawfence.conf

# --- 1. the base image ----------------------------------------------------------------------------
if podman image exists "$IMAGE"; then
  :
elif [ -f "$TARBALL" ]; then
  podman import -q -c 'CMD ["bash"]' "$TARBALL" "docker.io/library/$IMAGE" >/dev/null || die "podman import $TARBALL failed"
  say "imported $IMAGE from $TARBALL"
elif command -v docker >/dev/null 2>&1 && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  docker save "$IMAGE" | podman load -q >/dev/null || die "copying $IMAGE from Docker to podman failed"
  say "copied $IMAGE from the Docker engine"
else
  die "podman has no $IMAGE and there is no cached tarball: run scripts/build-base-image.sh first"
fi

# --- 2. can it run a container? ---------------------------------------------------------------------
probe() { podman run --rm --network none "$IMAGE" true 2>&1; }
if out=$(probe); then say "podman $(podman --version | awk '{print $3}') runs containers"; exit 0; fi
first_error=$(printf '%s\n' "$out" | tail -n 1)
[ -e "$DROPIN" ] && die "podman cannot run a container even with $DROPIN: $first_error"

nofile=$(ulimit -Hn) nproc_hard=$(ulimit -Hu)
[ "$nofile" = unlimited ] && nofile=1048576
[ "$nproc_hard" = unlimited ] && nproc_hard=4194304
runtime=""
if [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ] && { command -v runc >/dev/null 2>&1 || [ -x /usr/sbin/runc ]; }; then
  runtime=runc
fi
write_dropin() { # nproc
  mkdir -p "$(dirname "$DROPIN")"
  local tmp
  tmp=$(mktemp "$DROPIN.XXXXXX")
  {
    echo "# Written by clawfence's scripts/setup-podman.sh because \`podman run\` failed here with:"
    echo "#   $first_error"
    echo "[containers]"
    echo "default_ulimits = [\"nofile=$nofile:$nofile\", \"nproc=$1:$1\"]"
    if [ -n "$runtime" ]; then echo "[engine]"; echo "runtime = \"$runtime\""; fi
  } >"$tmp"
  chmod 644 "$tmp"
  mv "$tmp" "$DROPIN"
}
# root's hard nproc limit first; podman (4.x) runs conmon and the runtime with RLIMIT_NPROC capped
# at 32768 when it cannot raise it, so a higher value fails in the runtime: 32768 next.
for nproc in $(printf '%s\n' "$nproc_hard" 32768 | sort -nru); do
  [ "$nproc" -le "$nproc_hard" ] || continue
  write_dropin "$nproc"
  if out=$(probe); then
    say "podman runs containers with $DROPIN (ulimits nofile=$nofile nproc=$nproc${runtime:+, runtime $runtime})"
    exit 0
  fi
done
rm -f "$DROPIN"
die "podman cannot run a container ($(printf '%s\n' "$out" | tail -n 1)); $DROPIN did not help and was removed"
