import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadDockerDefault } from '../catalog/reference.js';
import { decide } from '../evaluator/evaluate.js';
import { resolveProfile } from '../profile/resolve.js';
import { containerCaps as capsOf } from './caps.js';
import { parseRunCommand } from '../engine/run-argv.js';

const containerCaps = (opts: string[]): string[] => capsOf(parseRunCommand(['docker', 'run', ...opts, 'image']));
import { MARKER_ERRNO, markerProfile } from './marker.js';
import type { ProbeSpec } from './model.js';
import { parseBatteryOutput } from './protocol.js';
import { batteryRunOptions } from './run.js';
import { classify } from './verdict.js';

const spec: ProbeSpec = { id: 'mount', door: 'mount', syscall: 'mount', abi: 'x86_64', args: '', harmless: '', reached: ['ENODEV'], alone: false };

test('containerCaps follows cap-drop ALL, then adds, then single drops', () => {
  assert.ok(containerCaps([]).includes('CAP_NET_RAW'));
  assert.deepEqual(containerCaps(['--cap-drop', 'ALL', '--cap-add=sys_admin']), ['CAP_SYS_ADMIN']);
  assert.ok(!containerCaps(['--cap-drop=NET_RAW,CHOWN']).includes('CAP_NET_RAW'));
  assert.ok(containerCaps(['--cap-add', 'ALL']).includes('CAP_SYS_MODULE'));
});

test('the marker copy answers the marker where the profile answered an errno, and allows what it allowed', () => {
  const ctx = { native: 'x86_64' as const, caps: containerCaps([]) };
  const m = resolveProfile(markerProfile(loadDockerDefault(), ctx), ctx);
  const d = (n: string) => decide(m, 'x86_64', n);
  assert.equal(d('read').action, 'allow');
  const kexec = d('kexec_load');
  assert.equal(kexec.action, 'errno');
  assert.equal(kexec.errno, MARKER_ERRNO);
  // mount is allowed by Docker's default only with CAP_SYS_ADMIN: without it, the marker answers.
  assert.equal(d('mount').errno, MARKER_ERRNO);
  const admin = { native: 'x86_64' as const, caps: containerCaps(['--cap-add', 'SYS_ADMIN']) };
  assert.equal(decide(resolveProfile(markerProfile(loadDockerDefault(), admin), admin), 'x86_64', 'mount').action, 'allow');
});

test('classify tells seccomp, kernel and reached apart', () => {
  const ret = (errno: number) => ({ kind: 'returned' as const, ret: String(-errno), errno });
  assert.equal(classify(spec, ret(MARKER_ERRNO), ret(1)).verdict, 'seccomp');
  assert.equal(classify(spec, { kind: 'signalled', signal: 31 }, ret(1)).verdict, 'seccomp');
  assert.equal(classify(spec, ret(1), ret(1)).verdict, 'kernel');
  assert.equal(classify(spec, ret(19), ret(19)).verdict, 'reached');
  assert.equal(classify(spec, ret(1), ret(19)).verdict, 'seccomp');
  assert.equal(classify(spec, ret(38), ret(19)).verdict, 'seccomp');
  assert.equal(classify(spec, ret(22), ret(19)).verdict, 'inconclusive');
  assert.equal(classify(spec, { kind: 'harness', what: 'fork', errno: 1 }, ret(19)).verdict, 'inconclusive');
  assert.equal(classify(spec, { kind: 'prerequisite', call: 'unshare', errno: MARKER_ERRNO }, ret(19)).verdict, 'seccomp');
  assert.equal(classify(spec, ret(19)).verdict, 'reached');
  assert.equal(classify(spec, ret(1)).verdict, 'kernel');
});

test('the battery output is read event by event; a death at the fork check is told apart', () => {
  const out = parseBatteryOutput(
    [
      '{"probe":"a","phase":"start"}',
      '{"phase":"fork-check"}',
      '{"probe":"a","ret":"-22","errno":22}',
      '{"probe":"b","phase":"start"}',
      'noise',
      '{"probe":"b","signal":31}',
      '{"probe":"c","phase":"start"}',
    ].join('\n'),
  );
  assert.deepEqual(out.results.get('a'), { kind: 'returned', ret: '-22', errno: 22 });
  assert.deepEqual(out.results.get('b'), { kind: 'signalled', signal: 31 });
  assert.deepEqual(out.unfinished, ['c']);
  assert.equal(out.diedAtForkCheck, false);
  assert.equal(parseBatteryOutput('{"probe":"a","phase":"start"}\n{"phase":"fork-check"}\n').diedAtForkCheck, true);
});

test("the battery keeps the user's options but its own entrypoint, name and seccomp", () => {
  assert.deepEqual(
    batteryRunOptions([
      '--user',
      '1000',
      '--entrypoint',
      'x',
      '--name=n',
      '--rm',
      '-it',
      '--security-opt',
      'seccomp=p.json',
      '--security-opt',
      'no-new-privileges',
      '--cap-drop=ALL',
    ]),
    ['--user', '1000', '--security-opt', 'no-new-privileges', '--cap-drop=ALL'],
  );
});

test('every probe is complete: a unique id, a door, a reason it is harmless, real errno names', async () => {
  const { PROBES } = await import('./probes.js');
  const { ERRNO } = await import('../syscalls/errno.js');
  assert.equal(new Set(PROBES.map((p) => p.id)).size, PROBES.length);
  for (const p of PROBES) {
    assert.ok(p.door !== '' && p.harmless !== '' && p.args !== '', p.id);
    for (const n of [...p.reached, ...(p.kernelDenied ?? [])]) assert.ok(n === 'OK' || ERRNO[n] !== undefined, `${p.id}: ${n}`);
  }
});

test("an answer equal to unconfined is the kernel's, unless the evaluator says the profile denies those exact arguments", () => {
  const ret = (errno: number) => ({ kind: 'returned' as const, ret: String(-errno), errno });
  assert.equal(classify(spec, ret(1), ret(1), 'allow').verdict, 'kernel');
  assert.equal(classify(spec, ret(1), ret(1), 'deny').verdict, 'seccomp');
  assert.equal(classify(spec, ret(19), ret(19), 'deny').verdict, 'reached', 'a reached answer is never overruled');
});
