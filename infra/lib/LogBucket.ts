import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { type IGrantable, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  EventType,
  type IBucket,
  type IBucketNotificationDestination,
  type NotificationKeyFilter,
  ObjectOwnership,
} from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { DEFAULTS } from "./defaults.js";

export interface LogBucketProps {
  /**
   * Import this existing bucket by name instead of creating one.
   * @default - a bucket is created
   */
  readonly bucketName?: string;
  /**
   * KMS key of the created bucket; for an imported bucket, the key its objects are encrypted
   * with (the function gets `kms:Decrypt` on it).
   * @default - S3-managed keys (SSE-S3)
   */
  readonly encryptionKey?: IKey;
  /**
   * Key prefix of the objects to scan: notification filter and IAM scope.
   * @default - every key
   */
  readonly prefix?: string;
  /**
   * Key suffix of the objects to scan: notification filter.
   * @default - every key
   */
  readonly suffix?: string;
  /**
   * Days the created bucket's server access logs are kept.
   * @default 365
   */
  readonly accessLogRetentionDays?: number;
}

/**
 * The bucket the logs are uploaded to: created (encrypted, versioned, public access blocked,
 * TLS only, server access logging) or imported by name.
 */
export class LogBucket extends Construct {
  readonly bucket: IBucket;
  /** True when `bucketName` was given. */
  readonly imported: boolean;
  /** The created bucket's access-log bucket. */
  readonly accessLogsBucket?: Bucket;
  /** The ARN pattern of the objects the function may read (`<bucket ARN>/<prefix>*`). */
  readonly objectsArn: string;
  private readonly filter: NotificationKeyFilter;
  private readonly encryptionKey?: IKey;

  constructor(scope: Construct, id: string, props: LogBucketProps = {}) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    this.filter = {
      ...(props.prefix ? { prefix: props.prefix } : {}),
      ...(props.suffix ? { suffix: props.suffix } : {}),
    };
    if (props.bucketName !== undefined) {
      this.bucket = Bucket.fromBucketAttributes(this, "Imported", {
        bucketName: props.bucketName,
        encryptionKey: props.encryptionKey,
      });
      this.imported = true;
    } else {
      const accessLogs = new Bucket(this, "AccessLogs", {
        // S3 server access logging delivers only to SSE-S3 buckets.
        encryption: BucketEncryption.S3_MANAGED,
        blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        minimumTLSVersion: 1.2,
        objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
        lifecycleRules: [
          {
            expiration: Duration.days(
              props.accessLogRetentionDays ?? DEFAULTS.accessLogRetentionDays,
            ),
          },
        ],
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.accessLogsBucket = accessLogs;
      this.bucket = new Bucket(this, "Bucket", {
        ...(props.encryptionKey
          ? {
              encryption: BucketEncryption.KMS,
              encryptionKey: props.encryptionKey,
              bucketKeyEnabled: true,
            }
          : { encryption: BucketEncryption.S3_MANAGED }),
        blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        minimumTLSVersion: 1.2,
        versioned: true,
        objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
        serverAccessLogsBucket: accessLogs,
        serverAccessLogsPrefix: "log-bucket/",
        lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(7) }],
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.imported = false;
    }
    this.objectsArn = this.bucket.arnForObjects(`${props.prefix ?? ""}*`);
  }

  /** Sends ObjectCreated events (all kinds: Put, Post, Copy, multipart) matching the filters. */
  notifyOnObjectCreated(destination: IBucketNotificationDestination): void {
    const filters = Object.keys(this.filter).length > 0 ? [this.filter] : [];
    this.bucket.addEventNotification(EventType.OBJECT_CREATED, destination, ...filters);
  }

  /**
   * Lets `grantee` read objects (any version) under the prefix, and nothing else: no listing,
   * no bucket-level action. A missing object then reads as AccessDenied, which the handler
   * treats like NoSuchKey (skipped, not retried).
   */
  grantReadObjects(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ["s3:GetObject", "s3:GetObjectVersion"],
        resources: [this.objectsArn],
      }),
    );
    if (this.encryptionKey !== undefined) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({ actions: ["kms:Decrypt"], resources: [this.encryptionKey.keyArn] }),
      );
    }
  }
}
