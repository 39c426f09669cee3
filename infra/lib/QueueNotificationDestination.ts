import { Stack } from "aws-cdk-lib";
import { PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import {
  type BucketNotificationDestinationConfig,
  BucketNotificationDestinationType,
  type IBucketNotificationDestination,
  type IBucketRef,
} from "aws-cdk-lib/aws-s3";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";

/**
 * Sends a bucket's notifications to a queue of this stack, like CDK's `SqsDestination`, but
 * without the dependency cycle that one creates when the queue and the bucket share a KMS key
 * created in the stack (its key-policy grant names the bucket's ARN while the bucket names the
 * key). The queue policy lets only this bucket, in this account, send; the key statement is
 * the one the S3 guide gives for encrypted notification queues (S3 has no source ARN there).
 */
export class QueueNotificationDestination implements IBucketNotificationDestination {
  constructor(private readonly queue: IQueue) {}

  bind(scope: Construct, bucket: IBucketRef): BucketNotificationDestinationConfig {
    const s3 = new ServicePrincipal("s3.amazonaws.com");
    const { policyDependable } = this.queue.addToResourcePolicy(
      new PolicyStatement({
        principals: [s3],
        actions: ["sqs:SendMessage"],
        resources: [this.queue.queueArn],
        conditions: {
          ArnLike: { "aws:SourceArn": bucket.bucketRef.bucketArn },
          StringEquals: { "aws:SourceAccount": Stack.of(scope).account },
        },
      }),
    );
    this.queue.encryptionMasterKey?.addToResourcePolicy(
      new PolicyStatement({
        principals: [s3],
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        resources: ["*"],
      }),
      true,
    );
    return {
      type: BucketNotificationDestinationType.QUEUE,
      arn: this.queue.queueArn,
      dependencies: policyDependable ? [policyDependable] : [],
    };
  }
}
