// Live: every example tool profiled at the default --args level is safe by construction. For the
// honest examples (Flask, Node, shell) `clawfence profile` verifies every workload and exits 0, and
// the profile allows clone only without CLONE_NEW* bits, answers clone3 with ENOSYS, limits socket
// to the recorded (family, type) combinations and setsockopt to its (level, option) pairs, and opens no catalogued door wider than Docker's default (audit CF060).
// For the hostile example, profile exits 1 naming each attempt, its workloads still pass, and
// under the profile every attempt is denied.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { auditProfile } from '../../src/audit/audit.js';
import { decide } from '../../src/evaluator/evaluate.js';
import { loadProfile } from '../../src/formats/read.js';
import { resolveProfile } from '../../src/profile/resolve.js';
import type { HardeningReport } from '../../src/report/model.js';
import { runCli } from '../support/cli.js';
import { engineEnv, requireLiveHost, tmp } from '../support/live.js';

const HONEST = ['flask-tool', 'node-tool', 'shell-tool'];
const ATTEMPTS = [
  'unshare-newuser',
  'clone-newuser',
  'clone3',
  'mount',
  'keyctl',
  'add_key',
  'personality-read-implies-exec',
  'socket-af-packet',
  'socket-af-vsock',
  'socket-af-alg',
];

/** The probes of the example's hardening report whose call the tool did not record and that its
 * profile does not stop by seccomp (the bar: none), and how many the engine's default leaves reachable. */
function openProbes(file: string, evenRecorded = false): { open: string[]; engineReachable: string[]; total: number } {
  const report = JSON.parse(readFileSync(file.replace(/\.json$/, '.report.json'), 'utf8')) as HardeningReport;
  const m = report.probes;
  assert.ok(m !== undefined, 'the report has a probe matrix');
  const col = (id: string): number => m.columns.findIndex((c) => c.id === id);
  const open = m.rows
    .filter((r) => (evenRecorded || r.recorded !== true) && r.cells[col('profile')]?.verdict !== 'seccomp')
    .map((r) => `${r.probe.id}: ${r.cells[col('profile')]?.detail}`);
  const engineReachable = m.rows.filter((r) => r.cells[col('engine-default')]?.verdict === 'reached').map((r) => r.probe.id);
  process.stderr.write(`# ${file}: engine default leaves ${engineReachable.length}/${m.rows.length} probes reachable: ${engineReachable.join(', ')}\n`);
  return { open, engineReachable, total: m.rows.length };
}

function profileOf(name: string, dir: string): { code: number; out: string; file: string } {
  const file = join(dir, `${name}.json`);
  const r = runCli(['profile', '--workloads', `examples/${name}/workloads.json`, '-o', file, '--force'], {
    env: engineEnv() as Record<string, string>,
    timeoutMs: 600_000,
  });
  return { code: r.code, out: `${r.stdout}${r.stderr}`, file };
}

