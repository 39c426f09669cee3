import { SplSyntaxError, UnsupportedSearchError } from "../../errors.js";
import type { EvalNode } from "./ast.js";
import { cidrMatch } from "./cidr.js";
import { convertPcre } from "./pcre.js";
import {
  anyPair,
  compareScalars,
  fromList,
  mapValues,
  type Row,
  type Scalar,
  toNumber,
  toText,
  type Value,
  valuesOf,
} from "./values.js";

export type Fn<T> = (row: Row) => T;
export type EvalType = "bool" | "value";

/** What a function compiler needs from the expression compiler. */
export interface EvalCompiler {
  value(node: EvalNode): Fn<Value>;
  bool(node: EvalNode): Fn<boolean>;
}

type Compiled =
  | { readonly type: "bool"; readonly fn: Fn<boolean> }
  | {
      readonly type: "value";
      readonly fn: Fn<Value>;
    };

interface FunctionDef {
  readonly type: EvalType;
  readonly min: number;
  readonly max: number;
  compile(args: readonly EvalNode[], c: EvalCompiler): Fn<boolean> | Fn<Value>;
}

/** A regex argument: compiled once when it is a literal, else per distinct value (cached). */
function regexArg(node: EvalNode, c: EvalCompiler): Fn<RegExp | null> {
  if (node.k === "str") {
    const re = convertPcre(node.v).re;
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
      re = convertPcre(text).re;
      if (cache.size >= 64) cache.clear();
      cache.set(text, re);
    }
    return re;
  };
}

/** SQL LIKE: `%` any run, `_` one character, case-sensitive, anchored; no escape character. */
function likeRegex(pattern: string): RegExp {
  let src = "";
  for (const ch of pattern) {
    if (ch === "%") src += "[\\s\\S]*";
    else if (ch === "_") src += "[\\s\\S]";
    else src += ch.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
  }
  return new RegExp(`^${src}$`);
}

function likeFn(text: Fn<Value>, patternNode: EvalNode, c: EvalCompiler): Fn<boolean> {
  if (patternNode.k === "str") {
    const re = likeRegex(patternNode.v);
    return (row) => valuesOf(text(row)).some((v) => re.test(toText(v)));
  }
  const pattern = c.value(patternNode);
  return (row) => anyPair(text(row), pattern(row), (v, p) => likeRegex(toText(p)).test(toText(v)));
}

/** A string-to-string function applied to each value of its first argument. */
function textFn(
  min: number,
  max: number,
  apply: (s: string, rest: readonly Value[]) => Scalar | null,
): FunctionDef {
  return {
    type: "value",
    min,
    max,
    compile: (args, c) => {
      const [first, ...others] = args.map((a) => c.value(a)) as [Fn<Value>, ...Fn<Value>[]];
      return (row) => {
        const rest = others.map((f) => f(row));
        return mapValues(first(row), (v) => apply(toText(v), rest));
      };
    },
  };
}

/** A number-to-number function applied to each value of its first argument. */
function numFn(
  min: number,
  max: number,
  apply: (n: number, rest: readonly Value[]) => number | null,
): FunctionDef {
  return textFn(min, max, (s, rest) => {
    const n = toNumber(s);
    return n === null ? null : apply(n, rest);
  });
}

function scalarArg(v: Value | undefined): Scalar | null {
  if (v === undefined || v === null) return null;
  return Array.isArray(v) ? ((v[0] as string | undefined) ?? null) : (v as Scalar);
}

function numArg(v: Value | undefined, fallback: number): number | null {
  const s = scalarArg(v);
  return s === null ? fallback : toNumber(s);
}

/** Splunk's round: half away from zero, to `digits` decimals. */
function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return (Math.sign(n) * Math.round(Math.abs(n) * f)) / f;
}

function trimChars(s: string, chars: string | null, left: boolean, right: boolean): string {
  const set = chars ?? " \t\n\r";
  let a = 0;
  let b = s.length;
  while (left && a < b && set.includes(s[a] as string)) a++;
  while (right && b > a && set.includes(s[b - 1] as string)) b--;
  return s.slice(a, b);
}

function urldecode(s: string): string {
  return s.replace(/\+/g, " ").replace(/(?:%[0-9a-fA-F]{2})+/g, (m) => {
    try {
      return decodeURIComponent(m);
    } catch {
      return m;
    }
  });
}

