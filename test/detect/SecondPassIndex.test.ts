import { describe, expect, it } from "vitest";
import { anyOf, SecondPassIndex } from "../../src/detect/SecondPassIndex.js";
import { DATAMODEL } from "../../src/model/datamodels.js";
import type { CimRecord } from "../../src/model/types.js";
import type { EventPosition } from "../../src/parse/types.js";
import { keyHash } from "../../src/rules/spl/eval/index.js";

function record(guid: string, dest: string, position: EventPosition): CimRecord {
  return {
    datamodel: DATAMODEL.processes,
    fields: { process_guid: guid, dest },
    time: 0,
    position,
  };
}

/** Two key shapes: by GUID, and by host and GUID. */
const KEYS = [
  (r: CimRecord) => keyHash(JSON.stringify([r.fields.process_guid])),
  (r: CimRecord) => keyHash(JSON.stringify([r.fields.dest, r.fields.process_guid])),
];

/** The hashes of join keys given by their parts. */
const hashes = (...keys: string[][]) => new Set(keys.map((k) => keyHash(JSON.stringify(k))));

describe("SecondPassIndex", () => {
  it("wants the positions of the records one of whose keys is wanted, part by part", () => {
    const index = new SecondPassIndex(KEYS);
    index.note(record("{A}", "h1", { line: 1 }));
    index.note(record("{B}", "h1", { line: 2 }));
    index.note(record("{C}", "h2", { line: 3 }));
    // an archive's second member starts its lines again
    index.note(record("{B}", "h9", { line: 1, member: "b.log", part: 2 }));
    index.note(record("{D}", "h2", { line: 7, member: "b.log", part: 2 }));
    const wanted = index.select([hashes(["{B}"]), hashes(["h2", "{C}"])]);
    expect(wanted).toBeDefined();
    const plain = wanted;
    const member = (p: EventPosition) => wanted?.({ ...p, member: "b.log", part: 2 });
    expect([1, 2, 3, 4].map((line) => plain?.({ line }))).toEqual([false, true, true, false]);
    expect([1, 2, 3, 7].map((line) => member({ line }))).toEqual([true, false, false, false]);
    // another part has the same lines: none of them is wanted there
    expect(wanted?.({ line: 2, member: "a.log", part: 1 })).toBe(false);
  });

  it("falls back to the record number, and always reads an event with neither", () => {
    const index = new SecondPassIndex(KEYS);
    index.note(record("{A}", "h", { record: 41 }));
    index.note(record("{B}", "h", { record: 42 }));
    const at = index.select([hashes(["{B}"])]);
    expect(at?.({ record: 41 })).toBe(false);
    expect(at?.({ record: 42 })).toBe(true);
    expect(at?.({})).toBe(true);
  });

  it("positions of several datasets: wanted by any; everything when one index gave up", () => {
    const a = new SecondPassIndex(KEYS);
    a.note(record("{A}", "h", { line: 1 }));
    const b = new SecondPassIndex(KEYS);
    b.note(record("{B}", "h", { line: 2 }));
    const either = anyOf([a.select([hashes(["{A}"])]), b.select([hashes(["{B}"])])]);
    expect([1, 2, 3].map((line) => either?.({ line }))).toEqual([true, true, false]);
    expect(anyOf([a.select([hashes(["{A}"])]), undefined])).toBeUndefined();
  });

  it("a shape with no wanted key wants nothing", () => {
    const index = new SecondPassIndex(KEYS);
    index.note(record("{A}", "h", { line: 1 }));
    expect(index.select([])?.({ line: 1 })).toBe(false);
  });

  it("gives up past its size, so that its memory stays flat: then everything is read", () => {
    // 16 bytes a record (a position, two key hashes)
    const index = new SecondPassIndex(KEYS, 3000 * 16 + 15);
    for (let line = 1; line <= 3000; line++) index.note(record(`{${line}}`, "h", { line }));
    expect(index.select([hashes(["{5}"])])?.({ line: 6 })).toBe(false);
    index.note(record("{x}", "h", { line: 3001 }));
    expect(index.select([hashes(["{5}"])])).toBeUndefined();
  });

  it("absorbs what other indexes noted (in another thread), within its bound", () => {
    const a = new SecondPassIndex(KEYS);
    const b = new SecondPassIndex(KEYS);
    a.note(record("{A}", "h1", { line: 1 }));
    b.note(record("{B}", "h1", { line: 2 }));
    for (let line = 3; line < 2000; line++) b.note(record(`{X${line}}`, "h3", { line }));
    a.absorb(structuredClone(b.state()));
    const wanted = a.select([hashes(["{B}"], ["{X1500}"]), hashes(["h1", "{A}"])]);
    expect([1, 2, 3, 1500, 1999].map((line) => wanted?.({ line }))).toEqual([
      true,
      true,
      false,
      true,
      false,
    ]);
    // past the bound the merged index gives up, as one index noting every record would
    const small = new SecondPassIndex(KEYS, 16 * 10);
    small.note(record("{A}", "h1", { line: 1 }));
    const other = new SecondPassIndex(KEYS, 16 * 10);
    for (let line = 2; line < 11; line++) other.note(record("{B}", "h1", { line }));
    small.absorb(other.state());
    expect(small.select([hashes(["{A}"])])).toBeDefined();
    small.absorb(other.state());
    expect(small.select([hashes(["{A}"])])).toBeUndefined();
  });
});
