// Atomic writes: never replace without force, never leave a temp file behind.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClawfenceError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';

describe('writeFileAtomic', () => {
  it('creates, refuses to overwrite, overwrites with force, leaves no temp files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-aw-'));
    const f = join(dir, 'p.json');
    writeFileAtomic(f, 'one');
    assert.equal(readFileSync(f, 'utf8'), 'one');
    assert.throws(
      () => writeFileAtomic(f, 'two'),
      (e: unknown) => e instanceof ClawfenceError && e.code === 'exists' && /--force/.test(e.hint ?? ''),
    );
    assert.equal(readFileSync(f, 'utf8'), 'one');
    writeFileAtomic(f, 'three', { force: true });
    assert.equal(readFileSync(f, 'utf8'), 'three');
    assert.deepEqual(readdirSync(dir), ['p.json']);
  });

  it('fails with a hint when the directory does not exist', () => {
    assert.throws(
      () => writeFileAtomic('/nonexistent-dir-cf/p.json', 'x'),
      (e: unknown) => e instanceof ClawfenceError && e.code === 'bad-input',
    );
  });

  it('keeps an existing file intact when refusing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-aw-'));
    const f = join(dir, 'keep.json');
    writeFileSync(f, 'precious');
    assert.throws(() => writeFileAtomic(f, 'new'));
    assert.equal(readFileSync(f, 'utf8'), 'precious');
  });
});
