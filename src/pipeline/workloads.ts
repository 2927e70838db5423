// Workload files: the runs a tool author wants profiled and verified, with what counts as success
// and any loopback test server a run needs. Validated with ajv; errors are located.

import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { ClawfenceError } from '../errors.js';
import { issuesToError, oneLine, type Issue } from '../source/issues.js';
import { childPath, parseLocatedJson, type LocatedJson } from '../source/located-json.js';

export interface Workload {
  name: string;
  argv: string[];
  /** A loopback test server the run needs; ready once the port accepts (readyStdout is informative). */
  server?: { argv: string[]; port: number; readyStdout?: string };
  expectExit?: number;
  expectStdout?: string;
}

export interface WorkloadFile {
  example?: string;
  image?: string;
  workloads: Workload[];
}

const SCHEMA = {
  type: 'object',
  required: ['workloads'],
  properties: {
    example: { type: 'string' },
    image: { type: 'string' },
    workloads: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'argv'],
        properties: {
          name: { type: 'string', minLength: 1 },
          argv: { type: 'array', minItems: 3, items: { type: 'string' } },
          server: {
            type: 'object',
            required: ['argv', 'port'],
            properties: {
              argv: { type: 'array', minItems: 1, items: { type: 'string' } },
              port: { type: 'integer', minimum: 1, maximum: 65535 },
              readyStdout: { type: 'string' },
            },
            additionalProperties: false,
          },
          expectExit: { type: 'integer', minimum: 0, maximum: 255 },
          expectStdout: { type: 'string' },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
} as const;

const validate = new Ajv({ allErrors: true }).compile(SCHEMA);

function plain(n: LocatedJson): unknown {
  if (n.kind === 'object') return Object.fromEntries(n.entries.map(([k, v]) => [k, plain(v)]));
  if (n.kind === 'array') return n.items.map(plain);
  if (n.kind === 'null') return null;
  return n.value;
}

function find(root: LocatedJson, pointer: string): LocatedJson {
  let node = root;
  for (const seg of pointer.split('/').slice(1)) {
    const next: LocatedJson | undefined =
      node.kind === 'array' ? node.items[Number(seg)] : node.kind === 'object' ? node.entries.findLast(([k]) => k === seg)?.[1] : undefined;
    if (next === undefined) break;
    node = next;
  }
  return node;
}

export function parseWorkloads(text: string, file: string): WorkloadFile {
  const { tree, issues } = parseLocatedJson(text);
  if (tree === undefined) throw issuesToError(file, issues);
  const value = plain(tree);
  if (!validate(value)) {
    const list: Issue[] = (validate.errors ?? []).map((e) => {
      const n = find(tree, e.instancePath);
      const extra = (e.params as { additionalProperty?: string }).additionalProperty;
      return {
        severity: 'error',
        code: 'schema',
        message: oneLine(extra === undefined ? `${n.path} ${e.message ?? 'is invalid'}` : `unknown key ${JSON.stringify(extra)}`),
        path: extra === undefined ? n.path : oneLine(childPath(n.path, extra)),
        line: n.line,
        column: n.column,
        hint: 'see docs/workloads.md',
      };
    });
    throw issuesToError(file, list);
  }
  const wf = value as WorkloadFile;
  wf.workloads.forEach((w, i) => {
    if (w.expectStdout === undefined) return;
    try {
      new RegExp(w.expectStdout);
    } catch (e) {
      const n = find(tree, `/workloads/${i}/expectStdout`);
      throw issuesToError(file, [
        {
          severity: 'error',
          code: 'regex',
          message: oneLine(`expectStdout is not a regular expression: ${(e as Error).message}`),
          path: n.path,
          line: n.line,
          column: n.column,
        },
      ]);
    }
  });
  const names = new Set<string>();
  for (const w of wf.workloads) {
    if (names.has(w.name)) throw new ClawfenceError('bad-input', `${file}: two workloads are named '${w.name}'`, { hint: 'give each workload its own name' });
    names.add(w.name);
  }
  return wf;
}

export function loadWorkloads(file: string): WorkloadFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ClawfenceError('not-found', `cannot read workloads file ${file}`, { hint: 'check the path given to --workloads', cause: e });
  }
  return parseWorkloads(text, file);
}
