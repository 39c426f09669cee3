import { cp, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DirectResult } from "../../src/handler.js";
import { fileSource } from "../../src/input/fileSource.js";
import { loadMacros, loadRules } from "../../src/rules/loadRules.js";
import { ruleSetOptions, scanSource } from "../../src/scan.js";
import { SHARED } from "../helpers/streams.js";
import { createHarness } from "./support/harness.js";

const SC = join(SHARED, "rules/security_content");
const LOG = join(SHARED, "data/xml/from-evtx/EVTX-ATTACK-SAMPLES_all_sysmon.oneline.xml.log");
/** Join detections with a side that reads every record: filled in a second pass when needed. */
const RULES = [
  "windows_privilege_escalation_suspicious_process_elevation",
  "rundll32_with_no_command_line_arguments_with_network",
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "join-rules-"));
  await mkdir(join(dir, "endpoint"));
  for (const r of RULES)
    await cp(join(SC, "detections/endpoint", `${r}.yml`), join(dir, "endpoint", `${r}.yml`));
  await cp(join(SC, "macros"), join(dir, "macros"), { recursive: true });
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("join detections in the Lambda", () => {
  it("read the object a second time, with the findings of a local scan", async () => {
    const h = await createHarness({ env: { RULES_DIR: dir } });
    const o = await h.put("evidence/attack samples.log", await readFile(LOG));
    h.resetCounts();
    const result = ((await h.handler(h.s3Event(o))) as DirectResult).results[0];
    expect(result).toMatchObject({ outcome: "scanned" });
    // the first pass, then the second for the deferred join sides
    expect(h.counts.s3.GetObject).toBe(2);
    const { findings, summaries } = await h.messages();
    expect(summaries[0]).toMatchObject({ status: "ok", findings: findings.length });
    const set = await loadRules(
      RULES.map((r) => join(dir, "endpoint", `${r}.yml`)),
      await loadMacros([join(dir, "macros")]),
    );
    const local = await scanSource(fileSource(LOG), ruleSetOptions(set));
    const key = (f: { detection: { name: string }; fields: object; count: number }) =>
      JSON.stringify([f.detection.name, f.fields, f.count]);
    expect(findings.map(key).sort()).toEqual(local.findings.map(key).sort());
    expect(new Set(findings.map((f) => f.detection.name))).toEqual(
      new Set([
        "Windows Privilege Escalation Suspicious Process Elevation",
        "Rundll32 with no Command Line Arguments with Network",
      ]),
    );
  });

  it("retry the object when its second read fails on S3 trouble, losing no join finding", async () => {
    const h = await createHarness({ env: { RULES_DIR: dir } });
    const o = await h.put("evidence/second read.log", await readFile(LOG));
    const event = h.sqsEvent({ id: "msg-1", body: h.s3Event(o) });
    h.resetCounts();
    h.faults.getObjectDown = (nth) => nth === 2;
    expect(await h.handler(event)).toEqual({ batchItemFailures: [{ itemIdentifier: "msg-1" }] });
    // nothing written: the retry scans afresh
    expect((await h.messages()).all).toHaveLength(0);
    expect(await h.store.listFindings(h.scanId(o))).toHaveLength(0);
    h.faults.getObjectDown = undefined;
    expect(await h.handler(event)).toEqual({ batchItemFailures: [] });
    const { findings, summaries } = await h.messages();
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ status: "ok", findings: findings.length });
    expect(new Set(findings.map((f) => f.detection.name)).size).toBe(2);
  });
});
