import type { FileHandle } from "node:fs/promises";
import { parseArgs } from "node:util";
import { ChunkPool, type RuleFiles } from "../chunks/ChunkPool.js";
import type { Finding } from "../detect/types.js";
import { aboutInput } from "../input/inputMessage.js";
import type { ByteSource } from "../input/types.js";
import type { RuleLoad } from "../rules/types.js";
import { ruleSetOptions, type ScanSummary } from "../scan.js";
import { formatFindings, isOutputFormat, type OutputFormat } from "../sinks/formatFindings.js";
import { formatSummary } from "../sinks/formatSummary.js";
import { commandInputs, parseCommandArgs } from "./commandArgs.js";
import { loadRuleSet } from "./loadRuleSet.js";
import { openOutput } from "./outputFile.js";
import { ProgressBar } from "./ProgressBar.js";
import { EXIT, SHIPPED } from "./paths.js";
import { type InputOutcome, scanInput } from "./scanInput.js";
import { scanInWorkers } from "./scanInWorkers.js";
import { UsageError } from "./UsageError.js";

export const SCAN_USAGE = `Usage: sysmon-hunt scan [options] PATH...

Scans Sysmon / Windows event logs (XML, EVTX or JSON; plain, gzip, zip or tar; files, folders,
or - for stdin) with the shipped T1049 hunts and any security_content or Sigma rules you add.

Options:
  --rules PATH          add a rule file or folder (repeatable)
  --macros DIR          add a folder of security_content macro files (repeatable)
  --no-default-rules    run only the rules given with --rules
  --format FORMAT       table | json | jsonl | csv (default: table on a terminal, else jsonl)
  --output FILE         write findings to FILE instead of stdout
  --fail-on-findings    exit 1 when there is at least one finding
  --jobs N              use N worker threads (default 1: all in this process): several
                        inputs are scanned up to N at once; a single XML input (or stdin)
                        is cut into pieces that N workers scan at once; pays off for long
                        scans
  --quiet               no summary on stderr
  -h, --help            this help
`;

/**
 * `--jobs` is opt-in (default 1): each worker loads the rules again, and on 2 cores with
 * ../shared/data/evtx (221 files) `--jobs 2` took 1.7 s against 1.3 s (11.4 s against 5.9 s
 * with every SigmaHQ Windows rule), so workers pay off only when scanning outlasts rule loading.
 * More than `max` is a typo.
 */
const JOBS = { max: 64 } as const;

function describeLoad(l: RuleLoad): string {
  return `${l.file}: ${l.status}${l.status === "ok" ? "" : `: ${l.reason}`}`;
}

/** `sysmon-hunt scan`: returns the exit code. */
export async function scanCommand(
  argv: readonly string[],
  io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream },
): Promise<number> {
  const { values, positionals } = parseCommandArgs(() => parseArgsFor(argv));
  if (values.help) {
    io.stdout.write(SCAN_USAGE);
    return EXIT.ok;
  }
  if (positionals.length === 0)
    throw new UsageError("scan needs at least one PATH (a file, a folder, or - for stdin)");
  const defaultFormat: OutputFormat = io.stdout.isTTY && !values.output ? "table" : "jsonl";
  const format = values.format ?? defaultFormat;
  if (!isOutputFormat(format))
    throw new UsageError(`unknown --format ${format} (table, json, jsonl or csv)`);

  const rulePaths = [
    ...(values["no-default-rules"] ? [] : [SHIPPED.rules]),
    ...(values.rules ?? []),
  ];
  if (rulePaths.length === 0)
    throw new UsageError("no rules: --no-default-rules needs at least one --rules PATH");
  const files: RuleFiles = { rulePaths, macroPaths: [SHIPPED.macros, ...(values.macros ?? [])] };
  const jobs = jobsOf(values.jobs);
  const output = await openOutput(values.output);
  try {
    const { sources, unreadable } = await commandInputs(positionals, {
      stderr: io.stderr,
      quiet: values.quiet,
    });
    // One input and --jobs N: its records are split over N workers, which load the rules while
    // this thread does (see `ChunkPool`); more inputs are shared out whole (`scanInWorkers`).
    const pool = jobs > 1 && sources.length === 1 ? new ChunkPool(files, jobs) : undefined;
    try {
      return await scanSources(
        sources,
        { files, jobs, pool, format, output, unreadable },
        values,
        io,
      );
    } finally {
      await pool?.close();
    }
  } finally {
    await output?.close();
  }
}

