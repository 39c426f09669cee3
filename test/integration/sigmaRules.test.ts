import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DirectResult } from "../../src/handler.js";
import { createHarness } from "./support/harness.js";
import { SAMPLE_FINDINGS, SAMPLE_LOG } from "./support/logs.js";

// The sample log has one whoami.exe process creation (and none of rundll32.exe).
const WHOAMI = `title: Whoami Run
id: 55555555-5555-5555-5555-555555555555
level: medium
tags: [attack.discovery, attack.t1033]
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    condition: selection
`;
const RUNDLL = WHOAMI.replace("Whoami Run", "Rundll32 Run")
  .replace("55555555-5555-5555-5555-555555555555", "66666666-6666-6666-6666-666666666666")
  .replace("whoami.exe", "rundll32.exe");

let mixed: string;
let sigmaOnly: string;

beforeAll(async () => {
  mixed = await mkdtemp(join(tmpdir(), "sigma-rules-"));
  await cp(new URL("../../rules/endpoint", import.meta.url), join(mixed, "endpoint"), {
    recursive: true,
  });
  await writeFile(join(mixed, "whoami.yml"), WHOAMI);
  await writeFile(join(mixed, "rundll32.yml"), RUNDLL);
  sigmaOnly = await mkdtemp(join(tmpdir(), "sigma-only-"));
  await writeFile(join(sigmaOnly, "whoami.yml"), WHOAMI);
});

afterAll(async () => {
  for (const dir of [mixed, sigmaOnly]) if (dir) await rm(dir, { recursive: true, force: true });
});

describe("Sigma rules in RULES_DIR run in the Lambda", () => {
  it("beside security_content rules: the Sigma finding reaches SQS and DynamoDB", async () => {
    const h = await createHarness({ env: { RULES_DIR: mixed } });
    const o = await h.put("sigma.log", SAMPLE_LOG);
    expect(((await h.handler(h.s3Event(o))) as DirectResult).results[0]).toMatchObject({
      outcome: "scanned",
      findings: SAMPLE_FINDINGS + 1,
    });
    const { findings, summaries } = await h.messages();
    expect(summaries[0]).toMatchObject({ findings: SAMPLE_FINDINGS + 1 });
    const sigma = findings.filter((f) => f.detection.type === "Sigma");
    expect(sigma.map((f) => [f.detection.name, f.fields.process_name, f.count])).toEqual([
      ["Whoami Run", "whoami.exe", 1],
    ]);
    expect(sigma[0]?.detection.mitre_attack_id).toEqual(["T1033"]);
    expect(findings.filter((f) => f.detection.type !== "Sigma")).toHaveLength(SAMPLE_FINDINGS);
    const stored = await h.store.listFindings(h.scanId(o));
    expect(stored.map((f) => f.finding_id).sort()).toEqual(
      findings.map((f) => f.finding_id).sort(),
    );
    const aggregates = await h.store.listAggregates();
    expect(aggregates).toHaveLength(SAMPLE_FINDINGS + 1);
    expect(aggregates.filter((a) => a.detection.name === "Whoami Run")).toEqual([
      expect.objectContaining({ count: 1, objects: 1 }),
    ]);
  });

  it("a RULES_DIR of Sigma rules only is a usable rule set", async () => {
    const h = await createHarness({ env: { RULES_DIR: sigmaOnly } });
    const o = await h.put("sigma-only.log", SAMPLE_LOG);
    expect(((await h.handler(h.s3Event(o))) as DirectResult).results[0]).toMatchObject({
      outcome: "scanned",
      findings: 1,
    });
    const { findings } = await h.messages();
    expect(findings.map((f) => [f.detection.name, f.fields.dest])).toEqual([
      ["Whoami Run", expect.any(String)],
    ]);
  });
});
