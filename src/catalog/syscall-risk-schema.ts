// JSON Schema (draft-07) of data/catalog/syscall-risk.json, checked with ajv by syscall-risk.ts.
// The dangerous tier carries the audit's fields (category, severity, capability,
// namespaceFlagsArg); the other tiers may not.

import { RISK_FAMILIES, RISK_CATEGORIES, SEVERITIES, TIERS } from './model.js';

export const SYSCALL_RISK_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['entries'],
  additionalProperties: false,
  properties: {
    $comment: { type: 'string' },
    entries: {
      type: 'array',
      items: {
        type: 'object',
        required: ['syscall', 'tier', 'family', 'reason', 'sources'],
        additionalProperties: false,
        properties: {
          syscall: { type: 'string', minLength: 1 },
          tier: { enum: [...TIERS] },
          family: { enum: [...RISK_FAMILIES] },
          category: { enum: [...RISK_CATEGORIES] },
          severity: { enum: [...SEVERITIES] },
          capability: { type: 'string', pattern: '^CAP_[A-Z_]+$' },
          namespaceFlagsArg: { type: 'integer', minimum: 0, maximum: 5 },
          reason: { type: 'string', minLength: 10 },
          sources: { type: 'array', minItems: 1, items: { type: 'string', minLength: 3 } },
        },
        if: { required: ['tier'], properties: { tier: { const: 'dangerous' } } },
        then: { required: ['category', 'severity'] },
        else: { properties: { category: false, severity: false, capability: false, namespaceFlagsArg: false } },
      },
    },
  },
} as const;
