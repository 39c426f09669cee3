import { Duration } from "aws-cdk-lib";
import type { IKey } from "aws-cdk-lib/aws-kms";
import { Queue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { DEFAULTS } from "./defaults.js";
import { queueEncryption } from "./queueEncryption.js";

export interface DeadLetterQueueProps {
  /**
   * KMS key for server-side encryption.
   * @default - SQS-managed SSE
   */
  readonly encryptionKey?: IKey;
  /**
   * A FIFO queue (the DLQ of a FIFO queue must be FIFO).
   * @default false
   */
  readonly fifo?: boolean;
  /**
   * Days a dead letter is kept.
   * @default 14 (SQS's maximum)
   */
  readonly retentionDays?: number;
}

/** A dead-letter queue: encrypted, TLS only, longest retention. It has no DLQ of its own. */
export class DeadLetterQueue extends Construct {
  readonly queue: Queue;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps = {}) {
    super(scope, id);
    this.queue = new Queue(this, "Queue", {
      ...queueEncryption(props.encryptionKey),
      enforceSSL: true,
      retentionPeriod: Duration.days(props.retentionDays ?? DEFAULTS.retentionDays),
      ...(props.fifo ? { fifo: true } : {}),
    });
  }
}
