import { describe, expect, it } from "vitest";
import { cutXmlChunks } from "../../src/chunks/cutXmlChunks.js";
import { parseXmlEvents } from "../../src/parse/parseXmlEvents.js";
import type { ParseIssue, WinEvent } from "../../src/parse/types.js";
import { chunksOf, collect } from "../helpers/streams.js";

const NS = "http://schemas.microsoft.com/win/2004/08/events/event";

function event(id: number, record: number, extra = ""): string {
  return `<Event xmlns='${NS}'><System><Provider Name='Microsoft-Windows-Sysmon'/><EventID>${id}</EventID><TimeCreated SystemTime='2024-01-01T00:00:${String(record % 60).padStart(2, "0")}.000Z'/><EventRecordID>${record}</EventRecordID><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>host</Computer></System><EventData><Data Name='Image'>C:\\Windows\\cmd${record}.exe</Data>${extra}</EventData></Event>`;
}

/** A log with the layouts a cut must survive: CRLF, pretty-printed, several a line, junk, a truncated event. */
function awkwardLog(): string {
  const lines: string[] = ["<?xml version='1.0' encoding='utf-8'?>", "<Events>"];
  for (let r = 1; r <= 60; r++) {
    if (r % 7 === 0)
      lines.push(
        event(1, r).replace("<System>", "\r\n  <System>").replace("<EventData>", "\n<EventData>"),
      );
    else if (r % 11 === 0) lines.push(`${event(1, r)}${event(3, r + 1000)}`);
    else if (r % 13 === 0) lines.push("garbage line, not an event");
    else if (r % 17 === 0) lines.push(event(1, r).slice(0, 150));
    else if (r % 19 === 0)
      lines.push(`  ${event(1, r, "<Data Name='CommandLine'>x &lt;Event y</Data>")}\r`);
    else lines.push(`${event(1, r, "<Data Name='User'>Ünïcødé</Data>")}\r`);
  }
  lines.push("</Events>");
  return lines.join("\n");
}

/** `bytes` in pieces of `size`, then (when `breaksAt` is set) an error after that many bytes. */
async function* readOf(bytes: Buffer, size: number, breaksAt?: number): AsyncIterable<Buffer> {
  yield* chunksOf(bytes.subarray(0, breaksAt), size);
  if (breaksAt !== undefined) throw new Error("connection lost");
}

/** What `it` yields before it ends or throws, and what it threw. */
async function upToError<T>(it: AsyncIterable<T>): Promise<{ items: T[]; error?: unknown }> {
  const items: T[] = [];
  try {
    for await (const x of it) items.push(x);
    return { items };
  } catch (error) {
    return { items, error };
  }
}

async function parseWhole(bytes: Buffer, breaksAt?: number) {
  const issues: ParseIssue[] = [];
  const { items: events, error } = await upToError(
    parseXmlEvents(readOf(bytes, 1000, breaksAt), { onIssue: (i) => issues.push(i) }),
  );
  return { events, issues, error };
}

async function parsePieces(
  bytes: Buffer,
  piece: number,
  target: number,
  max: number,
  breaksAt?: number,
) {
  const issues: ParseIssue[] = [];
  const events: WinEvent[] = [];
  const { items: pieces, error } = await upToError(
    cutXmlChunks(readOf(bytes, piece, breaksAt), { target, max }),
  );
  for (const c of pieces) {
    const stream = (async function* () {
      yield c.bytes;
    })();
    const options = {
      onIssue: (i: ParseIssue) => issues.push(i),
      piece: {
        line: c.line,
        continues: c.continues,
        brokenOff: c.brokenOff === true,
        inTooLarge: c.inTooLarge === true,
      },
    };
    events.push(...(await collect(parseXmlEvents(stream, options))));
  }
  return { events, issues, pieces, error };
}

