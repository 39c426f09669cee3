import { EVENT_IDS_BY_DATAMODEL } from "../model/toCimRecord.js";
import type { ParseInterest } from "../parse/types.js";
import type { CompiledRule, TstatsPlan } from "../rules/types.js";

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * What the loaded rules need from parsers, compiled once per rule set: the events of every
 * dataset a rule or one of its join subsearches reads, and among them only those containing
 * one of their required literals (unless some tstats gives no literal guarantee). With no
 * rules, nothing needs a full parse.
 */
export function parseInterest(rules: readonly CompiledRule[]): ParseInterest {
  return planInterest(rules.flatMap((rule) => [rule, ...(rule.subsearches ?? [])]));
}

/** `parseInterest` of tstats plans themselves (e.g. those a second pass fills). */
export function planInterest(
  plans: readonly Pick<TstatsPlan, "datamodel" | "literals">[],
): ParseInterest {
  if (plans.length === 0) return { eventIds: new Set() };
  const eventIds = new Set<number>();
  const literals = new Set<string>();
  let guaranteed = true;
  for (const plan of plans) {
    for (const id of EVENT_IDS_BY_DATAMODEL[plan.datamodel]) eventIds.add(id);
    if (plan.literals === null) guaranteed = false;
    else for (const l of plan.literals) literals.add(l);
  }
  if (!guaranteed) return { eventIds };
  const sorted = [...literals].sort((a, b) => b.length - a.length);
  return { eventIds, rawText: new RegExp(sorted.map(escapeRegExp).join("|"), "i") };
}
