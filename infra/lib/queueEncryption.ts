import type { IKey } from "aws-cdk-lib/aws-kms";
import { QueueEncryption } from "aws-cdk-lib/aws-sqs";

/** SQS-managed SSE, or SSE-KMS with `key`. */
export function queueEncryption(key: IKey | undefined): {
  encryption: QueueEncryption;
  encryptionMasterKey?: IKey;
} {
  return key === undefined
    ? { encryption: QueueEncryption.SQS_MANAGED }
    : { encryption: QueueEncryption.KMS, encryptionMasterKey: key };
}