describe("cutXmlChunks", () => {
  const bytes = Buffer.from(awkwardLog(), "utf8");

  it.each([
    [1, 600, 4096],
    [97, 1000, 100_000],
    [4096, 3000, 100_000],
    [333, 200, 700],
  ])(
    "pieces (read %i bytes at a time, target %i, max %i) parse to the events and issues of the whole",
    async (piece, target, max) => {
      const whole = await parseWhole(bytes);
      const split = await parsePieces(bytes, piece, target, max);
      expect(split.pieces.length).toBeGreaterThan(3);
      expect(Buffer.concat(split.pieces.map((p) => p.bytes)).equals(bytes)).toBe(true);
      expect(split.events).toEqual(whole.events);
      expect(split.issues).toEqual(whole.issues);
      expect(whole.issues.map((i) => i.code)).toEqual(
        expect.arrayContaining(["truncated-event", "non-event-text"]),
      );
    },
  );

  it("an input that breaks off: the bytes read are a last piece marked brokenOff, whose parse keeps what the whole's does, then the error", async () => {
    // mid-line, mid pretty-printed event, just after a line break, in the last piece or an earlier one
    const lines = awkwardLog().split("\n");
    const lineEnd = (n: number) => Buffer.byteLength(lines.slice(0, n).join("\n")) + 1;
    const pretty = Buffer.byteLength(
      lines.join("\n").slice(0, lines.join("\n").indexOf("\n<EventData>", 4000)),
    );
    for (const breaksAt of [lineEnd(30), lineEnd(30) + 40, pretty - 10, pretty + 5, 5000]) {
      const whole = await parseWhole(bytes, breaksAt);
      const split = await parsePieces(bytes, 97, 1000, 100_000, breaksAt);
      expect(whole.error, `at ${breaksAt}`).toBeInstanceOf(Error);
      expect(split.error, `at ${breaksAt}`).toMatchObject({ message: "connection lost" });
      expect(split.pieces.length, `at ${breaksAt}`).toBeGreaterThan(1);
      expect(split.pieces.map((p) => p.brokenOff === true)).toEqual(
        split.pieces.map((_, i) => i === split.pieces.length - 1),
      );
      expect(
        Buffer.concat(split.pieces.map((p) => p.bytes)).equals(bytes.subarray(0, breaksAt)),
      ).toBe(true);
      expect(split.events, `at ${breaksAt}`).toEqual(whole.events);
      expect(split.issues, `at ${breaksAt}`).toEqual(whole.issues);
    }
  });

  it("events longer than a piece: one that fits the parser's limit is not cut, one over it is skipped whole", async () => {
    const data = (text: string) => `<Data Name='Junk'>${text}</Data>`;
    const log = [
      event(1, 1),
      event(1, 2, data("A".repeat(9_000_000))),
      event(1, 3),
      event(1, 4, data(`${"B".repeat(999)}\n`.repeat(9000))),
      event(1, 5),
      event(1, 6, data("C".repeat(1_000_000))),
      event(1, 7),
    ].join("\n");
    const bytes = Buffer.from(log);
    const issues: ParseIssue[] = [];
    const events = await collect(
      parseXmlEvents(chunksOf(bytes, 1 << 16), { onIssue: (i) => issues.push(i) }),
    );
    expect(events.map((e) => e.eventRecordId)).toEqual([1, 3, 5, 6, 7]);
    expect(issues.map((i) => [i.code, i.offset])).toEqual([
      ["event-too-large", 2],
      ["event-too-large", 4],
    ]);
    const split = await parsePieces(bytes, 1 << 16, 64 * 1024, 256 * 1024);
    expect(split.pieces.some((p) => p.inTooLarge)).toBe(true);
    expect(Buffer.concat(split.pieces.map((p) => p.bytes)).equals(bytes)).toBe(true);
    expect(split.issues).toEqual(issues);
    expect(split.events).toEqual(events);
  });

  it("starts every piece but the first at an event start, at a line start unless over max", async () => {
    const pieces = await collect(cutXmlChunks(chunksOf(bytes, 50), { target: 1500, max: 100_000 }));
    for (const p of pieces.slice(1))
      expect(Buffer.from(p.bytes).toString("latin1", 0, 7)).toMatch(/^<Event[ >]/);
    for (const [i, p] of pieces.entries()) {
      const before = Buffer.concat(pieces.slice(0, i).map((q) => q.bytes));
      expect(p.line).toBe(before.toString("latin1").split("\n").length);
      if (i > 0) expect(before[before.length - 1]).toBe(10);
      expect(p.continues).toBe(i < pieces.length - 1);
    }
  });

  it("cuts a text with no event start only at max, at a line break, and says it does not continue with one", async () => {
    const text = Buffer.from(`${"no events here\n".repeat(400)}tail`);
    const pieces = await collect(cutXmlChunks(chunksOf(text, 64), { target: 256, max: 2048 }));
    expect(Buffer.concat(pieces.map((p) => p.bytes)).equals(text)).toBe(true);
    expect(pieces.length).toBeGreaterThan(2);
    for (const p of pieces) {
      expect(p.continues).toBe(false);
      expect(p.bytes.length).toBeLessThanOrEqual(2048 + 64);
    }
    for (const p of pieces.slice(0, -1)) expect(p.bytes[p.bytes.length - 1]).toBe(10);
  });

  it("gives each piece a buffer of its own, so a transfer detaches nothing else", async () => {
    const pieces: Uint8Array[] = [];
    for await (const p of cutXmlChunks(chunksOf(bytes, 100), { target: 800, max: 100_000 })) {
      const copy = Buffer.from(p.bytes);
      structuredClone(p.bytes, { transfer: [p.bytes.buffer as ArrayBuffer] });
      pieces.push(copy);
    }
    expect(Buffer.concat(pieces).equals(bytes)).toBe(true);
  });

  it("yields nothing for an empty input and one piece for a small one", async () => {
    expect(await collect(cutXmlChunks(chunksOf(Buffer.alloc(0), 10)))).toEqual([]);
    const one = await collect(cutXmlChunks(chunksOf(Buffer.from(event(1, 1)), 10)));
    expect(one.map((p) => [p.line, p.continues, p.bytes.length])).toEqual([
      [1, false, event(1, 1).length],
    ]);
  });
});
