/** Comparison operators of a `where` clause term. */
export type CompareOp = "=" | "!=" | "<" | "<=" | ">" | ">=";

/** A `tstats ... where` expression, as parsed, before compilation. */
export type Expr =
  | { readonly kind: "and"; readonly items: readonly Expr[] }
  | { readonly kind: "or"; readonly items: readonly Expr[] }
  | { readonly kind: "not"; readonly item: Expr }
  | {
      readonly kind: "compare";
      readonly field: string;
      readonly op: CompareOp;
      readonly value: string;
    }
  | { readonly kind: "in"; readonly field: string; readonly values: readonly string[] };

/** One `tstats` aggregation: `count`, `min(_time) as firstTime`, ... */
export interface Aggregation {
  readonly fn: string;
  readonly arg?: string;
  readonly as: string;
}

/** A parsed `| tstats ... from datamodel=... where ... by ... | ...` search. */
export interface TstatsSearch {
  /** The tstats command itself, as written (macros expanded, trimmed). */
  readonly command: string;
  readonly options: Readonly<Record<string, string>>;
  readonly aggregations: readonly Aggregation[];
  readonly datamodel: string;
  readonly where: Expr | undefined;
  readonly by: readonly string[];
  /** `span=1h` of a `by _time` clause, as written. */
  readonly span?: string;
  /** Pipes after the tstats command, macros expanded, trimmed. */
  readonly pipes: readonly string[];
}
