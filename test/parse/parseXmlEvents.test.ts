import { describe, expect, it } from "vitest";
import { parseXmlEvents } from "../../src/parse/parseXmlEvents.js";
import { XML_LIMITS } from "../../src/parse/xmlEventText.js";
import { chunksAt, chunksOf, fixture, parseAll } from "../helpers/streams.js";

const NS = "http://schemas.microsoft.com/win/2004/08/events/event";

function event(id: number, record: number, cmd = "cmd.exe", quote = "'"): string {
  const q = quote;
  return `<Event xmlns=${q}${NS}${q}><System><Provider Name=${q}Microsoft-Windows-Sysmon${q}/><EventID>${id}</EventID><TimeCreated SystemTime=${q}2024-01-01T00:00:0${record % 10}.000Z${q}/><EventRecordID>${record}</EventRecordID><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>héllo-wks</Computer></System><EventData><Data Name=${q}CommandLine${q}>${cmd}</Data></EventData></Event>`;
}

async function parseText(text: string) {
  return parseAll(parseXmlEvents, chunksOf(Buffer.from(text, "utf8"), 1 << 16));
}

describe("parseXmlEvents layouts", () => {
  it("one event a line, either quote, no final newline, UTF-8 text", async () => {
    const { events, issues } = await parseText(`${event(1, 1)}\n${event(3, 2, "x", '"')}`);
    expect(events.map((e) => [e.eventId, e.eventRecordId, e.position.line])).toEqual([
      [1, 1, 1],
      [3, 2, 2],
    ]);
    expect(events[0]?.computer).toBe("héllo-wks");
    expect(issues).toEqual([]);
  });

  it("CRLF line ends give the same events", async () => {
    const lf = await parseText(`${event(1, 1, "a -b")}\n${event(1, 2)}\n`);
    const crlf = await parseText(`${event(1, 1, "a -b")}\r\n${event(1, 2)}\r\n`);
    expect(crlf.events).toEqual(lf.events);
  });

  it("several events on one line, and wrapper text around them", async () => {
    const { events, issues } = await parseText(
      `<?xml version="1.0" encoding="utf-8"?>\n<Events>${event(1, 1)}${event(1, 2)}</Events>\n`,
    );
    expect(events.map((e) => e.eventRecordId)).toEqual([1, 2]);
    expect(issues).toEqual([]);
  });

  it("pretty-printed events spanning lines, with first and last line", async () => {
    const pretty = event(1, 7, "line one\nline two").replace(/></g, ">\n  <");
    const { events } = await parseText(`header\n${pretty}\n${event(1, 8)}\n`);
    expect(events[0]?.position).toEqual({ line: 2, lastLine: pretty.split("\n").length + 1 });
    expect(events[0]?.data.CommandLine).toBe("line one\nline two");
    expect(events[1]?.position.line).toBe(pretty.split("\n").length + 2);
  });

  it("counts classic text blocks once and header lines as skips", async () => {
    const classic =
      "02/17/2022 02:15:47 AM\nLogName=Security\nEventCode=4688\nMessage=A new process\n\tmore";
    const { events, issues } = await parseText(
      `#Bulk AD CS Events\n${event(1, 1)}\n${classic}\n${event(1, 2)}\n`,
    );
    expect(events).toHaveLength(2);
    expect(issues.map((i) => [i.code, i.severity, i.offset])).toEqual([
      ["non-event-text", "skip", 1],
      ["non-event-text", "skip", 3],
      ["classic-text-event", "skip", 4],
    ]);
  });

  it("reports truncated and garbled events and keeps reading", async () => {
    const full = event(1, 1);
    const { events, issues } = await parseText(
      `${full.slice(0, 150)}\n${event(1, 2)}\n<Event><System><EventID>1</EventID></Sys></Event>\n${event(1, 3)}\n${full.slice(0, 90)}`,
    );
    expect(events.map((e) => e.eventRecordId)).toEqual([2, 3]);
    expect(issues.map((i) => [i.code, i.offset])).toEqual([
      ["truncated-event", 1],
      ["malformed-event", 3],
      ["truncated-event", 5],
    ]);
  });

  it("bounds an event that never ends", async () => {
    const huge = `<Event><System>${"<Data>x</Data>\n".repeat(400_000)}`;
    const { events, issues } = await parseText(`${huge}${event(1, 9)}\n`);
    expect(issues.map((i) => i.code)).toEqual(["event-too-large"]);
    // The next well-formed event after the oversized one is still read.
    expect(events.map((e) => e.eventRecordId)).toEqual([9]);
  });

  it("a line too long to hold is read in runs that keep its line number", async () => {
    // ~20 MB of events on one line: more than the parser holds before it reads a run
    const one = event(1, 1);
    const count = Math.ceil((XML_LIMITS.maxEventChars * 5) / one.length);
    const line = Array.from({ length: count }, (_x, i) => event(1, i + 1)).join("");
    const { events, issues } = await parseText(`${line}\n${event(3, 7)}\n`);
    expect(issues).toEqual([]);
    expect(events).toHaveLength(count + 1);
    expect(new Set(events.slice(0, count).map((e) => e.position.line))).toEqual(new Set([1]));
    expect(events[count]?.position.line).toBe(2);
  });

  it("drops an oversized event as event-too-large however its text comes, and no other", async () => {
    const big = (chars: number) => event(1, 5, "x".repeat(chars));
    const limit = XML_LIMITS.maxEventChars;
    // the limit counts bytes (the text is read as latin1)
    const base = Buffer.byteLength(big(0));
    const over = big(limit + 1 - base);
    const at = big(limit - base);
    expect([Buffer.byteLength(over), Buffer.byteLength(at)]).toEqual([limit + 1, limit]);
    // one line of 5 MB, of 20 MB (read in runs), over several lines, cut off by the next event
    const layouts = [
      over,
      big(20 * 1024 * 1024),
      over.replace("<EventData>", "\n<EventData>\n"),
      `${big(limit + 100 - base).slice(0, -20)}${event(1, 6)}`,
    ];
    for (const huge of layouts) {
      const text = `${event(1, 1)}\n${huge}\n${event(1, 2)}\n`;
      const bytes = Buffer.from(text);
      const whole = await parseAll(parseXmlEvents, chunksOf(bytes, bytes.length));
      const name = `${huge.length} chars, ${huge.split("\n").length} line(s)`;
      expect(
        whole.issues.map((i) => [i.code, i.offset]),
        name,
      ).toEqual([["event-too-large", 2]]);
      expect(
        whole.events.map((e) => e.eventRecordId).filter((r) => r !== 6),
        name,
      ).toEqual([1, 2]);
      for (const size of [1 << 16, 3_000_001])
        expect(await parseAll(parseXmlEvents, chunksOf(bytes, size)), `${name} in ${size}`).toEqual(
          whole,
        );
    }
    // at the limit: read
    const { events, issues } = await parseText(`${at}\n`);
    expect([events.length, issues]).toEqual([1, []]);
  });

  it("joins the runs of a line too long to hold without a line break between them", async () => {
    // ~20 MB of events on one line, of which some are cut between runs
    const line = Array.from({ length: 200 }, (_x, i) => event(1, i, "y".repeat(100_000))).join("");
    const bytes = Buffer.from(`${line}\n`);
    const whole = await parseAll(parseXmlEvents, chunksOf(bytes, bytes.length));
    expect(whole.events).toHaveLength(200);
    expect(await parseAll(parseXmlEvents, chunksOf(bytes, 1 << 16))).toEqual(whole);
  });

  it("a line too long to hold gives the same events wherever its chunks end", async () => {
    // Just over the run limit (16 MiB): the first chunk ending past it is handed over as a run.
    const limit = XML_LIMITS.maxEventChars * 4;
    const count = Math.ceil(limit / event(1, 1).length) + 2;
    const line = Array.from({ length: count }, (_x, i) => event(1, i + 1)).join("");
    const bytes = Buffer.from(`${line}\n${event(3, 7)}\n`, "utf8");
    const whole = await parseAll(parseXmlEvents, chunksOf(bytes, bytes.length));
    expect(whole.events).toHaveLength(count + 1);
    const past = (token: string, offset: number) => bytes.indexOf(token, limit) + offset;
    const cuts = {
      "inside a value": past("Sysmon'", 3),
      "inside </Event>": past("</Event>", 4),
      "right after <Event": past("<Event ", 6),
      "inside <EventData": past("<EventData", 7),
      "at an event start": past("<Event ", 0),
    };
    for (const [where, cut] of Object.entries(cuts)) {
      const got = await parseAll(parseXmlEvents, chunksAt(bytes, [cut, cut + 3]));
      expect(got.issues, where).toEqual([]);
      expect(got.events.length, where).toBe(count + 1);
      expect(got.events, where).toEqual(whole.events);
    }
  });

  it("drops an event too long to hold on a line without breaks, and reads the next", async () => {
    const huge = event(1, 1, "x".repeat(XML_LIMITS.maxEventChars * 4 + 100_000));
    const { events, issues } = await parseText(`${huge}${event(1, 2)}\n`);
    expect(issues.map((i) => i.code)).toEqual(["event-too-large"]);
    expect(events.map((e) => e.eventRecordId)).toEqual([2]);
  });

  it("zero bytes give no events and no issues", async () => {
    expect(await parseText("")).toEqual({ events: [], issues: [] });
  });
});

