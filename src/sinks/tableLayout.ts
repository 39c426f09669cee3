import { createHash } from "node:crypto";
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import type { Finding } from "../detect/types.js";

/**
 * The one-table layout (see README "DynamoDB item layout"). The CDK table and every reader use
 * these names: string partition key `pk`, string sort key `sk`, TTL attribute `expires_at`.
 */
export const TABLE_LAYOUT = {
  partitionKey: "pk",
  sortKey: "sk",
  ttlAttribute: "expires_at",
  /** Aggregates are spread over `AGG#0`..`AGG#f` so concurrent uploads do not share one hot key. */
  aggregateShards: 16,
  /**
   * An aggregate keeps the ids of at most this many contributing scans (the idempotency record
   * of its conditional update); beyond it each scan removes its own id once its scan is marked
   * aggregated, so the set stays small however many objects contribute.
   */
  contributorsKept: 32,
} as const;

export const ITEM_TYPES = { scan: "scan", finding: "finding", aggregate: "aggregate" } as const;

/** Scan record life cycle: `in_progress` until `done` (or `skipped`); `phase` tracks progress. */
export const SCAN_STATUS = { inProgress: "in_progress", done: "done", skipped: "skipped" } as const;
export const SCAN_PHASE = { claimed: "claimed", aggregated: "aggregated", done: "done" } as const;

export interface TableKey {
  readonly pk: string;
  readonly sk: string;
}

const sha256 = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex");

/** Identity of one object version: bucket, key, and the version id or else the eTag. */
export function scanIdOf(obj: {
  bucket: string;
  key: string;
  versionId?: string;
  eTag?: string;
}): string {
  return sha256([
    obj.bucket,
    obj.key,
    obj.versionId ?? null,
    obj.versionId ? null : (obj.eTag ?? null),
  ]);
}

/** The short form of a scan id kept in an aggregate's `contributors` set (128 bits). */
export function contributorId(scanId: string): string {
  return scanId.slice(0, 32);
}

/** Identity of an aggregate: the detection and its by-field values, whatever object they came from. */
export function aggregateIdOf(f: Finding): string {
  const fields = Object.entries(f.fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sha256([f.detection.id, fields]);
}

export const KEYS = {
  scan: (scanId: string): TableKey => ({ pk: `SCAN#${scanId}`, sk: "SCAN" }),
  finding: (scanId: string, findingId: string): TableKey => ({
    pk: `SCAN#${scanId}`,
    sk: `FINDING#${findingId}`,
  }),
  aggregate: (aggregateId: string, detectionId: string): TableKey => ({
    pk: `AGG#${aggregateId.charAt(0)}`,
    sk: `${detectionId}#${aggregateId}`,
  }),
} as const;

/** The partition keys holding aggregates. */
export function aggregatePartitions(): string[] {
  return Array.from({ length: TABLE_LAYOUT.aggregateShards }, (_, i) => `AGG#${i.toString(16)}`);
}

/** TTL value (epoch seconds) `days` after `now`. */
export function expiresAt(now: Date, days: number): number {
  return Math.floor(now.getTime() / 1000) + days * 86_400;
}

/** `CreateTable` input for local stacks and tests (the CDK app declares the same keys). */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [
      { AttributeName: TABLE_LAYOUT.partitionKey, AttributeType: "S" },
      { AttributeName: TABLE_LAYOUT.sortKey, AttributeType: "S" },
    ],
    KeySchema: [
      { AttributeName: TABLE_LAYOUT.partitionKey, KeyType: "HASH" },
      { AttributeName: TABLE_LAYOUT.sortKey, KeyType: "RANGE" },
    ],
  };
}
