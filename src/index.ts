// clawfence's public library API: re-exports only.

export { ClawfenceError, EXIT, type ErrorCode, type SourceLocation } from './errors.js';
export { ARCHES, ARCH_INFO, familyAbis, hostArch, lookupArch, parseArch, type Arch, type ArchInfo } from './syscalls/arch.js';
export { abisOf, isKnownSyscall, resolveSyscall, syscallName, syscallNumber, syscallsOf, SYSCALL_TABLE_SOURCE } from './syscalls/table.js';
export { ERRNO, errnoName } from './syscalls/errno.js';
export * from './profile/model.js';
export { decodeProfile } from './profile/decode.js';
export { formatIssue, issuesToError, type Issue, type ParseResult } from './profile/issues.js';
export { parseDockerProfile, printDockerProfile } from './profile/formats/docker.js';
export { resolveProfile, ruleExclusion, filterArches, type HostContext } from './profile/resolve.js';
export { decide, type Decision, type DecisionSource } from './profile/evaluate.js';
export { writeFileAtomic } from './util/atomic-write.js';
export * from './audit/index.js';
export * from './footprint/model.js';
export { decodeFootprint, loadFootprint, parseFootprint } from './footprint/parse.js';
export { loadProfile, parseProfileText, type LoadedProfile, type ProfileFormat } from './profile/load.js';
export { EXPORT_FORMATS, exportProfile, type ExportFormat, type ExportOptions, type ExportResult } from './profile/formats/export.js';
export { argFamily, describeArgValue, namedArguments, parseArgExpression } from './syscalls/constants.js';
export { GROUPS, describeGroups, groupMembers, groupsOf, isGroup, summarizeGroups } from './syscalls/groups.js';
export { compiledFilter, conditionsHold, conflicts, type Conflict, type Considered, type EvaluateOptions } from './profile/evaluate.js';
export { normalizeProfile } from './profile/normalize.js';
export { diffConcrete, diffProfiles, formatDiff, type AbiDiff, type ArgChange, type ArgRange, type DiffOptions, type DiffResult, type SyscallDiff, type Verdict } from './profile/diff.js';
export * from './generator/index.js';
