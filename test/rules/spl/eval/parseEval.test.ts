import { describe, expect, it } from "vitest";
import type { EvalNode } from "../../../../src/rules/spl/eval/ast.js";
import { parseEval } from "../../../../src/rules/spl/eval/parseEval.js";
import { tokenizeEval } from "../../../../src/rules/spl/eval/tokenize.js";

/** A compact, fully parenthesised rendering of a tree. */
function show(n: EvalNode): string {
  switch (n.k) {
    case "num":
      return String(n.v);
    case "str":
      return JSON.stringify(n.v);
    case "field":
      return n.name;
    case "call":
      return `${n.fn}(${n.args.map(show).join(", ")})`;
    case "not":
      return `(NOT ${show(n.x)})`;
    case "neg":
      return `(-${show(n.x)})`;
    case "in":
      return `(${show(n.x)} IN [${n.list.map(show).join(", ")}])`;
    default:
      return `(${show(n.a)} ${n.op} ${show(n.b)})`;
  }
}

const p = (text: string): string => show(parseEval(text));

describe("parseEval precedence", () => {
  it("binds AND tighter than OR, unlike the search command", () => {
    expect(p("a=1 OR b=2 AND c=3")).toBe("((a = 1) OR ((b = 2) AND (c = 3)))");
    expect(p("a=1 AND b=2 OR c=3")).toBe("(((a = 1) AND (b = 2)) OR (c = 3))");
  });

  it("puts XOR below OR and NOT above AND but below comparisons", () => {
    expect(p("a=1 XOR b=2 OR c=3")).toBe("((a = 1) XOR ((b = 2) OR (c = 3)))");
    expect(p("NOT a=1 AND b=2")).toBe("((NOT (a = 1)) AND (b = 2))");
    expect(p("NOT NOT a!=1")).toBe("(NOT (NOT (a != 1)))");
  });

  it("orders arithmetic, concatenation and comparisons", () => {
    expect(p("a + b * c > d - 1")).toBe("((a + (b * c)) > (d - 1))");
    expect(p("x = a . b")).toBe("(x = (a . b))");
    expect(p("maxlen > ((threshold*stdevperhost) + avgperhost)")).toBe(
      "(maxlen > ((threshold * stdevperhost) + avgperhost))",
    );
    expect(p("-a * 2")).toBe("((-a) * 2)");
    expect(p("a < b == c")).toBe("((a < b) = c)");
  });

  it("reads keywords in any case, == as =, LIKE and IN as operators and functions", () => {
    expect(p("a>1 and b<2 or c")).toBe("(((a > 1) AND (b < 2)) OR c)");
    expect(p('x == "y"')).toBe('(x = "y")');
    expect(p('x LIKE "a%"')).toBe('(x LIKE "a%")');
    expect(p('NOT LIKE(x, "%a")')).toBe('(NOT like(x, "%a"))');
    expect(p('x IN ("a", "b")')).toBe('(x IN ["a", "b"])');
    expect(p("CASE(a=1, 1, true(), 0)")).toBe("case((a = 1), 1, true(), 0)");
  });

  it("treats a dot between names as concatenation; dotted names need single quotes", () => {
    expect(p("RTLO_command_1.RTLO_command_2")).toBe("(RTLO_command_1 . RTLO_command_2)");
    expect(p("'Processes.process'")).toBe("Processes.process");
    expect(p('"(?i)".original_file_name')).toBe('("(?i)" . original_file_name)');
  });

  it("rejects malformed expressions", () => {
    for (const bad of ["", "a =", "(a", "a b", "f(a,", "a AND", 'x = "open', "a ~ b", "OR a"])
      expect(() => parseEval(bad), bad).toThrow();
  });
});

describe("eval string literals", () => {
  it('unescape \\\\, \\", \\t and \\n and keep other backslashes for regexes', () => {
    const toks = tokenizeEval(String.raw`"C:\\Windows\\x" "\.(au3)$" "a\"b" "t\tn"`);
    expect(toks.map((t) => ("v" in t ? t.v : t.t))).toEqual([
      "C:\\Windows\\x",
      "\\.(au3)$",
      'a"b',
      "t\tn",
    ]);
  });
});
