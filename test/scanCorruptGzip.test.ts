import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { loadMacros, loadRules } from "../src/rules/loadRules.js";
import type { CompiledRule } from "../src/rules/types.js";
import { scanSource } from "../src/scan.js";
import { memory, SHARED } from "./helpers/streams.js";

const ROOT = new URL("../", import.meta.url).pathname;
let rules: readonly CompiledRule[];
/** The netstat hunt's positive events, the shared attack samples, the positive events again. */
let text: Buffer;

beforeAll(async () => {
  rules = (await loadRules([join(ROOT, "rules")], await loadMacros([join(ROOT, "rules/macros")])))
    .rules;
  const positive = await readFile(
    join(ROOT, "rules/tests/network_connection_discovery_with_netstat/positive.log"),
  );
  const samples = await readFile(
    join(SHARED, "data/xml/from-evtx/EVTX-ATTACK-SAMPLES_all_sysmon.oneline.xml.log"),
  );
  text = Buffer.concat([positive, samples, positive]);
});

describe("scanSource on a gzip that inflates but fails its CRC check", () => {
  // what an S3 object's body does in the Lambda: a hang there is a timeout and endless retries
  it("ends with status error (corrupt-gzip), keeping the findings of what was read", async () => {
    const gz = gzipSync(text);
    gz.fill(0, gz.length >> 1, (gz.length >> 1) + 8);
    const { findings, summary } = await scanSource(memory(gz, "s3://b/evidence.log.gz"), {
      rules,
    });
    expect(summary).toMatchObject({
      status: "error",
      error: { code: "corrupt-gzip", message: /incorrect data check/ },
    });
    expect(summary.events).toBeGreaterThan(0);
    expect(findings.length).toBeGreaterThan(0);
  }, 10_000);
});
