import { SplSyntaxError, UnsupportedSearchError } from "../errors.js";
import type { CompareOp, Expr } from "./ast.js";

type Token =
  | { readonly t: "(" | ")" | "," }
  | { readonly t: "op"; readonly op: CompareOp }
  | { readonly t: "word"; readonly text: string; readonly quoted: boolean };

const OPS: readonly CompareOp[] = ["!=", "<=", ">=", "=", "<", ">"];

/** Characters that end a bare word. */
function isBreak(c: string): boolean {
  return (
    c === " " ||
    c === "\t" ||
    c === "\n" ||
    c === "\r" ||
    c === "(" ||
    c === ")" ||
    c === "," ||
    c === '"'
  );
}

/** `()` at `j`, inside a bare value that started at `start` (so not a grouping parenthesis). */
function isEmptyCall(text: string, j: number, start: number): boolean {
  return j > start && text[j] === "(" && text[j + 1] === ")";
}

/** A bare (unquoted) term's text: `\\` is one backslash and `\"` a quote, as in quotes. */
function unescapeBare(word: string): string {
  return word.indexOf("\\") === -1 ? word : word.replace(/\\([\\"])/g, "$1");
}

/**
 * Splunk search tokens. A bare value after an operator runs to the next space, comma or
 * parenthesis (so `*--type=renderer*` stays one value); a quoted one may hold anything. In
 * both, `\"` and `\\` are the only escapes (any other backslash is kept, as in `C:\Windows`).
 */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let afterOp = false;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    if (c === "(" || c === ")" || c === ",") {
      tokens.push({ t: c });
      i++;
      afterOp = false;
      continue;
    }
    if (c === '"') {
      let value = "";
      let j = i + 1;
      for (; j < text.length; j++) {
        const d = text[j];
        if (d === "\\" && (text[j + 1] === '"' || text[j + 1] === "\\")) {
          value += text[j + 1];
          j++;
        } else if (d === '"') break;
        else value += d;
      }
      if (j >= text.length) throw new SplSyntaxError("unterminated quoted string in where clause");
      tokens.push({ t: "word", text: value, quoted: true });
      i = j + 1;
      afterOp = false;
      continue;
    }
    if (!afterOp) {
      const op = OPS.find((o) => text.startsWith(o, i));
      if (op !== undefined) {
        tokens.push({ t: "op", op });
        i += op.length;
        afterOp = true;
        continue;
      }
    }
    let j = i;
    if (afterOp) {
      // an empty `()` inside a bare value is part of it: `process=*GetCurrent()*`
      while (j < text.length && (!isBreak(text[j] as string) || isEmptyCall(text, j, i))) {
        j += isEmptyCall(text, j, i) ? 2 : 1;
      }
    } else {
      while (
        j < text.length &&
        !isBreak(text[j] as string) &&
        !OPS.some((o) => text.startsWith(o, j))
      )
        j++;
    }
    // Splunk's search language escapes with a backslash outside quotes too: `*HKLM\\SAM*` is
    // `*HKLM\SAM*` (Search Manual, "Backslashes"); any other backslash is itself.
    tokens.push({ t: "word", text: unescapeBare(text.slice(i, j)), quoted: false });
    i = j;
    afterOp = false;
  }
  return tokens;
}

function isKeyword(tok: Token | undefined, word: string): boolean {
  return tok !== undefined && tok.t === "word" && !tok.quoted && tok.text === word;
}

/**
 * Parses a `tstats` `where` clause with Splunk search precedence: NOT binds tightest, then OR,
 * then AND (explicit or implied by juxtaposition). So `a OR b c` is `(a OR b) AND c`, unlike
 * `| where` and `| eval`, which evaluate AND first.
 */
export function parseWhere(text: string): Expr | undefined {
  const tokens = tokenize(text);
  let pos = 0;

  const peekTok = (): Token | undefined => tokens[pos];

  function parseAnd(): Expr {
    const items: Expr[] = [parseOr()];
    for (;;) {
      const tok = peekTok();
      if (tok === undefined || tok.t === ")") break;
      if (isKeyword(tok, "AND")) pos++;
      items.push(parseOr());
    }
    return items.length === 1 ? (items[0] as Expr) : { kind: "and", items };
  }

  function parseOr(): Expr {
    const items: Expr[] = [parseNot()];
    while (isKeyword(peekTok(), "OR")) {
      pos++;
      items.push(parseNot());
    }
    return items.length === 1 ? (items[0] as Expr) : { kind: "or", items };
  }

  function parseNot(): Expr {
    if (isKeyword(peekTok(), "NOT")) {
      pos++;
      return { kind: "not", item: parseNot() };
    }
    return parsePrimary();
  }

  function parsePrimary(): Expr {
    const tok = tokens[pos++];
    if (tok === undefined) throw new SplSyntaxError("where clause ends where a term was expected");
    if (tok.t === "(") {
      const inner = parseAnd();
      if (tokens[pos++]?.t !== ")") throw new SplSyntaxError("missing ) in where clause");
      return inner;
    }
    if (tok.t !== "word")
      throw new SplSyntaxError(`unexpected '${tok.t === "op" ? tok.op : tok.t}' in where clause`);
    const next = tokens[pos];
    if (next?.t === "op") {
      pos++;
      const value = tokens[pos++];
      if (value === undefined || value.t !== "word") {
        throw new SplSyntaxError(`missing value after ${tok.text}${next.op}`);
      }
      return { kind: "compare", field: tok.text, op: next.op, value: value.text };
    }
    if (next?.t === "word" && !next.quoted && next.text.toUpperCase() === "IN") {
      pos++;
      if (tokens[pos++]?.t !== "(") throw new SplSyntaxError(`missing ( after ${tok.text} IN`);
      const values: string[] = [];
      for (;;) {
        const v = tokens[pos++];
        if (v === undefined) throw new SplSyntaxError("unterminated IN list");
        if (v.t === ")") break;
        if (v.t === ",") continue;
        if (v.t !== "word") throw new SplSyntaxError("unexpected operator in IN list");
        values.push(v.text);
      }
      return { kind: "in", field: tok.text, values };
    }
    throw new UnsupportedSearchError(
      `bare search term "${tok.text}" in where clause (only field comparisons run)`,
    );
  }

  if (tokens.length === 0) return undefined;
  const expr = parseAnd();
  if (pos < tokens.length) throw new SplSyntaxError("unbalanced ) in where clause");
  return expr;
}
