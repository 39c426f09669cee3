import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEvtx } from "../../../src/parse/evtx/index.js";
import { selectParser } from "../../../src/parse/selectParser.js";
import { chunksOf, parseAll } from "../../helpers/streams.js";
import { EVTX_DIR, parseBytes } from "./evtxFiles.js";

const FILE = join(
  EVTX_DIR,
  "EVTX-ATTACK-SAMPLES/Lateral Movement/powercat_revShell_sysmon_1_3.evtx",
);

describe("EVTX input selection and ParseInterest", () => {
  it("selectParser picks parseEvtx by the ElfFile signature", async () => {
    const head = (await readFile(FILE)).subarray(0, 64);
    expect(selectParser(head)).toEqual({ format: "evtx", parse: parseEvtx });
  });

  it("events of ids outside the interest come header-only (partial), the rest in full", async () => {
    const bytes = await readFile(FILE);
    const full = (await parseBytes(bytes)).events;
    expect(full.map((e) => e.eventId)).toEqual([1, 10, 1, 10, 1, 10, 3, 1, 1]);
    const { events, issues } = await parseAll(parseEvtx, chunksOf(bytes, 65536), {
      eventIds: new Set([1]),
    });
    expect(issues).toEqual([]);
    expect(events[0]).toEqual(full[0]);
    expect(events[0]?.data.CommandLine).toBe('"C:\\Windows\\system32\\NETSTAT.EXE"  -na');
    for (const [i, e] of events.entries()) {
      if (e.eventId === 1) continue;
      const { data: _d, ...system } = full[i] as (typeof full)[number];
      expect(e).toEqual({ ...system, data: {}, partial: true });
    }
  });

  it("events at positions `at` rejects come header-only, by their EventRecordID", async () => {
    const bytes = await readFile(FILE);
    const full = (await parseBytes(bytes)).events;
    const wanted = full[2]?.position.record;
    const asked: number[] = [];
    const { events } = await parseAll(parseEvtx, chunksOf(bytes, 65536), {
      eventIds: new Set([1]),
      at: (position) => {
        asked.push(position.record ?? -1);
        return position.record === wanted;
      },
    });
    expect(events.map((e) => e.partial ?? false)).toEqual(full.map((_e, i) => i !== 2));
    expect(events[2]).toEqual(full[2]);
    // only events of a wanted id are asked about, each once
    expect(asked).toEqual(full.filter((e) => e.eventId === 1).map((e) => e.position.record));
  });
});
