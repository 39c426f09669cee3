import { Duration } from "aws-cdk-lib";
import type { IKey } from "aws-cdk-lib/aws-kms";
import { Queue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { DeadLetterQueue } from "./DeadLetterQueue.js";
import { DEFAULTS } from "./defaults.js";
import { queueEncryption } from "./queueEncryption.js";

export interface IngestQueueProps {
  /** Timeout of the function consuming the queue; sets the visibility timeout. */
  readonly functionTimeout: Duration;
  /**
   * The consumer's batching window, added to the visibility timeout as AWS advises.
   * @default Duration.seconds(0)
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Visibility timeout = this x function timeout + batching window (AWS advises at least 6).
   * @default 6
   */
  readonly visibilityTimeoutFactor?: number;
  /**
   * Receives before a message moves to the DLQ.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * KMS key for server-side encryption of the queue and its DLQ. S3 is allowed to use it for
   * notifications when the destination is bound.
   * @default - SQS-managed SSE
   */
  readonly encryptionKey?: IKey;
}

/** Queue mode: the buffer between the bucket's notifications and the function, with its DLQ. */
export class IngestQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: IngestQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new DeadLetterQueue(this, "DeadLetter", {
      encryptionKey: props.encryptionKey,
    }).queue;
    const factor = props.visibilityTimeoutFactor ?? DEFAULTS.visibilityTimeoutFactor;
    const window = props.maxBatchingWindow ?? Duration.seconds(0);
    this.queue = new Queue(this, "Queue", {
      ...queueEncryption(props.encryptionKey),
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(
        props.functionTimeout.toSeconds() * factor + window.toSeconds(),
      ),
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: props.maxReceiveCount ?? DEFAULTS.maxReceiveCount,
      },
    });
  }
}
