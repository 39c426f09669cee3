import { describe, expect, it } from "vitest";
import { configuredEndpoint, createS3Client, createSqsClient } from "../src/awsEnv.js";

describe("configuredEndpoint", () => {
  it("prefers the service variable, then AWS_ENDPOINT_URL", () => {
    const env = { AWS_ENDPOINT_URL: "http://all:1", AWS_ENDPOINT_URL_SQS: "http://sqs:2" };
    expect(configuredEndpoint("SQS", env)).toBe("http://sqs:2");
    expect(configuredEndpoint("S3", env)).toBe("http://all:1");
    expect(configuredEndpoint("DYNAMODB", {})).toBeUndefined();
    expect(configuredEndpoint("S3", { AWS_ENDPOINT_URL_S3: "" })).toBeUndefined();
  });
});

describe("client factories", () => {
  it("S3 goes path-style only with an endpoint override, unless S3_FORCE_PATH_STYLE says", () => {
    const style = (env: Record<string, string>) =>
      createS3Client({ region: "us-east-1" }, env).config.forcePathStyle;
    expect(style({})).toBe(false);
    expect(style({ AWS_ENDPOINT_URL_S3: "http://127.0.0.1:4566" })).toBe(true);
    expect(
      style({ AWS_ENDPOINT_URL_S3: "http://127.0.0.1:4566", S3_FORCE_PATH_STYLE: "false" }),
    ).toBe(false);
    expect(style({ S3_FORCE_PATH_STYLE: "true" })).toBe(true);
    expect(
      createS3Client(
        { region: "us-east-1", forcePathStyle: false },
        { AWS_ENDPOINT_URL: "http://x" },
      ).config.forcePathStyle,
    ).toBe(false);
  });
  it("SQS sends to the queue URL's host on AWS, to the endpoint override otherwise", () => {
    const useQueueUrl = (env: Record<string, string>) =>
      (createSqsClient({ region: "us-east-1" }, env).config as { useQueueUrlAsEndpoint?: boolean })
        .useQueueUrlAsEndpoint;
    expect(useQueueUrl({})).toBe(true);
    expect(useQueueUrl({ AWS_ENDPOINT_URL_SQS: "http://127.0.0.1:4566" })).toBe(false);
  });
});
