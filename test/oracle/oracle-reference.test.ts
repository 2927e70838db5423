// Sweeps the reference profiles (Docker's and Podman's defaults, for several capability sets)
// over every syscall number of x86_64, x86 and x32 with a handful of argument vectors, and checks
// decide() against the filter the real libseccomp builds. This exercises what the small cases do
// not: runc's binary-tree dispatch, long programs, and hundreds of rules at once.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { compiledFilter, decide } from '../../src/evaluator/evaluate.js';
import { resolveNameArch } from '../../src/evaluator/libseccomp/abi.js';
import { parseDockerProfile } from '../../src/formats/docker.js';
import type { ConcreteProfile } from '../../src/profile/model.js';
import { resolveProfile } from '../../src/profile/resolve.js';
import { DOCKER_DEFAULT_CAPS, CAPABILITIES } from '../../src/formats/shared/vocabulary.js';
import type { Arch } from '../../src/syscalls/arch.js';
import { syscallName, syscallsOf, syscallNumber } from '../../src/syscalls/table.js';
import { oracleFilters, oracleLibseccompVersion, oracleResolve, oracleVerdict } from './libseccomp-oracle.js';

const REF = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'reference');
const PROFILES = ['docker-default.json', 'podman-default.json', 'podman-default.container-libs.json'];
const CAP_SETS: Record<string, readonly string[]> = { none: [], docker: DOCKER_DEFAULT_CAPS, all: CAPABILITIES };
const ABIS: Arch[] = ['x86_64', 'x86', 'x32'];
const ARGS: bigint[][] = [
  [],
  [0x10000000n | 17n, 0n, 9n],
  [17n],
  [40n, 1n, 0n],
  [16n, 3n, 9n],
  [38n],
  [0xffffffffn],
  [0xffffffff00000000n, 0x7e020000n],
  [1n, 0x5401n, 0x100000000n],
];

interface Sweep {
  label: string;
  cp: ConcreteProfile;
}

function sweeps(): Sweep[] {
  const out: Sweep[] = [];
  for (const file of PROFILES) {
    const r = parseDockerProfile(readFileSync(join(REF, file), 'utf8'));
    if (!r.ok) throw new Error(`${file}: ${r.issues.map((i) => i.message).join('; ')}`);
    for (const [caps, list] of Object.entries(CAP_SETS))
      out.push({ label: `${file} caps=${caps}`, cp: resolveProfile(r.value, { native: 'x86_64', caps: list }) });
  }
  return out;
}

describe(`reference profiles agree with libseccomp ${oracleLibseccompVersion()} on every syscall`, () => {
  const all = sweeps();
  const filters = oracleFilters(all.map((s) => s.cp));
  // What the installed libseccomp knows, to skip syscalls it numbers differently (newer names).
  const names = new Set<string>();
  for (const s of all) for (const r of s.cp.rules) for (const n of r.names) names.add(n);
  for (const abi of ABIS) for (const n of syscallsOf(abi)) names.add(n);
  const queries = ABIS.flatMap((abi) => [...names].map((name) => ({ abi, name })));
  const answers = oracleResolve(queries);
  const known = new Map(queries.map((q, i) => [`${q.abi} ${q.name}`, answers[i] ?? -1]));

  all.forEach((s, idx) => {
    it(s.label, () => {
      const f = filters[idx];
      assert.ok(f !== undefined && f.error === undefined, `libseccomp refused ${s.label}`);
      let compared = 0;
      let skipped = 0;
      for (const abi of ABIS) {
        const ourBound = compiledFilter(s.cp).abis.get(abi)?.enosysAbove ?? 0;
        let theirBound = 0;
        for (const r of s.cp.rules) for (const n of r.names) theirBound = Math.max(theirBound, known.get(`${abi} ${n}`) ?? -1);
        const nrs = new Set(syscallsOf(abi).map((n) => syscallNumber(abi, n) as number));
        for (let extra = 0; extra < 8; extra++) nrs.add((abi === 'x32' ? 0x40000000 : 0) + 470 + extra * 17);
        for (const nr of nrs) {
          const name = syscallName(abi, nr);
          const ours = name === undefined ? undefined : resolveNameArch(abi, name);
          const theirs = name === undefined ? undefined : known.get(`${abi} ${name}`);
          const numbered = name === undefined || (theirs !== -1 && (ours !== undefined && ours >= 0 ? theirs === ours : (theirs ?? 0) < 0));
          const inGap = ourBound !== theirBound && nr > Math.min(ourBound, theirBound) && nr <= Math.max(ourBound, theirBound);
          if (!numbered || inGap) {
            skipped++;
            continue;
          }
          for (const args of ARGS) {
            const want = oracleVerdict(f, abi, nr, args);
            const got = decide(s.cp, abi, nr, args);
            assert.deepEqual(
              got.errno === undefined ? { action: got.action } : { action: got.action, errno: got.errno },
              want,
              `${abi} ${name ?? nr} (${args.join(',')}): ${got.why}`,
            );
            compared++;
          }
        }
      }
      assert.ok(compared > 2000, `only ${compared} calls compared`);
      console.log(
        `# ${s.label}: ${compared} calls compared, ${skipped} syscall numbers skipped (libseccomp ${oracleLibseccompVersion()} numbers them differently or sets a different -ENOSYS bound)`,
      );
    });
  });
});
