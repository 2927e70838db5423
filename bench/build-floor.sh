#!/usr/bin/env bash
# Builds the floor of B1 (bench/floor: an empty tp_btf/sys_enter program and its loader) into
# .cache/bench/bench-floor, the same way scripts/build-recorder.sh builds the recorder: vmlinux.h
# from this kernel's BTF, the BPF object with clang, a libbpf skeleton with bpftool, the loader
# with gcc. Rebuilds only when a source or the kernel changed. Needs clang, bpftool, libbpf-dev, libelf-dev.
set -euo pipefail
cd "$(dirname "$0")/.."
src=bench/floor
out=.cache/bench
mkdir -p "$out"
stamp="$(cat "$src/empty.bpf.c" "$src/loader.c" | sha256sum | cut -c1-16)-$(uname -r)"
if [ -x "$out/bench-floor" ] && [ "$(cat "$out/floor.stamp" 2>/dev/null)" = "$stamp" ]; then exit 0; fi
for t in clang bpftool gcc; do command -v "$t" >/dev/null || { echo "build-floor: $t is missing (run scripts/setup-host.sh)" >&2; exit 2; }; done
[ -r /sys/kernel/btf/vmlinux ] || { echo "build-floor: this kernel has no BTF (/sys/kernel/btf/vmlinux)" >&2; exit 2; }
bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$out/vmlinux.h"
clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$out" -c "$src/empty.bpf.c" -o "$out/empty.bpf.o"
bpftool gen skeleton "$out/empty.bpf.o" name empty_bpf > "$out/empty.skel.h"
gcc -O2 -Wall -Wextra -I"$out" "$src/loader.c" -o "$out/bench-floor.tmp" -lbpf -lelf -lz
mv "$out/bench-floor.tmp" "$out/bench-floor"
echo "$stamp" > "$out/floor.stamp"
echo "build-floor: built $out/bench-floor"
