// Live: the probe battery against the real engine and kernel (docs/battery.md).
// - No probe misclassifies: with --cap-drop ALL and with capabilities added, unconfined answers are
//   never "seccomp"; under Docker's reference default (marker copy) every probe whose call the
//   evaluator says the profile denies outright is "seccomp", and every probe whose call it allows
//   outright is not; a capability the probe needs turns "kernel" into "reached" unconfined.
// - A profile that denies fork and pipe (errno) or kills fork still gets a complete battery result
//   that equals the plain reference default's on every probe that does not itself clone.
// - `clawfence probe` prints the report, writes the HTML and JSON, and its counts equal the JSON.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { buildBattery } from '../../src/battery/build.js';
import { containerCaps as capsOf } from '../../src/battery/caps.js';
import { MARKER_ERRNO, markerProfile } from '../../src/battery/marker.js';
import type { ProbeSpec, Verdict } from '../../src/battery/model.js';
import { PROBES } from '../../src/battery/probes.js';
import { runBattery } from '../../src/battery/run.js';
import { classify } from '../../src/battery/verdict.js';
import { loadDockerDefault } from '../../src/catalog/reference.js';
import { parseRunCommand } from '../../src/engine/run-argv.js';
import { decide } from '../../src/evaluator/evaluate.js';
import { exportProfile } from '../../src/formats/export.js';
import type { Profile } from '../../src/profile/model.js';
import { emptyFilter } from '../../src/profile/model.js';
import { resolveProfile } from '../../src/profile/resolve.js';
import type { HardeningReport } from '../../src/report/model.js';
import { runCli } from '../support/cli.js';
import { BASE_IMAGE, engineEnv, requireLiveHost, tmp } from '../support/live.js';

// Probes whose answer this kernel gates on a capability (measured: EPERM without it, a harmless error with it).
const containerCaps = (opts: string[]): string[] => capsOf(parseRunCommand(['docker', 'run', ...opts, BASE_IMAGE]));

const CAPPED = [
  'clone-newns',
  'mount',
  'pivot-root',
  'open-tree',
  'fsopen',
  'reboot',
  'swapon',
  'acct',
  'sethostname',
  'syslog',
  'fanotify-init',
  'socket-packet',
  'socket-inet-raw',
];

/** Whether `name` is allowed or denied by `p` whatever its arguments (undefined: it depends). */
function outright(p: Profile, caps: readonly string[], spec: ProbeSpec): 'allow' | 'deny' | undefined {
  const cp = resolveProfile(p, { native: 'x86_64', caps });
  if (spec.abi !== 'x86_64') return undefined;
  const conditional = p.syscalls.some((r) => r.names.includes(spec.syscall) && r.args.length > 0);
  if (conditional) return undefined;
  return decide(cp, 'x86_64', spec.syscall).action === 'allow' ? 'allow' : 'deny';
}

