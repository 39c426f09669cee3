// `npm start [-- FILE...]`: the whole pipeline on this machine. Starts S3 + SQS (fauxqs) and
// DynamoDB (dynalite) in-process, uploads the sample Sysmon log (or your files), hands the Lambda
// handler each upload's S3 notification, and prints what landed in SQS and DynamoDB.
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { expandPaths, type PathNotice } from "../src/input/expandPaths.js";
import { encodeS3Key } from "../src/input/s3Notifications.js";
import { printReadBack, startLocalPipeline, uploadFile } from "./localPipeline.js";
import { LOCAL_NAMES } from "./localStack.js";

const SAMPLE = fileURLToPath(new URL("../events/logs/sample-sysmon.log", import.meta.url));

const USAGE = `Usage: npm start [-- FILE...]

Runs the serverless pipeline locally: S3 and SQS (fauxqs) and DynamoDB (dynalite) start in this
process, each FILE (default: events/logs/sample-sysmon.log) is uploaded to
s3://${LOCAL_NAMES.bucket}/incoming/, the Lambda handler gets the upload's S3 notification,
and the findings are read back from SQS and DynamoDB.
`;

/** The notification S3 sends to Lambda for one PUT (the shape of events/s3-put.json). */
function s3PutEvent(
  o: { bucket: string; key: string; size: number; eTag: string },
  sequence: number,
) {
  return {
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "aws:s3",
        awsRegion: LOCAL_NAMES.region,
        eventTime: new Date().toISOString(),
        eventName: "ObjectCreated:Put",
        userIdentity: { principalId: "AWS:LOCAL" },
        requestParameters: { sourceIPAddress: "127.0.0.1" },
        responseElements: { "x-amz-request-id": `LOCAL${sequence}`, "x-amz-id-2": "local" },
        s3: {
          s3SchemaVersion: "1.0",
          configurationId: "sysmon-hunt-scan",
          bucket: {
            name: o.bucket,
            ownerIdentity: { principalId: "LOCAL" },
            arn: `arn:aws:s3:::${o.bucket}`,
          },
          object: {
            key: encodeS3Key(o.key),
            size: o.size,
            eTag: o.eTag,
            sequencer: (Date.now() * 1000 + sequence).toString(16).toUpperCase().padStart(18, "0"),
          },
        },
      },
    ],
  };
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes("-h") || argv.includes("--help")) {
    process.stdout.write(USAGE);
    return 0;
  }
  const files: string[] = [];
  const onNotice = ({ severity, message }: PathNotice) => {
    if (severity === "error") throw new Error(message);
    process.stderr.write(`warning: ${message}\n`);
  };
  for await (const source of expandPaths(argv.length > 0 ? argv : [SAMPLE], onNotice)) {
    if (!source.uri.startsWith("file:"))
      throw new Error("npm start reads files, not standard input");
    files.push(fileURLToPath(source.uri));
  }
  const local = await startLocalPipeline();
  try {
    const { endpoints } = local.stack;
    process.stdout.write(
      `sysmon-hunt local pipeline\n  S3 + SQS  fauxqs   ${endpoints.s3}\n  DynamoDB  dynalite ${endpoints.dynamodb}\n` +
        `  bucket ${LOCAL_NAMES.bucket}, queue ${LOCAL_NAMES.queue}, table ${LOCAL_NAMES.table}\n\n`,
    );
    const used = new Set<string>();
    let failed = 0;
    for (const [i, file] of files.entries()) {
      let key = `incoming/${basename(file)}`;
      if (used.has(key)) key = `incoming/${i}/${basename(file)}`;
      used.add(key);
      const obj = await uploadFile(LOCAL_NAMES.bucket, key, file);
      process.stdout.write(
        `uploaded s3://${obj.bucket}/${obj.key} (${obj.size} bytes) -> handler(ObjectCreated:Put)\n`,
      );
      try {
        const result = await local.handler(s3PutEvent(obj, i));
        for (const r of "results" in result ? result.results : []) {
          process.stdout.write(`  ${r.outcome}: ${r.findings} findings (${r.status})\n`);
        }
      } catch (err) {
        failed++;
        process.stdout.write(`  handler failed: ${(err as Error).message}\n`);
      }
    }
    await printReadBack(local.queueUrl);
    process.stdout.write(
      "\nYour own logs: npm start -- FILE...   Sample Lambda events: npm run invoke -- events/sqs-s3.json\n",
    );
    return failed === 0 ? 0 : 1;
  } finally {
    await local.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`npm start: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
