import { base64, base64Offsets, type TextEncoding, windashVariants } from "./encodings.js";
import { invalid, unsupported } from "./errors.js";
import {
  concatPieces,
  hasWildcard,
  type Piece,
  parseSigmaString,
  plainText,
  withStars,
} from "./sigmaString.js";

/** One value after its modifiers, before it is compiled into a test. */
export type SigmaValue =
  | {
      readonly k: "str";
      readonly pieces: readonly Piece[];
      readonly raw: string;
      readonly enc: TextEncoding;
    }
  | {
      readonly k: "re";
      readonly pattern: string;
      readonly flags: { i: boolean; m: boolean; s: boolean };
    }
  | { readonly k: "cidr"; readonly text: string }
  | { readonly k: "cmp"; readonly op: "lt" | "lte" | "gt" | "gte"; readonly n: number }
  | { readonly k: "ref"; readonly field: string; readonly start: boolean; readonly end: boolean }
  | { readonly k: "exists"; readonly present: boolean }
  | { readonly k: "null" }
  | { readonly k: "bool"; readonly b: boolean };

/** The modifiers of one detection item, and its values each expanded to alternatives. */
export interface ModifiedItem {
  /** Alternatives of each value (an expansion such as windash is OR-ed within its value). */
  readonly values: readonly (readonly SigmaValue[])[];
  /** `all`: every value must match (else any one). */
  readonly all: boolean;
  /** `cased`: compare with case. */
  readonly cased: boolean;
  /** `neq`: the item is negated as a whole. */
  readonly negate: boolean;
}

export type Scalar = string | boolean | null;

const TIME_MODIFIERS = new Set(["minute", "hour", "day", "week", "month", "year"]);
const RE_FLAGS: Readonly<Record<string, "i" | "m" | "s">> = {
  i: "i",
  ignorecase: "i",
  m: "m",
  multiline: "m",
  s: "s",
  dotall: "s",
};

function initial(v: Scalar): SigmaValue {
  if (v === null) return { k: "null" };
  if (typeof v === "boolean") return { k: "bool", b: v };
  return { k: "str", pieces: parseSigmaString(v), raw: v, enc: "utf8" };
}

function needStr(v: SigmaValue, mod: string): Extract<SigmaValue, { k: "str" }> {
  if (v.k !== "str") throw invalid(`modifier ${mod} needs a string value`);
  return v;
}

function needPlain(v: SigmaValue, mod: string): string {
  const s = needStr(v, mod);
  if (hasWildcard(s.pieces))
    throw invalid(`modifier ${mod}: wildcards are not allowed in the value`);
  return plainText(s.pieces);
}

function str(pieces: readonly Piece[], raw: string, enc: TextEncoding = "utf8"): SigmaValue {
  return { k: "str", pieces, raw, enc };
}

/** `%name%` placeholders (a backslash keeps a `%` literal) replaced by each of their values. */
function expand(
  v: SigmaValue,
  placeholders: Readonly<Record<string, readonly string[]>> | undefined,
): SigmaValue[] {
  const s = needStr(v, "expand");
  const options: Piece[][][] = [];
  let lit = "";
  const raw = s.raw;
  for (let i = 0; i < raw.length; i++) {
    if (raw.startsWith("\\%", i)) {
      lit += "%";
      i++;
      continue;
    }
    const m = raw[i] === "%" ? /^%([^%\s]+)%/.exec(raw.slice(i)) : null;
    if (m === null) {
      lit += raw[i];
      continue;
    }
    const name = m[1] as string;
    const values = placeholders?.[name];
    if (values === undefined || values.length === 0) {
      throw unsupported(`placeholder %${name}% has no value (give it in the placeholder map)`);
    }
    options.push(
      [parseSigmaString(lit)],
      values.map((x) => parseSigmaString(x)),
    );
    lit = "";
    i += m[0].length - 1;
  }
  options.push([parseSigmaString(lit)]);
  let combos: Piece[][] = [[]];
  for (const opts of options) combos = combos.flatMap((c) => opts.map((o) => concatPieces(c, o)));
  return combos.map((pieces) => str(pieces, raw));
}

