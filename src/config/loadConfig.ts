import { ConfigError } from "./errors.js";

/** Log levels Powertools Logger accepts. */
export const LOG_LEVELS = [
  "TRACE",
  "DEBUG",
  "INFO",
  "WARN",
  "ERROR",
  "CRITICAL",
  "SILENT",
] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const CONFIG_DEFAULTS = {
  /** 2 GiB: larger objects are recorded as skipped (`too-large`) rather than scanned. */
  maxObjectBytes: 2 * 1024 ** 3,
  logLevel: "INFO",
  /** Days DynamoDB keeps scan records, findings and aggregates after their last update. */
  findingsTtlDays: 90,
  /** Lambda gives one vCPU per this many MB of memory (up to 6 at 10,240 MB). */
  mbPerVcpu: 1769,
  /** More scan threads than this is a typo. */
  maxScanThreads: 64,
} as const;

/** What the Lambda handler needs, read from its environment once per cold start. */
export interface PipelineConfig {
  /** SQS queue URL findings and scan summaries are sent to (FIFO when it ends in `.fifo`). */
  readonly findingsQueueUrl: string;
  /** DynamoDB table for scan records, findings and aggregates. */
  readonly findingsTable: string;
  /** Rules folder replacing the shipped rules (its `macros/` subfolder is added to the shipped macros). */
  readonly rulesDir?: string;
  readonly maxObjectBytes: number;
  readonly logLevel: LogLevel;
  readonly findingsTtlDays: number;
  /**
   * Worker threads a large XML object's records are split over (`ChunkPool`); 0: scanned in
   * the handler's thread. Default: one per vCPU the function's memory buys
   * (`AWS_LAMBDA_FUNCTION_MEMORY_SIZE` / 1769 MB) when that is 2 or more, else 0.
   */
  readonly scanThreads: number;
}

type Env = Readonly<Record<string, string | undefined>>;
type Problem = { variable: string; message: string };

const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

function positiveInt(env: Env, variable: string, fallback: number, problems: Problem[]): number {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw.trim());
  if (!Number.isSafeInteger(n) || n <= 0) {
    problems.push({ variable, message: `must be a positive whole number (got '${raw}')` });
    return fallback;
  }
  return n;
}

/**
 * Reads and validates the pipeline's variables. Every problem is collected, so one error names
 * all the variables to fix: FINDINGS_QUEUE_URL and FINDINGS_TABLE (required), RULES_DIR,
 * MAX_OBJECT_BYTES, LOG_LEVEL, FINDINGS_TTL_DAYS and SCAN_THREADS (optional).
 */
export function loadConfig(env: Env): PipelineConfig {
  const problems: Problem[] = [];
  const queueUrl = env.FINDINGS_QUEUE_URL?.trim() ?? "";
  if (queueUrl === "") {
    problems.push({
      variable: "FINDINGS_QUEUE_URL",
      message: "is not set (the SQS queue URL for findings)",
    });
  } else if (!URL.canParse(queueUrl) || !/^https?:$/.test(new URL(queueUrl).protocol)) {
    problems.push({
      variable: "FINDINGS_QUEUE_URL",
      message: `must be an http(s) queue URL (got '${queueUrl}')`,
    });
  }
  const table = env.FINDINGS_TABLE?.trim() ?? "";
  if (table === "") {
    problems.push({ variable: "FINDINGS_TABLE", message: "is not set (the DynamoDB table name)" });
  } else if (!TABLE_NAME.test(table)) {
    problems.push({
      variable: "FINDINGS_TABLE",
      message: `must be 3-255 characters of A-Z a-z 0-9 _ . - (got '${table}')`,
    });
  }
  const level = (env.LOG_LEVEL?.trim() || CONFIG_DEFAULTS.logLevel).toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    problems.push({
      variable: "LOG_LEVEL",
      message: `must be one of ${LOG_LEVELS.join(", ")} (got '${env.LOG_LEVEL}')`,
    });
  }
  const maxObjectBytes = positiveInt(
    env,
    "MAX_OBJECT_BYTES",
    CONFIG_DEFAULTS.maxObjectBytes,
    problems,
  );
  const findingsTtlDays = positiveInt(
    env,
    "FINDINGS_TTL_DAYS",
    CONFIG_DEFAULTS.findingsTtlDays,
    problems,
  );
  const scanThreads = scanThreadsOf(env, problems);
  const rulesDir = env.RULES_DIR?.trim();
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    findingsQueueUrl: queueUrl,
    findingsTable: table,
    ...(rulesDir ? { rulesDir } : {}),
    maxObjectBytes,
    logLevel: level as LogLevel,
    findingsTtlDays,
    scanThreads,
  };
}

/** `SCAN_THREADS`: 0 (or 1: no pool) up to the maximum; by default from the memory size. */
function scanThreadsOf(env: Env, problems: Problem[]): number {
  const raw = env.SCAN_THREADS?.trim();
  if (raw === undefined || raw === "") {
    const vcpus = Math.floor(
      Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE) / CONFIG_DEFAULTS.mbPerVcpu,
    );
    return Number.isSafeInteger(vcpus) && vcpus >= 2 ? vcpus : 0;
  }
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0 || n > CONFIG_DEFAULTS.maxScanThreads) {
    problems.push({
      variable: "SCAN_THREADS",
      message: `must be a whole number from 0 to ${CONFIG_DEFAULTS.maxScanThreads} (got '${raw}')`,
    });
    return 0;
  }
  return n < 2 ? 0 : n;
}
