// Live: the hostile example (examples/hostile-tool) against the real engine. Unconfined, its
// attempts really happen (the kernel lets most through); under the engine's built-in default
// profile the table below holds; `hostile-tool honest` makes no attempt. Every run is short
// (`--rm --network none`, well under a second) and its container is named cf-hostile-<pid>-<n>.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { engineEnv, requireLiveHost } from '../support/live.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const IMAGE = 'clawfence-example/hostile-tool:latest';
const RESULT = /^result: name=nightly-digest values=10 sum=39 checksum=4dec220ce5276664$/m;
const ATTEMPTS = [
  'clone-newuser',
  'clone3',
  'mount',
  'keyctl',
  'add_key',
  'personality-read-implies-exec',
  'socket-af-packet',
  'socket-af-vsock',
  'socket-af-alg',
  'unshare-newuser',
] as const;
type Attempt = (typeof ATTEMPTS)[number];

let runs = 0;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** attempt name → `ALLOWED` or `DENIED <ERRNO>` */
  answers: Map<string, string>;
}

function hostileRun(securityOpts: string[], mode: 'work' | 'honest'): Run {
  const name = `cf-hostile-${process.pid}-${++runs}`;
  const r = spawnSync('docker', ['run', '--rm', '--name', name, '--network', 'none', ...securityOpts, IMAGE, 'hostile-tool', mode], {
    env: engineEnv(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error !== undefined) throw r.error;
  const answers = new Map<string, string>();
  for (const m of r.stdout.matchAll(/^attempt (\S+): (?:ALLOWED \(returned -?\d+\)|DENIED \(errno (\w+)\))$/gm)) {
    const [, attempt = '', errno] = m;
    assert.ok(!answers.has(attempt), `attempt ${attempt} printed twice:\n${r.stdout}`);
    answers.set(attempt, errno === undefined ? 'ALLOWED' : `DENIED ${errno}`);
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, answers };
}

function table(r: Run): Record<string, string> {
  return Object.fromEntries(ATTEMPTS.map((a) => [a, r.answers.get(a) ?? 'missing']));
}

/** Every attempt printed one well-formed line, nothing else but the result line; exit 0. */
function assertWellFormed(r: Run, what: string): void {
  assert.equal(r.code, 0, `${what}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, RESULT, `${what}: no result line\n${r.stdout}`);
  assert.deepEqual([...r.answers.keys()].sort(), [...ATTEMPTS].sort(), `${what}: one line per attempt\n${r.stdout}`);
  assert.equal(r.stdout.split('\n').filter((l) => l !== '').length, ATTEMPTS.length + 1, `${what}: no other output\n${r.stdout}`);
}

describe('examples/hostile-tool against the real engine', () => {
  let engineVersion = '';
  let unconfined: Run;

  before(() => {
    requireLiveHost();
    const built = spawnSync('bash', ['scripts/build-examples.sh', 'hostile-tool'], { cwd: ROOT, env: engineEnv(), encoding: 'utf8', timeout: 15 * 60_000 });
    assert.equal(built.status, 0, `scripts/build-examples.sh hostile-tool failed:\n${built.stdout}\n${built.stderr}`);
    engineVersion = spawnSync('docker', ['version', '-f', '{{.Server.Version}}'], { env: engineEnv(), encoding: 'utf8' }).stdout.trim();
  });

  it("unconfined (seccomp=unconfined, Docker's default capabilities): the attempts are real, and the honest work is done", () => {
    unconfined = hostileRun(['--security-opt', 'seccomp=unconfined'], 'work');
    assertWellFormed(unconfined, 'unconfined');
    const t = table(unconfined);
    process.stdout.write(`# unconfined on Docker ${engineVersion}: ${JSON.stringify(t)}\n`);
    // Needs no capability, only a kernel that has the call: nothing but seccomp can refuse these.
    for (const a of ['unshare-newuser', 'clone-newuser', 'keyctl', 'personality-read-implies-exec'] satisfies Attempt[]) {
      assert.equal(t[a], 'ALLOWED', `${a} under seccomp=unconfined\n${unconfined.stdout}`);
    }
    // The mount reaches the kernel, which looks the target up and finds nothing: never a mount.
    assert.equal(t['mount'], 'DENIED ENOENT', unconfined.stdout);
  });

  it("the engine's built-in default profile: what it allows and refuses", (t) => {
    if (unconfined === undefined) return t.skip('needs the unconfined run');
    const r = hostileRun([], 'work');
    assertWellFormed(r, 'default profile');
    const got = table(r);
    process.stdout.write(`# built-in default on Docker ${engineVersion}: ${JSON.stringify(got)}\n`);
    // Measured on Docker 20.10.24 (Debian 12's docker.io, runc 1.1.5), kernel 6.18, default caps.
    // Its built-in profile allows clone/unshare/mount only with CAP_SYS_ADMIN (not a default cap),
    // otherwise clone only when arg0 has no namespace flag — so CLONE_NEWUSER gets EPERM; clone3
    // without CAP_SYS_ADMIN gets ENOSYS (so that libc falls back to clone, whose flags a filter can
    // see; clone3's are behind a pointer); keyctl and add_key are not in its allow list (EPERM);
    // personality only with 0, 8 (PER_LINUX32), 0x20000, 0x20008 and 0xffffffff (query), so
    // READ_IMPLIES_EXEC (0x400000) gets EPERM; mount is allowed only with CAP_SYS_ADMIN, so the
    // filter answers EPERM before the kernel looks at the path (unconfined: ENOENT). Sockets: its
    // profile lets AF_VSOCK through (newer moby profiles refuse family 40), AF_PACKET raw sockets
    // need only CAP_NET_RAW (a default cap), and AF_ALG is refused by this kernel itself (built
    // without it: EAFNOSUPPORT unconfined too) — so the three get what they get unconfined. Measured
    // here: AF_PACKET and AF_VSOCK open, AF_ALG EAFNOSUPPORT.
    const kernel = table(unconfined);
    assert.deepEqual(
      got,
      {
        'clone-newuser': 'DENIED EPERM',
        clone3: 'DENIED ENOSYS',
        mount: 'DENIED EPERM',
        keyctl: 'DENIED EPERM',
        add_key: 'DENIED EPERM',
        'personality-read-implies-exec': 'DENIED EPERM',
        'socket-af-packet': kernel['socket-af-packet'],
        'socket-af-vsock': kernel['socket-af-vsock'],
        'socket-af-alg': kernel['socket-af-alg'],
        'unshare-newuser': 'DENIED EPERM',
      },
      `Docker ${engineVersion}'s built-in default\n${r.stdout}`,
    );
  });

  it('hostile-tool honest makes no attempt and prints only the result', () => {
    const r = hostileRun([], 'honest');
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.doesNotMatch(r.stdout, /attempt/);
    assert.match(r.stdout, /^result: name=nightly-digest values=10 sum=39 checksum=4dec220ce5276664\n$/);
    assert.equal(r.stderr, '');
  });
});
