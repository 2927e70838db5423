// clawfence's public library API: re-exports only.

export { ClawfenceError, EXIT, type ErrorCode, type SourceLocation } from './errors.js';
export { ARCHES, ARCH_INFO, familyAbis, hostArch, lookupArch, parseArch, type Arch, type ArchInfo } from './syscalls/arch.js';
export { abisOf, isKnownSyscall, resolveSyscall, syscallName, syscallNumber, syscallsOf, SYSCALL_TABLE_SOURCE } from './syscalls/table.js';
export { ERRNO, errnoName } from './syscalls/errno.js';
export * from './profile/model.js';
export { decodeProfile } from './formats/shared/decode.js';
export { formatIssue, issuesToError, type Issue, type IssueCode, type ParseResult } from './source/issues.js';
export { parseDockerProfile, printDockerProfile } from './formats/docker.js';
export { resolveProfile, ruleExclusion, filterArches, type HostContext } from './profile/resolve.js';
export { decide, type Decision, type DecisionSource } from './evaluator/evaluate.js';
export { writeFileAtomic } from './util/atomic-write.js';
export * from './audit/index.js';
export * from './footprint/model.js';
export { decodeFootprint, loadFootprint, parseFootprint } from './footprint/parse.js';
export { loadProfile, parseProfileText, type LoadedProfile, type ProfileFormat } from './formats/read.js';
export { EXPORT_FORMATS, exportProfile, type ExportFormat, type ExportOptions, type ExportResult } from './formats/export.js';
export { argFamily, describeArgValue, namedArguments, parseArgExpression } from './syscalls/constants.js';
export { GROUPS, describeGroups, groupMembers, groupsOf, isGroup, summarizeGroups } from './syscalls/groups.js';
export { compiledFilter, conditionsHold, conflicts, type Conflict, type Considered, type EvaluateOptions } from './evaluator/evaluate.js';
export { normalizeProfile } from './profile/normalize.js';
export {
  diffConcrete,
  diffProfiles,
  formatDiff,
  type AbiDiff,
  type ArgChange,
  type ArgRange,
  type DiffOptions,
  type DiffResult,
  type SideVerdict,
  type SyscallDiff,
} from './diff/index.js';
export type { Verdict } from './evaluator/libseccomp/actions.js';
export * from './generator/index.js';
export { discoverEngine, engineEnv, probeEngines, CLAWFENCE_DOCKER_HOST, type DiscoverOptions, type EngineProbe } from './engine/discover.js';
export type { Engine, EngineInfo, EngineSource } from './engine/engine-info.js';
export { runDoctor, type DoctorOptions } from './doctor/run.js';
export { formatDoctorReport } from './doctor/render.js';
export type { DoctorCheck, DoctorReport } from './doctor/model.js';
export { recordWorkload, recordingProfile, type RecordOptions, type RecordResult } from './recorder/record.js';
export * from './footprint/runtime-calibration.js';
export {
  calibrateRuntime,
  ensureCalibration,
  engineRuntime,
  DEFAULT_CALIBRATION_RUNS,
  type CalibrateOptions,
  type EnsureOptions,
  type EnsureResult,
} from './recorder/calibrate.js';
export {
  calibrationsFor,
  calibrationPath,
  readCalibration,
  runtimeCacheDir,
  writeCalibration,
  RUNTIME_CACHE_DIR,
  type FootprintCalibrations,
} from './recorder/calibration-cache.js';
export { verifyWorkload, deniedCalls, complainProfile, type VerifyOptions, type VerifyResult, type DeniedCall } from './verifier/verify.js';
export { profileWorkloads, type ProfileOptions, type ProfileResult } from './pipeline/profile-workloads.js';
export { computeCoverage, describeCoverage, type CoverageReport, type CoverageRun, type GeneralisedSyscall, type RiskTier } from './pipeline/coverage.js';
export { loadWorkloads, parseWorkloads, type Workload, type WorkloadFile } from './pipeline/workloads.js';
export { parseRunCommand, withRunOptions, checkRunCommand, type RunCommand } from './engine/run-argv.js';
