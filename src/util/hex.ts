// Hexadecimal text of a 64-bit value, as every report prints masks, flags and syscall arguments.

export function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}
