// Profiles around the kernel's 4096-instruction limit, for the unit and live tests of
// src/evaluator/program-size.ts: Docker's default plus k rules `personality(arg0 == 0x1000+i)`,
// with k found by bisection so that the program is at most 4096 instructions for `under` and more
// for `over` (k + 1).

import { readFileSync } from 'node:fs';
import { parseDockerProfile } from '../../src/formats/docker.js';
import { emptyFilter, type Profile, type Rule } from '../../src/profile/model.js';
import { resolveProfile } from '../../src/profile/resolve.js';
import { programSize, type ProgramSize } from '../../src/evaluator/program-size.js';

function dockerDefault(): Profile {
  const r = parseDockerProfile(readFileSync(new URL('../../data/reference/docker-default.json', import.meta.url), 'utf8'));
  if (!r.ok) throw new Error('docker-default.json does not parse');
  return r.value;
}

export function withExtraRules(base: Profile, k: number): Profile {
  const extra: Rule[] = Array.from({ length: k }, (_, i) => ({
    names: ['personality'],
    action: 'allow',
    args: [{ index: 0, op: 'eq', value: BigInt(0x1000 + i), valueTwo: 0n }],
    includes: emptyFilter(),
    excludes: emptyFilter(),
  }));
  return { ...base, syscalls: [...base.syscalls, ...extra] };
}

export function sizeOf(p: Profile): ProgramSize {
  return programSize(resolveProfile(p, { native: 'x86_64', caps: [] }));
}

/** The largest k whose program fits, with the profiles for k and k + 1. */
export function aroundTheLimit(): { k: number; under: Profile; over: Profile; underSize: ProgramSize; overSize: ProgramSize } {
  const base = dockerDefault();
  let lo = 0;
  let hi = 4096;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (sizeOf(withExtraRules(base, mid)).total <= 4096) lo = mid;
    else hi = mid;
  }
  const under = withExtraRules(base, lo);
  const over = withExtraRules(base, lo + 1);
  return { k: lo, under, over, underSize: sizeOf(under), overSize: sizeOf(over) };
}
