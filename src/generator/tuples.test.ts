// Argument rules from recorded combinations: socket narrowed to the (family, type) pairs it used —
// SOCK_NONBLOCK/SOCK_CLOEXEC free, the protocol kept only for netlink and raw sockets —, setsockopt
// to the (level, option) pairs; a dangerous combination (NETLINK_NETFILTER, a raw IP socket,
// IPT_SO_SET_REPLACE) refused unless justified; footprints without combinations fall back to the
// family alone, and a multiplexing ABI (x86's socketcall) keeps only what libseccomp can check.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from '../evaluator/evaluate.js';
import type { Footprint } from '../footprint/model.js';
import type { Profile } from '../profile/model.js';
import { resolveProfile } from '../profile/resolve.js';
import { widerThanDefault } from '../diff/doors.js';
import type { Arch } from '../syscalls/arch.js';
import { generateProfile } from './generate.js';
import { parseJustification } from './justify.js';
import { mergeFootprints } from './merge.js';
import { recording, RUNC_AFTER_FILTER } from '../../test/support/test-footprints.js';

const AF_UNIX = 1n,
  AF_INET = 2n,
  AF_INET6 = 10n,
  AF_NETLINK = 16n;
const SOCK_STREAM = 1n,
  SOCK_DGRAM = 2n,
  SOCK_RAW = 3n,
  SOCK_NONBLOCK = 0o4000n,
  SOCK_CLOEXEC = 0o2000000n;
const IPPROTO_ICMP = 1n,
  IPPROTO_TCP = 6n,
  IPPROTO_UDP = 17n;
const NETLINK_ROUTE = 0n,
  NETLINK_AUDIT = 9n,
  NETLINK_NETFILTER = 12n;
const SOL_IP = 0n,
  SOL_SOCKET = 1n,
  SOL_TCP = 6n;
const SO_REUSEADDR = 2n,
  SO_KEEPALIVE = 9n,
  TCP_NODELAY = 1n,
  TCP_ULP = 31n,
  IPT_SO_SET_REPLACE = 64n;

function tool(abi: Arch = 'x86_64', extra: { socket?: bigint[][]; setsockopt?: bigint[][] } = {}): Footprint {
  return recording({
    workload: 'serve',
    abi,
    runtime: abi === 'x86_64' ? RUNC_AFTER_FILTER : [],
    tool: ['read', 'write', 'close', 'exit_group', 'socket', 'socketpair', 'setsockopt'],
    tuples: {
      socket: {
        indices: [0, 1, 2],
        values: [
          [AF_INET, SOCK_STREAM, 0n],
          [AF_INET6, SOCK_DGRAM, IPPROTO_UDP],
          [AF_UNIX, SOCK_STREAM, 0n],
          [AF_NETLINK, SOCK_RAW, NETLINK_ROUTE],
          ...(extra.socket ?? []),
        ],
      },
      socketpair: { indices: [0, 1], values: [[AF_UNIX, SOCK_STREAM]] },
      setsockopt: { indices: [1, 2], values: [[SOL_SOCKET, SO_REUSEADDR], [SOL_TCP, TCP_NODELAY], ...(extra.setsockopt ?? [])] },
    },
  });
}

function allowed(p: Profile, name: string, abi: Arch, ...args: bigint[]): boolean {
  const cp = resolveProfile(p, { native: 'x86_64', caps: [] });
  const a = decide(cp, abi, name, [...args, 0n, 0n, 0n, 0n, 0n, 0n].slice(0, 6)).action;
  return a === 'allow' || a === 'log';
}

