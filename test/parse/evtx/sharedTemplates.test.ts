import { describe, expect, it } from "vitest";
import { Chunk } from "../../../src/parse/evtx/Chunk.js";
import { sharedTemplate } from "../../../src/parse/evtx/sharedTemplates.js";

/** Where the name and the template definition referencing it lie in the test chunk. */
const AT = { name: 600, definition: 700 } as const;

/**
 * A chunk holding the name `name` and, after it, a template definition (GUID of `guidByte`s)
 * whose one element refers to that name: a reference outside the definition.
 */
function chunkNaming(name: string, guidByte: number): Chunk {
  const buf = Buffer.alloc(1024);
  buf.writeUInt16LE(name.length, AT.name + 6);
  buf.write(name, AT.name + 8, "utf16le");
  const ref = Buffer.alloc(4);
  ref.writeUInt32LE(AT.name);
  // Fragment header; element start (dependency id, size, name reference); empty end; end of stream.
  const body = Buffer.from([0x0f, 1, 1, 0, 0x01, 0xff, 0xff, 0, 0, 0, 0, ...ref, 0x03, 0x00]);
  buf.fill(guidByte, AT.definition + 4, AT.definition + 20);
  buf.writeUInt32LE(body.length, AT.definition + 20);
  body.copy(buf, AT.definition + 24);
  return new Chunk(buf);
}

describe("sharedTemplate reuses a definition only with the same names", () => {
  it("same bytes at the same offset, other name outside the definition: not reused", () => {
    const first = sharedTemplate(chunkNaming("Xyzzy", 0x5a), AT.definition);
    // Matched again, the second time by its bytes at this offset.
    expect(sharedTemplate(chunkNaming("Xyzzy", 0x5a), AT.definition)).toBe(first);
    expect(sharedTemplate(chunkNaming("Xyzzy", 0x5a), AT.definition)).toBe(first);
    const other = sharedTemplate(chunkNaming("Plugh", 0x5a), AT.definition);
    expect(other).not.toBe(first);
    expect(sharedTemplate(chunkNaming("Plugh", 0x5a), AT.definition)).toBe(other);
    expect(sharedTemplate(chunkNaming("Xyzzy", 0x5a), AT.definition)).toBe(first);
  });

  it("a name of another length is another template", () => {
    const first = sharedTemplate(chunkNaming("Data", 0x6b), AT.definition);
    expect(sharedTemplate(chunkNaming("DataX", 0x6b), AT.definition)).not.toBe(first);
  });
});
