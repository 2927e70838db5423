// The bench's child processes and src/util/cleanup.ts: a running child is stopped by the cleanup
// (with SIGINT after Ctrl-C, else SIGTERM), a finished one leaves no step behind, and the
// cleanup's own commands run to the end. Each case runs in a child process (the cleanup and its
// signal handlers belong to the whole process).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PROC = fileURLToPath(new URL('../../bench/lib/proc.ts', import.meta.url));
const CLEANUP = fileURLToPath(new URL('../../src/util/cleanup.ts', import.meta.url));

function child(body: string): { code: number | null; stdout: string; stderr: string; ms: number } {
  const script = `import * as p from ${JSON.stringify(PROC)};\nimport * as c from ${JSON.stringify(CLEANUP)};\nc.setCleanupName('bench');\n${body}`;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

describe('bench children and the cleanup', () => {
  it('stops a running child with SIGTERM when the cleanup runs; a finished child leaves no step', () => {
    const r = child(`
      await p.run(['true']);
      const running = p.run(['sleep', '30']);
      await new Promise((r) => setTimeout(r, 300));
      await c.cleanupNow();
      const res = await running;
      process.stdout.write(res.signal + '\\n');
    `);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'SIGTERM\n');
    assert.ok(r.ms < 15_000, `${r.ms} ms`);
  });

  it("lets the cleanup's own commands run to the end", () => {
    const r = child(`
      c.onCleanup('containers', async () => {
        const res = await p.run(['sh', '-c', 'sleep 0.3; echo removed'], { cleanup: true });
        process.stdout.write(res.stdout);
      });
      await c.cleanupNow();
    `);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'removed\n');
  });

  it('on Ctrl-C: stops the child, runs the rest, exits 130; no new work starts', () => {
    const r = child(`
      c.onCleanup('the temp dir', () => process.stdout.write('temp dir removed\\n'));
      void p.run(['sleep', '30'], { onSpawn: (pid) => process.stdout.write('pid ' + pid + '\\n') });
      await new Promise((r) => setTimeout(r, 300));
      process.kill(process.pid, 'SIGINT');
      while (c.interruptedBy() === undefined) await new Promise((r) => setImmediate(r));
      await p.run(['true']).catch((e) => process.stdout.write((e instanceof p.BenchStopped ? 'stopped' : String(e)) + '\\n'));
      setInterval(() => undefined, 1000);
    `);
    assert.equal(r.code, 130, r.stderr);
    assert.deepEqual(
      r.stdout.split('\n').filter((l) => !l.startsWith('pid ')),
      ['stopped', 'temp dir removed', ''],
    );
    const pid = Number(/^pid (\d+)$/m.exec(r.stdout)?.[1]);
    assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the child was stopped, not left behind');
    assert.equal(r.stderr, '\nbench: interrupted (SIGINT); cleaning up\n');
    assert.ok(r.ms < 15_000, `${r.ms} ms`);
  });
});
