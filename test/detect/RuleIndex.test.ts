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

/** The candidates as a plain array (`candidates` reuses one typed array). */
const ids = (index: RuleIndex, record: ProcessRecord) => [...index.candidates(record)];

describe("RuleIndex", () => {
  const index = new RuleIndex([
    rule(["cmd.exe"]),
    rule(null),
    rule(["net.exe", "net1.exe"]),
    rule(["cmd.exe", "net.exe"]),
  ]);

  it("chooses the rules naming the record's image (either field, any case) plus the unindexed ones", () => {
    expect(ids(index, rec({ process_name: "CMD.EXE" }))).toEqual([0, 1, 3]);
    expect(
      ids(index, rec({ process_name: "renamed.exe", original_file_name: "net1.exe" })),
    ).toEqual([1, 2]);
    expect(ids(index, rec({ process_name: "net.exe", original_file_name: "Cmd.Exe" }))).toEqual([
      0, 1, 2, 3,
    ]);
    expect(ids(index, rec({ process_name: "calc.exe" }))).toEqual([1]);
    expect(ids(index, rec({}))).toEqual([1]);
  });
});

describe("RuleIndex with literal gates", () => {
  const gated = (names: string[] | null, literals: string[] | null) =>
    ({ names, literals }) as unknown as CompiledRule;
  const index = new RuleIndex(
    [
      gated(null, ["-enc", "frombase64"]),
      gated(null, null),
      gated(["cmd.exe"], ["/c"]),
      gated(null, ["\\temp\\"]),
    ],
    new Set(["process", "process_path"]),
  );

  it("runs a rule without image names only on records holding one of its literals in a verbatim field", () => {
    expect(ids(index, rec({ process: "powershell -ENC aGk=" }))).toEqual([0, 1]);
    expect(ids(index, rec({ process: "x", process_path: "C:\\Temp\\a.exe" }))).toEqual([1, 3]);
    expect(ids(index, rec({ process: "[System.Convert]::FromBase64String() \\temp\\" }))).toEqual([
      0, 1, 3,
    ]);
    // A literal in a field that is not verbatim opens nothing.
    expect(ids(index, rec({ user: "-enc", process: "calc" }))).toEqual([1]);
    // Image names still index the others; a gated rule comes in beside them.
    expect(ids(index, rec({ process_name: "cmd.exe", process: "cmd /c -enc" }))).toEqual([0, 1, 2]);
    // A rule with names and literals needs both: cmd.exe without "/c" cannot match it.
    expect(ids(index, rec({ process_name: "cmd.exe", process: "cmd -enc" }))).toEqual([0, 1]);
    expect(ids(index, rec({ process_name: "calc.exe", process: "calc /c" }))).toEqual([1]);
    expect(ids(index, rec({}))).toEqual([1]);
  });

  it("looks for a rule's literals only in the fields its expression compares", () => {
    const fielded = new RuleIndex(
      [{ names: null, literals: ["-enc"], literalFields: ["process"] } as unknown as CompiledRule],
      new Set(["process", "process_path", "process_hash"]),
    );
    expect(ids(fielded, rec({ process: "x -enc y" }))).toEqual([0]);
    expect(ids(fielded, rec({ process_path: "c:\\-enc\\x.exe" }))).toEqual([]);
    expect(ids(fielded, rec({ process_hash: "-enc" }))).toEqual([]);
  });

  it("gives every candidate, in rule order, however many (the result array is reused)", () => {
    const many = new RuleIndex(
      Array.from({ length: 40 }, (_v, i) =>
        i % 2 === 0 ? gated(null, [`lit${i}`]) : gated(["x.exe"], null),
      ),
      new Set(["process"]),
    );
    const all = Array.from({ length: 40 }, (_v, i) => i);
    const text = all.map((i) => `lit${i}`).join(" ");
    expect(ids(many, rec({ process_name: "x.exe", process: text }))).toEqual(all);
    expect(ids(many, rec({ process: "lit4 lit38" }))).toEqual([4, 38]);
    expect(ids(many, rec({ process_name: "X.EXE" }))).toEqual(all.filter((i) => i % 2 === 1));
  });

  it("without the dataset's verbatim fields, runs them on every record", () => {
    const plain = new RuleIndex([gated(null, ["-enc"]), gated(["a.exe"], null)]);
    expect(ids(plain, rec({ process: "calc" }))).toEqual([0]);
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