describe("parseXmlEvents chunking", () => {
  it("gives identical events whatever the chunk boundaries (every 2-way split)", async () => {
    const text = `${event(1, 1, "a &amp; b é")}\r\n${event(3, 2).replace(/></g, ">\n<")}\n${event(1, 3)}`;
    const bytes = Buffer.from(text, "utf8");
    const expected = await parseAll(parseXmlEvents, chunksOf(bytes, bytes.length));
    expect(expected.events).toHaveLength(3);
    for (let cut = 1; cut < bytes.length; cut++) {
      const got = await parseAll(parseXmlEvents, chunksAt(bytes, [cut]));
      expect(got.events, `cut at ${cut}`).toEqual(expected.events);
    }
    for (const size of [1, 2, 3, 7, 64, 4095]) {
      const got = await parseAll(parseXmlEvents, chunksOf(bytes, size));
      expect(got.events, `size ${size}`).toEqual(expected.events);
    }
  });

  it("reads a large chunk in pieces of whole lines, lines of any length included", async () => {
    // ~600 KB: short events, pretty-printed ones, and lines longer than a piece (64 KiB).
    const lines: string[] = [];
    for (let r = 1; lines.join("\n").length < 600_000; r++) {
      if (r % 50 === 0) lines.push(event(1, r, `long ${"x".repeat(70_000 + r)}`));
      else if (r % 7 === 0) lines.push(event(3, r).replace(/></g, ">\n<"));
      else lines.push(event(1, r, `c${r} é`));
    }
    const bytes = Buffer.from(lines.join("\n"), "utf8");
    const whole = await parseAll(parseXmlEvents, chunksOf(bytes, bytes.length));
    const small = await parseAll(parseXmlEvents, chunksOf(bytes, 4093));
    expect(whole.issues).toEqual([]);
    expect(whole.events).toEqual(small.events);
    const records = whole.events.map((e) => e.eventRecordId);
    expect(records).toEqual(Array.from({ length: records.length }, (_v, i) => i + 1));
    expect(whole.events.find((e) => e.eventRecordId === 50)?.data.CommandLine).toHaveLength(70_055);
    expect(whole.events.at(-1)?.position.lastLine).toBe(lines.join("\n").split("\n").length);
  });

  it("the fixture of the hunts parses the same in 1-byte chunks", async () => {
    const bytes = await fixture("xml/t1049_hunts.log");
    const whole = await parseAll(parseXmlEvents, chunksOf(bytes, bytes.length));
    const tiny = await parseAll(parseXmlEvents, chunksOf(bytes, 1));
    expect(tiny.events).toEqual(whole.events);
    expect(whole.events).toHaveLength(19);
  });
});

