// The probe's harmless list: accepted calls, refused ones, and numbers that name no syscall.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { syscallNumber } from '../syscalls/table.js';
import { harmless } from './harmless.js';

const nr = (abi: 'x86_64' | 'x86', name: string): number => syscallNumber(abi, name) as number;

describe('harmless', () => {
  it('accepts read-only queries and self-contained changes on both ABIs', () => {
    for (const abi of ['x86_64', 'x86'] as const) {
      assert.equal(harmless(abi, nr(abi, 'getpriority'), [0n, 7n]).ok, true);
      assert.equal(harmless(abi, nr(abi, 'personality'), [0xffffffffn]).ok, true);
      assert.equal(harmless(abi, nr(abi, 'umask'), [0x22n]).ok, true);
      assert.equal(harmless(abi, nr(abi, 'socket'), [40n, 1n, 0n]).ok, true);
    }
  });

  it('accepts a fork-like clone and refuses clone sharing memory or a thread group', () => {
    assert.equal(harmless('x86_64', nr('x86_64', 'clone'), [0x10000011n]).ok, true);
    assert.equal(harmless('x86_64', nr('x86_64', 'clone'), [0x100n | 17n]).ok, false);
    assert.equal(harmless('x86', nr('x86', 'clone'), [0x10000n]).ok, false);
    assert.equal(harmless('x86_64', nr('x86_64', 'clone'), [17n, 0x7000n]).ok, false, 'a child stack');
  });

  it('accepts pointer-taking calls only with null pointers', () => {
    assert.equal(harmless('x86_64', nr('x86_64', 'ioctl'), [0n, 0xffffffff00005401n]).ok, true);
    assert.equal(harmless('x86_64', nr('x86_64', 'ioctl'), [1n, 0x5401n]).ok, false);
    assert.equal(harmless('x86_64', nr('x86_64', 'ioctl'), [0n, 0x5402n]).ok, false, 'TCSETS writes');
    assert.equal(harmless('x86_64', nr('x86_64', 'clone3'), [0n, 88n]).ok, true);
    assert.equal(harmless('x86_64', nr('x86_64', 'clone3'), [0x1000n, 88n]).ok, false);
    assert.equal(harmless('x86_64', nr('x86_64', 'mount'), [0n, 0n, 0n, 0n, 0n]).ok, true);
    assert.equal(harmless('x86_64', nr('x86_64', 'mount'), [0n, 0x1000n, 0n, 0n, 0n]).ok, false);
    assert.equal(harmless('x86_64', nr('x86_64', 'socketpair'), [1n, 1n, 0n, 0n]).ok, true);
    assert.equal(harmless('x86_64', nr('x86_64', 'socketpair'), [1n, 1n, 0n, 0x1000n]).ok, false);
    assert.equal(harmless('x86_64', nr('x86_64', 'setsockopt'), [0xffffffffn, 0n, 64n, 0n, 0n]).ok, true);
    assert.equal(harmless('x86_64', nr('x86_64', 'setsockopt'), [3n, 0n, 64n, 0n, 0n]).ok, false, 'a real descriptor');
    assert.equal(harmless('x86_64', nr('x86_64', 'setsockopt'), [0xffffffffn, 0n, 64n, 0x1000n, 8n]).ok, false, 'a value');
    assert.equal(harmless('x86', nr('x86', 'socketcall'), [1n, 0n]).ok, true);
    assert.equal(harmless('x86', nr('x86', 'socketcall'), [1n, 0x1000n]).ok, false);
  });

  it('refuses anything not on the list, and other ABIs', () => {
    assert.equal(harmless('x86_64', nr('x86_64', 'unlink'), [0n]).ok, false);
    assert.equal(harmless('x86_64', nr('x86_64', 'kill'), [1n, 9n]).ok, false);
    assert.equal(harmless('x32', 0x40000027, []).ok, false);
  });

  it('accepts a number that is no syscall: the kernel answers ENOSYS', () => {
    const v = harmless('x86_64', 500, []);
    assert.equal(v.ok, true);
    assert.match(v.why, /ENOSYS/);
  });
});
