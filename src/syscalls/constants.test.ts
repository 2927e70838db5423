// Flag constants: values checked against the kernel/libc headers (compiled with gcc), naming checked
// against the decodings in data/reference/SOURCES.md, parsing errors checked for suggestions.

import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { ClawfenceError } from '../errors.js';
import { argFamily, describeArgValue, familyConstants, FAMILY_IDS, parseArgExpression } from './constants.js';
import type { FamilyId } from './arg-constants.js';

function hasGcc(): boolean {
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The headers that define each family's names (uapi first, as the kernel sees the values). */
const HEADERS: Record<Exclude<FamilyId, 'socket-protocol' | 'sockopt'>, string[]> = {
  clone: ['linux/sched.h', 'signal.h'],
  namespace: ['linux/sched.h'],
  signal: ['signal.h'],
  'address-family': ['sys/socket.h'],
  'socket-type': ['sys/socket.h'],
  netlink: ['linux/netlink.h'],
  ipproto: ['netinet/in.h'],
  'sockopt-level': ['sys/socket.h', 'netinet/in.h', 'netinet/tcp.h'],
  so: ['sys/socket.h'],
  'tcp-opt': ['netinet/tcp.h'],
  'ip-opt': [
    'netinet/in.h',
    'linux/netfilter_ipv4/ip_tables.h',
    'linux/netfilter_arp/arp_tables.h',
    'linux/netfilter_bridge/ebtables.h',
    'linux/netfilter/ipset/ip_set.h',
  ],
  'ipv6-opt': ['netinet/in.h', 'linux/netfilter_ipv6/ip6_tables.h'],
  personality: ['linux/personality.h'],
  prctl: ['linux/prctl.h'],
  prot: ['linux/mman.h'],
  mmap: ['linux/mman.h'],
  open: ['asm/fcntl.h'],
};
/** Names the uapi header spells differently. */
const HEADER_SPELLING: Record<string, string> = { O_ASYNC: 'FASYNC' };
/** personality.h defines its names as enum members only: no #ifdef possible. */
const ENUM_ONLY = new Set<FamilyId>(['personality']);

test('constant values equal the kernel and libc headers of this machine', (t) => {
  if (!hasGcc()) {
    t.skip('SKIPPED: gcc is not installed (scripts/setup-host.sh installs it)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'clawfence-constants-'));
  try {
    for (const [family, headers] of Object.entries(HEADERS) as [FamilyId, string[]][]) {
      const consts = familyConstants(family);
      const body = consts.map(([name]) => {
        const macro = HEADER_SPELLING[name] ?? name;
        const print = `printf("${name} %llu\\n", (unsigned long long)(${macro}));`;
        return ENUM_ONLY.has(family) ? print : `#ifdef ${macro}\n${print}\n#endif`;
      });
      const src = `#define _GNU_SOURCE\n#include <stdio.h>\n${headers.map((h) => `#include <${h}>`).join('\n')}\nint main(void) {\n${body.join('\n')}\nreturn 0;\n}\n`;
      const c = join(dir, `${family}.c`);
      const exe = join(dir, family);
      writeFileSync(c, src);
      execFileSync('gcc', ['-o', exe, c], { stdio: 'pipe' });
      const seen = new Map(
        execFileSync(exe, { encoding: 'utf8' })
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => {
            const [n, v] = l.split(' ');
            return [n ?? '', BigInt(v ?? '0')] as const;
          }),
      );
      for (const [name, value] of consts) {
        if (seen.has(name)) assert.equal(value, seen.get(name), `${family}: ${name}`);
      }
      const missing = consts.filter(([n]) => !seen.has(n)).map(([n]) => n);
      // Headers lag the newest kernels; most names must still be verified.
      assert.ok(seen.size >= consts.length * 0.75, `${family}: only ${seen.size} of ${consts.length} checked (missing ${missing.join(' ')})`);
      if (missing.length > 0) t.diagnostic(`${family}: not in this machine's headers, unchecked: ${missing.join(' ')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Docker's clone mask 0x7e020000 is exactly the seven namespace flags (SOURCES.md)", () => {
  assert.equal(describeArgValue('clone', 0, 2114060288n), 'CLONE_NEWNS|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET');
  assert.equal(parseArgExpression('CLONE_NEWNS|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET'), 0x7e020000n);
});

test('socket families and personality values from the reference profiles are named (SOURCES.md)', () => {
  assert.equal(describeArgValue('socket', 0, 16n), 'AF_NETLINK');
  assert.equal(describeArgValue('socket', 0, 38n), 'AF_ALG');
  assert.equal(describeArgValue('socket', 0, 39n), 'AF_NFC');
  assert.equal(describeArgValue('socket', 0, 40n), 'AF_VSOCK');
  assert.equal(describeArgValue('socket', 2, 9n, { args: [16n, 3n, 9n] }), 'NETLINK_AUDIT');
  assert.equal(describeArgValue('socket', 2, 9n), undefined, 'protocol needs the family');
  assert.equal(describeArgValue('personality', 0, 0n), 'PER_LINUX');
  assert.equal(describeArgValue('personality', 0, 8n), 'PER_LINUX32');
  assert.equal(describeArgValue('personality', 0, 131072n), 'PER_LINUX|UNAME26');
  assert.equal(describeArgValue('personality', 0, 131080n), 'PER_LINUX32|UNAME26');
  assert.match(describeArgValue('personality', 0, 4294967295n) ?? '', /query/);
});

test('clone flags read the way people write them', () => {
  assert.equal(describeArgValue('clone', 0, 0x10000011n), 'CLONE_NEWUSER|SIGCHLD');
  assert.equal(describeArgValue('clone', 0, 17n), 'SIGCHLD');
  assert.equal(describeArgValue('clone', 0, 0n), undefined);
  assert.equal(describeArgValue('clone', 0, 0x100000100n), 'CLONE_VM|CLONE_CLEAR_SIGHAND');
  assert.equal(describeArgValue('clone', 0, 0x1000000000n | 0x100n), 'CLONE_VM|0x1000000000', 'unknown bits stay visible');
  assert.equal(describeArgValue('clone', 1, 0x10000011n, { arch: 's390x' }), 'CLONE_NEWUSER|SIGCHLD', 's390 swaps the first two arguments');
  assert.equal(describeArgValue('clone', 0, 0x10000011n, { arch: 's390x' }), undefined);
  assert.equal(describeArgValue('unshare', 0, 0x80n), 'CLONE_NEWTIME');
  assert.equal(describeArgValue('openat', 2, 0o2000101n), 'O_WRONLY|O_CREAT|O_CLOEXEC');
  assert.equal(describeArgValue('openat', 2, 0n), 'O_RDONLY');
  assert.equal(describeArgValue('openat', 2, 0o4010000n), 'O_RDONLY|O_SYNC');
  assert.equal(describeArgValue('mmap', 2, 5n), 'PROT_READ|PROT_EXEC');
  assert.equal(describeArgValue('mprotect', 2, 0n), 'PROT_NONE');
  assert.equal(describeArgValue('mmap', 3, 0x22n), 'MAP_PRIVATE|MAP_ANONYMOUS');
  assert.equal(describeArgValue('socket', 1, 0o2000001n), 'SOCK_STREAM|SOCK_CLOEXEC');
  assert.equal(describeArgValue('prctl', 0, 38n), 'PR_SET_NO_NEW_PRIVS');
  assert.equal(describeArgValue('kill', 1, 9n), 'SIGKILL');
  assert.equal(describeArgValue('read', 0, 3n), undefined, 'no family for read');
});

test('parseArgExpression takes numbers in every base, names and unions', () => {
  assert.equal(parseArgExpression('CLONE_NEWUSER|SIGCHLD', { syscall: 'clone', index: 0 }), 0x10000011n);
  assert.equal(parseArgExpression('AF_NETLINK', { syscall: 'socket', index: 0 }), 16n);
  assert.equal(parseArgExpression('af_vsock'), 40n, 'case-insensitive');
  assert.equal(parseArgExpression('AF_DECnet'), 12n);
  assert.equal(parseArgExpression('PF_INET6'), 10n);
  assert.equal(parseArgExpression('0x7e020000'), 0x7e020000n);
  assert.equal(parseArgExpression('0o755'), 493n);
  assert.equal(parseArgExpression('0b101'), 5n);
  assert.equal(parseArgExpression('2114060288'), 0x7e020000n);
  assert.equal(parseArgExpression(' O_RDWR | O_CREAT | 0o2000000 ', { syscall: 'openat', index: 2 }), 0o2000102n);
  assert.equal(parseArgExpression('-1'), (1n << 64n) - 1n, "negative values are two's complement");
  assert.equal(parseArgExpression('-100'), (1n << 64n) - 100n);
  assert.equal(parseArgExpression('18446744073709551615'), (1n << 64n) - 1n);
  assert.equal(parseArgExpression('NETLINK_AUDIT', { syscall: 'socket', index: 2 }), 9n);
  assert.equal(parseArgExpression('IPPROTO_TCP', { syscall: 'socket', index: 2 }), 6n);
  assert.equal(parseArgExpression('42', { syscall: 'read', index: 0 }), 42n);
});

function rejects(text: string, ctx: Parameters<typeof parseArgExpression>[1], pattern: RegExp, hint?: RegExp): void {
  assert.throws(
    () => parseArgExpression(text, ctx),
    (e: unknown) => {
      assert.ok(e instanceof ClawfenceError);
      assert.equal(e.code, 'bad-input');
      assert.match(e.message, pattern);
      if (hint !== undefined) assert.match(e.hint ?? '', hint);
      return true;
    },
  );
}

test('parseArgExpression refuses what it cannot read, with a suggestion', () => {
  rejects('AF_NETLNK', { syscall: 'socket', index: 0 }, /unknown constant 'AF_NETLNK' for socket argument 0/, /did you mean 'AF_NETLINK'/);
  rejects('CLONE_NEWUSR|SIGCHLD', { syscall: 'clone', index: 0 }, /unknown constant/, /CLONE_NEWUSER/);
  rejects('SIGCHILD', undefined, /unknown constant/, /SIGCHLD/);
  rejects('CLONE_NEWUSER', { syscall: 'socket', index: 0 }, /clone flags.*address family/, /AF_/);
  rejects('0755', undefined, /ambiguous/, /0o755/);
  rejects('A||B', undefined, /empty term/);
  rejects('', undefined, /empty term/);
  rejects('18446744073709551616', undefined, /64 bits/);
  rejects('0x1ffffffffffffffff', undefined, /64 bits/);
  rejects('12abc', undefined, /unknown constant/);
});

test('every named argument resolves to a family with a title', () => {
  assert.equal(argFamily('socket', 0)?.id, 'address-family');
  assert.equal(argFamily('setns', 1)?.id, 'namespace');
  assert.equal(argFamily('socket', 5), undefined);
  for (const id of FAMILY_IDS) assert.ok(familyConstants(id).length > 0, id);
});

test('describe then parse gives the value back (clone flags, open flags, address families)', () => {
  const cloneBits = [0x100n, 0x200n, 0x400n, 0x800n, 0x1000n, 0x20000n, 0x10000000n, 0x40000000n, 0x80000000n, 0x100000000n];
  fc.assert(
    fc.property(fc.subarray(cloneBits), fc.integer({ min: 0, max: 31 }), (bits, sig) => {
      const v = bits.reduce((a, x) => a | x, 0n) | BigInt(sig);
      const d = describeArgValue('clone', 0, v);
      if (v === 0n) return d === undefined;
      return d !== undefined && parseArgExpression(d, { syscall: 'clone', index: 0 }) === v;
    }),
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 45 }),
      (af) => parseArgExpression(describeArgValue('socket', 0, BigInt(af)) ?? '?', { syscall: 'socket', index: 0 }) === BigInt(af),
    ),
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 }),
      fc.subarray([0o100n, 0o200n, 0o1000n, 0o2000n, 0o4000n, 0o200000n, 0o400000n, 0o2000000n, 0o10000000n]),
      (mode, flags) => {
        const v = flags.reduce((a, x) => a | x, BigInt(mode));
        return parseArgExpression(describeArgValue('openat', 2, v) ?? '?', { syscall: 'openat', index: 2 }) === v;
      },
    ),
  );
});
