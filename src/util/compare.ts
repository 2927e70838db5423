// Orders lists of bigints (recorded argument values and their combinations) element by element,
// a shorter list before a longer one with the same start.

export function compareBigintLists(a: readonly bigint[], b: readonly bigint[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x, y] = [a[i] as bigint, b[i] as bigint];
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
