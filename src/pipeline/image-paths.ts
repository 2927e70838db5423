// Exec paths against an image's files: a path resolved through the image's symlinks (as the
// kernel would inside the container: /bin/sh → /usr/bin/sh → /usr/bin/dash on a merged-/usr
// Debian) and hardlinks (one file, several names) to the one file it names, and which of the
// image's files count as its executables (the usual bin, sbin and libexec directories, and its
// entrypoint or command).

import { posix } from 'node:path';
import type { ImageFile, ImageListing } from '../engine/image-files.js';

/** The kernel's limit on symlinks followed in one lookup (MAXSYMLINKS). */
const MAX_LINKS = 40;

/** Directories whose executables a tool author would expect to be listed. */
const BIN_DIRS = /^\/(?:usr\/(?:local\/)?)?(?:s?bin\/[^/]+|libexec\/.+)$|^\/opt\/[^/]+\/(?:s?bin\/[^/]+|libexec\/.+)$/;

export function inBinDir(path: string): boolean {
  return BIN_DIRS.test(path);
}

export class ImageTree {
  private readonly byPath = new Map<string, ImageFile>();

  constructor(files: readonly ImageFile[]) {
    for (const f of files) this.byPath.set(f.path, f);
  }

  file(path: string): ImageFile | undefined {
    return this.byPath.get(path);
  }

  /**
   * The path of the executable file an exec of `path` runs (relative paths from cwd), through
   * every symlink on the way and a hardlink to the name it links to; undefined when it is no
   * executable regular file of the image (a file mounted in, /dev/fd/N, a loop).
   */
  resolve(path: string, cwd = '/'): string | undefined {
    let rest = posix
      .resolve(cwd, path)
      .split('/')
      .filter((p) => p !== '');
    let at = '';
    for (let hops = 0; rest.length > 0;) {
      const part = rest.shift() as string;
      if (part === '.') continue;
      if (part === '..') {
        at = posix.dirname(at === '' ? '/' : at);
        if (at === '/') at = '';
        continue;
      }
      const next = `${at}/${part}`;
      const f = this.byPath.get(next);
      if (f?.type === 'symlink') {
        if (++hops > MAX_LINKS) return undefined;
        const target = f.target ?? '';
        const base = target.startsWith('/') ? '' : at;
        rest = [...target.split('/').filter((p) => p !== ''), ...rest];
        at = base;
        continue;
      }
      at = next;
    }
    const f = this.byPath.get(at);
    if (f?.type === 'hardlink') {
      const t = this.byPath.get(f.target ?? '');
      return t?.type === 'file' ? t.path : undefined;
    }
    return f?.type === 'file' ? at : undefined;
  }

  /** A command word as the runtime finds it: a path as it is, a bare name through PATH. */
  lookPath(word: string, pathVar: string, cwd = '/'): string | undefined {
    if (word.includes('/')) return this.resolve(word, cwd);
    for (const dir of pathVar.split(':').filter((d) => d !== '')) {
      const hit = this.resolve(`${dir}/${word}`, cwd);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  /** Every executable regular file under the usual directories (by the file each name resolves to). */
  binExecutables(): Set<string> {
    const out = new Set<string>();
    for (const f of this.byPath.values()) {
      if (!inBinDir(f.path)) continue;
      if (f.type === 'file') out.add(f.path);
      else if (f.type === 'hardlink') {
        const t = this.resolve(f.path);
        if (t !== undefined) out.add(t);
      }
    }
    return out;
  }
}

/** The executable the image starts by default: its entrypoint's first word, else its command's. */
export function defaultExecutable(tree: ImageTree, listing: Pick<ImageListing, 'entrypoint' | 'cmd' | 'path' | 'workingDir'>): string | undefined {
  const word = listing.entrypoint[0] ?? listing.cmd[0];
  return word === undefined ? undefined : tree.lookPath(word, listing.path, listing.workingDir);
}
