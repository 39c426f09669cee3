import type { Node } from "constructs";
import { DEFAULTS, ENCRYPTION_MODES, LOG_LEVELS, TRIGGER_MODES } from "./defaults.js";
import { InfraConfigError } from "./errors.js";
import type { SysmonHuntOptions } from "./SysmonHuntOptions.js";

/** Retention values CloudWatch Logs accepts, days (9999 = never expire). */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653, 9999,
] as const;

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/;

/** The deployment's options and stack name, read from CDK context (`-c key=value` or cdk.json). */
export interface SysmonHuntConfig {
  readonly stackName: string;
  readonly options: SysmonHuntOptions;
}

/**
 * Reads and validates the context keys of `SysmonHuntOptions`. Values given with `-c` arrive as
 * strings, values from cdk.json as JSON types; both are accepted. A bad value throws an
 * `InfraConfigError` naming the key, before any resource is defined.
 */
export function readConfig(node: Node): SysmonHuntConfig {
  const ctx = new ContextReader(node);
  const encryption = ctx.oneOf("encryption", ENCRYPTION_MODES);
  const kmsKeyArn = ctx.string("kmsKeyArn", KMS_KEY_ARN, "a KMS key ARN");
  if (encryption === "s3" && kmsKeyArn !== undefined) {
    throw new InfraConfigError("kmsKeyArn", "is set but encryption is s3; drop one of them");
  }
  const options: SysmonHuntOptions = {
    logBucketName: ctx.string("logBucketName", BUCKET_NAME, "an S3 bucket name"),
    prefix: ctx.string("prefix"),
    suffix: ctx.string("suffix"),
    triggerMode: ctx.oneOf("triggerMode", TRIGGER_MODES),
    memorySize: ctx.integer("memorySize", 128, 10240),
    timeoutSeconds: ctx.integer("timeoutSeconds", 1, 900),
    batchSize: ctx.integer("batchSize", 1, 10000),
    maxBatchingWindowSeconds: ctx.integer("maxBatchingWindowSeconds", 0, 300),
    maxConcurrency: ctx.integer("maxConcurrency", 2, 1000),
    maxReceiveCount: ctx.integer("maxReceiveCount", 1, 1000),
    reservedConcurrency: ctx.integer("reservedConcurrency", 1, 10000),
    encryption: encryption ?? (kmsKeyArn === undefined ? undefined : "kms"),
    kmsKeyArn,
    logRetentionDays: ctx.oneOf("logRetentionDays", RETENTION_DAYS, Number),
    logLevel: ctx.oneOf("logLevel", LOG_LEVELS, (v) => v.toUpperCase()),
    maxObjectBytes: ctx.integer("maxObjectBytes", 1, Number.MAX_SAFE_INTEGER),
    findingsTtlDays: ctx.integer("findingsTtlDays", 1, 36500),
    findingsFifo: ctx.boolean("findingsFifo"),
    findingsAgeAlarmSeconds: ctx.integer("findingsAgeAlarmSeconds", 60, 14 * 86400),
    alarmTopicArn: ctx.string("alarmTopicArn", SNS_TOPIC_ARN, "an SNS topic ARN"),
  };
  const stackName = ctx.string("stackName", /^[A-Za-z][A-Za-z0-9-]{0,127}$/, "a stack name");
  return {
    stackName: stackName ?? DEFAULTS.stackName,
    // Drop unset keys so `??` defaults apply and the object prints cleanly.
    options: Object.fromEntries(
      Object.entries(options).filter(([, v]) => v !== undefined),
    ) as SysmonHuntOptions,
  };
}

class ContextReader {
  constructor(private readonly node: Node) {}

  private raw(key: string): unknown {
    const value: unknown = this.node.tryGetContext(key);
    return value === "" || value === null ? undefined : value;
  }

  string(key: string, pattern?: RegExp, what?: string): string | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== "string") throw new InfraConfigError(key, "must be a string");
    if (pattern !== undefined && !pattern.test(value)) {
      throw new InfraConfigError(key, `${JSON.stringify(value)} is not ${what ?? "valid"}`);
    }
    return value;
  }

  integer(key: string, min: number, max: number): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    const n = typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InfraConfigError(
        key,
        `${JSON.stringify(value)} is not an integer from ${min} to ${max}`,
      );
    }
    return n;
  }

  boolean(key: string): boolean | undefined {
    const value = this.raw(key);
    if (value === undefined || typeof value === "boolean") return value;
    if (value === "true" || value === "false") return value === "true";
    throw new InfraConfigError(key, `${JSON.stringify(value)} is not true or false`);
  }

  oneOf<T extends string | number>(
    key: string,
    allowed: readonly T[],
    convert: (v: string) => unknown = (v) => v,
  ): T | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    const v = typeof value === "string" ? convert(value) : value;
    const found = allowed.find((a) => a === v);
    if (found === undefined) {
      throw new InfraConfigError(
        key,
        `${JSON.stringify(value)} is not one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`,
      );
    }
    return found;
  }
}
