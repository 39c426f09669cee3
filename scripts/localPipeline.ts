// What `npm start` and `npm run invoke` share: a local stack with the pipeline's bucket, queue
// and table, the real handler pointed at it, and a read-back of what the handler stored.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { createDynamoClient, createS3Client, createSqsClient } from "../src/awsEnv.js";
import { aggregatesTable } from "../src/cli/findingsCommand.js";
import type { Finding } from "../src/detect/types.js";
import { createHandler, type Handler } from "../src/handler.js";
import { DynamoFindingsStore } from "../src/sinks/DynamoFindingsStore.js";
import { toTable } from "../src/sinks/formatFindings.js";
import type { ScanSummaryMessage } from "../src/sinks/summaryMessage.js";
import { createResources, LOCAL_NAMES, type LocalStack, startLocalStack } from "./localStack.js";

export interface LocalPipeline {
  readonly stack: LocalStack;
  readonly queueUrl: string;
  readonly handler: Handler;
  stop(): Promise<void>;
}

/**
 * Starts the stack, points this process at it (as Lambda's environment would), creates the
 * bucket, queue and table, and builds the real handler from that environment.
 */
export async function startLocalPipeline(): Promise<LocalPipeline> {
  // The SDK warns on Node 20 about a future Node 22 requirement; noise in a local demo.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const stack = await startLocalStack();
  Object.assign(process.env, stack.env);
  const { queueUrl } = await createResources(LOCAL_NAMES);
  process.env.FINDINGS_QUEUE_URL = queueUrl;
  process.env.FINDINGS_TABLE = LOCAL_NAMES.table;
  process.env.LOG_LEVEL ??= "WARN";
  process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
  return { stack, queueUrl, handler: createHandler(), stop: () => stack.stop() };
}

/** Uploads a file (streamed) and returns what an S3 notification would carry about it. */
export async function uploadFile(bucket: string, key: string, path: string) {
  const s3 = createS3Client();
  try {
    const { size } = await stat(path);
    if (bucket !== LOCAL_NAMES.bucket) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const out = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: createReadStream(path),
        ContentLength: size,
      }),
    );
    return { bucket, key, size, eTag: (out.ETag ?? "").replace(/"/g, "") };
  } finally {
    s3.destroy();
  }
}

/** Receives and deletes every message on the queue. */
export async function drainQueue(queueUrl: string) {
  const sqs = createSqsClient();
  const findings: Finding[] = [];
  const summaries: ScanSummaryMessage[] = [];
  try {
    for (;;) {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          MessageAttributeNames: ["All"],
        }),
      );
      const messages = out.Messages ?? [];
      if (messages.length === 0) break;
      for (const m of messages) {
        const body = JSON.parse(m.Body ?? "{}");
        if (m.MessageAttributes?.kind?.StringValue === "summary") summaries.push(body);
        else findings.push(body);
      }
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
  } finally {
    sqs.destroy();
  }
  return { findings, summaries };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

function describeSummary(s: ScanSummaryMessage): string {
  const types = Object.entries(s.events_by_type)
    .sort((a, b) => b[1] - a[1])
    .map(([t, n]) => `${t}: ${n}`)
    .join(", ");
  const head = `  ${s.uri}  status ${s.status}${s.error ? ` (${s.error.code}: ${s.error.message})` : ""}`;
  if (s.status === "skipped") return head;
  return `${head}\n    ${s.events} events (${types || "none"}), ${kb(s.bytes)}, ${s.parse_errors} parse errors, ${s.findings} findings, ${s.duration_ms} ms`;
}

/** Prints the findings and summaries on the queue, then the aggregates in the table. */
export async function printReadBack(
  queueUrl: string,
  out: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  const width = process.stdout.columns ?? 160;
  const { findings, summaries } = await drainQueue(queueUrl);
  out.write(
    `\nSQS ${queueUrl.slice(queueUrl.lastIndexOf("/") + 1)}: ${findings.length + summaries.length} messages (${findings.length} findings, ${summaries.length} scan ${summaries.length === 1 ? "summary" : "summaries"})\n`,
  );
  out.write(toTable(findings, width));
  out.write("Scan summaries:\n");
  for (const s of summaries) out.write(`${describeSummary(s)}\n`);
  const store = new DynamoFindingsStore({ table: LOCAL_NAMES.table, client: createDynamoClient() });
  try {
    const aggregates = await store.listAggregates();
    out.write(
      `\nDynamoDB ${LOCAL_NAMES.table}: ${aggregates.length} aggregated findings (across every object scanned)\n`,
    );
    out.write(aggregatesTable(aggregates, width));
  } finally {
    store.client.destroy();
  }
}
