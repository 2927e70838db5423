// What generate requires of its input footprints before it merges them: the schema version it
// reads, known ABIs and syscall names, and one CPU family across all of them.

import { ClawfenceError } from '../errors.js';
import { FOOTPRINT_SCHEMA_VERSION, footprintAbis, type Footprint } from '../footprint/model.js';
import { ARCH_INFO, isArch, type Arch } from '../syscalls/arch.js';
import { abisOf, syscallNumber } from '../syscalls/table.js';

/** "footprint #2" or the label the caller gave (normally the file name). */
export function footprintLabel(labels: readonly string[] | undefined, i: number): string {
  return labels?.[i] ?? `footprint #${i + 1}`;
}

/** Throws bad-input for a footprint generate cannot read: wrong schemaVersion, unknown ABI or name. */
export function checkFootprint(fp: Footprint, label: string): void {
  if ((fp.schemaVersion as unknown) !== FOOTPRINT_SCHEMA_VERSION) {
    throw new ClawfenceError(
      'bad-input',
      `${label} has schemaVersion ${JSON.stringify(fp.schemaVersion)}; this clawfence reads schemaVersion ${FOOTPRINT_SCHEMA_VERSION}`,
      {
        hint: 'upgrade clawfence, or re-record the workload with this version',
      },
    );
  }
  if (fp.arch !== undefined && !isArch(fp.arch)) {
    throw new ClawfenceError('bad-input', `${label}: unknown arch ${JSON.stringify(fp.arch)}`, { hint: 'use a canonical ABI name such as x86_64 or aarch64' });
  }
  for (const [abi, uses] of Object.entries(fp.syscalls)) {
    if (!isArch(abi)) {
      throw new ClawfenceError('bad-input', `${label}: unknown ABI ${JSON.stringify(abi)} in syscalls`, {
        hint: 'use a canonical ABI name such as x86_64, x86 or x32',
      });
    }
    for (const [name, use] of Object.entries(uses ?? {})) {
      if (syscallNumber(abi, name) === undefined) {
        const where = abisOf(name);
        throw new ClawfenceError('bad-input', `${label}: syscall '${name}' does not exist on ${abi}`, {
          hint: where.length === 0 ? 'check the spelling; `clawfence syscalls` lists the known names' : `it exists on: ${where.join(', ')}`,
        });
      }
      if (!Number.isSafeInteger(use.count) || use.count < 0) {
        throw new ClawfenceError('bad-input', `${label}: ${abi} ${name} has count ${String(use.count)}`, {
          hint: 'a count is a whole number of calls, 0 or more',
        });
      }
    }
  }
}

/** The CPU family of a footprint's used ABIs and of its host (undefined when it names neither). */
function familiesOf(fp: Footprint): Set<Arch> {
  const abis: Arch[] = [...footprintAbis(fp), ...(fp.arch === undefined ? [] : [fp.arch])];
  return new Set(abis.map((a) => ARCH_INFO[a].family));
}

/** Throws bad-input unless every footprint comes from one CPU family; returns that family. */
export function checkOneFamily(fps: readonly Footprint[], labels?: readonly string[]): Arch | undefined {
  let family: { arch: Arch; label: string } | undefined;
  for (const [i, fp] of fps.entries()) {
    const label = footprintLabel(labels, i);
    const fams = [...familiesOf(fp)];
    if (fams.length > 1) {
      throw new ClawfenceError('bad-input', `${label} mixes CPU families (${fams.join(', ')}): one host runs only one`, {
        hint: 'split the recording per host; a profile is generated for one CPU family',
      });
    }
    const f = fams[0];
    if (f === undefined) continue;
    if (family === undefined) family = { arch: f, label };
    else if (family.arch !== f) {
      throw new ClawfenceError('bad-input', `cannot merge footprints from different CPU families: ${family.label} is ${family.arch}, ${label} is ${f}`, {
        hint: `generate one profile per CPU family: run generate separately on the ${family.arch} and the ${f} footprints`,
      });
    }
  }
  return family?.arch;
}
