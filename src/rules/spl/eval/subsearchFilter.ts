import { compileWildcard, type ValueTest } from "../../wildcard.js";
import type { JoinStage } from "./joinCommand.js";
import { type Row, toText, valuesOf } from "./values.js";

/** One subsearch row as a search term: every field (internal `_` ones aside) must match. */
type Term = ReadonlyArray<readonly [string, readonly ValueTest[]]>;

function termOf(sub: Row): Term {
  const out: Array<readonly [string, readonly ValueTest[]]> = [];
  for (const [field, value] of Object.entries(sub)) {
    if (field.startsWith("_") || value === null) continue;
    out.push([field, valuesOf(value).map((v) => compileWildcard(toText(v)))]);
  }
  return out;
}

/** A field of `row` matches when one of its values passes one of the tests (search semantics). */
function matches(row: Row, term: Term): boolean {
  for (const [field, tests] of term) {
    const values = valuesOf(row[field] ?? null).map((v) => toText(v).toLowerCase());
    if (!values.some((v) => tests.some((t) => t(v)))) return false;
  }
  return true;
}

/**
 * Subsearch rows whose fields are all single values without `*` hold exact, case-insensitive
 * terms: those are looked up by their lower-cased values, per set of fields, instead of being
 * tried one by one (a subsearch of a few thousand rows against as many rows was quadratic).
 */
interface ExactTerms {
  readonly fields: readonly string[];
  readonly keys: Set<string>;
}

function exactKey(row: Row, fields: readonly string[]): string | undefined {
  const parts: string[] = [];
  for (const f of fields) {
    const v = row[f];
    if (v === undefined || v === null || Array.isArray(v)) return undefined;
    parts.push(toText(v as string | number).toLowerCase());
  }
  return JSON.stringify(parts);
}

/** Splits the subsearch rows into exact terms by field set and the others, tried one by one. */
function compileTerms(subRows: readonly Row[]): { exact: ExactTerms[]; other: Term[] } {
  const bySignature = new Map<string, ExactTerms>();
  const other: Term[] = [];
  for (const sub of subRows) {
    const fields = Object.keys(sub)
      .filter((f) => !f.startsWith("_") && sub[f] !== null && sub[f] !== undefined)
      .sort();
    const simple = fields.every((f) => {
      const v = sub[f];
      return !Array.isArray(v) && !toText(v as string | number).includes("*");
    });
    const key = simple && fields.length > 0 ? exactKey(sub, fields) : undefined;
    if (key === undefined) {
      other.push(termOf(sub));
      continue;
    }
    const signature = JSON.stringify(fields);
    let group = bySignature.get(signature);
    if (group === undefined) {
      group = { fields, keys: new Set() };
      bySignature.set(signature, group);
    }
    group.keys.add(key);
  }
  return { exact: [...bySignature.values()], other };
}

/** Does `row` match one of the exact terms of `group`? A multivalue field is tried value by value. */
function matchesExact(row: Row, group: ExactTerms): boolean {
  const key = exactKey(row, group.fields);
  if (key !== undefined) return group.keys.has(key);
  // a missing field matches nothing; a multivalue one matches when any of its values does
  let combos: string[][] = [[]];
  for (const f of group.fields) {
    const vs = valuesOf(row[f] ?? null).map((v) => toText(v).toLowerCase());
    if (vs.length === 0) return false;
    combos = combos.flatMap((c) => vs.map((v) => [...c, v]));
  }
  return combos.some((c) => group.keys.has(JSON.stringify(c)));
}

/**
 * `| search [<subsearch>]`: Splunk turns the subsearch's rows into
 * `(f1="a" AND f2="b") OR (...)` (internal `_` fields left out, a multivalue field as any of
 * its values) and keeps the rows that match it, with search semantics: case-insensitive, `*`
 * a wildcard, a missing field matching nothing. No subsearch rows keep no row, as the empty
 * `NOT ()` Splunk then searches for matches nothing.
 */
export function subsearchFilterStage(subsearch: number): JoinStage {
  return (items, subsearches) => {
    const { exact, other } = compileTerms(subsearches(subsearch));
    return items.filter(
      (item) =>
        exact.some((group) => matchesExact(item.row, group)) ||
        other.some((term) => matches(item.row, term)),
    );
  };
}
