import { Match } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  actionsOf,
  allowStatements,
  logicalId,
  removeAssemblies,
  resourcesOf,
  type Synthesized,
  synth,
} from "./synth.js";

const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:sysmon-alarms";

let created: Synthesized;
let imported: Synthesized;
let key: string;

afterAll(removeAssemblies);

beforeAll(() => {
  created = synth({ encryption: "kms" });
  key = logicalId(created.template, "AWS::KMS::Key", "EncryptionKey");
  imported = synth({
    kmsKeyArn: KEY_ARN,
    logBucketName: "corp-sysmon-logs",
    triggerMode: "direct",
    findingsFifo: "true",
    alarmTopicArn: TOPIC_ARN,
  });
});

describe("encryption=kms with a key created by the stack", () => {
  const keyArn = () => ({ "Fn::GetAtt": [key, "Arn"] });

  it("creates one rotated, retained key", () => {
    created.template.resourceCountIs("AWS::KMS::Key", 1);
    created.template.hasResource("AWS::KMS::Key", {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: "Retain",
    });
  });

  it("encrypts the log bucket, every queue, the table and the log group with it", () => {
    const logBucket = logicalId(created.template, "AWS::S3::Bucket", "LogBucket7");
    expect(
      created.template.findResources("AWS::S3::Bucket")[logBucket]?.Properties.BucketEncryption,
    ).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: keyArn() },
        },
      ],
    });
    const queues = Object.values(created.template.findResources("AWS::SQS::Queue"));
    expect(queues).toHaveLength(4);
    for (const q of queues) expect(q.Properties.KmsMasterKeyId).toEqual(keyArn());
    created.template.hasResourceProperties("AWS::DynamoDB::Table", {
      SSESpecification: { SSEEnabled: true, SSEType: "KMS", KMSMasterKeyId: keyArn() },
    });
    created.template.hasResourceProperties("AWS::Logs::LogGroup", { KmsKeyId: keyArn() });
  });

  it("lets S3 write notifications into the encrypted ingest queue and Logs use the key", () => {
    created.template.hasResourceProperties("AWS::KMS::Key", {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Effect: "Allow",
            Principal: { Service: "s3.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: "*",
          },
        ]),
      },
    });
    created.template.hasResourceProperties("AWS::KMS::Key", {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: {
              Service: { "Fn::Join": ["", ["logs.", { Ref: "AWS::Region" }, ".amazonaws.com"]] },
            },
          }),
        ]),
      },
    });
  });

  it("gives the function only non-wildcard KMS actions on that key", () => {
    const kms = allowStatements(created.template).filter(
      (x) =>
        x.policy.startsWith("ScannerRole") &&
        actionsOf(x.statement).some((a) => a.startsWith("kms:")),
    );
    expect(kms.length).toBeGreaterThan(0);
    for (const x of kms) {
      expect(resourcesOf(x.statement)).toEqual([keyArn()]);
      for (const a of actionsOf(x.statement)) expect(a).not.toContain("*");
    }
  });

  it("cdk-nag reports nothing unacknowledged", () => {
    expect(created.nagFindings).toEqual([]);
    expect(created.validationReport.pluginReports).toEqual([]);
  });
});

describe("kmsKeyArn: an existing key, with an imported bucket, direct mode, FIFO findings", () => {
  it("creates no key and uses the given one for queues, table and log group", () => {
    imported.template.resourceCountIs("AWS::KMS::Key", 0);
    const queues = Object.values(imported.template.findResources("AWS::SQS::Queue"));
    expect(queues).toHaveLength(3);
    for (const q of queues) expect(q.Properties.KmsMasterKeyId).toBe(KEY_ARN);
    imported.template.hasResourceProperties("AWS::DynamoDB::Table", {
      SSESpecification: { SSEEnabled: true, SSEType: "KMS", KMSMasterKeyId: KEY_ARN },
    });
    imported.template.hasResourceProperties("AWS::Logs::LogGroup", { KmsKeyId: KEY_ARN });
  });

  it("lets the function decrypt the imported bucket's objects with it", () => {
    imported.template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(["kms:Decrypt"]), Resource: KEY_ARN }),
        ]),
      },
    });
  });

  it("makes the findings queue and its DLQ FIFO", () => {
    const findings = logicalId(imported.template, "AWS::SQS::Queue", "FindingsQueue6");
    const dlq = logicalId(imported.template, "AWS::SQS::Queue", "FindingsQueueDeadLetter");
    const queues = imported.template.findResources("AWS::SQS::Queue");
    expect(queues[findings]?.Properties.FifoQueue).toBe(true);
    expect(queues[dlq]?.Properties.FifoQueue).toBe(true);
  });

  it("notifies the alarm topic when any alarm fires or recovers", () => {
    const alarms = Object.values(imported.template.findResources("AWS::CloudWatch::Alarm"));
    expect(alarms).toHaveLength(5);
    for (const a of alarms) {
      expect(a.Properties.AlarmActions).toEqual([TOPIC_ARN]);
      expect(a.Properties.OKActions).toEqual([TOPIC_ARN]);
    }
  });

  it("cdk-nag reports nothing unacknowledged", () => {
    expect(imported.nagFindings).toEqual([]);
    expect(imported.validationReport.pluginReports).toEqual([]);
  });
});
