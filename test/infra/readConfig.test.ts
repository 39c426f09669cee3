import { App } from "aws-cdk-lib";
import { describe, expect, it } from "vitest";
import { InfraConfigError } from "../../infra/lib/errors.js";
import { readConfig } from "../../infra/lib/readConfig.js";

const read = (context: Record<string, unknown>) => readConfig(new App({ context }).node);

describe("readConfig", () => {
  it("gives no options and the default stack name for an empty context", () => {
    expect(read({})).toEqual({ stackName: "SysmonHunt", options: {} });
  });

  it("accepts -c strings and cdk.json JSON values alike", () => {
    const fromCli = read({
      memorySize: "2048",
      timeoutSeconds: "120",
      findingsFifo: "true",
      logLevel: "debug",
      logRetentionDays: "90",
      triggerMode: "direct",
      prefix: "logs/",
      stackName: "SysmonHuntDev",
    });
    expect(fromCli).toEqual({
      stackName: "SysmonHuntDev",
      options: {
        memorySize: 2048,
        timeoutSeconds: 120,
        findingsFifo: true,
        logLevel: "DEBUG",
        logRetentionDays: 90,
        triggerMode: "direct",
        prefix: "logs/",
      },
    });
    expect(
      read({ memorySize: 2048, timeoutSeconds: 120, findingsFifo: true, logRetentionDays: 90 })
        .options,
    ).toEqual({ memorySize: 2048, timeoutSeconds: 120, findingsFifo: true, logRetentionDays: 90 });
  });

  it("turns kmsKeyArn alone into encryption=kms", () => {
    const arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    expect(read({ kmsKeyArn: arn }).options).toEqual({ encryption: "kms", kmsKeyArn: arn });
  });

  it.each([
    ["memorySize", "lots", /not an integer from 128 to 10240/],
    ["memorySize", "64", /not an integer from 128 to 10240/],
    ["timeoutSeconds", 901, /from 1 to 900/],
    ["maxConcurrency", "1", /from 2 to 1000/],
    ["batchSize", "2.5", /not an integer/],
    ["triggerMode", "push", /not one of "queue", "direct"/],
    ["encryption", "aes", /not one of "s3", "kms"/],
    ["logRetentionDays", "31", /not one of .*30, 60/],
    ["logLevel", "LOUD", /not one of "TRACE"/],
    ["findingsFifo", "yes", /not true or false/],
    ["logBucketName", "Corp_Logs", /not an S3 bucket name/],
    ["kmsKeyArn", "alias/logs", /not a KMS key ARN/],
    ["alarmTopicArn", "sysmon-alarms", /not an SNS topic ARN/],
    ["prefix", 42, /must be a string/],
  ])("rejects %s=%j with an error naming the key", (key, value, message) => {
    let error: unknown;
    try {
      read({ [key]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InfraConfigError);
    expect((error as InfraConfigError).key).toBe(key);
    expect((error as Error).message).toMatch(new RegExp(`^context ${key}: `));
    expect((error as Error).message).toMatch(message);
  });

  it("rejects a key ARN together with encryption=s3", () => {
    expect(() =>
      read({
        encryption: "s3",
        kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      }),
    ).toThrow(/context kmsKeyArn: is set but encryption is s3/);
  });
});
