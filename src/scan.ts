import { type ChunkPool, ruleIds, type SplitScan } from "./chunks/ChunkPool.js";
import type { Aggregator, SecondPass } from "./detect/Aggregator.js";
import { parseInterest, planInterest } from "./detect/parseInterest.js";
import type { Finding, SourceRef } from "./detect/types.js";
import { EventScan, type RuleFindings } from "./EventScan.js";
import { aboutInput, withoutInput } from "./input/inputMessage.js";
import type { ByteSource } from "./input/types.js";
import { type ContentPart, unwrapParts } from "./input/unwrap.js";
import type { compileCimMapper } from "./model/toCimRecord.js";
import { IssueLog, type IssueReport } from "./parse/IssueLog.js";
import { FORMATS, type Format, selectParser } from "./parse/selectParser.js";
import type { ParseInterest, ParseIssue } from "./parse/types.js";
import { formatOf, partEvents } from "./readParts.js";
import type { RuleSet } from "./rules/loadRules.js";
import type { SigmaRule } from "./rules/sigma/types.js";
import type { CompiledRule } from "./rules/types.js";

/** What one scanned input amounted to; the CLI prints it and the Lambda sends it. */
export interface ScanSummary {
  readonly uri: string;
  /** The parser's format; an archive of mixed members joins its formats with `+` (`evtx+xml`). */
  readonly format: string;
  /** Wrappers removed around the content (an archive's: around its first member), outermost first. */
  readonly wrappers: readonly string[];
  /** Bytes read from the source (compressed size for gzip). */
  readonly bytes: number;
  readonly events: number;
  readonly eventsByType: Readonly<Record<string, number>>;
  /** Events normalised to Endpoint.Processes. */
  readonly processRecords: number;
  readonly issues: IssueReport;
  readonly ruleFaults: number;
  readonly findings: number;
  readonly durationMs: number;
  /** `ok`, or `error` when reading stopped early (the findings so far are still reported). */
  readonly status: "ok" | "error";
  readonly error?: {
    readonly code: string;
    readonly message: string;
    /** `second-pass-failed`: the code of the read error under it (`unavailable`, ...), if any. */
    readonly cause?: string;
  };
}

export interface ScanResult {
  readonly findings: readonly Finding[];
  readonly summary: ScanSummary;
}

export interface ScanOptions {
  readonly rules: readonly CompiledRule[];
  /** Sigma rules to run beside `rules` (on every event their log sources map to). */
  readonly sigmaRules?: readonly SigmaRule[];
  /** Called with the number of source bytes read so far, after each chunk. */
  readonly onBytes?: (bytes: number) => void;
  /** Called for every parse issue (after it is counted). */
  readonly onIssue?: (issue: ParseIssue) => void;
  /** Identity of the source in findings; defaults to `{ uri: source.uri }`. */
  readonly sourceRef?: SourceRef;
  /** What parsers must read in full; defaults to `parseInterest(rules)`. Compute it once per rule set. */
  readonly interest?: ParseInterest;
  /**
   * Worker threads holding the same rules: a plain XML input is then cut into pieces at event
   * starts and scanned by them at once (see `ChunkPool`); other inputs scan in this thread.
   */
  readonly pool?: ChunkPool;
}

/** The options of a loaded rule set for every scan that uses it: its parse interest computed once. */
export function ruleSetOptions(
  ruleSet: Pick<RuleSet, "rules" | "sigmaRules">,
): Required<Pick<ScanOptions, "rules" | "sigmaRules" | "interest">> {
  return {
    rules: ruleSet.rules,
    sigmaRules: ruleSet.sigmaRules,
    interest: parseInterest(ruleSet.rules),
  };
}

/** Whether a part can be split over a `ChunkPool`'s threads: a plain (not archived) XML input. */
function splittable(part: ContentPart): boolean {
  if (part.member !== undefined) return false;
  try {
    return selectParser(part.head).format === FORMATS.xml;
  } catch {
    return false;
  }
}

/** Codes of a scan's own errors (a reader's or parser's code is reported as it is). */
export const SCAN_ERRORS = {
  /** What reading threw had no code of its own. */
  readFailed: "read-failed",
  secondPass: "second-pass-failed",
} as const;

/** The first `max` bytes of a stream; nothing is read past them. */
async function* firstBytes(
  stream: AsyncIterable<Uint8Array>,
  max: number,
): AsyncIterable<Uint8Array> {
  let left = max;
  if (left <= 0) return;
  for await (const chunk of stream) {
    if (chunk.byteLength >= left) {
      yield chunk.subarray(0, left);
      return;
    }
    yield chunk;
    left -= chunk.byteLength;
  }
}

/**
 * Reads the input again for the join detections the first pass deferred (see
 * `AggregatorOptions.secondPass`): the same bytes as the first pass (a log file still being
 * written has grown since), of which only the deferred tstats' datasets are parsed and mapped,
 * and of those only the events where the first pass saw a key the joins want
 * (`SecondPass.positions`); issues are not counted twice.
 */
