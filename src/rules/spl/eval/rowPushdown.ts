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
  // each name's by-fields; count, times and aggregations (also a by-field one of them
  // overwrites) are tainted
  const origins = new Map<string, ReadonlySet<number>>();
  by.forEach((name, i) => {
    if (initial.lastIndexOf(name) === i) origins.set(name, new Set([i]));
  });
  const tainted = new Set(initial.slice(by.length));
  const names = new Set(initial);
  const reads = new Set<number>();
  let prefix = 0;
  for (let k = 0; k < effects.length; k++) {
    const effect = effects[k];
    if (effect === undefined) break;
    if (effect.kind === "filter") {
      if ([...effect.reads].some((r) => tainted.has(r))) break;
      for (const r of effect.reads) for (const i of origins.get(r) ?? []) reads.add(i);
      prefix = k + 1;
      continue;
    }
    if (effect.kind === "keep") {
      for (const n of [...names]) {
        if (effect.keeps(n)) continue;
        names.delete(n);
        origins.delete(n);
      }
      continue;
    }
    if (effect.kind === "rename") {
      for (const move of effect.moves) {
        for (const n of [...names]) {
          const to = move(n);
          if (to === null || to === n) continue;
          names.delete(n);
          names.add(to);
          if (tainted.has(n)) tainted.add(to);
          else tainted.delete(to);
          tainted.delete(n);
          const from = origins.get(n);
          if (from === undefined) origins.delete(to);
          else origins.set(to, from);
          origins.delete(n);
        }
      }
      continue;
    }
    // a field converted in place stays what it was: a function of itself; a target whose
    // inputs are unknown (`convert ... as`) is tainted
    for (const { to, reads: from } of effect.assigns) {
      const dirty = from === undefined || [...from].some((r) => tainted.has(r));
      names.add(to);
      if (dirty) tainted.add(to);
      else tainted.delete(to);
      const derived = new Set<number>();
      for (const r of from ?? []) for (const i of origins.get(r) ?? []) derived.add(i);
      origins.set(to, derived);
    }
  }
  return { stages: prefix, reads: prefix === 0 ? [] : [...reads].sort((a, b) => a - b) };
}
