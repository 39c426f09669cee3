import { FINDINGS_LOCALE } from "../detect/sortFindings.js";
import { plural } from "../plural.js";
import type { ScanSummary } from "../scan.js";

const n = (x: number) => x.toLocaleString("en-US");

function mb(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${(bytes / 1024).toFixed(1)} KB`;
}

function counts(table: Readonly<Record<string, number>>): string {
  return Object.entries(table)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], FINDINGS_LOCALE))
    .map(([k, v]) => `${k}: ${n(v)}`)
    .join(", ");
}

function merge(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/** Totals over several scanned inputs, as the CLI's closing summary. */
export interface RunTotals {
  readonly summaries: readonly ScanSummary[];
  readonly rules: { readonly ok: number; readonly unsupported: number; readonly error: number };
  readonly findings: number;
  readonly seconds: number;
}

/** The human summary the CLI writes to stderr after a scan. */
export function formatSummary(t: RunTotals): string {
  const byType: Record<string, number> = {};
  const skipped: Record<string, number> = {};
  const errors: Record<string, number> = {};
  let bytes = 0;
  let events = 0;
  let ruleFaults = 0;
  for (const s of t.summaries) {
    ruleFaults += s.ruleFaults;
    merge(byType, s.eventsByType);
    merge(skipped, s.issues.skipped);
    merge(errors, s.issues.errors);
    bytes += s.bytes;
    events += s.events;
  }
  const errorTotal = Object.values(errors).reduce((a, b) => a + b, 0);
  const skippedTotal = Object.values(skipped).reduce((a, b) => a + b, 0);
  const failed = t.summaries.filter((s) => s.status === "error").length;
  const lines = [
    `Scanned ${n(t.summaries.length)} file(s), ${mb(bytes)}, ${plural(events, "event", n(events))} in ${t.seconds.toFixed(2)} s` +
      (failed > 0 ? ` (${failed} could not be read to the end)` : ""),
    `  events by type: ${events === 0 ? "none" : counts(byType)}`,
    `  parse errors: ${n(errorTotal)}${errorTotal > 0 ? ` (${counts(errors)})` : ""}; skipped: ${n(skippedTotal)}${skippedTotal > 0 ? ` (${counts(skipped)})` : ""}`,
    `  rules: ${n(t.rules.ok)} loaded, ${n(t.rules.unsupported)} unsupported, ${n(t.rules.error)} with errors` +
      (ruleFaults > 0 ? `; rule faults at run time: ${n(ruleFaults)}` : ""),
    `  findings: ${n(t.findings)}`,
  ];
  return `${lines.join("\n")}\n`;
}
