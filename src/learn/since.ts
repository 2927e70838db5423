// --since/--until: an ISO 8601 time ("2026-12-03T17:10:00Z", a date) or a duration back from now
// ("90s", "15m", "2h", "1d"). Pure: the caller passes now.

import { ClawfenceError } from '../errors.js';

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The time in ms since the epoch. */
export function parseTimeSpec(text: string, nowMs: number, flag = '--since'): number {
  const t = text.trim();
  const rel = /^(\d+)\s*([smhd])$/.exec(t);
  if (rel !== null) return nowMs - Number(rel[1]) * (UNIT_MS[rel[2] ?? 's'] ?? 1000);
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(t)) {
    const ms = Date.parse(t);
    if (Number.isFinite(ms)) return ms;
  }
  if (/^@\d+(\.\d+)?$/.test(t)) return Math.round(Number(t.slice(1)) * 1000);
  throw new ClawfenceError('bad-input', `${flag} ${JSON.stringify(text)}: not a time`, {
    hint: `write an ISO time (2026-12-03T17:10:00Z), epoch seconds (@1796317977) or a duration back from now (90s, 15m, 2h, 1d)`,
  });
}
