// Syscall tables: generated numbers agree with independent sources (the kernel's own table and
// libseccomp's scmp_sys_resolver), ABI quirks hold, and look-ups fail with a located hint.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { promisify } from 'node:util';
import { ClawfenceError } from '../errors.js';
import type { Arch } from './arch.js';
import { abisOf, resolveSyscall, syscallName, syscallNumber, syscallsOf } from './table.js';

const run = promisify(execFile);

describe('syscall tables', () => {
  it('have 385 x86_64 syscalls and x32 numbers carry the 0x40000000 bit', () => {
    assert.equal(syscallsOf('x86_64').length, 385);
    for (const n of syscallsOf('x32')) assert.ok((syscallNumber('x32', n) ?? 0) >= 0x40000000, n);
    assert.equal(syscallNumber('x32', 'read'), 0x40000000);
  });

  it('agree with the kernel syscall_64.tbl for every common/64 entry', () => {
    const tbl = readFileSync(new URL('../../test/fixtures/kernel-x86_64-syscall_64.tbl', import.meta.url), 'utf8');
    let checked = 0;
    for (const line of tbl.split('\n')) {
      const m = /^(\d+)\s+(common|64)\s+(\S+)/.exec(line);
      if (m === null) continue;
      assert.equal(syscallNumber('x86_64', m[3] ?? ''), Number(m[1]), `${m[3]}`);
      checked++;
    }
    assert.ok(checked >= 370, `checked ${checked}`);
  });

  it('know names that exist only on some ABIs', () => {
    assert.equal(syscallNumber('x86_64', 'socketcall'), undefined);
    assert.equal(syscallNumber('x86', 'socketcall'), 102);
    assert.equal(syscallNumber('aarch64', 'open'), undefined);
    assert.equal(syscallNumber('x86_64', 'arch_prctl'), 158);
    assert.deepEqual(abisOf('socketcall').includes('x86_64'), false);
    assert.equal(syscallName('x86', 359), 'socket');
    assert.equal(syscallNumber('mips', 'read'), 4003);
  });

  it('explain unknown names and numbers with a hint', () => {
    assert.throws(
      () => resolveSyscall('x86_64', 'opne'),
      (e: unknown) => e instanceof ClawfenceError && e.code === 'bad-input' && /did you mean 'open'/.test(e.hint ?? ''),
    );
    assert.throws(
      () => resolveSyscall('aarch64', 'open'),
      (e: unknown) => e instanceof ClawfenceError && /does not exist on aarch64/.test(e.message),
    );
    assert.throws(() => resolveSyscall('x86_64', '9999'), ClawfenceError);
    assert.deepEqual(resolveSyscall('x86_64', '0x3b'), { name: 'execve', nr: 59 });
  });
});

describe('syscall tables against scmp_sys_resolver (Debian package seccomp)', () => {
  const abis: Arch[] = ['x86_64', 'x86', 'x32', 'aarch64', 'arm', 'riscv64'];
  for (const abi of abis) {
    it(`number → name agrees on ${abi}`, async () => {
      let resolverVersionOk = true;
      try {
        await run('scmp_sys_resolver', ['-a', 'x86_64', 'read']);
      } catch {
        resolverVersionOk = false;
      }
      assert.ok(resolverVersionOk, 'scmp_sys_resolver is missing: apt-get install seccomp (scripts/setup-host.sh does it)');
      const names = syscallsOf(abi);
      let agreed = 0;
      let unknownToResolver = 0;
      // One resolver process per syscall is slow; run them in small parallel batches.
      for (let i = 0; i < names.length; i += 32) {
        const batch = names.slice(i, i + 32);
        const out = await Promise.all(batch.map((n) => run('scmp_sys_resolver', ['-a', abi, String(syscallNumber(abi, n))]).then((r) => r.stdout.trim())));
        batch.forEach((n, j) => {
          const got = out[j] ?? '';
          // An older libseccomp than the table prints the number back (or UNKNOWN) for newer syscalls.
          if (/^-?\d+$/.test(got) || got === 'UNKNOWN') unknownToResolver++;
          else {
            assert.equal(got, n, `${abi}: ${syscallNumber(abi, n)} is ${got} to libseccomp, ${n} to us`);
            agreed++;
          }
        });
      }
      assert.ok(agreed > names.length * 0.85, `${abi}: only ${agreed}/${names.length} checked (${unknownToResolver} unknown to the resolver)`);
    });
  }
});
