/** A parsed JSON value. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A value as the XML rendering would write it: strings as they are, numbers and booleans in
 * their JSON spelling, `null` as empty text (an empty element), arrays joined with `,` (as the
 * `evtx` crate renders array-typed values), an element object by its `#text`.
 */
export function text(v: Json | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === "string") return v;
  if (v === null) return "";
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return v.map((x) => text(x) ?? "").join(",");
  return "#text" in v ? text(v["#text"]) : undefined;
}

/** An integer from a JSON number or a decimal or `0x` hex string; `undefined` otherwise. */
export function int(v: Json | undefined): number | undefined {
  if (typeof v === "number") return Number.isInteger(v) ? v : undefined;
  if (typeof v === "string") {
    const t = v.trim();
    if (/^-?\d+$/.test(t)) return Number(t);
    if (/^0x[0-9a-f]+$/i.test(t)) return Number.parseInt(t, 16);
    return undefined;
  }
  if (isObject(v) && "#text" in v) return int(v["#text"]);
  return undefined;
}

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * `System/Keywords` as Windows writes it (`0x8020000000000000`) from a hex string, or from the
 * signed 64-bit integer nxlog writes. `raw` is the value's JSON source text when it is a
 * number, since doubles cannot hold every 64-bit mask exactly.
 */
export function keywordsHex(v: Json | undefined, raw?: string): string | undefined {
  let n: bigint | undefined;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return undefined;
    const exact = raw !== undefined && /^-?\d+$/.test(raw) ? BigInt(raw) : undefined;
    // Digits a writer already rounded (beyond 64 bits) are no better than the double.
    n =
      exact !== undefined && exact >= INT64_MIN && exact <= UINT64_MAX
        ? exact
        : BigInt(Math.trunc(v));
  } else if (typeof v === "string") {
    const t = v.trim();
    if (/^0x[0-9a-f]+$/i.test(t)) return t;
    if (/^-?\d+$/.test(t)) n = BigInt(t);
  }
  if (n === undefined) return undefined;
  return `0x${BigInt.asUintN(64, n).toString(16)}`;
}

const BARE_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `5770385F-...` -> `{5770385F-...}`: Windows writes GUID values in braces. */
export function bracedGuid(s: string): string {
  return BARE_GUID.test(s) ? `{${s}}` : s;
}

/** Follows a dotted path through nested objects, also accepting flattened `"a.b.c"` keys. */
export function pick(obj: JsonObject, path: string): Json | undefined {
  const direct = obj[path];
  if (direct !== undefined) return direct;
  let dot = path.indexOf(".");
  while (dot !== -1) {
    const head = obj[path.slice(0, dot)];
    if (isObject(head)) {
      const found = pick(head, path.slice(dot + 1));
      if (found !== undefined) return found;
    }
    dot = path.indexOf(".", dot + 1);
  }
  return undefined;
}
