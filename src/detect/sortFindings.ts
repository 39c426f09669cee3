import type { Finding } from "./types.js";

/**
 * English collation (`localeCompare(x, "en")`), made once. A fixed locale, not the machine's:
 * the default follows `LANG`, and under `sv_SE` (say) `ä` sorts after `z`, so the same scan
 * listed its findings in another order on another laptop or Lambda. The sinks' listings use it
 * too.
 */
export const FINDINGS_LOCALE = "en";
const collator = new Intl.Collator(FINDINGS_LOCALE);

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
 * each compared as `localeCompare(x, "en")` does, whatever the machine's locale; stable. Keys
 * are made once per finding, not per comparison. Why: bench/run.ts (m) builds 76,610 findings,
 * and the comparator's JSON per call was ~2% of the scan. The collator only sees the distinct names (once each), times that are
 * not ISO and by-values of findings tied on both. Why: in (m) the collator compares of every
 * pair were ~0.5 s of ~2.4 s of building findings (a profile of that phase).
 */
export function sortFindings(findings: Finding[]): Finding[] {
  const rank = nameRanks(findings.map((f) => f.detection.name));
  return sortKeyed(findings, (f) => rank.get(f.detection.name) as number);
}

/** Each distinct name's place in collator order; names it holds equal share one. */
function nameRanks(all: readonly string[]): Map<string, number> {
  const names = [...new Set(all)].sort(collator.compare);
  // names the collator holds equal (not the same text) share a rank, as they tie in its order
  const rank = new Map<string, number>();
  names.forEach((n, i) => {
    const before = names[i - 1];
    const tied = before !== undefined && collator.compare(before, n) === 0;
    rank.set(n, tied ? (rank.get(before) as number) : i);
  });
  return rank;
}

/**
 * One rule's findings (one detection name) in `sortFindings` order, for `mergeRuleFindings`:
 * the threads of a split scan sort their rules' lists at once.
 */
export function sortRuleFindings(findings: Finding[]): Finding[] {
  return sortKeyed(findings, () => 0);
}

/**
 * `sortFindings` of all the rules' findings, from each rule's list (in rule order) as
 * `sortRuleFindings` sorted it. A rule's findings share its name, so only rules whose names
 * the collator holds equal are sorted together again (a stable sort of lists each sorted
 * stably by the same keys keeps the order of their concatenation); the others are placed
 * whole. Why: in a split bench/run.ts (m) sorting all 76,610 findings was ~0.3 s in the
 * scan's thread while the workers waited.
 */
export function mergeRuleFindings(lists: readonly Finding[][]): Finding[] {
  const named = lists.filter((l) => l.length > 0);
  const rank = nameRanks(named.map((l) => (l[0] as Finding).detection.name));
  const byRank = new Map<number, Finding[][]>();
  for (const list of named) {
    const r = rank.get((list[0] as Finding).detection.name) as number;
    const same = byRank.get(r);
    if (same === undefined) byRank.set(r, [list]);
    else same.push(list);
  }
  const out: Finding[] = [];
  for (const r of [...byRank.keys()].sort((a, b) => a - b)) {
    const same = byRank.get(r) as Finding[][];
    const sorted = same.length === 1 ? (same[0] as Finding[]) : sortRuleFindings(same.flat());
    for (const f of sorted) out.push(f);
  }
  return out;
}

function sortKeyed(findings: Finding[], rankOf: (f: Finding) => number): Finding[] {
  const keyed = findings.map((f): Keyed => {
    const first = f.firstTime ?? "";
    return {
      f,
      name: rankOf(f),
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
