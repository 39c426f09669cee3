const NON_ASCII = /[\u0080-\u00ff]/;

/**
 * Text is split into events as latin1 (one char per byte: `bench/run.ts` measured latin1
 * decoding at ~5x UTF-8's speed, the largest single cost of a scan), which keeps every ASCII
 * delimiter and literal intact. This turns such a string back into the UTF-8 text it encodes,
 * for the few events (or header fields) that are actually read.
 */
export function latin1ToUtf8(s: string): string {
  return NON_ASCII.test(s) ? Buffer.from(s, "latin1").toString("utf8") : s;
}
