import { SplSyntaxError, UnsupportedSearchError } from "../../errors.js";
import {
  type Arg,
  fieldMatcher,
  fieldRenamer,
  moveField,
  splitArgs,
  takeOptions,
} from "./commandArgs.js";
import { compileCondition, compileExpression } from "./compileEval.js";
import type { Fn } from "./functions.js";
import { parseEval } from "./parseEval.js";
import { evalNodeReads } from "./rowPushdown.js";
import { compileStrftime } from "./strftime.js";
import { mapValues, type Row, toNumber, type Value } from "./values.js";

/** One command over a row, in place: false drops the row. */
export type RowStage = (row: Row) => boolean;

/** `| where <eval condition>`. */
export function whereStage(args: string): RowStage {
  return compileCondition(args);
}

/** Top-level commas of an `eval` argument (outside quotes and parentheses). */
function splitAssignments(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== null) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/**
 * `| eval a=<expr>, b=<expr>`: assignments run left to right, so `b` sees the new `a`. A null
 * result removes the field, as Splunk leaves it unset.
 */
function assignments(args: string): Array<readonly [string, string]> {
  return splitAssignments(args).map((part) => {
    const m = /^\s*("[^"]+"|'[^']+'|[^\s=]+)\s*=(?!=)([\s\S]*)$/.exec(part);
    if (m === null) throw new SplSyntaxError(`eval needs <field>=<expression>, got "${part}"`);
    return [(m[1] as string).replace(/^["']|["']$/g, ""), m[2] as string] as const;
  });
}

/**
 * What an `eval` writes, in order: each target, the field it copies when it is `a = b`, and the
 * fields its value is computed from.
 */
export function evalTargets(
  args: string,
): Array<{ readonly to: string; readonly from?: string; readonly reads: ReadonlySet<string> }> {
  return assignments(args).map(([to, expr]) => {
    // read from the expression as `eval` evaluates it (`a.b` is a concatenation, `'a.b'` a field)
    const node = parseEval(expr);
    const reads = evalNodeReads(node);
    return node.k === "field" ? { to, from: node.name, reads } : { to, reads };
  });
}

export function evalStage(args: string): RowStage {
  const assigns: Array<readonly [string, Fn<Value>]> = assignments(args).map(
    ([name, expr]) => [name, compileExpression(expr)] as const,
  );
  if (assigns.length === 0) throw new SplSyntaxError("eval without an assignment");
  return (row) => {
    for (const [name, f] of assigns) {
      const v = f(row);
      if (v === null) delete row[name];
      else row[name] = v;
    }
    return true;
  };
}

/** The renamings of a `| rename`, in order: each gives a name's new name, or null. */
export function renameMoves(args: string): Array<(name: string) => string | null> {
  const words = splitArgs(args);
  const moves: Array<(name: string) => string | null> = [];
  for (let i = 0; i < words.length; i += 3) {
    const [from, as, to] = [words[i], words[i + 1], words[i + 2]];
    if (from === undefined || to === undefined || as?.text.toLowerCase() !== "as")
      throw new SplSyntaxError(`rename needs <field> AS <field> pairs: "${args}"`);
    moves.push(fieldRenamer(from.text, to.text));
  }
  return moves;
}

/** `| rename a as b, c* as d*`, in order; `as` is case-insensitive. */
export function renameStage(args: string): RowStage {
  // rows share few field names: each renaming of a name is worked out once
  const moves = renameMoves(args).map((move) => {
    const known = new Map<string, string | null>();
    return (name: string): string | null => {
      let to = known.get(name);
      if (to === undefined) {
        to = move(name);
        known.set(name, to);
      }
      return to;
    };
  });
  return (row) => {
    for (const move of moves) {
      for (const name of Object.keys(row)) {
        const to = move(name);
        if (to !== null) moveField(row, name, to);
      }
    }
    return true;
  };
}

function patterns(args: readonly Arg[]): Array<(name: string) => boolean> {
  return args.map((a) => fieldMatcher(a.text));
}

/** `| table a, b*`: keeps the listed fields (wildcards allowed), in the listed order. */
/** The fields a `| table` keeps. */
export function tableKeeps(args: string): (name: string) => boolean {
  const wanted = patterns(splitArgs(args));
  return (name) => wanted.some((t) => t(name));
}

/** The fields a `| fields` keeps. */
export function fieldsKeeps(args: string): (name: string) => boolean {
  const words = splitArgs(args);
  const mode = words[0]?.text === "-" || words[0]?.text === "+" ? words.shift()?.text : "+";
  const tests = patterns(words);
  const listed = (k: string): boolean => tests.some((t) => t(k));
  return mode === "-" ? (name) => !listed(name) : (name) => listed(name) || name.startsWith("_");
}

export function tableStage(args: string): RowStage {
  const wanted = patterns(splitArgs(args));
  return (row) => {
    const kept: Array<[string, Value]> = [];
    const taken = new Set<string>();
    for (const test of wanted) {
      for (const [k, v] of Object.entries(row)) {
        if (!taken.has(k) && test(k)) {
          taken.add(k);
          kept.push([k, v]);
        }
      }
    }
    for (const k of Object.keys(row)) delete row[k];
    for (const [k, v] of kept) row[k] = v;
    return true;
  };
}

/** `| fields a, b` keeps those (and internal `_` fields); `| fields - a, b*` removes them. */
export function fieldsStage(args: string): RowStage {
  const words = splitArgs(args);
  const mode = words[0]?.text === "-" || words[0]?.text === "+" ? words.shift()?.text : "+";
  const tests = patterns(words);
  const listed = (k: string): boolean => tests.some((t) => t(k));
  if (mode === "-") {
    return (row) => {
      for (const k of Object.keys(row)) if (listed(k)) delete row[k];
      return true;
    };
  }
  return (row) => {
    for (const k of Object.keys(row)) if (!listed(k) && !k.startsWith("_")) delete row[k];
    return true;
  };
}

const CONVERT_OPTIONS: ReadonlySet<string> = new Set(["timeformat"]);

interface ConvertJob {
  readonly test: (name: string) => boolean;
  readonly as: string | null;
}

/** The fields a `| convert` reads (`test`) and where each result goes (`as`, else in place). */
export function convertTargets(args: string): ConvertJob[] {
  return parseConvert(args).jobs;
}

function parseConvert(args: string): { format: (n: number) => string; jobs: ConvertJob[] } {
  const { options, rest } = takeOptions(splitArgs(args), CONVERT_OPTIONS);
  const format = compileStrftime(options.get("timeformat") ?? "%m/%d/%Y %H:%M:%S");
  const jobs: ConvertJob[] = [];
  for (let i = 0; i < rest.length; i++) {
    const m = /^(\w+)\(([^()]+)\)$/.exec((rest[i] as Arg).text);
    if (m === null) throw new SplSyntaxError(`convert: cannot read "${(rest[i] as Arg).text}"`);
    if ((m[1] as string).toLowerCase() !== "ctime")
      throw new UnsupportedSearchError(`convert function ${m[1]}()`);
    let as: string | null = null;
    if (rest[i + 1]?.text.toLowerCase() === "as" && rest[i + 2] !== undefined) {
      as = (rest[i + 2] as Arg).text;
      i += 2;
    }
    jobs.push({ test: fieldMatcher((m[2] as string).trim()), as });
  }
  return { format, jobs };
}

/**
 * `| convert [timeformat=...] ctime(f) [as g] ...`: epoch seconds become text in the format
 * (default `%m/%d/%Y %H:%M:%S`, UTC); values that are not numbers stay as they are.
 */
export function convertStage(args: string): RowStage {
  const { format, jobs } = parseConvert(args);
  const ctime = (v: Value): Value =>
    mapValues(v, (x) => {
      const n = toNumber(x);
      return n === null ? x : format(n);
    });
  return (row) => {
    for (const job of jobs) {
      for (const k of Object.keys(row)) {
        if (job.test(k)) row[job.as ?? k] = ctime(row[k] ?? null);
      }
    }
    return true;
  };
}
