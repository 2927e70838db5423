// Architecture rules, by folder (docs/architecture.md draws the same map): no cycles; each folder of
// src/ imports only the folders below it; no format imports a sibling format; src never imports
// test/, bench/, scripts/ or a devDependency; the probes are test infrastructure. Tests beside the
// code (*.test.ts) may cross layers to check one against another. test/architecture.test.ts shows
// that each rule fails when broken.

/** Folder → the folders of src/ its (non-test) files may import, besides itself and errors.ts. */
const MAY_IMPORT = {
  util: [],
  syscalls: ['util'],
  source: [],
  profile: ['syscalls', 'source'],
  evaluator: ['profile', 'syscalls', 'util'],
  formats: ['profile', 'source', 'syscalls', 'evaluator', 'util'],
  diff: ['evaluator', 'catalog', 'formats', 'profile', 'syscalls', 'util'],
  catalog: ['formats', 'profile', 'syscalls', 'source'],
  footprint: ['syscalls', 'source', 'util'],
  engine: ['syscalls', 'util'],
  recorder: ['footprint', 'engine', 'syscalls', 'util'],
  generator: ['footprint', 'profile', 'evaluator', 'catalog', 'diff', 'formats', 'syscalls', 'util'],
  verifier: ['engine', 'recorder', 'formats', 'evaluator', 'footprint', 'profile', 'syscalls', 'util'],
  audit: ['evaluator', 'catalog', 'diff', 'profile', 'formats', 'footprint', 'syscalls', 'source', 'util'],
  probes: ['evaluator', 'formats', 'engine', 'profile', 'syscalls', 'util'],
  battery: ['catalog', 'engine', 'evaluator', 'formats', 'profile', 'report', 'syscalls', 'util'],
  report: ['battery', 'catalog', 'evaluator', 'formats', 'profile', 'syscalls', 'util'],
  doctor: ['engine', 'recorder', 'syscalls', 'util'],
  learn: ['catalog', 'diff', 'evaluator', 'generator', 'profile', 'syscalls'],
  pipeline: [
    'audit',
    'battery',
    'catalog',
    'diff',
    'engine',
    'evaluator',
    'footprint',
    'formats',
    'generator',
    'profile',
    'recorder',
    'report',
    'source',
    'syscalls',
    'util',
    'verifier',
  ],
};
const FORMATS = '(docker|oci|systemd|k8s)';
const NOT_TEST = '\\.test\\.ts$';

const layerRules = Object.entries(MAY_IMPORT).map(([folder, allowed]) => ({
  name: `layer-${folder}`,
  comment: `src/${folder}/ may import only: ${allowed.length === 0 ? 'nothing but errors.ts' : allowed.join(', ')} (docs/architecture.md)`,
  severity: 'error',
  from: { path: `^src/${folder}/`, pathNot: NOT_TEST },
  to: { path: '^src/', pathNot: `^src/(${[folder, ...allowed].join('|')})/|^src/errors\\.ts$` },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    ...layerRules,
    {
      name: 'errors-is-a-leaf',
      severity: 'error',
      from: { path: '^src/errors\\.ts$' },
      to: { path: '^src/' },
    },
    {
      name: 'no-sibling-format',
      comment: 'A format never imports another format; what several share lives in src/formats/shared/.',
      severity: 'error',
      from: { path: `^src/formats/${FORMATS}`, pathNot: NOT_TEST },
      to: { path: `^src/formats/(${FORMATS.slice(1, -1)}|read|export)`, pathNot: '^src/formats/$1' },
    },
    {
      name: 'library-not-cli',
      severity: 'error',
      from: { path: '^src/(?!cli/)' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'src-not-test-bench-scripts',
      severity: 'error',
      from: { path: '^src/', pathNot: NOT_TEST },
      to: { path: '^(test|bench|scripts)/' },
    },
    {
      name: 'probes-are-test-infrastructure',
      comment: 'src/probes/ ships no probe.c in dist/; only tests and the probes themselves use it.',
      severity: 'error',
      from: { path: '^src/(?!probes/)', pathNot: NOT_TEST },
      to: { path: '^src/probes/' },
    },
    {
      name: 'src-not-dev-dependency',
      comment: 'The shipped library must not need a devDependency (fast-check, tsx, …) at run time.',
      severity: 'error',
      from: { path: '^src/', pathNot: NOT_TEST },
      to: { dependencyTypes: ['npm-dev'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
