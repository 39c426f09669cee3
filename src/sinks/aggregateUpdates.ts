import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { Finding } from "../detect/types.js";
import { SinkError } from "./errors.js";
import { withNames } from "./expressionNames.js";
import { type RetryPolicy, withRetry } from "./retry.js";
import {
  aggregateIdOf,
  contributorId,
  ITEM_TYPES,
  KEYS,
  TABLE_LAYOUT,
  type TableKey,
} from "./tableLayout.js";

/** The object version a scan read, as recorded on aggregates and finding items. */
export interface ScanSource {
  readonly scanId: string;
  readonly uri: string;
  readonly versionId?: string;
  readonly eTag?: string;
}

/** One aggregate as `sysmon-hunt findings` and consumers read it. */
export interface AggregateRecord {
  readonly aggregate_id: string;
  readonly detection: Finding["detection"];
  readonly risk_score: number | null;
  readonly message: string;
  readonly fields: Readonly<Record<string, string>>;
  /** Matching events over all contributing objects. */
  readonly count: number;
  /** Objects that contributed. */
  readonly objects: number;
  readonly firstTime: string | null;
  readonly lastTime: string | null;
  readonly first_seen_at: string;
  readonly updated_at: string;
  readonly last_source: {
    readonly uri: string;
    readonly version_id: string | null;
    readonly etag: string | null;
  };
}

export interface AggregateContext {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  readonly retry: RetryPolicy;
}

const isConditionFailure = (err: unknown) =>
  (err as Error).name === "ConditionalCheckFailedException";

