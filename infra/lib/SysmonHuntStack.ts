import { CfnOutput, Duration, Stack, type StackProps, Validations } from "aws-cdk-lib";
import type { IKey } from "aws-cdk-lib/aws-kms";
import { SqsDestination as LambdaSqsDestination } from "aws-cdk-lib/aws-lambda-destinations";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { LambdaDestination } from "aws-cdk-lib/aws-s3-notifications";
import { Topic } from "aws-cdk-lib/aws-sns";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { Alarms } from "./Alarms.js";
import { DeadLetterQueue } from "./DeadLetterQueue.js";
import { DEFAULTS } from "./defaults.js";
import { EncryptionKey } from "./EncryptionKey.js";
import { FindingsQueue } from "./FindingsQueue.js";
import { FindingsTable } from "./FindingsTable.js";
import { IngestQueue } from "./IngestQueue.js";
import { LogBucket } from "./LogBucket.js";
import { nagResourceId } from "./nagResourceId.js";
import { QueueNotificationDestination } from "./QueueNotificationDestination.js";
import { ScannerFunction } from "./ScannerFunction.js";
import type { SysmonHuntOptions } from "./SysmonHuntOptions.js";

/** Stack props: the deployment options (see `SysmonHuntOptions`, all optional) and `StackProps`. */
export interface SysmonHuntStackProps extends StackProps, SysmonHuntOptions {}

/**
 * The whole product: log bucket -> (ingest queue ->) scanner function -> findings queue and
 * table, with alarms and outputs. The function can read only the log objects under the prefix,
 * send only to the findings queue and read/write only the findings table.
 */
export class SysmonHuntStack extends Stack {
  readonly encryptionKey?: IKey;
  readonly logBucket: LogBucket;
  /** Queue mode only. */
  readonly ingestQueue?: IngestQueue;
  /** Where events the scanner could not process end up: the ingest DLQ, or direct mode's DLQ. */
  readonly failedEventsQueue: IQueue;
  readonly findingsQueue: FindingsQueue;
  readonly findingsTable: FindingsTable;
  readonly scanner: ScannerFunction;
  readonly alarms: Alarms;

