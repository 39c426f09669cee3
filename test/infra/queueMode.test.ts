import { Match } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULTS } from "../../infra/lib/defaults.js";
import { TABLE_LAYOUT } from "../../src/sinks/tableLayout.js";
import {
  actionsOf,
  allowStatements,
  logicalId,
  removeAssemblies,
  resourcesOf,
  type Synthesized,
  synth,
} from "./synth.js";

// The default deployment: a new bucket, queue mode, S3-managed encryption.
let s: Synthesized;
let bucket: string;
let ingest: string;
let ingestDlq: string;
let findings: string;
let findingsDlq: string;
let table: string;
let fn: string;

afterAll(removeAssemblies);

beforeAll(() => {
  s = synth();
  const t = s.template;
  bucket = logicalId(t, "AWS::S3::Bucket", "LogBucket7");
  ingest = logicalId(t, "AWS::SQS::Queue", "IngestQueue8");
  ingestDlq = logicalId(t, "AWS::SQS::Queue", "IngestQueueDeadLetter");
  findings = logicalId(t, "AWS::SQS::Queue", "FindingsQueue6");
  findingsDlq = logicalId(t, "AWS::SQS::Queue", "FindingsQueueDeadLetter");
  table = logicalId(t, "AWS::DynamoDB::Table", "FindingsTable");
  fn = logicalId(t, "AWS::Lambda::Function", "ScannerFunction");
});

const arn = (id: string) => ({ "Fn::GetAtt": [id, "Arn"] });

describe("log bucket", () => {
  it("is encrypted, versioned, private, logged, and retained", () => {
    s.template.hasResource("AWS::S3::Bucket", {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } },
          ],
        },
        VersioningConfiguration: { Status: "Enabled" },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
      },
      DeletionPolicy: "Retain",
    });
  });

  it("denies requests without TLS", () => {
    s.template.hasResourceProperties("AWS::S3::BucketPolicy", {
      Bucket: { Ref: bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Deny",
            Action: "s3:*",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
        ]),
      },
    });
  });

  it("sends every ObjectCreated event, unfiltered, to the ingest queue", () => {
    s.template.hasResourceProperties("Custom::S3BucketNotifications", {
      BucketName: { Ref: bucket },
      Managed: true,
      NotificationConfiguration: {
        QueueConfigurations: [{ Events: ["s3:ObjectCreated:*"], QueueArn: arn(ingest) }],
      },
    });
    const config = Object.values(s.template.findResources("Custom::S3BucketNotifications"))[0];
    expect(config?.Properties.NotificationConfiguration.QueueConfigurations[0].Filter).toBe(
      undefined,
    );
  });

  it("is configured only once the ingest queue accepts it (S3 checks the destination)", () => {
    const policy = logicalId(s.template, "AWS::SQS::QueuePolicy", "IngestQueuePolicy");
    s.template.hasResource("Custom::S3BucketNotifications", {
      DependsOn: Match.arrayWith([policy]),
    });
  });

  it("is the only sender the ingest queue accepts, from this account", () => {
    s.template.hasResourceProperties("AWS::SQS::QueuePolicy", {
      Queues: [{ Ref: ingest }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: "Allow",
            Principal: { Service: "s3.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: arn(ingest),
            Condition: {
              ArnLike: { "aws:SourceArn": arn(bucket) },
              StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
            },
          },
        ]),
      },
    });
  });
});

describe("ingest queue", () => {
  it("is encrypted, has a DLQ after 3 to 5 receives, and hides messages >= 6x the timeout", () => {
    const q = s.template.findResources("AWS::SQS::Queue")[ingest]?.Properties;
    expect(q.SqsManagedSseEnabled).toBe(true);
    expect(q.RedrivePolicy.deadLetterTargetArn).toEqual(arn(ingestDlq));
    expect(q.RedrivePolicy.maxReceiveCount).toBeGreaterThanOrEqual(3);
    expect(q.RedrivePolicy.maxReceiveCount).toBeLessThanOrEqual(5);
    const timeout = s.template.findResources("AWS::Lambda::Function")[fn]?.Properties.Timeout;
    expect(timeout).toBe(DEFAULTS.timeoutSeconds);
    expect(q.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
  });

  it("feeds the function with ReportBatchItemFailures, batch size and max concurrency", () => {
    s.template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: arn(ingest),
      FunctionName: { Ref: fn },
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      BatchSize: DEFAULTS.batchSize,
      ScalingConfig: { MaximumConcurrency: DEFAULTS.maxConcurrency },
    });
  });
});

