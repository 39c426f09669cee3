// `npm run invoke -- events/<file>.json [--upload FILE]`: hands a sample Lambda event to the
// real handler against a local stack (see scripts/local.ts). The objects the event names are
// uploaded first (default content: events/logs/sample-sysmon.log, whose eTag the samples carry).
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  type LambdaInput,
  parseLambdaEvent,
  type S3ObjectRef,
} from "../src/input/s3Notifications.js";
import { printReadBack, startLocalPipeline, uploadFile } from "./localPipeline.js";

const SAMPLE = fileURLToPath(new URL("../events/logs/sample-sysmon.log", import.meta.url));
const USAGE = `Usage: npm run invoke -- EVENT.json [--upload FILE]

Starts the local stack, uploads FILE (default events/logs/sample-sysmon.log) under every object
key the event names, invokes the Lambda handler with the event, prints its answer and then the
findings read back from SQS and DynamoDB. Samples: events/*.json.
`;

function objectsOf(input: LambdaInput): S3ObjectRef[] {
  if (input.kind === "direct") return [...input.notification.objects];
  return input.records.flatMap((r) => [...(r.notification?.objects ?? [])]);
}

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { upload: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help || positionals.length !== 1) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  const event: unknown = JSON.parse(await readFile(positionals[0] as string, "utf8"));
  const objects = objectsOf(parseLambdaEvent(event));
  const local = await startLocalPipeline();
  try {
    for (const o of objects) {
      const up = await uploadFile(o.bucket, o.key, values.upload ?? SAMPLE);
      const note =
        o.eTag !== undefined && o.eTag !== up.eTag
          ? ` (the event's eTag ${o.eTag} differs: expect 'changed')`
          : "";
      process.stdout.write(`uploaded s3://${o.bucket}/${o.key} (${up.size} bytes)${note}\n`);
    }
    process.stdout.write(`invoking the handler with ${positionals[0]}\n`);
    let code = 0;
    try {
      process.stdout.write(
        `handler returned: ${JSON.stringify(await local.handler(event), null, 2)}\n`,
      );
    } catch (err) {
      process.stdout.write(`handler threw: ${(err as Error).name}: ${(err as Error).message}\n`);
      code = 1;
    }
    await printReadBack(local.queueUrl);
    return code;
  } finally {
    await local.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`npm run invoke: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
