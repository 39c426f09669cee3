import type { MessageAttributeValue } from "@aws-sdk/client-sqs";

/** `SendMessageBatch` limits: 10 entries, and 256 KiB for bodies and attributes together. */
export const SQS_LIMITS = { maxEntries: 10, maxBatchBytes: 256 * 1024 } as const;

export interface OutboundMessage {
  readonly body: string;
  readonly attributes: Readonly<Record<string, MessageAttributeValue>>;
  /** FIFO queues only. */
  readonly groupId?: string;
  readonly dedupId?: string;
}

/** Size as SQS counts it: the body plus each attribute's name, type and value. */
export function messageBytes(m: OutboundMessage): number {
  let n = Buffer.byteLength(m.body, "utf8");
  for (const [name, v] of Object.entries(m.attributes)) {
    n += Buffer.byteLength(name, "utf8") + Buffer.byteLength(v.DataType ?? "", "utf8");
    n += Buffer.byteLength(v.StringValue ?? "", "utf8") + (v.BinaryValue?.byteLength ?? 0);
  }
  return n;
}

/**
 * Packs messages in order into batches of at most 10 entries and 256 KiB. A message larger than
 * the limit by itself goes alone (the queue's own maximum then decides).
 */
export function toBatches(
  messages: readonly OutboundMessage[],
  limits: { maxEntries: number; maxBatchBytes: number } = SQS_LIMITS,
): OutboundMessage[][] {
  const batches: OutboundMessage[][] = [];
  let current: OutboundMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = messageBytes(m);
    if (
      current.length > 0 &&
      (current.length >= limits.maxEntries || bytes + size > limits.maxBatchBytes)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** A FIFO message group id: up to 128 of the characters SQS allows (others become `_`). */
export function fifoGroupId(value: string | undefined): string {
  const clean = (value ?? "").replace(/[^\x21-\x7e]/g, "_").slice(0, 128);
  return clean === "" ? "unknown" : clean;
}
