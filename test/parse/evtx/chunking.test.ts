import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEvtx } from "../../../src/parse/evtx/index.js";
import { chunksAt, parseAll } from "../../helpers/streams.js";
import { EVTX_DIR, parseBytes } from "./evtxFiles.js";

const MULTI = join(
  EVTX_DIR,
  "EVTX-ATTACK-SAMPLES/AutomatedTestingTools/PanacheSysmon_vs_AtomicRedTeam01.evtx",
);
const DIRTY = join(EVTX_DIR, "omerbenamram-evtx/sysmon.evtx");

describe("parseEvtx reads a non-seekable stream in pieces of any size", () => {
  it("7, 4095 and 65537-byte pieces give the events and issues of whole 64 KiB reads", async () => {
    const bytes = await readFile(MULTI);
    const reference = await parseBytes(bytes);
    expect(reference.events).toHaveLength(565);
    for (const size of [7, 4095, 65537]) {
      const got = await parseBytes(bytes, size);
      expect(got.events, `pieces of ${size}`).toEqual(reference.events);
      expect(got.issues).toEqual(reference.issues);
    }
  });

  it("1-byte pieces (first two chunks of a dirty file) and one single piece agree", async () => {
    const bytes = (await readFile(DIRTY)).subarray(0, 4096 + 2 * 65536);
    const reference = await parseBytes(bytes);
    expect(reference.events.length).toBeGreaterThan(40);
    expect((await parseBytes(bytes, 1)).events).toEqual(reference.events);
    expect((await parseBytes(bytes, bytes.length)).events).toEqual(reference.events);
  });

  it("cuts at the header end, a chunk start and inside a record", async () => {
    const bytes = await readFile(MULTI);
    const reference = await parseBytes(bytes);
    const got = await parseAll(
      parseEvtx,
      chunksAt(bytes, [4095, 4096, 4097, 69631, 69632, 70000, 135168 + 600]),
    );
    expect(got.events).toEqual(reference.events);
  });

  it("bytes past a chunk's free-space offset are never read, in place or assembled from pieces", async () => {
    const bytes = Buffer.from(await readFile(MULTI));
    const reference = await parseBytes(bytes);
    let filled = 0;
    for (let at = 4096; at + 65536 <= bytes.length; at += 65536) {
      if (bytes.toString("latin1", at, at + 8) !== "ElfChnk\0") continue;
      const free = bytes.readUInt32LE(at + 48);
      bytes.fill(0x2a, at + free, at + 65536); // "**": record signatures everywhere
      filled += 65536 - free;
    }
    expect(filled).toBeGreaterThan(0);
    for (const size of [65536, 4095, bytes.length]) {
      const got = await parseBytes(bytes, size);
      expect(got.events, `pieces of ${size}`).toEqual(reference.events);
      expect(got.issues).toEqual(reference.issues);
    }
  });
});
