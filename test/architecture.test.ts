// The architecture rules (.dependency-cruiser.cjs) fail when broken: each case builds a scratch
// tree with the project's rule file and one forbidden import, runs dependency-cruiser on it, and
// expects that rule — and only a violation, not a crash — to be reported. A case that passed
// silently would mean the rule guards nothing.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Case {
  title: string;
  rule: string;
  files: Record<string, string>;
}

const BASE: Record<string, string> = {
  'src/errors.ts': 'export const E = 1;\n',
  'src/profile/model.ts': "import { E } from '../errors.js';\nexport const M = E;\n",
  'src/formats/docker.ts': "import { M } from '../profile/model.js';\nexport const D = M;\n",
  'src/formats/oci.ts': "import { M } from '../profile/model.js';\nexport const O = M;\n",
  'src/recorder/recorder.ts': 'export const R = 1;\n',
  'src/footprint/model.ts': 'export const F = 1;\n',
  'src/generator/generate.ts': "import { F } from '../footprint/model.js';\nexport const G = F;\n",
  'src/audit/audit.ts': 'export const A = 1;\n',
  'src/cli/main.ts': "import { A } from '../audit/audit.js';\nexport const C = A;\n",
  'src/probes/replay.ts': 'export const P = 1;\n',
  'test/support/helper.ts': 'export const T = 1;\n',
};

const CASES: Case[] = [
  {
    title: 'the IR importing a format',
    rule: 'layer-profile',
    files: { 'src/profile/normalize.ts': "import { D } from '../formats/docker.js';\nexport const N = D;\n" },
  },
  {
    title: 'footprint importing the recorder',
    rule: 'layer-footprint',
    files: { 'src/footprint/build.ts': "import { R } from '../recorder/recorder.js';\nexport const B = R;\n" },
  },
  {
    title: 'src importing fast-check (a devDependency)',
    rule: 'src-not-dev-dependency',
    files: { 'src/generator/random.ts': "import fc from 'fast-check';\nexport const X = fc;\n" },
  },
  {
    title: 'the generator importing audit',
    rule: 'layer-generator',
    files: { 'src/generator/check.ts': "import { A } from '../audit/audit.js';\nexport const Y = A;\n" },
  },
  {
    title: 'a format importing a sibling format',
    rule: 'no-sibling-format',
    files: { 'src/formats/systemd.ts': "import { O } from './oci.js';\nexport const S = O;\n" },
  },
  {
    title: 'the library importing the CLI',
    rule: 'library-not-cli',
    files: { 'src/audit/render.ts': "import { C } from '../cli/main.js';\nexport const Z = C;\n" },
  },
  {
    title: 'src importing test support',
    rule: 'src-not-test-bench-scripts',
    files: { 'src/generator/fixture.ts': "import { T } from '../../test/support/helper.js';\nexport const W = T;\n" },
  },
  {
    title: 'a command path importing the probes',
    rule: 'probes-are-test-infrastructure',
    files: { 'src/generator/probe.ts': "import { P } from '../probes/replay.js';\nexport const V = P;\n" },
  },
  {
    title: 'a cycle',
    rule: 'no-circular',
    files: {
      'src/audit/a.ts': "import { b } from './b.js';\nexport const a = (): number => b();\n",
      'src/audit/b.ts': "import { a } from './a.js';\nexport const b = (): number => a();\n",
    },
  },
];

function cruise(files: Record<string, string>): { code: number; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cf-arch-'));
  try {
    copyFileSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch', type: 'module', devDependencies: { 'fast-check': '*' } }));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src', 'test'] }),
    );
    mkdirSync(join(dir, 'node_modules/fast-check'), { recursive: true });
    writeFileSync(join(dir, 'node_modules/fast-check/package.json'), JSON.stringify({ name: 'fast-check', version: '1.0.0', main: 'index.js' }));
    writeFileSync(join(dir, 'node_modules/fast-check/index.js'), 'module.exports = {};\n');
    for (const [f, text] of Object.entries({ ...BASE, ...files })) {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      writeFileSync(join(dir, f), text);
    }
    const r = spawnSync(process.execPath, [DEPCRUISE, 'src', 'test', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], {
      cwd: dir,
      encoding: 'utf8',
    });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('architecture rules', () => {
  it('pass on a scratch tree that keeps them', () => {
    const r = cruise({});
    assert.equal(r.code, 0, r.out);
  });
  for (const c of CASES) {
    it(`fail on ${c.title} (${c.rule})`, () => {
      const r = cruise(c.files);
      assert.notEqual(r.code, 0, `expected a violation:\n${r.out}`);
      assert.match(r.out, new RegExp(`error ${c.rule}:`), r.out);
    });
  }
});
