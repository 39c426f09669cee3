import { describe, expect, it } from "vitest";
import { SplSyntaxError, UnsupportedSearchError } from "../../src/rules/errors.js";
import type { Expr } from "../../src/rules/spl/ast.js";
import { parseWhere } from "../../src/rules/spl/parseWhere.js";

/** Compact S-expression view of a parsed expression. */
function show(e: Expr | undefined): string {
  if (e === undefined) return "";
  switch (e.kind) {
    case "and":
      return `(and ${e.items.map(show).join(" ")})`;
    case "or":
      return `(or ${e.items.map(show).join(" ")})`;
    case "not":
      return `(not ${show(e.item)})`;
    case "compare":
      return `${e.field}${e.op}${JSON.stringify(e.value)}`;
    case "in":
      return `${e.field} in ${JSON.stringify(e.values)}`;
  }
}

describe("parseWhere", () => {
  it("binds OR tighter than AND, explicit or implied (Splunk search precedence)", () => {
    expect(show(parseWhere("a=1 OR b=2 c=3"))).toBe('(and (or a="1" b="2") c="3")');
    expect(show(parseWhere("a=1 AND b=2 OR c=3"))).toBe('(and a="1" (or b="2" c="3"))');
    expect(show(parseWhere("(a=1 AND b=2) OR c=3"))).toBe('(or (and a="1" b="2") c="3")');
  });

  it("binds NOT tightest", () => {
    expect(show(parseWhere("NOT a=1 OR b=2"))).toBe('(or (not a="1") b="2")');
    expect(show(parseWhere("NOT (a=1 OR b=2) c!=3"))).toBe('(and (not (or a="1" b="2")) c!="3")');
  });

  it("reads quoted and bare values, escapes, wildcards, operators inside bare values", () => {
    expect(show(parseWhere('Processes.process_name="net stat.exe" Processes.process=*-a*'))).toBe(
      '(and Processes.process_name="net stat.exe" Processes.process="*-a*")',
    );
    expect(show(parseWhere('p="C:\\\\Windows\\\\x \\"q\\"" q=C:\\Windows\\*'))).toBe(
      '(and p="C:\\\\Windows\\\\x \\"q\\"" q="C:\\\\Windows\\\\*")',
    );
    expect(show(parseWhere("p=*--type=renderer* n>=5 m<2"))).toBe(
      '(and p="*--type=renderer*" n>="5" m<"2")',
    );
  });

  it("unescapes backslashes in bare values as Splunk does (`\\\\` is one backslash)", () => {
    // security_content: `Processes.process=*HKLM\\SAM*` matches `reg save HKLM\SAM ...`
    expect(show(parseWhere("p=*HKLM\\\\SAM* q=*/NAMESPACE:\\\\\\\\root\\\\x* r=C:\\Windows"))).toBe(
      '(and p="*HKLM\\\\SAM*" q="*/NAMESPACE:\\\\\\\\root\\\\x*" r="C:\\\\Windows")',
    );
    expect(show(parseWhere("p IN (*\\\\users\\\\public\\\\*, a\\\\b)"))).toBe(
      'p in ["*\\\\users\\\\public\\\\*","a\\\\b"]',
    );
  });

  it("reads IN lists (any case) with quoted and bare items", () => {
    expect(show(parseWhere('Processes.process_name IN ("a.exe", b.exe,"c d") x=1'))).toBe(
      '(and Processes.process_name in ["a.exe","b.exe","c d"] x="1")',
    );
    expect(show(parseWhere("f in (a)"))).toBe('f in ["a"]');
  });

  it("lowercase and/or are not operators but search terms (unsupported)", () => {
    expect(() => parseWhere("a=1 or b=2")).toThrow(UnsupportedSearchError);
  });

  it("reports syntax errors", () => {
    for (const bad of ["(a=1", "a=1)", 'a="open', "a=", "f IN a", "f IN (a"]) {
      expect(() => parseWhere(bad), bad).toThrow(SplSyntaxError);
    }
    expect(parseWhere("   ")).toBeUndefined();
  });
});
