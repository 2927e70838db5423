// The coverage report on hand-built runs and a hand-built image: single-workload and unstable
// syscalls (the runtime's own calls left out), exec paths resolved through the image's symlinks,
// hardlinks and #! interpreters, never-run executables ranked, generalised syscalls by tier, and
// the steps it suggests.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageFile, ImageListing } from '../engine/image-files.js';
import type { Footprint, SyscallUse } from '../footprint/model.js';
import { computeCoverage, describeCoverage, type CoverageRun } from './coverage.js';
import { ImageTree, inBinDir } from './image-paths.js';

function fp(calls: Record<string, number | SyscallUse>, execs?: string[]): Footprint {
  const x86_64: Record<string, SyscallUse> = {};
  for (const [n, c] of Object.entries(calls)) x86_64[n] = typeof c === 'number' ? { count: c } : c;
  return { schemaVersion: 1, syscalls: { x86_64 }, ...(execs === undefined ? {} : { executables: execs.map((path) => ({ path, count: 1 })) }) };
}

const FILES: ImageFile[] = [
  { path: '/bin', type: 'symlink', mode: 0o777, target: 'usr/bin' },
  { path: '/usr/bin/dash', type: 'file', mode: 0o755 },
  { path: '/usr/bin/sh', type: 'symlink', mode: 0o777, target: 'dash' },
  { path: '/usr/bin/python3', type: 'symlink', mode: 0o777, target: 'python3.11' },
  { path: '/usr/bin/python3.11', type: 'file', mode: 0o755 },
  { path: '/usr/bin/perl', type: 'file', mode: 0o755 },
  { path: '/usr/bin/perl5.36.0', type: 'hardlink', mode: 0o755, target: '/usr/bin/perl' },
  { path: '/usr/bin/curl', type: 'file', mode: 0o755 },
  { path: '/usr/sbin/nologin', type: 'file', mode: 0o755 },
  { path: '/usr/local/bin/tool', type: 'file', mode: 0o755, interpreter: '/usr/bin/python3' },
  { path: '/usr/local/bin/helper', type: 'file', mode: 0o755 },
  { path: '/usr/lib/x86_64-linux-gnu/ld.so', type: 'file', mode: 0o755 },
  { path: '/usr/libexec/git-core/git-remote-http', type: 'file', mode: 0o755 },
  { path: '/loop', type: 'symlink', mode: 0o777, target: '/loop' },
];
const LISTING: ImageListing = { ref: 'img:1', entrypoint: [], cmd: ['tool', '--x'], workingDir: '/work', path: '/usr/local/bin:/usr/bin', files: FILES };

describe('ImageTree', () => {
  const t = new ImageTree(FILES);
  it('resolves exec paths as the kernel would inside the container', () => {
    assert.equal(t.resolve('/bin/sh'), '/usr/bin/dash', '/bin → usr/bin, sh → dash');
    assert.equal(t.resolve('/usr/bin/python3'), '/usr/bin/python3.11');
    assert.equal(t.resolve('/usr/bin/perl5.36.0'), '/usr/bin/perl', 'a hardlink is the file it names');
    assert.equal(t.resolve('../usr/bin/curl', '/work'), '/usr/bin/curl', 'relative to the working directory');
    assert.equal(t.resolve('/bin/../bin/./curl'), '/usr/bin/curl');
    assert.equal(t.resolve('/loop'), undefined, 'a symlink loop');
    assert.equal(t.resolve('/m/known-syscalls'), undefined, 'not in the image');
    assert.equal(t.resolve('/usr/bin'), undefined, 'a directory is no executable');
    assert.equal(t.lookPath('tool', LISTING.path), '/usr/local/bin/tool');
    assert.equal(t.lookPath('sh', '/nowhere:/bin'), '/usr/bin/dash');
  });
  it('lists the executables of the bin, sbin and libexec directories, by file', () => {
    assert.deepEqual([...t.binExecutables()].sort(), [
      '/usr/bin/curl',
      '/usr/bin/dash',
      '/usr/bin/perl',
      '/usr/bin/python3.11',
      '/usr/libexec/git-core/git-remote-http',
      '/usr/local/bin/helper',
      '/usr/local/bin/tool',
      '/usr/sbin/nologin',
    ]);
    assert.ok(inBinDir('/opt/tool/bin/x') && !inBinDir('/usr/lib/x/y') && !inBinDir('/usr/bin/sub/x'));
  });
});

