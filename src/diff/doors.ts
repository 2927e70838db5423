// "Never wider than the engine's default on a dangerous door": the semantic diff of a profile against
// Docker's default, restricted to the catalogued doors (the risk catalog's syscalls and the
// syscalls with dangerous argument values), keeping only the argument boxes where the profile lets
// a call through that Docker's default denies. Both are resolved for the same host: the native ABI,
// Docker's 14 default capabilities (what a `docker run` container has) and the kernel given.

import { RISK_CATALOG } from '../catalog/dangerous.js';
import { dangerousValues } from '../catalog/dangerous-values.js';
import { DOCKER_DEFAULT_NAME, loadDockerDefault } from '../catalog/reference.js';
import { DOCKER_DEFAULT_CAPS } from '../formats/shared/vocabulary.js';
import type { ConcreteProfile, Profile } from '../profile/model.js';
import type { Arch } from '../syscalls/arch.js';
import { describeArgValue } from '../syscalls/constants.js';
import { decideOutcome } from '../evaluator/evaluate.js';
import { resolveProfile } from '../profile/resolve.js';
import { diffProfiles } from './diff-profiles.js';
import { formatRangeText } from './format.js';
import type { ArgChange } from './model.js';

export interface WiderDoor {
  abi: Arch;
  syscall: string;
  /** The argument values on which the profile allows and the default denies ("" for every call). */
  where: string;
  change: ArgChange;
}

/** Catalogued syscalls whose danger is the syscall itself (mount, keyctl, clone3, …). */
export function syscallDoors(): Set<string> {
  const byValue = new Set(dangerousValues().map((d) => d.syscall));
  return new Set(RISK_CATALOG.map((e) => e.syscall).filter((n) => !byValue.has(n)));
}

function lets(a: string): boolean {
  return a === 'allow' || a === 'log';
}

/** Arguments the kernel reads as 32-bit ints (SYSCALL_DEFINE's int/unsigned int): it drops the upper half. */
const INT_ARGS: Readonly<Record<string, readonly number[]>> = {
  socket: [0, 1, 2],
  socketpair: [0, 1, 2],
  personality: [0],
  prctl: [0],
  ioctl: [1],
  fcntl: [1],
  mmap: [2],
  mprotect: [2],
  unshare: [0],
};

/**
 * A difference only in the upper half of an int argument is none to the kernel: a profile that
 * compares the low 32 bits (masked_eq 0xffffffff, as clawfence generates) allows 0x1_00000000 where
 * Docker's 64-bit `eq 0` denies it, but the kernel runs the same call. Such a box counts as wider
 * only when the call the kernel really sees (upper halves dropped) is one the reference denies.
 */
function kernelSeesWider(w: WiderDoor, ref: ConcreteProfile): boolean {
  const ints = INT_ARGS[w.syscall] ?? [];
  if (w.change.args.length === 0 || !w.change.args.some((g) => ints.includes(g.index))) return true;
  const args = [0n, 0n, 0n, 0n, 0n, 0n];
  for (const g of w.change.args) args[g.index] = ints.includes(g.index) ? g.example & 0xffffffffn : g.example;
  return !lets(decideOutcome(ref, w.abi, w.syscall, args).action);
}

/**
 * Where `profile` opens a catalogued door that Docker's default keeps shut, on this host: for the
 * syscalls dangerous in themselves, every argument box the semantic diff finds; for the dangerous
 * argument values (CLONE_NEWUSER, AF_VSOCK, READ_IMPLIES_EXEC, …), the call carrying that value.
 * Allowing what is harmless where Docker denies it (unshare(CLONE_FS) without CAP_SYS_ADMIN) is not
 * a wider door.
 */
export function widerThanDefault(profile: Profile, host: { native: Arch; kernel?: string }, reference: Profile = loadDockerDefault()): WiderDoor[] {
  const ctx = { native: host.native, caps: [...DOCKER_DEFAULT_CAPS], ...(host.kernel === undefined ? {} : { kernel: host.kernel }) };
  const refCp = resolveProfile(reference, ctx);
  const ours = resolveProfile(profile, ctx);
  const d = diffProfiles(profile, reference, { ...ctx, only: syscallDoors(), describe: (s, i, v) => describeArgValue(s, i, v) });
  const out: WiderDoor[] = [];
  for (const abi of d.abis) {
    if (!abi.inA) continue;
    for (const g of abi.unruled) {
      if (!lets(g.a.action) || lets(g.b.action)) continue;
      for (const s of g.syscalls) out.push({ abi: abi.abi, syscall: s, where: '', change: { args: [], a: g.a, b: g.b } });
    }
    for (const s of abi.syscalls) {
      for (const c of s.changes) {
        if (!lets(c.a.action) || lets(c.b.action)) continue;
        out.push({ abi: abi.abi, syscall: s.name, where: c.args.map((r) => formatRangeText(s.name, r, abi.abi)).join(', '), change: c });
      }
    }
  }
  for (const abi of ours.architectures) {
    for (const v of dangerousValues()) {
      const args = [0n, 0n, 0n, 0n, 0n, 0n];
      args[v.index] = v.value;
      for (const w of v.when) args[w.index] = w.value;
      const a = decideOutcome(ours, abi, v.syscall, args);
      if (!lets(a.action)) continue;
      const b = decideOutcome(refCp, abi, v.syscall, args);
      if (lets(b.action)) continue;
      const side = (o: typeof a) => ({
        action: o.action,
        ...(o.errno === undefined ? {} : { errno: o.errno }),
        rules: o.rule === undefined ? [] : [o.rule],
        by: [o.source],
      });
      const where = [...v.when.map((w) => `arg${w.index} = ${w.name}`), `arg${v.index} = ${v.name}`].join(', ');
      out.push({ abi, syscall: v.syscall, where, change: { args: [], a: side(a), b: side(b) } });
    }
  }
  return out.filter((w) => kernelSeesWider(w, refCp));
}

/** "clone on x86_64 (arg0 & 0x10000000 == 0x10000000 CLONE_NEWUSER): allowed here, denied by Docker default (moby v0.2.3)". */
export function describeWider(w: WiderDoor): string {
  return `${w.syscall} on ${w.abi}${w.where === '' ? '' : ` for ${w.where}`}: allowed here, denied by ${DOCKER_DEFAULT_NAME}`;
}
