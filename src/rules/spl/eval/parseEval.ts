import { SplSyntaxError } from "../../errors.js";
import type { ArithOp, EqualityOp, EvalNode, LogicOp, RelationOp } from "./ast.js";
import { type EvalToken, tokenizeEval } from "./tokenize.js";

type OpToken = Extract<EvalToken, { t: "op" }>;

const EQUALITY: Readonly<Record<string, EqualityOp>> = { "=": "=", "==": "=", "!=": "!=" };
const RELATION: ReadonlySet<string> = new Set(["<", "<=", ">", ">="]);
const ADDITIVE: ReadonlySet<string> = new Set(["+", "-", "."]);
const MULTIPLICATIVE: ReadonlySet<string> = new Set(["*", "/", "%"]);

function describe(tok: EvalToken | undefined): string {
  if (tok === undefined) return "end of expression";
  return "v" in tok ? `'${String(tok.v)}'` : `'${tok.t}'`;
}

/**
 * Parses a `| where` or `| eval` expression with Splunk's eval precedence, tightest first:
 * parentheses and function calls, unary minus, `* / %`, `+ - .`, `< <= > >=`,
 * `= == != LIKE IN`, `NOT`, `AND`, `OR`, `XOR`. So `a=1 OR b=2 AND c=3` is
 * `a=1 OR (b=2 AND c=3)`, unlike the search command, where OR binds tighter than AND.
 * Keywords are case-insensitive; function names are lower-cased.
 */
export function parseEval(text: string): EvalNode {
  const toks = tokenizeEval(text);
  let pos = 0;

  const peek = (): EvalToken | undefined => toks[pos];
  const isKeyword = (tok: EvalToken | undefined, word: string): boolean =>
    tok !== undefined && tok.t === "word" && tok.v.toUpperCase() === word;
  const isOp = (tok: EvalToken | undefined, set: ReadonlySet<string>): tok is OpToken =>
    tok !== undefined && tok.t === "op" && set.has(tok.v);

  function expect(t: "(" | ")", context: string): void {
    const tok = toks[pos++];
    if (tok?.t !== t)
      throw new SplSyntaxError(`expected '${t}' ${context}, found ${describe(tok)}`);
  }

  function logic(op: LogicOp, next: () => EvalNode): () => EvalNode {
    return () => {
      let a = next();
      while (isKeyword(peek(), op)) {
        pos++;
        a = { k: "logic", op, a, b: next() };
      }
      return a;
    };
  }

  const parseAnd = logic("AND", parseNot);
  const parseOr = logic("OR", parseAnd);
  const parseXor = logic("XOR", parseOr);

  function parseNot(): EvalNode {
    if (isKeyword(peek(), "NOT")) {
      pos++;
      return { k: "not", x: parseNot() };
    }
    return parseEquality();
  }

  function parseEquality(): EvalNode {
    let a = parseRelation();
    for (;;) {
      const tok = peek();
      if (tok?.t === "op" && EQUALITY[tok.v] !== undefined) {
        pos++;
        a = { k: "cmp", op: EQUALITY[tok.v] as EqualityOp, a, b: parseRelation() };
      } else if (isKeyword(tok, "LIKE")) {
        pos++;
        a = { k: "cmp", op: "LIKE", a, b: parseRelation() };
      } else if (isKeyword(tok, "IN")) {
        pos++;
        expect("(", "after IN");
        a = { k: "in", x: a, list: parseArgs() };
      } else return a;
    }
  }

  function parseRelation(): EvalNode {
    let a = parseAdditive();
    for (let tok = peek(); isOp(tok, RELATION); tok = peek()) {
      pos++;
      a = { k: "cmp", op: tok.v as RelationOp, a, b: parseAdditive() };
    }
    return a;
  }

  function parseAdditive(): EvalNode {
    let a = parseMultiplicative();
    for (let tok = peek(); isOp(tok, ADDITIVE); tok = peek()) {
      pos++;
      a = { k: "arith", op: tok.v as ArithOp, a, b: parseMultiplicative() };
    }
    return a;
  }

  function parseMultiplicative(): EvalNode {
    let a = parseUnary();
    for (let tok = peek(); isOp(tok, MULTIPLICATIVE); tok = peek()) {
      pos++;
      a = { k: "arith", op: tok.v as ArithOp, a, b: parseUnary() };
    }
    return a;
  }

  function parseUnary(): EvalNode {
    const tok = peek();
    if (tok?.t === "op" && (tok.v === "-" || tok.v === "+")) {
      pos++;
      const x = parseUnary();
      return tok.v === "-" ? { k: "neg", x } : x;
    }
    return parsePrimary();
  }

  /** Comma-separated expressions up to the closing parenthesis (already past the opening one). */
  function parseArgs(): EvalNode[] {
    const args: EvalNode[] = [];
    if (peek()?.t === ")") {
      pos++;
      return args;
    }
    for (;;) {
      args.push(parseXor());
      const tok = toks[pos++];
      if (tok?.t === ")") return args;
      if (tok?.t !== ",") throw new SplSyntaxError(`expected ',' or ')', found ${describe(tok)}`);
    }
  }

  function parsePrimary(): EvalNode {
    const tok = toks[pos++];
    if (tok === undefined)
      throw new SplSyntaxError("eval expression ends where a value was expected");
    switch (tok.t) {
      case "num":
        return { k: "num", v: tok.v };
      case "str":
        return { k: "str", v: tok.v };
      case "field":
        return { k: "field", name: tok.v };
      case "(": {
        const inner = parseXor();
        expect(")", "to close '('");
        return inner;
      }
      case "word":
        if (peek()?.t === "(") {
          pos++;
          return { k: "call", fn: tok.v.toLowerCase(), args: parseArgs() };
        }
        if (/^(AND|OR|XOR|NOT|LIKE|IN)$/i.test(tok.v))
          throw new SplSyntaxError(`unexpected keyword ${tok.v} in eval expression`);
        return { k: "field", name: tok.v };
      default:
        throw new SplSyntaxError(`unexpected ${describe(tok)} in eval expression`);
    }
  }

  if (toks.length === 0) throw new SplSyntaxError("empty eval expression");
  const node = parseXor();
  if (pos < toks.length)
    throw new SplSyntaxError(`unexpected ${describe(toks[pos])} in eval expression`);
  return node;
}
