// Each audit check on small profiles written for it: what it must report, and what it must not.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClawfenceError } from '../errors.js';
import { parseFootprint } from '../footprint/parse.js';
import type { Footprint } from '../footprint/model.js';
import { decide } from '../evaluator/evaluate.js';
import { parseDockerProfile } from '../formats/docker.js';
import type { Profile } from '../profile/model.js';
import { resolveProfile } from '../profile/resolve.js';
import { auditProfile } from './audit.js';
import { checkAbis } from './checks/abi.js';
import type { AuditContext } from './context.js';
import { failOn, parseSeverity } from './fail-on.js';
import type { Finding } from './model.js';
import { computeSurface, indexRules, type AbiSurface, type SyscallPermission } from '../evaluator/surface.js';

const BASE = ['read', 'write', 'exit_group'];
const CLONE_NEWUSER = 0x10000000;
const NS_MASK = 0x7e020000; // the seven CLONE_NEW* flags clone accepts

function profile(p: Record<string, unknown>): Profile {
  const r = parseDockerProfile(JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], ...p }));
  assert.ok(r.ok, JSON.stringify(r.issues));
  return r.value;
}

const allow = (names: string[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({ names, action: 'SCMP_ACT_ALLOW', ...extra });
const masked = (index: number, mask: number, datum = 0): Record<string, unknown> => ({ index, value: mask, valueTwo: datum, op: 'SCMP_CMP_MASKED_EQ' });

function audit(p: Profile, against?: Footprint): Finding[] {
  return auditProfile(p, { native: 'x86_64', caps: [], ...(against === undefined ? {} : { against }) }).findings;
}

function ids(fs: Finding[]): string[] {
  return fs.map((f) => f.id).filter((id) => id !== 'CF040');
}

describe('default action', () => {
  const cases: [string, string, string][] = [
    ['SCMP_ACT_ALLOW', 'CF001', 'critical'],
    ['SCMP_ACT_LOG', 'CF002', 'high'],
    ['SCMP_ACT_KILL_PROCESS', 'CF003', 'info'],
    ['SCMP_ACT_TRAP', 'CF003', 'info'],
  ];
  for (const [action, id, severity] of cases) {
    it(`${action} gives ${id} (${severity})`, () => {
      const f = audit(
        profile({ defaultAction: action, syscalls: [{ names: ['read'], action: action === 'SCMP_ACT_ALLOW' ? 'SCMP_ACT_ERRNO' : 'SCMP_ACT_ALLOW' }] }),
      ).find((x) => x.category === 'default-action');
      assert.equal(f?.id, id);
      assert.equal(f?.severity, severity);
      assert.equal(f?.path, '$.defaultAction');
    });
  }

  it('allow-by-default reports the dangerous syscalls it lets through', () => {
    const r = auditProfile(profile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['ptrace'], action: 'SCMP_ACT_ERRNO' }] }), { native: 'x86_64' });
    assert.ok(r.summary.dangerous['namespace-escape'].includes('mount'));
    assert.ok(!r.summary.dangerous.introspection.includes('ptrace'));
    assert.equal(r.counts.x86_64?.allowed, 384);
  });
});

describe('dangerous syscalls', () => {
  it('reports an allowed catalog syscall with its category, severity and the allowing rule', () => {
    const fs = audit(profile({ syscalls: [allow([...BASE, 'bpf', 'syslog'])] }));
    const bpf = fs.find((f) => f.syscall === 'bpf');
    assert.equal(bpf?.id, 'CF010');
    assert.equal(bpf?.category, 'kernel-attack-surface');
    assert.equal(bpf?.severity, 'high');
    assert.equal(bpf?.path, '$.syscalls[0].names[3]');
    assert.equal(fs.find((f) => f.syscall === 'syslog')?.severity, 'medium');
  });

  it('says when a dangerous syscall is allowed only for some arguments', () => {
    const fs = audit(profile({ syscalls: [allow(BASE), allow(['ptrace'], { args: [{ index: 0, value: 0, op: 'SCMP_CMP_EQ' }] })] }));
    assert.match(fs.find((f) => f.syscall === 'ptrace')?.message ?? '', /allowed for some arguments/);
  });
});

