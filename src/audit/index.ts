// The audit's public API: re-exports only.

export { auditProfile, summarize, type AuditOptions } from './audit.js';
export { failOn, parseSeverity } from './fail-on.js';
export { RISK_CATALOG, riskOf, type RiskEntry } from '../catalog/dangerous.js';
export { AUDIT_RULES, type AuditRule, type AuditRuleId } from './rules.js';
export { DOCKER_DEFAULT_NAME, loadDockerDefault } from '../catalog/reference.js';
export { computeSurface, type AbiSurface, type Permission } from '../evaluator/surface.js';
export {
  RISK_CATEGORIES,
  SEVERITIES,
  isSeverity,
  severityRank,
  type AbiCounts,
  type AuditReport,
  type AuditSummary,
  type Category,
  type Finding,
  type RiskCategory,
  type Severity,
} from './model.js';
export { renderAuditTable, type TableOptions } from './render/table.js';
export { auditReportToObject, renderAuditJson } from './render/json.js';
export { auditReportToSarif, renderAuditSarif, sarifLevel, type SarifOptions } from './render/sarif.js';
export { locatorFromTree, type Locate } from '../source/located-json.js';
export { countTiers, describeTierCounts, RISK_ABIS, syscallRisk, syscallRiskCatalog, tierOf, type TierCounts } from '../catalog/syscall-risk.js';
export { RISK_FAMILIES, RISK_FAMILY_HELP, TIERS, TIER_HELP, type RiskFamily, type SyscallRisk, type Tier } from '../catalog/model.js';
