import { describe, expect, it } from "vitest";
import { compileWildcard } from "../../src/rules/wildcard.js";

describe("compileWildcard (value already lower-cased by the caller)", () => {
  const cases: Array<[string, string, boolean]> = [
    ["netstat.exe", "netstat.exe", true],
    ["NETSTAT.EXE", "netstat.exe", true],
    ["netstat.exe", "netstat.exe ", false],
    ["*-a*", '"c:\\windows\\system32\\netstat.exe" -ano', true],
    ["*-a*", "netstat -na", false],
    ["*-a*", "-a", true],
    ["net*", "netstat", true],
    ["net*", "anet", false],
    ["*.exe", "x.exe", true],
    ["*.exe", "x.exe2", false],
    ["a*b", "ab", true],
    ["a*b", "axxb", true],
    ["a*b", "axxbc", false],
    ["ab*ab", "ab", false],
    ["*a*b*c*", "xaybzc", true],
    ["*a*b*c*", "xcybza", false],
    ["a*b*c", "abc", true],
    ["a*bc*c", "abc", false],
    ["*", "", true],
    ["**", "x", true],
  ];
  for (const [pattern, value, want] of cases) {
    it(`${pattern} ~ ${JSON.stringify(value)} is ${want}`, () => {
      expect(compileWildcard(pattern)(value)).toBe(want);
    });
  }
});
