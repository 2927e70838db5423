// Writes a file atomically (temp file in the same directory, fsync, rename) and never replaces an
// existing file unless asked to, so a crash or Ctrl-C cannot leave a half-written or lost file.

import { closeSync, fsyncSync, linkSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ClawfenceError } from '../errors.js';

export function writeFileAtomic(path: string, data: string, opts: { force?: boolean } = {}): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o644);
  } catch (e) {
    throw new ClawfenceError('bad-input', `cannot write next to ${path}: ${(e as Error).message}`, {
      hint: 'check that the directory exists and is writable',
      cause: e,
    });
  }
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    if (opts.force === true) renameSync(tmp, path);
    else {
      // link() fails with EEXIST instead of replacing: no window in which an existing file is lost.
      linkSync(tmp, path);
      unlinkSync(tmp);
    }
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new ClawfenceError('exists', `${path} already exists`, { hint: 'pass --force to overwrite it, or choose another -o path' });
    }
    throw new ClawfenceError('bad-input', `cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
}
