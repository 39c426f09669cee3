import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { S3Client } from "@aws-sdk/client-s3";
import type { ChunkPool } from "./chunks/ChunkPool.js";
import { CHUNK_ERRORS } from "./chunks/errors.js";
import { sortFindings } from "./detect/sortFindings.js";
import type { Finding } from "./detect/types.js";
import { InputError } from "./input/errors.js";
import { withoutInput } from "./input/inputMessage.js";
import type { S3ObjectRef } from "./input/s3Notifications.js";
import { S3_ERRORS, s3Source, s3Uri, withIdentity } from "./input/s3Source.js";
import type { ParseInterest } from "./parse/types.js";
import type { SigmaRule } from "./rules/sigma/types.js";
import type { CompiledRule } from "./rules/types.js";
import { SCAN_ERRORS, type ScanResult, type ScanSummary, scanSource } from "./scan.js";
import type { DynamoFindingsStore, ScanObject } from "./sinks/DynamoFindingsStore.js";
import { ScanInProgressError, SinkError } from "./sinks/errors.js";
import { fitFinding } from "./sinks/fitFinding.js";
import type { SqsFindingsSink } from "./sinks/SqsFindingsSink.js";
import { type ScanSummaryMessage, scannedSummary, skippedSummary } from "./sinks/summaryMessage.js";
import { SCAN_PHASE, scanIdOf } from "./sinks/tableLayout.js";

/** Input errors that will not change on retry: the object is recorded as skipped. */
const PERMANENT: ReadonlySet<string> = new Set([
  S3_ERRORS.notFound,
  S3_ERRORS.forbidden,
  S3_ERRORS.changed,
  S3_ERRORS.tooLarge,
]);
/**
 * Read failures worth a retry (the record fails; nothing is written): S3 trouble, or a scan
 * worker thread that died.
 */
const TRANSIENT: ReadonlySet<string> = new Set([
  S3_ERRORS.unavailable,
  S3_ERRORS.interrupted,
  CHUNK_ERRORS.workerFailed,
]);

/** Metric names (CloudWatch EMF, namespace from POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS = {
  objectsScanned: "ObjectsScanned",
  objectsSkipped: "ObjectsSkipped",
  /** Scanned objects whose reading stopped early (`status: error`: corrupt gzip, unknown format). */
  objectsWithErrors: "ObjectsWithErrors",
  /** Objects whose processing failed and is to be retried (S3 or a sink still failing). */
  objectsFailed: "ObjectsFailed",
  duplicateDeliveries: "DuplicateDeliveries",
  bytesScanned: "BytesScanned",
  eventsParsed: "EventsParsed",
  parseErrors: "ParseErrors",
  findings: "Findings",
  scanDurationMs: "ScanDurationMs",
} as const;

export interface ObjectPipeline {
  readonly rules: readonly CompiledRule[];
  /** Sigma rules loaded beside `rules` (from the same folder); run on every object too. */
  readonly sigmaRules: readonly SigmaRule[];
  /** `parseInterest(rules)`, computed once per rule set (`scanSource` widens it for Sigma). */
  readonly interest: ParseInterest;
  readonly s3: S3Client;
  readonly store: DynamoFindingsStore;
  readonly sink: SqsFindingsSink;
  readonly maxObjectBytes: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Worker threads a plain or compressed XML object's records are split over (see `ChunkPool`). */
  readonly pool?: () => ChunkPool;
}

export interface ObjectOutcome {
  readonly outcome: "scanned" | "skipped" | "duplicate";
  readonly uri: string;
  readonly scanId: string;
  readonly findings: number;
  /** `ok` / `error` (read stopped early) for scanned objects; the skip reason code otherwise. */
  readonly status: string;
}

/**
 * Everything one notified object goes through: claim its scan record, stream and scan it, store
 * finding items and aggregates, send findings and the summary to SQS, close the record. Each step
 * is safe to repeat, and a retry resumes from the phase the scan record holds, so AWS may retry a
 * failed record freely. Throws when the record should be retried; a missing, forbidden, replaced
 * or oversized object is recorded as skipped instead.
 */
