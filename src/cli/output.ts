// Terminal output helpers: colour only on a TTY without NO_COLOR, JSON printing with bigints.

import pc from 'picocolors';

export interface OutputOptions {
  json: boolean;
  color: boolean;
}

/** Colour when stdout is a TTY and NO_COLOR is unset (https://no-color.org), unless --no-color. */
export function wantColor(flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '') return false;
  return process.stdout.isTTY === true;
}

export function colors(enabled: boolean): ReturnType<typeof pc.createColors> {
  return pc.createColors(enabled);
}

/** JSON with bigints as exact decimal strings, 2-space indent, trailing newline. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;
}

// A reader that goes away early (`clawfence diff … | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

export function write(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}
