import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parseJsonEvents } from "../../../src/parse/json/parseJsonEvents.js";
import { parseXmlEvents } from "../../../src/parse/parseXmlEvents.js";
import type { WinEvent } from "../../../src/parse/types.js";
import { chunksOf, FIXTURES, parseAll, SHARED } from "../../helpers/streams.js";

const CASES = join(SHARED, "data/sigma-regression");

async function jsonFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await jsonFiles(p)));
    else if (e.name.endsWith(".json")) out.push(p);
  }
  return out.sort();
}

/**
 * The XML side is `evtxexport` (libevtx) of each case's `.evtx`, recorded in the fixture (its
 * first line says how). Three differences are artefacts of the two renderers, not of the
 * events, and are the only ones allowed:
 * - `TimeCreated`: evtx_dump writes microseconds, libevtx 100 ns (`.425641Z` vs `.425641800Z`);
 * - libevtx zero-pads 64-bit hex (`0x0000000000529ae3`), Windows and evtx_dump do not;
 * - evtx_dump's JSON drops trailing blanks of a value (`"driverquery.exe\" "` loses its space).
 */
function comparable(e: WinEvent): unknown {
  const { position: _, ...rest } = e;
  const data = Object.fromEntries(
    Object.entries(e.data).map(([k, v]) => [
      k,
      /^0x[0-9a-f]+$/i.test(v) ? `0x${BigInt(v).toString(16)}` : v.trimEnd(),
    ]),
  );
  const time = /^(.*\.\d{6})\d*Z$/.exec(e.timeCreated);
  return { ...rest, timeCreated: time ? `${time[1]}Z` : e.timeCreated, data };
}

/**
 * Where the upstream case's `.json` and `.evtx` really disagree (the `.evtx` bytes hold the
 * XML's value: `strings -el` shows `C:\Windows\Explorer.EXE`): JSON value, then XML value.
 */
const UPSTREAM_DIFFERENCES: Record<string, Record<string, readonly [string, string]>> = {
  "rules/windows/process_creation/proc_creation_win_susp_right_to_left_override/ad691d92-15f2-4181-9aa4-723c74f9ddc3.json":
    { ParentCommandLine: ["C:\\Windows\\Explorer.exe", "C:\\Windows\\Explorer.EXE"] },
};

describe("sigma-regression: each case's evtx_dump .json reads as the XML rendering of its .evtx", async () => {
  const xml = await parseAll(
    parseXmlEvents,
    chunksOf(await readFile(join(FIXTURES, "json/sigma-regression.evtxexport.xml")), 1 << 16),
  );
  const files = await jsonFiles(CASES);

  it("has an XML rendering for all 65 cases, and nothing else", () => {
    expect(xml.issues).toEqual([]);
    expect(files.length).toBe(65);
    expect(xml.events.length).toBe(65);
  });

  for (const file of files) {
    it(relative(CASES, file), async () => {
      const { events, issues } = await parseAll(
        parseJsonEvents,
        chunksOf(await readFile(file), 512),
      );
      expect(issues).toEqual([]);
      expect(events).toHaveLength(1);
      const got = events[0] as WinEvent;
      const found = xml.events.find(
        (x) => x.eventRecordId === got.eventRecordId && x.computer === got.computer,
      );
      expect(found, "its event in the XML fixture").toBeDefined();
      let twin = found as WinEvent;
      const known = UPSTREAM_DIFFERENCES[relative(CASES, file)] ?? {};
      for (const [field, [inJson, inXml]] of Object.entries(known)) {
        expect([got.data[field], twin.data[field]]).toEqual([inJson, inXml]);
        twin = { ...twin, data: { ...twin.data, [field]: inJson } };
      }
      expect(comparable(got)).toEqual(comparable(twin));
      // The fields the issue names, compared without any allowance.
      expect(got).toMatchObject({
        eventId: twin?.eventId,
        computer: twin?.computer,
        channel: twin?.channel,
        eventRecordId: twin?.eventRecordId,
      });
      expect(Object.keys(got.data)).toEqual(Object.keys(twin?.data ?? {}));
    });
  }
});
