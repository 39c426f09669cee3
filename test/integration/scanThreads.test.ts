import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/detect/types.js";
import type { DirectResult } from "../../src/handler.js";
import { createHarness } from "./support/harness.js";
import { SAMPLE_LOG } from "./support/logs.js";

const BIG = readFileSync(
  new URL(
    "../../../shared/data/xml/from-evtx/EVTX-ATTACK-SAMPLES_all_sysmon.oneline.xml.log",
    import.meta.url,
  ),
);
/** ~5 MB: two 4 MiB pieces, the sample's findings last. */
const OBJECT = Buffer.concat([BIG, SAMPLE_LOG]);

/** A finding without what names the harness's own bucket. */
function portable(f: Finding): unknown {
  const { finding_id: _id, source, ...rest } = f;
  const { uri: _uri, ...span } = source;
  return { ...rest, span };
}

async function scanWith(scanThreads: string, body: Buffer) {
  const h = await createHarness({ env: { SCAN_THREADS: scanThreads } });
  const o = await h.put("evidence/big.log", body);
  const result = (await h.handler(h.s3Event(o))) as DirectResult;
  const { findings, summaries } = await h.messages();
  // less what names the harness's bucket or the moment
  const summary: Record<string, unknown> = { ...summaries[0] };
  for (const k of ["scan_id", "scanned_at", "uri", "bucket", "duration_ms"]) delete summary[k];
  return { outcome: result.results[0], findings: findings.map(portable), summary };
}

describe("SCAN_THREADS: an XML object's records split over worker threads", () => {
  it("gives the findings and summary of a scan in the handler's thread, plain and gzipped", async () => {
    for (const body of [OBJECT, gzipSync(OBJECT)]) {
      const one = await scanWith("0", body);
      const two = await scanWith("2", body);
      expect(one.outcome).toMatchObject({ outcome: "scanned", status: "ok" });
      expect(one.findings.length).toBeGreaterThanOrEqual(3);
      expect(two.outcome).toEqual({
        ...one.outcome,
        uri: two.outcome?.uri,
        scanId: two.outcome?.scanId,
      });
      expect(two.findings).toEqual(one.findings);
      expect(two.summary).toEqual(one.summary);
    }
  }, 120_000);
});
