import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { fileSource } from "../../../src/input/fileSource.js";
import { selectParser } from "../../../src/parse/selectParser.js";
import { readEvents } from "../../../src/readEvents.js";
import { makeZip } from "../../helpers/archives.js";
import { chunksOf, collect } from "../../helpers/streams.js";
import { unwrap } from "../../helpers/unwrapJoined.js";

async function format(bytes: Buffer): Promise<string> {
  const u = await unwrap(chunksOf(bytes, 5), "file:///x");
  return selectParser(u.head).format;
}

const LINE = '{"EventID":1,"SourceName":"Microsoft-Windows-Sysmon","Image":"a.exe"}\n';

describe("JSON is chosen by content, never by file name", () => {
  it("by the first significant character, or evtx_dump's `Record <n>` line", async () => {
    expect(await format(Buffer.from(LINE))).toBe("json");
    expect(await format(Buffer.from(`\r\n \t[${LINE}]`))).toBe("json");
    expect(await format(Buffer.from(`Record 17\n{\n  "Event": {}\n}`))).toBe("json");
    expect(await format(Buffer.from("Record of events\n<Event/>"))).toBe("xml");
    expect(await format(Buffer.from("<Event><System/></Event>"))).toBe("xml");
  });

  it("after removing wrappers: BOM, UTF-16LE, gzip, zip", async () => {
    expect(await format(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(LINE)]))).toBe(
      "json",
    );
    expect(
      await format(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(LINE, "utf16le")])),
    ).toBe("json");
    expect(await format(gzipSync(LINE))).toBe("json");
    expect(await format(makeZip([{ name: "events.xml", data: LINE }]))).toBe("json");
  });

  it("reads JSON from a file named .xml and XML from a file named .json", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sysmon-hunt-"));
    await writeFile(join(dir, "looks.xml"), LINE);
    await writeFile(
      join(dir, "looks.json"),
      "<Event><System><EventID>4688</EventID></System></Event>\n",
    );
    const json = await readEvents(fileSource(join(dir, "looks.xml")), { onIssue: () => {} });
    expect(json.format).toBe("json");
    expect((await collect(json.events)).map((e) => e.eventId)).toEqual([1]);
    const xml = await readEvents(fileSource(join(dir, "looks.json")), { onIssue: () => {} });
    expect(xml.format).toBe("xml");
    expect((await collect(xml.events)).map((e) => e.eventId)).toEqual([4688]);
  });
});