/** `\1` back-references of a `replace()` replacement, as JavaScript `$1`. */
function replacement(s: string): string {
  return s
    .replace(/\$/g, "$$$$")
    .replace(/\\(\d)/g, "$$$1")
    .replace(/\\\\/g, "\\");
}

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

const FUNCTIONS: Readonly<Record<string, FunctionDef>> = {
  match: {
    type: "bool",
    min: 2,
    max: 2,
    compile: (args, c) => {
      const subject = c.value(args[0] as EvalNode);
      const re = regexArg(args[1] as EvalNode, c);
      return (row) => {
        const r = re(row);
        return r !== null && valuesOf(subject(row)).some((v) => r.test(toText(v)));
      };
    },
  },
  like: {
    type: "bool",
    min: 2,
    max: 2,
    compile: (args, c) => likeFn(c.value(args[0] as EvalNode), args[1] as EvalNode, c),
  },
  isnull: { type: "bool", min: 1, max: 1, compile: (a, c) => nullTest(a, c, true) },
  isnotnull: { type: "bool", min: 1, max: 1, compile: (a, c) => nullTest(a, c, false) },
  isnum: {
    type: "bool",
    min: 1,
    max: 1,
    compile: (a, c) => {
      const v = c.value(a[0] as EvalNode);
      return (row) => typeof v(row) === "number";
    },
  },
  isstr: {
    type: "bool",
    min: 1,
    max: 1,
    compile: (a, c) => {
      const v = c.value(a[0] as EvalNode);
      return (row) => typeof v(row) === "string";
    },
  },
  cidrmatch: {
    type: "bool",
    min: 2,
    max: 2,
    compile: (a, c) => {
      const cidr = c.value(a[0] as EvalNode);
      const ip = c.value(a[1] as EvalNode);
      return (row) => anyPair(cidr(row), ip(row), (x, y) => cidrMatch(toText(x), toText(y)));
    },
  },
  in: {
    type: "bool",
    min: 2,
    max: Number.POSITIVE_INFINITY,
    compile: (a, c) => {
      const [x, ...list] = a.map((n) => c.value(n)) as [Fn<Value>, ...Fn<Value>[]];
      return (row) => {
        const v = x(row);
        return list.some((f) => anyPair(v, f(row), (p, q) => compareScalars(p, q) === 0));
      };
    },
  },
  true: { type: "bool", min: 0, max: 0, compile: () => () => true },
  false: { type: "bool", min: 0, max: 0, compile: () => () => false },
  if: {
    type: "value",
    min: 3,
    max: 3,
    compile: (a, c) => {
      const cond = c.bool(a[0] as EvalNode);
      const yes = c.value(a[1] as EvalNode);
      const no = c.value(a[2] as EvalNode);
      return (row) => (cond(row) ? yes(row) : no(row));
    },
  },
  case: {
    type: "value",
    min: 2,
    max: Number.POSITIVE_INFINITY,
    compile: (a, c) => {
      if (a.length % 2 !== 0) throw new SplSyntaxError("case() takes condition, value pairs");
      const pairs: Array<[Fn<boolean>, Fn<Value>]> = [];
      for (let i = 0; i < a.length; i += 2)
        pairs.push([c.bool(a[i] as EvalNode), c.value(a[i + 1] as EvalNode)]);
      return (row) => {
        for (const [cond, v] of pairs) if (cond(row)) return v(row);
        return null;
      };
    },
  },
  coalesce: {
    type: "value",
    min: 1,
    max: Number.POSITIVE_INFINITY,
    compile: (a, c) => {
      const items = a.map((n) => c.value(n));
      return (row) => {
        for (const f of items) {
          const v = f(row);
          if (v !== null) return v;
        }
        return null;
      };
    },
  },
  nullif: {
    type: "value",
    min: 2,
    max: 2,
    compile: (a, c) => {
      const x = c.value(a[0] as EvalNode);
      const y = c.value(a[1] as EvalNode);
      return (row) => {
        const v = x(row);
        return anyPair(v, y(row), (p, q) => toText(p) === toText(q)) ? null : v;
      };
    },
  },
  null: { type: "value", min: 0, max: 0, compile: () => () => null },
  len: textFn(1, 1, (s) => [...s].length),
  lower: textFn(1, 1, (s) => s.toLowerCase()),
  upper: textFn(1, 1, (s) => s.toUpperCase()),
  trim: textFn(1, 2, (s, [chars]) => trimChars(s, textOrNull(chars), true, true)),
  ltrim: textFn(1, 2, (s, [chars]) => trimChars(s, textOrNull(chars), true, false)),
  rtrim: textFn(1, 2, (s, [chars]) => trimChars(s, textOrNull(chars), false, true)),
  urldecode: textFn(1, 1, urldecode),
  substr: textFn(2, 3, (s, [start, length]) => {
    const chars = [...s];
    const st = numArg(start, 1);
    if (st === null) return null;
    const from = st < 0 ? Math.max(chars.length + st, 0) : Math.max(st - 1, 0);
    const len = numArg(length, chars.length);
    if (len === null) return null;
    return chars.slice(from, from + Math.max(len, 0)).join("");
  }),
  tostring: {
    type: "value",
    min: 1,
    max: 2,
    compile: (a, c) => {
      const v = c.value(a[0] as EvalNode);
      const format = a[1]?.k === "str" ? a[1].v : a[1] === undefined ? null : "?";
      if (format !== null && !["hex", "commas", "duration"].includes(format))
        throw new UnsupportedSearchError(`tostring() format ${format}`);
      return (row) =>
        mapValues(v(row), (x) => {
          const n = toNumber(x);
          if (format === null || n === null) return toText(x);
          if (format === "hex") return `0x${Math.trunc(n).toString(16).toUpperCase()}`;
          if (format === "commas") return round(n, 2).toLocaleString("en-US");
          const t = Math.trunc(n);
          const pad = (k: number) => String(k).padStart(2, "0");
          const days = Math.floor(t / 86400);
          const clock = `${pad(Math.floor((t % 86400) / 3600))}:${pad(Math.floor((t % 3600) / 60))}:${pad(t % 60)}`;
          return days > 0 ? `${days}+${clock}` : clock;
        });
    },
  },
  tonumber: textFn(1, 2, (s, [base]) => {
    const b = numArg(base, 10);
    if (b === null || b === 10) return toNumber(s);
    const t = s.trim().replace(b === 16 ? /^0x/i : /^$/, "");
    const digits = "0123456789abcdefghijklmnopqrstuvwxyz".slice(0, b);
    if (t === "" || ![...t.toLowerCase()].every((d) => digits.includes(d))) return null;
    return Number.parseInt(t, b);
  }),
  abs: numFn(1, 1, Math.abs),
  round: numFn(1, 2, (n, [digits]) => round(n, numArg(digits, 0) ?? 0)),
  floor: numFn(1, 1, Math.floor),
  ceiling: numFn(1, 1, Math.ceil),
  ceil: numFn(1, 1, Math.ceil),
  replace: {
    type: "value",
    min: 3,
    max: 3,
    compile: (a, c) => {
      const text = c.value(a[0] as EvalNode);
      const re = regexArg(a[1] as EvalNode, c);
      const repl = c.value(a[2] as EvalNode);
      return (row) => {
        const r = re(row);
        const with_ = scalarArg(repl(row));
        if (r === null || with_ === null) return null;
        const global = new RegExp(r.source, `${r.flags}g`);
        return mapValues(text(row), (v) => toText(v).replace(global, replacement(toText(with_))));
      };
    },
  },
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

function textOrNull(v: Value | undefined): string | null {
  const s = scalarArg(v);
  return s === null ? null : toText(s);
}

function nullTest(args: readonly EvalNode[], c: EvalCompiler, wantNull: boolean): Fn<boolean> {
  const v = c.value(args[0] as EvalNode);
  return (row) => (v(row) === null) === wantNull;
}

/** Compiles a call of `fn`; unknown functions are unsupported, a wrong arity is an error. */
export function compileCall(fn: string, args: readonly EvalNode[], c: EvalCompiler): Compiled {
  const def = Object.hasOwn(FUNCTIONS, fn) ? FUNCTIONS[fn] : undefined;
  if (def === undefined) throw new UnsupportedSearchError(`eval function ${fn}()`);
  if (args.length < def.min || args.length > def.max) {
    const want = def.min === def.max ? `${def.min}` : `${def.min} to ${def.max}`;
    throw new SplSyntaxError(`${fn}() takes ${want} arguments, got ${args.length}`);
  }
  const fnc = def.compile(args, c);
  return def.type === "bool"
    ? { type: "bool", fn: fnc as Fn<boolean> }
    : { type: "value", fn: fnc as Fn<Value> };
}
