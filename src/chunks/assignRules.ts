import type { RuleOwners, RuleSizes } from "../EventScan.js";

/**
 * Which thread builds each rule's findings in a split scan (`ChunkPool`), from the groups each
 * worker counted per rule (`sizes`): a rule `pinned` (it needs the second pass) stays with the
 * scan's thread (-1); the others go to the `workers` so that their groups are shared out
 * evenly, largest first, each to the worker with the fewest so far (each rule counts one more,
 * for the work a rule costs whatever its groups).
 */
export function assignRules(
  sizes: readonly RuleSizes[],
  pinned: readonly boolean[],
  workers: number,
): RuleOwners {
  const total = (pick: (s: RuleSizes) => readonly number[], r: number) =>
    sizes.reduce((n, s) => n + (pick(s)[r] ?? 0), 1);
  const ruleCount = sizes[0]?.rules.length ?? pinned.length;
  const sigmaCount = sizes[0]?.sigmaRules.length ?? 0;
  const rules = new Array<number>(ruleCount).fill(-1);
  const sigmaRules = new Array<number>(sigmaCount).fill(-1);
  const items: { owners: number[]; r: number; weight: number }[] = [];
  for (let r = 0; r < ruleCount; r++)
    if (pinned[r] !== true) items.push({ owners: rules, r, weight: total((s) => s.rules, r) });
  for (let r = 0; r < sigmaCount; r++)
    items.push({ owners: sigmaRules, r, weight: total((s) => s.sigmaRules, r) });
  // stable: equal weights keep rule order
  items.sort((a, b) => b.weight - a.weight);
  const load = new Array<number>(Math.max(workers, 1)).fill(0);
  for (const item of items) {
    let least = 0;
    for (let w = 1; w < load.length; w++)
      if ((load[w] as number) < (load[least] as number)) least = w;
    item.owners[item.r] = least;
    load[least] = (load[least] as number) + item.weight;
  }
  return { rules, sigmaRules };
}
