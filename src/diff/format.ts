// The diff as human-readable lines, one per difference, grouped by ABI. Deterministic.

import { ARCH_INFO, type Arch } from '../syscalls/arch.js';
import { errnoName } from '../syscalls/errno.js';
import { type ArgRange, type DiffOptions, type DiffResult, type MaskFact, type SideVerdict } from './model.js';
import { argMax } from './changes.js';

export function hexOrDec(v: bigint): string {
  return v < 0x10000n ? v.toString() : `0x${v.toString(16)}`;
}

export function formatSideAction(v: Pick<SideVerdict, 'action' | 'errno'>): string {
  if (v.errno === undefined) return v.action;
  return v.action === 'errno' ? `errno ${errnoName(v.errno)}` : `${v.action} ${v.errno}`;
}

const OP_TEXT: Readonly<Record<MaskFact['op'], string>> = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' };

/** One argument range as text ("arg0=40 AF_VSOCK", "arg0&0x10000000==0x10000000"), for one ABI. */
export function formatRangeText(name: string, r: ArgRange, abi: Arch, describe?: DiffOptions['describe']): string {
  return formatRange(name, r, ARCH_INFO[abi].bits, describe);
}

function formatRange(name: string, r: ArgRange, bits: number, describe: DiffOptions['describe']): string {
  const arg = `arg${r.index}`;
  const max = argMax(bits);
  const named = (v: bigint): string => {
    const d = r.label ?? describe?.(name, r.index, v);
    return d === undefined ? hexOrDec(v) : `${hexOrDec(v)} ${d}`;
  };
  const parts: string[] = [];
  if (r.words !== undefined) {
    parts.push(`${arg} high word=${hexOrDec(r.words.hi[0])}..${hexOrDec(r.words.hi[1])} low word=${hexOrDec(r.words.lo[0])}..${hexOrDec(r.words.lo[1])}`);
  } else if (r.lo === r.hi) parts.push(`${arg}=${named(r.lo)}`);
  else if (r.lo === 0n && r.hi !== max) parts.push(`${arg}<=${hexOrDec(r.hi)}`);
  else if (r.lo !== 0n && r.hi === max) parts.push(`${arg}>=${hexOrDec(r.lo)}`);
  else if (r.lo !== 0n || r.hi !== max) parts.push(`${arg}=${hexOrDec(r.lo)}..${hexOrDec(r.hi)}`);
  for (const m of r.masks) parts.push(`${arg}&${hexOrDec(m.mask)}${OP_TEXT[m.op]}${hexOrDec(m.value)}`);
  if (r.words !== undefined) parts.push(`e.g. ${named(r.example)}`);
  return parts.join(' ');
}

function formatSide(label: string, v: SideVerdict): string {
  const why = [
    ...(v.rules.length > 0 ? [`rule${v.rules.length > 1 ? 's' : ''} ${v.rules.map((r) => `#${r}`).join(', ')}`] : []),
    ...v.by.filter((b) => b !== 'rule').map((b) => (b === 'bad-arch' ? 'ABI not in filter' : b)),
  ];
  return `${label} ${formatSideAction(v)} (${why.join(', ')})`;
}

/** Human-readable lines, one per difference, grouped by ABI. Deterministic. */
export function formatDiff(r: DiffResult, opts: { labels?: [string, string]; describe?: DiffOptions['describe'] } = {}): string[] {
  const [la, lb] = opts.labels ?? ['A', 'B'];
  const lines: string[] = [];
  for (const d of r.abis) {
    if (d.isEmpty) {
      lines.push(`${d.abi}: no difference${d.sampled.length > 0 ? ` found (${d.sampled.join(', ')} checked on a sample of argument values)` : ''}`);
      continue;
    }
    const where = d.inA && d.inB ? '' : ` (only ${d.inA ? la : lb} handles this ABI; the other kills the thread)`;
    lines.push(`${d.abi}:${where}`);
    for (const g of d.unruled) {
      const list = g.syscalls.length > 8 ? `${g.syscalls.slice(0, 8).join(', ')}, … (${g.syscalls.length})` : g.syscalls.join(', ');
      lines.push(`  ${list}: ${formatSide(la, g.a)} → ${formatSide(lb, g.b)}`);
    }
    if (d.beyondTable !== undefined) {
      lines.push(`  numbers past the table (≥ ${d.beyondTable.nr}): ${formatSide(la, d.beyondTable.a)} → ${formatSide(lb, d.beyondTable.b)}`);
    }
    for (const s of d.syscalls) {
      for (const c of s.changes) {
        const args = c.args.map((x) => formatRange(s.name, x, ARCH_INFO[d.abi].bits, opts.describe)).join(', ');
        lines.push(`  ${s.name}${args === '' ? '' : `(${args})`}: ${formatSide(la, c.a)} → ${formatSide(lb, c.b)}${s.approximate ? ' [for example]' : ''}`);
      }
    }
    if (d.sampled.length > 0) lines.push(`  (checked on a sample of argument values, not every one: ${d.sampled.join(', ')})`);
  }
  for (const [label, list] of [
    [la, r.conflicts.a],
    [lb, r.conflicts.b],
  ] as const) {
    if (list.length > 0)
      lines.push(`${label} would not load (the runtime refuses it): ${list[0]?.message ?? ''}${list.length > 1 ? ` (+${list.length - 1} more)` : ''}`);
  }
  if (r.flags.onlyA.length > 0) lines.push(`flags only in ${la}: ${r.flags.onlyA.join(', ')}`);
  if (r.flags.onlyB.length > 0) lines.push(`flags only in ${lb}: ${r.flags.onlyB.join(', ')}`);
  for (const l of r.listener) lines.push(`${l.field}: ${la} ${l.a ?? '(unset)'} → ${lb} ${l.b ?? '(unset)'}`);
  return lines;
}