/**
 * Loads the rules and scans `sources`: in this thread (each split over `pool`'s workers when
 * given), or shared out whole over `jobs` workers; prints the findings and the summary and
 * returns the exit code.
 */
async function scanSources(
  sources: readonly ByteSource[],
  run: {
    readonly files: RuleFiles;
    readonly jobs: number;
    readonly pool: ChunkPool | undefined;
    readonly format: OutputFormat;
    /** `--output FILE`, opened (see `openOutput`); stdout when undefined. */
    readonly output: FileHandle | undefined;
    /** How many command-line paths could not be read (already reported). */
    readonly unreadable: number;
  },
  values: ReturnType<typeof parseArgsFor>["values"],
  io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream },
): Promise<number> {
  const { files, jobs, pool, format, output } = run;
  const { rulePaths, macroPaths } = files;
  // A missing --macros folder is a usage error like a missing --rules one.
  const ruleSet = await loadRuleSet(rulePaths, macroPaths);
  for (const l of [...ruleSet.loads, ...ruleSet.sigmaLoads])
    if (l.status !== "ok" && !values.quiet)
      io.stderr.write(`sysmon-hunt: rule ${describeLoad(l)}\n`);

  const started = performance.now();
  const totalBytes = sources.every((s) => s.size !== undefined)
    ? sources.reduce((n, s) => n + (s.size ?? 0), 0)
    : undefined;
  const progress =
    ProgressBar.enabled(io.stderr) && !values.quiet
      ? new ProgressBar(io.stderr, totalBytes)
      : undefined;
  const findings: Finding[] = [];
  const summaries: ScanSummary[] = [];
  let unreadable = run.unreadable;
  let events = 0;
  const record = (outcome: InputOutcome) => {
    if (outcome.kind === "unreadable") {
      unreadable++;
      progress?.clear();
      io.stderr.write(`sysmon-hunt: ${outcome.message}\n`);
      return;
    }
    const { result } = outcome;
    events += result.summary.events;
    progress?.fileDone(result.summary.bytes);
    findings.push(...result.findings);
    summaries.push(result.summary);
    if (result.summary.status === "error") {
      unreadable++;
      progress?.clear();
      io.stderr.write(
        `sysmon-hunt: ${result.summary.error?.message ?? aboutInput(result.summary.uri, "read failed")}\n`,
      );
    }
  };
  const workers = Math.min(jobs, sources.length);
  if (workers > 1 && sources.every((s) => s.uri.startsWith("file:"))) {
    await scanInWorkers(sources, files, workers, (outcome) => {
      record(outcome);
      progress?.update(0, events);
    });
  } else {
    const options = ruleSetOptions(ruleSet);
    for (const source of sources) {
      record(
        await scanInput(source, {
          ...options,
          ...(pool === undefined ? {} : { pool }),
          ...(progress ? { onBytes: (b: number) => progress.update(b, events) } : {}),
        }),
      );
    }
  }
  progress?.clear();
  const text = formatFindings(findings, format, io.stdout.columns);
  if (output) await output.writeFile(text);
  else io.stdout.write(text);
  if (!values.quiet) {
    const count = (s: RuleLoad["status"]) =>
      [...ruleSet.loads, ...ruleSet.sigmaLoads].filter((l) => l.status === s).length;
    io.stderr.write(
      formatSummary({
        summaries,
        rules: { ok: count("ok"), unsupported: count("unsupported"), error: count("error") },
        findings: findings.length,
        seconds: (performance.now() - started) / 1000,
      }),
    );
  }
  if (unreadable > 0) return EXIT.usage;
  return values["fail-on-findings"] && findings.length > 0 ? EXIT.findings : EXIT.ok;
}

/** `--jobs N`: a whole number from 1; 1 by default (see `JOBS`). */
function jobsOf(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > JOBS.max)
    throw new UsageError(`--jobs must be a whole number from 1 to ${JOBS.max}, not ${value}`);
  return n;
}

function parseArgsFor(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      rules: { type: "string", multiple: true },
      macros: { type: "string", multiple: true },
      "no-default-rules": { type: "boolean" },
      format: { type: "string" },
      output: { type: "string", short: "o" },
      "fail-on-findings": { type: "boolean" },
      jobs: { type: "string", short: "j" },
      quiet: { type: "boolean", short: "q" },
      help: { type: "boolean", short: "h" },
    },
  });
}