describe("every queue", () => {
  it("is encrypted and refuses requests without TLS; non-DLQs have a DLQ", () => {
    const queues = s.template.findResources("AWS::SQS::Queue");
    expect(Object.keys(queues).sort()).toEqual([findings, findingsDlq, ingest, ingestDlq].sort());
    for (const [id, q] of Object.entries(queues)) {
      expect(q.Properties.SqsManagedSseEnabled, id).toBe(true);
      s.template.hasResourceProperties("AWS::SQS::QueuePolicy", {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: "Deny",
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            }),
          ]),
        },
      });
      if (id !== ingestDlq && id !== findingsDlq) {
        expect(q.Properties.RedrivePolicy, id).toBeDefined();
      }
    }
    // Dead letters are kept for the maximum, 14 days.
    for (const id of [ingestDlq, findingsDlq]) {
      expect(queues[id]?.Properties.MessageRetentionPeriod).toBe(14 * 86400);
    }
  });
});

describe("scanner function", () => {
  it("runs the bundled handler on nodejs22.x, ARM64, with the default memory and timeout", () => {
    s.template.hasResourceProperties("AWS::Lambda::Function", {
      Runtime: "nodejs22.x",
      Architectures: ["arm64"],
      Handler: "index.handler",
      MemorySize: DEFAULTS.memorySize,
      Timeout: DEFAULTS.timeoutSeconds,
      Environment: {
        Variables: Match.objectLike({
          FINDINGS_QUEUE_URL: { Ref: findings },
          FINDINGS_TABLE: { Ref: table },
          LOG_LEVEL: "INFO",
        }),
      },
    });
  });

  it("logs to its own log group with a retention", () => {
    const logs = logicalId(s.template, "AWS::Logs::LogGroup", "ScannerLogs");
    s.template.hasResourceProperties("AWS::Logs::LogGroup", {
      RetentionInDays: DEFAULTS.logRetentionDays,
    });
    s.template.hasResourceProperties("AWS::Lambda::Function", {
      LoggingConfig: { LogGroup: { Ref: logs } },
    });
  });

  it("has a role with no managed policy", () => {
    const role = logicalId(s.template, "AWS::IAM::Role", "ScannerRole");
    expect(s.template.findResources("AWS::IAM::Role")[role]?.Properties.ManagedPolicyArns).toBe(
      undefined,
    );
  });
});

describe("least privilege", () => {
  const scannerStatements = () =>
    allowStatements(s.template).filter((x) => x.policy.startsWith("ScannerRole"));

  it("no policy grants an S3, SQS or DynamoDB action on a '*' resource", () => {
    const data = allowStatements(s.template).filter((x) =>
      actionsOf(x.statement).some((a) => /^(s3|sqs|dynamodb):/.test(a)),
    );
    expect(data.length).toBeGreaterThan(3);
    for (const { policy, statement } of data) {
      for (const r of resourcesOf(statement)) expect(r, policy).not.toBe("*");
    }
  });

  it("the function reads only objects of the log bucket, and nothing else in S3", () => {
    const s3 = scannerStatements().filter((x) =>
      actionsOf(x.statement).some((a) => a.startsWith("s3:")),
    );
    expect(s3).toHaveLength(1);
    expect(actionsOf(s3[0]?.statement as never).sort()).toEqual([
      "s3:GetObject",
      "s3:GetObjectVersion",
    ]);
    expect(s3[0]?.statement.Resource).toEqual({ "Fn::Join": ["", [arn(bucket), "/*"]] });
  });

  it("the function sends only to the findings queue and consumes only the ingest queue", () => {
    const sqs = scannerStatements().filter((x) =>
      actionsOf(x.statement).some((a) => a.startsWith("sqs:")),
    );
    const send = sqs.filter((x) => actionsOf(x.statement).includes("sqs:SendMessage"));
    expect(send.map((x) => x.statement.Resource)).toEqual([arn(findings)]);
    expect(actionsOf(send[0]?.statement as never)).toEqual(["sqs:SendMessage"]);
    const consume = sqs.filter((x) => !actionsOf(x.statement).includes("sqs:SendMessage"));
    expect(consume.map((x) => x.statement.Resource)).toEqual([arn(ingest)]);
  });

  it("the function reads and writes only the findings table, with no scan or admin action", () => {
    const ddb = scannerStatements().filter((x) =>
      actionsOf(x.statement).some((a) => a.startsWith("dynamodb:")),
    );
    expect(ddb.map((x) => x.statement.Resource)).toEqual([arn(table)]);
    const actions = actionsOf(ddb[0]?.statement as never);
    expect(actions).toEqual(
      expect.arrayContaining(["dynamodb:UpdateItem", "dynamodb:BatchWriteItem"]),
    );
    expect(actions).not.toContain("dynamodb:Scan");
    expect(actions.some((a) => a.includes("*") || /Table|Stream/.test(a))).toBe(false);
  });
});