export async function processObject(
  notified: S3ObjectRef,
  p: ObjectPipeline,
  leaseMs: number,
): Promise<ObjectOutcome> {
  const started = performance.now();
  const ref = await withIdentity(notified, p.s3).catch((err: unknown) => {
    if (err instanceof InputError && PERMANENT.has(err.code)) return notified;
    throw err;
  });
  const uri = s3Uri(ref.bucket, ref.key);
  const scanId = scanIdOf(ref);
  const obj: ScanObject = { ...ref, scanId, uri };
  const claim = await p.store.claim(obj, leaseMs);
  if (claim.kind === "duplicate") {
    p.logger.info("redelivered notification: object version already handled", {
      scanId,
      status: claim.status,
    });
    p.metrics.addMetric(METRICS.duplicateDeliveries, MetricUnit.Count, 1);
    return { outcome: "duplicate", uri, scanId, findings: 0, status: claim.status };
  }
  if (claim.kind === "busy") throw new ScanInProgressError(scanId, claim.leaseUntil);
  const { token } = claim;
  try {
    if (claim.phase === SCAN_PHASE.aggregated && claim.summary !== undefined)
      return await resend(obj, token, claim.summary, p, claim.attempts);
    let result: ScanResult;
    try {
      result = await scanSource(s3Source(ref, { client: p.s3, maxBytes: p.maxObjectBytes }), {
        rules: p.rules,
        sigmaRules: p.sigmaRules,
        interest: p.interest,
        ...(p.pool === undefined ? {} : { pool: p.pool() }),
        sourceRef: {
          uri,
          ...(ref.versionId ? { versionId: ref.versionId } : {}),
          ...(ref.eTag ? { etag: ref.eTag } : {}),
        },
      });
    } catch (err) {
      if (!(err instanceof InputError && PERMANENT.has(err.code))) throw err;
      const summary = skippedSummary(
        obj,
        { code: err.code, message: err.message },
        elapsed(started),
        new Date(),
      );
      p.logger.warn("object skipped", { scanId, reason: err.code, error: err.message });
      await sendAndClose(scanId, token, [], summary, p);
      p.metrics.addMetric(METRICS.objectsSkipped, MetricUnit.Count, 1);
      return { outcome: "skipped", uri, scanId, findings: 0, status: err.code };
    }
    const s = result.summary;
    if (s.error !== undefined && retryable(s.error)) {
      // the scan's messages already name the object
      throw new InputError(s.error.code, uri, withoutInput(uri, s.error.message));
    }
    const findings = result.findings.map((f) => fitFinding(f));
    const summary = scannedSummary(obj, s, elapsed(started), new Date());
    if (claim.phase === SCAN_PHASE.aggregated) {
      // Stored by an attempt that kept no summary (an older version): clean up, resend.
      await p.store.trimContributors(scanId, findings);
    } else {
      await p.store.putFindings(obj, findings);
      const trim = await p.store.applyAggregates(obj, findings);
      if (!(await p.store.markAggregated(scanId, token, summary))) {
        throw new SinkError("claim-lost", `scan ${scanId} was claimed by another invocation`);
      }
      await p.store.trimContributors(scanId, trim);
    }
    await sendAndClose(scanId, token, findings, summary, p);
    if (s.status === "error")
      p.logger.warn("object read stopped early", { scanId, error: s.error });
    p.logger.info("object scanned", {
      scanId,
      bytes: s.bytes,
      events: s.events,
      parseErrors: s.issues.errorCount,
      findings: findings.length,
      attempt: claim.attempts,
    });
    recordMetrics(p.metrics, summary);
    return { outcome: "scanned", uri, scanId, findings: findings.length, status: s.status };
  } catch (err) {
    await p.store.release(scanId, token).catch((releaseErr: unknown) => {
      p.logger.warn("could not release the scan claim", {
        scanId,
        error: (releaseErr as Error).message,
      });
    });
    throw err;
  }
}

/**
 * A retry of a scan whose findings and aggregates an earlier attempt stored (phase
 * `aggregated`): it sends the stored findings and summary, as that attempt would have, and
 * closes the record. The object is not read again: it may have been overwritten or deleted
 * since (a new read would find it `changed` or missing), and the messages must be the findings
 * the aggregates counted, whatever rules run now.
 */
async function resend(
  obj: ScanObject,
  token: string,
  summary: ScanSummaryMessage,
  p: ObjectPipeline,
  attempt: number,
): Promise<ObjectOutcome> {
  const findings = sortFindings(await p.store.listFindings(obj.scanId));
  await p.store.trimContributors(obj.scanId, findings);
  await sendAndClose(obj.scanId, token, findings, summary, p);
  p.logger.info("object scan resumed: stored findings resent", {
    scanId: obj.scanId,
    findings: findings.length,
    attempt,
  });
  recordMetrics(p.metrics, summary);
  return {
    outcome: "scanned",
    uri: obj.uri,
    scanId: obj.scanId,
    findings: findings.length,
    status: summary.status,
  };
}

/** Sends the findings and the summary to SQS, then closes the scan record with the summary. */
async function sendAndClose(
  scanId: string,
  token: string,
  findings: readonly Finding[],
  summary: ScanSummaryMessage,
  p: ObjectPipeline,
): Promise<void> {
  await p.sink.publish(findings, summary);
  if (!(await p.store.complete(scanId, token, summary))) {
    p.logger.warn("scan record claimed by another invocation before completion", { scanId });
  }
}

/**
 * Whether a scan that stopped early should be retried rather than recorded: S3 trouble or a
 * worker that died, in the first read or in the second read for join detections (whose
 * findings would otherwise be lost for good).
 */
function retryable(error: NonNullable<ScanSummary["error"]>): boolean {
  if (TRANSIENT.has(error.code)) return true;
  return error.code === SCAN_ERRORS.secondPass && TRANSIENT.has(error.cause ?? "");
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

function recordMetrics(m: Metrics, s: ScanSummaryMessage): void {
  m.addMetric(METRICS.objectsScanned, MetricUnit.Count, 1);
  if (s.status === "error") m.addMetric(METRICS.objectsWithErrors, MetricUnit.Count, 1);
  m.addMetric(METRICS.bytesScanned, MetricUnit.Bytes, s.bytes);
  m.addMetric(METRICS.eventsParsed, MetricUnit.Count, s.events);
  m.addMetric(METRICS.parseErrors, MetricUnit.Count, s.parse_errors);
  m.addMetric(METRICS.findings, MetricUnit.Count, s.findings);
  m.addMetric(METRICS.scanDurationMs, MetricUnit.Milliseconds, s.duration_ms);
}
