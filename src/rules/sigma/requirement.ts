import type { FieldRef } from "./EventView.js";
import { type Piece, QMARK, STAR } from "./sigmaString.js";

/** A lower-cased literal that a field's lower-cased value (or, with `field` null, some data value) must contain. */
export interface Needle {
  readonly field: FieldRef | null;
  readonly text: string;
}

/**
 * What every match of a test needs: at least one of these needles present. `null` when the
 * test gives no such guarantee (negations, null/exists/number/CIDR tests, empty literals).
 */
export type Requirement = readonly Needle[] | null;

/** The longest literal run of a Sigma string, lower-cased ("" when there is none). */
export function longestLiteral(pieces: readonly Piece[]): string {
  let best = "";
  for (const p of pieces) if (p !== STAR && p !== QMARK && p.length > best.length) best = p;
  return best.toLowerCase();
}

export function needle(field: FieldRef | null, text: string): Requirement {
  return text === "" ? null : [{ field, text }];
}

/** OR: any alternative of any branch (no guarantee if one branch has none). */
export function union(reqs: readonly Requirement[]): Requirement {
  const out: Needle[] = [];
  for (const r of reqs) {
    if (r === null) return null;
    out.push(...r);
  }
  return out.length === 0 ? null : out;
}

/** How selective a requirement is: its shortest needle, fewer alternatives breaking ties. */
function score(r: readonly Needle[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (const n of r) min = Math.min(min, n.text.length);
  return min * 1000 - Math.min(r.length, 999);
}

/** AND: every branch's requirement holds, so the most selective one is enough. */
export function best(reqs: readonly Requirement[]): Requirement {
  let chosen: readonly Needle[] | null = null;
  for (const r of reqs) if (r !== null && (chosen === null || score(r) > score(chosen))) chosen = r;
  return chosen;
}
