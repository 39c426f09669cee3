import { PROCESS_EVENT_IDS } from "../model/toProcessRecord.js";
import type { ParseInterest } from "../parse/types.js";
import type { CompiledRule } from "../rules/types.js";

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * What the loaded rules need from parsers, compiled once per rule set: process-creation
 * events, and among them only those containing one of the rules' required literals (unless
 * some rule gives no literal guarantee). With no rules, nothing needs a full parse.
 */
export function parseInterest(rules: readonly CompiledRule[]): ParseInterest {
  if (rules.length === 0) return { eventIds: new Set() };
  const literals = new Set<string>();
  for (const rule of rules) {
    if (rule.literals === null) return { eventIds: PROCESS_EVENT_IDS };
    for (const l of rule.literals) literals.add(l);
  }
  const sorted = [...literals].sort((a, b) => b.length - a.length);
  return {
    eventIds: PROCESS_EVENT_IDS,
    rawText: new RegExp(sorted.map(escapeRegExp).join("|"), "i"),
  };
}
