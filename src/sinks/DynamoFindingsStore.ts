import { randomUUID } from "node:crypto";
import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { createDynamoClient } from "../awsEnv.js";
import { FINDINGS_LOCALE } from "../detect/sortFindings.js";
import type { Finding } from "../detect/types.js";
import {
  type AggregateContext,
  type AggregateRecord,
  applyAggregate,
  type ScanSource,
  toAggregateRecord,
  trimContributor,
} from "./aggregateUpdates.js";
import { SinkError } from "./errors.js";
import { withNames } from "./expressionNames.js";
import { DEFAULT_RETRY, mapLimit, type RetryPolicy, retryPartial, withRetry } from "./retry.js";
import type { ScanSummaryMessage } from "./summaryMessage.js";
import {
  aggregatePartitions,
  expiresAt,
  ITEM_TYPES,
  KEYS,
  SCAN_PHASE,
  SCAN_STATUS,
  TABLE_LAYOUT,
} from "./tableLayout.js";

export interface StoreOptions {
  readonly table: string;
  readonly client?: DynamoDBDocumentClient;
  readonly clientConfig?: DynamoDBClientConfig;
  readonly retry?: RetryPolicy;
  readonly ttlDays?: number;
  /** Aggregate updates in flight at once. */
  readonly concurrency?: number;
}

/** The object version being claimed. */
export interface ScanObject extends ScanSource {
  readonly bucket: string;
  readonly key: string;
  readonly sequencer?: string;
  readonly size?: number;
}

export type Claim =
  | {
      readonly kind: "claimed";
      readonly token: string;
      readonly phase: string;
      readonly attempts: number;
      /**
       * At phase `aggregated`: the summary the attempt that stored the findings made, so that
       * the retry resends them as they are (see `markAggregated`).
       */
      readonly summary?: ScanSummaryMessage;
    }
  | { readonly kind: "duplicate"; readonly status: string }
  | { readonly kind: "busy"; readonly leaseUntil: number };

const BATCH_WRITE_MAX = 25;
const isConditionFailure = (err: unknown) =>
  (err as Error).name === "ConditionalCheckFailedException";
type Item = Record<string, unknown>;

/**
 * Scan records, finding items and aggregates in one DynamoDB table, written with conditional
 * writes only (no transactions, which dynalite lacks): a scan is claimed with a conditional
 * update, finding items are idempotent puts, and aggregates count each object once (see
 * `applyAggregate`). Every item carries `expires_at` for DynamoDB TTL.
 */
export class DynamoFindingsStore {
  readonly table: string;
  readonly client: DynamoDBDocumentClient;
  private readonly retry: RetryPolicy;
  private readonly ttlDays: number;
  private readonly concurrency: number;

  constructor(options: StoreOptions) {
    this.table = options.table;
    this.client = options.client ?? createDynamoClient(options.clientConfig);
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.ttlDays = options.ttlDays ?? 90;
    this.concurrency = options.concurrency ?? 16;
  }

  private get aggregates(): AggregateContext {
    return { client: this.client, table: this.table, retry: this.retry };
  }

  private update(input: ConstructorParameters<typeof UpdateCommand>[0]) {
    return withRetry(() => this.client.send(new UpdateCommand(withNames(input))), this.retry);
  }

