// The tar reader against archives GNU tar writes (gnu, pax and ustar formats: long names, a name
// split into ustar's prefix, symlinks, hardlinks, modes, big files' heads), fed whole and in
// 7-byte pieces, and against a stream that is not a tar archive or stops inside an entry.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { normaliseTarName, readTarEntries, type TarEntry } from './tar.js';

const LONG_DIR = `usr/lib/${'d'.repeat(90)}`;
const LONG = `${LONG_DIR}/${'x'.repeat(120)}`;

function tree(): string {
  const d = mkdtempSync(join(tmpdir(), 'cf-tar-'));
  mkdirSync(join(d, 'root/usr/bin'), { recursive: true });
  mkdirSync(join(d, 'root', LONG_DIR), { recursive: true });
  writeFileSync(join(d, 'root/usr/bin/tool'), '#!/bin/sh\necho hi\n');
  chmodSync(join(d, 'root/usr/bin/tool'), 0o755);
  writeFileSync(join(d, 'root/usr/bin/big'), Buffer.alloc(70_000, 0x41));
  chmodSync(join(d, 'root/usr/bin/big'), 0o750);
  linkSync(join(d, 'root/usr/bin/tool'), join(d, 'root/usr/bin/tool-again'));
  symlinkSync('tool', join(d, 'root/usr/bin/t'));
  symlinkSync(`/${LONG}`, join(d, 'root/usr/bin/far'));
  writeFileSync(join(d, 'root', LONG), 'long');
  symlinkSync('usr/bin', join(d, 'root/bin'));
  return d;
}

function archive(dir: string, format: string): Buffer {
  const r = spawnSync('tar', ['--format', format, '--sort=name', '-C', join(dir, 'root'), '-cf', '-', '.'], { maxBuffer: 1 << 24 });
  assert.equal(r.status, 0, r.stderr?.toString());
  return r.stdout;
}

async function entries(data: Buffer, piece?: number): Promise<Map<string, TarEntry>> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += piece ?? data.length) chunks.push(data.subarray(i, i + (piece ?? data.length)));
  const out = new Map<string, TarEntry>();
  const n = await readTarEntries(Readable.from(chunks), (e) => out.set(e.name, e), { headBytes: 16 });
  assert.equal(n, out.size, 'one call per entry');
  return out;
}

describe('readTarEntries', () => {
  const dir = tree();
  for (const format of ['gnu', 'pax', 'ustar']) {
    for (const piece of [undefined, 7]) {
      it(`reads GNU tar's ${format} format${piece === undefined ? '' : ' in 7-byte pieces'}`, async (t) => {
        // ustar cannot hold a 250-character name: its tree has a name that needs the prefix field instead.
        const data = format === 'ustar' ? archive(tree2(dir), format) : archive(dir, format);
        const got = await entries(data, piece);
        const tool = got.get('usr/bin/tool');
        assert.equal(tool?.type, 'file');
        assert.equal(tool?.mode, 0o755);
        assert.equal(tool?.head?.toString(), '#!/bin/sh\necho h', 'the first 16 bytes');
        const big = got.get('usr/bin/big');
        assert.equal(big?.size, 70_000);
        assert.equal(big?.mode, 0o750);
        assert.equal(big?.head?.length, 16);
        assert.equal(got.get('usr/bin/t')?.type, 'symlink');
        assert.equal(got.get('usr/bin/t')?.linkname, 'tool');
        assert.equal(got.get('bin')?.linkname, 'usr/bin');
        assert.equal(got.get('usr/bin')?.type, 'directory');
        const again = got.get('usr/bin/tool-again') ?? got.get('usr/bin/tool');
        assert.ok(again !== undefined);
        // GNU tar stores the second name of a hardlinked file as a link to the first.
        const link = [...got.values()].filter((e) => e.type === 'hardlink');
        assert.equal(link.length, 1, 'one of the two names is a hardlink entry');
        assert.ok(['usr/bin/tool', 'usr/bin/tool-again'].includes(link[0]?.linkname ?? ''), `links to the other name: ${link[0]?.linkname ?? ''}`);
        if (format !== 'ustar') {
          assert.equal(got.get(LONG)?.type, 'file', 'a 250-character name');
          assert.equal(got.get('usr/bin/far')?.linkname, `/${LONG}`, 'a long symlink target');
        } else {
          assert.equal(got.get(`${LONG_DIR}/short`)?.type, 'file', "a name split into ustar's prefix");
        }
        t.diagnostic(`${got.size} entries`);
      });
    }
  }

  it('refuses a stream that is not a tar archive, and one that ends inside an entry', async () => {
    await assert.rejects(
      readTarEntries(Readable.from([Buffer.alloc(1024, 0x41)]), () => undefined, { what: 'docker export x' }),
      /docker export x is not a tar archive/,
    );
    const data = archive(dir, 'gnu');
    await assert.rejects(
      readTarEntries(Readable.from([data.subarray(0, 1536 + 100)]), () => undefined),
      /ended inside an entry/,
    );
  });

  it('normalises names', () => {
    assert.equal(normaliseTarName('./usr/bin/'), 'usr/bin');
    assert.equal(normaliseTarName('/etc'), 'etc');
    assert.equal(normaliseTarName('.'), '.');
  });
});

/** The same tree without names ustar cannot hold, and one it holds only with its prefix field. */
function tree2(dir: string): string {
  const d = mkdtempSync(join(tmpdir(), 'cf-tar-'));
  spawnSync('cp', ['-a', join(dir, 'root'), join(d, 'root')]);
  spawnSync('rm', ['-rf', join(d, 'root', LONG), join(d, 'root/usr/bin/far')]);
  writeFileSync(join(d, 'root', LONG_DIR, 'short'), 's');
  return d;
}
