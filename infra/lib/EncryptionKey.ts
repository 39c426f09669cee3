import { Stack } from "aws-cdk-lib";
import { PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { type IKey, Key } from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";

export interface EncryptionKeyProps {
  /**
   * Use this existing key. Its policy is not changed: it must already let S3 and CloudWatch
   * Logs use it.
   * @default - a key is created, with yearly rotation and retained on stack deletion
   */
  readonly keyArn?: string;
}

/** The one customer-managed KMS key of `encryption=kms`: bucket, queues, table and logs. */
export class EncryptionKey extends Construct {
  readonly key: IKey;
  /** True when the key was created here (its policy can be extended by the stack). */
  readonly created: boolean;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps = {}) {
    super(scope, id);
    if (props.keyArn !== undefined) {
      this.key = Key.fromKeyArn(this, "Imported", props.keyArn);
      this.created = false;
      return;
    }
    const key = new Key(this, "Key", {
      description: "sysmon-hunt: log bucket, ingest and findings queues, findings table, logs",
      enableKeyRotation: true,
    });
    // CloudWatch Logs encrypts the function's log group with this key; the statement is the one
    // the CloudWatch Logs guide gives, narrowed to this account's log groups.
    const { region, account, partition } = Stack.of(this);
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal(`logs.${region}.amazonaws.com`)],
        actions: [
          "kms:Encrypt*",
          "kms:Decrypt*",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:Describe*",
        ],
        resources: ["*"],
        conditions: {
          ArnLike: {
            "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${account}:log-group:*`,
          },
        },
      }),
    );
    this.key = key;
    this.created = true;
  }
}
