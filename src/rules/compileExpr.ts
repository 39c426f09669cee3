import { type DatamodelSpec, hasField } from "../model/datamodels.js";
import { UnsupportedSearchError } from "./errors.js";
import { compileCidr } from "./sigma/cidr.js";
import type { Expr } from "./spl/ast.js";
import type { FieldReader } from "./types.js";
import { compileWildcard, type ValueTest } from "./wildcard.js";

type Predicate = (read: FieldReader) => boolean;

/**
 * `Processes.process_name` -> `process_name`; the object prefix must be the dataset's, and the
 * name one of its CIM fields or a default field (`host`). The prefix is compared
 * case-insensitively: a detection that writes `processes.process_name` means the datamodel
 * field (one security_content detection does).
 */
export function fieldName(raw: string, dm: DatamodelSpec): string {
  const dot = raw.indexOf(".");
  const prefix = dot === -1 ? "" : raw.slice(0, dot);
  const name = dot === -1 ? raw : raw.slice(dot + 1);
  if (prefix !== "" && prefix.toLowerCase() !== dm.object.toLowerCase())
    throw new UnsupportedSearchError(`field ${raw} is not in ${dm.object}`);
  if (!hasField(dm, name))
    throw new UnsupportedSearchError(`field ${raw} is not an ${dm.name} field`);
  return name;
}

const IPV4_CIDR = /^\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}$/;

/**
 * The test of one search value: an IPv4 network in CIDR notation (`10.0.0.0/8`) matches the
 * addresses in it, as Splunk's search does; anything else is a wildcard pattern.
 */
function valueTest(value: string): ValueTest {
  if (IPV4_CIDR.test(value)) {
    try {
      return compileCidr(value);
    } catch {
      // not a network after all: match it as text
    }
  }
  return compileWildcard(value);
}

function numericCompare(op: string, bound: string): ValueTest {
  const b = Number(bound);
  const lower = bound.toLowerCase();
  const cmp = (v: string): number => {
    const n = Number(v);
    if (v !== "" && Number.isFinite(n) && Number.isFinite(b)) return n - b;
    return v < lower ? -1 : v > lower ? 1 : 0;
  };
  switch (op) {
    case "<":
      return (v) => cmp(v) < 0;
    case "<=":
      return (v) => cmp(v) <= 0;
    case ">":
      return (v) => cmp(v) > 0;
    default:
      return (v) => cmp(v) >= 0;
  }
}

/**
 * Compiles a `where` expression to a predicate over lower-cased field values, with Splunk's
 * treatment of missing fields: `f=v`, `f!=v` and `f IN (...)` are false when `f` is absent,
 * while `NOT f=v` is true.
 */
export function compileExpr(expr: Expr | undefined, dm: DatamodelSpec): Predicate {
  if (expr === undefined) return () => true;
  switch (expr.kind) {
    case "and": {
      const items = expr.items.map((e) => compileExpr(e, dm));
      return (read) => {
        for (const p of items) if (!p(read)) return false;
        return true;
      };
    }
    case "or": {
      const items = expr.items.map((e) => compileExpr(e, dm));
      return (read) => {
        for (const p of items) if (p(read)) return true;
        return false;
      };
    }
    case "not": {
      const item = compileExpr(expr.item, dm);
      return (read) => !item(read);
    }
    case "in": {
      const field = fieldName(expr.field, dm);
      const tests = expr.values.map(valueTest);
      return (read) => {
        const v = read(field);
        if (v === undefined) return false;
        for (const t of tests) if (t(v)) return true;
        return false;
      };
    }
    case "compare": {
      const field = fieldName(expr.field, dm);
      if (expr.op === "=" || expr.op === "!=") {
        const test = valueTest(expr.value);
        if (expr.op === "=") {
          return (read) => {
            const v = read(field);
            return v !== undefined && test(v);
          };
        }
        return (read) => {
          const v = read(field);
          return v !== undefined && !test(v);
        };
      }
      const test = numericCompare(expr.op, expr.value);
      return (read) => {
        const v = read(field);
        return v !== undefined && test(v);
      };
    }
  }
}
