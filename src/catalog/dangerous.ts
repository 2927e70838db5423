// The risk catalog: syscalls a container workload rarely needs and an attacker often wants, with
// a category, a severity and the reason: the dangerous tier of data/catalog/syscall-risk.json
// (syscall-risk.ts loads it). docs/audit.md explains the severity choices.

import { RISK_CATEGORIES, type RiskEntry } from './model.js';
import { syscallRisk, syscallRiskCatalog } from './syscall-risk.js';

export { RISK_CATEGORIES, SEVERITIES, type RiskCategory, type RiskEntry, type Severity } from './model.js';

/**
 * An array filled on first use: RISK_CATALOG is a constant for its callers, but its data is read
 * (and checked with ajv) only when something looks at it, not when the module is imported.
 */
function lazyList<T>(load: () => readonly T[]): readonly T[] {
  let items: readonly T[] | undefined;
  const get = (): readonly T[] => (items ??= load());
  return new Proxy([] as T[], {
    get: (_t, key): unknown => Reflect.get(get(), key),
    has: (_t, key) => Reflect.has(get(), key),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor: (_t, key) => Reflect.getOwnPropertyDescriptor(get(), key),
    set: () => false,
    deleteProperty: () => false,
    defineProperty: () => false,
  });
}

/** The dangerous tier of data/catalog/syscall-risk.json, by category (in RISK_CATEGORIES order), then by name. */
export const RISK_CATALOG: readonly RiskEntry[] = lazyList(() =>
  RISK_CATEGORIES.flatMap((c) => syscallRiskCatalog().flatMap((e) => (e.risk?.category === c ? [e.risk] : []))),
);

export function riskOf(syscall: string): RiskEntry | undefined {
  return syscallRisk(syscall)?.risk;
}

/** CLONE_NEW* flags, as clone(2) and unshare(2) take them. CLONE_NEWTIME (0x80) overlaps the
 * exit-signal bits of clone, so only unshare and clone3 accept it. */
export const NAMESPACE_FLAGS: readonly { name: string; value: bigint; cloneToo: boolean }[] = [
  { name: 'CLONE_NEWNS', value: 0x00020000n, cloneToo: true },
  { name: 'CLONE_NEWCGROUP', value: 0x02000000n, cloneToo: true },
  { name: 'CLONE_NEWUTS', value: 0x04000000n, cloneToo: true },
  { name: 'CLONE_NEWIPC', value: 0x08000000n, cloneToo: true },
  { name: 'CLONE_NEWUSER', value: 0x10000000n, cloneToo: true },
  { name: 'CLONE_NEWPID', value: 0x20000000n, cloneToo: true },
  { name: 'CLONE_NEWNET', value: 0x40000000n, cloneToo: true },
  { name: 'CLONE_NEWTIME', value: 0x00000080n, cloneToo: false },
];
