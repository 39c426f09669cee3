import { RemovalPolicy } from "aws-cdk-lib";
import { AttributeType, BillingMode, Table, TableEncryption } from "aws-cdk-lib/aws-dynamodb";
import { type IGrantable, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";
import { DEFAULTS } from "./defaults.js";

/**
 * Exactly the item operations the handler's DynamoDB sink sends (conditional puts and updates,
 * batch writes, reads; no scan, no transaction). test/infra/permissions.test.ts fails when the code
 * reachable from src/handler.ts sends a command not covered here, or stops sending one.
 */
export const TABLE_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:Query",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:BatchWriteItem",
] as const;

export interface FindingsTableProps {
  /**
   * Customer-managed KMS key of the table.
   * @default - the AWS-managed key `aws/dynamodb`
   */
  readonly encryptionKey?: IKey;
  /**
   * Partition key attribute (string).
   * @default "pk"
   */
  readonly partitionKey?: string;
  /**
   * Sort key attribute (string).
   * @default "sk"
   */
  readonly sortKey?: string;
  /**
   * Attribute holding the epoch-seconds expiry of an item.
   * @default "expires_at"
   */
  readonly ttlAttribute?: string;
}

/**
 * The one table of the DynamoDB sink: scan records, findings and aggregates. On-demand,
 * point-in-time recovery, TTL, encrypted, retained when the stack is deleted.
 */
export class FindingsTable extends Construct {
  readonly table: Table;
  private readonly encryptionKey?: IKey;

  constructor(scope: Construct, id: string, props: FindingsTableProps = {}) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    this.table = new Table(this, "Table", {
      partitionKey: {
        name: props.partitionKey ?? DEFAULTS.table.partitionKey,
        type: AttributeType.STRING,
      },
      sortKey: { name: props.sortKey ?? DEFAULTS.table.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: props.ttlAttribute ?? DEFAULTS.table.ttlAttribute,
      ...(props.encryptionKey
        ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: props.encryptionKey }
        : { encryption: TableEncryption.AWS_MANAGED }),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** Lets `grantee` read and write items of this table only (no scan, no table admin). */
  grantReadWrite(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...TABLE_ACTIONS], resources: [this.table.tableArn] }),
    );
    if (this.encryptionKey !== undefined) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
          resources: [this.encryptionKey.keyArn],
        }),
      );
    }
  }
}
