import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/input/errors.js";
import { makeTar, makeZip } from "../helpers/archives.js";
import { chunksOf, collect, SHARED } from "../helpers/streams.js";
import { unwrap } from "../helpers/unwrapJoined.js";

async function content(bytes: Buffer, size = 1 << 16) {
  const u = await unwrap(chunksOf(bytes, size), "file:///t");
  const out = Buffer.concat(await collect(u.stream));
  return { wrappers: u.wrappers, text: out.toString("utf8"), bytes: out.length };
}

async function failure(bytes: Buffer, size = 1 << 16): Promise<InputError> {
  const err = await unwrap(chunksOf(bytes, size), "s3://b/k.zip")
    .then((u) => collect(u.stream))
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

const A = '{"EventID":1,"CommandLine":"a é ☃ 😀"}\n{"EventID":2}\n';
const B = '{"EventID":3}'; // no final line break
const C = '{"EventID":4}\n';
const SIZES = [1, 3, 7, 64, 1 << 16];

describe("zip by magic bytes", () => {
  it("reads deflated and stored members as one stream, in any chunking", async () => {
    const zip = makeZip([
      { name: "a.json", data: A },
      { name: "b.json", data: B, method: "store" },
      { name: "c.json", data: C },
    ]);
    for (const size of SIZES) {
      // A line break is put after b.json, whose last line would otherwise run into c.json.
      expect(await content(zip, size), `chunks of ${size}`).toMatchObject({
        wrappers: ["zip"],
        text: `${A}${B}\n${C}`,
      });
    }
  });

  it("reads members written with data descriptors (deflated, stored, ZIP64)", async () => {
    const zip = makeZip([
      { name: "a.json", data: A, descriptor: true },
      { name: "b.json", data: C, descriptor: true, method: "store" },
      { name: "c.json", data: C, descriptor: true, zip64: true },
      { name: "d.json", data: A, zip64: true },
    ]);
    for (const size of SIZES) {
      expect((await content(zip, size)).text, `chunks of ${size}`).toBe(`${A}${C}${C}${A}`);
    }
  });

  it("finds the descriptor by its recorded size, not by the first PK\\x07\\x08 in the data", async () => {
    const tricky = `{"EventID":5,"x":"PK\u0007\u0008PK\u0007\u0008"}\n`;
    const zip = makeZip([
      { name: "a.json", data: tricky, descriptor: true, method: "store" },
      { name: "b.json", data: C },
    ]);
    expect((await content(zip, 5)).text).toBe(tricky + C);
  });

  it("skips directories and empty members, and reads an empty archive as no content", async () => {
    const zip = makeZip([
      { name: "logs/", data: "", method: "store" },
      { name: "logs/empty.json", data: "" },
      { name: "logs/c.json", data: C },
    ]);
    expect(await content(zip)).toMatchObject({ wrappers: ["zip"], text: C });
    expect(await content(makeZip([]))).toMatchObject({ wrappers: ["zip"], text: "" });
  });

  it("skips the macOS metadata archivers add (__MACOSX/, ._name)", async () => {
    const appleDouble = Buffer.concat([
      Buffer.from([0, 5, 0x16, 7, 0, 2, 0, 0]),
      Buffer.from("Mac OS X"),
    ]);
    const zip = makeZip([
      { name: "__MACOSX/._a.json", data: appleDouble },
      { name: "logs/._a.json", data: appleDouble },
      { name: "logs/a.json", data: A },
    ]);
    expect(await content(zip)).toMatchObject({ wrappers: ["zip"], text: A });
    const tar = makeTar([
      { name: "./._b.json", data: appleDouble },
      { name: "./b.json", data: C },
    ]);
    expect((await content(tar)).text).toBe(C);
  });

  it("unwraps each member on its own: gzip and BOM inside a zip", async () => {
    const zip = makeZip([
      { name: "a.json.gz", data: gzipSync(A), method: "store" },
      { name: "b.json", data: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(C)]) },
    ]);
    expect(await content(zip, 7)).toMatchObject({ wrappers: ["zip", "gzip"], text: A + C });
  });

  it("reports encrypted members, unknown methods, CRC mismatches and truncation as InputError", async () => {
    expect((await failure(makeZip([{ name: "a", data: A, flags: 1 }]))).code).toBe(
      "unsupported-zip",
    );
    const lzma = await failure(
      makeZip([{ name: "a", data: A, methodNumber: 14, method: "store" }]),
    );
    expect(lzma.message).toMatch(/compression method 14/);
    const badCrc = await failure(makeZip([{ name: "a.json", data: A, crc: 1 }]), 5);
    expect(badCrc).toMatchObject({ code: "corrupt-zip", uri: "s3://b/k.zip" });
    expect(badCrc.message).toMatch(/a\.json: CRC-32 mismatch/);
    const whole = makeZip([{ name: "a.json", data: A.repeat(50), descriptor: true }]);
    const cut = await failure(whole.subarray(0, 60), 7);
    expect(cut.code).toBe("corrupt-zip");
    const one = makeZip([{ name: "a", data: C, method: "store" }]);
    const garbage = Buffer.concat([one.subarray(0, 30 + 1 + C.length), Buffer.from("nonsense")]);
    expect((await failure(garbage)).code).toBe("corrupt-zip");
  });

  it("lets the reader stop early without reading the rest", async () => {
    const noise = `{"EventID":1,"x":"${randomBytes(100_000).toString("base64")}"}\n`;
    const zip = makeZip([
      { name: "a.json", data: noise },
      { name: "b.json", data: C },
    ]);
    let pulled = 0;
    async function* source() {
      for await (const c of chunksOf(zip, 512)) {
        pulled += c.length;
        yield c;
      }
    }
    const u = await unwrap(source(), "file:///t");
    for await (const _ of u.stream) break;
    expect(pulled).toBeLessThan(zip.length / 2);
  });

  it("decompresses the shared OTRF zips to the bytes of their unzipped .json siblings", async () => {
    const dir = join(SHARED, "data/jsonl/Security-Datasets/datasets/atomic/windows/discovery/host");
    const names = await readdir(dir);
    const pairs = names
      .filter((n) => n.endsWith(".zip"))
      .map(
        (z) =>
          [z, names.find((n) => n.endsWith(".json") && n.startsWith(basename(z, ".zip")))] as const,
      )
      .filter((p): p is readonly [string, string] => p[1] !== undefined);
    expect(pairs.length).toBe(6);
    for (const [zip, json] of pairs) {
      const got = await content(await readFile(join(dir, zip)));
      expect(got.wrappers).toEqual(["zip"]);
      expect(got.text === (await readFile(join(dir, json), "utf8")), zip).toBe(true);
    }
  });
});

