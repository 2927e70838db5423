// Checks a generated filter against the recording with the evaluator: what each loaded ABI really
// lets through, which of that was not recorded there and why (a rule's names apply to every ABI
// the filter loads; on 32-bit x86 libseccomp also adds socketcall/ipc forms of socket and IPC
// calls), and anything recorded that the filter would not let through.

import { MULTIPLEXERS } from '../syscalls/multiplexers.js';
import { computeSurface, permits } from '../evaluator/surface.js';
import { decide, decideOutcome } from '../evaluator/evaluate.js';
import type { ConcreteProfile } from '../profile/model.js';
import type { Arch } from '../syscalls/arch.js';

/** A syscall the filter allows on an ABI where it was not recorded. */
export type Widening =
  /** Recorded on other ABIs (`because`), and the name exists here too. */
  | { abi: Arch; syscall: string; kind: 'other-abi'; because: Arch[] }
  /** socketcall/ipc, for the sub-calls of recorded members (`members`, with their call numbers). */
  | { abi: Arch; syscall: string; kind: 'multiplexer'; members: { name: string; call: number }[] }
  /** Neither: a bug in the generator, reported rather than hidden. */
  | { abi: Arch; syscall: string; kind: 'unexplained' };

/** A syscall recorded on an ABI that the filter does not let through. */
export interface Gap {
  abi: Arch;
  syscall: string;
  why: string;
}

export interface SurfaceCheck {
  /** Per loaded ABI, the names some call of which gets through (in number order). */
  allowed: Map<Arch, string[]>;
  /** In the filter's ABI order, then by name. */
  widened: Widening[];
  gaps: Gap[];
}

function multiplexedMembers(cp: ConcreteProfile, abi: Arch, mux: string, recordedAnywhere: ReadonlySet<string>): { name: string; call: number }[] {
  return Object.entries(MULTIPLEXERS[mux] ?? {})
    .filter(([name, call]) => recordedAnywhere.has(name) && permits(decideOutcome(cp, abi, mux, [BigInt(call), 0n, 0n, 0n, 0n, 0n]).action))
    .map(([name, call]) => ({ name, call }));
}

function explain(
  cp: ConcreteProfile,
  abi: Arch,
  name: string,
  recorded: ReadonlyMap<Arch, ReadonlySet<string>>,
  recordedAnywhere: ReadonlySet<string>,
): Widening {
  const because = cp.architectures.filter((a) => a !== abi && recorded.get(a)?.has(name) === true);
  if (because.length > 0) return { abi, syscall: name, kind: 'other-abi', because };
  const members = multiplexedMembers(cp, abi, name, recordedAnywhere);
  if (members.length > 0) return { abi, syscall: name, kind: 'multiplexer', members };
  return { abi, syscall: name, kind: 'unexplained' };
}

/** Compares what the filter lets through on every loaded ABI with what was recorded there. */
export function checkSurface(cp: ConcreteProfile, recorded: ReadonlyMap<Arch, ReadonlySet<string>>): SurfaceCheck {
  const surface = computeSurface(cp);
  const recordedAnywhere = new Set([...recorded.values()].flatMap((s) => [...s]));
  const allowed = new Map<Arch, string[]>();
  const widened: Widening[] = [];
  const gaps: Gap[] = [];
  for (const abi of cp.architectures) {
    const s = surface.get(abi);
    if (s === undefined) continue;
    allowed.set(abi, s.allowed);
    const here = recorded.get(abi) ?? new Set<string>();
    const extra = s.allowed.filter((name) => !here.has(name)).sort();
    for (const name of extra) widened.push(explain(cp, abi, name, recorded, recordedAnywhere));
    for (const name of [...here].sort()) {
      const p = s.syscalls.get(name);
      // Conditional: argument rules made from the recorded values let those through.
      if (p?.permission === 'allowed' || p?.permission === 'conditional') continue;
      gaps.push({ abi, syscall: name, why: p === undefined ? `${name} does not exist on ${abi}` : decide(cp, abi, name, p.args).why });
    }
  }
  return { allowed, widened, gaps };
}

/** One line, e.g. "x86: also allows read because x86_64 needs it". */
export function describeWidening(w: Widening): string {
  switch (w.kind) {
    case 'other-abi':
      return `${w.abi}: also allows ${w.syscall} because ${w.because.join(' and ')} ${w.because.length > 1 ? 'need' : 'needs'} it (a rule applies to every ABI the filter loads)`;
    case 'multiplexer':
      return `${w.abi}: also allows ${w.syscall} for ${w.members.map((m) => `${m.name} (call ${m.call})`).join(', ')} (libseccomp adds the multiplexed form of these calls)`;
    default:
      return `${w.abi}: allows ${w.syscall}, which no recording explains`;
  }
}
