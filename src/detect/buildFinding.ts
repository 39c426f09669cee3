import type { EventPosition } from "../parse/types.js";
import type { PipelineRow } from "../rules/spl/eval/index.js";
import type { CompiledRule, DetectionMeta } from "../rules/types.js";
import type { Accumulators, AggregateValue } from "./accumulators.js";
import { orderOf, spanSource } from "./evidenceSpan.js";
import { findingId } from "./findingId.js";
import { renderMessage } from "./renderMessage.js";
import type { Finding, SourceRef } from "./types.js";

/** A group with its by-values, as findings are built from it. */
export interface Group {
  readonly values: readonly string[];
  readonly acc: Accumulators | undefined;
  readonly count: number;
  readonly minTime: number;
  readonly maxTime: number;
  readonly first: EventPosition;
  readonly last: EventPosition;
}

/** Epoch milliseconds as ISO-8601 text; null when not a time. */
export function iso(ms: number): string | null {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** Aggregates as message text: lists joined with ", ". */
function asText(aggregates: Record<string, AggregateValue>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(aggregates)) {
    if (v !== null) out[k] = Array.isArray(v) ? v.join(", ") : String(v);
  }
  return out;
}

/** Several groups as one: summed count, overall time range and evidence span. */
function mergeGroups(members: readonly Group[]): Group {
  const first = members.reduce((a, b) => (orderOf(b.first) < orderOf(a.first) ? b : a));
  const last = members.reduce((a, b) => (orderOf(b.last) >= orderOf(a.last) ? b : a));
  const times = members.flatMap((g) => [g.minTime, g.maxTime]).filter(Number.isFinite);
  return {
    values: [],
    acc: undefined,
    count: members.reduce((n, g) => n + g.count, 0),
    minTime: times.length === 0 ? Number.NaN : Math.min(...times),
    maxTime: times.length === 0 ? Number.NaN : Math.max(...times),
    first: first.first,
    last: last.last,
  };
}

/** Each detection's `Finding.detection`, made once (see `detectionOf`). */
const detections = new WeakMap<DetectionMeta, Finding["detection"]>();

/**
 * A detection's `Finding.detection`: one frozen object that all its findings share. Why:
 * bench/run.ts (m) builds 76,610 findings of ~700 detections; one object each was ~15% of the
 * bytes a split scan's workers send (and the scan's thread reads back) with their findings.
 */
function detectionOf(m: DetectionMeta): Finding["detection"] {
  let d = detections.get(m);
  if (d === undefined) {
    d = Object.freeze({
      id: m.id,
      name: m.name,
      type: m.type,
      version: m.version,
      mitre_attack_id: m.mitre_attack_id,
      analytic_story: m.analytic_story,
    });
    detections.set(m, d);
  }
  return d;
}

export function buildFinding(
  rule: CompiledRule,
  groups: readonly Group[],
  results: ReadonlyArray<Record<string, AggregateValue> | undefined>,
  row: PipelineRow,
  source: SourceRef,
): Finding {
  const members = row.sources.map((i) => groups[i] as Group);
  const g = members.length === 1 ? (members[0] as Group) : mergeGroups(members);
  let fields: Record<string, string> = {};
  let aggregates: Record<string, AggregateValue> | undefined;
  if (row.fields === undefined) {
    rule.by.forEach((f, i) => {
      fields[f] = g.values[i] as string;
    });
    aggregates = results[row.sources[0] ?? -1];
  } else fields = { ...row.fields };
  const m = rule.meta;
  return {
    finding_id: findingId(
      m.id,
      [
        ...(row.fields === undefined ? g.values : Object.values(fields)),
        ...(row.variant === undefined ? [] : [row.variant]),
      ],
      source,
    ),
    detection: detectionOf(m),
    risk_score: m.risk_score,
    impact: m.impact,
    confidence: m.confidence,
    message: renderMessage(m.message, {
      ...(aggregates ? asText(aggregates) : {}),
      ...fields,
      ...row.text,
    }),
    count: row.count ?? g.count,
    firstTime: iso(g.minTime),
    lastTime: iso(g.maxTime),
    fields,
    ...(aggregates === undefined ? {} : { aggregates }),
    ...(Object.keys(row.computed).length === 0 ? {} : { computed: row.computed }),
    source: spanSource(source, g.first, g.last),
  };
}
