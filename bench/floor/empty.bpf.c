// The floor of B1: an empty program on the same BTF tracepoint as clawfence's recorder
// (tp_btf/sys_enter). It does nothing and returns 0, so what it costs is what any sys_enter
// program costs on this machine: the tracepoint's slow syscall-entry path plus one BPF call.

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("tp_btf/sys_enter")
int BPF_PROG(on_sys_enter_empty, struct pt_regs *regs, long id)
{
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
