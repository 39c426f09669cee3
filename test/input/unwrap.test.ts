import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/input/errors.js";
import { chunksAt, chunksOf, collect } from "../helpers/streams.js";
import { unwrap } from "../helpers/unwrapJoined.js";

async function content(bytes: Buffer, size = 1 << 16) {
  const u = await unwrap(chunksOf(bytes, size), "file:///t.log");
  const out = Buffer.concat(await collect(u.stream));
  return { wrappers: u.wrappers, text: out.toString("utf8"), head: u.head };
}

const XML = "<Event><System><EventID>1</EventID></System></Event>\n";

describe("unwrap", () => {
  it("passes plain text through untouched", async () => {
    expect(await content(Buffer.from(XML))).toMatchObject({ wrappers: [], text: XML });
  });

  it("detects gzip by magic bytes, in any chunking, including concatenated members", async () => {
    const gz = Buffer.concat([gzipSync(XML), gzipSync(XML)]);
    for (const size of [1, 2, 5, 1 << 16]) {
      expect(await content(gz, size)).toMatchObject({ wrappers: ["gzip"], text: XML + XML });
    }
  });

  it("removes a UTF-8 BOM and decodes UTF-16LE with BOM, also split mid-character", async () => {
    expect(
      await content(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(XML)])),
    ).toMatchObject({
      wrappers: ["utf8-bom"],
      text: XML,
    });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${XML}é`, "utf16le")]);
    expect(await content(utf16, 3)).toMatchObject({ wrappers: ["utf16le"], text: `${XML}é` });
  });

  it("unwraps a JSON string literal of XML, escapes split at every position", async () => {
    const json = Buffer.from(JSON.stringify(`${XML}<Event a="\\q">é\u2603</Event>\n`));
    const expected = `${XML}<Event a="\\q">é\u2603</Event>\n\n`;
    for (let cut = 1; cut < json.length; cut++) {
      const u = await unwrap(chunksAt(json, [cut]), "file:///t.log");
      expect(Buffer.concat(await collect(u.stream)).toString("utf8"), `cut ${cut}`).toBe(expected);
    }
  });

  it("handles gzip of a JSON-string file (nested wrappers)", async () => {
    const r = await content(gzipSync(JSON.stringify(XML)));
    expect(r.wrappers).toEqual(["gzip", "json-string"]);
    expect(r.text.trim()).toBe(XML.trim());
  });

  it("reports a corrupt or truncated gzip as an InputError naming the input", async () => {
    const gz = gzipSync(XML.repeat(1000));
    const truncated = gz.subarray(0, gz.length - 20);
    const garbled = Buffer.from(gz);
    garbled.fill(0x41, 20, 60);
    for (const bad of [truncated, garbled]) {
      // The error may surface while peeking at the content or later while streaming it.
      const err = await unwrap(chunksOf(bad, 64), "s3://b/evidence.gz")
        .then((u) => collect(u.stream))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).code).toBe("corrupt-gzip");
      expect((err as InputError).message).toMatch(
        /^s3:\/\/b\/evidence\.gz: gzip stream is corrupt/,
      );
    }
  });

  it("ends a gzip that fails its CRC check while its feed waits for room with an error, not a hang", async () => {
    // inflates to the end of its first member, whose CRC is wrong; a second member follows, so
    // that the feed has written more than zlib takes at once when the error comes
    const bad = gzipSync(XML.repeat(1000));
    bad.writeUInt32LE(bad.readUInt32LE(bad.length - 8) ^ 1, bad.length - 8);
    const gz = Buffer.concat([bad, gzipSync(randomBytes(1 << 20))]);
    const err = await unwrap(chunksOf(gz, 1 << 16), "s3://b/evidence.gz")
      .then((u) => collect(u.stream))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(InputError);
    expect(err).toMatchObject({ code: "corrupt-gzip", message: /incorrect data check/ });
  }, 5_000);

  it("gives an empty head for zero bytes", async () => {
    expect(await content(Buffer.alloc(0))).toMatchObject({ wrappers: [], text: "" });
  });
});
