import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseJsonEvents } from "../../src/parse/json/parseJsonEvents.js";
import { parseXmlEvents } from "../../src/parse/parseXmlEvents.js";
import type { WinEvent } from "../../src/parse/types.js";
import { toEvtxDumpJson } from "../../src/sinks/toEvtxDumpJson.js";
import { chunksOf, FIXTURES, parseAll, SHARED } from "../helpers/streams.js";

const strip = (events: readonly WinEvent[]) => events.map(({ position: _, ...e }) => e);

describe("toEvtxDumpJson", () => {
  it("writes evtx_dump's shape: System with #attributes in schema order, EventData", async () => {
    const file = join(
      SHARED,
      "data/sigma-regression/rules/windows/process_creation/proc_creation_win_driverquery_recon/9fc3072c-dc8f-4bf7-b231-18950000fadd.json",
    );
    const original = JSON.parse(await readFile(file, "utf8")) as {
      Event: { System: Record<string, unknown> };
    };
    const { events } = await parseAll(parseJsonEvents, chunksOf(await readFile(file), 1 << 16));
    const out = toEvtxDumpJson(events[0] as WinEvent);
    // Same keys in the same order as the crate writes them, and the same typed System values.
    expect(Object.keys(out.Event)).toEqual(["#attributes", "System", "EventData"]);
    expect(Object.keys(out.Event.System)).toEqual(Object.keys(original.Event.System));
    const { Provider, ...system } = original.Event.System;
    expect(out.Event.System).toMatchObject(system);
    expect(out.Event.System.Provider).toEqual({
      "#attributes": {
        Name: "Microsoft-Windows-Sysmon",
        Guid: "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}",
      },
    });
    expect(out.Event.EventData?.ParentProcessId).toBe("11360");
  });

  it("round-trips: XML events -> evtx_dump JSON -> the JSON parser gives the same events", async () => {
    const xml = await readFile(join(FIXTURES, "json/sigma-regression.evtxexport.xml"));
    const { events } = await parseAll(parseXmlEvents, chunksOf(xml, 1 << 16));
    expect(events.length).toBe(65);
    const jsonl = events.map((e) => JSON.stringify(toEvtxDumpJson(e))).join("\n");
    const back = await parseAll(parseJsonEvents, chunksOf(Buffer.from(jsonl), 4096));
    expect(back.issues).toEqual([]);
    expect(strip(back.events)).toEqual(strip(events));
  });

  it("leaves out what the event does not carry", () => {
    const out = toEvtxDumpJson({
      provider: "P",
      eventId: 7,
      timeCreated: "",
      channel: "",
      computer: "",
      data: {},
      position: { line: 1 },
    });
    expect(out.Event.System).toEqual({
      Provider: { "#attributes": { Name: "P" } },
      EventID: 7,
      TimeCreated: { "#attributes": { SystemTime: "" } },
      Correlation: null,
      Channel: "",
      Computer: "",
      Security: null,
    });
    expect(out.Event.EventData).toBeNull();
  });
});
