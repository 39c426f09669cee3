// Starts fauxqs (S3 + SQS) and dynalite (DynamoDB) once for the whole run, in the main vitest
// process, on free ports; test files reach them through the AWS_ENDPOINT_URL_* values provided
// here (see support/harness.ts). Unit tests ignore them.
import type { TestProject } from "vitest/node";
import { startLocalStack } from "../../scripts/localStack.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** AWS_ENDPOINT_URL_S3/_SQS/_DYNAMODB, region and dummy credentials of the local stack. */
    localAwsEnv: Record<string, string>;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await startLocalStack();
  project.provide("localAwsEnv", { ...stack.env });
  return () => stack.stop();
}
