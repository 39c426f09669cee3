import { Match } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  actionsOf,
  allowStatements,
  logicalId,
  removeAssemblies,
  type Synthesized,
  synth,
} from "./synth.js";

// An existing bucket, imported by name, scanned under a prefix (queue mode).
let s: Synthesized;

afterAll(removeAssemblies);

beforeAll(() => {
  s = synth({ logBucketName: "corp-sysmon-logs", prefix: "hosts/" });
});

const bucketArn = (suffix = "") => ({
  "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, `:s3:::corp-sysmon-logs${suffix}`]],
});

describe("imported log bucket", () => {
  it("creates no bucket", () => {
    s.template.resourceCountIs("AWS::S3::Bucket", 0);
    s.template.resourceCountIs("AWS::S3::BucketPolicy", 0);
    expect(s.template.toJSON().Outputs.LogBucketName.Value).toBe("corp-sysmon-logs");
  });

  it("adds the prefix-filtered notification to the bucket's existing ones (unmanaged)", () => {
    const ingest = logicalId(s.template, "AWS::SQS::Queue", "IngestQueue8");
    s.template.hasResourceProperties("Custom::S3BucketNotifications", {
      BucketName: "corp-sysmon-logs",
      Managed: false,
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ["s3:ObjectCreated:*"],
            QueueArn: { "Fn::GetAtt": [ingest, "Arn"] },
            Filter: { Key: { FilterRules: [{ Name: "prefix", Value: "hosts/" }] } },
          },
        ],
      },
    });
    s.template.hasResourceProperties("AWS::SQS::QueuePolicy", {
      Queues: [{ Ref: ingest }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: "s3.amazonaws.com" },
            Condition: Match.objectLike({ ArnLike: { "aws:SourceArn": bucketArn() } }),
          }),
        ]),
      },
    });
  });

  it("lets the function read objects under the prefix only", () => {
    const s3 = allowStatements(s.template).filter(
      (x) =>
        x.policy.startsWith("ScannerRole") &&
        actionsOf(x.statement).some((a) => a.startsWith("s3:")),
    );
    expect(s3.map((x) => x.statement.Resource)).toEqual([bucketArn("/hosts/*")]);
  });

  it("lets the notification handler only put and read that bucket's notification config", () => {
    const handler = allowStatements(s.template).filter((x) =>
      actionsOf(x.statement).some((a) => a.includes("BucketNotification")),
    );
    expect(handler.flatMap((x) => actionsOf(x.statement)).sort()).toEqual([
      "s3:GetBucketNotification",
      "s3:PutBucketNotification",
    ]);
    for (const x of handler) expect(x.statement.Resource).toEqual(bucketArn());
  });
});

describe("cdk-nag", () => {
  it("AwsSolutions reports nothing unacknowledged, errors or warnings", () => {
    expect(s.nagFindings).toEqual([]);
    expect(s.validationReport.pluginReports).toEqual([]);
  });
});
