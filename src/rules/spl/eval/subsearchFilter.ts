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
 * `| search [<subsearch>]`: Splunk turns the subsearch's rows into
 * `(f1="a" AND f2="b") OR (...)` (internal `_` fields left out, a multivalue field as any of
 * its values) and keeps the rows that match it, with search semantics: case-insensitive, `*`
 * a wildcard, a missing field matching nothing. No subsearch rows keep no row, as the empty
 * `NOT ()` Splunk then searches for matches nothing.
 */
export function subsearchFilterStage(subsearch: number): JoinStage {
  return (items, subsearches) => {
    const terms = (subsearches[subsearch] ?? []).map(termOf);
    return items.filter((item) => terms.some((term) => matches(item.row, term)));
  };
}
