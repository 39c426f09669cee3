import { SplSyntaxError } from "../../errors.js";
import type { ArithOp, EvalNode } from "./ast.js";
import { compileCall, type EvalCompiler, type Fn } from "./functions.js";
import { parseEval } from "./parseEval.js";
import {
  anyPair,
  compareScalars,
  mapValues,
  type Scalar,
  toNumber,
  toText,
  type Value,
} from "./values.js";

function arithmetic(op: ArithOp, x: Scalar, y: Scalar): Scalar | null {
  if (op === ".") return toText(x) + toText(y);
  const a = toNumber(x);
  const b = toNumber(y);
  if (a === null || b === null) {
    // `+` of two strings concatenates; any other mix of text and numbers has no value
    return op === "+" && a === null && b === null ? toText(x) + toText(y) : null;
  }
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return b === 0 ? null : a / b;
    default:
      return b === 0 ? null : a % b;
  }
}

function combine(op: ArithOp, a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  const am = Array.isArray(a);
  const bm = Array.isArray(b);
  if (!am && !bm) return arithmetic(op, a as Scalar, b as Scalar);
  // a multivalue field only takes part in concatenation, value by value
  if (op !== "." || (am && bm)) return null;
  return am
    ? mapValues(a, (x) => arithmetic(op, x, b as Scalar))
    : mapValues(b, (y) => arithmetic(op, a as Scalar, y));
}

const COMPARE: Readonly<Record<string, (c: number) => boolean>> = {
  "=": (c) => c === 0,
  "!=": (c) => c !== 0,
  "<": (c) => c < 0,
  "<=": (c) => c <= 0,
  ">": (c) => c > 0,
  ">=": (c) => c >= 0,
};

const compiler: EvalCompiler = { value: compileValue, bool: compileBool };

/**
 * Compiles a value-typed node. Null propagates through operators and most functions; a
 * multivalue field compares true when any of its values does.
 */
export function compileValue(node: EvalNode): Fn<Value> {
  switch (node.k) {
    case "num": {
      const v = node.v;
      return () => v;
    }
    case "str": {
      const v = node.v;
      return () => v;
    }
    case "field": {
      const name = node.name;
      return (row) => row[name] ?? null;
    }
    case "neg": {
      const x = compileValue(node.x);
      return (row) => {
        const v = x(row);
        if (v === null || Array.isArray(v)) return null;
        const n = toNumber(v as Scalar);
        return n === null ? null : -n;
      };
    }
    case "arith": {
      const a = compileValue(node.a);
      const b = compileValue(node.b);
      const op = node.op;
      return (row) => combine(op, a(row), b(row));
    }
    case "call": {
      const c = compileCall(node.fn, node.args, compiler);
      if (c.type === "value") return c.fn;
      break;
    }
    default:
      break;
  }
  throw new SplSyntaxError(
    "a Boolean expression is used as a value (eval cannot assign a Boolean; wrap it in if())",
  );
}

/** Compiles a Boolean-typed node. Comparisons with a null operand are false; NOT negates. */
export function compileBool(node: EvalNode): Fn<boolean> {
  switch (node.k) {
    case "not": {
      const x = compileBool(node.x);
      return (row) => !x(row);
    }
    case "logic": {
      const a = compileBool(node.a);
      const b = compileBool(node.b);
      if (node.op === "AND") return (row) => a(row) && b(row);
      if (node.op === "OR") return (row) => a(row) || b(row);
      return (row) => a(row) !== b(row);
    }
    case "cmp": {
      if (node.op === "LIKE")
        return compileCall("like", [node.a, node.b], compiler).fn as Fn<boolean>;
      const a = compileValue(node.a);
      const b = compileValue(node.b);
      const test = COMPARE[node.op] as (c: number) => boolean;
      return (row) => anyPair(a(row), b(row), (x, y) => test(compareScalars(x, y)));
    }
    case "in": {
      const x = compileValue(node.x);
      const list = node.list.map(compileValue);
      return (row) => {
        const v = x(row);
        return list.some((f) => anyPair(v, f(row), (p, q) => compareScalars(p, q) === 0));
      };
    }
    case "call": {
      const c = compileCall(node.fn, node.args, compiler);
      if (c.type === "bool") return c.fn;
      break;
    }
    default:
      break;
  }
  throw new SplSyntaxError("expected a Boolean expression (a comparison or a test function)");
}

/** Parses and compiles a `| where` condition. */
export function compileCondition(text: string): Fn<boolean> {
  return compileBool(parseEval(text));
}

/** Parses and compiles an `| eval` right-hand side. */
export function compileExpression(text: string): Fn<Value> {
  return compileValue(parseEval(text));
}
