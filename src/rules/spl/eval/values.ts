/** A single field value: Splunk keeps strings and numbers apart only loosely (see `toNumber`). */
export type Scalar = string | number;

/**
 * One field of a result row: a scalar, a multivalue list (what `values()`, `split()` and
 * `rex max_match` produce; its items are strings, as in Splunk) or null (the field is absent).
 */
export type Value = Scalar | readonly string[] | null;

/** A result row after `tstats`: field name to value; a missing key is the same as null. */
export type Row = Record<string, Value>;

const NUMERIC = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** A number, or a string that reads as one in full (Splunk compares such strings as numbers). */
export function toNumber(v: Scalar): number | null {
  if (typeof v === "number") return Number.isNaN(v) ? null : v;
  return NUMERIC.test(v) ? Number(v) : null;
}

/** Text of a number as Splunk prints it: integers without a decimal point, `inf`, `nan`. */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return "nan";
  if (n === Number.POSITIVE_INFINITY) return "inf";
  if (n === Number.NEGATIVE_INFINITY) return "-inf";
  return String(n);
}

export function toText(v: Scalar): string {
  return typeof v === "number" ? formatNumber(v) : v;
}

/** The values of a field: none for null, one for a scalar, all of a multivalue list. */
export function valuesOf(v: Value): readonly Scalar[] {
  if (v === null) return [];
  return Array.isArray(v) ? v : [v as Scalar];
}

/** A list of strings as a field value: null when empty, the item itself when single. */
export function fromList(items: readonly string[]): Value {
  if (items.length === 0) return null;
  if (items.length === 1) return items[0] as string;
  return items;
}

/**
 * Orders two scalars the way `where` and `eval` do: numerically when both read as numbers,
 * else as strings, case-sensitively, by code unit.
 */
export function compareScalars(a: Scalar, b: Scalar): number {
  const x = toNumber(a);
  const y = toNumber(b);
  if (x !== null && y !== null) return x < y ? -1 : x > y ? 1 : 0;
  const s = toText(a);
  const t = toText(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

/** True when some value of `a` and some value of `b` satisfy `test`; false when either is null. */
export function anyPair(a: Value, b: Value, test: (x: Scalar, y: Scalar) => boolean): boolean {
  if (a === null || b === null) return false;
  for (const x of valuesOf(a)) for (const y of valuesOf(b)) if (test(x, y)) return true;
  return false;
}

/** Applies `fn` to a scalar, or to each value of a multivalue list (dropping null results). */
export function mapValues(v: Value, fn: (x: Scalar) => Scalar | null): Value {
  if (v === null) return null;
  if (!Array.isArray(v)) return fn(v as Scalar);
  const out: string[] = [];
  for (const x of v) {
    const y = fn(x);
    if (y !== null) out.push(toText(y));
  }
  return fromList(out);
}

/** Structural equality of two field values (for telling changed fields from unchanged ones). */
export function sameValue(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b)) return false;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
