// deniedCalls judges what a footprint recorded against a profile: argument tuples as the calls
// they were (every value of one call set together), single-index values alone, and a use
// without values as the call with zero arguments.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Footprint, SyscallUse } from '../footprint/model.js';
import { parseProfileText } from '../formats/read.js';
import { deniedCalls } from './verify.js';

// socket for AF_INET (2) and AF_NETLINK (16) only, compared on the family alone; ioctl TCGETS only.
const PROFILE = parseProfileText(
  JSON.stringify({
    defaultAction: 'SCMP_ACT_ERRNO',
    architectures: ['SCMP_ARCH_X86_64'],
    syscalls: [
      { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 2, op: 'SCMP_CMP_EQ' }] },
      { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 16, op: 'SCMP_CMP_EQ' }] },
      { names: ['ioctl'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: 0x5401, op: 'SCMP_CMP_EQ' }] },
      { names: ['getppid'], action: 'SCMP_ACT_ALLOW' },
    ],
  }),
  'p.json',
).profile;

const fp = (uses: Record<string, SyscallUse>): Footprint => ({ schemaVersion: 1, arch: 'x86_64', syscalls: { x86_64: uses } });
const denied = (uses: Record<string, SyscallUse>): string[] => deniedCalls(PROFILE, fp(uses), []).map((d) => d.syscall);

describe('deniedCalls', () => {
  it("judges a tuple as one call: socket's type and protocol never go with family 0", () => {
    const socket: SyscallUse = {
      count: 2,
      args: [
        {
          index: 0,
          values: [
            { value: '2', count: 1 },
            { value: '16', count: 1 },
          ],
        },
        {
          index: 1,
          values: [
            { value: '2', count: 1 },
            { value: '3', count: 1 },
          ],
        },
        { index: 2, values: [{ value: '0', count: 2 }] },
      ],
      argTuples: [
        {
          indices: [0, 1, 2],
          values: [
            { value: ['2', '2', '0'], count: 1 },
            { value: ['16', '3', '0'], count: 1 },
          ],
        },
      ],
    };
    assert.deepEqual(denied({ socket }), []);
    const packet: SyscallUse = { ...socket, argTuples: [{ indices: [0, 1, 2], values: [{ value: ['17', '3', '768'], count: 1 }] }] };
    assert.deepEqual(denied({ socket: packet }), ['socket'], 'AF_PACKET is not allowed');
  });

  it('judges values of single-index arguments alone, and a use without values with zero arguments', () => {
    assert.deepEqual(denied({ ioctl: { count: 1, args: [{ index: 1, values: [{ value: '21505', count: 1 }] }] } }), []);
    assert.deepEqual(
      denied({
        ioctl: {
          count: 1,
          args: [
            {
              index: 1,
              values: [
                { value: '21505', count: 1 },
                { value: '21523', count: 1 },
              ],
            },
          ],
        },
      }),
      ['ioctl'],
    );
    assert.deepEqual(denied({ getppid: { count: 1 }, ioctl: { count: 1 } }), ['ioctl'], 'ioctl(0, 0): not TCGETS');
    assert.deepEqual(denied({ socket: { count: 1, args: [{ index: 0, values: [{ value: '2', count: 1 }] }] } }), [], 'a footprint from before tuples');
  });
});
