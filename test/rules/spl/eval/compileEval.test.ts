import { describe, expect, it } from "vitest";
import { compileCondition, compileExpression } from "../../../../src/rules/spl/eval/compileEval.js";
import type { Row, Value } from "../../../../src/rules/spl/eval/values.js";

const ev = (expr: string, row: Row = {}): Value => compileExpression(expr)(row);
const ok = (cond: string, row: Row = {}): boolean => compileCondition(cond)(row);

describe("where conditions", () => {
  it("evaluate a=1 OR b=2 AND c=3 as a=1 OR (b=2 AND c=3)", () => {
    // search precedence would read (a=1 OR b=2) AND c=3, which is false here
    expect(ok("a=1 OR b=2 AND c=3", { a: "1", b: "0", c: "0" })).toBe(true);
    expect(ok("a=1 OR b=2 AND c=3", { a: "0", b: "2", c: "0" })).toBe(false);
  });

  it("compare numerically when both sides are numbers, else as case-sensitive strings", () => {
    expect(ok("count >= 10", { count: 10 })).toBe(true);
    expect(ok("count >= 10", { count: 9 })).toBe(false);
    expect(ok('n > "9"', { n: "10" })).toBe(true);
    expect(ok('n = "1.0"', { n: 1 })).toBe(true);
    expect(ok('s > "9"', { s: "a" })).toBe(true);
    expect(ok('s = "ABC"', { s: "abc" })).toBe(false);
    expect(
      ok("parent_process_name != process_name", { parent_process_name: "a", process_name: "b" }),
    ).toBe(true);
    expect(
      ok("parent_process_name != process_name", { parent_process_name: "a", process_name: "a" }),
    ).toBe(false);
  });

  it("make every comparison with null false, and NOT plainly negate", () => {
    expect(ok("x = 1")).toBe(false);
    expect(ok("x != 1")).toBe(false);
    expect(ok("x < 1")).toBe(false);
    expect(ok("NOT x = 1")).toBe(true);
    expect(ok("NOT x != 1")).toBe(true);
    expect(ok("isnull(x)")).toBe(true);
    expect(ok("isnotnull(x)")).toBe(false);
    expect(ok("isnull(x)", { x: "" })).toBe(false);
    expect(ok("isnull(extension) and isnotnull(f)", { f: "a.txt" })).toBe(true);
    expect(ok('match(x, "a")')).toBe(false);
    expect(ok('NOT match(x, "a")')).toBe(true);
  });

  it("test multivalue fields value by value", () => {
    const row: Row = { v: ["a.exe", "b.exe"], n: ["3", "12"] };
    expect(ok('v = "b.exe"', row)).toBe(true);
    expect(ok('v = "c.exe"', row)).toBe(false);
    expect(ok("n > 10", row)).toBe(true);
    expect(ok('match(v, "^b")', row)).toBe(true);
    expect(ok('like(v, "a%")', row)).toBe(true);
    expect(ok('v IN ("x", "a.exe")', row)).toBe(true);
  });

  it("require a Boolean, and refuse to assign one", () => {
    expect(() => compileCondition("x")).toThrow(/Boolean/);
    expect(() => compileCondition("len(x)")).toThrow(/Boolean/);
    expect(() => compileExpression("a = 1")).toThrow(/Boolean/);
    expect(() => compileCondition("nosuch(x) = 1")).toThrow(/eval function nosuch\(\)/);
    expect(() => compileCondition("match(x)")).toThrow(/takes 2 arguments/);
  });
});

describe("eval operators", () => {
  it("add, concatenate and propagate null", () => {
    expect(ev("a + 2", { a: "40" })).toBe(42);
    expect(ev('a + "x"', { a: "y" })).toBe("yx");
    expect(ev("a + 1", { a: "y" })).toBe(null);
    expect(ev("a . b", { a: "x", b: 1 })).toBe("x1");
    expect(ev("a . b", { a: "x" })).toBe(null);
    expect(ev('(mvcount(split(p, "/..")) - 1)', { p: "a/../b/../c" })).toBe(2);
    expect(ev("a / 0", { a: 1 })).toBe(null);
    expect(ev("a % 3", { a: 7 })).toBe(1);
    expect(ev("-a", { a: "5" })).toBe(-5);
    expect(ev('v . "!"', { v: ["a", "b"] })).toEqual(["a!", "b!"]);
  });
});

