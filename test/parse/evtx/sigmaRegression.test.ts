import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import type { WinEvent } from "../../../src/parse/types.js";
import { filesUnder, parseFile, SIGMA_DIR } from "./evtxFiles.js";

/** The objects of an `evtx_dump` JSON file: pretty or one a line, concatenated. */
function jsonObjects(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") {
      if (depth++ === 0) start = i;
    } else if (c === "}" && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
  }
  return out;
}

type Json = Record<string, unknown>;

/** `evtx_dump` writes an element with attributes as `{ "#attributes": ..., "#text": v }`. */
function textOf(v: unknown): unknown {
  return v !== null && typeof v === "object" && "#text" in (v as Json) ? (v as Json)["#text"] : v;
}

/**
 * The rendering differences between `evtx_dump` and Windows' own XML (which our events
 * follow): GUIDs without braces, times in microseconds, empty values as null, numbers unquoted,
 * and strings trimmed (`evtx_dump` drops the trailing space of `"C:\Windows\system32\cmd.exe" `
 * that Windows and libevtx keep).
 */
function norm(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = String(v).trim();
  const guid = /^\{([0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12})\}$/i.exec(s);
  return guid ? (guid[1] as string) : s;
}

/** Both time forms to microseconds: `...42.331810800Z` (ours) and `...42.331810Z` (evtx_dump). */
function micros(time: string): string {
  const m = /^(.{19})(?:\.(\d+))?Z$/.exec(time);
  if (!m) return `bad:${time}`;
  return `${m[1]}.${(m[2] ?? "").padEnd(9, "0").slice(0, 6)}Z`;
}

function fromDump(o: unknown): Json {
  const event = (o as Json).Event as Json;
  const system = event.System as Json;
  const data = (event.EventData ?? {}) as Json;
  return {
    EventID: Number(textOf(system.EventID)),
    Computer: system.Computer,
    TimeCreated: micros(((system.TimeCreated as Json)["#attributes"] as Json).SystemTime as string),
    EventRecordID: system.EventRecordID,
    Channel: system.Channel,
    EventData: Object.fromEntries(
      Object.entries(data)
        .filter(([k]) => k !== "#attributes")
        .map(([k, v]) => [k, norm(v)]),
    ),
  };
}

function fromOurs(e: WinEvent): Json {
  return {
    EventID: e.eventId,
    Computer: e.computer,
    TimeCreated: micros(e.timeCreated),
    EventRecordID: e.eventRecordId,
    Channel: e.channel,
    EventData: Object.fromEntries(Object.entries(e.data).map(([k, v]) => [k, norm(v)])),
  };
}

/**
 * Where a case's .json disagrees with the bytes of its own .evtx: the value here is what the
 * .evtx holds, as libevtx's `evtxexport` also reads it (`String: 22 : C:\Windows\Explorer.EXE`).
 */
const JSON_ERRATA: Record<string, Record<string, string>> = {
  "ad691d92-15f2-4181-9aa4-723c74f9ddc3": { ParentCommandLine: "C:\\Windows\\Explorer.EXE" },
};

const cases = filesUnder(SIGMA_DIR, ".evtx");

describe("EVTX conformance: SigmaHQ regression data (.evtx vs its evtx_dump .json)", () => {
  it("finds the 65 cases", () => {
    expect(cases.length).toBe(65);
  });

  it.each(cases)("%s", async (rel) => {
    const path = join(SIGMA_DIR, rel);
    const expected = jsonObjects(await readFile(path.replace(/\.evtx$/, ".json"), "utf8")).map(
      fromDump,
    );
    const errata = JSON_ERRATA[basename(path, ".evtx")];
    if (errata !== undefined) for (const e of expected) Object.assign(e.EventData as Json, errata);
    const { events, issues } = await parseFile(path);
    expect(issues).toEqual([]);
    expect(expected.length).toBeGreaterThan(0);
    expect(events.map(fromOurs)).toEqual(expected);
    expect(events.map((e) => e.position.record)).toEqual(expected.map((e) => e.EventRecordID));
  });
});
