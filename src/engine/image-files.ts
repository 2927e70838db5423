// The executables an image holds, found without running anything from it: the engine creates a
// container (never started), exports its file system as a tar stream (docker: on its stdout;
// podman: into a FIFO, as podman export opens its output by name, which Node's stdout pipe, a
// socket, cannot be opened as; docker refuses a FIFO) read as it comes
// (src/util/tar.ts: names, modes, link targets, each executable's first line for its #!
// interpreter), and the container is removed on every exit path. Also the image's entrypoint,
// command, working directory and PATH, from `image inspect`.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, constants, createReadStream, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClawfenceError } from '../errors.js';
import { onCleanup } from '../util/cleanup.js';
import { readTarEntries } from '../util/tar.js';
import type { RunCommand } from './run-argv.js';
import { engineQuery, removeContainersOfRun } from './run-session.js';

/** A file of the image that matters for exec paths: an executable regular file, a symlink, or a
 * hardlink (to the file named by target). */
export interface ImageFile {
  /** Absolute, as the container sees it ("/usr/bin/dash"). */
  path: string;
  type: 'file' | 'symlink' | 'hardlink';
  mode: number;
  /** Symlink: its target as stored; hardlink: the absolute path of the file it is another name of. */
  target?: string;
  /** A script's "#!" interpreter (its first word), which the kernel runs without a second exec. */
  interpreter?: string;
}

export interface ImageListing {
  ref: string;
  id?: string;
  entrypoint: string[];
  cmd: string[];
  workingDir: string;
  /** The image's PATH (its Env), or the engines' default. */
  path: string;
  files: ImageFile[];
}

/** The PATH docker and runc give a container whose image sets none. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** A script's interpreter from its first bytes ("#!/usr/bin/env python3" → "/usr/bin/env"). */
export function shebangInterpreter(head: Buffer | undefined): string | undefined {
  if (head === undefined || head[0] !== 0x23 || head[1] !== 0x21) return undefined;
  const line = head.subarray(2).toString('utf8').split('\n')[0] ?? '';
  const word = line.trim().split(/[ \t]+/)[0] ?? '';
  return word === '' ? undefined : word;
}

interface ImageConfig {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  WorkingDir?: string;
  Env?: string[] | null;
}

/** Lists an image's executables through `create` + `export` of the engine the workload runs. */
export async function listImageFiles(cmd: Pick<RunCommand, 'engine' | 'binary' | 'globalOpts'>, image: string, env: NodeJS.ProcessEnv): Promise<ImageListing> {
  const engine = { ...cmd, image } as RunCommand;
  let config: ImageConfig;
  let id: string;
  try {
    const out = await engineQuery(engine, ['image', 'inspect', '--format', '{{.Id}} {{json .Config}}', image], env);
    const space = out.indexOf(' ');
    id = out.slice(0, space).trim();
    config = (JSON.parse(out.slice(space + 1)) ?? {}) as ImageConfig;
  } catch (e) {
    throw new ClawfenceError('environment', `cannot inspect image ${image}: ${(e as Error).message.split('\n')[0] ?? ''}`, { cause: e });
  }
  const entrypoint = config.Entrypoint ?? [];
  const cmdline = config.Cmd ?? [];
  const pathVar = (config.Env ?? []).find((v) => v.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;
  const runId = randomBytes(6).toString('hex');
  // Registered before the container exists: an interrupt during create still finds it by label.
  const step = onCleanup(`container of the image scan ${runId}`, () => removeContainersOfRun(engine, runId, env));
  const dir = mkdtempSync(join(tmpdir(), `clawfence-scan-${runId}-`));
  const dirStep = onCleanup(`temporary directory ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  try {
    // Never started: create needs a command only when the image has none.
    const none = entrypoint.length === 0 && cmdline.length === 0 ? ['/clawfence-never-runs'] : [];
    const created = (await engineQuery(engine, ['create', '--label', `clawfence.run=${runId}`, '--network', 'none', image, ...none], env)).trim();
    const container = created.split('\n').pop() ?? '';
    const files: ImageFile[] = [];
    const fifo = join(dir, 'export.tar');
    const viaFifo = cmd.engine === 'podman';
    if (viaFifo) {
      const made = spawnSync('mkfifo', ['-m', '0600', fifo], { encoding: 'utf8' });
      if (made.status !== 0)
        throw new ClawfenceError('environment', `cannot make a FIFO for the image export: ${(made.stderr ?? '').trim()}`, {
          hint: 'mkfifo (coreutils) is needed',
        });
    }
    const child = spawn(cmd.binary, [...cmd.globalOpts, 'export', ...(viaFifo ? ['-o', fifo] : []), container], {
      env,
      stdio: ['ignore', viaFifo ? 'ignore' : 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => {
      child.on('error', () => resolve(null));
      child.on('close', (code) => resolve(code));
    });
    // An export that fails before opening the FIFO would leave the reader waiting for a writer:
    // once it has exited, open and close the write end, which ends the read.
    if (viaFifo)
      void exited.then(() => {
        try {
          closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
        } catch {
          /* no reader waiting any more */
        }
      });
    const stream = viaFifo ? createReadStream(fifo) : child.stdout;
    if (stream === null) throw new ClawfenceError('internal', `no pipe for ${cmd.binary} export`);
    const code = await exportRead(exited, async () => {
      await readTarEntries(
        stream,
        (e) => {
          const path = `/${e.name}`;
          if (e.type === 'symlink') files.push({ path, type: 'symlink', mode: e.mode, target: e.linkname ?? '' });
          else if (e.type === 'hardlink') files.push({ path, type: 'hardlink', mode: e.mode, target: `/${e.linkname ?? ''}` });
          else if (e.type === 'file' && (e.mode & 0o111) !== 0) {
            const interpreter = shebangInterpreter(e.head);
            files.push({ path, type: 'file', mode: e.mode, ...(interpreter === undefined ? {} : { interpreter }) });
          }
        },
        { headBytes: 256, what: `${cmd.binary} export of ${image}` },
      );
    }).finally(() => {
      if (child.exitCode === null) child.kill();
    });
    if (code !== 0) throw new ClawfenceError('environment', `${cmd.binary} export of ${image} failed (${code}): ${stderr.trim().split('\n').pop() ?? ''}`);
    return {
      ref: image,
      ...(id === '' ? {} : { id }),
      entrypoint,
      cmd: cmdline,
      workingDir: config.WorkingDir === undefined || config.WorkingDir === '' ? '/' : config.WorkingDir,
      path: pathVar,
      files,
    };
  } catch (e) {
    if (e instanceof ClawfenceError) throw e;
    throw new ClawfenceError('environment', `cannot list the files of image ${image}: ${(e as Error).message.split('\n')[0] ?? ''}`, { cause: e });
  } finally {
    await step.run();
    await dirStep.run();
  }
}

/** Reads the export, then its exit code; a failed export's own message wins over the reader's. */
async function exportRead(exited: Promise<number | null>, read: () => Promise<void>): Promise<number | null> {
  try {
    await read();
  } catch (e) {
    const code = await exited;
    if (code !== 0) return code;
    throw e;
  }
  return exited;
}
