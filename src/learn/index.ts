// The learning loop's public API (docs/learn.md): re-exports only.

export { attribute, cgroupNamesContainer, NOT_ATTRIBUTED_TEXT, type Attribution, type AttributionOptions, type NotAttributed } from './attribute.js';
export { fullRatelimitWindows, learnFromLog, type LearnOptions, type LearnResult } from './learn.js';
export { describeLearnRefusal, enforcingBase, groupRecords, propose, type Learned, type LearnRefusal, type Proposal, type ProposeOptions } from './propose.js';
export {
  abiOf,
  auditFields,
  decodeCode,
  parseKernelLog,
  type ParsedLog,
  type RecordAction,
  type SeccompRecord,
  type Suppression,
  type SuppressionKind,
} from './records.js';
export { parseTimeSpec } from './since.js';
export { AUDIT_LOG, cgroupOfPid, printkRatelimit, LOG_SOURCES, readKernelLog, readKmsg, type LogSource, type LogText } from './sources.js';
