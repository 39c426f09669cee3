import type { Finding } from "./types.js";

/** `localeCompare`'s order (default locale and options), with the collator made once. */
const collator = new Intl.Collator();

/** `toISOString` text of a year 0-9999: all such texts have their digits at the same places. */
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

interface Keyed {
  readonly f: Finding;
  /** The detection name's place among the distinct names, in collator order. */
  readonly name: number;
  readonly first: string;
  readonly firstIso: boolean;
  /** The by-values as JSON, made when a comparison first needs them. */
  fields: string | undefined;
}

function fieldsOf(k: Keyed): string {
  k.fields ??= JSON.stringify(k.f.fields);
  return k.fields;
}

/**
 * Two ISO times of the same shape differ first at a digit, where the collator's order is the
 * digits' own: code units give its answer without it.
 */
function compareFirst(a: Keyed, b: Keyed): number {
  if (a.first === b.first) return 0;
  if (a.firstIso && b.firstIso) return a.first < b.first ? -1 : 1;
  return collator.compare(a.first, b.first);
}

/**
 * Sorts findings as reports list them: by detection name, first time, then by-values (as JSON),
 * each compared as `localeCompare` does; stable. Keys are made once per finding, not per
 * comparison. Why: bench/run.ts (m) builds 76,610 findings, and the comparator's JSON per call
 * was ~2% of the scan. The collator only sees the distinct names (once each), times that are
 * not ISO and by-values of findings tied on both. Why: in (m) the collator compares of every
 * pair were ~0.5 s of ~2.4 s of building findings (a profile of that phase).
 */
export function sortFindings(findings: Finding[]): Finding[] {
  const names = [...new Set(findings.map((f) => f.detection.name))].sort(collator.compare);
  // names the collator holds equal (not the same text) share a rank, as they tie in its order
  const rank = new Map<string, number>();
  names.forEach((n, i) => {
    const before = names[i - 1];
    const tied = before !== undefined && collator.compare(before, n) === 0;
    rank.set(n, tied ? (rank.get(before) as number) : i);
  });
  const keyed = findings.map((f): Keyed => {
    const first = f.firstTime ?? "";
    return {
      f,
      name: rank.get(f.detection.name) as number,
      first,
      firstIso: ISO_TIME.test(first),
      fields: undefined,
    };
  });
  keyed.sort((a, b) => {
    if (a.name !== b.name) return a.name - b.name;
    const byFirst = compareFirst(a, b);
    if (byFirst !== 0) return byFirst;
    const x = fieldsOf(a);
    const y = fieldsOf(b);
    return x === y ? 0 : collator.compare(x, y);
  });
  return keyed.map((k) => k.f);
}
