// JSON Schema (draft-07) of the footprint format, schemaVersion 1. Validated with ajv; the same
// object is published as docs/footprint.schema.json (a test keeps the two equal).

const count = { type: 'integer', minimum: 0 } as const;
const argIndex = { type: 'integer', minimum: 0, maximum: 5 } as const;
const argValue = { type: 'string', pattern: '^[0-9]+$' } as const;
const processRef = {
  type: 'object',
  required: ['comm'],
  properties: { comm: { type: 'string' }, exe: { type: 'string' }, pid: count },
  additionalProperties: false,
} as const;

export const FOOTPRINT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://clawfence.dev/schemas/footprint-1.json',
  title: 'clawfence footprint',
  type: 'object',
  required: ['schemaVersion', 'syscalls'],
  properties: {
    schemaVersion: { const: 1 },
    arch: { type: 'string' },
    syscalls: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: {
          type: 'object',
          required: ['count'],
          properties: {
            count,
            nr: count,
            firstBy: processRef,
            runtime: { type: 'boolean' },
            workloads: { type: 'array', items: { type: 'string' } },
            args: {
              type: 'array',
              items: {
                type: 'object',
                required: ['index', 'values'],
                properties: {
                  index: argIndex,
                  values: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['value', 'count'],
                      properties: { value: argValue, count },
                      additionalProperties: false,
                    },
                  },
                },
                additionalProperties: false,
              },
            },
            // Optional and later than args: footprints without it read as before. That every
            // value has one entry per index is checked by the parser (parse.ts), not here.
            argTuples: {
              type: 'array',
              items: {
                type: 'object',
                required: ['indices', 'values'],
                properties: {
                  indices: { type: 'array', items: argIndex, minItems: 2, maxItems: 6, uniqueItems: true },
                  values: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['value', 'count'],
                      properties: { value: { type: 'array', items: argValue, minItems: 2, maxItems: 6 }, count },
                      additionalProperties: false,
                    },
                  },
                },
                additionalProperties: false,
              },
            },
          },
          additionalProperties: false,
        },
      },
    },
    // Optional and later than syscalls: footprints without it read as before (execs not recorded).
    executables: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'count'],
        properties: { path: { type: 'string' }, count, workloads: { type: 'array', items: { type: 'string' } } },
        additionalProperties: false,
      },
    },
    workloads: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'argv', 'exitCode'],
        properties: {
          name: { type: 'string', minLength: 1 },
          argv: { type: 'array', items: { type: 'string' } },
          exitCode: { type: 'integer' },
          image: { type: 'object', required: ['ref'], properties: { ref: { type: 'string' }, id: { type: 'string' } }, additionalProperties: false },
          containerIds: { type: 'array', items: { type: 'string' } },
          startedAt: { type: 'string' },
          endedAt: { type: 'string' },
        },
        additionalProperties: false,
      },
    },
    provenance: {
      type: 'object',
      properties: {
        engine: {
          type: 'object',
          required: ['name'],
          properties: {
            name: { type: 'string' },
            version: { type: 'string' },
            runtime: { type: 'string' },
            runtimeVersion: { type: 'string' },
            host: { type: 'string' },
          },
          additionalProperties: false,
        },
        kernel: { type: 'string' },
        recorder: {
          type: 'object',
          required: ['name', 'version'],
          properties: { name: { enum: ['ebpf', 'ptrace'] }, version: { type: 'string' }, note: { type: 'string' } },
          additionalProperties: false,
        },
        clawfence: { type: 'string' },
        createdAt: { type: 'string' },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
} as const;
