import { SplSyntaxError } from "../../errors.js";

/** A token of an eval expression. */
export type EvalToken =
  | { readonly t: "num"; readonly v: number; readonly at: number }
  | { readonly t: "str"; readonly v: string; readonly at: number }
  /** A bare word: a keyword, a function name or a field name. */
  | { readonly t: "word"; readonly v: string; readonly at: number }
  /** A single-quoted field name (`'Processes.process'`). */
  | { readonly t: "field"; readonly v: string; readonly at: number }
  | { readonly t: "op"; readonly v: string; readonly at: number }
  | { readonly t: "(" | ")" | ","; readonly at: number };

const OPERATORS = ["==", "!=", "<=", ">=", "<", ">", "=", "+", "-", "*", "/", "%", "."] as const;

/** Escapes of an eval string literal; any other backslash stays as written (regexes rely on it). */
const STRING_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\",
  '"': '"',
  t: "\t",
  n: "\n",
  r: "\r",
};

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

function isWordStart(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && (isWordStart(c) || isDigit(c));
}

/**
 * Splits an eval expression into tokens. Field names are bare words of letters, digits and
 * underscores; a name with other characters (a dot, a space) must be single-quoted, since `.`
 * is the concatenation operator: `a.b` concatenates fields `a` and `b`.
 */
export function tokenizeEval(text: string): EvalToken[] {
  const out: EvalToken[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
    } else if (c === "(" || c === ")" || c === ",") {
      out.push({ t: c, at: i });
      i++;
    } else if (c === '"' || c === "'") {
      let value = "";
      let j = i + 1;
      for (; j < text.length && text[j] !== c; j++) {
        const d = text[j] as string;
        if (d === "\\" && j + 1 < text.length) {
          const e = text[j + 1] as string;
          const mapped = c === '"' ? STRING_ESCAPES[e] : e === "'" || e === "\\" ? e : undefined;
          value += mapped ?? `\\${e}`;
          j++;
        } else value += d;
      }
      if (j >= text.length) throw new SplSyntaxError(`unterminated ${c} string in eval expression`);
      out.push(c === '"' ? { t: "str", v: value, at: i } : { t: "field", v: value, at: i });
      i = j + 1;
    } else if (isDigit(c)) {
      const m = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i)) as RegExpExecArray;
      out.push({ t: "num", v: Number(m[0]), at: i });
      i += m[0].length;
    } else if (isWordStart(c)) {
      let j = i + 1;
      while (isWordChar(text[j])) j++;
      out.push({ t: "word", v: text.slice(i, j), at: i });
      i = j;
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (op === undefined)
        throw new SplSyntaxError(`unexpected character '${c}' in eval expression`);
      out.push({ t: "op", v: op, at: i });
      i += op.length;
    }
  }
  return out;
}
