import { parseArgs } from "node:util";
import { createDynamoClient } from "../awsEnv.js";
import type { AggregateRecord } from "../sinks/aggregateUpdates.js";
import { DynamoFindingsStore } from "../sinks/DynamoFindingsStore.js";
import { parseCommandArgs } from "./commandArgs.js";
import { EXIT } from "./paths.js";
import { UsageError } from "./UsageError.js";

export const FINDINGS_USAGE = `Usage: sysmon-hunt findings --table NAME [options]

Lists the aggregated findings the Lambda pipeline stored in DynamoDB: one row per detection
and by-field values across every scanned upload, with the event count and how many objects
contributed. Uses the standard AWS credentials, region and AWS_ENDPOINT_URL_DYNAMODB.

Options:
  --table NAME          the pipeline's DynamoDB table (FINDINGS_TABLE)
  --format FORMAT       table | jsonl (default: table on a terminal, else jsonl)
  --region REGION       AWS region (default: from the environment or profile)
  --endpoint-url URL    DynamoDB endpoint (e.g. a local dynalite)
  -h, --help            this help
`;

const FORMATS = ["table", "jsonl"] as const;
type Format = (typeof FORMATS)[number];

function clip(s: string, width: number): string {
  return s.length <= width ? s.padEnd(width) : `${s.slice(0, Math.max(0, width - 1))}…`;
}

/** A table of aggregates: columns as wide as their content (capped); the process takes the rest. */
export function aggregatesTable(rows: readonly AggregateRecord[], width = 160): string {
  if (rows.length === 0) return "No findings.\n";
  const cols = [
    { head: "RISK", max: 4, get: (r: AggregateRecord) => String(r.risk_score ?? "") },
    { head: "DETECTION", max: 48, get: (r: AggregateRecord) => r.detection.name },
    { head: "DEST", max: 32, get: (r: AggregateRecord) => r.fields.dest ?? "" },
    { head: "USER", max: 28, get: (r: AggregateRecord) => r.fields.user ?? "" },
    { head: "COUNT", max: 9, get: (r: AggregateRecord) => String(r.count) },
    { head: "OBJECTS", max: 9, get: (r: AggregateRecord) => String(r.objects) },
    {
      head: "LAST SEEN (UTC)",
      max: 19,
      get: (r: AggregateRecord) => (r.lastTime ?? "").slice(0, 19).replace("T", " "),
    },
  ].map((c) => ({
    ...c,
    w: Math.min(c.max, Math.max(c.head.length, ...rows.map((r) => c.get(r).length))),
  }));
  const fixed = cols.reduce((n, c) => n + c.w + 2, 0);
  const processWidth = Math.max(20, width - fixed);
  const line = (cells: string[]) => cells.join("  ").trimEnd();
  const out = [line([...cols.map((c) => clip(c.head, c.w)), "PROCESS"])];
  for (const r of rows) {
    out.push(
      line([...cols.map((c) => clip(c.get(r), c.w)), clip(r.fields.process ?? "", processWidth)]),
    );
  }
  return `${out.join("\n")}\n`;
}

/** `sysmon-hunt findings`: returns the exit code. */
export async function findingsCommand(
  argv: readonly string[],
  io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream },
): Promise<number> {
  const { values } = parseCommandArgs(() => parse(argv));
  if (values.help) {
    io.stdout.write(FINDINGS_USAGE);
    return EXIT.ok;
  }
  if (!values.table)
    throw new UsageError("findings needs --table NAME (the pipeline's DynamoDB table)");
  const format = values.format ?? (io.stdout.isTTY ? "table" : "jsonl");
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UsageError(`unknown --format ${format} (table or jsonl)`);
  const store = new DynamoFindingsStore({
    table: values.table,
    client: createDynamoClient({
      ...(values.region ? { region: values.region } : {}),
      ...(values["endpoint-url"] ? { endpoint: values["endpoint-url"] } : {}),
    }),
  });
  let rows: AggregateRecord[];
  try {
    rows = await store.listAggregates();
  } catch (err) {
    const e = err as Error;
    io.stderr.write(`sysmon-hunt: cannot read table ${values.table}: ${e.name}: ${e.message}\n`);
    return EXIT.usage;
  } finally {
    store.client.destroy();
  }
  io.stdout.write(
    (format as Format) === "table"
      ? aggregatesTable(rows, io.stdout.columns)
      : rows.map((r) => `${JSON.stringify(r)}\n`).join(""),
  );
  return EXIT.ok;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: false,
    strict: true,
    options: {
      table: { type: "string" },
      format: { type: "string" },
      region: { type: "string" },
      "endpoint-url": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}
