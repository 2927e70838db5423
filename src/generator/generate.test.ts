// generateProfile: deny by default, exactly the recorded syscalls on the native ABI (as the
// evaluator decides), unused ABIs killed, evidence on every rule, clone3, the default-action
// options, refusals, and byte-identical output for the same footprints in any order.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditProfile, severityRank } from '../audit/index.js';
import type { Footprint } from '../footprint/model.js';
import { decide } from '../evaluator/evaluate.js';
import { parseDockerProfile, printDockerProfile } from '../formats/docker.js';
import type { ConcreteProfile, Profile } from '../profile/model.js';
import { resolveProfile } from '../profile/resolve.js';
import { syscallsOf } from '../syscalls/table.js';
import { generateProfile, type GenerateOptions } from './generate.js';
import { describeStats } from './summary.js';
import {
  flaskFootprints,
  PYTHON_GET,
  PYTHON_POST,
  recording,
  reversedKeys,
  RUNC_AFTER_FILTER,
  RUNC_ALLOWANCE,
  shuffled,
} from '../../test/support/test-footprints.js';
import { refusal } from '../../test/support/refusal.js';

const ZEROS = [0n, 0n, 0n, 0n, 0n, 0n];

function concrete(p: Profile): ConcreteProfile {
  return resolveProfile(p, { native: 'x86_64', caps: [] });
}

function allows(cp: ConcreteProfile, abi: 'x86_64' | 'x86' | 'x32', name: string, args: readonly bigint[] = ZEROS): boolean {
  const a = decide(cp, abi, name, args).action;
  return a === 'allow' || a === 'log';
}

/** The names the fixtures recorded, computed from the fixture lists, not from the footprint code. */
const FLASK_RECORDED = new Set([...RUNC_AFTER_FILTER, ...PYTHON_GET, ...PYTHON_POST]);
/** The recording plus what runc may need unrecorded. */
const FLASK_ALLOWED = new Set([...FLASK_RECORDED, ...RUNC_ALLOWANCE]);

function ruleFor(p: Profile, name: string): Profile['syscalls'][number] {
  const r = p.syscalls.find((x) => x.names.includes(name));
  assert.ok(r !== undefined, `a rule names ${name}`);
  return r;
}

