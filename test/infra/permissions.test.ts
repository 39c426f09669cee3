import { readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  actionsOf,
  allowStatements,
  REPO_ROOT,
  removeAssemblies,
  type Synthesized,
  synth,
} from "./synth.js";

/**
 * IAM actions each AWS SDK command needs. A command missing here fails the test: map it, then
 * grant it (or not) in the construct that owns the resource.
 */
const COMMAND_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  // S3: a versioned GetObject needs GetObjectVersion; HeadObject is authorised as GetObject.
  GetObject: ["s3:GetObject", "s3:GetObjectVersion"],
  HeadObject: ["s3:GetObject"],
  SendMessage: ["sqs:SendMessage"],
  SendMessageBatch: ["sqs:SendMessage"],
  // DynamoDB, document client (lib-dynamodb) and low-level names.
  Get: ["dynamodb:GetItem"],
  GetItem: ["dynamodb:GetItem"],
  Put: ["dynamodb:PutItem"],
  PutItem: ["dynamodb:PutItem"],
  Update: ["dynamodb:UpdateItem"],
  UpdateItem: ["dynamodb:UpdateItem"],
  Delete: ["dynamodb:DeleteItem"],
  DeleteItem: ["dynamodb:DeleteItem"],
  Query: ["dynamodb:Query"],
  Scan: ["dynamodb:Scan"],
  BatchGet: ["dynamodb:BatchGetItem"],
  BatchGetItem: ["dynamodb:BatchGetItem"],
  BatchWrite: ["dynamodb:BatchWriteItem"],
  BatchWriteItem: ["dynamodb:BatchWriteItem"],
};

let s: Synthesized;
/** Command name -> the source files reachable from the handler that send it. */
const sent = new Map<string, string[]>();

afterAll(removeAssemblies);

beforeAll(async () => {
  s = synth();
  // The source files the Lambda bundle is made of (dependencies left out: we own these calls).
  const result = await build({
    entryPoints: [join(REPO_ROOT, "src/handler.ts")],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "esm",
    packages: "external",
    logLevel: "silent",
  });
  for (const file of Object.keys(result.metafile.inputs)) {
    const code = readFileSync(join(REPO_ROOT, file), "utf8");
    for (const m of code.matchAll(/\bnew\s+(\w+)Command\s*\(/g)) {
      const name = m[1] as string;
      sent.set(name, [...(sent.get(name) ?? []), file]);
    }
  }
});

function granted(prefix: string): string[] {
  const actions = allowStatements(s.template)
    .filter((x) => x.policy.startsWith("ScannerRole"))
    .flatMap((x) => actionsOf(x.statement))
    .filter((a) => a.startsWith(prefix));
  return [...new Set(actions)].sort();
}

function required(prefix: string): string[] {
  const actions = [...sent.keys()].flatMap((c) => {
    const mapped = COMMAND_ACTIONS[c];
    if (mapped === undefined) {
      throw new Error(`${c}Command (in ${sent.get(c)?.join(", ")}) has no IAM mapping here`);
    }
    return mapped;
  });
  return [...new Set(actions.filter((a) => a.startsWith(prefix)))].sort();
}

describe("the function's permissions match the calls the handler's code makes", () => {
  it("finds the handler's AWS calls", () => {
    expect([...sent.keys()]).toEqual(expect.arrayContaining(["GetObject", "SendMessageBatch"]));
  });

  it("DynamoDB: exactly the item actions the sink sends", () => {
    expect(granted("dynamodb:")).toEqual(required("dynamodb:"));
  });

  it("S3: exactly the object reads the source makes", () => {
    expect(granted("s3:")).toEqual(required("s3:"));
  });

  it("SQS: sending findings, plus what the event source needs to consume the ingest queue", () => {
    const consume = [
      "sqs:ChangeMessageVisibility",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:GetQueueUrl",
      "sqs:ReceiveMessage",
    ];
    expect(granted("sqs:")).toEqual([...new Set([...required("sqs:"), ...consume])].sort());
  });
});
