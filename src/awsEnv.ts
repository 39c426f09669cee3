import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { SQSClient, type SQSClientConfig } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** Services whose endpoint can be overridden with the SDK's standard `AWS_ENDPOINT_URL_<ID>`. */
export const ENDPOINT_VARIABLES = {
  S3: "AWS_ENDPOINT_URL_S3",
  SQS: "AWS_ENDPOINT_URL_SQS",
  DYNAMODB: "AWS_ENDPOINT_URL_DYNAMODB",
} as const;

export type AwsService = keyof typeof ENDPOINT_VARIABLES;
type Env = Readonly<Record<string, string | undefined>>;

/**
 * The endpoint override the SDK will pick up for `service` (service variable first, then
 * `AWS_ENDPOINT_URL`). The SDK reads these variables itself; this only tells the factories
 * below whether one is set, because two SDK defaults do not suit an emulator endpoint.
 */
export function configuredEndpoint(
  service: AwsService,
  env: Env = process.env,
): string | undefined {
  const value = env[ENDPOINT_VARIABLES[service]] || env.AWS_ENDPOINT_URL;
  return value === undefined || value === "" ? undefined : value;
}

/**
 * S3 client. With an endpoint override (fauxqs, MinIO, LocalStack) requests are path-style,
 * since `bucket.localhost` does not resolve; `S3_FORCE_PATH_STYLE=true|false` decides explicitly.
 */
export function createS3Client(config: S3ClientConfig = {}, env: Env = process.env): S3Client {
  const explicit = env.S3_FORCE_PATH_STYLE;
  const forcePathStyle =
    explicit === undefined || explicit === ""
      ? configuredEndpoint("S3", env) !== undefined
      : explicit === "true";
  return new S3Client({ forcePathStyle, ...config });
}

/**
 * SQS client. The SDK normally sends each request to the host in the queue URL; with an
 * endpoint override that host (`sqs.us-east-1.localhost` for fauxqs) may not resolve, so the
 * configured endpoint is used instead.
 */
export function createSqsClient(config: SQSClientConfig = {}, env: Env = process.env): SQSClient {
  return new SQSClient({
    useQueueUrlAsEndpoint: configuredEndpoint("SQS", env) === undefined,
    ...config,
  });
}

/** DynamoDB document client (plain JS values; `undefined` attributes are dropped). */
export function createDynamoClient(
  config: DynamoDBClientConfig = {},
  client?: DynamoDBClient,
): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client ?? new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
