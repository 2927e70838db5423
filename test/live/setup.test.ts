// Live: the host setup is idempotent, engine discovery finds the running engine, and doctor reports
// every check ok on this machine and a fix for a broken one. Needs root and a Docker engine (which
// scripts/setup-host.sh provides); without them these tests fail saying so.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ClawfenceError } from '../../src/errors.js';
import { CLAWFENCE_DOCKER_HOST, discoverEngine, engineEnv, findEngineEnv } from '../../src/engine/discover.js';
import type { Engine } from '../../src/engine/engine-info.js';
import { runCommand } from '../../src/engine/run-command.js';
import { runDoctor } from '../../src/doctor/run.js';
import { formatDoctorReport } from '../../src/doctor/render.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MISSING_SOCKET = 'unix:///run/clawfence/no-such-engine.sock';

function requireRoot(): void {
  assert.equal(process.getuid?.(), 0, 'these live tests need root (run `sudo npm test`): setup-host.sh installs packages, mounts tracefs and starts dockerd');
}

async function requireEngine(): Promise<Engine> {
  try {
    return await discoverEngine();
  } catch (e) {
    const hint = e instanceof ClawfenceError && e.hint !== undefined ? ` — ${e.hint}` : '';
    throw new Error(`no Docker engine for the live tests: ${(e as Error).message}${hint}`);
  }
}

describe('scripts/setup-host.sh', () => {
  before(requireRoot);

  it('is idempotent: a second run installs, starts, mounts and builds nothing, and is fast', async () => {
    const first = await runCommand('bash', ['scripts/setup-host.sh'], { cwd: ROOT, timeoutMs: 30 * 60_000 });
    assert.equal(first.code, 0, `first run failed:\n${first.stdout}\n${first.stderr}`);
    const start = Date.now();
    const second = await runCommand('bash', ['scripts/setup-host.sh'], { cwd: ROOT, timeoutMs: 120_000 });
    const seconds = (Date.now() - start) / 1000;
    assert.equal(second.code, 0, `second run failed:\n${second.stdout}\n${second.stderr}`);
    const out = second.stdout;
    assert.match(out, /^setup-host: packages: all present$/m);
    assert.match(out, /^setup-host: engine: .*(already runs|answers at)/m);
    assert.match(out, /^base image: debian:bookworm-slim debian:bookworm present$/m);
    for (const name of ['flask-tool', 'node-tool', 'shell-tool']) {
      assert.match(out, new RegExp(`^examples: clawfence-example/${name}:latest up to date$`, 'm'));
    }
    assert.doesNotMatch(out, /installing|mounted|starting|debootstrap|imported|building/i, `second run did work:\n${out}`);
    assert.match(out, /^setup-podman: podman \S+ runs containers$/m, 'podman runs the base image, nothing written');
    assert.match(out, /^setup-host: ready; .*DOCKER_HOST/m);
    assert.ok(seconds < 15, `second run took ${seconds.toFixed(1)} s`);
  });

  it('makes rootful podman run containers, writing its containers.conf drop-in only when podman fails without it', async () => {
    const dropin = '/etc/containers/containers.conf.d/clawfence.conf';
    const saved = existsSync(dropin) ? readFileSync(dropin, 'utf8') : undefined;
    try {
      rmSync(dropin, { force: true });
      const bare = await runCommand('podman', ['run', '--rm', '--network', 'none', 'debian:bookworm-slim', 'true'], { timeoutMs: 60_000 });
      const r = await runCommand('bash', ['scripts/setup-podman.sh'], { cwd: ROOT, timeoutMs: 120_000 });
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      if (bare.code === 0) {
        assert.ok(!existsSync(dropin), 'podman ran without it: nothing written');
      } else {
        assert.match(r.stdout, /runs containers with \/etc\/containers\/containers\.conf\.d\/clawfence\.conf \(ulimits nofile=\d+ nproc=\d+/);
        const text = readFileSync(dropin, 'utf8');
        assert.match(text, /^default_ulimits = \["nofile=\d+:\d+", "nproc=\d+:\d+"\]$/m);
        assert.match(
          text,
          new RegExp(
            `^#   ${
              bare.stderr
                .trim()
                .split('\n')
                .pop()
                ?.slice(0, 40)
                .replace(/[.*+?^${}()|[\]\\]/g, '\\$&') ?? ''
            }`,
            'm',
          ),
          'it says which failure it answers',
        );
      }
      const after = await runCommand('podman', ['run', '--rm', '--network', 'none', 'debian:bookworm-slim', 'true'], { timeoutMs: 60_000 });
      assert.equal(after.code, 0, after.stderr);
      const again = await runCommand('bash', ['scripts/setup-podman.sh'], { cwd: ROOT, timeoutMs: 60_000 });
      assert.match(again.stdout, /^setup-podman: podman \S+ runs containers$/m, 'the second run changes nothing');
    } finally {
      if (saved !== undefined && !existsSync(dropin)) writeFileSync(dropin, saved);
    }
  });

  it('leaves tracefs and debugfs mounted', async () => {
    const mounts = await runCommand('cat', ['/proc/self/mounts']);
    assert.match(mounts.stdout, / \/sys\/kernel\/tracing tracefs /);
    assert.match(mounts.stdout, / \/sys\/kernel\/debug debugfs /);
  });
});

describe('scripts/engine.sh', () => {
  it("reports clawfence's dockerd as running when it is the engine in use", async (t) => {
    const engine = await requireEngine();
    if (engine.source !== 'clawfence') {
      t.skip(`the engine in use is the user's own (${engine.dockerHost}), not clawfence's`);
      return;
    }
    const r = await runCommand('bash', ['scripts/engine.sh', 'status'], { cwd: ROOT });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`running \\(Docker ${engine.serverVersion.replace(/[.+]/g, '\\$&')}, pid \\d+\\) at ${CLAWFENCE_DOCKER_HOST}`));
  });
});

