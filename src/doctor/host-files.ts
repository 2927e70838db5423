// Small readers of /proc and /sys for the doctor's checks (absent files are undefined, not errors).

import { access, readFile, stat } from 'node:fs/promises';
import { constants } from 'node:fs';

export async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

export async function fileSize(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

export async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export interface MountEntry {
  source: string;
  target: string;
  type: string;
}

/** The mounts this process sees (/proc/self/mounts), with octal escapes in paths decoded. */
export async function readMounts(): Promise<MountEntry[]> {
  const text = (await readText('/proc/self/mounts')) ?? '';
  const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [source = '', target = '', type = ''] = l.split(' ');
      return { source: unescape(source), target: unescape(target), type };
    });
}
