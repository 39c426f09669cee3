import type { CimRecord } from "../model/types.js";
import type { FieldReader } from "../rules/types.js";

/**
 * A reader that lower-cases each field at most once per record, however many rules ask for it:
 * rule predicates compare against lower-cased patterns (Splunk matching is case-insensitive).
 */
export function lowercaseReader(record: CimRecord): FieldReader {
  const cache: Record<string, string> = {};
  const fields: Readonly<Partial<Record<string, string>>> = record.fields;
  return (field) => {
    const hit = cache[field];
    if (hit !== undefined) return hit;
    const raw = fields[field];
    if (raw === undefined) return undefined;
    const lower = raw.toLowerCase();
    cache[field] = lower;
    return lower;
  };
}