describe('discoverEngine', () => {
  it('finds the running engine and reports what the engine itself says', async () => {
    const engine = await requireEngine();
    const expectedSource = process.env['DOCKER_HOST'] ? 'env' : undefined;
    if (expectedSource !== undefined) assert.equal(engine.source, expectedSource);
    const server = await runCommand('docker', ['version', '--format', '{{.Server.Version}} {{.Server.APIVersion}} {{.Server.KernelVersion}}'], {
      env: engineEnv(engine),
    });
    assert.equal(server.code, 0, server.stderr);
    assert.equal(server.stdout.trim(), `${engine.serverVersion} ${engine.apiVersion} ${engine.kernelVersion}`);
    const info = await runCommand('docker', ['info', '--format', '{{.DockerRootDir}} {{.DefaultRuntime}}'], { env: engineEnv(engine) });
    assert.equal(info.stdout.trim(), `${engine.rootDir} ${engine.defaultRuntime}`);
    assert.ok(engine.seccomp.enabled, `the engine runs without seccomp: ${engine.securityOptions.join(' ')}`);
    assert.ok(engine.components['runc'] !== undefined || engine.defaultRuntime !== 'runc', 'runc version missing');
  });

  it('reads the same engine over its socket API as through the docker CLI', async () => {
    const engine = await requireEngine();
    const env = engineEnv(engine);
    const [api, cli] = await Promise.all([discoverEngine({ env, via: 'api' }), discoverEngine({ env, via: 'cli' })]);
    const { clientVersion: _a, ...fromApi } = api;
    const { clientVersion: cliClient, ...fromCli } = cli;
    assert.deepEqual(fromApi, fromCli);
    assert.match(cliClient, /^\d+\./, 'the CLI path also knows the client');
  });

  it('picks the same engine by a ping as full discovery does, and fails the same way', async () => {
    const engine = await requireEngine();
    const env = await findEngineEnv();
    assert.equal(env['DOCKER_HOST'], engineEnv(engine)['DOCKER_HOST']);
    await assert.rejects(
      findEngineEnv({ env: { ...process.env, DOCKER_HOST: MISSING_SOCKET } }),
      /no Docker engine answers \(DOCKER_HOST=unix:\/\/.*no-such-engine\.sock: Cannot connect/,
    );
  });

  it('fails with an environment error and a fix when DOCKER_HOST points at a missing socket', async () => {
    await assert.rejects(discoverEngine({ env: { ...process.env, DOCKER_HOST: MISSING_SOCKET } }), (e: unknown) => {
      assert.ok(e instanceof ClawfenceError);
      assert.equal(e.code, 'environment');
      assert.match(e.message, /no-such-engine\.sock/);
      assert.match(e.message, /Cannot connect to the Docker daemon/);
      assert.match(e.hint ?? '', /unset DOCKER_HOST/);
      assert.match(e.hint ?? '', /scripts\/setup-host\.sh/);
      return true;
    });
  });
});

describe('runDoctor', () => {
  before(async () => {
    requireRoot();
    // The recorder check's own fix; a no-op when the recorder is built and up to date.
    const built = await runCommand('bash', ['scripts/build-recorder.sh'], { cwd: ROOT, timeoutMs: 10 * 60_000 });
    assert.equal(built.code, 0, `scripts/build-recorder.sh failed:\n${built.stdout}\n${built.stderr}`);
  });

  it('reports every check ok on this machine', async () => {
    const report = await runDoctor();
    const failing = report.checks.filter((c) => !c.ok);
    assert.deepEqual(failing, [], formatDoctorReport(report));
    assert.ok(report.ok);
    const ids = report.checks.map((c) => c.id);
    for (const id of [
      'engine',
      'engine-seccomp',
      'engine-cgroup-driver',
      'kernel-seccomp',
      'btf',
      'tracefs',
      'privileges',
      'recorder-toolchain',
      'recorder',
      'strace',
      'podman',
      'recording',
    ]) {
      assert.ok(ids.includes(id), `check ${id} is missing`);
    }
    const kernel = report.checks.find((c) => c.id === 'kernel-seccomp');
    const avail = readFileSync('/proc/sys/kernel/seccomp/actions_avail', 'utf8')
      .trim()
      .split(/\s+/)
      .map((a) => (a === 'user_notif' ? 'notify' : a));
    assert.deepEqual(
      kernel?.detail
        .replace(/^available actions: /, '')
        .split(' ')
        .sort(),
      avail.sort(),
    );
  });

  it('turns an engine that does not answer into a failing check with a fix', async () => {
    const report = await runDoctor({ env: { ...process.env, DOCKER_HOST: MISSING_SOCKET } });
    assert.equal(report.ok, false);
    assert.equal(report.engine, undefined);
    const engine = report.checks.find((c) => c.id === 'engine');
    assert.equal(engine?.ok, false);
    assert.match(engine?.detail ?? '', /no-such-engine\.sock/);
    assert.match(engine?.fix ?? '', /DOCKER_HOST/);
    assert.match(formatDoctorReport(report), /^FAIL Docker engine .*\n\s+fix: /m);
  });

  it('says how to build a recorder binary that is not there', async () => {
    const report = await runDoctor({ recorderPath: '/nonexistent/clawfence-rec' });
    const recorder = report.checks.find((c) => c.id === 'recorder');
    assert.equal(recorder?.ok, false);
    assert.match(recorder?.fix ?? '', /build:recorder/);
  });
});