async function secondPass(
  source: ByteSource,
  bytes: number,
  aggregator: Aggregator,
  second: SecondPass,
  toRecord: ReturnType<typeof compileCimMapper>,
): Promise<void> {
  const plan = planInterest(second.plans);
  const at = second.positions;
  const options = { onIssue: () => {}, interest: at === undefined ? plan : { ...plan, at } };
  const raw = await source.open();
  try {
    let ordinal = 0;
    for await (const part of unwrapParts(firstBytes(raw, bytes), source.uri)) {
      for await (const event of partEvents(part, ++ordinal, options)) {
        if (event.partial) continue;
        const record = toRecord(event);
        if (record !== undefined) aggregator.addSecondPass(record);
      }
    }
  } finally {
    (raw as { destroy?: () => void }).destroy?.();
  }
}

/**
 * The scan's error for what reading threw: its own code (else `read-failed`), naming the input
 * once, after it what was being done (`doing`) when there is more than the first read.
 */
function scanError(err: unknown, uri: string, doing = ""): { code: string; message: string } {
  const e = err as { code?: unknown; message?: string };
  const message = e.message ?? String(err);
  return {
    code: typeof e.code === "string" ? e.code : SCAN_ERRORS.readFailed,
    message: aboutInput(uri, `${doing}${withoutInput(uri, message)}`),
  };
}

async function* counted(
  stream: AsyncIterable<Uint8Array>,
  tally: { bytes: number },
  onBytes?: (n: number) => void,
) {
  for await (const chunk of stream) {
    tally.bytes += chunk.byteLength;
    onBytes?.(tally.bytes);
    yield chunk;
  }
}

/**
 * Wires the stages for one input: bytes -> unwrap -> parse -> CIM -> detect; an archive's members
 * are parsed one by one (each by the parser its content calls for) into one set of findings,
 * whose evidence spans name the members (`first_member`, `last_member`). A failure to open
 * the source throws (`InputError`); a failure while reading (corrupt gzip, unknown format) ends
 * the scan with status `error`, keeping the counts and findings up to that point.
 */
export async function scanSource(source: ByteSource, options: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const raw = await source.open();
  const tally = { bytes: 0 };
  const issues = new IssueLog(options.onIssue);
  const scan = new EventScan({ ...options, secondPass: source.once !== true });
  const { aggregator, sigma, interest, toRecord } = scan;
  const formats = new Set<Format>();
  let wrappers: readonly string[] = [];
  let error: ScanSummary["error"];
  const ref = options.sourceRef ?? { uri: source.uri };
  // a plain XML input split over `pool`: its workers build most findings (see `ChunkPool`)
  let split: SplitScan | undefined;
  try {
    // One parser per part: the input, or each member of an archive in turn.
    let ordinal = 0;
    for await (const part of unwrapParts(counted(raw, tally, options.onBytes), source.uri)) {
      if (++ordinal === 1) wrappers = part.wrappers;
      if (options.pool !== undefined && splittable(part)) {
        formats.add(FORMATS.xml);
        split = await options.pool.scan(part.stream, {
          ids: ruleIds(options.rules, options.sigmaRules),
          secondPass: source.once !== true,
          onIssue: issues.onIssue,
          pinned: aggregator.pinned(),
          source: ref,
        });
        scan.absorb(split.states);
        // what was read before the input broke off is counted; the error ends the scan
        if (split.readError !== undefined) throw split.readError;
        continue;
      }
      for await (const event of partEvents(part, ordinal, {
        onIssue: issues.onIssue,
        formats,
        ...(interest === undefined ? {} : { interest }),
      })) {
        scan.add(event);
      }
    }
  } catch (err) {
    error = scanError(err, source.uri);
  } finally {
    // Release the file handle or socket even when reading stopped early.
    (raw as { destroy?: () => void }).destroy?.();
  }
  const second = aggregator.secondPass();
  if (second !== undefined) {
    try {
      await secondPass(source, tally.bytes, aggregator, second, toRecord);
    } catch (err) {
      // the first pass's own error, if any, is the one to report (the second meets it again)
      if (error === undefined) {
        const read = scanError(err, source.uri, "second pass for join detections: ");
        error = {
          code: SCAN_ERRORS.secondPass,
          message: read.message,
          ...(read.code === SCAN_ERRORS.readFailed ? {} : { cause: read.code }),
        };
      }
    }
  }
  let built: readonly RuleFindings[] = [];
  try {
    built = (await split?.built) ?? [];
  } catch (err) {
    // a worker failed building its rules' findings: the scan reports the others, as an error
    error ??= scanError(err, source.uri);
  }
  const findings = scan.findings(ref, split === undefined ? undefined : { ...split, built });
  const summary: ScanSummary = {
    uri: source.uri,
    format: formatOf(formats),
    wrappers,
    bytes: tally.bytes,
    events: scan.events,
    eventsByType: scan.eventsByType,
    processRecords: scan.processRecords,
    issues: issues.report(),
    ruleFaults: aggregator.ruleFaults().total + (sigma?.ruleFaults().total ?? 0),
    findings: findings.length,
    durationMs: Math.round(performance.now() - started),
    status: error === undefined ? "ok" : "error",
    ...(error === undefined ? {} : { error }),
  };
  return { findings, summary };
}
