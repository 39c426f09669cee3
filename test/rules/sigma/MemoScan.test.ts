import { describe, expect, it } from "vitest";
import { AhoCorasick } from "../../../src/rules/sigma/AhoCorasick.js";
import { MemoScan } from "../../../src/rules/sigma/MemoScan.js";

const NEEDLES = ["whoami", "-enc", "\\cmd.exe", "é", "net1"];

function ids(hits: Int32Array, n: number): number[] {
  return [...hits.subarray(0, n)].sort((a, b) => a - b);
}

describe("MemoScan", () => {
  it("gives what a scan of the lower-cased value gives, for values seen before or not", () => {
    const ac = new AhoCorasick(NEEDLES);
    const memo = new MemoScan(ac);
    const hits = new Int32Array(ac.needles);
    const direct = new Int32Array(ac.needles);
    const values = [
      "c:\\windows\\system32\\cmd.exe /c whoami",
      "powershell -enc aqbmac",
      "café net1 user",
      "nothing here",
    ];
    for (let round = 0; round < 3; round++) {
      for (const v of values) {
        const expected = ids(direct, ac.scanLower(v, direct));
        expect(ids(hits, memo.scan(v, hits))).toEqual(expected);
      }
    }
    expect(ids(hits, memo.scan(values[0] as string, hits))).toEqual([0, 2]);
    expect(ids(hits, memo.scan("nothing here", hits))).toEqual([]);
  });

  it("stays exact when values never repeat (the memo pauses itself)", () => {
    const ac = new AhoCorasick(NEEDLES);
    const memo = new MemoScan(ac);
    const hits = new Int32Array(ac.needles);
    for (let i = 0; i < 20_000; i++) {
      const v = i % 3 === 0 ? `cmd /c whoami ${i}` : `x${i} net1`;
      expect(ids(hits, memo.scan(v, hits))).toEqual(i % 3 === 0 ? [0] : [4]);
    }
  });
});
