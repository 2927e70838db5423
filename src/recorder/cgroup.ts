// The cgroup clawfence creates for one run: the container is started under it (--cgroup-parent),
// so the recorder can pick out exactly that container's tasks by their cgroup v2 ancestor, however
// the container is configured and whatever else runs at the same time.

import { mkdirSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ClawfenceError } from '../errors.js';

export interface RunCgroup {
  /** Directory in the cgroup v2 hierarchy. */
  dir: string;
  /** Depth below the cgroup v2 root (1 for a direct child). */
  level: number;
  /** The cgroup id (the directory's inode number). */
  id: number;
  /** What to pass to --cgroup-parent (cgroupfs driver). */
  parent: string;
}

/** Where the cgroup v2 hierarchy is mounted (/sys/fs/cgroup or, on hybrid hosts, …/unified). */
export function cgroup2Mount(): string {
  const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n');
  const m = mounts.map((l) => l.split(' ')).find((f) => f[2] === 'cgroup2');
  if (m?.[1] === undefined) {
    throw new ClawfenceError('environment', 'no cgroup v2 hierarchy is mounted', {
      hint: 'mount it (mount -t cgroup2 none /sys/fs/cgroup/unified) or use --recorder ptrace',
    });
  }
  return m[1];
}

export function createRunCgroup(runId: string): RunCgroup {
  const name = `clawfence-${runId}`;
  const dir = join(cgroup2Mount(), name);
  try {
    mkdirSync(dir);
  } catch (e) {
    throw new ClawfenceError('environment', `cannot create cgroup ${dir}: ${(e as Error).message}`, { hint: 'run as root', cause: e });
  }
  return { dir, level: 1, id: statSync(dir).ino, parent: `/${name}` };
}

/** cgroup v1 hierarchies, where the runtime creates the same parent (hybrid hosts). */
function cgroup1Mounts(): string[] {
  return readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f[2] === 'cgroup' && f[1] !== undefined)
    .map((f) => f[1] ?? '');
}

/** Removes the run's cgroup (and the v1 copies the runtime made) once the container's own cgroup
 * below it is gone. */
export async function removeRunCgroup(cg: RunCgroup, timeoutMs = 10_000): Promise<void> {
  await removeDir(cg.dir, timeoutMs);
  for (const m of cgroup1Mounts()) await removeDir(join(m, cg.parent), timeoutMs);
}

async function removeDir(dir: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  // EBUSY/ENOTEMPTY: a child cgroup (the container's, or the v1 copies) is still there. Remove the
  // empty children and retry at once; wait (5 ms, doubling to 100 ms) only while one is still in use.
  for (let wait = 5, childrenTried = false; ;) {
    try {
      rmdirSync(dir);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (Date.now() > until) throw e;
      if (!childrenTried) {
        childrenTried = true;
        removeEmptyChildren(dir);
        continue;
      }
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 100);
      removeEmptyChildren(dir);
    }
  }
}

function removeEmptyChildren(dir: string): void {
  try {
    for (const ent of readdirSync(dir, { withFileTypes: true })) {
      if (ent.isDirectory()) {
        try {
          rmdirSync(join(dir, ent.name));
        } catch {
          /* still in use */
        }
      }
    }
  } catch {
    /* gone */
  }
}
