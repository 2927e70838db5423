#!/usr/bin/env node
// CLI output snapshot: runs a fixed set of offline clawfence commands (explain, audit, diff,
// export, syscalls, generate, bad input) with a given bin and writes each one's exit code, stdout
// and stderr to a folder, so two builds can be compared byte for byte with `diff -r`. Used to show
// that a refactoring changes no output:
//   node scripts/cli-snapshot.mjs --bin /old/checkout/bin/clawfence.js --out /tmp/snap-old
//   node scripts/cli-snapshot.mjs --bin bin/clawfence.js --out /tmp/snap-new && diff -r /tmp/snap-old /tmp/snap-new
// Inputs are this checkout's files (absolute paths), so both runs see the same text.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { bin: { type: 'string' }, out: { type: 'string' } } });
if (values.bin === undefined || values.out === undefined) {
  process.stderr.write('usage: cli-snapshot.mjs --bin PATH/bin/clawfence.js --out DIR\n');
  process.exit(2);
}
const bin = resolve(values.bin);
const out = resolve(values.out);
const root = fileURLToPath(new URL('..', import.meta.url));
const at = (p) => join(root, p);

const DOCKER = at('data/reference/docker-default.json');
const PODMAN = at('data/reference/podman-default.json');
const LIBS = at('data/reference/podman-default.container-libs.json');
const SPO = at('data/reference/spo-seccompprofile-example.yaml');
const HARMLESS = at('examples/profiles/harmless-40.json');
const FP = ['flask-1', 'flask-2', 'flask-i386'].map((n) => at(`test/fixtures/footprints/${n}.json`));
const PROFILES = [DOCKER, PODMAN, LIBS, SPO, HARMLESS];
const ARCHES = ['x86_64', 'x86', 'x32', 'aarch64'];

const scratch = mkdtempSync(join(tmpdir(), 'cf-snap-'));
const bad = (name, text) => {
  const f = join(scratch, name);
  writeFileSync(f, text);
  return f;
};
const BAD = {
  json: bad('broken.json', '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [ {"names": ["read"], "action": "SCMP_ACT_ALLOW",, } ]}'),
  action: bad('action.json', '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "wirte"], "action": "SCMP_ACT_ALOW"}]}'),
  arch: bad('arch.json', '{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_65"], "syscalls": []}'),
  yaml: bad('bad.yaml', 'apiVersion: security-profiles-operator.x-k8s.io/v1beta1\nkind: SeccompProfile\nspec:\n  defaultAction: [oops\n'),
  footprint: bad('fp.json', '{"schemaVersion": 1, "arch": "x86_65", "syscalls": {}}'),
  empty: bad('empty.json', ''),
};

