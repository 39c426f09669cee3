import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { DirectResult } from "../../src/handler.js";
import { createHarness } from "./support/harness.js";
import { netstatEvents, SAMPLE_FINDINGS, SAMPLE_LOG } from "./support/logs.js";

const outcome = (r: unknown) => (r as DirectResult).results[0];

describe("objects as S3 holds them", () => {
  it("a key with spaces, '+' and non-ASCII characters is decoded and read", async () => {
    const h = await createHarness();
    const key = "raw logs/wks+fin 07/Düsseldorf 日本/sysmon 100%.log";
    const o = await h.put(key, SAMPLE_LOG);
    const event = h.s3Event(o);
    expect(event.Records[0]?.s3.object.key).toBe(
      "raw+logs/wks%2Bfin+07/D%C3%BCsseldorf+%E6%97%A5%E6%9C%AC/sysmon+100%25.log",
    );
    expect(outcome(await h.handler(event))).toMatchObject({
      outcome: "scanned",
      findings: SAMPLE_FINDINGS,
    });
    const { findings, summaries } = await h.messages();
    expect(summaries[0]?.key).toBe(key);
    expect(findings[0]?.source.uri).toBe(`s3://${h.bucket}/${key}`);
  });

  it("a gzipped object is detected by magic bytes and streamed through gunzip", async () => {
    const h = await createHarness();
    const gz = gzipSync(SAMPLE_LOG);
    const o = await h.put("logs/sample.log.bin", gz);
    expect(outcome(await h.handler(h.s3Event(o)))).toMatchObject({
      outcome: "scanned",
      findings: SAMPLE_FINDINGS,
    });
    const { summaries } = await h.messages();
    expect(summaries[0]).toMatchObject({
      wrappers: ["gzip"],
      bytes: gz.byteLength,
      events: 17,
      status: "ok",
    });
  });

  it("a missing object is recorded as skipped, reported once, and not retried", async () => {
    const h = await createHarness();
    const event = h.s3Event({
      key: "gone.log",
      eTag: "0123456789abcdef0123456789abcdef",
      size: 10,
    });
    expect(outcome(await h.handler(event))).toMatchObject({
      outcome: "skipped",
      status: "not-found",
    });
    const { summaries, findings } = await h.messages();
    expect(findings).toHaveLength(0);
    expect(summaries[0]).toMatchObject({
      status: "skipped",
      error: { code: "not-found" },
      key: "gone.log",
    });
    expect(await h.store.getScan(summaries[0]?.scan_id as string)).toMatchObject({
      status: "skipped",
    });
    expect(await h.handler(h.sqsEvent({ id: "again", body: event }))).toEqual({
      batchItemFailures: [],
    });
    expect((await h.messages()).all).toHaveLength(1);
  });

  it("a forbidden object is recorded as skipped", async () => {
    const h = await createHarness();
    const o = await h.put("secret.log", SAMPLE_LOG);
    h.faults.forbiddenKeys.add("secret.log");
    expect(outcome(await h.handler(h.s3Event(o)))).toMatchObject({
      outcome: "skipped",
      status: "forbidden",
    });
    expect((await h.messages()).summaries[0]?.error?.code).toBe("forbidden");
  });

  it("an object replaced since its notification is not scanned in its place", async () => {
    const h = await createHarness();
    const old = await h.put("replaced.log", SAMPLE_LOG);
    await h.put("replaced.log", "<Event/>\n");
    expect(outcome(await h.handler(h.s3Event(old)))).toMatchObject({
      outcome: "skipped",
      status: "changed",
    });
  });

  it("an object over MAX_OBJECT_BYTES is skipped without reading it", async () => {
    const h = await createHarness({ env: { MAX_OBJECT_BYTES: "1000" } });
    const o = await h.put("big.log", SAMPLE_LOG);
    expect(outcome(await h.handler(h.s3Event(o)))).toMatchObject({
      outcome: "skipped",
      status: "too-large",
    });
    expect(h.counts.s3.GetObject ?? 0).toBe(0);
    // Without the size in the notification, the GetObject Content-Length decides.
    const { size: _size, ...noSize } = await h.put("big2.log", SAMPLE_LOG);
    expect(outcome(await h.handler(h.s3Event(noSize)))).toMatchObject({
      outcome: "skipped",
      status: "too-large",
    });
  });

  it("a zero-byte object is scanned: no events, no findings, a summary", async () => {
    const h = await createHarness();
    const o = await h.put("empty.log", new Uint8Array(0));
    expect(outcome(await h.handler(h.s3Event(o)))).toMatchObject({
      outcome: "scanned",
      findings: 0,
      status: "ok",
    });
    const { summaries, findings } = await h.messages();
    expect(findings).toHaveLength(0);
    expect(summaries[0]).toMatchObject({
      status: "ok",
      size: 0,
      events: 0,
      findings: 0,
      format: "empty",
    });
  });

  it("parse errors are counted in the summary; a corrupt gzip keeps the findings before it", async () => {
    const h = await createHarness();
    const broken = Buffer.concat([
      SAMPLE_LOG,
      Buffer.from("<Event xmlns='x'><System><EventID>1</EventID>\n<Event>junk</Event>\n"),
    ]);
    const o = await h.put("broken.log", broken);
    expect(outcome(await h.handler(h.s3Event(o)))).toMatchObject({
      outcome: "scanned",
      findings: SAMPLE_FINDINGS,
    });
    const s = (await h.messages()).summaries[0];
    expect(s?.parse_errors).toBeGreaterThan(0);
    expect(s?.status).toBe("ok");

    const g = await createHarness();
    const gz = gzipSync(SAMPLE_LOG);
    const cut = await g.put("cut.log.gz", gz.subarray(0, gz.byteLength - 40));
    expect(outcome(await g.handler(g.s3Event(cut)))).toMatchObject({
      outcome: "scanned",
      status: "error",
    });
    expect((await g.messages()).summaries[0]).toMatchObject({
      status: "error",
      error: { code: "corrupt-gzip" },
    });
    expect(g.metrics.emitted.at(-1)).toMatchObject({ ObjectsScanned: 1, ObjectsWithErrors: 1 });
    expect(h.metrics.emitted.at(-1)?.ObjectsWithErrors).toBeUndefined();
  });

  it("an event with a 1 MB command line gives a finding cut to fit SQS and DynamoDB, not a failed object", async () => {
    const h = await createHarness();
    const huge = netstatEvents(1, { firstPid: 777 }).replace(
      "netstat -ano",
      `netstat -ano ${"A".repeat(1024 * 1024)}`,
    );
    const o = await h.put("huge-cmdline.log", `${SAMPLE_LOG}${huge}`);
    const event = h.sqsEvent({ id: "msg-1", body: h.s3Event(o) });
    expect(await h.handler(event)).toEqual({ batchItemFailures: [] });
    const { findings, summaries } = await h.messages();
    expect(summaries[0]).toMatchObject({ status: "ok", findings: SAMPLE_FINDINGS + 1 });
    expect(findings).toHaveLength(SAMPLE_FINDINGS + 1);
    const cutShort = findings.filter((f) => f.truncated !== undefined);
    expect(cutShort).toHaveLength(1);
    expect(cutShort[0]?.truncated).toContain("fields.process");
    expect(cutShort[0]?.fields.process).toMatch(
      /^netstat -ano A+… \[truncated: 1048589 characters/,
    );
    const stored = await h.store.listFindings(h.scanId(o));
    expect(stored.map((f) => f.finding_id).sort()).toEqual(
      findings.map((f) => f.finding_id).sort(),
    );
    expect(await h.store.listAggregates()).toHaveLength(SAMPLE_FINDINGS + 1);
  });

  it("a notification without eTag or version id is completed with HeadObject", async () => {
    const h = await createHarness();
    const o = await h.put("bare.log", SAMPLE_LOG);
    const r = outcome(await h.handler(h.s3Event({ key: o.key })));
    expect(r).toMatchObject({ outcome: "scanned", scanId: h.scanId(o) });
    expect(h.counts.s3.HeadObject).toBe(1);
  });
});