describe('example tools profiled at the default --args level', () => {
  before(() => requireLiveHost());
  const dir = tmp('cf-safe-');

  for (const name of HONEST) {
    it(`${name}: verified, clone without namespaces, clone3 ENOSYS, socket by family and type, nothing wider than Docker's default`, () => {
      const r = profileOf(name, dir);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /verified: (\d+)\/\1 workloads pass/);
      const p = loadProfile(r.file).profile;
      const cp = resolveProfile(p, { native: 'x86_64', caps: [] });
      const clone = p.syscalls.filter((x) => x.names.includes('clone'));
      for (const rule of clone)
        assert.deepEqual(
          rule.args.map((a) => [a.op, a.value]),
          [['masked_eq', 0x7e020000n]],
          'clone only without CLONE_NEW*',
        );
      if (clone.length > 0) assert.equal(decide(cp, 'x86_64', 'clone3').errno, 38);
      assert.notEqual(decide(cp, 'x86_64', 'clone', [0x10000011n]).action, 'allow');
      const socketRules = p.syscalls.filter((x) => x.names.includes('socket') && x.action === 'allow');
      assert.ok(socketRules.length > 0, `${name} opens sockets`);
      for (const rule of socketRules) {
        const [family, type, protocol] = [0, 1, 2].map((i) => rule.args.find((a) => a.index === i));
        assert.deepEqual([family?.op, family?.value], ['masked_eq', 0xffffffffn], 'every socket rule names a family');
        assert.deepEqual([type?.op, type?.value], ['masked_eq', 0xfn], 'and a type, without SOCK_NONBLOCK/SOCK_CLOEXEC');
        assert.equal(protocol !== undefined, family?.valueTwo === 16n, 'and a protocol exactly for netlink');
        // The recorded combination passes with the type flags set; the same family with a type never recorded does not.
        const args = [family?.valueTwo ?? 0n, (type?.valueTwo ?? 0n) | 0o2000000n | 0o4000n, protocol?.valueTwo ?? 0n];
        assert.equal(decide(cp, 'x86_64', 'socket', args).action, 'allow', `socket ${args.join(', ')}`);
        for (const t of [3n, 5n, 10n].filter(
          (x) => !socketRules.some((r) => r.args.some((a) => a.index === 1 && a.valueTwo === x) && r.args[0]?.valueTwo === family?.valueTwo),
        ))
          assert.notEqual(decide(cp, 'x86_64', 'socket', [args[0] as bigint, t, 0n]).action, 'allow', `socket family ${family?.valueTwo} type ${t}`);
      }
      for (const rule of p.syscalls.filter((x) => x.names.includes('setsockopt') && x.action === 'allow'))
        assert.deepEqual(
          rule.args.map((a) => a.index),
          [1, 2],
          'setsockopt by (level, option)',
        );
      assert.notEqual(decide(cp, 'x86_64', 'setsockopt', [3n, 0n, 64n, 0n, 0n]).action, 'allow', 'IPT_SO_SET_REPLACE');
      for (const af of [16n, 17n, 38n, 40n]) assert.notEqual(decide(cp, 'x86_64', 'socket', [af, 3n, 12n]).action, 'allow', `socket family ${af}`);
      assert.deepEqual(openProbes(r.file).open, [], 'every probe of a call the tool did not record is stopped by seccomp');
      const wider = auditProfile(p, { native: 'x86_64' }).findings.filter((f) => f.id === 'CF060');
      assert.deepEqual(
        wider.map((f) => f.message),
        [],
      );
    });
  }

  it('hostile-tool: profile exits 1 naming every attempt, the workloads pass, and every attempt is denied', () => {
    const r = profileOf('hostile-tool', dir);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /verified: 2\/2 workloads pass/);
    for (const what of [
      'unshare with arg0 = CLONE_NEWUSER',
      'clone with arg0 = CLONE_NEWUSER',
      'denied mount',
      'denied keyctl',
      'denied add_key',
      'personality with arg0 = PER_LINUX|READ_IMPLIES_EXEC',
      'socket with arg0 = AF_PACKET',
      'socket with arg0 = AF_VSOCK',
      'socket with arg0 = AF_ALG',
    ]) {
      assert.ok(r.out.includes(`refused: ${what.startsWith('denied') ? what : `denied ${what}`}`), `${what} not named:\n${r.out}`);
    }
    const run = runCli(
      ['verify', '--profile', r.file, '--', 'docker', 'run', '--rm', '--network', 'none', 'clawfence-example/hostile-tool:latest', 'hostile-tool', 'work'],
      { env: engineEnv() as Record<string, string> },
    );
    assert.equal(run.code, 0, run.stderr);
    for (const a of ATTEMPTS) assert.match(run.stdout, new RegExp(`^attempt ${a}: DENIED \\(errno (EPERM|ENOSYS)\\)$`, 'm'), `${a}:\n${run.stdout}`);
    assert.equal(readFileSync(r.file, 'utf8').includes('"mount"'), false, 'no rule names mount');
    // Its escape attempts were recorded, yet the battery finds every probe stopped by seccomp.
    assert.deepEqual(openProbes(r.file, true).open, []);
  });
});
