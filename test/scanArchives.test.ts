import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { Finding } from "../src/detect/types.js";
import { readEvents } from "../src/readEvents.js";
import { compileSigmaText } from "../src/rules/sigma/loadSigmaRules.js";
import type { SigmaRule } from "../src/rules/sigma/types.js";
import { scanSource } from "../src/scan.js";
import { makeTar, makeZip } from "./helpers/archives.js";
import { memory, SHARED } from "./helpers/streams.js";

const EVTX_DIR = join(SHARED, "data/evtx");
const COUNTS = JSON.parse(
  await readFile(new URL("./fixtures/evtx-record-counts.json", import.meta.url), "utf8"),
) as { files: Record<string, { records: number }> };
const SAMPLES = "EVTX-ATTACK-SAMPLES";
/** Three real files: Sysmon 1/10-13, Sysmon 1/3/5/6, Sysmon 1/7/8/11; rundll32.exe runs in the first (5 times). */
const FILES = [
  `${SAMPLES}/AutomatedTestingTools/Malware/rundll32_cmd_schtask.evtx`,
  `${SAMPLES}/Command and Control/DE_sysmon-3-rdp-tun.evtx`,
  `${SAMPLES}/AutomatedTestingTools/Malware/sideloading_uacbypass_rundll32_injection_c2.evtx`,
] as const;
const recordsOf = (rel: string) => COUNTS.files[rel]?.records ?? Number.NaN;
const memberName = (rel: string) => rel.split("/").at(-1) as string;
const SAMPLE_LOG = new URL("../events/logs/sample-sysmon.log", import.meta.url);

const RUNDLL32 = `title: Rundll32 Run
id: 77777777-7777-7777-7777-777777777777
level: medium
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\rundll32.exe'
    condition: selection
`;
const sigmaRules = (text: string): SigmaRule[] =>
  compileSigmaText(text, "rule.yml").flatMap((l) => (l.status === "ok" ? [l.rule] : []));

/** Findings as comparable text: rule, by-values, count, member and record span. */
function summarise(findings: readonly Finding[], member?: string): string[] {
  return findings
    .map((f) =>
      JSON.stringify([
        f.detection.name,
        f.fields,
        f.count,
        member ?? f.source.first_member,
        f.source.first_record,
        f.source.last_record,
      ]),
    )
    .sort();
}

async function members(files: readonly string[]) {
  return Promise.all(
    files.map(async (rel) => ({
      name: memberName(rel),
      data: await readFile(join(EVTX_DIR, rel)),
    })),
  );
}