const cases = [];
const add = (name, args) => cases.push({ name, args });
for (const p of PROFILES) {
  const base = p.split('/').pop();
  for (const a of ARCHES) {
    add(`audit-${base}-${a}`, ['audit', p, '--arch', a, '--fail-on', 'critical']);
    add(`audit-json-${base}-${a}`, ['audit', p, '--arch', a, '--json', '--fail-on', 'critical']);
  }
  add(`audit-sarif-${base}`, ['audit', p, '--arch', 'x86_64', '--sarif', '--fail-on', 'critical']);
  add(`audit-caps-${base}`, ['audit', p, '--arch', 'x86_64', '--caps', 'docker']);
  for (const f of ['docker', 'oci', 'k8s', 'systemd']) {
    add(`export-${f}-${base}`, ['export', p, '--format', f, '--arch', 'x86_64']);
    add(`export-lossy-${f}-${base}`, ['export', p, '--format', f, '--arch', 'x86_64', '--lossy', '--json']);
  }
  for (const q of PROFILES) add(`diff-${base}-${q.split('/').pop()}`, ['diff', p, q, '--arch', 'x86_64']);
  add(`diff-json-${base}`, ['diff', p, DOCKER, '--arch', 'x86_64', '--json']);
}
for (const sel of ['profile-complain-unsafe', 'profile-complain-block-high-risk']) {
  add(`audit-spo-${sel}`, ['audit', SPO, '--select', sel, '--arch', 'x86_64', '--fail-on', 'critical']);
  add(`explain-spo-${sel}`, ['explain', SPO, 'mount', '--select', sel, '--arch', 'x86_64']);
  add(`export-spo-${sel}`, ['export', SPO, '--select', sel, '--format', 'docker', '--arch', 'x86_64']);
  add(`diff-spo-${sel}`, ['diff', SPO, DOCKER, '--select', sel, '--arch', 'x86_64']);
}
const EXPLAIN = [
  ['clone', 'CLONE_NEWUSER|SIGCHLD'],
  ['clone', 'SIGCHLD'],
  ['clone3'],
  ['socket', 'AF_VSOCK'],
  ['socket', 'AF_INET'],
  ['personality', '0x400000'],
  ['read'],
  ['ptrace'],
  ['ioctl', '0', 'TIOCSTI'],
  ['mount'],
  ['59'],
  ['socketcall', '1'],
  ['unshare', 'CLONE_NEWNS'],
];
for (const e of EXPLAIN) {
  for (const p of [DOCKER, HARMLESS, LIBS]) {
    const base = p.split('/').pop();
    add(`explain-${base}-${e.join('_')}`, ['explain', p, ...e, '--arch', 'x86_64']);
    add(`explain-json-${base}-${e.join('_')}`, ['explain', p, ...e, '--arch', 'x86_64', '--json']);
  }
}
add('explain-x86-socketcall', ['explain', DOCKER, 'socketcall', '1', '--arch', 'x86']);
add('explain-caps', ['explain', DOCKER, 'clone', 'CLONE_NEWUSER', '--caps', 'CAP_SYS_ADMIN', '--arch', 'x86_64']);
add('explain-kernel', ['explain', DOCKER, 'io_uring_setup', '--arch', 'x86_64', '--kernel', '4.0']);
for (const q of ['socket', '59', 'clone3', 'socketcall', 'sockte']) {
  add(`syscalls-${q}`, ['syscalls', q, '--arch', 'x86_64']);
  add(`syscalls-all-${q}`, ['syscalls', q, '--arch', 'all', '--json']);
}
add('syscalls-list', ['syscalls', '--arch', 'x86']);
add('syscalls-group', ['syscalls', '--group', '@network-io', '--arch', 'x86_64']);
add('syscalls-group-json', ['syscalls', '--group', '@system-service', '--json']);
add('generate-1', ['generate', FP[0]]);
add('generate-merged', ['generate', ...FP]);
add('generate-errno', ['generate', FP[0], FP[1], '--default-errno', '38']);
add('generate-kill', ['generate', FP[0], '--kill']);
add('generate-arch', ['generate', FP[2], '--arch', 'x86_64']);
add('audit-against', ['audit', HARMLESS, '--against', FP[0], '--arch', 'x86_64']);
add('audit-against-json', ['audit', DOCKER, '--against', FP[1], '--arch', 'x86_64', '--json', '--fail-on', 'critical']);
// Bad input: one-line errors and exit codes.
for (const [k, f] of Object.entries(BAD)) {
  add(`bad-audit-${k}`, ['audit', f]);
  add(`bad-audit-json-${k}`, ['audit', f, '--json']);
  add(`bad-explain-${k}`, ['explain', f, 'read']);
}
add('bad-generate-footprint', ['generate', BAD.footprint]);
add('bad-generate-missing', ['generate', '/nonexistent/fp.json']);
add('bad-explain-syscall', ['explain', DOCKER, 'clonee', '--arch', 'x86_64']);
add('bad-explain-flag', ['explain', DOCKER, 'clone', 'CLONE_NEWUSR', '--arch', 'x86_64']);
add('bad-explain-arch', ['explain', DOCKER, 'read', '--arch', 'x86_65']);
add('bad-explain-caps', ['explain', DOCKER, 'read', '--caps', 'CAP_NOPE']);
add('bad-explain-kernel', ['explain', DOCKER, 'read', '--kernel', 'five']);
add('bad-explain-args', ['explain', DOCKER, 'read', '1', '2', '3', '4', '5', '6', '7']);
add('bad-failon', ['audit', DOCKER, '--fail-on', 'severe']);
add('bad-export-format', ['export', DOCKER, '--format', 'yaml']);
add('bad-unknown-command', ['frobnicate']);
add('bad-export-name', ['export', DOCKER, '--format', 'k8s', '--name', 'Not_A_Name']);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
let i = 0;
for (const c of cases) {
  i++;
  const cwd = join(scratch, `run-${i}`);
  mkdirSync(cwd);
  const r = spawnSync(process.execPath, [bin, ...c.args], { cwd, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', input: '', maxBuffer: 64 << 20 });
  const written = readdirSync(cwd)
    .map((f) => `--- file ${f}\n${readFileSync(join(cwd, f), 'utf8')}`)
    .join('');
  const text = `args: ${c.args.map((a) => a.replace(root, '<repo>/').replace(scratch, '<tmp>')).join(' ')}\nexit ${r.status}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}${written}`;
  writeFileSync(join(out, `${String(i).padStart(3, '0')}-${c.name.replace(/[^\w.-]+/g, '_')}.txt`), text.split(scratch).join('<tmp>'));
}
rmSync(scratch, { recursive: true, force: true });
process.stdout.write(`${cases.length} commands written to ${out}${existsSync(out) ? '' : ' (missing?)'}\n`);
