// Rules that can never match or change nothing: shadowed or overridden (libseccomp keeps the
// first unconditional rule for a syscall and lets a later unconditional rule discard earlier
// argument rules), names that exist on none of the profile's ABIs, rules runc skips because
// their action equals the default action — and rules that make the runtime refuse the profile.

import { DEFAULT_ERRNO, type Action, type ConcreteRule, type Profile, type Rule } from '../../profile/model.js';
import { conflicts } from '../../evaluator/evaluate.js';
import { filterArches } from '../../profile/resolve.js';
import { ACTION_TO_SCMP } from '../../formats/shared/vocabulary.js';
import { ARCHES, ARCH_INFO, type Arch } from '../../syscalls/arch.js';
import { abisOf, syscallNumber } from '../../syscalls/table.js';
import { makeFinding, rulePath, type AuditContext } from '../context.js';
import type { Finding } from '../model.js';

/** The action as libseccomp compares it: errno and trace carry their return value. */
function actionKey(action: Action, errnoRet: number | undefined): string {
  return action === 'errno' || action === 'trace' ? `${action}(${errnoRet ?? DEFAULT_ERRNO})` : action;
}

function describeAction(action: Action, errnoRet: number | undefined): string {
  return action === 'errno' || action === 'trace' ? `${ACTION_TO_SCMP[action]} ${errnoRet ?? DEFAULT_ERRNO}` : ACTION_TO_SCMP[action];
}

function ruleKey(r: ConcreteRule): string {
  return actionKey(r.action, r.errnoRet);
}

function checkSameAsDefault(ctx: AuditContext): { findings: Finding[]; effective: ConcreteRule[] } {
  const def = actionKey(ctx.cp.defaultAction, ctx.cp.defaultErrnoRet);
  const findings: Finding[] = [];
  const effective: ConcreteRule[] = [];
  for (const r of ctx.cp.rules) {
    if (ruleKey(r) !== def) {
      effective.push(r);
      continue;
    }
    findings.push(
      makeFinding('CF033', {
        rule: r.source,
        path: `$.syscalls[${r.source}].action`,
        message: `syscalls[${r.source}] (${r.names.slice(0, 3).join(', ')}${r.names.length > 3 ? ', …' : ''}) has the default action ${describeAction(r.action, r.errnoRet)}; runc skips it, so it changes nothing`,
      }),
    );
  }
  return { findings, effective };
}

function checkShadowed(ctx: AuditContext, effective: ConcreteRule[]): Finding[] {
  const out: Finding[] = [];
  const state = new Map<string, { uncond?: ConcreteRule; conds: ConcreteRule[] }>();
  const report = (id: 'CF030' | 'CF031', dead: ConcreteRule, winner: ConcreteRule, name: string): void => {
    const differs = ruleKey(dead) !== ruleKey(winner);
    const what =
      id === 'CF030'
        ? `syscalls[${winner.source}] already decides ${name} unconditionally and libseccomp drops later rules for it`
        : `the later unconditional syscalls[${winner.source}] makes libseccomp discard it`;
    out.push(
      makeFinding(id, {
        severity: differs ? 'medium' : 'low',
        syscall: name,
        rule: dead.source,
        path: rulePath(ctx.profile, dead.source, name),
        message: `syscalls[${dead.source}] (${describeAction(dead.action, dead.errnoRet)}) never applies to ${name}: ${what}${differs ? ` (${describeAction(winner.action, winner.errnoRet)} wins)` : ''}`,
      }),
    );
  };
  for (const r of effective) {
    for (const name of new Set(r.names)) {
      if (!ctx.cp.architectures.some((a) => syscallNumber(a, name) !== undefined)) continue;
      let s = state.get(name);
      if (s === undefined) {
        s = { conds: [] };
        state.set(name, s);
      }
      if (s.uncond !== undefined) report('CF030', r, s.uncond, name);
      else if (r.args.length === 0) {
        for (const c of s.conds) report('CF031', c, r, name);
        s.uncond = r;
      } else s.conds.push(r);
    }
  }
  return out;
}

function abiOfMobyName(name: string): Arch | undefined {
  return ARCHES.find((a) => ARCH_INFO[a].mobyArch === name);
}

/** The ABIs a rule can meet: the filter ABIs of every host the rule applies to. Hosts are the
 * rule's includes.arches, or else every host the profile lists (architectures' families and
 * archMap entries; the audited host when it lists none), minus excludes.arches. */
function ruleAbis(p: Profile, rule: Rule, native: Arch): Set<Arch> {
  let hosts: Arch[];
  if (rule.includes.arches.length > 0) {
    hosts = rule.includes.arches.map(abiOfMobyName).filter((a): a is Arch => a !== undefined);
  } else {
    hosts = [...new Set([...p.architectures.map((a) => ARCH_INFO[a].family), ...p.archMap.map((e) => e.architecture)])];
    if (hosts.length === 0) hosts = [native];
  }
  hosts = hosts.filter((h) => !rule.excludes.arches.includes(ARCH_INFO[h].mobyArch ?? h));
  return new Set(hosts.flatMap((h) => filterArches(p, h)));
}

function checkAbsentNames(ctx: AuditContext): Finding[] {
  const out: Finding[] = [];
  ctx.profile.syscalls.forEach((r, i) => {
    const abis = ruleAbis(ctx.profile, r, ctx.native);
    r.names.forEach((name, k) => {
      if ([...abis].some((a) => syscallNumber(a, name) !== undefined)) return;
      const on = abisOf(name);
      out.push(
        makeFinding('CF032', {
          syscall: name,
          rule: i,
          path: `$.syscalls[${i}].names[${k}]`,
          message:
            on.length === 0
              ? `syscalls[${i}] names '${name}', which is no syscall libseccomp knows; the name is ignored`
              : `syscalls[${i}] names ${name}, which exists on none of the ABIs the rule can be loaded for (${[...abis].join(', ')}; it exists on ${on.join(', ')}); libseccomp ignores it`,
        }),
      );
    });
  });
  return out;
}

/** Rule adds the runtime refuses (from the evaluator's replay of runc and libseccomp). */
function checkRefused(ctx: AuditContext): Finding[] {
  return conflicts(ctx.cp).map((c) =>
    makeFinding('CF034', {
      ...(c.abi === undefined ? {} : { abi: c.abi }),
      ...(c.syscall === undefined ? {} : { syscall: c.syscall }),
      ...(c.rule === undefined ? {} : { rule: c.rule, path: rulePath(ctx.profile, c.rule, c.name) }),
      message: c.message,
    }),
  );
}

export function checkDeadRules(ctx: AuditContext): Finding[] {
  const { findings, effective } = checkSameAsDefault(ctx);
  return [...checkRefused(ctx), ...findings, ...checkShadowed(ctx, effective), ...checkAbsentNames(ctx)];
}