describe("parseXmlEvents interest", () => {
  it("reads wanted events in full and the rest header-only, counting all", async () => {
    const text = [
      event(1, 1, "netstat -a"),
      event(1, 2, "whoami"),
      event(3, 3, "netstat -a"),
      event(1, 4, "net&#115;tat"),
    ].join("\n");
    const { events } = await parseAll(parseXmlEvents, chunksOf(Buffer.from(text), 100), {
      eventIds: new Set([1]),
      rawText: /netstat/i,
    });
    expect(events.map((e) => [e.eventRecordId, e.partial ?? false])).toEqual([
      [1, false],
      [2, true],
      [3, true],
      // A character reference could hide the literal, so that event is read in full.
      [4, false],
    ]);
    expect(events[1]).toMatchObject({ eventId: 1, computer: "héllo-wks", data: {} });
    expect(events[3]?.data.CommandLine).toBe("netstat");
  });

  it("yields only the events starting on lines `at` accepts, passing over the others", async () => {
    // CRLF, an event over two lines, and a wanted event starting on the last line of an
    // unwanted one: the lines `at` sees are the real ones
    const split = (e: string) => e.replace("<System>", "\r\n<System>");
    const text = [
      event(1, 1),
      split(event(1, 2)),
      event(3, 3),
      event(1, 4),
      event(1, 5),
      split(event(1, 6)) + event(1, 7),
    ].join("\r\n");
    const all = await parseAll(parseXmlEvents, chunksOf(Buffer.from(text), 7));
    expect(all.events.map((e) => [e.eventRecordId, e.position.line])).toEqual([
      [1, 1],
      [2, 2],
      [3, 4],
      [4, 5],
      [5, 6],
      [6, 7],
      [7, 8],
    ]);
    for (const size of [7, 100, text.length]) {
      const asked: number[] = [];
      const { events } = await parseAll(parseXmlEvents, chunksOf(Buffer.from(text), size), {
        eventIds: new Set([1]),
        at: (position) => {
          asked.push(position.line ?? -1);
          return [2, 6, 8].includes(position.line ?? -1);
        },
      });
      expect(events.map((e) => [e.eventRecordId, e.position.line, e.partial ?? false])).toEqual([
        [2, 2, false],
        [5, 6, false],
        [7, 8, false],
      ]);
      expect(events).toEqual(all.events.filter((e) => [2, 5, 7].includes(e.eventRecordId ?? 0)));
      // the second line of an open event is read without asking
      expect(asked).not.toContain(3);
    }
  });
});
