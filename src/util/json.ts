// JSON text with exact 64-bit integers: like JSON.stringify(value, null, indent), but a bigint is
// written as its decimal digits. Hand-written because Node 20 has no JSON.rawJSON and a marker
// string inside JSON.stringify's output could collide with user text (a rule comment).

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
