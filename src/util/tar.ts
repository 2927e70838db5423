// Reads the entries of a tar stream (what `docker export` and `podman export` write) without
// keeping their contents: each entry's name, type, mode, link target and the first bytes of a
// regular file. ustar with its name prefix, POSIX pax headers (path, linkpath, size) and GNU long
// names (L/K), octal or base-256 sizes; every header's checksum is checked. Hand-written because
// the project has no tar library (tar-stream would do this; see docs/coverage.md).

import type { Readable } from 'node:stream';
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

const BLOCK = 512;
/** pax and GNU long-name records are read whole: names longer than this are refused. */
const MAX_META = 1 << 20;

function text(b: Buffer, start: number, len: number): string {
  const field = b.subarray(start, start + len);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8');
}

/** A numeric field: octal text, or base-256 when its first byte has the high bit set. */
function numberField(b: Buffer, start: number, len: number): number {
  const f = b.subarray(start, start + len);
  if (((f[0] ?? 0) & 0x80) !== 0) {
    let n = (f[0] ?? 0) & 0x7f;
    for (let i = 1; i < f.length; i++) n = n * 256 + (f[i] ?? 0);
    return n;
  }
  const t = text(b, start, len).trim();
  return t === '' ? 0 : parseInt(t, 8);
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (h[i] ?? 0);
  return sum === numberField(h, 148, 8);
}

/** "./usr/bin/" → "usr/bin". */
export function normaliseTarName(name: string): string {
  return name.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
}

/** The records of a pax extended header ("LEN key=value\n" each). */
function paxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const len = Number(data.subarray(at, space).toString('ascii'));
    if (!Number.isInteger(len) || len <= 0 || at + len > data.length) break;
    const record = data.subarray(space + 1, at + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    at += len;
  }
  return out;
}

function typeOf(flag: string): TarEntryType {
  if (flag === '0' || flag === '' || flag === '7') return 'file';
  if (flag === '1') return 'hardlink';
  if (flag === '2') return 'symlink';
  if (flag === '5') return 'directory';
  return 'other';
}

/**
 * Calls onEntry for every entry of the tar stream, in order. Throws ClawfenceError 'environment'
 * when the stream is not a tar archive (a bad checksum) or ends inside an entry; `what` names the
 * stream in the message.
 */
export async function readTarEntries(stream: Readable, onEntry: (e: TarEntry) => void, opts: { headBytes?: number; what?: string } = {}): Promise<number> {
  const headBytes = opts.headBytes ?? 0;
  const what = opts.what ?? 'the tar stream';
  let pending: Buffer = Buffer.alloc(0);
  // The entry whose data is being read: bytes still to come (data and padding).
  let skip = 0;
  let keep: { entry: TarEntry; want: number; parts: Buffer[]; got: number; meta?: 'pax' | 'L' | 'K' | 'g' } | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax = new Map<string, string>();
  let count = 0;
  let ended = false;

  const finishData = (): void => {
    if (keep === undefined) return;
    const data = Buffer.concat(keep.parts);
    if (keep.meta === 'pax') pax = paxRecords(data);
    else if (keep.meta === 'L') longName = text(data, 0, data.length);
    else if (keep.meta === 'K') longLink = text(data, 0, data.length);
    else if (keep.meta === undefined) {
      keep.entry.head = data;
      onEntry(keep.entry);
      count++;
    }
    keep = undefined;
  };

  const header = (h: Buffer): void => {
    if (h.every((x) => x === 0)) {
      ended = true; // the end-of-archive blocks
      return;
    }
    if (!checksumOk(h)) throw new ClawfenceError('environment', `${what} is not a tar archive (a header's checksum is wrong after ${count} entries)`);
    const flag = String.fromCharCode(h[156] ?? 0).replace('\0', '');
    const ustar = h.subarray(257, 262).toString('ascii') === 'ustar';
    const prefix = ustar ? text(h, 345, 155) : '';
    let name = text(h, 0, 100);
    if (prefix !== '') name = `${prefix}/${name}`;
    let size = numberField(h, 124, 12);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      if (size > MAX_META) throw new ClawfenceError('environment', `${what}: an extended header of ${size} bytes (at most ${MAX_META} are read)`);
      keep = { entry: { name, type: 'other', mode: 0, size }, want: size, parts: [], got: 0, meta: flag === 'x' ? 'pax' : flag };
      skip = padded;
      if (size === 0) finishData();
      return;
    }
    name = pax.get('path') ?? longName ?? name;
    let linkname = pax.get('linkpath') ?? longLink ?? text(h, 157, 100);
    const paxSize = pax.get('size');
    if (paxSize !== undefined && /^\d+$/.test(paxSize)) size = Number(paxSize);
    longName = undefined;
    longLink = undefined;
    pax = new Map();
    const type = typeOf(flag);
    if (type === 'hardlink') linkname = normaliseTarName(linkname);
    const entry: TarEntry = {
      name: normaliseTarName(name),
      type,
      mode: numberField(h, 100, 8) & 0o7777,
      size,
      ...(type === 'symlink' || type === 'hardlink' ? { linkname } : {}),
    };
    // Only regular files carry data (a hardlink's size is 0 in practice; any data is skipped).
    const dataLen = type === 'file' || type === 'other' ? size : 0;
    skip = Math.ceil(dataLen / BLOCK) * BLOCK;
    if (type === 'file' && headBytes > 0 && dataLen > 0) {
      keep = { entry, want: Math.min(headBytes, dataLen), parts: [], got: 0 };
    } else {
      onEntry(entry);
      count++;
    }
  };

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let buf: Buffer = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    pending = Buffer.alloc(0);
    // After the end-of-archive blocks the rest is padding: read (so the writer is not cut off), not parsed.
    while (buf.length > 0 && !ended) {
      if (skip > 0) {
        const n = Math.min(skip, buf.length);
        if (keep !== undefined && keep.got < keep.want) {
          const part = buf.subarray(0, Math.min(n, keep.want - keep.got));
          keep.parts.push(Buffer.from(part));
          keep.got += part.length;
        }
        skip -= n;
        buf = buf.subarray(n);
        if (skip === 0) finishData();
        continue;
      }
      if (buf.length < BLOCK) {
        pending = Buffer.from(buf);
        break;
      }
      header(buf.subarray(0, BLOCK));
      buf = buf.subarray(BLOCK);
    }
  }
  if (!ended && (skip > 0 || pending.length > 0)) throw new ClawfenceError('environment', `${what} ended inside an entry after ${count} entries`);
  return count;
}
