/**
 * A copy of `s` that keeps nothing else alive. Parsers hand out field values sliced from the
 * text of a whole read chunk (V8 sliced strings); a value kept for the whole scan (a group's
 * by-value, an aggregation's value) would keep its chunk too. Concatenation then slicing makes
 * V8 flatten into a string of the value's own size. Only called when a value is kept.
 */
export function detach(s: string): string {
  return ` ${s}`.slice(1);
}
