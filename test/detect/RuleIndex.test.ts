import { describe, expect, it } from "vitest";
import { RuleIndex } from "../../src/detect/RuleIndex.js";
import type { ProcessRecord } from "../../src/model/types.js";
import type { CompiledRule } from "../../src/rules/types.js";

const rule = (names: string[] | null) => ({ names }) as unknown as CompiledRule;
const rec = (fields: ProcessRecord["fields"]): ProcessRecord => ({
  datamodel: "Endpoint.Processes",
  fields,
  time: 0,
  position: {},
});

describe("RuleIndex", () => {
  const index = new RuleIndex([
    rule(["cmd.exe"]),
    rule(null),
    rule(["net.exe", "net1.exe"]),
    rule(["cmd.exe", "net.exe"]),
  ]);

  it("chooses the rules naming the record's image (either field, any case) plus the unindexed ones", () => {
    expect(index.candidates(rec({ process_name: "CMD.EXE" }))).toEqual([0, 1, 3]);
    expect(
      index.candidates(rec({ process_name: "renamed.exe", original_file_name: "net1.exe" })),
    ).toEqual([1, 2]);
    expect(
      index.candidates(rec({ process_name: "net.exe", original_file_name: "Cmd.Exe" })),
    ).toEqual([0, 1, 2, 3]);
    expect(index.candidates(rec({ process_name: "calc.exe" }))).toEqual([1]);
    expect(index.candidates(rec({}))).toEqual([1]);
  });
});

describe("RuleIndex on real data", () => {
  it("gives the same findings as running every rule on every record", async () => {
    const { join } = await import("node:path");
    const { fileSource } = await import("../../src/input/fileSource.js");
    const { loadMacros, loadRules } = await import("../../src/rules/loadRules.js");
    const { scanSource } = await import("../../src/scan.js");
    const { SHARED } = await import("../helpers/streams.js");
    const sc = join(SHARED, "rules/security_content");
    const set = await loadRules(
      [join(sc, "detections/endpoint")],
      await loadMacros([join(sc, "macros")]),
    );
    const indexed = set.rules.filter((r) => r.names !== null).length;
    expect(indexed).toBeGreaterThan(200);
    const file = join(SHARED, "data/xml/from-evtx/EVTX-ATTACK-SAMPLES_all_sysmon.oneline.xml.log");
    const fast = await scanSource(fileSource(file), { rules: set.rules });
    const slow = await scanSource(fileSource(file), {
      rules: set.rules.map((r) => ({ ...r, names: null })),
    });
    expect(fast.findings.length).toBeGreaterThan(100);
    expect(fast.findings).toEqual(slow.findings);
  }, 120_000);
});
