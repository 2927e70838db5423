// Live: every example image builds offline from the local base image, runs under Docker's own
// default seccomp profile, and each workload in its workloads.json passes (exit code and stdout)
// with its test server running. Also checks the test server's sharing between parallel users.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ClawfenceError } from '../../src/errors.js';
import { discoverEngine, engineEnv } from '../../src/engine/discover.js';
import type { Engine } from '../../src/engine/engine-info.js';
import { runCommand } from '../../src/engine/run-command.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface ServerSpec {
  argv: string[];
  port: number;
  /** A line on the server's stdout that says it serves this user (else: the port answering). */
  readyStdout?: string;
}
interface Workload {
  name: string;
  argv: string[];
  server?: ServerSpec;
  expectExit: number;
  expectStdout: string;
}
interface WorkloadFile {
  example: string;
  image: string;
  workloads: Workload[];
}

const EXAMPLES = readdirSync(join(ROOT, 'examples'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(ROOT, 'examples', d.name, 'Dockerfile')))
  .map((d) => d.name)
  .sort();

function loadWorkloads(name: string): WorkloadFile {
  return JSON.parse(readFileSync(join(ROOT, 'examples', name, 'workloads.json'), 'utf8')) as WorkloadFile;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Starts a workload's test server from the repository root; resolves once it says it serves
 * (its readyStdout line) and its port answers. */
async function startServer(spec: ServerSpec): Promise<{ stop: () => void; child: ChildProcess }> {
  const [file, ...args] = spec.argv;
  assert.ok(file !== undefined, 'server argv is empty');
  const child = spawn(file, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const stop = (): void => {
    child.kill('SIGTERM');
    child.stdout?.destroy();
    child.stderr?.destroy();
    child.unref();
  };
  const ready = spec.readyStdout === undefined ? undefined : new RegExp(spec.readyStdout, 'm');
  const deadline = Date.now() + 10_000;
  while (!((ready === undefined || ready.test(stdout)) && (await portAnswers(spec.port)))) {
    if (child.exitCode !== null) throw new Error(`test server ${spec.argv.join(' ')} exited with ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) {
      stop();
      throw new Error(`test server ${spec.argv.join(' ')} was not ready on port ${spec.port} within 10 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { stop, child };
}

function requireEngine(): Promise<Engine> {
  return discoverEngine().catch((e: unknown) => {
    const hint = e instanceof ClawfenceError && e.hint !== undefined ? ` — ${e.hint}` : '';
    throw new Error(`no Docker engine for the live example tests: ${(e as Error).message}${hint}`);
  });
}

describe('example tools', () => {
  let engine: Engine;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    engine = await requireEngine();
    env = engineEnv(engine);
    assert.ok(
      engine.seccomp.enabled,
      `the engine runs containers without seccomp (${engine.securityOptions.join(' ')}); the workloads must pass under its default profile`,
    );
    const built = await runCommand('bash', ['scripts/build-examples.sh'], { cwd: ROOT, env, timeoutMs: 20 * 60_000 });
    assert.equal(built.code, 0, `scripts/build-examples.sh failed:\n${built.stdout}\n${built.stderr}`);
  });

  it('has four examples, each with a README and two or more workloads', () => {
    assert.deepEqual(EXAMPLES, ['flask-tool', 'hostile-tool', 'node-tool', 'shell-tool']);
    for (const name of EXAMPLES) {
      assert.ok(existsSync(join(ROOT, 'examples', name, 'README.md')), `${name} has no README.md`);
      const w = loadWorkloads(name);
      assert.equal(w.image, `clawfence-example/${name}:latest`);
      assert.ok(w.workloads.length >= 2, `${name} has ${w.workloads.length} workload(s)`);
      for (const wl of w.workloads) {
        assert.deepEqual(wl.argv.slice(0, 3), ['docker', 'run', '--rm'], `${name}/${wl.name}`);
        assert.ok(wl.argv.includes(w.image), `${name}/${wl.name} does not run ${w.image}`);
        assert.ok(!wl.argv.some((a) => a.startsWith('seccomp=') || a === '--privileged'), `${name}/${wl.name} changes the seccomp profile`);
      }
    }
  });

  for (const name of EXAMPLES) {
    describe(name, () => {
      it('builds from scratch (no layer cache) with only the local base image and the apt mirror', async () => {
        const tag = `clawfence-test/${name}:build-check`;
        const r = await runCommand('docker', ['build', '--no-cache', '--network', 'host', '-q', '-t', tag, join('examples', name)], {
          cwd: ROOT,
          env: { ...env, DOCKER_BUILDKIT: '0' },
          timeoutMs: 15 * 60_000,
        });
        await runCommand('docker', ['rmi', '-f', tag], { env });
        assert.equal(r.code, 0, `docker build examples/${name} failed:\n${r.stderr.slice(-3000)}`);
      });

      it("runs under the engine's default seccomp profile (filter mode 2 inside the container)", async () => {
        const r = await runCommand(
          'docker',
          ['run', '--rm', '--network', 'none', `clawfence-example/${name}:latest`, 'grep', '^Seccomp:', '/proc/self/status'],
          { env },
        );
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^Seccomp:\s+2$/m);
      });

      for (const w of loadWorkloads(name).workloads) {
        it(`workload ${w.name}: exit ${w.expectExit}, stdout /${w.expectStdout}/`, async () => {
          const server = w.server === undefined ? undefined : await startServer(w.server);
          try {
            const [file, ...args] = w.argv;
            assert.ok(file !== undefined);
            const r = await runCommand(file, args, { cwd: ROOT, env, timeoutMs: 120_000 });
            assert.equal(r.code, w.expectExit, `exit ${r.code ?? r.failure}; stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
            assert.match(r.stdout, new RegExp(w.expectStdout), `stderr:\n${r.stderr}`);
          } finally {
            server?.stop();
          }
        });
      }
    });
  }
});

describe('scripts/example-server.mjs', () => {
  const port = 20000 + (process.pid % 20000);
  const spec = { argv: ['node', 'scripts/example-server.mjs', '--port', String(port), '--for', '60'], port, readyStdout: '^ready ' };
  const health = async (): Promise<{ users: number } | undefined> => {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      return (await res.json()) as { users: number };
    } catch {
      return undefined;
    }
  };
  /** Waits (up to 5 s) until a server process is gone; polls, as its handles are unref'd. */
  const exited = async (c: ChildProcess): Promise<void> => {
    for (let i = 0; i < 100 && c.exitCode === null && c.signalCode === null; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(c.exitCode !== null || c.signalCode !== null, `server pid ${c.pid} still runs`);
  };

  it('lets a second user join a running server; it stops when the last user releases it', async () => {
    const first = await startServer(spec);
    const second = await startServer(spec).catch((e: unknown) => {
      first.stop();
      throw e;
    });
    try {
      assert.equal((await health())?.users, 2);
      first.stop();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await health())?.users, 1, 'the server stopped while a joined user still needed it');
      const res = await fetch(`http://127.0.0.1:${port}/v1/releases?channel=beta`);
      assert.equal(res.status, 200);
    } finally {
      first.stop();
      second.stop();
    }
    await Promise.all([exited(first.child), exited(second.child)]);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await portAnswers(port), false, 'the server still listens after its last user released it');
  });

  it('refuses a port held by something else', async () => {
    const { createServer } = await import('node:net');
    const other = createServer(() => undefined);
    await new Promise<void>((r) => other.listen(port + 1, '127.0.0.1', () => r()));
    try {
      const r = await runCommand('node', ['scripts/example-server.mjs', '--port', String(port + 1), '--for', '5'], { cwd: ROOT, timeoutMs: 20_000 });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /in use by something else/);
    } finally {
      other.close();
    }
  });
});
