import type { Expr } from "../ast.js";
import { parseWhere } from "../parseWhere.js";
import type { EvalNode } from "./ast.js";
import type { Effect } from "./joinPushdown.js";
import { parseEval } from "./parseEval.js";

/** The fields an eval expression reads (every eval function reads only its arguments). */
export function evalNodeReads(node: EvalNode, into = new Set<string>()): Set<string> {
  switch (node.k) {
    case "field":
      into.add(node.name);
      break;
    case "call":
      for (const a of node.args) evalNodeReads(a, into);
      break;
    case "not":
    case "neg":
      evalNodeReads(node.x, into);
      break;
    case "logic":
    case "cmp":
    case "arith":
      evalNodeReads(node.a, into);
      evalNodeReads(node.b, into);
      break;
    case "in":
      evalNodeReads(node.x, into);
      for (const v of node.list) evalNodeReads(v, into);
      break;
    default:
      break;
  }
  return into;
}

/** The fields a `| where` condition or an `| eval` right-hand side reads. */
export function evalReads(text: string): Set<string> {
  return evalNodeReads(parseEval(text));
}

function exprReads(expr: Expr, into: Set<string>): Set<string> {
  if (expr.kind === "and" || expr.kind === "or") for (const e of expr.items) exprReads(e, into);
  else if (expr.kind === "not") exprReads(expr.item, into);
  else into.add(expr.field);
  return into;
}

/** The fields a `| search <expr>` reads. */
export function searchReads(text: string): Set<string> {
  const expr = parseWhere(text);
  return expr === undefined ? new Set() : exprReads(expr, new Set());
}

/** The leading row stages that decide from by-values alone (see `filterPrefix`). */
export interface FilterPrefix {
  /** How many leading stages: 0 when no filter qualifies. */
  readonly stages: number;
  /**
   * The by-fields (indices into `by`) whose values those stages' filters read, directly or
   * through renames and writes, in ascending order: the outcome depends on these alone.
   */
  readonly reads: readonly number[];
}

/** In `filterPrefix`'s origins: the count, a time or an aggregation, not a by-value. */
const TAINT = -1;

/**
 * How many leading row stages (by their effects) decide, from a group's by-values alone,
 * whether its row survives, and which by-values they read: a filter counts when every field
 * it reads still holds a value derived only from by-fields, and the analysis stops at the
 * first filter that reads anything else (`count`, the times, an aggregation, a field computed
 * from them) or at a stage of unknown effect (`stats`, `dedup`, `join`). Writes (`eval`,
 * `convert`, `rex`) and renames are followed; a field written from a tainted one is tainted,
 * and one written from by-fields derives from them.
 *
 * Why: detections such as "Detect RTLO In Process" group every process by its GUID and only
 * then keep rows whose command line holds U+202E; testing that per record instead keeps memory
 * flat (bench/run.ts (m) on the unique-process corpus: 87,174 groups per such detection), and
 * knowing that it reads the command line alone lets its outcome be reused per command line.
 */
export function filterPrefix(
  by: readonly string[],
  initial: readonly string[],
  effects: ReadonlyArray<Effect | undefined>,
): FilterPrefix {
  // each name of the row and what its value derives from: by-field indices, or TAINT (count,
  // times and aggregations, also a by-field one of them overwrites)
  const origins = new Map<string, ReadonlySet<number>>();
  initial.forEach((name, i) => {
    origins.set(name, new Set([i < by.length ? i : TAINT]));
  });
  const derived = (fields: Iterable<string>): Set<number> => {
    const out = new Set<number>();
    for (const f of fields) for (const i of origins.get(f) ?? []) out.add(i);
    return out;
  };
  const reads = new Set<number>();
  let prefix = 0;
  for (let k = 0; k < effects.length; k++) {
    const effect = effects[k];
    if (effect === undefined) break;
    if (effect.kind === "filter") {
      const from = derived(effect.reads);
      if (from.has(TAINT)) break;
      for (const i of from) reads.add(i);
      prefix = k + 1;
      continue;
    }
    if (effect.kind === "keep") {
      for (const n of [...origins.keys()]) if (!effect.keeps(n)) origins.delete(n);
      continue;
    }
    if (effect.kind === "rename") {
      for (const move of effect.moves) {
        for (const [n, from] of [...origins]) {
          const to = move(n);
          if (to === null || to === n) continue;
          origins.delete(n);
          origins.set(to, from);
        }
      }
      continue;
    }
    // a field converted in place stays what it was: a function of itself; a target whose
    // inputs are unknown (`convert ... as`) is tainted
    for (const { to, reads: from } of effect.assigns)
      origins.set(to, from === undefined ? new Set([TAINT]) : derived(from));
  }
  return { stages: prefix, reads: prefix === 0 ? [] : [...reads].sort((a, b) => a - b) };
}
