import { Logger } from "@aws-lambda-powertools/logger";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "../../src/config/errors.js";
import { createHandler, type DirectResult, handler } from "../../src/handler.js";
import { createHarness, useLocalAws } from "./support/harness.js";
import { SAMPLE_FINDINGS, SAMPLE_LOG } from "./support/logs.js";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the exported handler", () => {
  it("reads its configuration and AWS endpoints from the environment", async () => {
    const h = await createHarness();
    Object.assign(process.env, {
      FINDINGS_QUEUE_URL: h.queueUrl,
      FINDINGS_TABLE: h.table,
      LOG_LEVEL: "SILENT",
    });
    process.env.POWERTOOLS_METRICS_DISABLED = "true";
    const o = await h.put("via-env.log", SAMPLE_LOG);
    const result = (await handler(h.s3Event(o))) as DirectResult;
    expect(result.results[0]).toMatchObject({ outcome: "scanned", findings: SAMPLE_FINDINGS });
    expect((await h.messages()).findings).toHaveLength(SAMPLE_FINDINGS);
  });

  it("fails at cold start with an error naming the missing variables, and retries init next time", async () => {
    const env: Record<string, string> = { ...useLocalAws() };
    const h = createHandler({ env, logger: new Logger({ logLevel: "SILENT" }) });
    const err = await h({ Records: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(
      /FINDINGS_QUEUE_URL is not set.*FINDINGS_TABLE is not set/,
    );
    env.FINDINGS_QUEUE_URL = "http://127.0.0.1:1/000000000000/q";
    env.FINDINGS_TABLE = "table-x";
    env.RULES_DIR = "/nonexistent/rules";
    await expect(h({ Records: [] })).rejects.toThrow(/RULES_DIR names a path that does not exist/);
  });
});

describe("Powertools telemetry", () => {
  it("publishes the scan metrics as EMF once per invocation", async () => {
    const h = await createHarness();
    const o = await h.put("metrics.log", SAMPLE_LOG);
    await h.handler(h.s3Event(o));
    expect(h.metrics.emitted).toHaveLength(1);
    const emf = h.metrics.emitted[0] as Record<string, unknown> & {
      _aws: {
        CloudWatchMetrics: { Namespace: string; Metrics: { Name: string; Unit: string }[] }[];
      };
    };
    expect(emf).toMatchObject({
      ObjectsScanned: 1,
      BytesScanned: SAMPLE_LOG.byteLength,
      EventsParsed: 17,
      ParseErrors: 0,
      Findings: SAMPLE_FINDINGS,
      service: "sysmon-hunt",
    });
    expect(emf.ScanDurationMs).toEqual(expect.any(Number));
    const defs = emf._aws.CloudWatchMetrics[0];
    expect(defs?.Namespace).toBe("SysmonHuntTest");
    expect(defs?.Metrics).toEqual(
      expect.arrayContaining([
        { Name: "BytesScanned", Unit: "Bytes" },
        { Name: "ScanDurationMs", Unit: "Milliseconds" },
        { Name: "ObjectsScanned", Unit: "Count" },
      ]),
    );
  });

  it("logs JSON with the bucket and key in context", async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const logger = new Logger({ serviceName: "sysmon-hunt", logLevel: "INFO" });
    const h = await createHarness({ logger });
    const o = await h.put("dir/logged file.log", SAMPLE_LOG);
    await h.handler(h.s3Event(o), {
      functionName: "scan",
      awsRequestId: "req-1",
      getRemainingTimeInMillis: () => 60_000,
    });
    vi.restoreAllMocks();
    const records = lines
      .flatMap((l) => l.split("\n"))
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l));
    const scanned = records.find((r) => r.message === "object scanned");
    expect(scanned).toMatchObject({
      level: "INFO",
      bucket: h.bucket,
      key: "dir/logged file.log",
      findings: SAMPLE_FINDINGS,
      function_request_id: "req-1",
    });
    const coldStart = records.find((r) => r.message === "cold start");
    expect(coldStart?.rules).toBe(2);
    expect(coldStart?.bucket).toBeUndefined();
  });

  it("names the object in the log line and counts ObjectsFailed when a record fails", async () => {
    const lines: string[] = [];
    // Powertools writes ERROR lines to stderr
    for (const stream of [process.stdout, process.stderr])
      vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      });
    const logger = new Logger({ serviceName: "sysmon-hunt", logLevel: "INFO" });
    const h = await createHarness({ logger });
    const o = await h.put("dir/failing file.log", SAMPLE_LOG);
    h.faults.sqsDownCalls = 1_000;
    const out = await h.handler(h.sqsEvent({ id: "m-1", body: h.s3Event(o) }));
    vi.restoreAllMocks();
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: "m-1" }] });
    const records = lines
      .flatMap((l) => l.split("\n"))
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l));
    expect(records.find((r) => r.message === "object failed; it will be retried")).toMatchObject({
      level: "ERROR",
      bucket: h.bucket,
      key: "dir/failing file.log",
      error: { message: expect.stringContaining("injected: queue unavailable") },
    });
    expect(records.find((r) => r.message === "record failed; SQS will redeliver it")).toMatchObject(
      { messageId: "m-1" },
    );
    expect(h.metrics.emitted.at(-1)).toMatchObject({ ObjectsFailed: 1 });
  });
});
