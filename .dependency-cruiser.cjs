// Architecture rules: no cycles; the profile model (IR) and syscall tables never import adapters.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'ir-free-of-adapters',
      comment: 'The IR depends only on the syscall tables; formats, CLI, audit depend on it, not the reverse.',
      severity: 'error',
      from: { path: '^src/(profile/(model|decode|resolve|evaluate|normalize|diff|issues|json-source|vocabulary|libseccomp)|syscalls)', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/(cli|audit|profile/formats|recorder|runtime|vault|generator)' },
    },
    {
      name: 'library-not-cli',
      severity: 'error',
      from: { path: '^src/(?!cli)' },
      to: { path: '^src/cli' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
