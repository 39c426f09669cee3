import { describe, expect, it } from "vitest";
import { convertPcre } from "../../../../src/rules/spl/eval/pcre.js";

const test = (pattern: string, text: string): boolean => convertPcre(pattern).re.test(text);

describe("convertPcre", () => {
  it("turns leading inline flags into RegExp flags", () => {
    expect(test("(?i)(regasm\\.exe.{0,4}$)", "C:\\x\\RegAsm.exe")).toBe(true);
    expect(test("(?i)(regasm\\.exe.{0,4}$)", "regasm.exe /u x.dll")).toBe(false);
    expect(test("(regasm\\.exe)", "RegAsm.exe")).toBe(false);
    expect(test("(?s)a.b", "a\nb")).toBe(true);
    expect(test("a.b", "a\nb")).toBe(false);
    expect(test("a.b", "a\rb")).toBe(true);
    expect(test("(?m)^b$", "a\nb\nc")).toBe(true);
    expect(test("^b$", "a\nb\nc")).toBe(false);
    expect(test("(?x) a \\  b # comment\n c", "a bc")).toBe(true);
    expect(test("(?i)x(?i)Y", "XY")).toBe(true);
  });

  it("keeps PCRE's $ (end, or before a final newline) and \\A \\z \\Z", () => {
    expect(test("exe$", "a.exe\n")).toBe(true);
    expect(test("exe\\z", "a.exe\n")).toBe(false);
    expect(test("exe\\Z", "a.exe\n")).toBe(true);
    expect(test("\\Aa", "ba")).toBe(false);
    expect(test("(?m)\\Ab", "a\nb")).toBe(false);
  });

  it("rewrites \\x{...}, \\Q...\\E, \\h, \\e, POSIX classes and (?P<name>)", () => {
    expect(test("\\x{202E}", "abc\u202Eexe.txt")).toBe(true);
    expect(test("\\x{202E}", "abc.exe")).toBe(false);
    expect(test("\\x{1F600}", "x\u{1F600}")).toBe(true);
    expect(test("\\Q*.exe\\E$", "a*.exe")).toBe(true);
    expect(test("\\Q*.exe\\E$", "aa.exe")).toBe(false);
    expect(test("a\\hb", "a\tb")).toBe(true);
    expect(test("\\e", "\u001b")).toBe(true);
    expect(test("^[[:alpha:]]+[[:digit:]]$", "abc1")).toBe(true);
    const { re, names } = convertPcre("(?P<first>\\w+)-(?'second'\\w+)-(?P=first)");
    expect(names).toEqual(["first", "second"]);
    expect(re.exec("ab-cd-ab")?.groups).toEqual({ n0: "ab", n1: "cd" });
    expect(re.test("ab-cd-xy")).toBe(false);
  });

  it("handles the classes and escapes security_content uses", () => {
    const encoded = convertPcre(
      '(?i)[\\-|\\/|–|—|―][Ee^]{1,2}[NnCcOoDdEeMmAa^]+\\s+["]?[A-Za-z0-9+/=]{5,}["]?',
    ).re;
    expect(encoded.test("powershell.exe -enc SQBFAFgA")).toBe(true);
    expect(encoded.test("powershell.exe –EncodedCommand SQBFAFgA")).toBe(true);
    expect(encoded.test("powershell.exe -File x.ps1")).toBe(false);
    const ads = convertPcre("(\\b)\\w+(\\.\\w+)?:\\w+(\\.\\w{2,4})(?!\\.)(\\b|\\s|&)").re;
    expect(ads.test("type evil.exe > file.txt:evil.exe & wmic")).toBe(true);
    expect(ads.test("notepad C:\\Users\\a\\file.txt")).toBe(false);
    expect(test("\\_", "_")).toBe(true);
    expect(test("[]a]", "]")).toBe(true);
    expect(test("a{,2}", "a{,2}")).toBe(true);
  });

  it("rejects constructs JavaScript cannot run, naming them", () => {
    expect(() => convertPcre("a++b")).toThrow(/possessive/);
    expect(() => convertPcre("a{2}+b")).toThrow(/possessive/);
    expect(() => convertPcre("(?>ab)")).toThrow(/atomic group/);
    expect(() => convertPcre("a(?i)b")).toThrow(/inline flags \(\?i\) not at the start/);
    expect(() => convertPcre("(?i:a)b")).toThrow(/inline flags/);
    expect(() => convertPcre("(a)(?1)")).toThrow(/recursion/);
    expect(() => convertPcre("\\p{L}")).toThrow(/Unicode property/);
    expect(() => convertPcre("a\\Kb")).toThrow(/\\K/);
    expect(() => convertPcre("(?(1)a|b)")).toThrow(/conditional/);
    expect(() => convertPcre("(?U)a")).toThrow(/inline flags/);
  });

  it("drops a leading .* (and shortens .+) when only a yes/no answer is needed", () => {
    const container = '(?i).*(ZIP|ISO)\\\\.+\\.(BAT|EXE)"?$';
    const full = convertPcre(container).re;
    const quick = convertPcre(container, "", true).re;
    expect(quick.source.startsWith("(ZIP|ISO)")).toBe(true);
    for (const s of [
      "C:\\x\\a.zip\\run.exe",
      'a.iso\\b.bat"',
      "a.zip\\b.txt",
      "no",
      "x.zip\\\n.exe",
    ])
      expect(quick.test(s), s).toBe(full.test(s));
    const plus = convertPcre("(?i).+?#\\d", "", true).re;
    expect(plus.test("a#1")).toBe(true);
    expect(plus.test("#1")).toBe(false);
    // a long subject that does not match is answered without quadratic backtracking
    expect(quick.test("a".repeat(200_000))).toBe(false);
  });

  it("keeps lazy and ordinary quantifiers, and reports invalid patterns as errors", () => {
    expect(convertPcre("a+?b*?c??").re.test("aabc")).toBe(true);
    expect(
      convertPcre("^.*?\\\\(?<s>[^\\\\]*\\.(?:exe|bat))").re.exec("C:\\a\\b.exe x")?.groups,
    ).toEqual({
      n0: "b.exe",
    });
    expect(() => convertPcre("(ab")).toThrow(/invalid regex/);
    expect(() => convertPcre("[ab")).toThrow(/unterminated character class/);
  });
});
