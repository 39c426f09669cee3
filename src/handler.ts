import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Context, SQSBatchResponse } from "aws-lambda";
import { createDynamoClient, createS3Client, createSqsClient } from "./awsEnv.js";
import { ChunkPool, type RuleFiles } from "./chunks/ChunkPool.js";
import { ConfigError } from "./config/errors.js";
import { loadConfig } from "./config/loadConfig.js";
import { type Notification, parseLambdaEvent } from "./input/s3Notifications.js";
import {
  METRICS,
  type ObjectOutcome,
  type ObjectPipeline,
  processObject,
} from "./processObject.js";
import { loadMacros, loadRules } from "./rules/loadRules.js";
import { locateRules } from "./rules/locateRules.js";
import { ruleSetOptions } from "./scan.js";
import { DynamoFindingsStore } from "./sinks/DynamoFindingsStore.js";
import type { RetryPolicy } from "./sinks/retry.js";
import { SqsFindingsSink } from "./sinks/SqsFindingsSink.js";

type Env = Readonly<Record<string, string | undefined>>;

/** What the handler is built from; everything defaults to the environment (tests inject). */
export interface HandlerDeps {
  readonly env?: Env;
  readonly s3?: S3Client;
  readonly sqs?: SQSClient;
  readonly dynamo?: DynamoDBDocumentClient;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  readonly retry?: RetryPolicy;
}

/** A direct invoke's answer; an SQS batch gets `batchItemFailures` instead. */
export interface DirectResult {
  readonly results: readonly ObjectOutcome[];
  readonly ignored: readonly string[];
}

export type Handler = (
  event: unknown,
  context?: Partial<Context>,
) => Promise<DirectResult | SQSBatchResponse>;

/** Lease on a scan claim when the invocation's remaining time is unknown (Lambda's maximum). */
const DEFAULT_LEASE_MS = 15 * 60_000;

async function initialise(deps: HandlerDeps): Promise<ObjectPipeline> {
  const env = deps.env ?? process.env;
  const config = loadConfig(env);
  const logger =
    deps.logger ??
    new Logger({
      serviceName: env.POWERTOOLS_SERVICE_NAME || "sysmon-hunt",
      logLevel: config.logLevel,
    });
  const metrics =
    deps.metrics ??
    new Metrics({
      namespace: env.POWERTOOLS_METRICS_NAMESPACE || "SysmonHunt",
      serviceName: env.POWERTOOLS_SERVICE_NAME || "sysmon-hunt",
    });
  const where = await locateRules({
    ...(config.rulesDir ? { rulesDir: config.rulesDir } : {}),
    moduleUrl: import.meta.url,
    ...(env.LAMBDA_TASK_ROOT ? { taskRoot: env.LAMBDA_TASK_ROOT } : {}),
  });
  const files: RuleFiles = { rulePaths: [where.rules], macroPaths: where.macros };
  // started first, so the workers load their rules while this thread does
  const pools = scanPools(files, config.scanThreads, logger);
  let ruleSet: Awaited<ReturnType<typeof loadRules>>;
  try {
    ruleSet = await loadRules(files.rulePaths, await loadMacros(files.macroPaths));
    for (const l of [...ruleSet.loads, ...ruleSet.sigmaLoads]) {
      if (l.status !== "ok")
        logger.warn("rule not loaded", { file: l.file, status: l.status, reason: l.reason });
    }
    if (ruleSet.rules.length === 0 && ruleSet.sigmaRules.length === 0) {
      throw new ConfigError([
        { variable: "RULES_DIR", message: `leads to no usable rules (${where.rules})` },
      ]);
    }
  } catch (err) {
    await pools?.close();
    throw err;
  }
  logger.info("cold start", {
    rules: ruleSet.rules.length,
    sigmaRules: ruleSet.sigmaRules.length,
    rulesDir: where.rules,
    scanThreads: config.scanThreads,
  });
  return {
    ...ruleSetOptions(ruleSet),
    ...(pools === undefined ? {} : { pool: pools.current }),
    s3: deps.s3 ?? createS3Client({}, env),
    store: new DynamoFindingsStore({
      table: config.findingsTable,
      client: deps.dynamo ?? createDynamoClient(),
      ttlDays: config.findingsTtlDays,
      ...(deps.retry ? { retry: deps.retry } : {}),
    }),
    sink: new SqsFindingsSink({
      queueUrl: config.findingsQueueUrl,
      client: deps.sqs ?? createSqsClient({}, env),
      ...(deps.retry ? { retry: deps.retry } : {}),
    }),
    maxObjectBytes: config.maxObjectBytes,
    logger,
    metrics,
  };
}