function windash(v: SigmaValue): SigmaValue[] {
  const s = needStr(v, "windash");
  let combos: Piece[][] = [[]];
  for (const p of s.pieces) {
    const options: Piece[] = typeof p === "string" ? windashVariants(p) : [p];
    combos = combos.flatMap((c) => options.map((o) => concatPieces(c, [o])));
  }
  return combos.map((pieces) => str(pieces, s.raw, s.enc));
}

/** Applies one modifier to one value alternative. */
function applyOne(
  v: SigmaValue,
  mod: string,
  index: number,
  placeholders: Readonly<Record<string, readonly string[]>> | undefined,
): SigmaValue[] {
  switch (mod) {
    case "contains":
    case "startswith":
    case "endswith": {
      const before = mod !== "startswith";
      const after = mod !== "endswith";
      if (v.k === "str") return [str(withStars(v.pieces, before, after), v.raw, v.enc)];
      if (v.k === "ref") return [{ ...v, start: v.start || after, end: v.end || before }];
      // A regex is searched anywhere in the value already.
      if (v.k === "re") return [v];
      throw invalid(`modifier ${mod} needs a string value`);
    }
    case "windash":
      return windash(v);
    case "base64":
      return [
        str(parseSigmaString(escapeWildcards(base64(needPlain(v, mod), needStr(v, mod).enc))), ""),
      ];
    case "base64offset":
      return base64Offsets(needPlain(v, mod), needStr(v, mod).enc).map((b) =>
        str(parseSigmaString(escapeWildcards(b)), ""),
      );
    case "utf16le":
    case "wide":
    case "utf16be":
    case "utf16": {
      const s = needStr(v, mod);
      return [{ ...s, enc: mod === "wide" ? "utf16le" : mod }];
    }
    case "re":
      if (index !== 0) throw invalid("modifier re must come first");
      return [{ k: "re", pattern: needStr(v, mod).raw, flags: { i: false, m: false, s: false } }];
    case "cidr":
      if (index !== 0) throw invalid("modifier cidr must come first");
      return [{ k: "cidr", text: needPlain(v, mod) }];
    case "exists": {
      if (v.k === "bool") return [{ k: "exists", present: v.b }];
      if (v.k === "str" && /^(true|false)$/i.test(v.raw)) {
        return [{ k: "exists", present: v.raw.toLowerCase() === "true" }];
      }
      throw invalid("modifier exists needs true or false");
    }
    case "lt":
    case "lte":
    case "gt":
    case "gte": {
      const n = Number(needPlain(v, mod).trim());
      if (!Number.isFinite(n)) throw invalid(`modifier ${mod} needs a number`);
      return [{ k: "cmp", op: mod, n }];
    }
    case "fieldref":
      return [{ k: "ref", field: needPlain(v, mod), start: false, end: false }];
    case "expand":
      return expand(v, placeholders);
    default: {
      const flag = RE_FLAGS[mod];
      if (flag !== undefined) {
        if (v.k !== "re") throw invalid(`modifier ${mod} applies to re only`);
        return [{ ...v, flags: { ...v.flags, [flag]: true } }];
      }
      if (TIME_MODIFIERS.has(mod)) throw unsupported(`timestamp modifier ${mod}`);
      throw unsupported(`unknown modifier ${mod}`);
    }
  }
}

/** Base64 text never holds `*`, `?` or `\`, but escape them anyway for parseSigmaString. */
function escapeWildcards(s: string): string {
  return s.replace(/[*?\\]/g, "\\$&");
}

/**
 * Applies a detection item's modifier chain, in order, to each of its values. `all`, `cased`
 * and `neq` change how values combine and compare; the others transform each value (possibly
 * into several alternatives) and set its type.
 */
export function applyModifiers(
  modifiers: readonly string[],
  values: readonly Scalar[],
  placeholders?: Readonly<Record<string, readonly string[]>>,
): ModifiedItem {
  let all = false;
  let cased = false;
  let negate = false;
  const chain: string[] = [];
  for (const raw of modifiers) {
    const mod = raw.toLowerCase();
    if (mod === "all") all = true;
    else if (mod === "cased") cased = true;
    else if (mod === "neq") negate = true;
    else chain.push(mod);
  }
  const out = values.map((value) => {
    let alts: SigmaValue[] = [initial(value)];
    chain.forEach((mod, index) => {
      alts = alts.flatMap((v) => applyOne(v, mod, index, placeholders));
    });
    return alts;
  });
  return { values: out, all, cased, negate };
}
