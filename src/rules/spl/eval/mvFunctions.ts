import { SplSyntaxError } from "../../errors.js";
import type { EvalNode } from "./ast.js";
import { type EvalCompiler, type Fn, type FunctionDef, numArg, scalarArg } from "./functionArgs.js";
import { fromList, toText, type Value, valuesOf } from "./values.js";

function mvSlice(v: Value, start: number, end: number | null): Value {
  const items = valuesOf(v).map(toText);
  const n = items.length;
  const s = start < 0 ? n + start : start;
  const e = end === null ? s : end < 0 ? n + end : end;
  if (s < 0 || s >= n || e < s) return null;
  return fromList(items.slice(s, Math.min(e, n - 1) + 1));
}

/** `mvfilter(<predicate over one field>)`: the values of that field the predicate accepts. */
function mvfilter(args: readonly EvalNode[], c: EvalCompiler): Fn<Value> {
  const expr = args[0] as EvalNode;
  const fields = new Set<string>();
  const visit = (n: EvalNode): void => {
    if (n.k === "field") fields.add(n.name);
    else if (n.k === "call") n.args.forEach(visit);
    else if (n.k === "not" || n.k === "neg") visit(n.x);
    else if (n.k === "in") [n.x, ...n.list].forEach(visit);
    else if (n.k === "logic" || n.k === "cmp" || n.k === "arith") {
      visit(n.a);
      visit(n.b);
    }
  };
  visit(expr);
  if (fields.size !== 1) throw new SplSyntaxError("mvfilter() must refer to exactly one field");
  const field = [...fields][0] as string;
  const test = c.bool(expr);
  return (row) => {
    const kept = valuesOf(row[field] ?? null).filter((v) => test({ ...row, [field]: v }));
    return fromList(kept.map(toText));
  };
}

/** Functions over multivalue fields (`values()` results, `split()` output). */
export const MULTIVALUE_FUNCTIONS: Readonly<Record<string, FunctionDef>> = {
  split: {
    type: "value",
    min: 2,
    max: 2,
    compile: (a, c) => {
      const text = c.value(a[0] as EvalNode);
      const sep = c.value(a[1] as EvalNode);
      return (row) => {
        const s = scalarArg(sep(row));
        const v = text(row);
        if (s === null || v === null) return null;
        const d = toText(s);
        return fromList(
          valuesOf(v).flatMap((x) => (d === "" ? [...toText(x)] : toText(x).split(d))),
        );
      };
    },
  },
  mvcount: {
    type: "value",
    min: 1,
    max: 1,
    compile: (a, c) => {
      const v = c.value(a[0] as EvalNode);
      return (row) => {
        const x = v(row);
        return x === null ? null : valuesOf(x).length;
      };
    },
  },
  mvindex: {
    type: "value",
    min: 2,
    max: 3,
    compile: (a, c) => {
      const v = c.value(a[0] as EvalNode);
      const start = c.value(a[1] as EvalNode);
      const end = a[2] === undefined ? () => null : c.value(a[2]);
      return (row) => {
        const s = numArg(start(row), Number.NaN);
        const e = end(row);
        const en = e === null ? null : numArg(e, Number.NaN);
        if (s === null || Number.isNaN(s) || (en !== null && Number.isNaN(en))) return null;
        return mvSlice(v(row), Math.trunc(s), en === null ? null : Math.trunc(en));
      };
    },
  },
  mvjoin: {
    type: "value",
    min: 2,
    max: 2,
    compile: (a, c) => {
      const v = c.value(a[0] as EvalNode);
      const sep = c.value(a[1] as EvalNode);
      return (row) => {
        const x = v(row);
        const s = scalarArg(sep(row));
        return x === null || s === null ? null : valuesOf(x).map(toText).join(toText(s));
      };
    },
  },
  mvappend: {
    type: "value",
    min: 1,
    max: Number.POSITIVE_INFINITY,
    compile: (a, c) => {
      const items = a.map((n) => c.value(n));
      return (row) => fromList(items.flatMap((f) => valuesOf(f(row)).map(toText)));
    },
  },
  mvdedup: {
    type: "value",
    min: 1,
    max: 1,
    compile: (a, c) => {
      const v = c.value(a[0] as EvalNode);
      return (row) => fromList([...new Set(valuesOf(v(row)).map(toText))]);
    },
  },
  mvfilter: { type: "value", min: 1, max: 1, compile: mvfilter },
};