describe('the probe battery', { timeout: 900_000 }, () => {
  let dir = '';
  let file = '';
  before(async () => {
    requireLiveHost();
    const b = await buildBattery();
    dir = b.dir;
    file = b.file;
  });
  const env = engineEnv();
  const run = (opts: string[], seccomp: Parameters<typeof runBattery>[0]['seccomp']) =>
    runBattery({ cmd: parseRunCommand(['docker', 'run', ...opts, BASE_IMAGE]), seccomp, batteryDir: dir, batteryFile: file, probes: PROBES, env });

  for (const opts of [
    ['--cap-drop', 'ALL'],
    [
      '--cap-add',
      'SYS_ADMIN',
      '--cap-add',
      'SYS_BOOT',
      '--cap-add',
      'SYS_MODULE',
      '--cap-add',
      'SYS_PACCT',
      '--cap-add',
      'SYSLOG',
      '--cap-add',
      'DAC_READ_SEARCH',
    ],
  ]) {
    it(`never confuses a capability with seccomp (${opts.join(' ')})`, async () => {
      const caps = containerCaps(opts);
      const reference = loadDockerDefault();
      const marked = exportProfile(markerProfile(reference, { native: 'x86_64', caps }), 'docker').text;
      const base = await run(opts, { kind: 'unconfined' });
      const ref = await run(opts, { kind: 'profile', text: marked });
      assert.equal(base.results.size, PROBES.length);
      assert.equal(ref.results.size, PROBES.length);
      const wrong: string[] = [];
      for (const spec of PROBES) {
        const u = classify(spec, base.results.get(spec.id) ?? { kind: 'harness', what: 'missing', errno: 0 });
        if (u.verdict === 'seccomp' || u.verdict === 'inconclusive') wrong.push(`${spec.id} unconfined: ${u.verdict} (${u.detail})`);
        const r = classify(spec, ref.results.get(spec.id) ?? { kind: 'harness', what: 'missing', errno: 0 }, base.results.get(spec.id));
        const o = outright(reference, caps, spec);
        if (o === 'deny' && r.verdict !== 'seccomp')
          wrong.push(`${spec.id}: the reference default denies ${spec.syscall} but the battery says ${r.verdict} (${r.detail})`);
        if (o === 'allow' && r.verdict === 'seccomp')
          wrong.push(`${spec.id}: the reference default allows ${spec.syscall} but the battery says seccomp (${r.detail})`);
      }
      assert.deepEqual(wrong, []);
      // The capability-gated doors: refused by the kernel without the capability, reached with it.
      const admin = caps.includes('CAP_SYS_ADMIN');
      for (const spec of PROBES.filter((p) => CAPPED.includes(p.id))) {
        const u = classify(spec, base.results.get(spec.id) ?? { kind: 'harness', what: 'missing', errno: 0 });
        assert.equal(u.verdict, admin ? 'reached' : 'kernel', `${spec.id} unconfined ${opts.join(' ')}: ${u.detail}`);
      }
    });
  }

  for (const action of ['errno', 'kill_process'] as const) {
    it(`a profile that denies fork and pipe (${action}) still gets every probe's answer`, async () => {
      const reference = loadDockerDefault();
      const caps = containerCaps([]);
      const plain = markerProfile(reference, { native: 'x86_64', caps });
      const denying: Profile = {
        ...plain,
        syscalls: [
          {
            names: ['clone', 'fork', 'vfork', 'pipe', 'pipe2'],
            action,
            ...(action === 'errno' ? { errnoRet: MARKER_ERRNO } : {}),
            args: [],
            includes: emptyFilter(),
            excludes: emptyFilter(),
          },
          ...plain.syscalls
            .map((r) => ({ ...r, names: r.names.filter((n) => !['clone', 'fork', 'vfork', 'pipe', 'pipe2'].includes(n)) }))
            .filter((r) => r.names.length > 0),
        ],
      };
      const base = await run([], { kind: 'unconfined' });
      const a = await run([], { kind: 'profile', text: exportProfile(plain, 'docker').text });
      const b = await run([], { kind: 'profile', text: exportProfile(denying, 'docker').text });
      assert.equal(b.forkDenied, true, 'the battery noticed that it cannot fork');
      assert.equal(b.results.size, PROBES.length);
      const differ: string[] = [];
      for (const spec of PROBES) {
        const vb = classify(spec, b.results.get(spec.id) ?? { kind: 'harness', what: 'missing', errno: 0 }, base.results.get(spec.id));
        assert.notEqual(vb.verdict, 'inconclusive', `${spec.id}: ${vb.detail}`);
        if (spec.syscall === 'clone') {
          assert.equal(vb.verdict, 'seccomp', `${spec.id} under a profile denying clone`);
          continue;
        }
        const va = classify(spec, a.results.get(spec.id) ?? { kind: 'harness', what: 'missing', errno: 0 }, base.results.get(spec.id));
        if (va.verdict !== vb.verdict) differ.push(`${spec.id}: ${va.verdict} (${va.detail}) vs ${vb.verdict} (${vb.detail})`);
      }
      assert.deepEqual(differ, []);
    });
  }

  it('clawfence probe prints the matrix and writes the HTML and JSON report; the counts add up', () => {
    const out = tmp('cf-probe-');
    const html = join(out, 'r.html');
    const json = join(out, 'r.json');
    const r = runCli(
      [
        'probe',
        '--profile',
        'test/fixtures/generated/flask.exact.json',
        '--html',
        html,
        '--report',
        json,
        '--',
        'docker',
        'run',
        '--cap-drop',
        'ALL',
        BASE_IMAGE,
      ],
      {
        env: env as Record<string, string>,
        timeoutMs: 600_000,
      },
    );
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.ok(existsSync(html));
    const report = JSON.parse(readFileSync(json, 'utf8')) as HardeningReport;
    const m = report.probes;
    assert.ok(m !== undefined);
    assert.deepEqual(
      m.columns.map((c) => c.id),
      ['unconfined', 'engine-default', 'docker-reference', 'profile'],
    );
    for (const c of m.columns) {
      const k = m.counts[c.id] as Record<Verdict, number>;
      assert.equal(k.reached + k.seccomp + k.kernel + k.inconclusive, PROBES.length, c.id);
    }
    assert.equal(m.counts.unconfined?.seccomp, 0);
    assert.match(r.stderr, /the hardening report is/);
    assert.ok(report.provenance.engineVersion !== '');
  });

  it('verify --html runs the same battery under the enforced profile and writes the report', () => {
    const out = tmp('cf-verify-probe-');
    const html = join(out, 'v.html');
    const json = join(out, 'v.json');
    const r = runCli(
      ['verify', '--profile', 'test/fixtures/generated/flask.exact.json', '--html', html, '--report', json, '--', 'docker', 'run', '--rm', BASE_IMAGE, 'true'],
      {
        env: env as Record<string, string>,
        timeoutMs: 600_000,
      },
    );
    assert.ok(existsSync(html), r.stderr);
    const report = JSON.parse(readFileSync(json, 'utf8')) as HardeningReport;
    assert.equal(report.probes?.columns.at(-1)?.id, 'profile');
    assert.equal(report.probes?.rows.length, PROBES.length);
    assert.match(r.stderr, /hardening report: /);
  });
});
