import {
  type MessageAttributeValue,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
  type SQSClientConfig,
} from "@aws-sdk/client-sqs";
import { createSqsClient } from "../awsEnv.js";
import type { Finding } from "../detect/types.js";
import { SinkError } from "./errors.js";
import { DEFAULT_RETRY, mapLimit, type RetryPolicy, retryPartial } from "./retry.js";
import { fifoGroupId, type OutboundMessage, toBatches } from "./sqsBatches.js";
import type { ScanSummaryMessage } from "./summaryMessage.js";

/** Values of the `kind` message attribute. */
export const MESSAGE_KINDS = { finding: "finding", summary: "summary" } as const;

export interface SqsSinkOptions {
  readonly queueUrl: string;
  readonly client?: SQSClient;
  readonly clientConfig?: SQSClientConfig;
  readonly retry?: RetryPolicy;
  /** Batches in flight at once on a standard queue (FIFO queues send one at a time, in order). */
  readonly concurrency?: number;
}

export interface PublishResult {
  readonly messages: number;
  /** `SendMessageBatch` calls made, retries of failed entries included. */
  readonly requests: number;
}

const str = (value: string): MessageAttributeValue => ({ DataType: "String", StringValue: value });

/**
 * JSON that SQS accepts: `JSON.stringify` already escapes control characters and lone
 * surrogates; U+FFFE and U+FFFF (which SQS rejects) can only occur inside strings, where their
 * escapes mean the same.
 */
export function sqsJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\uFFFE\uFFFF]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16)}`,
  );
}

/**
 * Sends findings (one message each, the `Finding` schema as body) and the object's scan summary
 * to SQS with `SendMessageBatch`. Entries SQS reports as `Failed` are sent again with jittered
 * backoff; a sender fault, or entries still failing after the last attempt, throw `SinkError`.
 * On a `.fifo` queue the group id is the finding's `dest` and the deduplication id its
 * `finding_id` (the summary: its scan id for both).
 */
export class SqsFindingsSink {
  readonly queueUrl: string;
  readonly fifo: boolean;
  private readonly client: SQSClient;
  private readonly retry: RetryPolicy;
  private readonly concurrency: number;

  constructor(options: SqsSinkOptions) {
    this.queueUrl = options.queueUrl;
    this.fifo = options.queueUrl.endsWith(".fifo");
    this.client = options.client ?? createSqsClient(options.clientConfig);
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.concurrency = this.fifo ? 1 : (options.concurrency ?? 8);
  }

  findingMessage(f: Finding): OutboundMessage {
    return {
      body: sqsJson(f),
      attributes: {
        kind: str(MESSAGE_KINDS.finding),
        detection_id: str(f.detection.id),
        ...(f.risk_score === null
          ? {}
          : { risk_score: { DataType: "Number", StringValue: String(f.risk_score) } }),
      },
      ...(this.fifo ? { groupId: fifoGroupId(f.fields.dest), dedupId: f.finding_id } : {}),
    };
  }

  summaryMessage(s: ScanSummaryMessage): OutboundMessage {
    return {
      body: sqsJson(s),
      attributes: { kind: str(MESSAGE_KINDS.summary) },
      ...(this.fifo ? { groupId: fifoGroupId(s.scan_id), dedupId: s.scan_id } : {}),
    };
  }

  /** Findings first, then the summary, so a consumer seeing the summary has had the findings. */
  async publish(findings: readonly Finding[], summary: ScanSummaryMessage): Promise<PublishResult> {
    const messages = [...findings.map((f) => this.findingMessage(f)), this.summaryMessage(summary)];
    const findingBatches = toBatches(messages.slice(0, -1));
    let requests = 0;
    const send = async (batch: readonly OutboundMessage[]) => {
      requests += await this.sendBatch(batch);
    };
    await mapLimit(findingBatches, this.concurrency, send);
    await send(messages.slice(-1));
    return { messages: messages.length, requests };
  }

  /** Sends one batch, retrying its failed entries; returns the number of requests made. */
  private async sendBatch(batch: readonly OutboundMessage[]): Promise<number> {
    let requests = 0;
    const entries = batch.map(
      (m, i): SendMessageBatchRequestEntry => ({
        Id: `m${i}`,
        MessageBody: m.body,
        MessageAttributes: m.attributes,
        ...(m.groupId === undefined ? {} : { MessageGroupId: m.groupId }),
        ...(m.dedupId === undefined ? {} : { MessageDeduplicationId: m.dedupId }),
      }),
    );
    let lastError = "";
    const stillFailing = await retryPartial(
      entries,
      async (pending) => {
        requests++;
        const out = await this.client.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: [...pending] }),
        );
        const failed = out.Failed ?? [];
        const permanent = failed.find((f) => f.SenderFault === true);
        if (permanent !== undefined) {
          throw new SinkError(
            "sqs-rejected",
            `SQS rejected a message: ${permanent.Code ?? "?"}: ${permanent.Message ?? ""}`,
          );
        }
        if (failed.length > 0) lastError = `${failed[0]?.Code ?? "?"}: ${failed[0]?.Message ?? ""}`;
        const ids = new Set(failed.map((f) => f.Id));
        return pending.filter((e) => ids.has(e.Id));
      },
      this.retry,
    );
    if (stillFailing.length > 0) {
      throw new SinkError(
        "sqs-send-failed",
        `${stillFailing.length} message(s) still failing after ${this.retry.maxAttempts} attempts (${lastError})`,
      );
    }
    return requests;
  }
}
