/** A parsed rule regular expression (the subset Sigma rules use; see `parseRegex`). */
export type RegexNode =
  | { readonly t: "char"; readonly c: number }
  | { readonly t: "set"; readonly test: (c: number) => boolean }
  | { readonly t: "any" }
  | { readonly t: "cat"; readonly items: readonly RegexNode[] }
  | { readonly t: "alt"; readonly items: readonly RegexNode[] }
  | { readonly t: "rep"; readonly node: RegexNode; readonly min: number; readonly max: number }
  | { readonly t: "assert"; readonly kind: AssertKind }
  /** Lookaround or backreference: only the backtracking engine can run it. */
  | { readonly t: "opaque"; readonly what: string };

/** `^`/`$` (line anchors with the `m` flag), `A`/`z` (string start/end), `b`/`B` (word). */
export type AssertKind = "^" | "$" | "A" | "z" | "b" | "B";

export interface RegexFlags {
  readonly i: boolean;
  readonly m: boolean;
  readonly s: boolean;
}

export interface ParsedRegex {
  readonly node: RegexNode;
  readonly flags: RegexFlags;
  /** The pattern for JavaScript's engine (inline flags lifted out, Python-only syntax rewritten). */
  readonly jsSource: string;
}
