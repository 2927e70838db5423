// Live: the risk catalog's "always ENOSYS" claims against the real kernel. Every entry whose
// reason says the call always fails with ENOSYS (never implemented, or removed) is called in a
// container under an allow-all profile with the probe (src/probes); the kernel must answer ENOSYS.
// These are the entries the catalog rates benign only because they can do nothing. Needs a
// running engine with the base image (scripts/setup-host.sh, as root); without one it fails saying so.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { syscallRiskCatalog } from '../../src/catalog/syscall-risk.js';
import { ClawfenceError } from '../../src/errors.js';
import { describeOutcome } from '../../src/probes/outcome.js';
import { KernelReplayer, type ProbeCall } from '../../src/probes/replay.js';
import { syscallNumber } from '../../src/syscalls/table.js';

const ENOSYS = 38;
const claims = syscallRiskCatalog().filter((e) => /always (fails with )?ENOSYS/.test(e.reason));

/** The call on x86_64 where the name exists there, else the i386 number through int $0x80. */
function callFor(name: string): ProbeCall | undefined {
  const x64 = syscallNumber('x86_64', name);
  if (x64 !== undefined) return { abi: 'x86_64', nr: x64, args: [], binary: 'x86_64' };
  const x86 = syscallNumber('x86', name);
  return x86 === undefined ? undefined : { abi: 'x86', nr: x86, args: [], binary: 'x86_64' };
}

describe('risk catalog: the calls it calls always-ENOSYS are ENOSYS on this kernel', () => {
  let replayer: KernelReplayer | undefined;
  let openError: Error | undefined;
  before(async () => {
    try {
      replayer = await KernelReplayer.open();
    } catch (e) {
      const hint = e instanceof ClawfenceError && e.hint !== undefined ? ` — ${e.hint}` : '';
      openError = new Error(`needs a running Docker engine with the base image: ${(e as Error).message}${hint}`);
    }
  });
  after(async () => {
    await replayer?.close();
  });

  it('has such claims to check', () => {
    assert.ok(claims.length >= 15, `only ${claims.length} always-ENOSYS entries`);
  });

  for (const e of claims) {
    it(`${e.syscall} returns ENOSYS`, async (t) => {
      if (openError !== undefined) throw openError;
      const r = replayer as KernelReplayer;
      const call = callFor(e.syscall);
      assert.ok(call, `${e.syscall} has a number on x86_64 or x86`);
      const why = r.cannotRun(call);
      if (why !== undefined) {
        t.skip(`SKIPPED: ${why}`);
        return;
      }
      const outcome = await r.baseline(call, []);
      assert.deepEqual(
        outcome.kind === 'returned' ? outcome.errno : describeOutcome(outcome),
        ENOSYS,
        `${e.syscall} (${call.abi} ${call.nr}): ${describeOutcome(outcome)}`,
      );
    });
  }
});
