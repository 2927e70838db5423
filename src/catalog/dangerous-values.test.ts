// The dangerous-values catalog: every shipped entry parses with its constants and conditions, and
// the matcher reads `mask` (socket's type without its flags) and `when` (the other arguments of the
// same call) as documented; a damaged entry is a one-line error naming $.entries[i].

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dangerousValues, matchDangerous, matchDangerousTuple, parseDangerousValues } from './dangerous-values.js';

const entry = (o: Record<string, unknown>) =>
  JSON.stringify({ entries: [{ syscall: 'socket', index: 2, kind: 'equal', value: 'NETLINK_AUDIT', reason: 'r', sources: ['s'], ...o }] });

describe('dangerous argument values', () => {
  it('loads the shipped catalog, every entry with a reason and sources', () => {
    const all = dangerousValues();
    assert.ok(all.length >= 30);
    for (const d of all) assert.ok(d.reason.length > 10 && d.sources.length > 0, `${d.syscall} ${d.name}`);
    const nf = all.find((d) => d.name === 'NETLINK_NETFILTER');
    assert.deepEqual(nf?.when, [{ index: 0, value: 16n, name: 'AF_NETLINK' }]);
  });

  it('matches a conditioned entry only with its context, and a masked one whatever the flags', () => {
    assert.deepEqual(matchDangerous('socket', 2, 12n), [], 'a protocol alone says nothing');
    assert.equal(matchDangerous('socket', 2, 12n, new Map([[0, 16n]]))[0]?.name, 'NETLINK_NETFILTER');
    assert.deepEqual(matchDangerous('socket', 2, 12n, new Map([[0, 2n]])), [], 'protocol 12 of AF_INET is not netfilter');
    assert.equal(matchDangerousTuple('socket', [0, 1, 2], [2n, 3n | 0o2000000n, 1n])[0]?.name, 'SOCK_RAW', 'SOCK_RAW|SOCK_CLOEXEC is still raw');
    assert.deepEqual(matchDangerousTuple('socket', [0, 1, 2], [1n, 3n, 0n]), [], 'AF_UNIX has no raw type to fear');
    assert.equal(matchDangerousTuple('setsockopt', [1, 2], [0n, 64n])[0]?.name, 'IPT_SO_SET_REPLACE');
    assert.deepEqual(matchDangerousTuple('setsockopt', [1, 2], [1n, 64n]), [], 'option 64 of SOL_SOCKET is not iptables');
    assert.equal(matchDangerous('socket', 0, 17n)[0]?.name, 'AF_PACKET', 'an unconditioned entry needs no context');
  });

  it('refuses a damaged entry in one line naming it', () => {
    assert.equal(parseDangerousValues(entry({ when: [{ index: 0, value: 'AF_NETLINK' }] }))[0]?.when[0]?.value, 16n);
    assert.throws(
      () => parseDangerousValues(entry({ when: [{ index: 2, value: 'AF_NETLINK' }] })),
      /\$\.entries\[0\]: a when condition names another argument/,
    );
    assert.throws(() => parseDangerousValues(entry({ when: 'AF_NETLINK' })), /\$\.entries\[0\]: when must list/);
    assert.throws(() => parseDangerousValues(entry({ when: [{ index: 0, value: 'AF_NOPE' }] })), /unknown constant 'AF_NOPE'/);
    assert.throws(() => parseDangerousValues(entry({ kind: 'mask', mask: '0xf' })), /\$\.entries\[0\]: mask is a constant expression, for kind 'equal' only/);
    assert.throws(() => parseDangerousValues(entry({ index: 1, value: 'SOCK_RAW|SOCK_CLOEXEC', mask: '0xf' })), /value has bits outside its mask/);
    assert.throws(() => parseDangerousValues(entry({ sources: [] })), /every entry names its sources/);
  });
});