describe("tar by the ustar magic at offset 257", () => {
  it("reads regular members, skipping directories and links, in any chunking", async () => {
    const tar = makeTar([
      { name: "logs", type: "5" },
      { name: "logs/a.json", data: A },
      { name: "logs/link", type: "2" },
      { name: "logs/b.json", data: B },
      { name: "logs/c.json", data: C },
    ]);
    for (const size of SIZES) {
      expect(await content(tar, size), `chunks of ${size}`).toMatchObject({
        wrappers: ["tar"],
        text: `${A}${B}\n${C}`,
      });
    }
  });

  it("applies PAX and GNU long names (their blocks are not content)", async () => {
    const long = `${"d/".repeat(80)}x.json`;
    const tar = makeTar([
      { name: long, data: A, longName: "pax" },
      { name: long, data: C, longName: "gnu" },
    ]);
    expect((await content(tar, 100)).text).toBe(A + C);
  });

  it("nests: gzip > tar > zip > gzip", async () => {
    const zip = makeZip([
      { name: "a.json.gz", data: gzipSync(A), method: "store" },
      { name: "c.json", data: C },
    ]);
    const tgz = gzipSync(
      makeTar([
        { name: "inner.zip", data: zip },
        { name: "b.json", data: B },
      ]),
    );
    expect(await content(tgz, 9)).toMatchObject({
      wrappers: ["gzip", "tar", "zip", "gzip"],
      text: `${A}${C}${B}`,
    });
  });

  it("reports a bad header checksum and a truncated member as InputError", async () => {
    const tar = makeTar([{ name: "a.json", data: A.repeat(20) }]);
    const bad = Buffer.from(tar);
    bad[0] = 0x41; // the name changes, the checksum does not
    expect((await failure(bad)).code).toBe("corrupt-tar");
    const cut = await failure(tar.subarray(0, 700), 50);
    expect(cut.message).toMatch(/tar ends inside member a\.json/);
  });

  it("reads the attack_data .tar.gz files as gzip > tar with JSON lines inside", async () => {
    const file = join(
      SHARED,
      "data/xml/attack_data/datasets/attack_techniques/T1136.001/atomic_red_team/attack_data.tar.gz",
    );
    const got = await content(await readFile(file));
    expect(got.wrappers).toEqual(["gzip", "tar"]);
    expect(got.bytes).toBe(15_130_845); // the member's size as `tar tzvf` lists it
    expect(got.text.startsWith("{")).toBe(true);
  });
});
