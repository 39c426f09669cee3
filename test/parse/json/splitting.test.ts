import { describe, expect, it } from "vitest";
import { JSON_LIMITS } from "../../../src/parse/json/JsonSplitter.js";
import { parseJsonEvents } from "../../../src/parse/json/parseJsonEvents.js";
import type { WinEvent } from "../../../src/parse/types.js";
import { chunksAt, chunksOf, parseAll } from "../../helpers/streams.js";

/** A value full of things a splitter can trip on: braces, brackets, quotes and escapes in strings. */
function evtxDump(record: number): unknown {
  return {
    Event: {
      "#attributes": { xmlns: "http://schemas.microsoft.com/win/2004/08/events/event" },
      System: {
        Provider: { "#attributes": { Name: "Microsoft-Windows-Sysmon" } },
        EventID: 1,
        TimeCreated: { "#attributes": { SystemTime: "2024-01-02T03:04:05.678901Z" } },
        EventRecordID: record,
        Channel: "Microsoft-Windows-Sysmon/Operational",
        Computer: "wks1",
      },
      EventData: {
        CommandLine: `cmd /c "echo }{ ][ \\" \\\\" & rem é ☃ 😀 \u0001 \u2028 ${record}`,
        Image: "C:\\Windows\\System32\\cmd.exe",
        Nested: '{"not": ["an object"]}',
      },
    },
  };
}

const ONE = JSON.stringify(evtxDump(1));
const TWO = JSON.stringify(evtxDump(2));
const THREE = JSON.stringify(evtxDump(3));
const pretty = (v: unknown) => JSON.stringify(v, null, 2);

/** The same three events in every layout the parser accepts. */
const LAYOUTS: Record<string, string> = {
  "one per line": `${ONE}\n${TWO}\n${THREE}\n`,
  "one per line, CRLF, no final break": `${ONE}\r\n${TWO}\r\n${THREE}`,
  "pretty-printed, concatenated": `${pretty(evtxDump(1))}\n${pretty(evtxDump(2))}\n${pretty(evtxDump(3))}\n`,
  "evtx_dump -o json (Record headers)": [1, 2, 3]
    .map((r) => `Record ${r}\n${pretty(evtxDump(r))}\n`)
    .join(""),
  "concatenated without separators": `${ONE}${TWO}${THREE}`,
  "comma separated on one line": `${ONE},${TWO} , ${THREE}`,
  "top-level array, pretty": pretty([evtxDump(1), evtxDump(2), evtxDump(3)]),
  "top-level array, compact": `[${ONE},${TWO},${THREE}]`,
};

const stripPosition = (events: readonly WinEvent[]) => events.map(({ position: _, ...e }) => e);

describe("parseJsonEvents splitting", () => {
  const reference = JSON.parse(ONE) as { Event: { EventData: { CommandLine: string } } };

  for (const [name, text] of Object.entries(LAYOUTS)) {
    it(`reads ${name} identically at every 2-way split and in 1-byte chunks`, async () => {
      const bytes = Buffer.from(text, "utf8");
      const whole = await parseAll(parseJsonEvents, chunksOf(bytes, bytes.length));
      expect(whole.issues).toEqual([]);
      expect(whole.events.map((e) => e.eventRecordId)).toEqual([1, 2, 3]);
      expect(whole.events[0]?.data.CommandLine).toBe(reference.Event.EventData.CommandLine);
      for (let cut = 1; cut < bytes.length; cut++) {
        const split = await parseAll(parseJsonEvents, chunksAt(bytes, [cut]));
        expect(split, `cut at byte ${cut}`).toEqual(whole);
      }
      expect(await parseAll(parseJsonEvents, chunksOf(bytes, 1))).toEqual(whole);
    });
  }

  it("numbers the lines of each value (first and last)", async () => {
    const text = LAYOUTS["evtx_dump -o json (Record headers)"] as string;
    const { events } = await parseAll(parseJsonEvents, chunksOf(Buffer.from(text), 7));
    const height = pretty(evtxDump(1)).split("\n").length;
    expect(events.map((e) => e.position)).toEqual([
      { line: 2, lastLine: 1 + height, record: 1 },
      { line: 3 + height, lastLine: 2 + 2 * height, record: 2 },
      { line: 4 + 2 * height, lastLine: 3 + 3 * height, record: 3 },
    ]);
    const jsonl = await parseAll(
      parseJsonEvents,
      chunksOf(Buffer.from(LAYOUTS["one per line"] as string), 5),
    );
    expect(jsonl.events.map((e) => [e.position.line, e.position.lastLine])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });

  const flat = (id: number) =>
    `{"EventID":${id},"SourceName":"Microsoft-Windows-Sysmon","Hostname":"h","Image":"x.exe"}`;
  const BROKEN = [
    flat(1),
    `{"EventID":2,"CommandLine":"cut off in a string`,
    flat(3),
    `{"EventID":4,"a":{"b":1,`,
    flat(5),
    `{"EventID": }`,
    "some text that is not JSON",
    flat(8),
    `{"hello":"world"}`,
    `{"Event":{"System":{"Channel":"no event id"}}}`,
    `{"EventID":11,"x":"the input ends here`,
  ].join("\n");

  it("counts malformed values and keeps reading, at every 2-way split", async () => {
    const bytes = Buffer.from(BROKEN);
    const whole = await parseAll(parseJsonEvents, chunksOf(bytes, bytes.length));
    expect(whole.events.map((e) => [e.eventId, e.position.line])).toEqual([
      [1, 1],
      [3, 3],
      [5, 5],
      [8, 8],
    ]);
    expect(whole.issues.map((i) => [i.code, i.offset, i.severity])).toEqual([
      ["malformed-json", 2, "error"], // a line break inside a string
      ["malformed-json", 4, "error"], // a new line starts with `{` while this value is open
      ["malformed-json", 6, "error"], // JSON.parse rejects it
      ["malformed-json", 7, "error"], // text outside any value
      ["non-event-json", 9, "skip"],
      ["malformed-event", 10, "error"],
      ["malformed-json", 11, "error"], // input ends inside the value
    ]);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(await parseAll(parseJsonEvents, chunksAt(bytes, [cut])), `cut ${cut}`).toEqual(whole);
    }
  });

  it("skips a value over the size limit without holding it, and reads on", async () => {
    const big = `{"EventID":1,"x":"${"a".repeat(JSON_LIMITS.maxValueBytes)}"}`;
    const bytes = Buffer.from(`${big}\n${flat(2)}\n`);
    const { events, issues } = await parseAll(parseJsonEvents, chunksOf(bytes, 1 << 20));
    expect(events.map((e) => e.eventId)).toEqual([2]);
    expect(issues).toMatchObject([{ code: "event-too-large", offset: 1, severity: "error" }]);
  });

  it("gives the same events for the same layouts whatever the layout", async () => {
    const results = await Promise.all(
      Object.values(LAYOUTS).map((t) => parseAll(parseJsonEvents, chunksOf(Buffer.from(t), 64))),
    );
    for (const r of results)
      expect(stripPosition(r.events)).toEqual(stripPosition(results[0]?.events ?? []));
  });
});
