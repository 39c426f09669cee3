import { describe, expect, it } from "vitest";
import { UnsupportedSearchError } from "../../src/rules/errors.js";
import { expandMacros, withBuiltins } from "../../src/rules/spl/macros.js";

const table = withBuiltins([
  { name: "summ", args: [], definition: "summariesonly=`cfg` fillnull_value=null" },
  { name: "cfg", args: [], definition: "false" },
  { name: "ctime", args: ["field"], definition: "convert ctime($field$)" },
  { name: "pair", args: ["a", "b"], definition: "$a$=$b$ $a$" },
  { name: "loop", args: [], definition: "`loop`" },
]);

describe("expandMacros", () => {
  it("expands nested macros and arguments", () => {
    expect(expandMacros("| tstats `summ` count | `ctime(firstTime)`", table)).toBe(
      "| tstats summariesonly=false fillnull_value=null count | convert ctime(firstTime)",
    );
    expect(expandMacros('`pair(x, "a,b")`', table)).toBe('x="a,b" x');
  });

  it("knows drop_dm_object_name and defaults undefined *_filter macros to search *", () => {
    expect(expandMacros("`drop_dm_object_name(Processes)` | `my_rule_filter`", table)).toBe(
      "rename Processes.* as * | search *",
    );
  });

  it("drops triple-backtick comments, macros named inside them included", () => {
    expect(
      expandMacros("| tstats count ```uses `nope` here``` by x | `ctime(firstTime)`", table),
    ).toBe("| tstats count   by x | convert ctime(firstTime)");
    expect(expandMacros("a ``` `nope` never closed", table)).toBe("a ");
  });

  it("reports unknown and recursive macros as unsupported", () => {
    expect(() => expandMacros("`nope`", table)).toThrow(/unknown macro `nope`/);
    expect(() => expandMacros("`ctime(a,b)`", table)).toThrow(/ctime\(2\)/);
    expect(() => expandMacros("`loop`", table)).toThrow(UnsupportedSearchError);
  });
});
