import { SplSyntaxError, UnsupportedSearchError } from "../../errors.js";
import type { EvalNode } from "./ast.js";
import { cidrMatch } from "./cidr.js";
import {
  type Compiled,
  type EvalCompiler,
  type Fn,
  type FunctionDef,
  regexArg,
} from "./functionArgs.js";
import { MULTIVALUE_FUNCTIONS } from "./mvFunctions.js";
import { TEXT_FUNCTIONS } from "./textFunctions.js";
import { anyPair, compareScalars, toText, type Value, valuesOf } from "./values.js";

export type { EvalCompiler, Fn } from "./functionArgs.js";

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

/** Tests, conditionals and null handling. */
const CONDITIONAL: Readonly<Record<string, FunctionDef>> = {
  match: {
    type: "bool",
    min: 2,
    max: 2,
    compile: (args, c) => {
      const subject = c.value(args[0] as EvalNode);
      const re = regexArg(args[1] as EvalNode, c, true);
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
};

const FUNCTIONS: Readonly<Record<string, FunctionDef>> = {
  ...CONDITIONAL,
  ...TEXT_FUNCTIONS,
  ...MULTIVALUE_FUNCTIONS,
};

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
