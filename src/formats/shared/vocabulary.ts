// Spellings at the format edge (SCMP_ACT_*, SCMP_CMP_*, capabilities, GOARCH) and their IR form.

import type { Action, Op } from '../../profile/model.js';

export const SCMP_ACTIONS: Readonly<Record<string, Action>> = {
  SCMP_ACT_ALLOW: 'allow',
  SCMP_ACT_ERRNO: 'errno',
  SCMP_ACT_KILL: 'kill_thread',
  SCMP_ACT_KILL_THREAD: 'kill_thread',
  SCMP_ACT_KILL_PROCESS: 'kill_process',
  SCMP_ACT_TRAP: 'trap',
  SCMP_ACT_TRACE: 'trace',
  SCMP_ACT_LOG: 'log',
  SCMP_ACT_NOTIFY: 'notify',
};

/** The spelling written out for each action (SCMP_ACT_KILL is understood by every runtime). */
export const ACTION_TO_SCMP: Readonly<Record<Action, string>> = {
  allow: 'SCMP_ACT_ALLOW',
  errno: 'SCMP_ACT_ERRNO',
  kill_thread: 'SCMP_ACT_KILL',
  kill_process: 'SCMP_ACT_KILL_PROCESS',
  trap: 'SCMP_ACT_TRAP',
  trace: 'SCMP_ACT_TRACE',
  log: 'SCMP_ACT_LOG',
  notify: 'SCMP_ACT_NOTIFY',
};

export const SCMP_OPS: Readonly<Record<string, Op>> = {
  SCMP_CMP_NE: 'ne',
  SCMP_CMP_LT: 'lt',
  SCMP_CMP_LE: 'le',
  SCMP_CMP_EQ: 'eq',
  SCMP_CMP_GE: 'ge',
  SCMP_CMP_GT: 'gt',
  SCMP_CMP_MASKED_EQ: 'masked_eq',
};

export const OP_TO_SCMP: Readonly<Record<Op, string>> = {
  ne: 'SCMP_CMP_NE',
  lt: 'SCMP_CMP_LT',
  le: 'SCMP_CMP_LE',
  eq: 'SCMP_CMP_EQ',
  ge: 'SCMP_CMP_GE',
  gt: 'SCMP_CMP_GT',
  masked_eq: 'SCMP_CMP_MASKED_EQ',
};

/** Linux capabilities (include/uapi/linux/capability.h, up to CAP_CHECKPOINT_RESTORE = 40). */
export const CAPABILITIES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
] as const;

/** Docker's default capability set (moby daemon/pkg/oci/caps/defaults.go; data/reference/SOURCES.md). */
export const DOCKER_DEFAULT_CAPS = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/** Values moby compares includes/excludes.arches with (goToNative in moby/profiles
 * seccomp_linux.go, including its 'mips3l64n32' spelling), plus 'x32', which Docker's own
 * default.json uses although no host ever reports it. */
export const RULE_ARCH_NAMES = [
  'amd64',
  'x86',
  'arm',
  'arm64',
  'loongarch64',
  'mips64',
  'mips64n32',
  'mipsel64',
  'mips3l64n32',
  'mipsel',
  'ppc',
  'ppc64',
  'ppc64le',
  'riscv64',
  's390',
  's390x',
  'x32',
];
