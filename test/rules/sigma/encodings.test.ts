import { describe, expect, it } from "vitest";
import { compileGlob } from "../../../src/rules/sigma/compileGlob.js";
import { base64Offsets, windashVariants } from "../../../src/rules/sigma/encodings.js";
import { parseSigmaString, QMARK, STAR } from "../../../src/rules/sigma/sigmaString.js";

describe("encodings", () => {
  it("base64offset gives the three offset-stable renderings", () => {
    expect(base64Offsets("foobar", "utf8")).toEqual(["Zm9vYmFy", "Zvb2Jhc", "mb29iYX"]);
    // Each rendering is found inside the encoding of the value at its offset.
    const offsets = base64Offsets("Invoke", "utf16le");
    for (let shift = 0; shift < 3; shift++) {
      const blob = Buffer.concat([
        Buffer.alloc(shift, 0x41),
        Buffer.from("Invoke", "utf16le"),
        Buffer.from("xyz"),
      ]).toString("base64");
      expect(blob).toContain(offsets[shift]);
    }
  });

  it("windash expands switch prefixes only", () => {
    expect(windashVariants(" -a -b")).toHaveLength(25);
    expect(windashVariants("x-y")).toEqual(["x-y"]);
    expect(windashVariants("/c")).toEqual(["-c", "/c", "\u2013c", "\u2014c", "\u2015c"]);
    expect(() => windashVariants("-a -b -c -d -e")).toThrow(/too many switch positions/);
  });
});

describe("Sigma strings", () => {
  it("parse wildcards and escapes", () => {
    expect(parseSigmaString("a*b?c")).toEqual(["a", STAR, "b", QMARK, "c"]);
    expect(parseSigmaString("a\\*b\\?c\\\\*")).toEqual(["a*b?c\\", STAR]);
    expect(parseSigmaString("C:\\Users\\")).toEqual(["C:\\Users\\"]);
  });

  it("compile to tests for every shape", () => {
    const t = (p: string, v: string) => compileGlob(parseSigmaString(p), true)(v);
    expect(t("abc", "abc")).toBe(true);
    expect(t("a?c", "abc")).toBe(true);
    expect(t("a?c", "ac")).toBe(false);
    expect(t("*", "")).toBe(true);
    expect(t("ab*", "abz")).toBe(true);
    expect(t("*yz", "xyz")).toBe(true);
    expect(t("a*z", "a-z")).toBe(true);
    expect(t("a*a", "a")).toBe(false);
    expect(t("*mid*", "xmidy")).toBe(true);
    expect(t("a*b*c", "axbyc")).toBe(true);
    expect(t("a*b*c", "axcyb")).toBe(false);
    expect(t("*b?d*", "xxbcdxx")).toBe(true);
    expect(t("*b?d*", "xxbdxx")).toBe(false);
    expect(t("a**b", "ab")).toBe(true);
    expect(compileGlob(parseSigmaString("ABC"), true)("abc")).toBe(true);
    expect(compileGlob(parseSigmaString("ABC"), false)("abc")).toBe(false);
  });
});
