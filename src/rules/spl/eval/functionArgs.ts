import type { EvalNode } from "./ast.js";
import { convertPcre } from "./pcre.js";
import { type Row, type Scalar, toNumber, toText, type Value } from "./values.js";

export type Fn<T> = (row: Row) => T;
export type EvalType = "bool" | "value";

/** What a function compiler needs from the expression compiler. */
export interface EvalCompiler {
  value(node: EvalNode): Fn<Value>;
  bool(node: EvalNode): Fn<boolean>;
}

export type Compiled =
  | { readonly type: "bool"; readonly fn: Fn<boolean> }
  | {
      readonly type: "value";
      readonly fn: Fn<Value>;
    };

/** An eval function: its result type, arity, and how it compiles its arguments. */
export interface FunctionDef {
  readonly type: EvalType;
  readonly min: number;
  readonly max: number;
  compile(args: readonly EvalNode[], c: EvalCompiler): Fn<boolean> | Fn<Value>;
}

/** The first value of an argument (multivalue arguments give their first item), or null. */
export function scalarArg(v: Value | undefined): Scalar | null {
  if (v === undefined || v === null) return null;
  return Array.isArray(v) ? ((v[0] as string | undefined) ?? null) : (v as Scalar);
}

/** A numeric argument; `fallback` when it is absent, null when it is not a number. */
export function numArg(v: Value | undefined, fallback: number): number | null {
  const s = scalarArg(v);
  return s === null ? fallback : toNumber(s);
}

/** A text argument, or null. */
export function textOrNull(v: Value | undefined): string | null {
  const s = scalarArg(v);
  return s === null ? null : toText(s);
}

/** A regex argument: compiled once when it is a literal, else per distinct value (cached). */
export function regexArg(node: EvalNode, c: EvalCompiler, testOnly = false): Fn<RegExp | null> {
  if (node.k === "str") {
    const re = convertPcre(node.v, "", testOnly).re;
    return () => re;
  }
  const pattern = c.value(node);
  const cache = new Map<string, RegExp>();
  return (row) => {
    const p = pattern(row);
    if (p === null || Array.isArray(p)) return null;
    const text = toText(p as Scalar);
    let re = cache.get(text);
    if (re === undefined) {
      re = convertPcre(text, "", testOnly).re;
      if (cache.size >= 64) cache.clear();
      cache.set(text, re);
    }
    return re;
  };
}
