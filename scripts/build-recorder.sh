#!/usr/bin/env bash
# Builds the eBPF recorder (src/recorder/ebpf) into .cache/recorder/clawfence-rec: vmlinux.h from
# this kernel's BTF, the BPF object with clang, a libbpf skeleton with bpftool, the loader with gcc.
# Rebuilds only when a source or the kernel changed. Needs clang, bpftool, libbpf-dev, libelf-dev.
set -euo pipefail
cd "$(dirname "$0")/.."
src=src/recorder/ebpf
out=.cache/recorder
mkdir -p "$out"
stamp="$(cat "$src/recorder.bpf.c" "$src/loader.c" | sha256sum | cut -c1-16)-$(uname -r)"
if [ -x "$out/clawfence-rec" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then exit 0; fi
for t in clang bpftool gcc; do command -v "$t" >/dev/null || { echo "build-recorder: $t is missing (run scripts/setup-host.sh)" >&2; exit 2; }; done
[ -r /sys/kernel/btf/vmlinux ] || { echo "build-recorder: this kernel has no BTF (/sys/kernel/btf/vmlinux); use the ptrace recorder" >&2; exit 2; }
bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$out/vmlinux.h"
clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$out" -c "$src/recorder.bpf.c" -o "$out/recorder.bpf.o"
bpftool gen skeleton "$out/recorder.bpf.o" name recorder_bpf > "$out/recorder.skel.h"
gcc -O2 -Wall -Wextra -I"$out" "$src/loader.c" -o "$out/clawfence-rec.tmp" -lbpf -lelf -lz
mv "$out/clawfence-rec.tmp" "$out/clawfence-rec"
echo "$stamp" > "$out/stamp"
echo "build-recorder: built $out/clawfence-rec"