describe("eval functions", () => {
  it("if, case, coalesce, null, nullif", () => {
    expect(
      ev('if(process_name == "taskhost.exe", n, 0)', { process_name: "taskhost.exe", n: 3 }),
    ).toBe(3);
    expect(ev('if(process_name == "taskhost.exe", n, 0)', {})).toBe(0);
    const level = 'CASE(match(l,"low"),1,match(l,"medium"),2,match(l,"high"),3,true(),0)';
    expect(ev(level, { l: "high" })).toBe(3);
    expect(ev(level, { l: "untrusted" })).toBe(0);
    expect(ev("case(a=1, 1)", {})).toBe(null);
    expect(ev('coalesce(a, b, "z")', { b: "y" })).toBe("y");
    expect(ev("null()", {})).toBe(null);
    expect(ev('nullif(a, "x")', { a: "x" })).toBe(null);
  });

  it("string functions", () => {
    expect(ev("len(p)", { p: "héllo" })).toBe(5);
    expect(ev("lower(p)", { p: "CMD.EXE" })).toBe("cmd.exe");
    expect(ev("upper(p)", { p: "cmd" })).toBe("CMD");
    expect(ev("substr(p, -4)", { p: "calc.exe" })).toBe(".exe");
    expect(ev("substr(p, 2, 3)", { p: "abcdef" })).toBe("bcd");
    expect(ev("trim(p)", { p: "  a  " })).toBe("a");
    expect(ev('ltrim(p, "x")', { p: "xxaxx" })).toBe("axx");
    expect(ev('rtrim(p, "x")', { p: "xxaxx" })).toBe("xxa");
    expect(ev('replace(p, "(\\w+)@(\\w+)", "\\2 at \\1")', { p: "bob@corp" })).toBe("corp at bob");
    expect(ev("urldecode(p)", { p: "a%20b+c%2F" })).toBe("a b c/");
    expect(ev("tostring(n)", { n: 12 })).toBe("12");
    expect(ev('tostring(n, "hex")', { n: 255 })).toBe("0xFF");
    expect(ev('tostring(n, "duration")', { n: 3725 })).toBe("01:02:05");
    expect(ev("tonumber(s)", { s: "12.5" })).toBe(12.5);
    expect(ev("tonumber(s, 16)", { s: "ff" })).toBe(255);
    expect(ev("tonumber(s)", { s: "x" })).toBe(null);
    expect(ev("round(n)", { n: 2.5 })).toBe(3);
    expect(ev("round(n, 2)", { n: -1.005 })).toBe(-1);
    expect(ev("abs(n)", { n: -4 })).toBe(4);
  });

  it("multivalue functions", () => {
    const row: Row = { ids: ["10", "11", "12"], p: "C:\\x\\copy.exe a b" };
    expect(ev("mvcount(ids)", row)).toBe(3);
    expect(ev("mvcount(p)", row)).toBe(1);
    expect(ev("mvcount(none)", row)).toBe(null);
    expect(ev("mvindex(ids, 0)", row)).toBe("10");
    expect(ev("mvindex(ids, -1)", row)).toBe("12");
    expect(ev("mvindex(ids, 1, 2)", row)).toEqual(["11", "12"]);
    expect(ev("mvindex(ids, 5)", row)).toBe(null);
    expect(ev('lower(mvindex(split(p, " "), 0))', row)).toBe("c:\\x\\copy.exe");
    expect(ev('mvjoin(ids, ";")', row)).toBe("10;11;12");
    expect(ev("mvappend(ids, p)", { ids: "1", p: "2" })).toEqual(["1", "2"]);
    expect(ev("mvdedup(v)", { v: ["a", "b", "a"] })).toEqual(["a", "b"]);
    expect(ev('mvfilter(match(v, "^a"))', { v: ["ab", "b", "ac"] })).toEqual(["ab", "ac"]);
    expect(ev("len(v)", { v: ["ab", "c"] })).toEqual(["2", "1"]);
  });

  it("like, match, cidrmatch, in, isnum, isstr", () => {
    expect(
      ok('like(p, "%\\\\windows\\\\system32\\\\%")', { p: "c:\\windows\\system32\\x.exe" }),
    ).toBe(true);
    expect(ok('like(p, "a_c")', { p: "abc" })).toBe(true);
    expect(ok('like(p, "a_c")', { p: "abbc" })).toBe(false);
    expect(ok('like(p, "ABC")', { p: "abc" })).toBe(false);
    expect(ok('match(p, "(?i)CMD\\.exe\\s+/Q")', { p: "cmd.exe  /q" })).toBe(true);
    expect(
      ok('NOT match(process_name, "(?i)".original_file_name)', {
        process_name: "x.exe",
        original_file_name: "X.EXE",
      }),
    ).toBe(false);
    expect(ok('cidrmatch("10.0.0.0/8", ip)', { ip: "10.1.2.3" })).toBe(true);
    expect(ok('cidrmatch("10.0.0.0/8", ip)', { ip: "11.1.2.3" })).toBe(false);
    expect(ok('cidrmatch("nonsense", ip)', { ip: "11.1.2.3" })).toBe(false);
    expect(ok('in(s, "a", "b")', { s: "b" })).toBe(true);
    expect(ok("isnum(n) AND isstr(s)", { n: 1, s: "x" })).toBe(true);
  });
});
