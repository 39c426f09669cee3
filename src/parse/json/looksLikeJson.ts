/** `evtx_dump -o json` writes `Record <n>` on a line before each pretty-printed record. */
const EVTX_DUMP_HEADER = /^Record \d+[ \t]*\r?\n\s*\{/;

/**
 * True when content starts (after white space) with `{` or `[`, or with the `Record <n>` line
 * of `evtx_dump -o json`: the content test for every JSON input shape.
 */
export function looksLikeJson(head: Buffer): boolean {
  let i = 0;
  while (i < head.length) {
    const b = head[i] as number;
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) break;
    i++;
  }
  const b = head[i];
  if (b === 0x7b || b === 0x5b) return true;
  return (
    b === 0x52 /* R */ &&
    EVTX_DUMP_HEADER.test(head.toString("latin1", i, Math.min(head.length, i + 64)))
  );
}
