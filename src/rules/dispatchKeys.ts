import type { DatamodelSpec } from "../model/datamodels.js";
import { fieldName } from "./compileExpr.js";
import type { Expr } from "./spl/ast.js";

/**
 * Fields whose exact values index rules: a process's image name, as either field gives it.
 * security_content writes `(process_name=x.exe OR original_file_name=x.exe)` for renamed
 * binaries, so both share one key space.
 */
const NAME_FIELDS: ReadonlySet<string> = new Set(["process_name", "original_file_name"]);

/**
 * Lower-cased image names one of which every record matching `expr` has as its
 * `process_name` or `original_file_name`, or null when the rule can match any process.
 * `RuleIndex` runs a rule only for records with one of its names.
 */
export function dispatchKeys(expr: Expr | undefined, dm: DatamodelSpec): string[] | null {
  if (expr === undefined) return null;
  switch (expr.kind) {
    case "compare":
      if (expr.op !== "=" || expr.value.includes("*")) return null;
      return NAME_FIELDS.has(fieldName(expr.field, dm)) ? [expr.value.toLowerCase()] : null;
    case "in":
      if (!NAME_FIELDS.has(fieldName(expr.field, dm)) || expr.values.some((v) => v.includes("*"))) {
        return null;
      }
      return [...new Set(expr.values.map((v) => v.toLowerCase()))];
    case "and": {
      let best: string[] | null = null;
      for (const item of expr.items) {
        const keys = dispatchKeys(item, dm);
        if (keys !== null && (best === null || keys.length < best.length)) best = keys;
      }
      return best;
    }
    case "or": {
      const all = new Set<string>();
      for (const item of expr.items) {
        const keys = dispatchKeys(item, dm);
        if (keys === null) return null;
        for (const k of keys) all.add(k);
      }
      return [...all];
    }
    case "not":
      return null;
  }
}
