// One isolated pipeline per test: its own bucket, findings queue and table on the shared local
// stack, the real handler built with instrumented clients (request counts, injected faults).
import { randomBytes } from "node:crypto";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { inject } from "vitest";
import { createResources } from "../../../scripts/localStack.js";
import { createDynamoClient, createS3Client, createSqsClient } from "../../../src/awsEnv.js";
import type { Finding } from "../../../src/detect/types.js";
import { createHandler, type Handler } from "../../../src/handler.js";
import { encodeS3Key } from "../../../src/input/s3Notifications.js";
import { DynamoFindingsStore } from "../../../src/sinks/DynamoFindingsStore.js";
import type { ScanSummaryMessage } from "../../../src/sinks/summaryMessage.js";
import { KEYS, scanIdOf } from "../../../src/sinks/tableLayout.js";
import { type Faults, instrument, noFaults } from "./instrument.js";

/** Points this test process's SDK clients at the local stack started by globalSetup. */
export function useLocalAws(): Record<string, string> {
  const env = inject("localAwsEnv");
  Object.assign(process.env, env, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" });
  return env;
}

/** Metrics that keep each EMF document instead of printing it. */
export class CapturingMetrics extends Metrics {
  readonly emitted: Record<string, unknown>[] = [];
  override publishStoredMetrics(): this {
    if (this.hasStoredMetrics())
      this.emitted.push(this.serializeMetrics() as unknown as Record<string, unknown>);
    this.clearMetrics();
    return this;
  }
}

export interface QueueMessage {
  readonly body: string;
  readonly attributes: Record<string, { DataType?: string; StringValue?: string }>;
  readonly groupId?: string;
  readonly dedupId?: string;
}

let serial = 0;
export const uniqueName = (prefix: string) =>
  `${prefix}-${process.pid}-${++serial}-${randomBytes(3).toString("hex")}`.toLowerCase();

export const FAST_RETRY = { maxAttempts: 5, baseMs: 1, maxMs: 10 } as const;

export interface HarnessOptions {
  readonly fifo?: boolean;
  readonly env?: Record<string, string>;
  readonly logger?: Logger;
}

export async function createHarness(options: HarnessOptions = {}) {
  const localEnv = useLocalAws();
  const bucket = uniqueName("logs");
  const queue = `${uniqueName("findings")}${options.fifo ? ".fifo" : ""}`;
  const table = uniqueName("table");
  const { queueUrl } = await createResources({ bucket, queue, table });
  const faults: Faults = noFaults();
  const s3 = createS3Client();
  const sqs = createSqsClient();
  const dynamoBase = new DynamoDBClient({});
  const counts = {
    s3: instrument(s3, faults),
    sqs: instrument(sqs, faults),
    dynamo: instrument(dynamoBase, faults),
  };
  const dynamo = createDynamoClient({}, dynamoBase);
  const metrics = new CapturingMetrics({ namespace: "SysmonHuntTest", serviceName: "sysmon-hunt" });
  const env: Record<string, string> = {
    ...localEnv,
    FINDINGS_QUEUE_URL: queueUrl,
    FINDINGS_TABLE: table,
    LOG_LEVEL: "SILENT",
    ...options.env,
  };
  const handler: Handler = createHandler({
    env,
    s3,
    sqs,
    dynamo,
    metrics,
    logger: options.logger ?? new Logger({ logLevel: "SILENT" }),
    retry: FAST_RETRY,
  });
  const store = new DynamoFindingsStore({ table, client: createDynamoClient() });

  const resetCounts = () => {
    for (const c of Object.values(counts)) for (const k of Object.keys(c)) delete c[k];
  };

  /** Uploads an object; returns what its notification would carry. */
  async function put(key: string, body: Uint8Array | string, targetBucket = bucket) {
    const out = await s3.send(new PutObjectCommand({ Bucket: targetBucket, Key: key, Body: body }));
    const size = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
    return { bucket: targetBucket, key, size, eTag: (out.ETag ?? "").replace(/"/g, "") };
  }

  /** Deletes an object (a lifecycle rule, a responder cleaning up). */
  async function remove(key: string, targetBucket = bucket) {
    await s3.send(new DeleteObjectCommand({ Bucket: targetBucket, Key: key }));
  }

  /** The S3 event notification record for an object, key encoded as S3 does. */
  function s3Record(o: {
    bucket?: string;
    key: string;
    size?: number;
    eTag?: string;
    versionId?: string;
  }) {
    return {
      eventVersion: "2.1",
      eventSource: "aws:s3",
      awsRegion: "us-east-1",
      eventTime: new Date().toISOString(),
      eventName: "ObjectCreated:Put",
      s3: {
        s3SchemaVersion: "1.0",
        configurationId: "test",
        bucket: { name: o.bucket ?? bucket, arn: `arn:aws:s3:::${o.bucket ?? bucket}` },
        object: {
          key: encodeS3Key(o.key),
          ...(o.size === undefined ? {} : { size: o.size }),
          ...(o.eTag === undefined ? {} : { eTag: o.eTag }),
          ...(o.versionId === undefined ? {} : { versionId: o.versionId }),
          sequencer: "0066A1F2C3D4E5F601",
        },
      },
    };
  }

  const s3Event = (...objects: Parameters<typeof s3Record>[0][]) => ({
    Records: objects.map(s3Record),
  });

  /** An SQS batch whose bodies are the given notifications. */
  const sqsEvent = (...bodies: { id: string; body: unknown }[]) => ({
    Records: bodies.map((b) => ({
      messageId: b.id,
      receiptHandle: `rh-${b.id}`,
      body: typeof b.body === "string" ? b.body : JSON.stringify(b.body),
      attributes: { ApproximateReceiveCount: "1" },
      messageAttributes: {},
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:notifications",
      awsRegion: "us-east-1",
    })),
  });

  /** Every message on the findings queue, read without consuming it (fauxqs inspection). */
  async function messages() {
    const res = await fetch(
      `${localEnv.AWS_ENDPOINT_URL_SQS}/_fauxqs/queues/${encodeURIComponent(queue)}`,
    );
    const state = (await res.json()) as { messages: { ready: Record<string, unknown>[] } };
    const all: QueueMessage[] = state.messages.ready.map((m) => ({
      body: m.body as string,
      attributes: (m.messageAttributes ?? {}) as QueueMessage["attributes"],
      ...(m.messageGroupId ? { groupId: m.messageGroupId as string } : {}),
      ...(m.messageDeduplicationId ? { dedupId: m.messageDeduplicationId as string } : {}),
    }));
    const findings = all.filter((m) => m.attributes.kind?.StringValue === "finding");
    const summaries = all.filter((m) => m.attributes.kind?.StringValue === "summary");
    return {
      all,
      findings: findings.map((m) => JSON.parse(m.body) as Finding),
      summaries: summaries.map((m) => JSON.parse(m.body) as ScanSummaryMessage),
      raw: { findings, summaries },
    };
  }

  async function queueDepth(): Promise<number> {
    const out = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ["ApproximateNumberOfMessages"],
      }),
    );
    return Number(out.Attributes?.ApproximateNumberOfMessages ?? -1);
  }

  const scanId = (o: { key: string; eTag?: string; versionId?: string; bucket?: string }) =>
    scanIdOf({
      bucket: o.bucket ?? bucket,
      key: o.key,
      ...(o.eTag ? { eTag: o.eTag } : {}),
      ...(o.versionId ? { versionId: o.versionId } : {}),
    });

  return {
    bucket,
    queue,
    queueUrl,
    table,
    env,
    faults,
    counts,
    resetCounts,
    metrics,
    handler,
    store,
    put,
    remove,
    s3Record,
    s3Event,
    sqsEvent,
    messages,
    queueDepth,
    scanId,
    scanKey: KEYS.scan,
  };
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;
