import { describe, expect, it } from "vitest";
import { formatArray, formatFiletime, formatScalar } from "../../../src/parse/evtx/index.js";
import { LastValue } from "../../../src/parse/evtx/LastValue.js";

/** The reference rendering through BigInt and Date, for any FILETIME Date can hold. */
function viaDate(ticks: bigint): string {
  const unixTicks = ticks - 116444736000000000n;
  const ms = unixTicks / 10000n - (unixTicks < 0n && unixTicks % 10000n !== 0n ? 1n : 0n);
  const iso = new Date(Number(ms)).toISOString().replace(/^\+0*(?=\d{5})/, "");
  return `${iso.slice(0, iso.indexOf("."))}.${String(ticks % 10000000n).padStart(7, "0")}00Z`;
}

function filetime(ticks: bigint): string {
  return formatFiletime(Number(ticks & 0xffffffffn), Number(ticks >> 32n));
}

describe("EVTX value rendering", () => {
  it("FILETIME: epoch, before 1970, the BigInt path, and random values agree with Date", () => {
    expect(filetime(0n)).toBe("1601-01-01T00:00:00.000000000Z");
    expect(filetime(116444736000000000n)).toBe("1970-01-01T00:00:00.000000000Z");
    expect(filetime(0x7fffffffffffffffn)).toBe("30828-09-14T02:48:05.477580700Z");
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 48271) % 2147483647;
      const ticks = (BigInt(seed) * 1_000_003n * 7919n + BigInt(i)) % 0x40000000_00000000n;
      expect(filetime(ticks)).toBe(viaDate(ticks));
    }
    const big = 0x4000000000000123n; // high half >= 2^30: exact through BigInt
    expect(filetime(big)).toBe(viaDate(big));
  });

  it("scalars that do not fit their type are refused, not misread", () => {
    const b = Buffer.from([1, 2, 3]);
    expect(formatScalar(0x08, b, 0, 3)).toBeUndefined(); // a UInt32 in 3 bytes
    expect(formatScalar(0x0f, b, 0, 3)).toBeUndefined(); // a GUID in 3 bytes
    expect(formatScalar(0x13, Buffer.from([1, 5, 0, 0, 0, 0, 0, 5]), 0, 8)).toBeUndefined(); // SID missing its 5 parts
    expect(formatScalar(0x7f, b, 0, 3)).toBeUndefined(); // unknown type
    expect(formatScalar(0x08, Buffer.alloc(6), 4, 4)).toBeUndefined(); // a UInt32 past the end
    expect(formatScalar(0x0f, Buffer.alloc(16), 1, 16)).toBeUndefined(); // a GUID past the end
  });

  it("arrays: strings split at NULs, fixed-size items, SIDs; malformed ones refused", () => {
    expect(formatArray(0x81, Buffer.from("one\0two\0\0", "utf16le"), 0, 18)).toEqual([
      "one",
      "two",
      "",
    ]);
    const sids = Buffer.from([
      1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 5, 19, 0, 0, 0,
    ]);
    expect(formatArray(0x93, sids, 0, sids.length)).toEqual(["S-1-5-18", "S-1-5-19"]);
    expect(formatArray(0x88, Buffer.alloc(6), 0, 6)).toBeUndefined(); // 6 bytes of UInt32s
    expect(formatArray(0x8f, Buffer.alloc(32, 0xab), 0, 32)).toEqual([
      "{ABABABAB-ABAB-ABAB-ABAB-ABABABABABAB}",
      "{ABABABAB-ABAB-ABAB-ABAB-ABABABABABAB}",
    ]);
  });

  it("a string kept at one template place is decoded again whenever its bytes change", () => {
    const last = new LastValue();
    const texts = ["High", "Hig", "High", "", "-", "Medium", "Medium", "SYSTEM", "a".repeat(7)];
    for (const [i, t] of [...texts, "a".repeat(8), "a".repeat(7), "b"].entries()) {
      // At even and odd offsets, with other bytes after the value.
      const b = Buffer.concat([Buffer.alloc(1 + (i % 2)), Buffer.from(`${t}\0zz`, "utf16le")]);
      expect(last.wstring(b, 1 + (i % 2), 2 * t.length + 2)).toBe(t);
    }
  });
});
