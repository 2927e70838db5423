// The one JSON writer. Bigints, stated once: files clawfence writes for other programs to enforce or
// read back (profiles, footprints) hold exact 64-bit values, so a bigint is written as a number
// (its decimal digits); `--json` reports write it as a decimal string, since their readers
// commonly parse numbers as doubles. The number writer is hand-written because Node 20 has no
// JSON.rawJSON and a marker string inside JSON.stringify's output could collide with user text
// (a rule comment).

export type BigintStyle = 'number' | 'string';

/** Like JSON.stringify(value, null, indent), but a bigint is written as its decimal digits. */
export function stringifyJson(value: unknown, indent = 2): string {
  const pad = (depth: number): string => ' '.repeat(indent * depth);
  const write = (v: unknown, depth: number): string | undefined => {
    if (typeof v === 'bigint') return v.toString();
    if (v === null || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      const items = v.map((x) => `${pad(depth + 1)}${write(x, depth + 1) ?? 'null'}`);
      return `[\n${items.join(',\n')}\n${pad(depth)}]`;
    }
    if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => [k, write(x, depth + 1)] as const)
        .filter((e): e is readonly [string, string] => e[1] !== undefined);
      if (entries.length === 0) return '{}';
      return `{\n${entries.map(([k, x]) => `${pad(depth + 1)}${JSON.stringify(k)}: ${x}`).join(',\n')}\n${pad(depth)}}`;
    }
    return undefined;
  };
  return write(value, 0) ?? 'null';
}

/** A whole JSON file or report: 2-space indent and a trailing newline; bigints as `bigints` says. */
export function toJsonText(value: unknown, bigints: BigintStyle = 'number'): string {
  if (bigints === 'number') return `${stringifyJson(value)}\n`;
  return `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;
}
