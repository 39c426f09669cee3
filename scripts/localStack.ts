// Local AWS for `npm start`, `npm run invoke` and the integration tests: fauxqs (S3 + SQS) and
// dynalite (DynamoDB), both in this process on free ports, reached through the standard
// AWS_ENDPOINT_URL_* variables exactly as the Lambda would reach AWS.
import type { AddressInfo } from "node:net";
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { CreateQueueCommand } from "@aws-sdk/client-sqs";
import dynalite from "dynalite";
import { startFauxqs } from "fauxqs";
import { createDynamoClient, createS3Client, createSqsClient } from "../src/awsEnv.js";
import { tableDefinition } from "../src/sinks/tableLayout.js";

/** Names `npm start` uses (the sample events in events/ name the same bucket). */
export const LOCAL_NAMES = {
  bucket: "sysmon-hunt-logs",
  queue: "sysmon-hunt-findings",
  table: "sysmon-hunt-findings",
  region: "us-east-1",
} as const;

export interface LocalEndpoints {
  readonly s3: string;
  readonly sqs: string;
  readonly dynamodb: string;
}

export interface LocalStack {
  readonly endpoints: LocalEndpoints;
  /** Variables pointing the SDK at the stack (endpoints, region, dummy credentials). */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/** The environment that points every AWS SDK client of a process at `endpoints`. */
export function localEnv(endpoints: LocalEndpoints): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_REGION: LOCAL_NAMES.region,
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
  };
}

/** Starts fauxqs and dynalite on free ports of 127.0.0.1. */
export async function startLocalStack(): Promise<LocalStack> {
  const faux = await startFauxqs({ port: 0, logger: false });
  const dyn = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    dyn.once("error", reject);
    dyn.listen(0, "127.0.0.1", () => resolve());
  });
  const endpoints: LocalEndpoints = {
    s3: faux.address,
    sqs: faux.address,
    dynamodb: `http://127.0.0.1:${(dyn.address() as AddressInfo).port}`,
  };
  return {
    endpoints,
    env: localEnv(endpoints),
    async stop() {
      await faux.stop();
      dyn.closeAllConnections();
      await new Promise<void>((resolve) => dyn.close(() => resolve()));
    },
  };
}

export interface ResourceNames {
  readonly bucket: string;
  readonly queue: string;
  readonly table: string;
}

/**
 * Creates a bucket, a findings queue (FIFO when its name ends in `.fifo`) and a findings table
 * through the SDK, using the endpoints in `process.env`. Returns the queue URL.
 */
export async function createResources(names: ResourceNames): Promise<{ queueUrl: string }> {
  const s3 = createS3Client();
  const sqs = createSqsClient();
  const dynamo = createDynamoClient();
  try {
    await s3.send(new CreateBucketCommand({ Bucket: names.bucket }));
    const fifo = names.queue.endsWith(".fifo");
    const q = await sqs.send(
      new CreateQueueCommand({
        QueueName: names.queue,
        ...(fifo ? { Attributes: { FifoQueue: "true" } } : {}),
      }),
    );
    await dynamo.send(new CreateTableCommand(tableDefinition(names.table)));
    if (q.QueueUrl === undefined) throw new Error(`CreateQueue ${names.queue} returned no URL`);
    return { queueUrl: q.QueueUrl };
  } finally {
    s3.destroy();
    sqs.destroy();
    dynamo.destroy();
  }
}
