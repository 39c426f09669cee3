import type { ParseInterest } from "../parse/types.js";

/**
 * Widens a parse interest for Sigma rules: their event ids are added, and the raw-text
 * pre-filter (built from security_content literals) is dropped, since Sigma rules on the same
 * events need not contain those literals. `all` (a rule on every id of a channel, or on every
 * event) gives no interest at all: parsers then read every event in full.
 */
export function withSigmaInterest(
  base: ParseInterest,
  sigmaEventIds: ReadonlySet<number> | "all",
): ParseInterest | undefined {
  if (sigmaEventIds === "all") return undefined;
  if (sigmaEventIds.size === 0) return base;
  return { eventIds: new Set([...base.eventIds, ...sigmaEventIds]) };
}