/**
 * The worker threads XML objects are split over (none when `threads` is 0), kept for the life
 * of the execution environment; a pool whose worker died is replaced before the next object.
 */
function scanPools(
  files: RuleFiles,
  threads: number,
  logger: Logger,
): { current: () => ChunkPool; close: () => Promise<void> } | undefined {
  if (threads < 2) return undefined;
  let pool = new ChunkPool(files, threads);
  return {
    current: () => {
      if (pool.broken) {
        logger.warn("a scan worker thread died; starting new ones", { scanThreads: threads });
        void pool.close();
        pool = new ChunkPool(files, threads);
      }
      return pool;
    },
    close: () => pool.close(),
  };
}

async function processNotification(
  n: Notification,
  p: ObjectPipeline,
  leaseMs: number,
): Promise<ObjectOutcome[]> {
  for (const reason of n.ignored) p.logger.info("notification ignored", { reason });
  const out: ObjectOutcome[] = [];
  for (const ref of n.objects) {
    p.logger.appendKeys({ bucket: ref.bucket, key: ref.key });
    try {
      out.push(await processObject(ref, p, leaseMs));
    } catch (err) {
      // logged here, where the object's bucket and key are still on every line
      p.logger.error("object failed; it will be retried", { error: err as Error });
      p.metrics.addMetric(METRICS.objectsFailed, MetricUnit.Count, 1);
      throw err;
    } finally {
      p.logger.removeKeys(["bucket", "key"]);
    }
  }
  return out;
}

/**
 * Builds the Lambda handler. Configuration, clients and compiled rules are made once, on the
 * first invocation (the cold start); a `ConfigError` there names the variable to fix.
 */
export function createHandler(deps: HandlerDeps = {}): Handler {
  let ready: Promise<ObjectPipeline> | undefined;
  return async (event, context) => {
    ready ??= initialise(deps).catch((err: unknown) => {
      ready = undefined;
      throw err;
    });
    const p = await ready;
    if (context?.functionName) p.logger.addContext(context as Context);
    const remaining = context?.getRemainingTimeInMillis?.();
    // The claim outlives this invocation by a minute, so a timed-out attempt frees it soon after.
    const leaseMs = remaining === undefined ? DEFAULT_LEASE_MS : remaining + 60_000;
    try {
      const input = parseLambdaEvent(event);
      if (input.kind === "direct") {
        const results = await processNotification(input.notification, p, leaseMs);
        return { results, ignored: input.notification.ignored };
      }
      const batchItemFailures: SQSBatchResponse["batchItemFailures"] = [];
      for (const record of input.records) {
        try {
          if (record.error !== undefined) throw record.error;
          if (record.notification !== undefined)
            await processNotification(record.notification, p, leaseMs);
        } catch (err) {
          p.logger.error("record failed; SQS will redeliver it", {
            messageId: record.messageId,
            error: err as Error,
          });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures };
    } finally {
      if (p.metrics.hasStoredMetrics()) p.metrics.publishStoredMetrics();
    }
  };
}

/** The Lambda entry point (`dist/handler.js`, bundled by the CDK app). */
export const handler: Handler = createHandler();
