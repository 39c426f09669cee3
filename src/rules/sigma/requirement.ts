import type { FieldRef } from "./EventView.js";
import { type Piece, QMARK, STAR } from "./sigmaString.js";

/** A lower-cased literal that a field's lower-cased value (or, with `field` null, some data value) must contain. */
export interface Needle {
  readonly field: FieldRef | null;
  readonly text: string;
}

/** Needles at least one of which every match holds. */
export type Clause = readonly Needle[];

/**
 * What every match of a test needs: every clause satisfied (an AND of ORs of needles). `null`
 * when the test gives no such guarantee (negations, null/exists/number/CIDR tests, empty
 * literals).
 */
export type Requirement = readonly Clause[] | null;

/**
 * Clauses kept per requirement, the most selective first. Why: `bench/run.ts` (m) "many rules":
 * with one clause per rule (the single most selective literal) ~16 SigmaHQ process_creation
 * rules ran per Sysmon 1 event and ~0.4 matched; requiring every kept clause (an image name
 * and a command-line literal, typically) cuts the rules run.
 */
const MAX_CLAUSES = 4;

/** The longest literal run of a Sigma string, lower-cased ("" when there is none). */
export function longestLiteral(pieces: readonly Piece[]): string {
  let best = "";
  for (const p of pieces) if (p !== STAR && p !== QMARK && p.length > best.length) best = p;
  return best.toLowerCase();
}

export function needle(field: FieldRef | null, text: string): Requirement {
  return text === "" ? null : [[{ field, text }]];
}

/** How selective a clause is: its shortest needle, fewer alternatives breaking ties. */
function score(c: Clause): number {
  let min = Number.POSITIVE_INFINITY;
  for (const n of c) min = Math.min(min, n.text.length);
  return min * 1000 - Math.min(c.length, 999);
}

/** The most selective clauses (dropping clauses only weakens a requirement, so stays sound). */
function strongest(clauses: readonly Clause[]): Clause[] {
  if (clauses.length <= MAX_CLAUSES) return [...clauses];
  return clauses
    .map((c) => ({ c, s: score(c) }))
    .sort((a, b) => b.s - a.s)
    .slice(0, MAX_CLAUSES)
    .map((x) => x.c);
}

/**
 * OR: a match of any branch satisfies, for each choice of one clause per branch, the union of
 * the chosen clauses (no guarantee if one branch has none).
 */
export function union(reqs: readonly Requirement[]): Requirement {
  let acc: Clause[] | undefined;
  for (const r of reqs) {
    if (r === null || r.length === 0) return null;
    if (acc === undefined) acc = [...r];
    else {
      const crossed: Clause[] = [];
      for (const a of acc) for (const b of r) crossed.push([...a, ...b]);
      acc = strongest(crossed);
    }
  }
  return acc === undefined ? null : acc;
}

/** AND: every branch's clauses hold (branches without a guarantee add none). */
export function conjoin(reqs: readonly Requirement[]): Requirement {
  const all: Clause[] = [];
  for (const r of reqs) if (r !== null) all.push(...r);
  return all.length === 0 ? null : strongest(all);
}
