// Reading footprint files: valid ones, every problem located with a hint, and fuzzed garbage
// that must only ever produce located issues.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ClawfenceError } from '../errors.js';
import type { Issue, ParseResult } from '../source/issues.js';
import { parseLocatedJson } from '../source/located-json.js';
import { footprintAbis, usedSyscalls, type Footprint } from './model.js';
import { decodeFootprint, loadFootprint, parseFootprint } from './parse.js';

const VALID = `{
  "schemaVersion": 1,
  "arch": "x86_64",
  "syscalls": {
    "x86_64": { "read": { "count": 12 }, "write": { "count": 3 }, "getpid": { "count": 0 } },
    "x86": { "socketcall": { "count": 1 } }
  }
}`;

function issues(text: string): Issue[] {
  const r = parseFootprint(text);
  assert.equal(r.ok, false, 'the input is rejected');
  return r.issues;
}

describe('parseFootprint', () => {
  it('reads a valid footprint', () => {
    const r = parseFootprint(VALID);
    assert.ok(r.ok);
    assert.deepEqual(r.issues, []);
    assert.equal(r.value.arch, 'x86_64');
    assert.deepEqual(footprintAbis(r.value), ['x86_64', 'x86']);
    assert.deepEqual([...usedSyscalls(r.value, 'x86_64')].sort(), ['read', 'write'], 'count 0 is not a use');
    assert.deepEqual([...usedSyscalls(r.value, 'x32')], []);
  });

  it('reports every problem at once, each with path, line and column', () => {
    const text = `{
  "schemaVersion": 2,
  "syscalls": {
    "amd64": {},
    "x86_64": { "raed": { "count": 1 }, "socketcall": { "count": 1 }, "write": { "count": -1 }, "read": {} }
  }
}`;
    const is = issues(text);
    const by = (code: string) => is.filter((i) => i.code === code);
    assert.deepEqual(
      by('unsupported-version').map((i) => [i.path, i.line, i.column]),
      [['$.schemaVersion', 2, 20]],
    );
    assert.deepEqual(
      by('unknown-arch').map((i) => i.path),
      ['$.syscalls.amd64'],
    );
    assert.match(by('unknown-arch')[0]?.message ?? '', /'x86_64'/);
    assert.deepEqual(
      by('unknown-syscall').map((i) => [i.path, i.hint]),
      [['$.syscalls.x86_64.raed', "did you mean 'read'?"]],
    );
    assert.deepEqual(
      by('syscall-not-on-abi').map((i) => i.path),
      ['$.syscalls.x86_64.socketcall'],
    );
    assert.deepEqual(
      by('type').map((i) => i.path),
      ['$.syscalls.x86_64.write.count'],
    );
    assert.deepEqual(
      by('missing').map((i) => i.path),
      ['$.syscalls.x86_64.read'],
    );
    for (const i of is) assert.ok(i.line !== undefined && i.line >= 1 && i.column !== undefined && i.column >= 1);
  });

  it('reads provenance and argument values, and rejects unknown keys (the schema is versioned)', () => {
    const r = parseFootprint(
      '{"schemaVersion":1,"provenance":{"kernel":"6.1"},"syscalls":{"x86_64":{"read":{"count":1,"args":[{"index":0,"values":[{"value":"17","count":2}]}]}}}}',
    );
    assert.ok(r.ok);
    assert.deepEqual(r.issues, []);
    const bad = issues('{"schemaVersion":1,"provenanse":{},"syscalls":{"x86_64":{"read":{"count":1,"argz":[]}}}}');
    assert.deepEqual(
      bad.map((i) => [i.severity, i.code, i.path]),
      [
        ['error', 'unknown-key', '$.provenanse'],
        ['error', 'unknown-key', '$.syscalls.x86_64.read.argz'],
      ],
    );
  });

  it('reads a footprint without argTuples as before: one written before tuples were recorded', () => {
    // What clawfence record wrote before argument tuples (socket: the family alone).
    const old =
      '{"schemaVersion":1,"arch":"x86_64","syscalls":{"x86_64":{"socket":{"count":3,"nr":41,"firstBy":{"comm":"curl","exe":"curl","pid":9},"workloads":["w"],"args":[{"index":0,"values":[{"value":"2","count":2},{"value":"10","count":1}]}]}}},"provenance":{"recorder":{"name":"ebpf","version":"1"}}}';
    const r = parseFootprint(old);
    assert.ok(r.ok);
    assert.deepEqual(r.issues, []);
    assert.equal(r.value.syscalls.x86_64?.['socket']?.argTuples, undefined);
    assert.deepEqual(
      r.value.syscalls.x86_64?.['socket']?.args?.[0]?.values.map((v) => v.value),
      ['2', '10'],
    );
  });

  it('reads the executables (recorder 3), and locates an entry without a count or with an unknown key', () => {
    const good = '{"schemaVersion":1,"syscalls":{},"executables":[{"path":"/bin/sh","count":2,"workloads":["w"]}]}';
    const r = parseFootprint(good);
    assert.ok(r.ok);
    assert.deepEqual(r.value.executables, [{ path: '/bin/sh', count: 2, workloads: ['w'] }]);
    const bad = parseFootprint('{"schemaVersion":1,"syscalls":{},\n"executables":[{"path":"/bin/sh"},\n {"path":"/x","count":1,"exe":"x"}]}');
    assert.ok(!bad.ok);
    assert.deepEqual(
      bad.issues.map((i) => `${i.path} ${i.line}:${i.column} ${i.message}`),
      ["$.executables[0] 2:16 executables[0] has no 'count'", '$.executables[1].exe 3:31 unknown key "exe"'],
    );
  });

  it('reads argument tuples, and locates a tuple of the wrong length, indices out of order and values that are not decimal', () => {
    const use = (tuples: string): string =>
      `{"schemaVersion":1,"syscalls":{"x86_64":{"socket":{"count":2,"args":[{"index":0,"values":[{"value":"16","count":2}]}],"argTuples":${tuples}}}}}`;
    const r = parseFootprint(use('[{"indices":[0,1,2],"values":[{"value":["16","3","0"],"count":1},{"value":["16","3","9"],"count":1}]}]'));
    assert.ok(r.ok);
    assert.deepEqual(r.value.syscalls.x86_64?.['socket']?.argTuples, [
      {
        indices: [0, 1, 2],
        values: [
          { value: ['16', '3', '0'], count: 1 },
          { value: ['16', '3', '9'], count: 1 },
        ],
      },
    ]);
    const shortText = use('[{"indices":[0,1,2],"values":[{"value":["16","3","0"],"count":1},{"value":["16","3"],"count":1}]}]');
    const short = issues(shortText);
    assert.deepEqual(
      short.map((i) => [i.code, i.path, i.message]),
      [['schema', '$.syscalls.x86_64.socket.argTuples[0].values[1].value', 'a tuple of 2 values for 3 argument indices']],
    );
    assert.equal(short[0]?.column, shortText.indexOf('["16","3"]') + 1, 'at the short tuple');
    const order = issues(use('[{"indices":[1,0],"values":[]}]'));
    assert.deepEqual(
      order.map((i) => [i.code, i.path]),
      [['schema', '$.syscalls.x86_64.socket.argTuples[0].indices']],
    );
    assert.match(order[0]?.hint ?? '', /ascending/);
    const shape = issues(use('[{"indices":[0],"values":[{"value":["0x10"],"count":1}]},{"indices":[0,0,6],"values":[],"mask":1}]'));
    assert.deepEqual(
      shape.map((i) => [i.code, i.path]),
      [
        ['type', '$.syscalls.x86_64.socket.argTuples[0].indices'],
        ['type', '$.syscalls.x86_64.socket.argTuples[0].values[0].value'],
        ['type', '$.syscalls.x86_64.socket.argTuples[0].values[0].value[0]'],
        ['unknown-key', '$.syscalls.x86_64.socket.argTuples[1].mask'],
        ['type', '$.syscalls.x86_64.socket.argTuples[1].indices[2]'],
        ['type', '$.syscalls.x86_64.socket.argTuples[1].indices'],
      ],
    );
  });

  it('reports JSON syntax errors and missing fields with positions', () => {
    assert.equal(issues('{"schemaVersion": 1,')[0]?.code, 'json-syntax');
    assert.deepEqual(
      issues('{}').map((i) => i.code),
      ['missing', 'missing'],
    );
    assert.equal(issues('[]')[0]?.code, 'type');
    assert.equal(issues('{"schemaVersion":1,"syscalls":{"x86_64":{"read":{"count":1}}},"syscalls":{}}')[0]?.code, 'duplicate-key');
  });

  it('loadFootprint throws located bad-input and not-found errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-fp-'));
    try {
      const good = join(dir, 'good.json');
      writeFileSync(good, VALID);
      assert.equal(loadFootprint(good).footprint.arch, 'x86_64');
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, '{"schemaVersion": 1, "syscalls": {"x86_64": {"raed": {"count": 1}}}}');
      assert.throws(
        () => loadFootprint(bad),
        (e: unknown) => e instanceof ClawfenceError && e.code === 'bad-input' && e.location?.path === '$.syscalls.x86_64.raed' && e.location.line === 1,
      );
      assert.throws(
        () => loadFootprint(join(dir, 'missing.json')),
        (e: unknown) => e instanceof ClawfenceError && e.code === 'not-found',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never crashes on 10,000 malformed inputs and locates every error', () => {
    const chars = fc.constantFrom(...'{}[]":,0123456789-.eE truefalsnl\\x86_64readcount'.split(''));
    const mutated = fc
      .tuple(fc.nat({ max: VALID.length }), fc.nat({ max: 8 }), fc.array(chars, { maxLength: 6 }))
      .map(([at, del, ins]) => VALID.slice(0, at) + ins.join('') + VALID.slice(at + del));
    const shaped = fc
      .record(
        {
          schemaVersion: fc.oneof(fc.constant(1), fc.jsonValue()),
          syscalls: fc.oneof(
            fc.jsonValue(),
            fc.dictionary(
              fc.constantFrom('x86_64', 'x86', 'amd64', '__proto__', ''),
              fc.dictionary(fc.constantFrom('read', 'raed', 'socketcall', 'constructor'), fc.oneof(fc.record({ count: fc.jsonValue() }), fc.jsonValue())),
            ),
          ),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o));
    let rejected = 0;
    fc.assert(
      fc.property(fc.oneof(mutated, shaped, fc.string()), (text) => {
        const r = parseFootprint(text);
        for (const i of r.issues) {
          assert.ok(i.path.startsWith('$'), i.path);
          assert.ok(typeof i.line === 'number' && i.line >= 1 && typeof i.column === 'number' && i.column >= 1, JSON.stringify(i));
          assert.ok(i.message.length > 0);
        }
        if (!r.ok) {
          rejected++;
          assert.ok(r.issues.some((i) => i.severity === 'error'));
        }
      }),
      { numRuns: 10_000 },
    );
    assert.ok(rejected > 5_000, `only ${rejected} inputs were malformed`);
  });

  it('gives what the located parse gives, JSON.parse path or not (duplicate keys, bad names, odd JSON, argument tuples)', () => {
    // The located parse alone, as parseFootprint did before it tried JSON.parse first.
    const located = (text: string): ParseResult<Footprint> => {
      const { tree, issues: syntax } = parseLocatedJson(text);
      if (tree === undefined) return { ok: false, issues: syntax };
      const r = decodeFootprint(tree);
      const all = [...syntax, ...r.issues];
      return r.ok && !all.some((i) => i.severity === 'error') ? { ok: true, value: r.value, issues: all } : { ok: false, issues: all };
    };
    // Mostly valid, with a few of each kind of problem.
    const often = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>): fc.Arbitrary<T | U> =>
      fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: bad });
    const name = often(fc.constantFrom('read', 'write', 'getpid', 'clone'), fc.constantFrom('raed', 'socketcall', '__proto__', 'a"b', 'x:y'));
    const tuple = fc.record({
      indices: often(fc.constantFrom([0, 1, 2], [1, 2]), fc.constantFrom([2, 1], [0, 0])),
      values: fc.array(fc.record({ value: often(fc.constant(['2', '1', '0']), fc.constantFrom(['2'], ['1', '2', '3', '4'])), count: fc.nat() }), {
        maxLength: 2,
      }),
    });
    const use = fc.record(
      {
        count: often(fc.nat(), fc.constant(-1)),
        nr: fc.nat(),
        workloads: fc.array(fc.constantFrom('w', 'a:b', '"', '\\')),
        argTuples: fc.array(tuple, { maxLength: 1 }),
      },
      { requiredKeys: ['count'] },
    );
    const footprint = fc.record(
      {
        schemaVersion: often(fc.constant(1), fc.constant(2)),
        arch: often(fc.constant('x86_64'), fc.constantFrom('amd64', 'x86')),
        syscalls: fc.dictionary(often(fc.constantFrom('x86_64', 'x86', 'x32'), fc.constant('amd64')), fc.dictionary(name, use, { maxKeys: 6 }), { maxKeys: 3 }),
      },
      { requiredKeys: ['schemaVersion', 'syscalls'] },
    );
    // Text variants: pretty or compact, a key repeated, a BOM, whitespace JSON does not allow.
    const odd = often(fc.constant(''), fc.constantFrom('dup', 'bom', 'nbsp'));
    const text = fc.tuple(footprint, fc.boolean(), odd).map(([fp, pretty, how]) => {
      const t = JSON.stringify(fp, null, pretty ? 2 : undefined);
      switch (how) {
        case 'dup':
          return t.replace('"schemaVersion":', '"arch": "x86_64", "schemaVersion":');
        case 'bom':
          return `\uFEFF${t}`;
        case 'nbsp':
          return t.replace('{', '{\u00a0');
        default:
          return t;
      }
    });
    let quick = 0;
    fc.assert(
      fc.property(text, (t) => {
        const r = parseFootprint(t);
        assert.deepEqual(r, located(t));
        if (r.ok) quick++;
      }),
      { numRuns: 2_000 },
    );
    assert.ok(quick > 200 && quick < 1_800, `${quick} of 2,000 inputs were valid`);
  });
});

describe('footprint schema', () => {
  it('docs/footprint.schema.json is the schema the parser validates with', async () => {
    const { readFileSync } = await import('node:fs');
    const { FOOTPRINT_SCHEMA } = await import('./schema.js');
    const published: unknown = JSON.parse(readFileSync(new URL('../../docs/footprint.schema.json', import.meta.url), 'utf8'));
    assert.deepEqual(published, FOOTPRINT_SCHEMA, 'regenerate docs/footprint.schema.json from src/footprint/schema.ts');
  });

  it('is a valid draft-07 schema (the parser skips that check to load faster)', async () => {
    const { Ajv } = await import('ajv');
    const { FOOTPRINT_SCHEMA } = await import('./schema.js');
    const ajv = new Ajv({ strict: true });
    assert.equal(ajv.validateSchema(FOOTPRINT_SCHEMA), true, ajv.errorsText());
  });
});
