import type { EncryptionMode, LogLevel, TriggerMode } from "./defaults.js";

/**
 * What a deployment can choose. Every field is also a CDK context key of the same name
 * (`npx cdk deploy -c triggerMode=direct`); `readConfig` turns the context into these options.
 * Defaults live in `defaults.ts`.
 */
export interface SysmonHuntOptions {
  /**
   * Scan an existing bucket, imported by name, instead of creating one. Its encryption, access
   * logging and versioning are its owner's; the stack only adds the ObjectCreated notification
   * and read access for the function.
   * @default - a new bucket is created
   */
  readonly logBucketName?: string;
  /**
   * Only objects whose key starts with this are scanned (notification filter and IAM scope).
   * @default - every key
   */
  readonly prefix?: string;
  /**
   * Only objects whose key ends with this are scanned (notification filter).
   * @default - every key
   */
  readonly suffix?: string;
  /**
   * `queue`: bucket -> ingest queue (with DLQ) -> function. `direct`: the bucket notification
   * invokes the function asynchronously, failed events go to a DLQ (on-failure destination).
   * @default "queue"
   */
  readonly triggerMode?: TriggerMode;
  /**
   * Function memory, MB.
   * @default 1769 (one full vCPU)
   */
  readonly memorySize?: number;
  /**
   * Function timeout, seconds.
   * @default 300
   */
  readonly timeoutSeconds?: number;
  /**
   * Queue mode: ingest messages per invocation.
   * @default 5
   */
  readonly batchSize?: number;
  /**
   * Queue mode: seconds to gather a batch.
   * @default 0
   */
  readonly maxBatchingWindowSeconds?: number;
  /**
   * Queue mode: the SQS event source's maximum concurrency (2 to 1000).
   * @default 10
   */
  readonly maxConcurrency?: number;
  /**
   * Queue mode: receives before an ingest message goes to the ingest DLQ.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * Reserved concurrency of the function (caps direct mode, which has no event-source limit).
   * @default - unreserved
   */
  readonly reservedConcurrency?: number;
  /**
   * `s3`: S3-managed keys for the created bucket, SQS-managed SSE for the queues, an AWS-owned
   * key for the table. `kms`: one customer-managed key (rotated yearly) for all of them and the
   * function's log group.
   * @default "s3", or "kms" when `kmsKeyArn` is set
   */
  readonly encryption?: EncryptionMode;
  /**
   * Use this existing KMS key instead of creating one (implies `encryption=kms`). Its key policy
   * must let S3 (`s3.amazonaws.com`) and CloudWatch Logs (`logs.<region>.amazonaws.com`) use
   * it. With an imported bucket, this is also the key the function may decrypt objects with.
   * @default - a key is created when `encryption=kms`
   */
  readonly kmsKeyArn?: string;
  /**
   * Retention of the function's log group, days (a CloudWatch Logs retention value).
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * The function's `LOG_LEVEL`.
   * @default "INFO"
   */
  readonly logLevel?: LogLevel;
  /**
   * The function's `MAX_OBJECT_BYTES`: larger objects are skipped.
   * @default - the handler's own limit
   */
  readonly maxObjectBytes?: number;
  /**
   * The function's `FINDINGS_TTL_DAYS`: days DynamoDB keeps an item after its last update.
   * @default - the handler's own default
   */
  readonly findingsTtlDays?: number;
  /**
   * Make the findings queue (and its DLQ) FIFO; the sink then sets group and deduplication ids.
   * @default false
   */
  readonly findingsFifo?: boolean;
  /**
   * Alarm when the oldest message in the findings queue is older than this, seconds.
   * @default 21600 (6 hours)
   */
  readonly findingsAgeAlarmSeconds?: number;
  /**
   * An SNS topic every alarm notifies (on alarm and on recovery).
   * @default - alarms have no action
   */
  readonly alarmTopicArn?: string;
}
