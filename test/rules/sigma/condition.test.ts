import { describe, expect, it } from "vitest";
import { identifiersFor, parseCondition } from "../../../src/rules/sigma/condition.js";
import type { SigmaRuleError } from "../../../src/rules/sigma/errors.js";
import { proc, procRule } from "./helpers.js";

/** A rule with selections a, b, c (CommandLine contains the letter) and `condition`. */
function abc(condition: string | string[], extra = "") {
  const cond = Array.isArray(condition)
    ? `\n${condition.map((c) => `        - '${c}'`).join("\n")}`
    : ` ${condition}`;
  return procRule(
    `    sel_a:\n        CommandLine|contains: 'a'\n    sel_b:\n        CommandLine|contains: 'b'\n    filter_c:\n        CommandLine|contains: 'c'\n${extra}    condition:${cond}`,
  );
}

const run = (rule: ReturnType<typeof abc>, text: string) => rule.match(proc({ CommandLine: text }));

/** Truth table of the rule over every subset of {a, b, c}, as a string of 0/1. */
function table(condition: string | string[], extra = ""): string {
  const rule = abc(condition, extra);
  return ["", "a", "b", "ab", "c", "ac", "bc", "abc"]
    .map((t) => (run(rule, t) ? "1" : "0"))
    .join("");
}

describe("condition grammar", () => {
  it("and, or, not", () => {
    expect(table("sel_a and sel_b")).toBe("00010001");
    expect(table("sel_a or sel_b")).toBe("01110111");
    expect(table("not sel_a")).toBe("10101010");
    expect(table("sel_a and not filter_c")).toBe("01010000");
  });

  it("precedence: or < and < not, parentheses override", () => {
    expect(table("sel_a or sel_b and filter_c")).toBe(table("sel_a or (sel_b and filter_c)"));
    expect(table("sel_a or sel_b and filter_c")).toBe("01010111");
    expect(table("(sel_a or sel_b) and filter_c")).toBe("00000111");
    expect(table("not sel_a and sel_b")).toBe("00100010");
    expect(table("not (sel_a and sel_b)")).toBe("11101110");
  });

  it("keywords are case-insensitive", () => {
    expect(table("sel_a AND NOT filter_c")).toBe(table("sel_a and not filter_c"));
  });

  it("1 of / all of a pattern, and any of", () => {
    expect(table("1 of sel_*")).toBe("01110111");
    expect(table("all of sel_*")).toBe("00010001");
    expect(table("any of sel_*")).toBe("01110111");
    expect(table("all of sel_* and not 1 of filter_*")).toBe("00010000");
    expect(table("1 of *_c")).toBe("00001111");
  });

  it("1 of them / all of them skip identifiers starting with _", () => {
    const extra = "    _helper:\n        CommandLine|contains: 'zzz'\n";
    expect(table("1 of them", extra)).toBe("01111111");
    expect(table("all of them", extra)).toBe("00000001");
  });

  it("n of counts matches", () => {
    expect(table("2 of them")).toBe("00010111");
  });

  it("a list of conditions is their OR", () => {
    expect(table(["sel_a and sel_b", "filter_c"])).toBe("00011111");
  });

  it("rejects unknown identifiers, empty patterns and aggregations", () => {
    const code = (c: string) => {
      try {
        abc(c);
        return "ok";
      } catch (err) {
        return `${(err as SigmaRuleError).code}: ${(err as Error).message}`;
      }
    };
    expect(code("sel_x")).toMatch(/^error: .*unknown search identifier sel_x/);
    expect(code("1 of nothing_*")).toMatch(/^error: .*matches no search identifier/);
    expect(code("sel_a | count() by Image > 5")).toMatch(/^unsupported: aggregation/);
    expect(code("sel_a and")).toMatch(/^error:/);
    expect(code("(sel_a")).toMatch(/^error:/);
    expect(code("sel_a sel_b")).toMatch(/^error:/);
    expect(code("sel_a near sel_b")).toMatch(/^error:/);
  });
});

describe("parseCondition", () => {
  it("builds the tree", () => {
    expect(parseCondition("a or not (b and 1 of c*)")).toEqual({
      t: "or",
      items: [
        { t: "id", name: "a" },
        {
          t: "not",
          node: {
            t: "and",
            items: [
              { t: "id", name: "b" },
              { t: "of", count: 1, pattern: "c*" },
            ],
          },
        },
      ],
    });
  });

  it("matches identifier patterns with * anywhere", () => {
    const names = ["selection_img", "selection_cli", "filter_main_x", "filter_optional_y", "_z"];
    expect(identifiersFor("selection_*", names)).toEqual(["selection_img", "selection_cli"]);
    expect(identifiersFor("filter_*_x", names)).toEqual(["filter_main_x"]);
    expect(identifiersFor("them", names)).toEqual(names.slice(0, 4));
    expect(identifiersFor("sel.ction_img", names)).toEqual([]);
  });
});
