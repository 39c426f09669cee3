import { UnsupportedSearchError } from "../../errors.js";
import type { EvalNode } from "./ast.js";
import {
  type Fn,
  type FunctionDef,
  numArg,
  regexArg,
  scalarArg,
  textOrNull,
} from "./functionArgs.js";
import { mapValues, type Scalar, toNumber, toText, type Value } from "./values.js";

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

/** String and number functions; each applies to every value of a multivalue first argument. */
export const TEXT_FUNCTIONS: Readonly<Record<string, FunctionDef>> = {
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
};
