// JSON path → line:column for a parsed profile file, for SARIF regions and table "where" columns.

import type { LocatedJson } from '../../source/located-json.js';

export type Locate = (path: string) => { line: number; column: number } | undefined;

/** Indexes every node of a located JSON tree by its path. */
export function locatorFromTree(tree: LocatedJson): Locate {
  const m = new Map<string, { line: number; column: number }>();
  const walk = (n: LocatedJson): void => {
    m.set(n.path, { line: n.line, column: n.column });
    if (n.kind === 'object') for (const [, v] of n.entries) walk(v);
    else if (n.kind === 'array') for (const v of n.items) walk(v);
  };
  walk(tree);
  return (path) => m.get(path);
}
