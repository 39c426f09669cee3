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
    // Characters that lower-case to an ASCII needle character (KELVIN SIGN to k), and ones
    // that only look alike (dotless i is its own lower case).
    expect(found(new AhoCorasick(["k", "i"]), "\u212A")).toEqual([0]);
    expect(found(new AhoCorasick(["k", "i"]), "\u0131")).toEqual([]);
    expect(found(new AhoCorasick(["ı"]), "\u0131I")).toEqual([0]);
  });

  for (const alphabet of ["abcAB-\\", "abAéÉжЖ-"]) {
    it(`agrees with indexOf on random needles and texts (${alphabet})`, () => {
      let seed = 7;
      const rnd = () => {
        seed = (seed * 1103515245 + 12345) >>> 0;
        return seed / 2 ** 32;
      };
      const word = (n: number) =>
        Array.from({ length: n }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join("");
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
  }

  it("reports an empty needle in any text, beside the others", () => {
    const ac = new AhoCorasick(["ab", "", "b"]);
    expect(found(ac, "xaby")).toEqual([0, 1, 2]);
    expect(found(ac, "z")).toEqual([1]);
  });

  it("reports a needle found before a character that restarts the scan lower-cased as a whole", () => {
    const ac = new AhoCorasick(["abc", "i̇x", "zz"]);
    expect(found(ac, "ABC \u0130X zz")).toEqual([0, 1, 2]);
    expect(found(ac, "ABC \u0130Y")).toEqual([0]);
    // The next scan starts afresh.
    expect(found(ac, "abc")).toEqual([0]);
  });

  it("keeps finding needles past 65536 states (wide state numbers)", () => {
    let seed = 11;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const hex = (n: number) =>
      Array.from({ length: n }, () => "0123456789abcdef"[Math.floor(rnd() * 16)]).join("");
    const needles = Array.from({ length: 3000 }, () => hex(32));
    const ac = new AhoCorasick(needles);
    const want = (text: string) =>
      needles.flatMap((n, i) => (text.toLowerCase().includes(n) ? [i] : []));
    const text = `MD5=${(needles[2999] as string).toUpperCase()},SHA256=${needles[0]}${hex(40)}`;
    expect(found(ac, text)).toEqual(want(text));
    expect(found(ac, text)).toContain(2999);
    const random = hex(5000);
    expect(found(ac, random)).toEqual(want(random));
  });
});
