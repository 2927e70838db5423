// The generator's public API: re-exports only.

export { mergeFootprints, commonProvenance, type MergeOptions } from './merge.js';
export { generateProfile, GENERATE_DEFAULT_ACTIONS, type GenerateDefaultAction, type GenerateOptions, type GenerateResult } from './generate.js';
export { chooseAbis, type AbiChoice } from './abis.js';
export { chooseClone3, type Clone3Policy } from './clone3.js';
export { collectEvidence, type AbiUse, type SyscallEvidence } from './evidence.js';
export { checkSurface, describeWidening, type Gap, type SurfaceCheck, type Widening } from './widening.js';
export { dockerDefaultCounts, type AbiStats, type GenerateStats, type SourceSummary } from './stats.js';
export { describeStats } from './summary.js';
export { ARG_LEVELS, DEFAULT_ARG_LEVEL, type ArgLevel } from './arg-rules.js';
export { describeRefusal, type Refusal } from './doors.js';
export { parseJustification, parseJustificationFile, type Justification } from './justify.js';
export { runtimeAllowance, type RuntimeAllowance } from './runtime-allowance.js';
export { DEFAULT_GENERALIZE_LEVEL, GENERALIZE_LEVELS, generalize, type Addition, type GeneralizeLevel, type Generalization } from './generalize.js';
export { isLogTierRule, LOG_FLAG, LOG_TIER_MARK, logTier, UNRECORDED_MODES, type LogTierOptions, type UnrecordedMode } from './unrecorded.js';
