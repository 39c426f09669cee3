import { Match } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULTS } from "../../infra/lib/defaults.js";
import { logicalId, removeAssemblies, type Synthesized, synth } from "./synth.js";

// Direct mode, with key filters and non-default function settings given as `-c` strings.
let s: Synthesized;
let bucket: string;
let failed: string;
let fn: string;

afterAll(removeAssemblies);

beforeAll(() => {
  s = synth({
    triggerMode: "direct",
    prefix: "sysmon/",
    suffix: ".xml.gz",
    memorySize: "3008",
    timeoutSeconds: "600",
    logRetentionDays: "90",
    logLevel: "debug",
    maxObjectBytes: "1073741824",
    reservedConcurrency: "20",
  });
  bucket = logicalId(s.template, "AWS::S3::Bucket", "LogBucket7");
  failed = logicalId(s.template, "AWS::SQS::Queue", "FailedEvents");
  fn = logicalId(s.template, "AWS::Lambda::Function", "ScannerFunction");
});

const arn = (id: string) => ({ "Fn::GetAtt": [id, "Arn"] });

describe("direct trigger", () => {
  it("the bucket invokes the function for filtered ObjectCreated events", () => {
    s.template.hasResourceProperties("Custom::S3BucketNotifications", {
      BucketName: { Ref: bucket },
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          {
            Events: ["s3:ObjectCreated:*"],
            LambdaFunctionArn: arn(fn),
            Filter: Match.anyValue(),
          },
        ],
      },
    });
    const config = Object.values(s.template.findResources("Custom::S3BucketNotifications"))[0];
    const rules = config?.Properties.NotificationConfiguration.LambdaFunctionConfigurations[0]
      .Filter.Key.FilterRules as { Name: string }[];
    expect([...rules].sort((a, b) => a.Name.localeCompare(b.Name))).toEqual([
      { Name: "prefix", Value: "sysmon/" },
      { Name: "suffix", Value: ".xml.gz" },
    ]);
    s.template.hasResourceProperties("AWS::Lambda::Permission", {
      Action: "lambda:InvokeFunction",
      Principal: "s3.amazonaws.com",
      FunctionName: arn(fn),
      SourceArn: arn(bucket),
      SourceAccount: { Ref: "AWS::AccountId" },
    });
  });

  it("has no ingest queue and no event source mapping", () => {
    s.template.resourceCountIs("AWS::Lambda::EventSourceMapping", 0);
    expect(Object.keys(s.template.findResources("AWS::SQS::Queue")).sort()).toEqual(
      [
        failed,
        ...["FindingsQueue6", "FindingsQueueDeadLetter"].map((p) =>
          logicalId(s.template, "AWS::SQS::Queue", p),
        ),
      ].sort(),
    );
    expect(s.template.toJSON().Outputs.IngestQueueUrl).toBe(undefined);
  });

  it("sends events that failed all retries to an encrypted, TLS-only DLQ", () => {
    s.template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
      FunctionName: { Ref: fn },
      MaximumRetryAttempts: DEFAULTS.retryAttempts,
      MaximumEventAgeInSeconds: DEFAULTS.maxEventAgeSeconds,
      DestinationConfig: { OnFailure: { Destination: arn(failed) } },
    });
    s.template.hasResourceProperties("AWS::SQS::Queue", {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86400,
    });
    s.template.hasResourceProperties("AWS::SQS::QueuePolicy", {
      Queues: [{ Ref: failed }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Deny",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
        ]),
      },
    });
    expect(s.template.toJSON().Outputs.FailedEventsQueueUrl.Value).toEqual({ Ref: failed });
  });

  it("alarms on that DLQ as the ingest DLQ", () => {
    s.template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [failed, "QueueName"] } }],
      Threshold: 0,
    });
  });
});

describe("context options", () => {
  it("set memory, timeout, reserved concurrency and the handler's environment", () => {
    s.template.hasResourceProperties("AWS::Lambda::Function", {
      MemorySize: 3008,
      Timeout: 600,
      ReservedConcurrentExecutions: 20,
      Environment: {
        Variables: Match.objectLike({ LOG_LEVEL: "DEBUG", MAX_OBJECT_BYTES: "1073741824" }),
      },
    });
    s.template.hasResourceProperties("AWS::Logs::LogGroup", { RetentionInDays: 90 });
  });

  it("the prefix also narrows the function's read access", () => {
    s.template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:GetObjectVersion"],
            Resource: { "Fn::Join": ["", [arn(bucket), "/sysmon/*"]] },
          },
        ]),
      },
    });
  });
});

describe("cdk-nag", () => {
  it("AwsSolutions reports nothing unacknowledged, errors or warnings", () => {
    expect(s.nagFindings).toEqual([]);
    expect(s.validationReport.pluginReports).toEqual([]);
  });
});
