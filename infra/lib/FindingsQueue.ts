import { Duration } from "aws-cdk-lib";
import { type IGrantable, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import { Queue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { DeadLetterQueue } from "./DeadLetterQueue.js";
import { DEFAULTS } from "./defaults.js";
import { queueEncryption } from "./queueEncryption.js";

export interface FindingsQueueProps {
  /**
   * KMS key for server-side encryption of the queue and its DLQ.
   * @default - SQS-managed SSE
   */
  readonly encryptionKey?: IKey;
  /**
   * FIFO queue and DLQ (the sink then sets message group and deduplication ids).
   * @default false
   */
  readonly fifo?: boolean;
  /**
   * Days an unconsumed finding is kept.
   * @default 14
   */
  readonly retentionDays?: number;
  /**
   * Receives by consumers before a message moves to the findings DLQ.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * Visibility timeout for consumers.
   * @default Duration.seconds(60)
   */
  readonly visibilityTimeout?: Duration;
}

/** Where the function publishes findings and scan summaries, with a DLQ for its consumers. */
export class FindingsQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  private readonly encryptionKey?: IKey;

  constructor(scope: Construct, id: string, props: FindingsQueueProps = {}) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    const retentionDays = props.retentionDays ?? DEFAULTS.retentionDays;
    this.deadLetterQueue = new DeadLetterQueue(this, "DeadLetter", {
      encryptionKey: props.encryptionKey,
      fifo: props.fifo,
      retentionDays,
    }).queue;
    this.queue = new Queue(this, "Queue", {
      ...queueEncryption(props.encryptionKey),
      enforceSSL: true,
      retentionPeriod: Duration.days(retentionDays),
      visibilityTimeout:
        props.visibilityTimeout ?? Duration.seconds(DEFAULTS.findingsVisibilityTimeoutSeconds),
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: props.maxReceiveCount ?? DEFAULTS.findingsMaxReceiveCount,
      },
      ...(props.fifo ? { fifo: true } : {}),
    });
  }

  /** Lets `grantee` send (and batch-send) messages to the queue, nothing else. */
  grantSend(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ["sqs:SendMessage"], resources: [this.queue.queueArn] }),
    );
    if (this.encryptionKey !== undefined) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ["kms:GenerateDataKey", "kms:Decrypt"],
          resources: [this.encryptionKey.keyArn],
        }),
      );
    }
  }
}
