// Human-readable lines about a generated profile for the CLI: counts next to Docker's default,
// the ABIs left out, runtime-only syscalls, clone3, what is allowed beyond the recording, warnings.

import { describeWidening, type Widening } from './widening.js';
import type { GenerateStats } from './stats.js';

const CLONE3: Readonly<Record<GenerateStats['clone3'], string>> = {
  justified: 'clone3: allowed by justification (its flags cannot be filtered)',
  enosys: 'clone3: answered with ENOSYS, so libc falls back to clone, allowed without CLONE_NEW* bits',
  none: 'clone3: neither clone nor clone3 was recorded; both get the default action',
};

/** "x86: also allows clone, execve because x86_64 needs them (…)": other-ABI widenings grouped. */
function groupWidenings(widened: readonly Widening[]): string[] {
  const groups = new Map<string, string[]>();
  const lines: string[] = [];
  for (const w of widened) {
    if (w.kind !== 'other-abi') {
      lines.push(describeWidening(w));
      continue;
    }
    const key = `${w.abi}\u0000${w.because.join(' and ')}\u0000${w.because.length > 1 ? 'need' : 'needs'}`;
    groups.set(key, [...(groups.get(key) ?? []), w.syscall]);
  }
  const grouped = [...groups].map(([key, names]) => {
    const [abi, because, verb] = key.split('\u0000') as [string, string, string];
    return `${abi}: also allows ${names.join(', ')} because ${because} ${verb} ${names.length > 1 ? 'them' : 'it'} (a rule applies to every ABI the filter loads)`;
  });
  return [...grouped, ...lines];
}

export function describeStats(s: GenerateStats): string[] {
  const from = s.sources.map((src) => (src.workloads.length === 0 ? src.label : `${src.label} (${src.workloads.join(', ')})`));
  const lines = [`from ${s.sources.length === 1 ? '1 footprint' : `${s.sources.length} footprints`}: ${from.join(', ')}`];
  lines.push(
    ...s.perAbi.map((a) => {
      const added = a.abi === s.native ? s.runtimeAllowance.length : 0;
      return `${a.abi}: ${a.allowed} of ${a.total} syscalls allowed (${a.recorded} recorded${a.generalized > 0 ? ` + ${a.generalized} generalised` : ''}${added > 0 ? `, ${added} added for the runtime` : ''}${a.widened.length > 0 ? `, ${a.widened.length} more through shared rules` : ''}); ${s.reference} allows ${a.dockerDefault}`;
    }),
  );
  for (const o of s.omitted)
    lines.push(`${o.abi}: not used, left out of the filter: the kernel kills any call through it (Docker's default allows ${o.dockerDefault})`);
  if (s.runtimeAllowance.length > 0)
    lines.push(`allowed for the container runtime though not recorded: ${s.runtimeAllowance.join(', ')} (see its rule's comment)`);
  if (s.runtimeOnly.length > 0) lines.push(`needed only by the container runtime after installing the filter: ${s.runtimeOnly.join(', ')}`);
  lines.push(CLONE3[s.clone3]);
  if (s.generalized.level !== 'exact') {
    const by = new Map<string, string[]>();
    for (const a of s.generalized.added) by.set(a.kind, [...(by.get(a.kind) ?? []), a.syscall]);
    const parts = [...by].map(([k, ns]) => `${ns.length} ${k}`);
    lines.push(
      `generalised (--generalize ${s.generalized.level}): ${s.generalized.added.length} not recorded${parts.length > 0 ? ` (${parts.join(', ')})` : ''}, each rule saying why; ${s.generalized.enosys.length} answered with ENOSYS so libraries fall back`,
    );
  }
  if (s.args.narrowed.length > 0) lines.push(`argument rules (--args ${s.args.level}): ${s.args.narrowed.join('; ')}`);
  for (const j of s.justified) lines.push(`justified: ${j}`);
  for (const r of s.refused) lines.push(`refused: ${r}`);
  lines.push(...groupWidenings(s.widened));
  for (const w of s.warnings) lines.push(`warning: ${w}`);
  return lines;
}
