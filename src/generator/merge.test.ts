// Merging footprints: sums, unions, the earliest recording's first process, runtime only when
// every contributor says so, order independence, and the refusals (families, versions, none).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Footprint } from '../footprint/model.js';
import { parseFootprint } from '../footprint/parse.js';
import { canonicalJson } from './canonical.js';
import { mergeFootprints } from './merge.js';
import { flaskFootprints, PYTHON, recording, reversedKeys, RUNC_INIT, shuffled } from '../../test/support/test-footprints.js';
import { refusal } from '../../test/support/refusal.js';

function fp(syscalls: Footprint['syscalls'], extra: Partial<Footprint> = {}): Footprint {
  return { schemaVersion: 1, syscalls, ...extra };
}

describe('mergeFootprints', () => {
  it('sums counts, unions workloads and argument values, per ABI and syscall', () => {
    const a = fp(
      {
        x86_64: {
          read: { count: 5, nr: 0, firstBy: PYTHON, workloads: ['get'] },
          socket: {
            count: 1,
            nr: 41,
            workloads: ['get'],
            args: [
              {
                index: 0,
                values: [
                  { value: '2', count: 1 },
                  { value: '10', count: 2 },
                ],
              },
            ],
          },
        },
      },
      { provenance: { createdAt: '2025-01-01T00:00:00Z', kernel: '6.1.0' } },
    );
    const b = fp(
      {
        x86_64: {
          read: { count: 7, nr: 0, firstBy: { comm: 'curl' }, workloads: ['post', 'get'] },
          socket: {
            count: 2,
            nr: 41,
            workloads: ['post'],
            args: [
              { index: 1, values: [{ value: '1', count: 2 }] },
              {
                index: 0,
                values: [
                  { value: '2', count: 2 },
                  { value: '1', count: 1 },
                ],
              },
            ],
          },
          getpid: { count: 0, nr: 39 },
        },
        x86: { read: { count: 1, nr: 3, firstBy: { comm: 'hello32' }, workloads: ['i386'] } },
      },
      { provenance: { createdAt: '2025-01-02T00:00:00Z', kernel: '6.1.0' } },
    );
    const m = mergeFootprints([b, a]);
    assert.deepEqual(m.syscalls.x86_64?.['read'], { count: 12, nr: 0, firstBy: PYTHON, workloads: ['get', 'post'] });
    assert.deepEqual(
      m.syscalls.x86_64?.['socket']?.args,
      [
        {
          index: 0,
          values: [
            { value: '1', count: 1 },
            { value: '2', count: 3 },
            { value: '10', count: 2 },
          ],
        },
        { index: 1, values: [{ value: '1', count: 2 }] },
      ],
      'values sorted numerically (10 after 2), counts summed, indices sorted',
    );
    assert.deepEqual(m.syscalls.x86_64?.['getpid'], { count: 0, nr: 39 }, 'a listed-but-unused syscall stays unused');
    assert.deepEqual(m.syscalls.x86?.['read'], { count: 1, nr: 3, firstBy: { comm: 'hello32' }, workloads: ['i386'] });
    assert.deepEqual(m.provenance, { kernel: '6.1.0' }, 'only the provenance all sources agree on');
    assert.ok(parseFootprint(JSON.stringify(m)).ok, 'the merged footprint is a valid footprint file');
  });

  it('keeps firstBy from the earliest recording, whatever order the files come in', () => {
    const early = fp({ x86_64: { read: { count: 1, firstBy: { comm: 'early' } } } }, { provenance: { createdAt: '2025-03-01T08:00:00Z' } });
    const late = fp({ x86_64: { read: { count: 9, firstBy: { comm: 'late' } } } }, { provenance: { createdAt: '2025-03-01T09:00:00Z' } });
    const undated = fp({ x86_64: { read: { count: 1, firstBy: { comm: 'undated' } } } });
    for (const order of [
      [early, late, undated],
      [undated, late, early],
      [late, undated, early],
    ]) {
      assert.equal(mergeFootprints(order).syscalls.x86_64?.['read']?.firstBy?.comm, 'early');
    }
    // A recording that listed the syscall without seeing it does not provide the first process.
    const unseen = fp({ x86_64: { read: { count: 0, firstBy: { comm: 'ghost' } } } }, { provenance: { createdAt: '2024-01-01T00:00:00Z' } });
    assert.equal(mergeFootprints([late, unseen]).syscalls.x86_64?.['read']?.firstBy?.comm, 'late');
  });

  it('marks a syscall runtime only when every recording that saw it says runtime', () => {
    const rt = fp({ x86_64: { execve: { count: 1, firstBy: RUNC_INIT, runtime: true }, prctl: { count: 2, runtime: true } } });
    const tool = fp({ x86_64: { execve: { count: 3, firstBy: PYTHON }, prctl: { count: 0 } } });
    const m = mergeFootprints([rt, tool]);
    assert.equal(m.syscalls.x86_64?.['execve']?.runtime, undefined, 'the tool execs too');
    assert.equal(m.syscalls.x86_64?.['execve']?.count, 4);
    assert.equal(m.syscalls.x86_64?.['prctl']?.runtime, true, 'a recording that never saw prctl does not contradict');
  });

  it('is independent of input order and of key order inside the files', () => {
    const fps = [
      ...flaskFootprints(),
      recording({ workload: 'health', runtime: ['execve'], tool: ['read', 'exit_group'], createdAt: '2025-01-01T09:00:00.000Z' }),
    ];
    const want = canonicalJson(mergeFootprints(fps));
    for (let seed = 1; seed <= 6; seed++) {
      const input = shuffled(fps, seed).map((f, i) => (i % 2 === 0 ? reversedKeys(f) : f));
      assert.equal(canonicalJson(mergeFootprints(input)), want, `seed ${seed}`);
    }
    const m = mergeFootprints(fps);
    assert.deepEqual(
      m.workloads?.map((w) => w.name),
      ['get', 'health', 'post'],
    );
    assert.equal(m.arch, 'x86_64');
    assert.equal(m.syscalls.x86_64?.['execve']?.runtime, true);
    assert.deepEqual(m.syscalls.x86_64?.['execve']?.workloads, ['get', 'health', 'post']);
  });

  it('does not change its inputs', () => {
    const fps = flaskFootprints();
    const before = canonicalJson(fps);
    const m = mergeFootprints(fps);
    (m.syscalls.x86_64?.['read']?.firstBy as { comm: string }).comm = 'changed';
    assert.equal(canonicalJson(fps), before);
  });

  it('refuses footprints from different CPU families', () => {
    const x86 = fp({ x86_64: { read: { count: 1 } } }, { arch: 'x86_64' });
    const arm = fp({ aarch64: { read: { count: 1 } } }, { arch: 'aarch64' });
    const e = refusal(() => mergeFootprints([x86, arm], { labels: ['a.json', 'b.json'] }), /different CPU families: a\.json is x86_64, b\.json is aarch64/);
    assert.match(e.hint ?? '', /separately/);
    refusal(() => mergeFootprints([x86, fp({ arm: { read: { count: 1 } } })]), /different CPU families/);
    refusal(() => mergeFootprints([fp({ x86_64: { read: { count: 1 } }, aarch64: { read: { count: 1 } } })]), /mixes CPU families/);
    // A sub-ABI of the same family merges fine.
    assert.deepEqual(Object.keys(mergeFootprints([x86, fp({ x86: { read: { count: 1 } } })]).syscalls), ['x86_64', 'x86']);
  });

  it('refuses an unsupported schemaVersion, unknown names and an empty list', () => {
    const v2 = { schemaVersion: 2, syscalls: { x86_64: { read: { count: 1 } } } } as unknown as Footprint;
    refusal(
      () => mergeFootprints([fp({ x86_64: { read: { count: 1 } } }), v2], { labels: ['ok.json', 'new.json'] }),
      /new\.json has schemaVersion 2; this clawfence reads schemaVersion 1/,
    );
    refusal(() => mergeFootprints([fp({ x86_64: { socketcall: { count: 1 } } })]), /'socketcall' does not exist on x86_64/);
    refusal(() => mergeFootprints([fp({ amd64: { read: { count: 1 } } } as unknown as Footprint['syscalls'])]), /unknown ABI "amd64"/);
    refusal(() => mergeFootprints([]), /no footprint/);
  });
});
