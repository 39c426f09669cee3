import type { DatamodelSpec } from "../model/datamodels.js";
import { fieldName } from "./compileExpr.js";
import { isCommonLiteral } from "./isCommonLiteral.js";
import type { Expr } from "./spl/ast.js";

/** Literals shorter than this are too common to be worth a pre-filter. */
const MIN_LITERAL = 4 as const;

/**
 * The longest run of a pattern's literal text that is not common (`isCommonLiteral`), else the
 * longest common one, among those that survive XML escaping unchanged (no `&<>"'`), are plain
 * ASCII (so lower-casing is the same everywhere), have no wildcard and are at least
 * `MIN_LITERAL` long.
 */
function bestLiteral(pattern: string): string | undefined {
  // a network in CIDR notation matches addresses, not its own text
  if (/^[\d.]+\/\d+$/.test(pattern)) return undefined;
  let best: string | undefined;
  let bestCommon = true;
  for (const run of pattern.toLowerCase().split(/[*&<>"'\u0080-\uffff]+/)) {
    if (run.length < MIN_LITERAL) continue;
    const common = isCommonLiteral(run);
    if (
      best === undefined ||
      (bestCommon && !common) ||
      (bestCommon === common && run.length > best.length)
    ) {
      best = run;
      bestCommon = common;
    }
  }
  return best;
}

/**
 * How much a set of alternatives can tell records apart: 0 when one of them is common
 * (`isCommonLiteral`), 1 when one lies inside an image name the rule is indexed by (`names`: the
 * index has already chosen the records with that name), else 2.
 */
function setClass(lits: readonly string[], names: readonly string[] | null): number {
  let min = 2;
  for (const l of lits) {
    if (isCommonLiteral(l)) return 0;
    if (names?.some((n) => n.includes(l))) min = 1;
  }
  return min;
}

/**
 * Prefers the set of the higher class (`setClass`), then fewer alternatives, then a longer
 * shortest literal (more selective).
 */
function better(a: string[], b: string[], names: readonly string[] | null): boolean {
  const ca = setClass(a, names);
  const cb = setClass(b, names);
  if (ca !== cb) return ca > cb;
  if (a.length !== b.length) return a.length < b.length;
  return Math.min(...a.map((s) => s.length)) > Math.min(...b.map((s) => s.length));
}

/**
 * Lower-cased literals such that any record matching `expr` has at least one of them inside a
 * verbatim field value of its dataset, or `null` when no such guarantee can be given (negations, converted
 * fields, short or wildcard-only values). Used only to skip parsing events no rule can match
 * and records a rule cannot match (`RuleIndex`); of the guarantees an AND gives, the one that
 * tells records apart best (`better`; `names`: the image names the rule is indexed by).
 */
export function requiredLiterals(
  expr: Expr | undefined,
  dm: DatamodelSpec,
  names: readonly string[] | null = null,
): string[] | null {
  if (expr === undefined) return null;
  switch (expr.kind) {
    case "compare": {
      if (expr.op !== "=" || !dm.verbatim.has(fieldName(expr.field, dm))) return null;
      const lit = bestLiteral(expr.value);
      return lit === undefined ? null : [lit];
    }
    case "in": {
      if (!dm.verbatim.has(fieldName(expr.field, dm))) return null;
      const lits = expr.values.map(bestLiteral);
      return lits.every((l) => l !== undefined) ? [...new Set(lits as string[])] : null;
    }
    case "and": {
      let best: string[] | null = null;
      for (const item of expr.items) {
        const lits = requiredLiterals(item, dm, names);
        if (lits !== null && (best === null || better(lits, best, names))) best = lits;
      }
      return best;
    }
    case "or": {
      const all: string[] = [];
      for (const item of expr.items) {
        const lits = requiredLiterals(item, dm, names);
        if (lits === null) return null;
        all.push(...lits);
      }
      return [...new Set(all)];
    }
    case "not":
      return null;
  }
}

/**
 * The verbatim fields `expr` compares with `=` or `IN` anywhere: the fields where the literals
 * of `requiredLiterals` come from (a superset of them).
 */
export function literalFields(expr: Expr | undefined, dm: DatamodelSpec): string[] {
  const out = new Set<string>();
  const visit = (e: Expr): void => {
    if (e.kind === "compare" || e.kind === "in") {
      const f = fieldName(e.field, dm);
      if (dm.verbatim.has(f)) out.add(f);
    } else if (e.kind === "not") visit(e.item);
    else for (const item of e.items) visit(item);
  };
  if (expr !== undefined) visit(expr);
  return [...out];
}
