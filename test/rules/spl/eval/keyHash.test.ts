import { describe, expect, it } from "vitest";
import { hashPart, KEY_HASH_SEED, keyHash } from "../../../../src/rules/spl/eval/keyHash.js";

/** 32-bit FNV-1a of a text's UTF-16 code units, written out plainly. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const c of text) {
    for (let i = 0; i < c.length; i++) {
      h ^= c.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h;
}

describe("keyHash", () => {
  it("is FNV-1a over each part followed by U+FFFF", () => {
    expect(KEY_HASH_SEED).toBe(fnv1a(""));
    expect(fnv1a("a")).toBe(0xe40c292c);
    expect(hashPart(KEY_HASH_SEED, "{A}")).toBe(fnv1a("{A}\uffff"));
    expect(keyHash(JSON.stringify(["h1", "{A}"]))).toBe(fnv1a("h1\uffff{A}\uffff"));
  });

  it("reads the parts of a key as they were, escapes and non-ASCII included", () => {
    const parts = ['C:\\Windows\\"x"', "ünï\ncode", ""];
    const folded = parts.reduce(hashPart, KEY_HASH_SEED);
    expect(keyHash(JSON.stringify(parts))).toBe(folded);
    // where the parts split matters
    expect(keyHash(JSON.stringify(["ab", "c"]))).not.toBe(keyHash(JSON.stringify(["a", "bc"])));
  });
});
