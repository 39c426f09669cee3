import { describe, expect, it } from "vitest";
import { AhoCorasick } from "../../../src/rules/sigma/AhoCorasick.js";

function found(ac: AhoCorasick, text: string): number[] {
  const hits = new Int32Array(ac.needles);
  const n = ac.scan(text, hits);
  return [...hits.subarray(0, n)].sort((a, b) => a - b);
}

describe("AhoCorasick", () => {
  it("finds overlapping and nested needles, each once", () => {
    const ac = new AhoCorasick(["he", "she", "his", "hers", "e"]);
    expect(found(ac, "ushers")).toEqual([0, 1, 3, 4]);
    expect(found(ac, "xyz")).toEqual([]);
    expect(found(ac, "hehehe")).toEqual([0, 4]);
  });

  it("lower-cases the text as it scans, non-ASCII included", () => {
    const ac = new AhoCorasick(["\\whoami.exe", "é", "straße", "i̇x"]);
    expect(found(ac, "C:\\Windows\\WHOAMI.EXE")).toEqual([0]);
    expect(found(ac, "CAFÉ")).toEqual([1]);
    expect(found(ac, "STRAßE")).toEqual([2]);
    // U+0130 lower-cases to two code units: the whole text is lower-cased first.
    expect(found(ac, "\u0130X")).toEqual([3]);
    // A character outside the BMP lower-cases as a pair (U+10400 -> U+10428).
    expect(found(new AhoCorasick(["\u{10428}a"]), "\u{10400}A")).toEqual([0]);
  });

  it("agrees with indexOf on random needles and texts", () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const word = (n: number) =>
      Array.from({ length: n }, () => "abcAB-\\"[Math.floor(rnd() * 7)]).join("");
    for (let round = 0; round < 50; round++) {
      const needles = Array.from({ length: 30 }, () =>
        word(1 + Math.floor(rnd() * 4)).toLowerCase(),
      );
      const ac = new AhoCorasick(needles);
      for (let t = 0; t < 20; t++) {
        const text = word(Math.floor(rnd() * 40));
        const lower = text.toLowerCase();
        const want = [
          ...new Set(needles.map((n, i) => (lower.includes(n) ? i : -1)).filter((i) => i >= 0)),
        ];
        // Duplicate needles share a trie node: compare the distinct texts found.
        const got = new Set(found(ac, text).map((i) => needles[i]));
        expect(got).toEqual(new Set(want.map((i) => needles[i])));
      }
    }
  });
});