  /**
   * Claims the scan of one object version. A new or abandoned (lease expired) record is claimed
   * and its `phase` returned, so a retry resumes where the last attempt stopped; a `done` or
   * `skipped` record means a redelivery; a live lease means another invocation is at work.
   */
  async claim(obj: ScanObject, leaseMs: number, now = new Date(), again = true): Promise<Claim> {
    const token = randomUUID();
    try {
      const out = await this.update({
        TableName: this.table,
        Key: KEYS.scan(obj.scanId),
        UpdateExpression: `SET #type = :type, #scan_id = :id, #bucket = :bucket, #key = :key, #uri = :uri,
          #version_id = :version, #etag = :etag, #sequencer = :seq, #size = :size, #status = :inprog,
          #phase = if_not_exists(#phase, :claimed), #claim_token = :token, #lease_until = :lease,
          #claimed_at = :now, #expires_at = :exp ADD #attempts :one`,
        ConditionExpression:
          "attribute_not_exists(#pk) OR (#status = :inprog AND #lease_until < :nowMs)",
        ExpressionAttributeValues: {
          ":type": ITEM_TYPES.scan,
          ":id": obj.scanId,
          ":bucket": obj.bucket,
          ":key": obj.key,
          ":uri": obj.uri,
          ":version": obj.versionId ?? null,
          ":etag": obj.eTag ?? null,
          ":seq": obj.sequencer ?? null,
          ":size": obj.size ?? null,
          ":inprog": SCAN_STATUS.inProgress,
          ":claimed": SCAN_PHASE.claimed,
          ":token": token,
          ":lease": now.getTime() + leaseMs,
          ":nowMs": now.getTime(),
          ":now": now.toISOString(),
          ":exp": expiresAt(now, this.ttlDays),
          ":one": 1,
        },
        ReturnValues: "ALL_NEW",
      });
      const item = out.Attributes ?? {};
      return {
        kind: "claimed",
        token,
        phase: String(item.phase),
        attempts: Number(item.attempts ?? 1),
        ...(item.summary === undefined ? {} : { summary: item.summary as ScanSummaryMessage }),
      };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    const current = await this.getScan(obj.scanId);
    // Gone between the two calls (TTL): claim afresh, once.
    if (current === undefined && again) return this.claim(obj, leaseMs, now, false);
    if (current === undefined)
      throw new SinkError("claim-failed", `cannot claim scan ${obj.scanId}`);
    if (current.status === SCAN_STATUS.inProgress)
      return { kind: "busy", leaseUntil: Number(current.lease_until) };
    return { kind: "duplicate", status: String(current.status) };
  }

  /** Writes one item per finding under the object's partition (idempotent puts). */
  async putFindings(
    source: ScanSource,
    findings: readonly Finding[],
    now = new Date(),
  ): Promise<number> {
    const exp = expiresAt(now, this.ttlDays);
    const requests = findings.map((f) => ({
      PutRequest: {
        Item: {
          ...KEYS.finding(source.scanId, f.finding_id),
          type: ITEM_TYPES.finding,
          scan_id: source.scanId,
          finding_id: f.finding_id,
          detection_id: f.detection.id,
          finding: f,
          scanned_at: now.toISOString(),
          expires_at: exp,
        },
      },
    }));
    const chunks: (typeof requests)[] = [];
    for (let i = 0; i < requests.length; i += BATCH_WRITE_MAX)
      chunks.push(requests.slice(i, i + BATCH_WRITE_MAX));
    let calls = 0;
    await mapLimit(chunks, 4, async (chunk) => {
      const left = await retryPartial(
        chunk,
        async (pending) => {
          calls++;
          const out = await this.client.send(
            new BatchWriteCommand({ RequestItems: { [this.table]: [...pending] } }),
          );
          return (out.UnprocessedItems?.[this.table] ?? []) as typeof chunk;
        },
        this.retry,
      );
      if (left.length > 0) {
        throw new SinkError(
          "dynamodb-write-failed",
          `${left.length} finding item(s) still unprocessed after retries`,
        );
      }
    });
    return calls;
  }

  /** Adds every finding to its aggregate once; returns the finding whose scan id to trim later. */
  async applyAggregates(
    source: ScanSource,
    findings: readonly Finding[],
    now = new Date(),
  ): Promise<Finding[]> {
    const exp = expiresAt(now, this.ttlDays);
    const results = await mapLimit(findings, this.concurrency, (f) =>
      applyAggregate(this.aggregates, f, source, now, exp),
    );
    return findings.filter((_, i) => results[i]?.trim === true);
  }

  /** Removes the scan's id from these aggregates (only once the scan is marked aggregated). */
  async trimContributors(scanId: string, findings: readonly Finding[]): Promise<void> {
    await mapLimit(findings, this.concurrency, (f) => trimContributor(this.aggregates, f, scanId));
  }

  /**
   * Records that every finding item is stored and every aggregate has this scan's
   * contribution, with the scan's summary: a retry from this phase resends the stored findings
   * and this summary without reading the object again (it may have been overwritten or
   * deleted since, or the rules redeployed). False if the claim was lost.
   */
  async markAggregated(
    scanId: string,
    token: string,
    summary: ScanSummaryMessage,
  ): Promise<boolean> {
    return this.ownUpdate(scanId, token, "SET #phase = :phase, #summary = :summary", {
      ":phase": SCAN_PHASE.aggregated,
      ":summary": summary,
    });
  }

  /** Closes the scan record with its summary; false if the claim was lost meanwhile. */
  async complete(
    scanId: string,
    token: string,
    summary: ScanSummaryMessage,
    now = new Date(),
  ): Promise<boolean> {
    const status = summary.status === "skipped" ? SCAN_STATUS.skipped : SCAN_STATUS.done;
    return this.ownUpdate(
      scanId,
      token,
      "SET #status = :status, #phase = :phase, #summary = :summary, #completed_at = :now REMOVE #lease_until",
      {
        ":status": status,
        ":phase": SCAN_PHASE.done,
        ":summary": summary,
        ":now": now.toISOString(),
      },
    );
  }

  /** Gives the claim up after a failure so the retry need not wait for the lease to run out. */
  async release(scanId: string, token: string): Promise<boolean> {
    return this.ownUpdate(
      scanId,
      token,
      "SET #lease_until = :zero",
      { ":zero": 0 },
      "AND #status = :inprog",
    );
  }

  private async ownUpdate(
    scanId: string,
    token: string,
    expression: string,
    values: Item,
    extraCondition = "",
  ): Promise<boolean> {
    try {
      await this.update({
        TableName: this.table,
        Key: KEYS.scan(scanId),
        UpdateExpression: expression,
        ConditionExpression: `#claim_token = :token ${extraCondition}`.trim(),
        ExpressionAttributeValues: {
          ...values,
          ":token": token,
          ...(extraCondition.includes(":inprog") ? { ":inprog": SCAN_STATUS.inProgress } : {}),
        },
      });
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async getScan(scanId: string): Promise<Item | undefined> {
    const out = await withRetry(
      () =>
        this.client.send(
          new GetCommand({ TableName: this.table, Key: KEYS.scan(scanId), ConsistentRead: true }),
        ),
      this.retry,
    );
    return out.Item;
  }

  /** The finding items of one scanned object. */
  async listFindings(scanId: string): Promise<Finding[]> {
    const items = await this.queryAll(KEYS.scan(scanId).pk, "FINDING#");
    return items.map((i) => i.finding as Finding);
  }

  /** Every aggregate, riskiest and most recent first. */
  async listAggregates(): Promise<AggregateRecord[]> {
    const parts = await mapLimit(aggregatePartitions(), 4, (pk) => this.queryAll(pk));
    return parts
      .flat()
      .map(toAggregateRecord)
      .sort(
        (a, b) =>
          (b.risk_score ?? -1) - (a.risk_score ?? -1) ||
          (b.lastTime ?? "").localeCompare(a.lastTime ?? "", FINDINGS_LOCALE) ||
          a.aggregate_id.localeCompare(b.aggregate_id, FINDINGS_LOCALE),
      );
  }

  private async queryAll(pk: string, skPrefix?: string): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const out = await withRetry(
        () =>
          this.client.send(
            new QueryCommand({
              TableName: this.table,
              KeyConditionExpression: `#${TABLE_LAYOUT.partitionKey} = :pk${skPrefix ? ` AND begins_with(#${TABLE_LAYOUT.sortKey}, :sk)` : ""}`,
              ExpressionAttributeNames: {
                [`#${TABLE_LAYOUT.partitionKey}`]: TABLE_LAYOUT.partitionKey,
                ...(skPrefix ? { [`#${TABLE_LAYOUT.sortKey}`]: TABLE_LAYOUT.sortKey } : {}),
              },
              ExpressionAttributeValues: { ":pk": pk, ...(skPrefix ? { ":sk": skPrefix } : {}) },
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          ),
        this.retry,
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  }
}
