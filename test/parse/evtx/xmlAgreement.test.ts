import { createReadStream } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseXmlEvents } from "../../../src/parse/parseXmlEvents.js";
import type { WinEvent } from "../../../src/parse/types.js";
import { parseAll, SHARED } from "../../helpers/streams.js";
import { EVTX_DIR, filesUnder, parseFile } from "./evtxFiles.js";

const XML_DIR = join(SHARED, "data/xml/from-evtx");

function key(e: WinEvent): string {
  return `${e.computer}|${e.eventRecordId}|${e.eventId}|${e.timeCreated}`;
}

/**
 * The two known differences of libevtx's rendering: HexInt32/64 zero-padded (`0x001fffff`,
 * where Windows and we write `0x1fffff`), and a lone CR in a value lost when the XML was
 * joined to one line (`SourceImage` of two events in sysmon_1_7_elevate_uacbypass_sysprep).
 */
function norm(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const hex = /^0x0*([0-9a-f]+)$/i.exec(v);
  return hex ? `0x${(hex[1] as string).toLowerCase()}` : v.replace(/\r/g, "");
}

function comparable(e: WinEvent): Record<string, unknown> {
  const { position: _position, data, ...system } = e;
  return {
    ...Object.fromEntries(Object.entries(system).map(([k, v]) => [k, norm(v)])),
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, norm(v)])),
  };
}

describe("EVTX events equal parseXmlEvents on libevtx's XML of the same files (xml/from-evtx)", () => {
  it("all 3,363 Sysmon events: every System field and every EventData value", async () => {
    const fromEvtx = new Map<string, WinEvent>();
    for (const rel of filesUnder(EVTX_DIR, ".evtx")) {
      for (const e of (await parseFile(join(EVTX_DIR, rel))).events) fromEvtx.set(key(e), e);
    }
    let compared = 0;
    const missing: string[] = [];
    for (const name of filesUnder(XML_DIR, ".log")) {
      const { events, issues } = await parseAll(
        parseXmlEvents,
        createReadStream(join(XML_DIR, name)),
      );
      expect(issues).toEqual([]);
      for (const x of events) {
        const e = fromEvtx.get(key(x));
        if (e === undefined) {
          missing.push(key(x));
          continue;
        }
        expect(comparable(e), key(x)).toEqual(comparable(x));
        expect(e.position.record).toBe(x.eventRecordId);
        compared++;
      }
    }
    expect(missing).toEqual([]);
    expect(compared).toBe(3363);
  });
});
