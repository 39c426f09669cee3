import { compileCidr } from "./cidr.js";
import { compileGlob } from "./compileGlob.js";
import type { FieldRef } from "./EventView.js";
import { utf16AsText } from "./encodings.js";
import { unsupported } from "./errors.js";
import { type FieldMapping, fieldRef } from "./fields.js";
import type { SigmaValue } from "./modifiers.js";
import { compileRuleRegex } from "./regex/compileRuleRegex.js";
import { longestLiteral, needle, type Requirement } from "./requirement.js";
import {
  mapLiterals,
  type Piece,
  parseSigmaString,
  QMARK,
  STAR,
  withStars,
} from "./sigmaString.js";
import type { ViewTest } from "./types.js";

/**
 * A compiled test, its relative cost (cheap tests run first in `and`/`or`) and the literals
 * every match needs (the index runs a rule only when the event has one of them).
 */
export interface CostedTest {
  readonly test: ViewTest;
  readonly cost: number;
  readonly req: Requirement;
}

function longestRequired(required: readonly string[]): string {
  return required.reduce((a, b) => (b.length > a.length ? b : a), "");
}

function stringPieces(v: Extract<SigmaValue, { k: "str" }>): readonly Piece[] {
  const enc = v.enc;
  return enc === "utf8" ? v.pieces : mapLiterals(v.pieces, (s) => utf16AsText(s, enc));
}

function globCost(pieces: readonly Piece[]): number {
  const stars = pieces.filter((p) => p === STAR).length;
  if (pieces.includes(QMARK)) return 6;
  if (stars === 0) return 2;
  if (stars === 1 && (pieces[0] === STAR || pieces[pieces.length - 1] === STAR)) return 3;
  return stars === 2 && pieces.length === 3 ? 4 : 5;
}

/** Compiles one value alternative of a field item into a test of that field. */
export function compileFieldValue(
  v: SigmaValue,
  field: FieldRef,
  cased: boolean,
  mapping: FieldMapping | undefined,
): CostedTest {
  switch (v.k) {
    case "str":
    case "bool": {
      const pieces = v.k === "str" ? stringPieces(v) : parseSigmaString(String(v.b));
      const t = compileGlob(pieces, !cased);
      const cost = globCost(pieces);
      const req = needle(field, longestLiteral(pieces));
      if (cased) {
        return {
          cost,
          req,
          test: (view) => {
            const s = view.raw(field);
            return s !== undefined && t(s);
          },
        };
      }
      return {
        cost,
        req,
        test: (view) => {
          const s = view.lower(field);
          return s !== undefined && t(s);
        },
      };
    }
    case "re": {
      const rr = compileRuleRegex(v.pattern, v.flags);
      return {
        cost: rr.engine === "linear" ? 20 : 10,
        req: needle(field, longestRequired(rr.literals)),
        test: (view) => {
          const s = view.raw(field);
          return s !== undefined && rr.test(s, view.lower(field) as string);
        },
      };
    }
    case "cidr": {
      const t = compileCidr(v.text);
      return {
        cost: 6,
        req: null,
        test: (view) => {
          const s = view.raw(field);
          return s !== undefined && t(s);
        },
      };
    }
    case "cmp": {
      const { op, n } = v;
      const cmp =
        op === "lt"
          ? (x: number) => x < n
          : op === "lte"
            ? (x: number) => x <= n
            : op === "gt"
              ? (x: number) => x > n
              : (x: number) => x >= n;
      return {
        cost: 3,
        req: null,
        test: (view) => {
          const s = view.raw(field)?.trim();
          if (s === undefined || s === "") return false;
          const x = Number(s);
          return !Number.isNaN(x) && cmp(x);
        },
      };
    }
    case "ref": {
      const other = fieldRef(v.field, mapping);
      const { start, end } = v;
      const rel = (a: string, b: string): boolean =>
        start && end ? a.includes(b) : start ? a.startsWith(b) : end ? a.endsWith(b) : a === b;
      const read = cased
        ? (view: Parameters<ViewTest>[0], f: FieldRef) => view.raw(f)
        : (view: Parameters<ViewTest>[0], f: FieldRef) => view.lower(f);
      return {
        cost: 5,
        req: null,
        test: (view) => {
          const a = read(view, field);
          const b = read(view, other);
          return a !== undefined && b !== undefined && rel(a, b);
        },
      };
    }
    case "exists": {
      const present = v.present;
      return { cost: 1, req: null, test: (view) => (view.raw(field) !== undefined) === present };
    }
    case "null":
      return {
        cost: 1,
        req: null,
        test: (view) => {
          const s = view.raw(field);
          return s === undefined || s === "";
        },
      };
  }
}

/**
 * Compiles one value alternative of a keyword item (no field): it matches when any data
 * value contains it (wildcards allowed), or, for `re`, when the regex finds it in any value.
 */
export function compileKeywordValue(v: SigmaValue, cased: boolean): CostedTest {
  if (v.k === "str") {
    const pieces = withStars(stringPieces(v), true, true);
    const t = compileGlob(pieces, !cased);
    const req = needle(null, longestLiteral(pieces));
    if (cased) return { cost: 8, req, test: (view) => view.rawValues().some(t) };
    return { cost: 8, req, test: (view) => view.lowerValues().some(t) };
  }
  if (v.k === "re") {
    const rr = compileRuleRegex(v.pattern, v.flags);
    return {
      cost: 30,
      req: needle(null, longestRequired(rr.literals)),
      test: (view) => view.rawValues().some((s) => rr.test(s, s.toLowerCase())),
    };
  }
  throw unsupported(`keyword search with a ${v.k} value`);
}
