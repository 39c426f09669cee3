import { describe, expect, it } from "vitest";
import type { DirectResult } from "../../src/handler.js";
import { createHarness } from "./support/harness.js";
import { netstatEvents, SAMPLE_FINDINGS, SAMPLE_LOG } from "./support/logs.js";

// Faults are injected by an SDK middleware in front of the real emulators (support/instrument.ts):
// the failed part of a request never reaches fauxqs / dynalite, the rest does.
describe("partial failures and throttling are retried", () => {
  it("SendMessageBatch entries reported Failed are sent again, each message exactly once", async () => {
    const h = await createHarness();
    const o = await h.put("many.log", netstatEvents(25));
    h.faults.sqsFailedEntries = 7;
    const result = (await h.handler(h.s3Event(o))) as DirectResult;
    expect(result.results[0]).toMatchObject({ outcome: "scanned", findings: 25 });
    const { findings, summaries } = await h.messages();
    expect(findings).toHaveLength(25);
    expect(new Set(findings.map((f) => f.finding_id)).size).toBe(25);
    expect(summaries).toHaveLength(1);
    // 3 finding batches (10+10+5) and the summary; the first batch's 7 failed entries need one more call.
    expect(h.counts.sqs.SendMessageBatch).toBe(3 + 1 + 1);
    expect(h.faults.sqsFailedEntries).toBe(0);
  });

  it("entries failing on every attempt fail the invocation, and the retry completes it", async () => {
    const h = await createHarness();
    const o = await h.put("stuck.log", SAMPLE_LOG);
    h.faults.sqsFailedEntries = 1_000;
    await expect(h.handler(h.s3Event(o))).rejects.toThrow(
      /still failing after 5 attempts \(InternalError: injected\)/,
    );
    h.faults.sqsFailedEntries = 0;
    expect(((await h.handler(h.s3Event(o))) as DirectResult).results[0]?.outcome).toBe("scanned");
    expect((await h.messages()).all).toHaveLength(SAMPLE_FINDINGS + 1);
    for (const a of await h.store.listAggregates()) expect(a.count).toBe(1);
  });

  it("BatchWriteItem UnprocessedItems are written on retry", async () => {
    const h = await createHarness();
    const o = await h.put("unprocessed.log", netstatEvents(60));
    h.faults.dynamoUnprocessed = 30;
    const result = (await h.handler(h.s3Event(o))) as DirectResult;
    expect(result.results[0]).toMatchObject({ outcome: "scanned", findings: 60 });
    expect(h.faults.dynamoUnprocessed).toBe(0);
    expect(await h.store.listFindings(h.scanId(o))).toHaveLength(60);
    // 60 items = 3 requests of <= 25; the unprocessed ones needed more.
    expect(h.counts.dynamo.BatchWriteItem).toBeGreaterThan(3);
  });

  it("throttled conditional updates are retried with jitter and still count once", async () => {
    const h = await createHarness();
    const o = await h.put("throttle.log", SAMPLE_LOG);
    h.faults.dynamoThrottled = 3;
    expect(((await h.handler(h.s3Event(o))) as DirectResult).results[0]?.outcome).toBe("scanned");
    expect(h.faults.dynamoThrottled).toBe(0);
    for (const a of await h.store.listAggregates()) expect([a.count, a.objects]).toEqual([1, 1]);
  });
});
