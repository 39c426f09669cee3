import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { WinEvent } from "../../../src/parse/types.js";
import { EVTX_DIR, parseBytes } from "./evtxFiles.js";

/** 15 full chunks, 565 records, then two zero chunks. */
const FILE = join(
  EVTX_DIR,
  "EVTX-ATTACK-SAMPLES/AutomatedTestingTools/PanacheSysmon_vs_AtomicRedTeam01.evtx",
);
const chunkAt = (n: number): number => 4096 + n * 65536;

const original = await readFile(FILE);
const reference = await parseBytes(original);

/** The reference events whose records lie in chunk `n` (by position in the file). */
async function eventsOfChunk(n: number): Promise<WinEvent[]> {
  const alone = Buffer.concat([
    original.subarray(0, 4096),
    original.subarray(chunkAt(n), chunkAt(n + 1)),
  ]);
  return (await parseBytes(alone)).events;
}

function flip(b: Buffer, at: number, mask: number): void {
  b[at] = (b[at] as number) ^ mask;
}

function withBytes(edit: (b: Buffer) => void): Buffer {
  const copy = Buffer.from(original);
  edit(copy);
  return copy;
}

const codes = (issues: { code: string; severity: string }[]) =>
  issues.map((i) => `${i.code}/${i.severity}`);

describe("parseEvtx on damaged files: reports, skips the damage, reads the rest", () => {
  it("the undamaged file: 565 events, no issues", () => {
    expect(reference.events).toHaveLength(565);
    expect(reference.issues).toEqual([]);
  });

  it("a flipped byte in a chunk header field: one checksum warning, every event still read", async () => {
    const { events, issues } = await parseBytes(withBytes((b) => flip(b, chunkAt(3) + 8, 0x01)));
    expect(codes(issues)).toEqual(["chunk-crc-mismatch/error"]);
    expect(issues[0]?.offset).toBe(3);
    expect(events).toEqual(reference.events);
  });

  it("a flipped byte in the file header: one warning, every event still read", async () => {
    const { events, issues } = await parseBytes(withBytes((b) => flip(b, 16, 0x40)));
    expect(codes(issues)).toEqual(["header-crc-mismatch/error"]);
    expect(events).toEqual(reference.events);
  });

  it("a destroyed chunk signature: that chunk skipped and counted, all other chunks read", async () => {
    const lost = await eventsOfChunk(2);
    expect(lost.length).toBeGreaterThan(0);
    const { events, issues } = await parseBytes(
      withBytes((b) => b.write("XXXXXXXX", chunkAt(2), "latin1")),
    );
    expect(codes(issues)).toEqual(["bad-chunk-magic/error"]);
    const lostIds = new Set(lost.map((e) => e.position.record));
    expect(events).toEqual(reference.events.filter((e) => !lostIds.has(e.position.record)));
    expect(events).toHaveLength(565 - lost.length);
  });

  it("a broken record signature: that record reported, the chunk's other records and all other chunks read", async () => {
    const inChunk = await eventsOfChunk(5);
    const { events, issues } = await parseBytes(withBytes((b) => flip(b, chunkAt(5) + 512, 0xff)));
    expect(codes(issues)).toEqual(["chunk-crc-mismatch/error", "corrupt-record/error"]);
    expect(issues[1]?.message).toMatch(
      /chunk 5: no valid record at chunk offset 512; skipped \d+ bytes/,
    );
    const first = inChunk[0]?.position.record;
    expect(events).toEqual(reference.events.filter((e) => e.position.record !== first));
  });

  it("a bad token inside a record's BinXml: that record reported by its id, the rest read", async () => {
    const inChunk = await eventsOfChunk(7);
    const first = inChunk[0]?.position.record;
    // Record body: fragment header (4 bytes), then the template instance token, made unknown here.
    const { events, issues } = await parseBytes(
      withBytes((b) => (b[chunkAt(7) + 512 + 24 + 4] = 0x3f)),
    );
    expect(codes(issues)).toEqual(["chunk-crc-mismatch/error", "corrupt-record/error"]);
    expect(issues[1]?.message).toContain("unknown BinXml token 0x3f");
    expect(events).toHaveLength(564);
    expect(events.map((e) => e.position.record)).not.toContain(first);
  });

  it("a file cut inside chunk 4: the whole records before the cut, then truncation issues", async () => {
    const cut = original.subarray(0, chunkAt(4) + 20000);
    const { events, issues } = await parseBytes(cut, 4096);
    expect(codes(issues)).toEqual(["truncated-chunk/error", "truncated-file/error"]);
    const before = (await Promise.all([0, 1, 2, 3].map(eventsOfChunk))).flat().length;
    expect(events.length).toBeGreaterThan(before);
    expect(events).toEqual(reference.events.slice(0, events.length));
  });

  it("a file cut inside a chunk header yields the chunks before it", async () => {
    const { events, issues } = await parseBytes(original.subarray(0, chunkAt(1) + 100));
    expect(codes(issues)).toEqual(["truncated-chunk/error", "truncated-file/error"]);
    expect(events).toEqual(await eventsOfChunk(0));
  });

  it("zero bytes, a cut header and a header alone: no events, one issue each, no throw", async () => {
    for (const [bytes, code] of [
      [Buffer.alloc(0), "truncated-file/error"],
      [original.subarray(0, 100), "truncated-file/error"],
      [original.subarray(0, 4096), "truncated-file/error"],
    ] as const) {
      const { events, issues } = await parseBytes(bytes);
      expect(events).toEqual([]);
      expect(codes(issues)).toEqual([code]);
    }
  });

  it("random damage never throws and leaves most events readable", async () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 8; round++) {
      const damaged = withBytes((b) => {
        for (let i = 0; i < 40; i++) b[4096 + rand(15 * 65536)] = rand(256);
      });
      const { events, issues } = await parseBytes(damaged);
      expect(issues.length).toBeGreaterThan(0);
      expect(events.length).toBeGreaterThan(400);
      for (const e of events) expect(typeof e.eventId).toBe("number");
    }
  });
});
