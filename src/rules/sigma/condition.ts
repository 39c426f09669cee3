import { invalid, unsupported } from "./errors.js";

/** A parsed Sigma `condition`. */
export type ConditionNode =
  | { readonly t: "id"; readonly name: string }
  | { readonly t: "not"; readonly node: ConditionNode }
  | { readonly t: "and" | "or"; readonly items: readonly ConditionNode[] }
  /** `1 of x*`, `all of them`: `count` is the number required, `all` for every one. */
  | { readonly t: "of"; readonly count: number | "all"; readonly pattern: string };

type Token =
  | { readonly k: "(" | ")" | "and" | "or" | "not" | "of" | "them" | "all" }
  | { readonly k: "num"; readonly n: number }
  | { readonly k: "id"; readonly name: string };

const KEYWORDS = new Set(["and", "or", "not", "of", "them", "all"]);

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(\()|(\))|(\|)|([^\s()|]+))/gy;
  let m: RegExpExecArray | null = re.exec(text);
  let end = 0;
  while (m !== null && m[0] !== "") {
    end = re.lastIndex;
    if (m[1]) out.push({ k: "(" });
    else if (m[2]) out.push({ k: ")" });
    else if (m[3]) throw unsupported(`aggregation or pipe in condition: ${text.trim()}`);
    else {
      const word = m[4] as string;
      const lower = word.toLowerCase();
      if (KEYWORDS.has(lower)) out.push({ k: lower as "and" });
      else if (lower === "any") out.push({ k: "num", n: 1 });
      else if (/^\d+$/.test(word)) out.push({ k: "num", n: Number(word) });
      else out.push({ k: "id", name: word });
    }
    m = re.exec(text);
  }
  if (text.slice(end).trim() !== "") throw invalid(`cannot read condition: ${text}`);
  return out;
}

/**
 * Parses a condition with Sigma's precedence (lowest first): `or`, `and`, `not`, `x of`,
 * parentheses. Keywords are case-insensitive; `any of` is read as `1 of`. Aggregations
 * (`| count() ...`) and `near` are reported unsupported.
 */
export function parseCondition(text: string): ConditionNode {
  const tokens = tokenize(text);
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const expect = (k: Token["k"]): Token => {
    const t = tokens[i];
    if (t === undefined || t.k !== k) throw invalid(`condition: expected ${k} in "${text}"`);
    i++;
    return t;
  };
  const orExpr = (): ConditionNode => {
    const items = [andExpr()];
    while (peek()?.k === "or") {
      i++;
      items.push(andExpr());
    }
    return items.length === 1 ? (items[0] as ConditionNode) : { t: "or", items };
  };
  const andExpr = (): ConditionNode => {
    const items = [notExpr()];
    while (peek()?.k === "and") {
      i++;
      items.push(notExpr());
    }
    return items.length === 1 ? (items[0] as ConditionNode) : { t: "and", items };
  };
  const notExpr = (): ConditionNode => {
    if (peek()?.k === "not") {
      i++;
      return { t: "not", node: notExpr() };
    }
    return primary();
  };
  const primary = (): ConditionNode => {
    const t = peek();
    if (t === undefined) throw invalid(`condition ends early: "${text}"`);
    i++;
    if (t.k === "(") {
      const node = orExpr();
      expect(")");
      return node;
    }
    if (t.k === "num" || t.k === "all") {
      expect("of");
      const target = tokens[i++];
      const count = t.k === "num" ? t.n : "all";
      if (target?.k === "them") return { t: "of", count, pattern: "them" };
      if (target?.k === "id") return { t: "of", count, pattern: target.name };
      throw invalid(`condition: expected a search identifier pattern or "them" in "${text}"`);
    }
    if (t.k === "id") {
      if (t.name.toLowerCase() === "near") throw unsupported(`"near" in condition: ${text}`);
      return { t: "id", name: t.name };
    }
    throw invalid(`condition: unexpected "${t.k}" in "${text}"`);
  };
  const node = orExpr();
  if (i < tokens.length) throw invalid(`condition: unexpected "${tokens[i]?.k}" in "${text}"`);
  return node;
}

/** Search identifiers a `x of` pattern covers: `*` is a wildcard; `them` skips `_` names. */
export function identifiersFor(pattern: string, names: readonly string[]): string[] {
  if (pattern === "them") return names.filter((n) => !n.startsWith("_"));
  const re = new RegExp(
    `^${pattern
      .split("*")
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  return names.filter((n) => re.test(n));
}