  constructor(scope: Construct, id: string, props: SysmonHuntStackProps = {}) {
    super(scope, id, props);
    const mode = props.triggerMode ?? DEFAULTS.triggerMode;
    const encryption = props.encryption ?? (props.kmsKeyArn === undefined ? "s3" : "kms");
    const key =
      encryption === "kms"
        ? new EncryptionKey(this, "EncryptionKey", { keyArn: props.kmsKeyArn }).key
        : undefined;
    this.encryptionKey = key;
    const timeout = Duration.seconds(props.timeoutSeconds ?? DEFAULTS.timeoutSeconds);
    const batchingWindow = Duration.seconds(
      props.maxBatchingWindowSeconds ?? DEFAULTS.maxBatchingWindowSeconds,
    );

    this.logBucket = new LogBucket(this, "LogBucket", {
      bucketName: props.logBucketName,
      encryptionKey: key,
      prefix: props.prefix,
      suffix: props.suffix,
    });
    this.findingsQueue = new FindingsQueue(this, "FindingsQueue", {
      encryptionKey: key,
      fifo: props.findingsFifo,
    });
    this.findingsTable = new FindingsTable(this, "FindingsTable", { encryptionKey: key });
    this.scanner = new ScannerFunction(this, "Scanner", {
      findingsQueueUrl: this.findingsQueue.queue.queueUrl,
      findingsTableName: this.findingsTable.table.tableName,
      memorySize: props.memorySize,
      timeout,
      logRetention: props.logRetentionDays,
      logLevel: props.logLevel,
      maxObjectBytes: props.maxObjectBytes,
      findingsTtlDays: props.findingsTtlDays,
      reservedConcurrency: props.reservedConcurrency,
      encryptionKey: key,
    });
    const fn = this.scanner.function;
    this.logBucket.grantReadObjects(fn);
    this.findingsQueue.grantSend(fn);
    this.findingsTable.grantReadWrite(fn);

    if (mode === "queue") {
      const ingest = new IngestQueue(this, "IngestQueue", {
        functionTimeout: timeout,
        maxBatchingWindow: batchingWindow,
        maxReceiveCount: props.maxReceiveCount,
        encryptionKey: key,
      });
      fn.addEventSource(
        new SqsEventSource(ingest.queue, {
          batchSize: props.batchSize ?? DEFAULTS.batchSize,
          maxBatchingWindow: batchingWindow,
          maxConcurrency: props.maxConcurrency ?? DEFAULTS.maxConcurrency,
          reportBatchItemFailures: true,
        }),
      );
      this.logBucket.notifyOnObjectCreated(new QueueNotificationDestination(ingest.queue));
      this.ingestQueue = ingest;
      this.failedEventsQueue = ingest.deadLetterQueue;
    } else {
      const failed = new DeadLetterQueue(this, "FailedEvents", { encryptionKey: key }).queue;
      Validations.of(failed).acknowledge({
        id: "AwsSolutions-SQS3",
        reason: "This queue is a DLQ: the on-failure destination of the function's async invokes.",
      });
      fn.configureAsyncInvoke({
        onFailure: new LambdaSqsDestination(failed),
        retryAttempts: DEFAULTS.retryAttempts,
        maxEventAge: Duration.seconds(DEFAULTS.maxEventAgeSeconds),
      });
      this.logBucket.notifyOnObjectCreated(new LambdaDestination(fn));
      this.failedEventsQueue = failed;
      if (key !== undefined) {
        for (const action of ["kms:ReEncrypt*", "kms:GenerateDataKey*"]) {
          Validations.of(this.scanner.role).acknowledge({
            id: `AwsSolutions-IAM5[Action::${action}]`,
            reason:
              "Added by CDK's Lambda SQS destination grant, on the stack's one KMS key only, " +
              "so failed events can be sent to the encrypted DLQ.",
          });
        }
      }
    }

    this.alarms = new Alarms(this, "Alarms", {
      function: fn,
      ingestDeadLetterQueue: this.failedEventsQueue,
      findingsQueue: this.findingsQueue.queue,
      findingsDeadLetterQueue: this.findingsQueue.deadLetterQueue,
      findingsAgeThreshold:
        props.findingsAgeAlarmSeconds === undefined
          ? undefined
          : Duration.seconds(props.findingsAgeAlarmSeconds),
      alarmTopic:
        props.alarmTopicArn === undefined
          ? undefined
          : Topic.fromTopicArn(this, "AlarmTopic", props.alarmTopicArn),
    });

    this.acknowledgeIntendedFindings();
    this.addOutputs();
  }

  /** cdk-nag findings that are intended, each with its reason. */
  private acknowledgeIntendedFindings(): void {
    Validations.of(this.scanner.role).acknowledge({
      id: `AwsSolutions-IAM5[${nagResourceId(this, this.logBucket.objectsArn)}]`,
      reason:
        "Object ARNs under the configured prefix: the function scans whatever object is " +
        "uploaded there; the actions are only s3:GetObject and s3:GetObjectVersion.",
    });
    // CDK's singleton that applies bucket notifications (a custom resource handler).
    for (const child of this.node.children) {
      if (child.node.id.startsWith("BucketNotificationsHandler")) {
        Validations.of(child).acknowledge({
          id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
          reason:
            "CDK's bucket-notification custom resource handler; it only writes its own logs " +
            "and its s3:PutBucketNotification is scoped to the log bucket by CDK.",
        });
      }
    }
  }

  private addOutputs(): void {
    const out = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    out("LogBucketName", this.logBucket.bucket.bucketName, "Upload Sysmon logs here");
    if (this.ingestQueue !== undefined) {
      out("IngestQueueUrl", this.ingestQueue.queue.queueUrl, "S3 events waiting to be scanned");
    }
    out(
      "FailedEventsQueueUrl",
      this.failedEventsQueue.queueUrl,
      "DLQ of S3 events the scanner failed on",
    );
    out("FindingsQueueUrl", this.findingsQueue.queue.queueUrl, "Findings and scan summaries");
    out(
      "FindingsDeadLetterQueueUrl",
      this.findingsQueue.deadLetterQueue.queueUrl,
      "DLQ of the findings queue's consumers",
    );
    out("FindingsTableName", this.findingsTable.table.tableName, "Scans, findings, aggregates");
    out("ScannerFunctionName", this.scanner.function.functionName, "The scanner Lambda");
  }
}
