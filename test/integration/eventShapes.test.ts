import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import type { DirectResult } from "../../src/handler.js";
import { parseLambdaEvent } from "../../src/input/s3Notifications.js";
import { createHarness, type Harness } from "./support/harness.js";
import { SAMPLE_FINDINGS, SAMPLE_LOG } from "./support/logs.js";

const EVENTS = new URL("../../events/", import.meta.url);
const DETECTIONS = [
  "GetNetTcpconnection with PowerShell",
  "Network Connection Discovery With Netstat",
];

/** A sample event with its bucket renamed to the test's own (bodies included). */
function sampleEvent(name: string, bucket: string): unknown {
  return JSON.parse(
    readFileSync(new URL(name, EVENTS), "utf8").replaceAll("sysmon-hunt-logs", bucket),
  );
}

/** Uploads the sample log under every key the event names. */
async function uploadFor(h: Harness, event: unknown): Promise<string[]> {
  const input = parseLambdaEvent(event);
  const objects =
    input.kind === "direct"
      ? input.notification.objects
      : input.records.flatMap((r) => r.notification?.objects ?? []);
  for (const o of objects) await h.put(o.key, SAMPLE_LOG);
  return objects.map((o) => o.key);
}

async function expectSampleScanned(h: Harness, key: string) {
  const { findings, summaries, raw } = await h.messages();
  expect(findings).toHaveLength(SAMPLE_FINDINGS);
  expect(new Set(findings.map((f) => f.detection.name))).toEqual(new Set(DETECTIONS));
  for (const f of findings) expect(f.source.uri).toBe(`s3://${h.bucket}/${key}`);
  for (const m of raw.findings) {
    expect(m.attributes.kind).toEqual({ DataType: "String", StringValue: "finding" });
    expect(m.attributes.detection_id?.StringValue).toMatch(/^[0-9a-f-]{36}$/);
    expect(m.attributes.risk_score).toEqual({ DataType: "Number", StringValue: "15" });
  }
  expect(summaries).toHaveLength(1);
  expect(summaries[0]).toMatchObject({
    kind: "summary",
    bucket: h.bucket,
    key,
    status: "ok",
    size: SAMPLE_LOG.byteLength,
    events: 17,
    events_by_type: {
      "Sysmon 1": 8,
      "Sysmon 3": 2,
      "Sysmon 5": 2,
      "Sysmon 11": 2,
      "Sysmon 7": 1,
      "Sysmon 13": 1,
      "Sysmon 22": 1,
    },
    parse_errors: 0,
    findings: SAMPLE_FINDINGS,
    error: null,
  });
  const aggregates = await h.store.listAggregates();
  expect(aggregates).toHaveLength(SAMPLE_FINDINGS);
  for (const a of aggregates) expect(a).toMatchObject({ count: 1, objects: 1 });
  return summaries[0];
}

describe("the sample events in events/, against fauxqs and dynalite", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });

  it("their eTag and size are those of events/logs/sample-sysmon.log", () => {
    const md5 = createHash("md5").update(SAMPLE_LOG).digest("hex");
    for (const name of [
      "s3-put.json",
      "sqs-s3.json",
      "sns-sqs-s3.json",
      "eventbridge-object-created.json",
    ]) {
      const text = readFileSync(new URL(name, EVENTS), "utf8");
      expect(text, name).toContain(md5);
      expect(text, name).toContain(`${SAMPLE_LOG.byteLength}`);
    }
  });

  it("s3-put.json (direct S3 notification) scans the object", async () => {
    const event = sampleEvent("s3-put.json", h.bucket);
    const [key] = await uploadFor(h, event);
    const result = (await h.handler(event)) as DirectResult;
    expect(result.results).toEqual([
      expect.objectContaining({
        outcome: "scanned",
        findings: SAMPLE_FINDINGS,
        status: "ok",
        uri: `s3://${h.bucket}/${key}`,
      }),
    ]);
    const summary = await expectSampleScanned(h, key as string);
    expect(summary?.etag).toBe(createHash("md5").update(SAMPLE_LOG).digest("hex"));
    expect(summary?.sequencer).toBe("0066A1F2C3D4E5F601");
    const record = await h.store.getScan(summary?.scan_id as string);
    expect(record).toMatchObject({ status: "done", phase: "done", attempts: 1, type: "scan" });
    expect(typeof record?.expires_at).toBe("number");
    expect(await h.store.listFindings(summary?.scan_id as string)).toHaveLength(SAMPLE_FINDINGS);
  });

  it("sqs-s3.json (SQS of S3) decodes the key and keeps the version id", async () => {
    const event = sampleEvent("sqs-s3.json", h.bucket);
    const [key] = await uploadFor(h, event);
    expect(key).toBe("incoming/wks fin 07/sample-sysmon+day1.log");
    expect(await h.handler(event)).toEqual({ batchItemFailures: [] });
    const summary = await expectSampleScanned(h, key as string);
    expect(summary?.version_id).toBe("3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY");
    const { findings } = await h.messages();
    expect(findings[0]?.source.version_id).toBe("3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY");
  });

  it("sns-sqs-s3.json (SNS envelope in SQS) scans the object", async () => {
    const event = sampleEvent("sns-sqs-s3.json", h.bucket);
    const [key] = await uploadFor(h, event);
    expect(await h.handler(event)).toEqual({ batchItemFailures: [] });
    await expectSampleScanned(h, key as string);
  });

  it("eventbridge-object-created.json scans the object under its raw key", async () => {
    const event = sampleEvent("eventbridge-object-created.json", h.bucket);
    const [key] = await uploadFor(h, event);
    expect(key).toBe("incoming/srv app 02/sample-sysmon.log");
    const result = (await h.handler(event)) as DirectResult;
    expect(result.results[0]?.outcome).toBe("scanned");
    await expectSampleScanned(h, key as string);
  });

  it("s3-test-event.json is skipped: no messages, no items, no failure", async () => {
    expect(await h.handler(sampleEvent("s3-test-event.json", h.bucket))).toEqual({
      batchItemFailures: [],
    });
    expect((await h.messages()).all).toHaveLength(0);
    expect(h.counts.dynamo.UpdateItem ?? 0).toBe(0);
    expect(h.counts.s3.GetObject ?? 0).toBe(0);
  });

  it("an SQS batch fails only the record that failed", async () => {
    const good = await h.put("a.log", SAMPLE_LOG);
    const event = h.sqsEvent(
      { id: "m-good", body: h.s3Event(good) },
      { id: "m-garbage", body: "this is not a notification" },
      { id: "m-test", body: { Service: "Amazon S3", Event: "s3:TestEvent", Bucket: h.bucket } },
    );
    expect(await h.handler(event)).toEqual({
      batchItemFailures: [{ itemIdentifier: "m-garbage" }],
    });
    expect((await h.messages()).findings).toHaveLength(SAMPLE_FINDINGS);
  });

  it("a FIFO queue gets group id = dest and deduplication id = finding_id", async () => {
    const f = await createHarness({ fifo: true });
    const o = await f.put("fifo.log", SAMPLE_LOG);
    await f.handler(f.s3Event(o));
    const { raw, findings, summaries } = await f.messages();
    expect(findings).toHaveLength(SAMPLE_FINDINGS);
    raw.findings.forEach((m, i) => {
      expect(m.dedupId).toBe(findings[i]?.finding_id);
      expect(m.groupId).toBe(findings[i]?.fields.dest);
    });
    expect(raw.summaries[0]?.dedupId).toBe(summaries[0]?.scan_id);
  });
});