describe('generateProfile', () => {
  const flask = generateProfile(flaskFootprints());
  const cp = concrete(flask.profile);

  it('denies by default with EPERM and loads only the native ABI when nothing else was used', () => {
    assert.equal(flask.profile.defaultAction, 'errno');
    assert.equal(flask.profile.defaultErrnoRet, 1);
    assert.deepEqual(flask.profile.architectures, ['x86_64']);
    assert.deepEqual(flask.profile.archMap, []);
    assert.match(
      printDockerProfile(flask.profile),
      /^\{\n {2}"defaultAction": "SCMP_ACT_ERRNO",\n {2}"defaultErrnoRet": 1,\n {2}"architectures": \[\n {4}"SCMP_ARCH_X86_64"\n {2}\],/,
    );
  });

  it("allows exactly the recorded syscalls on the native ABI, and runc's allowance (every syscall asked)", () => {
    const wrong: string[] = [];
    // socket carries an argument rule: the fixtures' tool opened AF_INET sockets.
    for (const name of syscallsOf('x86_64')) {
      if (allows(cp, 'x86_64', name, name === 'socket' ? [2n, 1n, 0n, 0n, 0n, 0n] : ZEROS) !== FLASK_ALLOWED.has(name)) wrong.push(name);
    }
    assert.deepEqual(wrong, []);
    assert.equal(FLASK_ALLOWED.size, FLASK_RECORDED.size + 1, 'the fixture did not record rt_sigreturn');
    assert.deepEqual(flask.stats.runtimeAllowance, ['rt_sigreturn']);
    assert.match(ruleFor(flask.profile, 'rt_sigreturn').comment ?? '', /^rt_sigreturn — not recorded: allowed for the container runtime \(runc\): .*exit 139/);
    assert.equal(flask.stats.perAbi[0]?.allowed, FLASK_ALLOWED.size);
    assert.equal(flask.stats.perAbi[0]?.recorded, FLASK_RECORDED.size);
    // What the others get: EPERM from the default, or ENOSYS (runc's stub above the highest
    // recorded number, or the clone3 rule).
    const d = decide(cp, 'x86_64', 'mount', ZEROS);
    assert.deepEqual([d.action, d.errno, d.source], ['errno', 1, 'default']);
    assert.deepEqual([decide(cp, 'x86_64', 'clone3').action, decide(cp, 'x86_64', 'clone3').errno], ['errno', 38]);
    assert.equal(flask.stats.widened.length, 0);
    assert.deepEqual(flask.stats.gaps, []);
  });

  it('leaves unused sub-ABIs out, so the kernel kills calls through them', () => {
    for (const abi of ['x86', 'x32'] as const) {
      const d = decide(cp, abi, 'read', ZEROS);
      assert.equal(d.source, 'bad-arch', abi);
      assert.equal(d.action, 'kill_thread', abi);
    }
    assert.deepEqual(
      flask.stats.omitted.map((o) => o.abi),
      ['x86', 'x32'],
    );
    assert.ok(
      flask.stats.omitted.every((o) => o.dockerDefault > 300),
      "Docker's default allows hundreds there",
    );
  });

  it('puts the evidence on every rule: ABI, count, first process or runtime, workloads', () => {
    for (const r of flask.profile.syscalls) {
      assert.equal(r.names.length, 1, 'one syscall per rule');
      assert.ok(r.comment?.startsWith(`${r.names[0] ?? ''}`), `${r.names[0] ?? ''} has a comment naming it`);
    }
    assert.equal(ruleFor(flask.profile, 'connect').comment, 'connect — x86_64: 6 calls, first by python3 (/usr/local/bin/python3.11), workloads get, post');
    assert.equal(ruleFor(flask.profile, 'sysinfo').comment, 'sysinfo — x86_64: 3 calls, first by python3 (/usr/local/bin/python3.11), workload get');
    assert.equal(
      ruleFor(flask.profile, 'setuid').comment,
      'setuid — x86_64: 2 calls, needed by the container runtime (runc:[2:INIT]) after installing the filter, workloads get, post',
    );
    // read: made by runc init first, then by the tool: not runtime-only.
    assert.equal(ruleFor(flask.profile, 'read').comment, 'read — x86_64: 8 calls, first by runc:[2:INIT] (runc), workloads get, post');
    assert.deepEqual(flask.stats.runtimeOnly, RUNC_AFTER_FILTER.filter((n) => !PYTHON_GET.includes(n) && !PYTHON_POST.includes(n)).sort());
    assert.deepEqual(flask.stats.workloads, ['get', 'post']);
  });

  it('lists its sources in the order given', () => {
    const [get, post] = flaskFootprints();
    const r = generateProfile([post as Footprint, get as Footprint], { labels: ['post.json', 'get.json'] });
    assert.deepEqual(
      r.stats.sources.map((s) => [s.label, s.workloads, s.recordedAt]),
      [
        ['post.json', ['post'], '2025-01-01T10:05:00.000Z'],
        ['get.json', ['get'], '2025-01-01T10:00:00.000Z'],
      ],
    );
    assert.equal(describeStats(r.stats)[0], 'from 2 footprints: post.json (post), get.json (get)');
    assert.equal(printDockerProfile(r.profile), printDockerProfile(flask.profile), 'labels do not change the profile');
  });

  it('is sorted by syscall name and prints back to the same profile', () => {
    const names = flask.profile.syscalls.map((r) => r.names[0] ?? '');
    assert.deepEqual(names, [...names].sort());
    const text = printDockerProfile(flask.profile);
    const back = parseDockerProfile(text);
    assert.ok(back.ok);
    assert.deepEqual(back.issues, []);
    assert.deepEqual(back.value, flask.profile);
  });

  it('gives byte-identical output for the same footprints, in any order and key order', () => {
    const fps = [
      ...flaskFootprints(),
      recording({
        workload: 'health',
        runtime: ['execve', 'prctl'],
        tool: ['read', 'write', 'exit_group', 'nanosleep'],
        createdAt: '2025-01-01T09:00:00.000Z',
      }),
    ];
    const want = printDockerProfile(generateProfile(fps).profile);
    assert.equal(printDockerProfile(generateProfile(fps).profile), want, 'twice');
    for (let seed = 1; seed <= 6; seed++) {
      const input = shuffled(fps, seed).map((f, i) => (i % 2 === 1 ? reversedKeys(f) : f));
      assert.equal(printDockerProfile(generateProfile(input).profile), want, `seed ${seed}`);
    }
    assert.match(want, /"nanosleep — x86_64: 3 calls, first by python3 \(\/usr\/local\/bin\/python3\.11\), workload health"/);
  });

  it('has no audit finding above low except for syscalls the footprint itself used', () => {
    const report = auditProfile(flask.profile, { native: 'x86_64', against: flask.footprint });
    const serious = report.findings.filter((f) => severityRank(f.severity) > severityRank('low'));
    for (const f of serious) assert.ok(f.syscall !== undefined && FLASK_RECORDED.has(f.syscall), `${f.id} ${f.message}`);
    assert.deepEqual(
      serious.map((f) => `${f.id} ${f.syscall ?? ''}`),
      [],
      'clone has its namespace flags masked, clone3 answers ENOSYS',
    );
    assert.equal(report.counts.x86_64?.allowed, FLASK_ALLOWED.size);
  });

  it("adds runc's allowance only under runc and only when the recordings missed it", () => {
    const crun = recording({ workload: 'w', runtime: ['execve'], tool: ['read', 'exit_group'] });
    crun.provenance = { ...crun.provenance, engine: { name: 'podman', runtime: 'crun' } };
    for (const u of Object.values(crun.syscalls.x86_64 ?? {})) if (u.firstBy !== undefined) u.firstBy = { ...u.firstBy, comm: 'crun' };
    const c = generateProfile([crun]);
    assert.deepEqual(c.stats.runtimeAllowance, [], 'crun is C: nothing added');
    assert.equal(
      c.profile.syscalls.some((r) => r.names.includes('rt_sigreturn')),
      false,
    );
    const seen = generateProfile([recording({ workload: 'w', runtime: ['execve', ...RUNC_ALLOWANCE], tool: ['read', 'exit_group'] })]);
    assert.deepEqual(seen.stats.runtimeAllowance, [], 'recorded: it has its evidence like any other call');
    assert.match(ruleFor(seen.profile, 'rt_sigreturn').comment ?? '', /needed by the container runtime/);
    const missed = generateProfile([recording({ workload: 'w', runtime: ['execve'], tool: ['read', 'exit_group'] })]);
    assert.deepEqual(missed.stats.runtimeAllowance, ['rt_sigreturn']);
    assert.match(describeStats(missed.stats).join('\n'), /^x86_64: 4 of \d+ syscalls allowed \(3 recorded, 1 added for the runtime\)/m);
    assert.match(describeStats(missed.stats).join('\n'), /^allowed for the container runtime though not recorded: rt_sigreturn/m);
    assert.deepEqual(missed.stats.widened, [], 'not reported as an unexplained widening');
  });

  it('refuses empty footprints: never a profile that allows nothing, nor an allow-all', () => {
    refusal(() => generateProfile([]), /no footprint/);
    refusal(() => generateProfile([{ schemaVersion: 1, syscalls: {} }]), /record no syscalls/);
    refusal(() => generateProfile([{ schemaVersion: 1, syscalls: { x86_64: { read: { count: 0 } } } }]), /record no syscalls/);
  });

  it('refuses default actions that allow, and errno values that are not errors', () => {
    const fps = flaskFootprints();
    for (const bad of ['allow', 'log', 'trace', 'notify']) {
      refusal(() => generateProfile(fps, { defaultAction: bad } as unknown as GenerateOptions), /refuses the default action/);
    }
    const zero = refusal(() => generateProfile(fps, { defaultErrno: 0 }), /not an errno/);
    assert.match(zero.hint ?? '', /look successful/);
    refusal(() => generateProfile(fps, { defaultErrno: 4096 }), /not an errno/);
    refusal(() => generateProfile(fps, { defaultErrno: 1.5 }), /not an errno/);
  });

  it('kills instead of EPERM with the kill options', () => {
    for (const action of ['kill_process', 'kill_thread'] as const) {
      const r = generateProfile(flaskFootprints(), { defaultAction: action });
      assert.equal(r.profile.defaultAction, action);
      assert.equal(r.profile.defaultErrnoRet, undefined);
      const c = concrete(r.profile);
      const d = decide(c, 'x86_64', 'mount', ZEROS);
      assert.deepEqual([d.action, d.source], [action, 'default']);
      assert.ok(allows(c, 'x86_64', 'connect'));
      // clone3 still answers ENOSYS so that libc falls back instead of being killed.
      assert.deepEqual([decide(c, 'x86_64', 'clone3').action, decide(c, 'x86_64', 'clone3').errno], ['errno', 38]);
    }
    assert.match(
      printDockerProfile(generateProfile(flaskFootprints(), { defaultAction: 'kill_process' }).profile),
      /"defaultAction": "SCMP_ACT_KILL_PROCESS",\n {2}"architectures"/,
    );
  });

  it('uses --default-errno for what is not recorded, and warns that Docker 20.10 drops it', () => {
    const r = generateProfile(flaskFootprints(), { defaultErrno: 13 });
    assert.equal(r.profile.defaultErrnoRet, 13);
    assert.deepEqual([decide(concrete(r.profile), 'x86_64', 'mount').action, decide(concrete(r.profile), 'x86_64', 'mount').errno], ['errno', 13]);
    assert.ok(r.stats.warnings.some((w) => /Docker 20\.10 drops defaultErrnoRet/.test(w)));
    assert.deepEqual(flask.stats.warnings, [], 'no warning with the default EPERM');
    // ENOSYS as the default already answers clone3 the way libc needs: no separate rule.
    const enosys = generateProfile(flaskFootprints(), { defaultErrno: 38 });
    assert.equal(
      enosys.profile.syscalls.some((x) => x.names.includes('clone3')),
      false,
    );
    assert.equal(enosys.stats.clone3, 'none');
    assert.equal(decide(concrete(enosys.profile), 'x86_64', 'clone3').errno, 38);
  });

  it('handles clone3 by what was recorded', () => {
    const base = ['execve', 'read', 'write', 'exit_group'];
    const gen = (tool: string[]) => generateProfile([recording({ workload: 'w', tool: [...base, ...tool] })]);
    const CLONE_THREAD_FLAGS = 0x3d0f00n; // CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID
    const onlyClone3 = gen(['clone3']);
    assert.equal(onlyClone3.stats.clone3, 'enosys', 'recorded clone3 is evidence, not permission: its flags cannot be filtered');
    assert.deepEqual(
      [decide(concrete(onlyClone3.profile), 'x86_64', 'clone3').action, decide(concrete(onlyClone3.profile), 'x86_64', 'clone3').errno],
      ['errno', 38],
    );
    assert.ok(allows(concrete(onlyClone3.profile), 'x86_64', 'clone', [CLONE_THREAD_FLAGS, 0n, 0n, 0n, 0n, 0n]), 'clone, the fallback libc takes, is added');
    assert.equal(allows(concrete(onlyClone3.profile), 'x86_64', 'clone', [0x10000000n | 17n, 0n, 0n, 0n, 0n, 0n]), false, 'without CLONE_NEWUSER');
    assert.match(ruleFor(onlyClone3.profile, 'clone').comment ?? '', /not recorded, but clone3 was/);

    const both = gen(['clone', 'clone3']);
    assert.ok(allows(concrete(both.profile), 'x86_64', 'clone'));
    assert.equal(allows(concrete(both.profile), 'x86_64', 'clone3'), false);
    const justified = generateProfile([recording({ workload: 'w', tool: [...base, 'clone', 'clone3'] })], {
      justifications: [{ syscall: 'clone3', reason: 'test', text: 'clone3:test' }],
    });
    assert.equal(justified.stats.clone3, 'justified');
    assert.ok(allows(concrete(justified.profile), 'x86_64', 'clone3'));

    const onlyClone = gen(['clone']);
    assert.equal(onlyClone.stats.clone3, 'enosys');
    const rule = ruleFor(onlyClone.profile, 'clone3');
    assert.deepEqual([rule.action, rule.errnoRet], ['errno', 38]);
    assert.match(rule.comment ?? '', /falls back to clone/);

    const neither = gen([]);
    assert.equal(neither.stats.clone3, 'none');
    assert.equal(
      neither.profile.syscalls.some((x) => x.names.includes('clone3')),
      false,
    );
    assert.equal(allows(concrete(neither.profile), 'x86_64', 'clone3'), false);
  });

  it('refuses a native ABI of another family than the recording', () => {
    refusal(() => generateProfile(flaskFootprints(), { native: 'aarch64' }), /which a aarch64 host cannot run|aarch64 host/);
  });

  it('generates for other families too (aarch64 with a 32-bit arm helper)', () => {
    const fp: Footprint = {
      schemaVersion: 1,
      arch: 'aarch64',
      syscalls: { aarch64: { execve: { count: 1, runtime: true }, openat: { count: 2 } }, arm: { open: { count: 1 } } },
    };
    const r = generateProfile([fp]);
    assert.deepEqual(r.profile.architectures, ['aarch64', 'arm']);
    const c = resolveProfile(r.profile, { native: 'aarch64', caps: [] });
    // open exists only on arm; execve and openat, recorded on aarch64, exist on arm too.
    assert.deepEqual(
      r.stats.widened.map((w) => `${w.abi} ${w.syscall} ${w.kind}`),
      ['arm execve other-abi', 'arm openat other-abi'],
    );
    assert.equal(decide(c, 'arm', 'open').action, 'allow');
    assert.equal(decide(c, 'aarch64', 'read').action, 'errno');
    assert.match(describeStats(r.stats).join('\n'), /aarch64: 2 of \d+ syscalls allowed \(2 recorded\)/);
  });
});
