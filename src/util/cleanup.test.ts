// The cleanup: steps run newest first on every exit path, once; a failing step is reported and the
// rest still run; a signal runs them and exits 128 + its number. Each case runs in a child process,
// since the cleanup (and its signal handlers) belong to the whole process.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLEANUP = fileURLToPath(new URL('./cleanup.ts', import.meta.url));

function child(body: string): { code: number | null; stdout: string; stderr: string } {
  const script = `import * as c from ${JSON.stringify(CLEANUP)};\n${body}`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cleanup', () => {
  it('runs the steps newest first, each once; dismissed ones not at all', () => {
    const r = child(`
      const log = (s) => process.stdout.write(s + '\\n');
      c.onCleanup('a', () => log('a'));
      const b = c.onCleanup('b', () => log('b'));
      c.onCleanup('c', async () => { await new Promise((r) => setTimeout(r, 10)); log('c'); });
      c.onCleanup('d', () => log('d')).dismiss();
      await b.run();
      await b.run();
      await Promise.all([c.cleanupNow(), c.cleanupNow()]);
      await c.cleanupNow();
      log(String(c.interruptedBy()));
    `);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'b\nc\na\nundefined\n');
  });

  it("reports a failing step under the program's name and runs the others", () => {
    const r = child(`
      c.onCleanup('first', () => process.stdout.write('first\\n'));
      c.onCleanup('the temp dir', () => { throw new Error('busy'); });
      await c.cleanupNow();
      c.setCleanupName('bench');
      c.onCleanup('the server', () => { throw new Error('gone'); });
      await c.cleanupNow();
    `);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'first\n');
    assert.equal(r.stderr, 'clawfence: cleanup of the temp dir failed: busy\nbench: cleanup of the server failed: gone\n');
  });

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    it(`on ${signal}: runs the steps, says so, exits ${code}`, () => {
      const r = child(`
        c.setCleanupName('bench');
        c.onCleanup('the containers', async () => { process.stdout.write('removed after ' + c.interruptedBy() + '\\n'); });
        process.kill(process.pid, '${signal}');
        setInterval(() => undefined, 1000);
      `);
      assert.equal(r.code, code, r.stderr);
      assert.equal(r.stdout, `removed after ${signal}\n`);
      assert.equal(r.stderr, `\nbench: interrupted (${signal}); cleaning up\n`);
    });
  }

  it('gives 128 + the signal number as the exit code', () => {
    const r = child(`process.stdout.write([c.signalExitCode('SIGINT'), c.signalExitCode('SIGHUP'), c.signalExitCode('SIGTERM')].join(' '));`);
    assert.equal(r.stdout, '130 129 143');
  });
});