describe('clone, clone3 and unshare', () => {
  const cloneRule = allow(['clone'], { args: [masked(0, NS_MASK)] });

  it('clone restricted by MASKED_EQ and clone3 answered with ENOSYS: nothing to report', () => {
    const fs = audit(profile({ syscalls: [allow(BASE), cloneRule, { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }] }));
    assert.deepEqual(
      fs.filter((f) => f.syscall === 'clone' || f.syscall === 'clone3'),
      [],
    );
  });

  it('clone restricted but clone3 allowed: CF012 (the restriction is bypassed)', () => {
    const fs = audit(profile({ syscalls: [allow([...BASE, 'clone3']), cloneRule] }));
    const f = fs.find((x) => x.syscall === 'clone3');
    assert.equal(f?.id, 'CF012');
    assert.equal(f?.severity, 'high');
    assert.equal(fs.filter((x) => x.syscall === 'clone').length, 0);
  });

  it('clone allowed but clone3 denied with EPERM: CF013 (glibc does not fall back)', () => {
    // faccessat2 (439) is named so that clone3 (435) is not above every named syscall, where
    // runc's stub would answer ENOSYS before the filter runs.
    const fs = audit(profile({ syscalls: [allow([...BASE, 'faccessat2']), cloneRule] }));
    const f = fs.find((x) => x.syscall === 'clone3');
    assert.equal(f?.id, 'CF013');
    assert.equal(f?.category, 'compatibility');
    assert.match(f?.message ?? '', /errno 1\b/);
  });

  it("clone3 above every named syscall gets runc's ENOSYS stub: no CF013", () => {
    const fs = audit(profile({ syscalls: [allow(BASE), cloneRule] }));
    assert.equal(fs.filter((x) => x.syscall === 'clone3').length, 0);
  });

  it('no clone at all: clone3 denied is not a compatibility problem', () => {
    assert.deepEqual(ids(audit(profile({ syscalls: [allow(BASE)] }))), []);
  });

  it('unrestricted clone and clone3: CF011 for both', () => {
    const fs = audit(profile({ syscalls: [allow([...BASE, 'clone', 'clone3'])] }));
    assert.deepEqual(
      fs
        .filter((f) => f.id === 'CF011')
        .map((f) => f.syscall)
        .sort(),
      ['clone', 'clone3'],
    );
    assert.match(fs.find((f) => f.syscall === 'clone')?.message ?? '', /every namespace flag/);
  });

  it('a mask that leaves out CLONE_NEWUSER names exactly that flag', () => {
    const fs = audit(
      profile({
        syscalls: [
          allow(BASE),
          allow(['clone'], { args: [masked(0, NS_MASK & ~CLONE_NEWUSER)] }),
          { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
        ],
      }),
    );
    const f = fs.find((x) => x.syscall === 'clone');
    assert.equal(f?.id, 'CF011');
    assert.match(f?.message ?? '', /with CLONE_NEWUSER:/);
    // And the evaluator agrees on the two sides of it.
    const cp = resolveProfile(profile({ syscalls: [allow(['clone'], { args: [masked(0, NS_MASK & ~CLONE_NEWUSER)] })] }), { native: 'x86_64', caps: [] });
    assert.equal(decide(cp, 'x86_64', 'clone', [BigInt(CLONE_NEWUSER | 17)]).action, 'allow');
    assert.equal(decide(cp, 'x86_64', 'clone', [0x20000n | 17n]).action, 'errno');
  });

  it('unshare allowed only for non-namespace flags is fine; with CLONE_NEWNET it is reported', () => {
    const safe = audit(profile({ syscalls: [allow(BASE), allow(['unshare'], { args: [masked(0, NS_MASK | 0x80)] })] }));
    assert.deepEqual(
      safe.filter((f) => f.syscall === 'unshare'),
      [],
    );
    const open = audit(profile({ syscalls: [allow(BASE), allow(['unshare'], { args: [masked(0, (NS_MASK | 0x80) & ~0x40000000)] })] }));
    assert.match(open.find((f) => f.syscall === 'unshare')?.message ?? '', /with CLONE_NEWNET:/);
    // CLONE_NEWTIME (0x80) is a namespace flag for unshare: a mask without it lets it through.
    const time = audit(profile({ syscalls: [allow(BASE), allow(['unshare'], { args: [masked(0, NS_MASK)] })] }));
    assert.match(time.find((f) => f.syscall === 'unshare')?.message ?? '', /with CLONE_NEWTIME:/);
  });
});

describe('ABIs', () => {
  const both = { architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'] };

  it('a loaded x86 ABI that allows syscalls is CF020; unlisted ABIs are not reported', () => {
    const fs = audit(profile({ ...both, syscalls: [allow(BASE)] }));
    const f = fs.find((x) => x.id === 'CF020');
    assert.equal(f?.abi, 'x86');
    assert.equal(f?.path, '$.architectures[1]');
    assert.deepEqual(ids(audit(profile({ syscalls: [allow(BASE)] }))), []);
  });

  it('socketcall allowed while socket is restricted by arguments: CF021 on x86, naming socket', () => {
    const others = [
      'bind',
      'connect',
      'listen',
      'accept',
      'accept4',
      'getsockname',
      'getpeername',
      'socketpair',
      'sendto',
      'recvfrom',
      'shutdown',
      'setsockopt',
      'getsockopt',
      'sendmsg',
      'recvmsg',
      'recvmmsg',
      'sendmmsg',
    ];
    const fs = audit(
      profile({ ...both, syscalls: [allow([...BASE, 'socketcall', ...others]), allow(['socket'], { args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] })] }),
    );
    const f = fs.find((x) => x.id === 'CF021');
    assert.equal(f?.abi, 'x86');
    assert.match(f?.message ?? '', /rules for socket:/);
  });

  it('socketcall allowed while the socket calls are denied: CF021 names them all', () => {
    const fs = audit(profile({ ...both, syscalls: [allow([...BASE, 'socketcall'])] }));
    assert.match(fs.find((x) => x.id === 'CF021')?.message ?? '', /rules for socket, bind, connect, /);
  });

  it('a socket rule alone opens socketcall(SYS_SOCKET) on x86, without its argument condition', () => {
    // libseccomp lands the socket rule on socketcall with arg0 forced to SYS_SOCKET (1).
    const p = profile({ ...both, syscalls: [allow([...BASE, 'faccessat2']), allow(['socket'], { args: [{ index: 0, value: 2, op: 'SCMP_CMP_EQ' }] })] });
    const r = auditProfile(p, { native: 'x86_64', caps: [] });
    const s = computeSurface(resolveProfile(p, { native: 'x86_64', caps: [] })).get('x86');
    assert.equal(s?.syscalls.get('socketcall')?.permission, 'conditional');
    const f = r.findings.find((x) => x.id === 'CF021');
    assert.match(f?.message ?? '', /rules for socket:/);
  });

  it('socketcall allowed while every socket call is allowed: no CF021', () => {
    const members = [
      'socket',
      'bind',
      'connect',
      'listen',
      'accept',
      'accept4',
      'getsockname',
      'getpeername',
      'socketpair',
      'sendto',
      'recvfrom',
      'shutdown',
      'setsockopt',
      'getsockopt',
      'sendmsg',
      'recvmsg',
      'recvmmsg',
      'sendmmsg',
    ];
    const fs = audit(profile({ ...both, syscalls: [allow([...BASE, 'socketcall', ...members])] }));
    assert.equal(fs.filter((x) => x.id === 'CF021').length, 0);
  });

  it('a compat ABI allowing more than the native one is CF022 (from the surface)', () => {
    // The two ABIs only differ through the evaluator's per-ABI semantics, so the surface is
    // written out here: read allowed on x86 but denied on x86_64.
    const p = profile({ ...both, syscalls: [allow(BASE)] });
    const cp = resolveProfile(p, { native: 'x86_64', caps: [] });
    const d = decide(cp, 'x86_64', 'read');
    const one = (permission: SyscallPermission['permission']): AbiSurface['syscalls'] => new Map([['read', { permission, decision: d, args: [] }]]);
    const surface = new Map<AbiSurface['abi'], AbiSurface>([
      ['x86_64', { abi: 'x86_64', syscalls: one('denied'), allowed: [], conditional: [] }],
      ['x86', { abi: 'x86', syscalls: one('allowed'), allowed: ['read'], conditional: [] }],
    ]);
    const ctx: AuditContext = { profile: p, cp, native: 'x86_64', index: indexRules(cp), surface, footprint: undefined };
    const f = checkAbis(ctx).find((x) => x.id === 'CF022');
    assert.equal(f?.syscall, 'read');
    assert.equal(f?.abi, 'x86');
  });
});

describe('rules that never match or change nothing', () => {
  it('an ERRNO rule after an unconditional ALLOW for the same syscall is shadowed (CF030, medium)', () => {
    const p = profile({ syscalls: [allow([...BASE, 'getpid']), { names: ['getpid'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] });
    const f = audit(p).find((x) => x.id === 'CF030');
    assert.equal(f?.rule, 1);
    assert.equal(f?.path, '$.syscalls[1].names[0]');
    assert.equal(f?.severity, 'medium');
    // The evaluator agrees: ALLOW decides, and it names rule 1 as shadowed.
    const d = decide(resolveProfile(p, { native: 'x86_64', caps: [] }), 'x86_64', 'getpid');
    assert.equal(d.action, 'allow');
    assert.deepEqual(
      d.considered.map((c) => [c.rule, c.status]),
      [[1, 'shadowed']],
    );
  });

  it('a repeated ALLOW is shadowed too, but only low', () => {
    const f = audit(profile({ syscalls: [allow(BASE), allow(['read'])] })).find((x) => x.id === 'CF030');
    assert.equal(f?.severity, 'low');
  });

  it('an argument rule followed by an unconditional rule for the same syscall is overridden (CF031)', () => {
    const p = profile({
      syscalls: [
        allow(BASE),
        { names: ['getpid'], action: 'SCMP_ACT_ERRNO', errnoRet: 13, args: [{ index: 0, value: 5, op: 'SCMP_CMP_EQ' }] },
        allow(['getpid']),
      ],
    });
    const f = audit(p).find((x) => x.id === 'CF031');
    assert.equal(f?.rule, 1);
    assert.equal(f?.severity, 'medium');
    const d = decide(resolveProfile(p, { native: 'x86_64', caps: [] }), 'x86_64', 'getpid', [5n]);
    assert.equal(d.action, 'allow');
    assert.equal(d.rule, 2);
  });

  it('a rule with the default action changes nothing (CF033) and shadows nothing', () => {
    const fs = audit(profile({ syscalls: [{ names: ['getpid'], action: 'SCMP_ACT_ERRNO' }, allow([...BASE, 'getpid'])] }));
    assert.deepEqual(ids(fs), ['CF033']);
    assert.equal(fs.find((f) => f.id === 'CF033')?.path, '$.syscalls[0].action');
  });

  it('ERRNO with another errno than the default is a real rule', () => {
    assert.deepEqual(ids(audit(profile({ syscalls: [allow(BASE), { names: ['getpid'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }] }))), []);
  });

  it('two rules comparing the same values with different actions make runc refuse the profile (CF034)', () => {
    const eq1 = { args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] };
    const fs = audit(profile({ syscalls: [allow(BASE), allow(['socket'], eq1), { names: ['socket'], action: 'SCMP_ACT_ERRNO', errnoRet: 13, ...eq1 }] }));
    const f = fs.find((x) => x.id === 'CF034');
    assert.equal(f?.rule, 2);
    assert.equal(f?.severity, 'high');
    assert.equal(f?.path, '$.syscalls[2].names[0]');
  });

  it('a name that exists on none of the listed ABIs is CF032', () => {
    const fs = audit(profile({ syscalls: [allow([...BASE, 'arm_fadvise64_64'])] }));
    const f = fs.find((x) => x.id === 'CF032');
    assert.equal(f?.syscall, 'arm_fadvise64_64');
    assert.equal(f?.path, '$.syscalls[0].names[3]');
  });

  it('a name limited by includes.arches to a host whose ABI has it is not CF032', () => {
    assert.deepEqual(ids(audit(profile({ syscalls: [allow(BASE), allow(['arm_fadvise64_64'], { includes: { arches: ['arm'] } })] }))), []);
  });
});

describe('--against a footprint', () => {
  const fp = (o: Record<string, unknown>): Footprint => {
    const r = parseFootprint(JSON.stringify({ schemaVersion: 1, ...o }));
    assert.ok(r.ok, JSON.stringify(r.issues));
    return r.value;
  };

  it('lists allowed syscalls never used: dangerous ones medium one by one, the rest low in one finding', () => {
    const p = profile({ syscalls: [allow([...BASE, 'getpid', 'ptrace'])] });
    const fs = audit(p, fp({ syscalls: { x86_64: { read: { count: 3 }, write: { count: 1 }, exit_group: { count: 1 }, getpid: { count: 0 } } } }));
    const dangerous = fs.filter((f) => f.id === 'CF050');
    assert.deepEqual(
      dangerous.map((f) => [f.syscall, f.severity]),
      [['ptrace', 'medium']],
    );
    const rest = fs.find((f) => f.id === 'CF051');
    assert.deepEqual(rest?.syscalls, ['getpid']);
    assert.equal(rest?.severity, 'low');
  });

  it('a compat ABI the footprint never used is reported as such; one it used is not', () => {
    const p = profile({ architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'], syscalls: [allow(BASE)] });
    const unused = audit(p, fp({ syscalls: { x86_64: { read: { count: 1 } } } })).find((f) => f.id === 'CF020');
    assert.match(unused?.message ?? '', /the footprint never used it/);
    const used = audit(p, fp({ syscalls: { x86_64: { read: { count: 1 } }, x86: { read: { count: 1 } } } }));
    assert.equal(used.filter((f) => f.id === 'CF020').length, 0);
  });

  it('refuses a footprint recorded on another CPU family', () => {
    const p = profile({ syscalls: [allow(BASE)] });
    assert.throws(
      () => audit(p, fp({ syscalls: { aarch64: { read: { count: 1 } } } })),
      (e: unknown) => e instanceof ClawfenceError && e.code === 'bad-input' && /--arch aarch64/.test(e.hint ?? ''),
    );
  });
});

describe('failOn and parseSeverity', () => {
  it('fails at or above the threshold only', () => {
    const r = auditProfile(profile({ syscalls: [allow([...BASE, 'syslog'])] }), { native: 'x86_64' });
    assert.equal(r.summary.highest, 'medium');
    assert.equal(failOn(r, 'medium'), true);
    assert.equal(failOn(r, 'high'), false);
    assert.equal(failOn(r, 'info'), true);
  });

  it('parses severities and refuses others with a hint', () => {
    assert.equal(parseSeverity('HIGH'), 'high');
    assert.throws(
      () => parseSeverity('severe'),
      (e: unknown) => e instanceof ClawfenceError && e.code === 'bad-input' && e.hint !== undefined,
    );
  });
});
