// The CLI as a user runs it (built bin, real files): decisions, exit codes, one-line errors.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOneLineError, runCli } from '../support/cli.js';

const DOCKER = 'data/reference/docker-default.json';
const PODMAN = 'data/reference/podman-default.json';
const HARMLESS = 'examples/profiles/harmless-40.json';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'cf-cli-'));
}

describe('clawfence explain', () => {
  it("denies clone(CLONE_NEWUSER|SIGCHLD) under Docker's default, naming the masked rule", () => {
    const r = runCli(['explain', DOCKER, 'clone', 'CLONE_NEWUSER|SIGCHLD', '--arch', 'x86_64']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /→ ERRNO EPERM/);
    assert.match(r.stdout, /rule #18/);
    assert.match(r.stdout, /0x7e020000/);
  });

  it('allows clone(SIGCHLD) by the same rule', () => {
    const r = runCli(['explain', DOCKER, 'clone', 'SIGCHLD', '--arch', 'x86_64', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { decision: { action: string; rule: number }; args: string[] };
    assert.equal(j.decision.action, 'allow');
    assert.equal(j.decision.rule, 18);
    assert.deepEqual(j.args, ['17']);
  });

  it('gives CAP_SYS_ADMIN holders the unrestricted clone rule', () => {
    const r = runCli(['explain', DOCKER, 'clone', 'CLONE_NEWUSER', '--caps', 'CAP_SYS_ADMIN', '--json', '--arch', 'x86_64']);
    assert.equal((JSON.parse(r.stdout) as { decision: { action: string } }).decision.action, 'allow');
  });

  it('answers AF_VSOCK sockets with EPERM and AF_INET with allow', () => {
    const vsock = JSON.parse(runCli(['explain', DOCKER, 'socket', 'AF_VSOCK', '--json', '--arch', 'x86_64']).stdout) as { decision: { action: string } };
    const inet = JSON.parse(runCli(['explain', DOCKER, 'socket', 'AF_INET', '--json', '--arch', 'x86_64']).stdout) as { decision: { action: string } };
    assert.equal(vsock.decision.action, 'errno');
    assert.equal(inet.decision.action, 'allow');
  });

  it('kills calls from an ABI the filter does not load', () => {
    const r = runCli(['explain', HARMLESS, 'read', '--arch', 'x86', '--json']);
    assert.equal((JSON.parse(r.stdout) as { decision: { action: string; source: string } }).decision.source, 'bad-arch');
  });

  it('rejects an unknown syscall with a suggestion and exit 2', () => {
    const r = runCli(['explain', DOCKER, 'clonee', '--arch', 'x86_64']);
    assert.equal(r.code, 2);
    assert.ok(isOneLineError(r.stderr), r.stderr);
    assert.match(r.stderr, /did you mean 'clone'/);
  });

  it('rejects an unknown flag constant with a suggestion', () => {
    const r = runCli(['explain', DOCKER, 'clone', 'CLONE_NEWUSR', '--arch', 'x86_64']);
    assert.equal(r.code, 2);
    assert.ok(isOneLineError(r.stderr), r.stderr);
    assert.match(r.stderr, /CLONE_NEWUSER/);
  });

  it('rejects an unknown ABI and capability', () => {
    for (const args of [
      ['--arch', 'x86-65'],
      ['--caps', 'CAP_SYS_ADMN'],
    ]) {
      const r = runCli(['explain', DOCKER, 'read', ...args]);
      assert.equal(r.code, 2, args.join(' '));
      assert.ok(isOneLineError(r.stderr), r.stderr);
      assert.match(r.stderr, /did you mean/);
    }
  });
});

describe('profile errors are one line with file:line:col and JSON path', () => {
  it('reports a misspelled action at its position', () => {
    const d = tmp();
    const f = join(d, 'bad.json');
    writeFileSync(f, '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "syscalls": [\n    { "names": ["read"], "action": "SCMP_ACT_ALOW" }\n  ]\n}\n');
    const r = runCli(['audit', f]);
    assert.equal(r.code, 2);
    assert.ok(isOneLineError(r.stderr), r.stderr);
    assert.match(r.stderr, /bad\.json:4:\d+ at \$\.syscalls\[0\]\.action/);
    assert.match(r.stderr, /SCMP_ACT_ALLOW/);
  });

  it('reports malformed JSON with a position and every issue in --json', () => {
    const d = tmp();
    const f = join(d, 'broken.json');
    writeFileSync(f, '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [ {"names": ["read"] "action": 1} ]}');
    const r = runCli(['audit', f, '--json']);
    assert.equal(r.code, 2);
    assert.ok(isOneLineError(r.stderr), r.stderr);
    assert.match(r.stderr, /broken\.json:1:\d+/);
    const j = JSON.parse(r.stdout) as { error: { code: string; issues: unknown[] } };
    assert.equal(j.error.code, 'bad-input');
    assert.ok(j.error.issues.length >= 1);
  });

  it('says what to do about a missing file', () => {
    const r = runCli(['audit', '/nonexistent/profile.json']);
    assert.equal(r.code, 2);
    assert.ok(isOneLineError(r.stderr), r.stderr);
    assert.match(r.stderr, /no such file/);
  });

  it('rejects bad argv with exit 2', () => {
    assert.equal(runCli(['explain']).code, 2);
    assert.equal(runCli(['frobnicate']).code, 2);
    assert.equal(runCli(['audit', DOCKER, '--fail-on', 'severe']).code, 2);
    assert.equal(runCli(['explain', DOCKER, 'read', '1', '2', '3', '4', '5', '6', '7']).code, 2);
  });
});

describe('clawfence audit', () => {
  it("fails Docker's default on high findings and passes the harmless profile", () => {
    const d = runCli(['audit', DOCKER, '--arch', 'x86_64']);
    assert.equal(d.code, 1, d.stderr);
    assert.match(d.stdout, /ptrace/);
    const h = runCli(['audit', HARMLESS, '--arch', 'x86_64']);
    assert.equal(h.code, 0, h.stdout + h.stderr);
  });

  it('counts the allowed syscalls of each ABI by risk tier, in the table and in --json', () => {
    const r = runCli(['audit', DOCKER, '--arch', 'x86_64', '--json', '--fail-on', 'critical']);
    const j = JSON.parse(r.stdout) as { counts: Record<string, { allowed: number; tiers: Record<string, number> }> };
    for (const [abi, c] of Object.entries(j.counts)) {
      const t = c.tiers;
      assert.equal((t['benign'] ?? 0) + (t['moderate'] ?? 0) + (t['dangerous'] ?? 0) + (t['unclassified'] ?? 0), c.allowed, abi);
      assert.equal(t['unclassified'], 0, `${abi}: the catalog classifies every x86 name`);
      assert.ok((t['dangerous'] ?? 0) > 0, `${abi}: Docker allows ptrace`);
    }
    const table = runCli(['audit', DOCKER, '--arch', 'x86_64', '--fail-on', 'critical']).stdout;
    const x64 = j.counts['x86_64']?.tiers ?? {};
    assert.ok(table.includes(`${x64['benign']} benign, ${x64['moderate']} moderate, ${x64['dangerous']} dangerous`), table);
  });

  it('writes SARIF 2.1.0 with a region for located findings', () => {
    const r = runCli(['audit', DOCKER, '--sarif', '--arch', 'x86_64', '--fail-on', 'critical']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as {
      version: string;
      runs: { results: { ruleId: string; locations?: { physicalLocation: { region?: { startLine: number } } }[] }[] }[];
    };
    assert.equal(s.version, '2.1.0');
    const results = s.runs[0]?.results ?? [];
    assert.ok(results.length > 5);
    assert.ok(results.some((x) => (x.locations?.[0]?.physicalLocation.region?.startLine ?? 0) > 1));
  });

  it('honours NO_COLOR and --fail-on', () => {
    const r = runCli(['audit', DOCKER, '--fail-on', 'critical', '--arch', 'x86_64'], { env: { NO_COLOR: '1' } });
    assert.equal(r.code, 0);
    assert.doesNotMatch(r.stdout, /\u001b\[/);
  });
});

describe('clawfence diff', () => {
  it('exits 0 for a profile against itself and 1 against another', () => {
    assert.equal(runCli(['diff', DOCKER, DOCKER, '--arch', 'x86_64']).code, 0);
    const r = runCli(['diff', DOCKER, PODMAN, '--arch', 'x86_64', '--json']);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout) as { isEmpty: boolean; abis: { abi: string; syscalls: { name: string }[] }[] };
    assert.equal(j.isEmpty, false);
    const x64 = j.abis.find((a) => a.abi === 'x86_64');
    assert.ok(x64?.syscalls.some((s) => s.name === 'mount'));
  });
});

describe('clawfence export', () => {
  it('refuses a lossy systemd export and names what would be lost', () => {
    const r = runCli(['export', DOCKER, '--format', 'systemd', '--arch', 'x86_64']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--lossy/);
    assert.match(r.stderr, /socket|personality|clone/);
  });

  it('writes atomically, refuses to overwrite, overwrites with --force', () => {
    const d = tmp();
    const out = join(d, 'p.yaml');
    assert.equal(runCli(['export', HARMLESS, '--format', 'k8s', '-o', out, '--arch', 'x86_64']).code, 0);
    assert.match(readFileSync(out, 'utf8'), /kind: SeccompProfile/);
    writeFileSync(out, 'mine');
    const again = runCli(['export', HARMLESS, '--format', 'k8s', '-o', out, '--arch', 'x86_64']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /--force/);
    assert.equal(readFileSync(out, 'utf8'), 'mine');
    assert.equal(runCli(['export', HARMLESS, '--format', 'k8s', '-o', out, '--force', '--arch', 'x86_64']).code, 0);
    assert.ok(existsSync(out));
    assert.notEqual(readFileSync(out, 'utf8'), 'mine');
  });

  it('round-trips through the Kubernetes format', () => {
    const d = tmp();
    const out = join(d, 'p.yaml');
    assert.equal(runCli(['export', HARMLESS, '--format', 'k8s', '-o', out, '--arch', 'x86_64']).code, 0);
    assert.equal(runCli(['diff', HARMLESS, out, '--arch', 'x86_64']).code, 0);
  });
});

describe('clawfence syscalls', () => {
  it('looks up names and numbers per ABI', () => {
    const r = runCli(['syscalls', 'socket', '--arch', 'all', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { syscalls: { name: string; numbers: Record<string, number>; groups: string[] }[] };
    assert.equal(j.syscalls[0]?.numbers['x86_64'], 41);
    assert.equal(j.syscalls[0]?.numbers['x86'], 359);
    assert.ok(j.syscalls[0]?.groups.includes('@network-io'));
    const n = runCli(['syscalls', '59', '--arch', 'x86_64']);
    assert.match(n.stdout, /execve/);
    const bad = runCli(['syscalls', 'sockte']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /did you mean 'socket'/);
  });

  it('shows the risk tier, reason and sources of a named syscall', () => {
    const m = runCli(['syscalls', 'mount', '--arch', 'x86_64']);
    assert.equal(m.code, 0, m.stderr);
    assert.match(m.stdout, /^mount: dangerous \(mount; namespace-escape, high, needs CAP_SYS_ADMIN\): mounts filesystems/m);
    assert.match(m.stdout, /^ {2}sources: mount\(2\); moby profiles default\.json: allowed only with CAP_SYS_ADMIN;/m);
    const o = runCli(['syscalls', 'openat', '--json']);
    const j = JSON.parse(o.stdout) as { syscalls: { name: string; risk: { tier: string; family: string; sources: string[] } | null }[] };
    assert.equal(j.syscalls[0]?.risk?.tier, 'moderate');
    assert.equal(j.syscalls[0]?.risk?.family, 'file-open');
    assert.ok((j.syscalls[0]?.risk?.sources.length ?? 0) > 1);
  });

  it('lists one tier with --tier, and refuses an unknown tier in one line', () => {
    const d = runCli(['syscalls', '--tier', 'dangerous', '--arch', 'x86_64', '--json']);
    assert.equal(d.code, 0, d.stderr);
    const j = JSON.parse(d.stdout) as { syscalls: { name: string; risk: { tier: string } | null }[] };
    assert.ok(j.syscalls.length > 40);
    assert.ok(j.syscalls.every((s) => s.risk?.tier === 'dangerous'));
    assert.ok(j.syscalls.some((s) => s.name === 'bpf') && !j.syscalls.some((s) => s.name === 'read'));
    const bad = runCli(['syscalls', '--tier', 'bening']);
    assert.equal(bad.code, 2);
    assert.ok(isOneLineError(bad.stderr), bad.stderr);
    assert.match(bad.stderr, /unknown risk tier 'bening'/);
  });
});

describe('bad flag values', () => {
  // commander's error: one `error:` line naming the flag, then the pointer to --help; nothing else.
  const isCommanderError = (stderr: string): boolean => {
    const lines = stderr.trim().split('\n');
    return lines.length === 2 && lines[0]!.startsWith('error: ') && lines[1] === '(run with --help for usage)';
  };
  // Refused while parsing argv, before any engine is looked for: a DOCKER_HOST that cannot answer
  // would turn a flag that got through into an engine error instead.
  const env = { DOCKER_HOST: 'unix:///nonexistent/clawfence-cli-test.sock' };
  const FP = 'test/fixtures/footprints/flask-1.json';

  it('record --recorder bogus exits 2 with one error line, without an engine', () => {
    const r = runCli(['record', '--recorder', 'bogus', '--', 'docker', 'run', 'x'], { env });
    assert.equal(r.code, 2, r.stderr);
    assert.ok(isCommanderError(r.stderr), r.stderr);
    assert.match(r.stderr, /^error: option '--recorder <kind>' argument 'bogus' is invalid\. Allowed choices are ebpf, ptrace, auto\.$/m);
    assert.equal(r.stdout, '');
  });

  it('refuses each bad value of the run commands before running anything', () => {
    for (const [args, flag] of [
      [['record', '--timeout', '10s', '--', 'docker', 'run', 'x'], '--timeout <seconds>'],
      [['profile', '--repeat', '0', '--', 'docker', 'run', 'x'], '--repeat <n>'],
      [['profile', '--expect-stdout', '(', '--', 'docker', 'run', 'x'], '--expect-stdout <regex>'],
      [['verify', '--profile', DOCKER, '--expect-exit', '256', '--json', '--', 'docker', 'run', 'x'], '--expect-exit <code>'],
      [['verify', '--profile', DOCKER, '--recorder', 'dtrace', '--', 'docker', 'run', 'x'], '--recorder <kind>'],
      [['generate', FP, '--default-errno', 'abc'], '--default-errno <n>'],
      [['generate', FP, '--default-errno', '0'], '--default-errno <n>'],
    ] as const) {
      const r = runCli([...args], { env });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.ok(isCommanderError(r.stderr), `${args.join(' ')}: ${r.stderr}`);
      assert.ok(r.stderr.startsWith(`error: option '${flag}' argument `), r.stderr);
      assert.equal(r.stdout, '', args.join(' '));
    }
  });

  it('takes good values as before', () => {
    const r = runCli(['generate', FP, '--default-errno', '38']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /"defaultErrnoRet": 38/);
  });
});
