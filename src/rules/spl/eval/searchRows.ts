import { UnsupportedSearchError } from "../../errors.js";
import { compileWildcard } from "../../wildcard.js";
import type { Expr } from "../ast.js";
import { parseWhere } from "../parseWhere.js";
import type { Fn } from "./functions.js";
import { compareScalars, type Row, type Scalar, toText, valuesOf } from "./values.js";

function texts(row: Row, field: string): string[] {
  return valuesOf(row[field] ?? null).map((v) => toText(v).toLowerCase());
}

const ORDER: Readonly<Record<string, (c: number) => boolean>> = {
  "<": (c) => c < 0,
  "<=": (c) => c <= 0,
  ">": (c) => c > 0,
  ">=": (c) => c >= 0,
};

/**
 * Compiles a search expression over result rows, with search semantics: values match
 * case-insensitively with `*` wildcards; `f=v` and `f!=v` are false when `f` is absent while
 * `NOT f=v` is true; `f!=v` holds when no value of `f` matches; `<`, `>` compare numerically
 * when both sides are numbers. A multivalue field matches when any value does.
 */
export function compileRowSearch(expr: Expr): Fn<boolean> {
  switch (expr.kind) {
    case "and": {
      const items = expr.items.map(compileRowSearch);
      return (row) => items.every((p) => p(row));
    }
    case "or": {
      const items = expr.items.map(compileRowSearch);
      return (row) => items.some((p) => p(row));
    }
    case "not": {
      const item = compileRowSearch(expr.item);
      return (row) => !item(row);
    }
    case "in": {
      const field = expr.field;
      const tests = expr.values.map(compileWildcard);
      return (row) => texts(row, field).some((v) => tests.some((t) => t(v)));
    }
    case "compare": {
      const field = expr.field;
      if (expr.op === "=" || expr.op === "!=") {
        const test = compileWildcard(expr.value);
        if (expr.op === "=") return (row) => texts(row, field).some(test);
        return (row) => {
          const vs = texts(row, field);
          return vs.length > 0 && !vs.some(test);
        };
      }
      const order = ORDER[expr.op] as (c: number) => boolean;
      const bound: Scalar = expr.value;
      return (row) => valuesOf(row[field] ?? null).some((v) => order(compareScalars(v, bound)));
    }
  }
}

/**
 * Compiles the argument of a `| search` command after tstats. `search *` (what an empty
 * `*_filter` macro expands to) keeps every row and compiles to null.
 */
export function compileSearchCommand(text: string): Fn<boolean> | null {
  if (/^\s*\*?\s*$/.test(text)) return null;
  if (/^\s*\[/.test(text)) throw new UnsupportedSearchError("| search [...] runs a subsearch");
  let expr: Expr | undefined;
  try {
    expr = parseWhere(text);
  } catch (err) {
    if (err instanceof UnsupportedSearchError)
      throw new UnsupportedSearchError(
        `| search ${text.trim().slice(0, 40)}: bare terms search raw events, which rows after tstats do not have`,
        { cause: err },
      );
    throw err;
  }
  return expr === undefined ? null : compileRowSearch(expr);
}
