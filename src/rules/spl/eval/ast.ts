/** Binary operators of an eval expression, by precedence group (see `parseEval`). */
export type LogicOp = "AND" | "OR" | "XOR";
export type EqualityOp = "=" | "!=" | "LIKE";
export type RelationOp = "<" | "<=" | ">" | ">=";
export type ArithOp = "+" | "-" | "." | "*" | "/" | "%";

/** A parsed `| where` / `| eval` expression. */
export type EvalNode =
  | { readonly k: "num"; readonly v: number }
  | { readonly k: "str"; readonly v: string }
  | { readonly k: "field"; readonly name: string }
  | { readonly k: "call"; readonly fn: string; readonly args: readonly EvalNode[] }
  | { readonly k: "not"; readonly x: EvalNode }
  | { readonly k: "neg"; readonly x: EvalNode }
  | { readonly k: "logic"; readonly op: LogicOp; readonly a: EvalNode; readonly b: EvalNode }
  | {
      readonly k: "cmp";
      readonly op: EqualityOp | RelationOp;
      readonly a: EvalNode;
      readonly b: EvalNode;
    }
  | { readonly k: "arith"; readonly op: ArithOp; readonly a: EvalNode; readonly b: EvalNode }
  | { readonly k: "in"; readonly x: EvalNode; readonly list: readonly EvalNode[] };