describe("findings", () => {
  it("queue keeps messages 14 days, encrypted, with its own DLQ for consumers", () => {
    const q = s.template.findResources("AWS::SQS::Queue")[findings]?.Properties;
    expect(q.MessageRetentionPeriod).toBe(14 * 86400);
    expect(q.SqsManagedSseEnabled).toBe(true);
    expect(q.RedrivePolicy).toEqual({
      deadLetterTargetArn: arn(findingsDlq),
      maxReceiveCount: DEFAULTS.findingsMaxReceiveCount,
    });
  });

  it("table has the sink's key schema; on-demand, with PITR, TTL and encryption, retained", () => {
    s.template.hasResource("AWS::DynamoDB::Table", {
      Properties: {
        KeySchema: [
          { AttributeName: TABLE_LAYOUT.partitionKey, KeyType: "HASH" },
          { AttributeName: TABLE_LAYOUT.sortKey, KeyType: "RANGE" },
        ],
        BillingMode: "PAY_PER_REQUEST",
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: TABLE_LAYOUT.ttlAttribute, Enabled: true },
        SSESpecification: { SSEEnabled: true },
      },
      DeletionPolicy: "Retain",
    });
  });
});

describe("alarms", () => {
  const alarm = (metric: string, queueOrFn: string, threshold: number) =>
    s.template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: metric,
      Threshold: threshold,
      ComparisonOperator: "GreaterThanThreshold",
      Dimensions: [
        {
          Name: metric.startsWith("Approximate") ? "QueueName" : "FunctionName",
          Value: metric.startsWith("Approximate")
            ? { "Fn::GetAtt": [queueOrFn, "QueueName"] }
            : { Ref: queueOrFn },
        },
      ],
    });

  it("watch the ingest DLQ, errors, throttles, findings age and the findings DLQ", () => {
    alarm("ApproximateNumberOfMessagesVisible", ingestDlq, 0);
    alarm("Errors", fn, 0);
    alarm("Throttles", fn, 0);
    alarm("ApproximateAgeOfOldestMessage", findings, DEFAULTS.findingsAgeAlarmSeconds);
    alarm("ApproximateNumberOfMessagesVisible", findingsDlq, 0);
    s.template.resourceCountIs("AWS::CloudWatch::Alarm", 5);
  });

  it("have no action unless an alarm topic is given", () => {
    for (const a of Object.values(s.template.findResources("AWS::CloudWatch::Alarm"))) {
      expect(a.Properties.AlarmActions).toBe(undefined);
    }
  });
});

describe("outputs", () => {
  it("name the bucket, queues, table and function", () => {
    expect(s.template.toJSON().Outputs).toEqual({
      LogBucketName: expect.objectContaining({ Value: { Ref: bucket } }),
      IngestQueueUrl: expect.objectContaining({ Value: { Ref: ingest } }),
      FailedEventsQueueUrl: expect.objectContaining({ Value: { Ref: ingestDlq } }),
      FindingsQueueUrl: expect.objectContaining({ Value: { Ref: findings } }),
      FindingsDeadLetterQueueUrl: expect.objectContaining({ Value: { Ref: findingsDlq } }),
      FindingsTableName: expect.objectContaining({ Value: { Ref: table } }),
      ScannerFunctionName: expect.objectContaining({ Value: { Ref: fn } }),
    });
  });
});

describe("cdk-nag", () => {
  it("AwsSolutions reports nothing unacknowledged, errors or warnings", () => {
    expect(s.nagFindings).toEqual([]);
    expect(s.validationReport.pluginReports).toEqual([]);
  });
});
