// The complain pass's verdict: which recorded calls the profile denies, and — where an argument
// rule denied them — with which value ("socket with arg0 = AF_NETLINK (16)").

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateProfile } from '../generator/generate.js';
import { recording } from '../../test/support/test-footprints.js';
import { deniedCalls } from './verify.js';

describe('deniedCalls', () => {
  const profile = generateProfile([recording({ workload: 'w', tool: ['read', 'socket', 'exit_group'], args: { socket: { index: 0, values: [2n] } } })]).profile;

  it('names the value an argument rule denied, and only the denied ones', () => {
    const later = recording({ workload: 'other', tool: ['read', 'socket', 'exit_group', 'mkdir'], args: { socket: { index: 0, values: [2n, 16n] } } });
    const d = deniedCalls(profile, later, []);
    const socket = d.find((x) => x.syscall === 'socket');
    assert.deepEqual(socket?.values, ['arg0 = AF_NETLINK (16)']);
    assert.equal(socket?.action, 'errno 1');
    const mkdir = d.find((x) => x.syscall === 'mkdir');
    assert.ok(mkdir !== undefined && mkdir.values === undefined, 'a syscall no rule names is denied whatever its arguments');
    assert.equal(
      d.some((x) => x.syscall === 'read'),
      false,
    );
  });
});