describe("archives of several EVTX files: every member parsed on its own", () => {
  it("a zip of three .evtx files yields every record of each, in any read size", async () => {
    const zip = makeZip(await members(FILES));
    const expected = FILES.reduce((n, f) => n + recordsOf(f), 0);
    const alone: string[] = [];
    for (const rel of FILES) {
      const bytes = await readFile(join(EVTX_DIR, rel));
      const one = await scanSource(memory(bytes, "file:///one.evtx"), {
        rules: [],
        sigmaRules: sigmaRules(RUNDLL32),
      });
      expect(one.summary.events).toBe(recordsOf(rel));
      alone.push(...summarise(one.findings, memberName(rel)));
    }
    alone.sort();
    expect(expected).toBe(50 + 73 + 18);
    for (const piece of [1 << 16, 7777]) {
      const { summary, findings } = await scanSource(memory(zip, "file:///e.zip", piece), {
        rules: [],
        sigmaRules: sigmaRules(RUNDLL32),
      });
      expect(summary, `pieces of ${piece}`).toMatchObject({
        status: "ok",
        format: "evtx",
        wrappers: ["zip"],
        events: expected,
        issues: { errorCount: 0 },
      });
      // The same findings as each file scanned alone, each naming the member its records are in.
      const spans = findings.map((f) => [f.source.first_member, f.source.last_member, f.count]);
      expect(spans.map((s) => s[0])).toEqual(spans.map((s) => s[1]));
      expect(summarise(findings)).toEqual(alone);
      expect(alone.length).toBeGreaterThanOrEqual(5);
      for (const f of findings) expect(f.source.first_record).toBeGreaterThan(0);
    }
  });

  it("a tar.gz of two .evtx files: counts equal the sum, events numbered per member", async () => {
    const two = [FILES[1], FILES[2]];
    const tgz = gzipSync(makeTar(await members(two)));
    const { summary } = await scanSource(memory(tgz, "file:///e.tgz"), { rules: [] });
    expect(summary).toMatchObject({
      status: "ok",
      format: "evtx",
      wrappers: ["gzip", "tar"],
      events: recordsOf(FILES[1]) + recordsOf(FILES[2]),
      issues: { errorCount: 0 },
    });
    const read = await readEvents(memory(tgz, "file:///e.tgz", 5000), { onIssue: () => {} });
    const seen = new Map<string, number>();
    for await (const e of read.events) {
      const m = e.position.member ?? "none";
      seen.set(m, (seen.get(m) ?? 0) + 1);
      expect(e.position.part).toBe(m === memberName(FILES[1]) ? 1 : 2);
    }
    expect(Object.fromEntries(seen)).toEqual({
      [memberName(FILES[1])]: recordsOf(FILES[1]),
      [memberName(FILES[2])]: recordsOf(FILES[2]),
    });
  });

  it("a tar of one .evtx file and one XML log: each gets its own parser", async () => {
    const tar = makeTar([
      { name: "logs/a.evtx", data: await readFile(join(EVTX_DIR, FILES[0])) },
      { name: "logs/sample-sysmon.log", data: await readFile(SAMPLE_LOG) },
    ]);
    const whoami = RUNDLL32.replace("Rundll32 Run", "Whoami Run")
      .replace("rundll32.exe", "whoami.exe")
      .replace(/7{8}/, "88888888");
    const { summary, findings } = await scanSource(memory(tar, "file:///mixed.tar", 3000), {
      rules: [],
      sigmaRules: sigmaRules(`${RUNDLL32}---\n${whoami}`),
    });
    expect(summary).toMatchObject({
      status: "ok",
      format: "evtx+xml",
      wrappers: ["tar"],
      events: recordsOf(FILES[0]) + 17,
      issues: { errorCount: 0 },
    });
    const w = findings.find((f) => f.detection.name === "Whoami Run");
    expect(w?.source).toMatchObject({
      uri: "file:///mixed.tar",
      first_member: "logs/sample-sysmon.log",
      last_member: "logs/sample-sysmon.log",
      first_line: expect.any(Number),
    });
    const r = findings.filter((f) => f.detection.name === "Rundll32 Run");
    expect(r.reduce((n, f) => n + f.count, 0)).toBe(5);
    expect(r.every((f) => f.source.first_member === "logs/a.evtx")).toBe(true);
    expect(r.every((f) => f.source.first_record !== undefined)).toBe(true);
  });

  it("a member of unknown binary format is reported and skipped; the others are read", async () => {
    const zip = makeZip([
      { name: "picture.png", data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3]) },
      { name: "b.evtx", data: await readFile(join(EVTX_DIR, FILES[2])) },
    ]);
    const { summary } = await scanSource(memory(zip, "s3://b/k.zip"), { rules: [] });
    expect(summary).toMatchObject({
      status: "ok",
      format: "evtx",
      events: recordsOf(FILES[2]),
      issues: { errorCount: 1, errors: { "unknown-member-format": 1 } },
    });
    expect(summary.issues.samples[0]?.message).toMatch(/^picture\.png: not a Windows event log/);
  });

  it("a plain input of unknown format still ends the scan with an error naming it", async () => {
    const { summary } = await scanSource(memory(Buffer.from([0x89, 0, 1, 2]), "file:///x.bin"), {
      rules: [],
    });
    expect(summary).toMatchObject({ status: "error", error: { code: "unknown-format" } });
    expect(summary.error?.message).toMatch(/^file:\/\/\/x\.bin: /);
  });
});
