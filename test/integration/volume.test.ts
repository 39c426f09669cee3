import { describe, expect, it } from "vitest";
import type { DirectResult } from "../../src/handler.js";
import { createHarness } from "./support/harness.js";
import { netstatEvents } from "./support/logs.js";

describe("10,000 findings from one object", () => {
  it("are sent in full batches and stored with a bounded number of requests", async () => {
    const h = await createHarness();
    const n = 10_000;
    const o = await h.put("load/netstat-10k.log", netstatEvents(n));
    const started = performance.now();
    const result = (await h.handler(h.s3Event(o))) as DirectResult;
    const seconds = (performance.now() - started) / 1000;
    expect(result.results[0]).toMatchObject({ outcome: "scanned", findings: n, status: "ok" });
    // SQS: ceil(10,000 / 10) full batches of findings plus one for the summary.
    expect(h.counts.sqs.SendMessageBatch).toBe(n / 10 + 1);
    expect(await h.queueDepth()).toBe(n + 1);
    // DynamoDB: ceil(10,000 / 25) BatchWriteItem for finding items; one conditional PutItem per
    // new aggregate; UpdateItem only for the scan record (claim, phase "aggregated", completion).
    expect(h.counts.dynamo.BatchWriteItem).toBe(n / 25);
    expect(h.counts.dynamo.PutItem).toBe(n);
    expect(h.counts.dynamo.UpdateItem).toBe(3);
    expect(h.counts.dynamo.GetItem ?? 0).toBe(0);
    expect(h.counts.s3.GetObject).toBe(1);
    console.info(`10,000 findings: ${seconds.toFixed(1)} s in the handler; requests`, h.counts);
  }, 240_000);
});