describe('computeCoverage', () => {
  const runs: CoverageRun[] = [
    { workload: 'a', run: 1, footprint: fp({ read: 5, write: 1, fsync: 1, capset: { count: 1, runtime: true } }, ['/usr/local/bin/tool']) },
    { workload: 'a', run: 2, footprint: fp({ read: 4, write: 1, fsync: 2, madvise: 1, capset: { count: 1, runtime: true } }, ['/usr/local/bin/tool']) },
    { workload: 'a', run: 3, footprint: fp({ read: 4, write: 1, fsync: 1, capset: { count: 1, runtime: true } }, ['/usr/local/bin/tool', '/bin/sh']) },
    {
      workload: 'b',
      run: 1,
      footprint: fp({ read: 1, socket: 2, connect: 1, getrandom: 1, capset: { count: 1, runtime: true } }, ['/usr/local/bin/tool', '/m/probe']),
    },
    { workload: 'b', run: 2, footprint: fp({ read: 1, socket: 1, connect: 1, capset: { count: 1, runtime: true }, brk: 0 }, ['/usr/local/bin/tool']) },
    { workload: 'b', run: 3, footprint: fp({ read: 1, socket: 1, connect: 1, getrandom: 1, capset: { count: 1, runtime: true } }, ['/usr/local/bin/tool']) },
  ];
  const r = computeCoverage({
    runs,
    repeat: 3,
    images: [{ ref: 'img:1', workloads: ['a', 'b'], listing: LISTING }],
    generalised: [
      { abi: 'x86_64', syscall: 'openat2', tier: 'benign', reason: 'companion of openat' },
      { abi: 'x86_64', syscall: 'renameat2', tier: 'moderate', reason: 'file-mutation family: the recording renamed files' },
      { abi: 'x86_64', syscall: 'open', tier: 'benign', reason: 'companion of openat' },
    ],
  });

  it('names the syscalls of one workload only, without the runtime’s own calls or listed-but-unseen ones', () => {
    assert.deepEqual(
      r.singleWorkload.map((s) => `${s.workload}:${s.syscall}:${s.count}`),
      ['a:fsync:4', 'a:madvise:1', 'a:write:3', 'b:connect:3', 'b:getrandom:2', 'b:socket:4'],
    );
  });

  it('names the syscalls seen in only some runs of a workload, with the runs', () => {
    assert.deepEqual(
      r.unstable.map((u) => `${u.workload}:${u.syscall}:${u.seenIn.join(',')}/${u.runs}`),
      ['a:madvise:2/3', 'b:getrandom:1,3/3'],
    );
  });

  it('compares the execs with the image: scripts’ interpreters ran, the rest never ran, the tool’s own first', () => {
    const img = r.images[0];
    assert.equal(img?.status, 'listed');
    assert.equal(img?.defaultExecutable, '/usr/local/bin/tool');
    assert.deepEqual(img?.ran, [
      { path: '/usr/bin/dash', as: ['/bin/sh'] },
      { path: '/usr/bin/python3.11', as: [], interpreterOf: ['/usr/local/bin/tool'] },
      { path: '/usr/local/bin/tool', as: ['/usr/local/bin/tool'] },
    ]);
    assert.deepEqual(img?.neverRun, ['/usr/local/bin/helper', '/usr/bin/curl', '/usr/bin/perl', '/usr/libexec/git-core/git-remote-http', '/usr/sbin/nologin']);
    assert.equal(img?.executables, 8);
    assert.deepEqual(img?.notInImage, ['/m/probe']);
  });

  it('groups generalised syscalls by tier, most risky first', () => {
    assert.deepEqual(r.generalised, [
      { tier: 'moderate', syscalls: [{ abi: 'x86_64', syscall: 'renameat2', reason: 'file-mutation family: the recording renamed files' }] },
      {
        tier: 'benign',
        syscalls: [
          { abi: 'x86_64', syscall: 'open', reason: 'companion of openat' },
          { abi: 'x86_64', syscall: 'openat2', reason: 'companion of openat' },
        ],
      },
    ]);
  });

  it('says what to record next', () => {
    assert.deepEqual(r.next, [
      'run a workload that exercises /usr/local/bin/helper (in img:1, never run)',
      '4 other executables of img:1 never ran (/usr/bin/curl, /usr/bin/perl, /usr/libexec/git-core/git-remote-http and 1 more): if the tool can run any of them, add a workload that does (the full list is in the --coverage report)',
      'madvise (1 of 3) was seen in only some of the 3 runs of a: record it with --repeat 6, or make the path that needs it a workload of its own',
      'getrandom (2 of 3) was seen in only some of the 3 runs of b: record it with --repeat 6, or make the path that needs it a workload of its own',
      'fsync was seen only in a: other paths that write or move files may need it',
      'madvise, write were seen only in a: other paths of the tool that do what a does may need them; record them as workloads',
      'connect, socket were seen only in b: other paths that use the network may need them',
      'getrandom was seen only in b: other paths of the tool that do what b does may need it; record them as workloads',
      '1 syscall of the moderate tier is allowed by generalisation, not by a recording (renameat2): record a workload that makes it, or generalise less',
    ]);
  });

  it('renders a short terminal summary', () => {
    const lines = describeCoverage(r, { maxNext: 2, file: 'cov.json' });
    assert.equal(lines[0], 'coverage: 2 workloads × 3 runs (report: cov.json)');
    assert.match(lines[1] ?? '', /^ {2}seen in one workload only: 6 syscalls \(fsync \[a\], /);
    assert.match(lines[2] ?? '', /^ {2}unstable \(not in every run of a workload\): 2 \(madvise 1\/3 \[a\], getrandom 2\/3 \[b\]\)$/);
    assert.match(lines[3] ?? '', /^ {2}img:1: 8 executables, 3 ran .*, 5 never run; also ran, not from the image: \/m\/probe$/);
    assert.ok(lines.includes('  generalised, moderate: renameat2'));
    assert.equal(lines.at(-1), '  … 7 more in cov.json');
  });

  it('does not compare executables when a run has no list of execs, nor report single-workload or unstable syscalls it cannot know', () => {
    const one = computeCoverage({
      runs: [{ workload: 'only', run: 1, footprint: { ...fp({ read: 1 }), provenance: { recorder: { name: 'ebpf', version: '2' } } } }],
      repeat: 1,
      images: [{ ref: 'img:1', workloads: ['only'], listing: LISTING }],
    });
    assert.deepEqual(one.singleWorkload, []);
    assert.deepEqual(one.unstable, []);
    assert.equal(one.images[0]?.status, 'not-recorded');
    assert.match(one.images[0]?.reason ?? '', /recorder ebpf 2; execs are recorded from version 3/);
    assert.equal(one.generalised, undefined);
    const unlisted = computeCoverage({ runs: runs.slice(0, 1), repeat: 1, images: [{ ref: 'gone:1', workloads: ['a'], error: 'no such image' }] });
    assert.deepEqual(unlisted.images[0], { image: 'gone:1', workloads: ['a'], status: 'not-listed', reason: 'no such image' });
  });
});
