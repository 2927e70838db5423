// The profile model (IR): a typed, canonical view of a seccomp profile. Formats (Docker/OCI JSON,
// Kubernetes SeccompProfile, systemd) translate to and from it at the edges; everything else
// (evaluator, audit, diff, generator) works on it. Values are 64-bit, so bigint.

import type { Arch } from '../syscalls/arch.js';

export const ACTIONS = ['allow', 'errno', 'kill_process', 'kill_thread', 'trap', 'trace', 'log', 'notify'] as const;
export type Action = (typeof ACTIONS)[number];

export const OPS = ['ne', 'lt', 'le', 'eq', 'ge', 'gt', 'masked_eq'] as const;
export type Op = (typeof OPS)[number];

export const FILTER_FLAGS = [
  'SECCOMP_FILTER_FLAG_TSYNC',
  'SECCOMP_FILTER_FLAG_LOG',
  'SECCOMP_FILTER_FLAG_SPEC_ALLOW',
  'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV',
] as const;

/** One argument condition. For masked_eq, `value` is the mask and `valueTwo` the datum (as runc). */
export interface ArgCondition {
  index: number; // 0..5
  op: Op;
  value: bigint;
  valueTwo: bigint;
}

/** Docker's includes/excludes filter: which hosts a rule applies to. */
export interface RuleFilter {
  caps: string[];
  arches: string[]; // Go GOARCH spellings, as moby compares them with runtime.GOARCH
  minKernel?: string;
}

export interface Rule {
  names: string[];
  action: Action;
  errnoRet?: number;
  args: ArgCondition[];
  includes: RuleFilter;
  excludes: RuleFilter;
  comment?: string;
}

export interface ArchMapEntry {
  architecture: Arch;
  subArchitectures: Arch[];
}

export interface Profile {
  defaultAction: Action;
  defaultErrnoRet?: number;
  architectures: Arch[];
  archMap: ArchMapEntry[];
  flags: string[];
  listenerPath?: string;
  listenerMetadata?: string;
  syscalls: Rule[];
}

/** A profile resolved for one host (arch, caps, kernel): no includes/excludes left, concrete ABIs. */
export interface ConcreteRule {
  names: string[];
  action: Action;
  errnoRet?: number;
  args: ArgCondition[];
  comment?: string;
  /** Index of the rule in the source profile's syscalls[] (for explanations). */
  source: number;
}

export interface ConcreteProfile {
  defaultAction: Action;
  defaultErrnoRet?: number;
  /** The ABIs the filter handles; the native ABI is always first (runc always adds it). */
  architectures: Arch[];
  rules: ConcreteRule[];
  flags: string[];
}

export function emptyFilter(): RuleFilter {
  return { caps: [], arches: [] };
}

/** errno returned by an ERRNO action that names none (runc and crun use EPERM). */
export const DEFAULT_ERRNO = 1;
