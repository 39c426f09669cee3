import { invalid, unsupported } from "../errors.js";
import type { RegexFlags, RegexNode } from "./ast.js";
import { PikeVm } from "./PikeVm.js";
import { parseRegex } from "./parseRegex.js";

/**
 * Most backtracking paths per start position we let JavaScript's engine explore (the product
 * of the repetition ranges and alternation widths of a pattern with no unbounded repetition).
 * Above it, or with any `*`, `+` or `{n,}`, the pattern runs on the linear-time `PikeVm`.
 */
export const MAX_BACKTRACK_FACTOR = 256;

/** How a rule regex runs, for reports and tests. */
export type RegexEngine = "backtracking" | "linear";

export interface RuleRegex {
  readonly engine: RegexEngine;
  /** Lower-cased substrings every match contains (checked first, on the lower-cased value). */
  readonly required: readonly string[];
  /**
   * The same with single characters kept, for the rule index. Why: `bench/run.ts` (m) "many
   * rules": SigmaHQ's token-obfuscation regexes require only a backtick, `"{` or `${`; without
   * that needle the rule ran on every Sysmon 1 event, two thirds of the Sigma test time.
   */
  readonly literals: readonly string[];
  /** `re.search` on the value as written. */
  readonly test: (value: string, lowerValue: string) => boolean;
}

/** Upper bound on backtracking paths per start position; Infinity for unbounded repetition. */
export function backtrackFactor(node: RegexNode): number {
  switch (node.t) {
    case "cat":
      return node.items.reduce((f, n) => f * backtrackFactor(n), 1);
    case "alt":
      return node.items.reduce((f, n) => f + backtrackFactor(n), 0);
    case "rep": {
      if (node.max === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
      const inner = backtrackFactor(node.node);
      return (node.max - node.min + 1) * inner ** node.max;
    }
    default:
      return 1;
  }
}

/** Literal runs (of `minLength` or more) that every match must contain, lower-cased. */
export function requiredLiterals(node: RegexNode, minLength = 2): string[] {
  const out: string[] = [];
  let run = "";
  const flush = (): void => {
    if (run.length >= minLength) out.push(run.toLowerCase());
    run = "";
  };
  const visit = (n: RegexNode): void => {
    if (n.t === "char") run += String.fromCharCode(n.c);
    else if (n.t === "cat") for (const item of n.items) visit(item);
    else if (n.t === "rep" && n.min >= 1) {
      visit(n.node);
      flush();
    } else if (n.t !== "assert") flush();
  };
  visit(node);
  flush();
  return out;
}

/**
 * Compiles a rule's `re` value once. Patterns whose backtracking is bounded and small run on
 * JavaScript's engine; every other pattern runs on the linear-time Pike VM, so no regex can
 * stall a scan. A pattern neither can run safely (a lookaround or backreference together with
 * unbounded repetition) is rejected as unsupported, with the rule.
 */
export function compileRuleRegex(pattern: string, base: RegexFlags): RuleRegex {
  const parsed = parseRegex(pattern, base);
  const { node, flags } = parsed;
  const required = requiredLiterals(node);
  // ASCII parts only: a non-ASCII character may match case-insensitively what its lower case,
  // the needle, does not find in the lower-cased value.
  const literals = requiredLiterals(node, 1).flatMap((r) =>
    r.split(/[\u0080-\uffff]+/).filter((p) => p !== ""),
  );
  const prefilter = (lower: string): boolean => {
    for (const r of required) if (!lower.includes(r)) return false;
    return true;
  };
  if (backtrackFactor(node) <= MAX_BACKTRACK_FACTOR) {
    let re: RegExp;
    try {
      re = new RegExp(
        parsed.jsSource,
        `${flags.i ? "i" : ""}${flags.m ? "m" : ""}${flags.s ? "s" : ""}`,
      );
    } catch (err) {
      throw invalid(`bad regex ${JSON.stringify(pattern)}: ${(err as Error).message}`);
    }
    return {
      engine: "backtracking",
      required,
      literals,
      test: (v, lower) => prefilter(lower) && re.test(v),
    };
  }
  let vm: PikeVm;
  try {
    vm = new PikeVm(node, flags);
  } catch (err) {
    throw unsupported(
      `regex ${JSON.stringify(pattern)} has unbounded repetition and ${(err as Error).message}: it could backtrack catastrophically`,
    );
  }
  return {
    engine: "linear",
    required,
    literals,
    test: (v, lower) => prefilter(lower) && vm.test(v),
  };
}
