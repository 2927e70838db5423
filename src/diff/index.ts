// Semantic diff of two profiles by argument classes (docs/diff.md): the public entry point.

export { argClasses } from './arg-classes.js';
export { diffConcrete, diffProfiles } from './diff-profiles.js';
export { formatDiff, formatSideAction, hexOrDec } from './format.js';
export type { AbiDiff, ArgChange, ArgRange, DiffOptions, DiffResult, DiffTuning, MaskFact, SideVerdict, SyscallDiff } from './model.js';
