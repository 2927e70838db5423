// buildFootprint on a raw recording with argument values: one syscall's values per index (a
// tuple's projected on each of its indices) and its tuples, sorted; single-index syscalls keep
// args alone; what it builds is a footprint the parser reads back unchanged.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFootprint } from '../footprint/parse.js';
import { buildFootprint } from './build-footprint.js';
import type { RawArgValue, RawRecording, RawSyscall } from './recorder.js';

const call = (nr: number, count: number, ts: number): RawSyscall => ({ abi: 'x86_64', nr, count, runtime: false, comm: 'tool', exe: 'tool', pid: 7, ts });
const tuple = (nr: number, indices: number[], values: bigint[], count: number): RawArgValue => ({ abi: 'x86_64', nr, indices, values, count });

function build(syscalls: RawSyscall[], args: RawArgValue[]) {
  const recording: RawRecording = { recorder: 'ebpf', version: '2', syscalls, args, lost: { outOfRange: 0, firstSeen: 0, args: 0 } };
  return buildFootprint({ native: 'x86_64', recording, workload: { name: 'w', argv: ['tool'], exitCode: 0 }, provenance: {} });
}

describe('buildFootprint: argument values', () => {
  it("gives socket's tuples and their projections on each index, setsockopt's level and optname, ioctl's request alone", () => {
    const fp = build(
      [call(41, 4, 1), call(54, 2, 2), call(16, 3, 3)],
      [
        tuple(41, [0, 1, 2], [16n, 3n, 0n], 1), // AF_NETLINK, SOCK_RAW, NETLINK_ROUTE
        tuple(41, [0, 1, 2], [2n, 2n, 0n], 2), // AF_INET, SOCK_DGRAM
        tuple(41, [0, 1, 2], [16n, 3n, 9n], 1), // AF_NETLINK, SOCK_RAW, NETLINK_AUDIT
        tuple(54, [1, 2], [1n, 2n], 2), // SOL_SOCKET, SO_REUSEADDR
        tuple(16, [1], [0x5401n], 2),
        tuple(16, [1], [0x5413n], 1),
      ],
    );
    const u = fp.syscalls.x86_64 ?? {};
    assert.deepEqual(u['socket']?.argTuples, [
      {
        indices: [0, 1, 2],
        values: [
          { value: ['2', '2', '0'], count: 2 },
          { value: ['16', '3', '0'], count: 1 },
          { value: ['16', '3', '9'], count: 1 },
        ],
      },
    ]);
    assert.deepEqual(u['socket']?.args, [
      {
        index: 0,
        values: [
          { value: '2', count: 2 },
          { value: '16', count: 2 },
        ],
      },
      {
        index: 1,
        values: [
          { value: '2', count: 2 },
          { value: '3', count: 2 },
        ],
      },
      {
        index: 2,
        values: [
          { value: '0', count: 3 },
          { value: '9', count: 1 },
        ],
      },
    ]);
    assert.deepEqual(u['setsockopt']?.argTuples, [{ indices: [1, 2], values: [{ value: ['1', '2'], count: 2 }] }]);
    assert.deepEqual(u['setsockopt']?.args, [
      { index: 1, values: [{ value: '1', count: 2 }] },
      { index: 2, values: [{ value: '2', count: 2 }] },
    ]);
    assert.equal(u['ioctl']?.argTuples, undefined, 'one index: no tuples');
    assert.deepEqual(u['ioctl']?.args, [
      {
        index: 1,
        values: [
          { value: '21505', count: 2 },
          { value: '21523', count: 1 },
        ],
      },
    ]);
    const text = JSON.stringify(fp);
    const back = parseFootprint(text);
    assert.ok(back.ok, JSON.stringify(back.issues));
    assert.deepEqual(back.value, JSON.parse(text));
  });

  it('writes neither args nor argTuples for a syscall without recorded values', () => {
    const fp = build([call(110, 1, 1)], []);
    assert.deepEqual(Object.keys(fp.syscalls.x86_64?.['getppid'] ?? {}).sort(), ['count', 'firstBy', 'nr', 'workloads']);
  });
});
