import type { GroupKey } from "../rules/spl/eval/index.js";
import type { CompiledRule, TstatsPlan } from "../rules/types.js";

/**
 * How a deferred tstats is used, and so which of its groups a second pass must keep: a rule's
 * own tstats (`main`), kept where its inner first join has a subsearch key; or the subsearch
 * its first join reads (`sub`), kept where a group of the rule's own tstats has its key.
 */
export type DeferredUse =
  | { readonly kind: "main"; readonly rule: number }
  | {
      readonly kind: "sub";
      readonly rule: number;
      /** The subsearch's group key at the join, from its by-values. */
      readonly subKey: GroupKey;
    };

/** A tstats as the aggregator shares it: by signature, or the plan itself when it has none. */
export type PlanKey = string | TstatsPlan;

export function planKey(plan: TstatsPlan): PlanKey {
  return plan.signature ?? plan;
}

/** How many times each tstats is used: as a rule's own or as one of its subsearches. */
export function planUses(rules: readonly CompiledRule[]): Map<PlanKey, number> {
  const uses = new Map<PlanKey, number>();
  for (const rule of rules) {
    for (const plan of [rule, ...(rule.subsearches ?? [])])
      uses.set(planKey(plan), (uses.get(planKey(plan)) ?? 0) + 1);
  }
  return uses;
}

/** A tstats that reads every record of its dataset: no image names, no literals. */
function broad(plan: TstatsPlan): boolean {
  return plan.names === null && plan.literals === null;
}

/**
 * The tstats a scan can leave to a second pass (see `AggregatorOptions.secondPass`), with their
 * uses: each reads every record of its dataset and is one side of a rule's first join on
 * fields that still hold tstats by-values, the other side being filled in the first pass.
 * Every use of a shared tstats must be such a side, or it is not deferred.
 */
export function deferJoins(
  rules: readonly CompiledRule[],
  uses: ReadonlyMap<PlanKey, number> = planUses(rules),
): Map<PlanKey, DeferredUse[]> {
  const candidates = new Map<PlanKey, DeferredUse[]>();
  const add = (plan: TstatsPlan, use: DeferredUse) => {
    const list = candidates.get(planKey(plan)) ?? [];
    list.push(use);
    candidates.set(planKey(plan), list);
  };
  /** Per rule: the keys of its own tstats and of its first join's subsearch. */
  const sides = new Map<number, { main: PlanKey; sub: PlanKey }>();
  rules.forEach((rule, r) => {
    const join = rule.pipeline?.firstJoin ?? null;
    const sub = join === null ? undefined : rule.subsearches?.[join.subsearch];
    if (join === null || sub === undefined) return;
    sides.set(r, { main: planKey(rule), sub: planKey(sub) });
    // an inner join drops the rule's own groups without a key: they need not be kept
    if (join.type === "inner" && broad(rule)) add(rule, { kind: "main", rule: r });
    const subKey = sub.pipeline.groupKey(join.fields);
    if (subKey !== null && broad(sub)) add(sub, { kind: "sub", rule: r, subKey });
  });
  const deferred = new Map([...candidates].filter(([key, list]) => list.length === uses.get(key)));
  // The other side of a deferred side's join must be filled in the first pass: a tstats with
  // a clashing use goes back to the first pass when it is some rule's subsearch (a main side
  // keeps its deferral), until none is left; a clash always involves such a subsearch side.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [key, list] of deferred) {
      const clash = list.some((use) => {
        const s = sides.get(use.rule);
        return s !== undefined && deferred.has(use.kind === "main" ? s.sub : s.main);
      });
      if (clash && list.some((use) => use.kind === "sub")) {
        deferred.delete(key);
        changed = true;
      }
    }
  }
  return deferred;
}
