/** Tests an already lower-cased field value. */
export type ValueTest = (lowerValue: string) => boolean;

/**
 * Compiles a Splunk value pattern (`*` matches any run of characters, comparison is
 * case-insensitive) into the cheapest test for its shape: equality, prefix, suffix, substring,
 * or an ordered scan of its literal parts. The value given to the test is lower-cased once per
 * record by the caller, not once per rule.
 */
export function compileWildcard(pattern: string): ValueTest {
  const p = pattern.toLowerCase();
  if (p.indexOf("*") === -1) return (v) => v === p;
  const parts = p.split("*");
  const literal = parts.filter((s) => s.length > 0);
  if (literal.length === 0) return () => true;
  const head = parts[0] as string;
  const tail = parts[parts.length - 1] as string;
  const inner = parts.slice(1, -1).filter((s) => s.length > 0);
  if (inner.length === 0) {
    if (head !== "" && tail !== "") {
      return (v) => v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
    }
    if (head !== "") return (v) => v.startsWith(head);
    return (v) => v.endsWith(tail);
  }
  if (head === "" && tail === "" && inner.length === 1) {
    const needle = inner[0] as string;
    return (v) => v.includes(needle);
  }
  return (v) => {
    if (!v.startsWith(head)) return false;
    let at = head.length;
    for (const part of inner) {
      const i = v.indexOf(part, at);
      if (i === -1) return false;
      at = i + part.length;
    }
    return v.length - at >= tail.length && v.endsWith(tail);
  };
}
