// JSON text for files clawfence writes: 2-space indent, trailing newline.

export function toJsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
