import { LOG_LEVELS, type LogLevel } from "../../src/config/loadConfig.js";
import { TABLE_LAYOUT } from "../../src/sinks/tableLayout.js";

/**
 * Every default of the CDK app in one place. The values that are options of
 * `SysmonHuntOptions` can be overridden with the context key of the same name
 * (`npx cdk deploy -c memorySize=3008`, see `readConfig.ts`); the others (`retentionDays`,
 * `findingsMaxReceiveCount`, `findingsVisibilityTimeoutSeconds`, `visibilityTimeoutFactor`,
 * `retryAttempts`, `maxEventAgeSeconds`, `accessLogRetentionDays`, `table`) are fixed design
 * choices, changed here in code.
 */
export const DEFAULTS = {
  /** CloudFormation stack name. */
  stackName: "SysmonHunt",
  /** `queue`: bucket -> ingest queue -> function. `direct`: bucket invokes the function. */
  triggerMode: "queue",
  /**
   * 1769 MB is where Lambda allocates one full vCPU. The scan is single-threaded and CPU-bound,
   * so below this size it runs proportionally slower for the same GB-second cost, and above it
   * it gains nothing.
   */
  memorySize: 1769,
  /** Seconds. Room for a ~1 GB object at the benchmark's throughput, with margin. */
  timeoutSeconds: 300,
  /** Ingest-queue messages (one S3 object each) per invocation. */
  batchSize: 5,
  /** Seconds to wait to fill a batch; 0 scans an upload as soon as it arrives. */
  maxBatchingWindowSeconds: 0,
  /** Concurrent invocations the SQS event source may use (Lambda's minimum is 2). */
  maxConcurrency: 10,
  /** Receives before an ingest message goes to the ingest DLQ (AWS advises at least 5). */
  maxReceiveCount: 5,
  /** The ingest queue's visibility timeout is this multiple of the function timeout. */
  visibilityTimeoutFactor: 6,
  /** Direct mode: Lambda's own retries of a failed asynchronous invocation (0 to 2). */
  retryAttempts: 2,
  /** Direct mode: seconds an event may wait for an invocation before going to the DLQ. */
  maxEventAgeSeconds: 6 * 3600,
  /** Days the function's log group keeps logs (a CloudWatch Logs retention value). */
  logRetentionDays: 30,
  /** Powertools log level of the function. */
  logLevel: "INFO",
  /** Days findings and dead letters stay in their queues (SQS's maximum). */
  retentionDays: 14,
  /** Receives by a consumer before a findings message goes to the findings DLQ. */
  findingsMaxReceiveCount: 5,
  /** Findings-queue visibility timeout for consumers, seconds. */
  findingsVisibilityTimeoutSeconds: 60,
  /** Alarm when the oldest unconsumed finding is older than this, seconds. */
  findingsAgeAlarmSeconds: 6 * 3600,
  /** Days S3 server access logs of the log bucket are kept. */
  accessLogRetentionDays: 365,
  /** DynamoDB key and TTL attribute names: the DynamoDB sink's own layout. */
  table: {
    partitionKey: TABLE_LAYOUT.partitionKey,
    sortKey: TABLE_LAYOUT.sortKey,
    ttlAttribute: TABLE_LAYOUT.ttlAttribute,
  },
} as const;

/** The trigger modes `triggerMode` accepts. */
export const TRIGGER_MODES = ["queue", "direct"] as const;
export type TriggerMode = (typeof TRIGGER_MODES)[number];

/** The levels `logLevel` accepts: the handler's own list (Powertools Logger). */
export { LOG_LEVELS, type LogLevel };

/** The encryption modes `encryption` accepts. */
export const ENCRYPTION_MODES = ["s3", "kms"] as const;
export type EncryptionMode = (typeof ENCRYPTION_MODES)[number];