/** Runs a conditional update; `false` when its condition did not hold (nothing changed). */
async function conditional(
  ctx: AggregateContext,
  input: ConstructorParameters<typeof UpdateCommand>[0],
) {
  try {
    return await withRetry(() => ctx.client.send(new UpdateCommand(withNames(input))), ctx.retry);
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** Lowers `firstTime` / raises `lastTime` when this finding extends the range (idempotent). */
async function widenRange(
  ctx: AggregateContext,
  key: TableKey,
  f: Finding,
  current?: Record<string, unknown>,
) {
  const jobs: Promise<unknown>[] = [];
  if (
    f.firstTime !== null &&
    (current === undefined || (current.firstTime as string) > f.firstTime)
  ) {
    jobs.push(
      conditional(ctx, {
        TableName: ctx.table,
        Key: key,
        UpdateExpression: "SET #firstTime = :t",
        ConditionExpression:
          "attribute_exists(#pk) AND (attribute_not_exists(#firstTime) OR #firstTime > :t)",
        ExpressionAttributeValues: { ":t": f.firstTime },
      }),
    );
  }
  if (f.lastTime !== null && (current === undefined || (current.lastTime as string) < f.lastTime)) {
    jobs.push(
      conditional(ctx, {
        TableName: ctx.table,
        Key: key,
        UpdateExpression: "SET #lastTime = :t",
        ConditionExpression:
          "attribute_exists(#pk) AND (attribute_not_exists(#lastTime) OR #lastTime < :t)",
        ExpressionAttributeValues: { ":t": f.lastTime },
      }),
    );
  }
  await Promise.all(jobs);
}

/**
 * Adds one object's finding to its aggregate, exactly once, with conditional writes only:
 * 1. a new aggregate is created whole by a `PutItem` on condition that it does not exist yet;
 * 2. otherwise one `UpdateItem` adds the count, one object and this scan's id to `contributors`,
 *    on condition that the id is not there yet. The check and the increments are one atomic
 *    write, so a redelivery, an SDK retry of a write whose answer was lost, or a crash between
 *    steps never counts twice, and objects updating one aggregate at once all count (`ADD`,
 *    never read-modify-write).
 * Most hunting aggregates are new (their by-fields include process ids), so the usual cost is
 * one put (see README "Idempotency"). Returns whether the caller should later remove its id to
 * keep `contributors` small.
 */
export async function applyAggregate(
  ctx: AggregateContext,
  f: Finding,
  source: ScanSource,
  now: Date,
  expires: number,
): Promise<{ applied: boolean; trim: boolean }> {
  const aggregateId = aggregateIdOf(f);
  const key = KEYS.aggregate(aggregateId, f.detection.id);
  const cid = contributorId(source.scanId);
  const lastSource = {
    uri: source.uri,
    version_id: source.versionId ?? null,
    etag: source.eTag ?? null,
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    const created = await conditionalPut(ctx, {
      ...key,
      type: ITEM_TYPES.aggregate,
      aggregate_id: aggregateId,
      detection: f.detection,
      risk_score: f.risk_score,
      message: f.message,
      fields: f.fields,
      count: f.count,
      objects: 1,
      contributors: new Set([cid]),
      ...(f.firstTime === null ? {} : { firstTime: f.firstTime }),
      ...(f.lastTime === null ? {} : { lastTime: f.lastTime }),
      first_seen_at: now.toISOString(),
      updated_at: now.toISOString(),
      last_source: lastSource,
      expires_at: expires,
    });
    if (created) return { applied: true, trim: false };
    const out = await conditional(ctx, {
      TableName: ctx.table,
      Key: key,
      UpdateExpression: `ADD #count :count, #objects :one, #contributors :cids
        SET #detection = :detection, #risk_score = :risk, #updated_at = :now, #last_source = :source,
        #expires_at = :exp`,
      ConditionExpression: "attribute_exists(#pk) AND NOT contains(#contributors, :cid)",
      ExpressionAttributeValues: {
        ":count": f.count,
        ":one": 1,
        ":cids": new Set([cid]),
        ":cid": cid,
        ":detection": f.detection,
        ":risk": f.risk_score,
        ":now": now.toISOString(),
        ":source": lastSource,
        ":exp": expires,
      },
      ReturnValues: "ALL_NEW",
    });
    if (out !== false) {
      const item = out.Attributes ?? {};
      await widenRange(ctx, key, f, item);
      const kept = (item.contributors as Set<string> | undefined)?.size ?? 0;
      return { applied: true, trim: kept > TABLE_LAYOUT.contributorsKept };
    }
    // Either applied by an earlier attempt of this scan, or the item vanished (TTL) in between.
    const current = await ctx.client.send(
      new GetCommand({ TableName: ctx.table, Key: key, ConsistentRead: true }),
    );
    if (current.Item !== undefined) {
      // Applied before; the range widening may not have been.
      await widenRange(ctx, key, f);
      return { applied: false, trim: true };
    }
  }
  throw new SinkError(
    "aggregate-update-failed",
    `aggregate ${key.pk}/${key.sk} kept changing under the update`,
  );
}

/** Creates an item on condition that it does not exist; false when it does. */
async function conditionalPut(
  ctx: AggregateContext,
  item: Record<string, unknown>,
): Promise<boolean> {
  try {
    await withRetry(
      () =>
        ctx.client.send(
          new PutCommand(
            withNames({
              TableName: ctx.table,
              Item: item,
              ConditionExpression: "attribute_not_exists(#pk)",
            }),
          ),
        ),
      ctx.retry,
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** Removes this scan's id from an aggregate's `contributors` (never creates the item). */
export async function trimContributor(
  ctx: AggregateContext,
  f: Finding,
  scanId: string,
): Promise<void> {
  const cid = contributorId(scanId);
  await conditional(ctx, {
    TableName: ctx.table,
    Key: KEYS.aggregate(aggregateIdOf(f), f.detection.id),
    UpdateExpression: "DELETE #contributors :cids",
    ConditionExpression: "contains(#contributors, :cid)",
    ExpressionAttributeValues: { ":cids": new Set([cid]), ":cid": cid },
  });
}

/** An aggregate item as a plain record (internal attributes dropped). */
export function toAggregateRecord(item: Record<string, unknown>): AggregateRecord {
  return {
    aggregate_id: item.aggregate_id as string,
    detection: item.detection as Finding["detection"],
    risk_score: (item.risk_score as number | null | undefined) ?? null,
    message: (item.message as string | undefined) ?? "",
    fields: (item.fields as Record<string, string> | undefined) ?? {},
    count: Number(item.count ?? 0),
    objects: Number(item.objects ?? 0),
    firstTime: (item.firstTime as string | undefined) ?? null,
    lastTime: (item.lastTime as string | undefined) ?? null,
    first_seen_at: item.first_seen_at as string,
    updated_at: item.updated_at as string,
    last_source: item.last_source as AggregateRecord["last_source"],
  };
}
