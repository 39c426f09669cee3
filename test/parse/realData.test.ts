import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { fileSource } from "../../src/input/fileSource.js";
import { loadMacros, loadRules } from "../../src/rules/loadRules.js";
import { scanSource } from "../../src/scan.js";
import { filesUnder, isLog } from "../helpers/files.js";
import { FIXTURES, SHARED } from "../helpers/streams.js";

const XML_DIR = join(SHARED, "data/xml");
const ROOT = new URL("../../", import.meta.url).pathname;

const expected = JSON.parse(await readFile(join(FIXTURES, "xml-eventid-counts.json"), "utf8")) as {
  files: Record<string, Record<string, number>>;
};
const rules = (
  await loadRules([join(ROOT, "rules")], await loadMacros([join(ROOT, "rules/macros")]))
).rules;
// The *.tar.gz hold nxlog JSON lines (the JSON input's tests read them); LICENSE is not a log.
const xmlFiles = await filesUnder(XML_DIR, isLog);

describe("every XML file in ../shared/data/xml", () => {
  it("is covered by the independently made counts", () => {
    expect(xmlFiles.map((f) => relative(XML_DIR, f)).sort()).toEqual(
      Object.keys(expected.files).sort(),
    );
  });

  for (const file of xmlFiles) {
    const name = relative(XML_DIR, file);
    it(`${name}: events per EventID as counted by regex, no parse errors, no seed finding`, async () => {
      const { summary, findings } = await scanSource(fileSource(file), { rules });
      expect(summary.status).toBe("ok");
      const byId: Record<string, number> = {};
      for (const [type, n] of Object.entries(summary.eventsByType)) {
        const id = type.split(" ").pop() as string;
        byId[id] = (byId[id] ?? 0) + n;
      }
      expect(byId).toEqual(expected.files[name]);
      expect(summary.issues.errors).toEqual({});
      expect(findings).toEqual([]);
    });
  }
});

describe("known near misses in the real data", () => {
  it("the real `NETSTAT.EXE  -na` event is parsed, normalised, and does not match `*-a*`", async () => {
    const file = join(XML_DIR, "from-evtx/powercat_revShell_sysmon_1_3.oneline.xml.log");
    const { summary, findings } = await scanSource(fileSource(file), {
      rules,
      interest: { eventIds: new Set([1]) },
    });
    expect(summary.processRecords).toBe(5);
    expect(findings).toEqual([]);
    const text = await readFile(file, "utf8");
    expect(text).toContain('"C:\\Windows\\system32\\NETSTAT.EXE"  -na');
  });
});
