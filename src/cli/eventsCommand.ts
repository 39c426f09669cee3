import { once } from "node:events";
import { parseArgs } from "node:util";
import { InputError } from "../input/errors.js";
import { aboutInput } from "../input/inputMessage.js";
import { ParseError } from "../parse/errors.js";
import { IssueLog } from "../parse/IssueLog.js";
import { plural } from "../plural.js";
import { readEvents } from "../readEvents.js";
import { toEvtxDumpJson } from "../sinks/toEvtxDumpJson.js";
import { commandInputs, parseCommandArgs } from "./commandArgs.js";
import { openOutput } from "./outputFile.js";
import { EXIT } from "./paths.js";
import { UsageError } from "./UsageError.js";

export const EVENTS_USAGE = `Usage: sysmon-hunt events [options] PATH...

Prints every event read from the inputs (Windows XML, EVTX, evtx_dump / nxlog / Winlogbeat
JSON; plain, gzip, zip or tar; files, folders, or - for stdin) in the JSON shape of the Rust
evtx_dump: {"Event":{"System":{...},"EventData":{...}}}, ready for jq.

Options:
  --format FORMAT   jsonl (one event a line, the default) | json (one array)
  --output FILE     write the events to FILE instead of stdout
  --quiet           no per-input summary on stderr
  -h, --help        this help
`;

const FORMATS = ["jsonl", "json"] as const;
type EventsFormat = (typeof FORMATS)[number];
/** Output is written in batches of about this many characters (fewer, larger writes). */
const BATCH_CHARS = 64 * 1024;

function parseArgsFor(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: "string" },
      output: { type: "string", short: "o" },
      quiet: { type: "boolean", short: "q" },
      help: { type: "boolean", short: "h" },
    },
  });
}

/** Writes text with backpressure, in batches. */
class BatchWriter {
  private pending: string[] = [];
  private size = 0;

  constructor(private readonly out: NodeJS.WritableStream) {}

  async write(text: string): Promise<void> {
    this.pending.push(text);
    this.size += text.length;
    if (this.size >= BATCH_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const text = this.pending.join("");
    this.pending = [];
    this.size = 0;
    if (!this.out.write(text)) await once(this.out, "drain");
  }
}

function describeIssues(log: IssueLog): string {
  const r = log.report();
  const counts = { ...r.errors, ...r.skipped };
  const parts = Object.entries(counts).map(([code, n]) => `${n} ${code}`);
  const first = r.samples[0];
  return parts.length === 0
    ? ""
    : `; ${parts.join(", ")} (first: ${first?.message ?? ""} at ${first?.offset ?? 0})`;
}

/** `sysmon-hunt events`: returns the exit code. */
export async function eventsCommand(
  argv: readonly string[],
  io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream },
): Promise<number> {
  const { values, positionals } = parseCommandArgs(() => parseArgsFor(argv));
  if (values.help) {
    io.stdout.write(EVENTS_USAGE);
    return EXIT.ok;
  }
  if (positionals.length === 0)
    throw new UsageError("events needs at least one PATH (a file, a folder, or - for stdin)");
  const format = (values.format ?? "jsonl") as EventsFormat;
  if (!FORMATS.includes(format))
    throw new UsageError(`unknown --format ${values.format} (jsonl or json)`);

  const output = await openOutput(values.output);
  const inputs = await commandInputs(positionals, { stderr: io.stderr, quiet: values.quiet });
  const file = output?.createWriteStream();
  const out = new BatchWriter(file ?? io.stdout);
  const json = format === "json";
  let written = 0;
  let unreadable = inputs.unreadable;
  if (json) await out.write("[");
  for (const source of inputs.sources) {
    const log = new IssueLog();
    let count = 0;
    let read: Awaited<ReturnType<typeof readEvents>> | undefined;
    try {
      read = await readEvents(source, { onIssue: log.onIssue });
      for await (const event of read.events) {
        const line = JSON.stringify(toEvtxDumpJson(event));
        await out.write(json ? `${written === 0 ? "\n" : ",\n"}${line}` : `${line}\n`);
        written++;
        count++;
      }
    } catch (err) {
      if (!(err instanceof InputError) && !(err instanceof ParseError)) throw err;
      unreadable++;
      io.stderr.write(
        `sysmon-hunt: ${err instanceof InputError ? err.message : aboutInput(source.uri, err.message)}\n`,
      );
    }
    // The format of an archive's members is known once they have been read.
    const label = read === undefined ? "" : [...read.wrappers, read.format].join("+");
    if (!values.quiet)
      io.stderr.write(
        `sysmon-hunt: ${aboutInput(source.uri, `${label || "unread"}, ${plural(count, "event")}${describeIssues(log)}`)}\n`,
      );
  }
  if (json) await out.write(written === 0 ? "]\n" : "\n]\n");
  await out.flush();
  if (file !== undefined) {
    file.end();
    await once(file, "finish");
  }
  return unreadable > 0 ? EXIT.usage : EXIT.ok;
}
