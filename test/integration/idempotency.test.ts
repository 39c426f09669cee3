import { describe, expect, it } from "vitest";
import type { DirectResult } from "../../src/handler.js";
import { ScanInProgressError } from "../../src/sinks/errors.js";
import { TABLE_LAYOUT } from "../../src/sinks/tableLayout.js";
import { createHarness } from "./support/harness.js";
import { netstatEvents, SAMPLE_FINDINGS, SAMPLE_LOG } from "./support/logs.js";

describe("idempotency with conditional writes (dynalite)", () => {
  it("a redelivered S3 event changes nothing: no double count, no second set of messages", async () => {
    const h = await createHarness();
    const o = await h.put("day1.log", SAMPLE_LOG);
    const event = h.s3Event(o);
    expect(((await h.handler(event)) as DirectResult).results[0]?.outcome).toBe("scanned");
    const before = await h.store.listAggregates();
    h.resetCounts();
    // The same notification again, directly and through SQS (both are at-least-once).
    expect(((await h.handler(event)) as DirectResult).results[0]).toMatchObject({
      outcome: "duplicate",
      status: "done",
    });
    expect(await h.handler(h.sqsEvent({ id: "again", body: event }))).toEqual({
      batchItemFailures: [],
    });
    expect(await h.store.listAggregates()).toEqual(before);
    expect(before.every((a) => a.count === 1 && a.objects === 1)).toBe(true);
    expect((await h.messages()).all).toHaveLength(SAMPLE_FINDINGS + 1);
    // Recognised from the scan record alone: the object is not even read again.
    expect(h.counts.s3.GetObject ?? 0).toBe(0);
    expect(h.counts.sqs.SendMessageBatch ?? 0).toBe(0);
    expect(h.metrics.emitted.at(-1)).toMatchObject({ DuplicateDeliveries: 1 });
  });

  it("a new upload under the same key (new eTag) is a new scan that counts again", async () => {
    const h = await createHarness();
    const first = await h.put("rolling.log", SAMPLE_LOG);
    await h.handler(h.s3Event(first));
    const second = await h.put("rolling.log", Buffer.concat([SAMPLE_LOG, Buffer.from("\n")]));
    expect(second.eTag).not.toBe(first.eTag);
    expect(((await h.handler(h.s3Event(second))) as DirectResult).results[0]).toMatchObject({
      outcome: "scanned",
      scanId: h.scanId(second),
    });
    expect(h.scanId(second)).not.toBe(h.scanId(first));
    // The bucket is unversioned: the eTag tells the two contents' findings apart.
    const { findings, summaries } = await h.messages();
    expect(summaries).toHaveLength(2);
    const ids = (etag: string) =>
      findings.filter((f) => f.source.etag === etag).map((f) => f.finding_id);
    expect(findings.every((f) => f.source.version_id === undefined)).toBe(true);
    expect(ids(first.eTag)).toHaveLength(SAMPLE_FINDINGS);
    expect(ids(second.eTag)).toHaveLength(SAMPLE_FINDINGS);
    expect(new Set([...ids(first.eTag), ...ids(second.eTag)]).size).toBe(2 * SAMPLE_FINDINGS);
    const stored = await h.store.listFindings(h.scanId(second));
    expect(stored.map((f) => f.finding_id).sort()).toEqual(ids(second.eTag).sort());
    const aggs = await h.store.listAggregates();
    expect(aggs.map((a) => [a.count, a.objects])).toEqual([
      [2, 2],
      [2, 2],
      [2, 2],
    ]);
  });

  it("objects racing on the same aggregates are all counted (ADD, not read-modify-write)", async () => {
    const h = await createHarness();
    const objects = await Promise.all(
      Array.from({ length: 6 }, (_, i) => h.put(`host-${i}.log`, SAMPLE_LOG)),
    );
    const results = await Promise.all(objects.map((o) => h.handler(h.s3Event(o))));
    expect(results.map((r) => (r as DirectResult).results[0]?.outcome)).toEqual(
      Array(6).fill("scanned"),
    );
    const aggs = await h.store.listAggregates();
    expect(aggs).toHaveLength(SAMPLE_FINDINGS);
    for (const a of aggs) expect([a.count, a.objects]).toEqual([6, 6]);
    // Each scanned object's events add to the count: 4 events in one object count 4.
    const four = await h.put(
      "four.log",
      netstatEvents(4, { firstPid: 1, host: "h", user: "u" }).replace(
        /ProcessId'>\d+/g,
        "ProcessId'>7",
      ),
    );
    await h.handler(h.s3Event(four));
    const agg = (await h.store.listAggregates()).find((a) => a.fields.dest === "h");
    expect(agg).toMatchObject({
      count: 4,
      objects: 1,
      firstTime: "2026-04-14T00:00:00.000Z",
      lastTime: "2026-04-14T00:00:03.000Z",
    });
  });

  it("the time range of an aggregate widens with every object, in any order", async () => {
    const h = await createHarness();
    const late = await h.put(
      "late.log",
      netstatEvents(1, { firstPid: 9, start: new Date("2026-05-01T00:00:00Z") }),
    );
    const early = await h.put(
      "early.log",
      netstatEvents(1, { firstPid: 9, start: new Date("2026-03-01T00:00:00Z") }),
    );
    const mid = await h.put(
      "mid.log",
      netstatEvents(1, { firstPid: 9, start: new Date("2026-04-01T00:00:00Z") }),
    );
    for (const o of [late, early, mid]) await h.handler(h.s3Event(o));
    expect(await h.store.listAggregates()).toEqual([
      expect.objectContaining({
        count: 3,
        objects: 3,
        firstTime: "2026-03-01T00:00:00.000Z",
        lastTime: "2026-05-01T00:00:00.000Z",
      }),
    ]);
  });

  it("a crash after the aggregates were updated is retried without counting twice", async () => {
    const h = await createHarness();
    const o = await h.put("crash.log", SAMPLE_LOG);
    const event = h.s3Event(o);
    // Fail the write that records phase "aggregated": every aggregate update has been applied.
    h.faults.crashOnUpdate = (input) =>
      input.UpdateExpression?.startsWith("SET #phase = :phase") === true;
    await expect(h.handler(event)).rejects.toThrow("injected: crash at this step");
    expect((await h.store.listAggregates()).map((a) => a.count)).toEqual([1, 1, 1]);
    expect((await h.messages()).all).toHaveLength(0);
    const record = await h.store.getScan(h.scanId(o));
    expect(record).toMatchObject({ status: "in_progress", phase: "claimed", lease_until: 0 });
    // AWS retries the event: the claim was released, the conditional updates reject the repeat.
    expect(((await h.handler(event)) as DirectResult).results[0]?.outcome).toBe("scanned");
    const aggs = await h.store.listAggregates();
    expect(aggs.map((a) => [a.count, a.objects])).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    expect((await h.messages()).all).toHaveLength(SAMPLE_FINDINGS + 1);
    expect(await h.store.getScan(h.scanId(o))).toMatchObject({ status: "done", attempts: 2 });
  });

  it("an SQS outage fails the record; the retry resends from phase 'aggregated' and counts once", async () => {
    const h = await createHarness();
    const o = await h.put("outage.log", SAMPLE_LOG);
    const event = h.sqsEvent({ id: "msg-1", body: h.s3Event(o) });
    h.faults.sqsDownCalls = 1_000;
    expect(await h.handler(event)).toEqual({ batchItemFailures: [{ itemIdentifier: "msg-1" }] });
    expect(await h.store.getScan(h.scanId(o))).toMatchObject({
      status: "in_progress",
      phase: "aggregated",
    });
    h.faults.sqsDownCalls = 0;
    h.resetCounts();
    expect(await h.handler(event)).toEqual({ batchItemFailures: [] });
    // Resumed: no finding items or aggregate additions written again.
    expect(h.counts.dynamo.BatchWriteItem ?? 0).toBe(0);
    const { findings, summaries } = await h.messages();
    expect([findings.length, summaries.length]).toEqual([SAMPLE_FINDINGS, 1]);
    for (const a of await h.store.listAggregates()) expect([a.count, a.objects]).toEqual([1, 1]);
  });

  it("a retry from phase 'aggregated' resends the stored findings, even once the object is gone", async () => {
    const h = await createHarness();
    const o = await h.put("gone.log", SAMPLE_LOG);
    const event = h.sqsEvent({ id: "msg-1", body: h.s3Event(o) });
    h.faults.sqsDownCalls = 1_000;
    expect(await h.handler(event)).toEqual({ batchItemFailures: [{ itemIdentifier: "msg-1" }] });
    const stored = await h.store.listFindings(h.scanId(o));
    expect(stored).toHaveLength(SAMPLE_FINDINGS);
    // Overwritten with other content (a new eTag), then deleted: a new read would skip it.
    await h.put("gone.log", netstatEvents(2, { host: "other-host" }));
    await h.remove("gone.log");
    h.faults.sqsDownCalls = 0;
    h.resetCounts();
    expect(await h.handler(event)).toEqual({ batchItemFailures: [] });
    expect(h.counts.s3.GetObject ?? 0).toBe(0);
    const { findings, summaries } = await h.messages();
    expect(findings.map((f) => f.finding_id).sort()).toEqual(
      stored.map((f) => f.finding_id).sort(),
    );
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ status: "ok", findings: SAMPLE_FINDINGS });
    expect(await h.store.getScan(h.scanId(o))).toMatchObject({ status: "done", attempts: 2 });
    for (const a of await h.store.listAggregates()) expect([a.count, a.objects]).toEqual([1, 1]);
    expect(h.metrics.emitted.at(-1)).toMatchObject({
      ObjectsScanned: 1,
      Findings: SAMPLE_FINDINGS,
    });
  });

  it("a scan claimed by a live invocation is not run twice at once", async () => {
    const h = await createHarness();
    const o = await h.put("busy.log", SAMPLE_LOG);
    const claim = await h.store.claim(
      {
        bucket: h.bucket,
        key: o.key,
        eTag: o.eTag,
        scanId: h.scanId(o),
        uri: `s3://${h.bucket}/${o.key}`,
      },
      60_000,
    );
    expect(claim.kind).toBe("claimed");
    await expect(h.handler(h.s3Event(o))).rejects.toBeInstanceOf(ScanInProgressError);
    expect(await h.handler(h.sqsEvent({ id: "m", body: h.s3Event(o) }))).toEqual({
      batchItemFailures: [{ itemIdentifier: "m" }],
    });
    expect(h.counts.s3.GetObject ?? 0).toBe(0);
  });

  it("an aggregate keeps a bounded contributors set however many objects contribute", async () => {
    const h = await createHarness();
    const n = TABLE_LAYOUT.contributorsKept + 6;
    const objects = await Promise.all(
      Array.from({ length: n }, (_, i) => h.put(`c${i}.log`, netstatEvents(1, { firstPid: 5 }))),
    );
    for (let i = 0; i < n; i += 8)
      await Promise.all(objects.slice(i, i + 8).map((o) => h.handler(h.s3Event(o))));
    const [agg] = await h.store.listAggregates();
    expect(agg).toMatchObject({ count: n, objects: n });
    const { Items } = await h.store.client.send(
      new (await import("@aws-sdk/lib-dynamodb")).QueryCommand({
        TableName: h.table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": `AGG#${agg?.aggregate_id.charAt(0)}` },
      }),
    );
    const contributors = Items?.[0]?.contributors as Set<string>;
    expect(contributors.size).toBeGreaterThanOrEqual(TABLE_LAYOUT.contributorsKept);
    expect(contributors.size).toBeLessThanOrEqual(TABLE_LAYOUT.contributorsKept + 8);
    // A redelivery of any of them, trimmed or not, still changes nothing.
    for (const o of [objects[0], objects.at(-1)])
      await h.handler(h.s3Event(o as (typeof objects)[number]));
    expect((await h.store.listAggregates())[0]).toMatchObject({ count: n, objects: n });
  });
});
