// Reads the entries of a tar stream (what `docker export` and `podman export` write) without
// keeping their contents: each entry's name, type, mode, link target and the first bytes of a
// regular file. The tar format itself (ustar, pax headers, GNU long names, checksums) is
// tar-stream's; this module only maps its entries and turns its errors into one-line ones.

import type { Readable } from 'node:stream';
import { extract, type Header } from 'tar-stream';
import { ClawfenceError } from '../errors.js';

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'directory' | 'other';

export interface TarEntry {
  /** The name as stored, without a leading "./" or "/" and without a trailing "/". */
  name: string;
  type: TarEntryType;
  /** Permission bits (the low 12 bits of the mode). */
  mode: number;
  size: number;
  /** Symlink target, or for a hardlink the name of the entry it links to (normalised like name). */
  linkname?: string;
  /** The first bytes of a regular file's contents (up to the reader's headBytes). */
  head?: Buffer;
}

/** "./usr/bin/" → "usr/bin". */
export function normaliseTarName(name: string): string {
  return name.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
}

function typeOf(h: Header): TarEntryType {
  switch (h.type) {
    case 'file':
    case 'contiguous-file':
      return 'file';
    case 'link':
      return 'hardlink';
    case 'symlink':
      return 'symlink';
    case 'directory':
      return 'directory';
    default:
      return 'other';
  }
}

/**
 * Calls `onEntry` for every entry of the archive, in order, and resolves with their number. The
 * first `headBytes` of each regular file are kept; the rest of the contents is read and dropped.
 * Rejects with an environment error naming `what` when the stream is not a tar archive or ends
 * inside an entry.
 */
export async function readTarEntries(stream: Readable, onEntry: (e: TarEntry) => void, opts: { headBytes?: number; what?: string } = {}): Promise<number> {
  const headBytes = opts.headBytes ?? 0;
  const what = opts.what ?? 'the tar stream';
  const ex = extract();
  let count = 0;
  const done = new Promise<number>((resolve, reject) => {
    const fail = (e: Error): void => {
      const m = e.message;
      const why = /invalid tar header|checksum/i.test(m)
        ? 'is not a tar archive'
        : /unexpected end/i.test(m)
          ? 'ended inside an entry'
          : `could not be read (${m})`;
      reject(new ClawfenceError('environment', `${what} ${why}`, { hint: 'check that the engine can export the image', cause: e }));
    };
    ex.on('entry', (h, body, next) => {
      const type = typeOf(h);
      const parts: Buffer[] = [];
      let got = 0;
      body.on('data', (chunk: unknown) => {
        const b = chunk as Buffer;
        if (type === 'file' && got < headBytes) {
          parts.push(b.subarray(0, headBytes - got));
          got += Math.min(b.length, headBytes - got);
        }
      });
      body.on('end', () => {
        const linkname = h.linkname === undefined || h.linkname === null ? undefined : type === 'hardlink' ? normaliseTarName(h.linkname) : h.linkname;
        onEntry({
          name: normaliseTarName(h.name),
          type,
          mode: (h.mode ?? 0) & 0o7777,
          size: h.size ?? 0,
          ...(linkname === undefined ? {} : { linkname }),
          ...(type === 'file' && headBytes > 0 ? { head: Buffer.concat(parts) } : {}),
        });
        count++;
        next();
      });
      body.on('error', fail);
    });
    ex.on('finish', () => resolve(count));
    ex.on('error', fail);
    stream.on('error', fail);
  });
  stream.pipe(ex);
  return done;
}