describe('argument rules from recorded combinations', () => {
  const r = generateProfile([tool()]);
  const ok = (name: string, ...args: bigint[]) => allowed(r.profile, name, 'x86_64', ...args);

  it('allows socket for exactly the recorded family and type pairs, whatever SOCK_NONBLOCK/SOCK_CLOEXEC say', () => {
    assert.ok(ok('socket', AF_INET, SOCK_STREAM, 0n));
    assert.ok(ok('socket', AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0n), 'the type flags are free');
    assert.ok(ok('socket', AF_INET, SOCK_STREAM, IPPROTO_TCP), 'an inet socket’s protocol is free: 0 and IPPROTO_TCP are one socket');
    assert.ok(ok('socket', AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0n));
    assert.equal(ok('socket', AF_INET, SOCK_DGRAM, 0n), false, 'UDP over IPv4 was never recorded');
    assert.equal(ok('socket', AF_INET6, SOCK_STREAM, 0n), false, 'TCP over IPv6 was never recorded');
    assert.equal(ok('socket', AF_UNIX, SOCK_DGRAM, 0n), false);
    assert.equal(ok('socket', AF_INET, SOCK_RAW, IPPROTO_ICMP), false, 'no raw socket');
  });

  it('keeps the protocol where it picks the kernel subsystem: netlink', () => {
    assert.ok(ok('socket', AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    assert.equal(ok('socket', AF_NETLINK, SOCK_RAW, NETLINK_AUDIT), false);
    assert.equal(ok('socket', AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER), false);
    assert.equal(ok('socket', AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE), false);
  });

  it('allows socketpair and setsockopt for the recorded pairs only', () => {
    assert.ok(ok('socketpair', AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC));
    assert.equal(ok('socketpair', AF_UNIX, SOCK_DGRAM), false);
    assert.ok(ok('setsockopt', 3n, SOL_SOCKET, SO_REUSEADDR) && ok('setsockopt', 3n, SOL_TCP, TCP_NODELAY));
    assert.equal(ok('setsockopt', 3n, SOL_SOCKET, SO_KEEPALIVE), false);
    assert.equal(ok('setsockopt', 3n, SOL_IP, IPT_SO_SET_REPLACE), false);
  });

  it('names every part of each rule in its comment and in the summary', () => {
    const comments = r.profile.syscalls.filter((x) => x.names[0] === 'socket').map((x) => x.comment ?? '');
    assert.ok(
      comments.some((c) => /arg0,1,2 \(family, type, protocol\) = AF_NETLINK \(16\), SOCK_RAW \(3\), NETLINK_ROUTE \(0\), 3 calls recorded$/.test(c)),
      comments.join('\n'),
    );
    assert.ok(
      comments.some((c) => /= AF_INET \(2\), SOCK_STREAM \(1\), 3 calls recorded$/.test(c)),
      'the protocol left free is not named',
    );
    assert.match(r.stats.args.narrowed.join('\n'), /setsockopt: SOL_SOCKET \(1\)\/SO_REUSEADDR \(2\), SOL_TCP \(6\)\/TCP_NODELAY \(1\)/);
    assert.deepEqual(r.stats.warnings, []);
    assert.deepEqual(widerThanDefault(r.profile, { native: 'x86_64' }), []);
  });

  it('refuses a dangerous combination, naming the whole call, and lets exactly a justified one through', () => {
    const hostile = tool('x86_64', {
      socket: [
        [AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER],
        [AF_INET, SOCK_RAW, IPPROTO_ICMP],
      ],
      setsockopt: [
        [SOL_IP, IPT_SO_SET_REPLACE],
        [SOL_TCP, TCP_ULP],
      ],
    });
    const h = generateProfile([hostile]);
    const refused = h.refusals.map((x) => `${x.syscall}(${x.value?.call ?? ''}) arg${x.value?.index ?? -1}`).sort();
    assert.deepEqual(refused, [
      'setsockopt(SOL_IP (0), IPT_SO_SET_REPLACE (64)) arg2',
      'setsockopt(SOL_TCP (6), TCP_ULP (31)) arg2',
      'socket(AF_INET (2), SOCK_RAW (3), IPPROTO_ICMP (1)) arg1',
      'socket(AF_NETLINK (16), SOCK_RAW (3), NETLINK_NETFILTER (12)) arg2',
    ]);
    assert.match(
      h.stats.refused.join('\n'),
      /denied socket with arg2 = NETLINK_NETFILTER \(12\) \(recorded as socket\(AF_NETLINK \(16\), SOCK_RAW \(3\), NETLINK_NETFILTER \(12\)\)\): 3 calls/,
    );
    const hok = (name: string, ...args: bigint[]) => allowed(h.profile, name, 'x86_64', ...args);
    assert.equal(hok('socket', AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER), false);
    assert.equal(hok('socket', AF_INET, SOCK_RAW, IPPROTO_ICMP), false);
    assert.equal(hok('setsockopt', 3n, SOL_IP, IPT_SO_SET_REPLACE), false);
    assert.ok(hok('socket', AF_INET, SOCK_STREAM, 0n) && hok('setsockopt', 3n, SOL_TCP, TCP_NODELAY), 'the honest work stays');

    const js = [parseJustification('socket=NETLINK_NETFILTER:nft lists the ruleset'), parseJustification('setsockopt=TCP_ULP:kernel TLS offload')];
    assert.equal(js[0]?.value?.index, 2, 'a netlink protocol names socket’s arg2');
    const j = generateProfile([hostile], { justifications: js });
    const jok = (name: string, ...args: bigint[]) => allowed(j.profile, name, 'x86_64', ...args);
    assert.ok(jok('socket', AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER) && jok('setsockopt', 3n, SOL_TCP, TCP_ULP));
    assert.equal(jok('socket', AF_NETLINK, SOCK_DGRAM, NETLINK_NETFILTER), false, 'exactly the recorded combination');
    assert.equal(jok('socket', AF_INET, SOCK_RAW, IPPROTO_ICMP), false, 'not justified: still denied');
    assert.ok(
      j.profile.syscalls.some(
        (x) => x.names[0] === 'socket' && /NETLINK_NETFILTER \(12\), 3 calls recorded; justified: nft lists the ruleset$/.test(x.comment ?? ''),
      ),
    );
    assert.deepEqual(j.refusals.map((x) => x.value?.label).sort(), ['IPT_SO_SET_REPLACE (64)', 'SOCK_RAW (3)']);
  });

  it('reads the argument of a justified value from its constants, or as written', () => {
    assert.equal(parseJustification('socket=AF_PACKET:x').value?.index, 0);
    assert.equal(parseJustification('socket=SOCK_RAW:x').value?.index, 1);
    assert.equal(parseJustification('setsockopt=SOL_IP:x').value?.index, 1);
    assert.equal(parseJustification('setsockopt=IPT_SO_SET_REPLACE:x').value?.index, 2);
    assert.deepEqual(parseJustification('socket[2]=9:audit').value, { index: 2, value: 9n, text: '9' });
    assert.throws(() => parseJustification('socket[2]:x'), /an argument index needs a value/);
    assert.throws(() => parseJustification('socket=AF_NOPE:x'), /unknown constant 'AF_NOPE'/);
  });

  it('narrows socket by family alone at --args none, and with a footprint recorded before combinations', () => {
    const none = generateProfile([tool()], { args: 'none' });
    assert.ok(allowed(none.profile, 'socket', 'x86_64', AF_INET, SOCK_DGRAM, 0n), 'level none: the family only');
    assert.equal(allowed(none.profile, 'socket', 'x86_64', 40n, SOCK_STREAM, 0n), false);
    assert.ok(allowed(none.profile, 'setsockopt', 'x86_64', 3n, SOL_SOCKET, SO_KEEPALIVE), 'level none: setsockopt name-only');

    const old = tool();
    for (const u of Object.values(old.syscalls.x86_64 ?? {})) delete u.argTuples;
    const o = generateProfile([old]);
    assert.ok(allowed(o.profile, 'socket', 'x86_64', AF_INET, SOCK_DGRAM, 0n));
    assert.equal(allowed(o.profile, 'socket', 'x86_64', 40n, SOCK_STREAM, 0n), false);
    assert.ok(
      o.stats.warnings.some((w) => /^socket: the recording has values but not combinations of its family, type, protocol, so only arg0 is narrowed/.test(w)),
    );
  });

  it('keeps only what libseccomp can check when x86 multiplexes the socket calls', () => {
    const x = generateProfile([mergeFootprints([tool('x86'), tool()])]);
    assert.deepEqual(x.profile.architectures, ['x86_64', 'x86']);
    // socketcall(SYS_SOCKET, args): arg1 is a pointer; a type condition there would deny at random.
    assert.ok(allowed(x.profile, 'socketcall', 'x86', 1n, 0xffd0n));
    assert.ok(allowed(x.profile, 'socketcall', 'x86', 14n, 0xffd0n), 'setsockopt through socketcall');
    assert.equal(allowed(x.profile, 'socket', 'x86_64', 40n, SOCK_STREAM, 0n), false, 'the family is still narrowed');
    assert.ok(x.profile.syscalls.some((s) => s.names[0] === 'setsockopt' && /not narrowed: x86 multiplexes it through socketcall/.test(s.comment ?? '')));
  });

  it('merges combinations: counts add up, the union is kept, the order of the inputs does not matter', () => {
    const a = tool();
    const b = recording({
      workload: 'other',
      tool: ['socket'],
      tuples: {
        socket: {
          indices: [0, 1, 2],
          values: [
            [AF_INET, SOCK_STREAM, 0n],
            [AF_INET, SOCK_DGRAM, 0n],
          ],
        },
      },
    });
    const m = mergeFootprints([a, b]);
    assert.deepEqual(mergeFootprints([b, a]).syscalls.x86_64?.['socket']?.argTuples, m.syscalls.x86_64?.['socket']?.argTuples);
    const t = m.syscalls.x86_64?.['socket']?.argTuples?.[0];
    assert.deepEqual(t?.indices, [0, 1, 2]);
    assert.deepEqual(
      t?.values.map((v) => `${v.value.join('/')}×${v.count}`),
      ['1/1/0×3', '2/1/0×6', '2/2/0×3', '10/2/17×3', '16/3/0×3'],
    );
  });
});
