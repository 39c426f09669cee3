import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EVTX_DIR, filesUnder, parseFile } from "./evtxFiles.js";

interface Counts {
  readonly files: Record<string, { records: number; recovered: number }>;
}

const counts = JSON.parse(
  await readFile(new URL("../../fixtures/evtx-record-counts.json", import.meta.url), "utf8"),
) as Counts;
const files = filesUnder(EVTX_DIR, ".evtx");

describe("EVTX record counts equal libevtx's evtxexport (test/fixtures/evtx-record-counts.json)", () => {
  it("the fixture lists exactly the .evtx files present", () => {
    expect(files.length).toBe(218);
    expect(Object.keys(counts.files).sort()).toEqual(files);
  });

  it("every file: same number of events, no error issues, record ids unique", async () => {
    const wrong: string[] = [];
    let total = 0;
    for (const rel of files) {
      const { events, issues } = await parseFile(join(EVTX_DIR, rel));
      total += events.length;
      const errors = issues.filter((i) => i.severity === "error");
      const ids = new Set(events.map((e) => e.position.record));
      if (
        events.length !== counts.files[rel]?.records ||
        errors.length > 0 ||
        ids.size !== events.length
      ) {
        wrong.push(
          `${rel}: ${events.length} events vs ${counts.files[rel]?.records}, ${errors.length} errors`,
        );
      }
    }
    expect(wrong).toEqual([]);
    expect(total).toBe(3731);
  });

  it("a dirty file: 9 chunks read where the header lists 1, garbage chunks after them reported as skips", async () => {
    const { events, issues } = await parseFile(join(EVTX_DIR, "omerbenamram-evtx/sysmon.evtx"));
    expect(events).toHaveLength(358);
    expect(issues.map((i) => [i.code, i.severity, i.offset])).toEqual(
      [9, 10, 11, 12, 13, 14, 15, 16].map((n) => ["chunk-slack", "skip", n]),
    );
  });
});
