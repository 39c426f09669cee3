import type { ScanSummary } from "../scan.js";

/** Status of one object's scan as reported to consumers. */
export type ScanStatus = "ok" | "error" | "skipped";

/** The scan-summary message sent once per object (message attribute `kind` = `summary`). */
export interface ScanSummaryMessage {
  readonly kind: "summary";
  readonly scan_id: string;
  readonly bucket: string;
  readonly key: string;
  readonly uri: string;
  readonly version_id: string | null;
  readonly etag: string | null;
  readonly sequencer: string | null;
  /** Object size from the notification, else the bytes read. */
  readonly size: number | null;
  /** `ok`; `error` when reading stopped early (findings so far are kept); `skipped` when not read. */
  readonly status: ScanStatus;
  /** `cause`: under `second-pass-failed`, the read error's own code (`changed`, ...). */
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly cause?: string;
  } | null;
  readonly format: string | null;
  readonly wrappers: readonly string[];
  readonly bytes: number;
  readonly events: number;
  readonly events_by_type: Readonly<Record<string, number>>;
  readonly process_records: number;
  readonly parse_errors: number;
  readonly parse_errors_by_code: Readonly<Record<string, number>>;
  readonly skipped_records: number;
  /** Times a rule threw on one event or row (that rule skipped it; every other rule ran). */
  readonly rule_faults: number;
  readonly findings: number;
  readonly duration_ms: number;
  readonly scanned_at: string;
}

/** What identifies the scanned object version in a summary. */
export interface SummaryObject {
  readonly scanId: string;
  readonly bucket: string;
  readonly key: string;
  readonly uri: string;
  readonly versionId?: string;
  readonly eTag?: string;
  readonly sequencer?: string;
  readonly size?: number;
}

/** The summary for a scanned object. */
export function scannedSummary(
  obj: SummaryObject,
  s: ScanSummary,
  durationMs: number,
  now: Date,
): ScanSummaryMessage {
  return {
    ...identity(obj),
    size: obj.size ?? s.bytes,
    status: s.status,
    error: s.error ?? null,
    format: s.format,
    wrappers: s.wrappers,
    bytes: s.bytes,
    events: s.events,
    events_by_type: s.eventsByType,
    process_records: s.processRecords,
    parse_errors: s.issues.errorCount,
    parse_errors_by_code: s.issues.errors,
    skipped_records: s.issues.skippedCount,
    rule_faults: s.ruleFaults,
    findings: s.findings,
    duration_ms: durationMs,
    scanned_at: now.toISOString(),
  };
}

/** The summary for an object that was not read (missing, forbidden, too large, replaced). */
export function skippedSummary(
  obj: SummaryObject,
  reason: { code: string; message: string },
  durationMs: number,
  now: Date,
): ScanSummaryMessage {
  return {
    ...identity(obj),
    size: obj.size ?? null,
    status: "skipped",
    error: reason,
    format: null,
    wrappers: [],
    bytes: 0,
    events: 0,
    events_by_type: {},
    process_records: 0,
    parse_errors: 0,
    parse_errors_by_code: {},
    skipped_records: 0,
    rule_faults: 0,
    findings: 0,
    duration_ms: durationMs,
    scanned_at: now.toISOString(),
  };
}

function identity(obj: SummaryObject) {
  return {
    kind: "summary" as const,
    scan_id: obj.scanId,
    bucket: obj.bucket,
    key: obj.key,
    uri: obj.uri,
    version_id: obj.versionId ?? null,
    etag: obj.eTag ?? null,
    sequencer: obj.sequencer ?? null,
  };
}
