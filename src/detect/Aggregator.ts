import type { ProcessRecord } from "../model/types.js";
import type { EventPosition } from "../parse/types.js";
import type { PipelineRow } from "../rules/spl/eval/index.js";
import type { CompiledRule } from "../rules/types.js";
import { type Accumulators, type AggregateValue, createAccumulators } from "./accumulators.js";
import { findingId } from "./findingId.js";
import { lowercaseReader } from "./lowercaseReader.js";
import { RuleIndex } from "./RuleIndex.js";
import { renderMessage } from "./renderMessage.js";
import type { Finding, FindingSource, SourceRef } from "./types.js";

interface Group {
  readonly values: readonly string[];
  readonly acc: Accumulators | undefined;
  count: number;
  minTime: number;
  maxTime: number;
  first: EventPosition;
  last: EventPosition;
}

/** Problems a rule raised at run time; the rule is skipped for that record, others go on. */
export interface RuleFault {
  readonly ruleId: string;
  readonly message: string;
  readonly offset: number;
}

function iso(ms: number): string | null {
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

/** `_time` as a by-value: the start of its `span` bucket (or the exact time), ISO-8601. */
function timeBucket(ms: number, span: number | null): string | null {
  return iso(span === null ? ms : Math.floor(ms / span) * span);
}

function positionOf(p: EventPosition): number {
  return p.line ?? p.record ?? 0;
}

/**
 * `| tstats count min(_time) max(_time) ... by <fields>` over the records of one source: one
 * group per rule and distinct tuple of by-values (exact, case-sensitive, missing ones filled
 * with the rule's `fillnull_value`), with the count, time range and the evidence span.
 */
export class Aggregator {
  private readonly groups: Map<string, Group>[];
  private readonly faults: RuleFault[] = [];
  private faultCount = 0;

  private readonly index: RuleIndex;

  constructor(private readonly rules: readonly CompiledRule[]) {
    this.groups = rules.map(() => new Map());
    this.index = new RuleIndex(rules);
  }

  add(record: ProcessRecord): void {
    const read = lowercaseReader(record);
    for (const r of this.index.candidates(record)) {
      const rule = this.rules[r] as CompiledRule;
      let hit: boolean;
      try {
        hit = rule.match(read);
      } catch (err) {
        this.fault(rule, err, record);
        continue;
      }
      if (hit) this.update(this.groups[r] as Map<string, Group>, rule, record);
    }
  }

  private update(groups: Map<string, Group>, rule: CompiledRule, record: ProcessRecord): void {
    const values = rule.by.map((f) =>
      f === "_time"
        ? (timeBucket(record.time, rule.span) ?? rule.fillnull)
        : (record.fields[f] ?? rule.fillnull),
    );
    const key = values.join("\u0000");
    const g = groups.get(key);
    const t = record.time;
    if (g === undefined) {
      const acc = createAccumulators(rule.aggregates);
      acc?.add(record);
      groups.set(key, {
        values,
        acc,
        count: 1,
        minTime: t,
        maxTime: t,
        first: record.position,
        last: record.position,
      });
      return;
    }
    g.count++;
    g.acc?.add(record);
    if (Number.isFinite(t)) {
      if (!(t >= g.minTime)) g.minTime = t;
      if (!(t <= g.maxTime)) g.maxTime = t;
    }
    if (positionOf(record.position) < positionOf(g.first)) g.first = record.position;
    if (positionOf(record.position) >= positionOf(g.last)) g.last = record.position;
  }

  private fault(rule: CompiledRule, err: unknown, record: ProcessRecord): void {
    this.recordFault(rule, err, positionOf(record.position));
  }

  private recordFault(rule: CompiledRule, err: unknown, offset: number): void {
    this.faultCount++;
    if (this.faults.length < 20) {
      this.faults.push({ ruleId: rule.meta.id, message: (err as Error).message, offset });
    }
  }

  /** Rule faults seen so far (the first 20) and their total. */
  ruleFaults(): { readonly total: number; readonly samples: readonly RuleFault[] } {
    return { total: this.faultCount, samples: this.faults };
  }

  /**
   * The findings, ordered by detection name, first time, then by-values. A rule's pipes after
   * tstats run on its groups' rows here: a row they drop gives no finding, the fields they
   * create or change go into the finding's `computed` and its message, and a row a `stats`
   * merged from several groups gives one finding over all of them. A pipe that throws is a
   * rule fault; the rule's other rows and the other rules go on.
   */
  findings(source: SourceRef): Finding[] {
    const out: Finding[] = [];
    this.rules.forEach((rule, r) => {
      const groups = [...(this.groups[r] as Map<string, Group>).values()];
      const results = groups.map((g) => g.acc?.result());
      for (const row of this.piped(rule, groups, results)) {
        out.push(buildFinding(rule, groups, results, row, source));
      }
    });
    return out.sort(
      (a, b) =>
        a.detection.name.localeCompare(b.detection.name) ||
        (a.firstTime ?? "").localeCompare(b.firstTime ?? "") ||
        JSON.stringify(a.fields).localeCompare(JSON.stringify(b.fields)),
    );
  }

  /** The rows a rule's pipes let through; every group as it is when the rule has none. */
  private piped(
    rule: CompiledRule,
    groups: readonly Group[],
    results: ReadonlyArray<Record<string, AggregateValue> | undefined>,
  ): PipelineRow[] {
    if (rule.pipeline === undefined)
      return groups.map((_g, i) => ({ sources: [i], computed: {}, text: {} }));
    const at = (i: number): number => {
      const g = groups[i];
      return g === undefined ? 0 : positionOf(g.first);
    };
    try {
      return rule.pipeline.run(
        groups.map((g, i) => ({
          by: g.values,
          count: g.count,
          minTime: g.minTime,
          maxTime: g.maxTime,
          aggregates: results[i],
        })),
        (i, err) => this.recordFault(rule, err, at(i)),
      );
    } catch (err) {
      this.recordFault(rule, err, at(0));
      return [];
    }
  }
}

/** Several groups as one: summed count, overall time range and evidence span. */
function mergeGroups(members: readonly Group[]): Group {
  const first = members.reduce((a, b) => (positionOf(b.first) < positionOf(a.first) ? b : a));
  const last = members.reduce((a, b) => (positionOf(b.last) >= positionOf(a.last) ? b : a));
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

function buildFinding(
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
      row.fields === undefined ? g.values : Object.values(fields),
      source,
    ),
    detection: {
      id: m.id,
      name: m.name,
      type: m.type,
      version: m.version,
      mitre_attack_id: m.mitre_attack_id,
      analytic_story: m.analytic_story,
    },
    risk_score: m.risk_score,
    impact: m.impact,
    confidence: m.confidence,
    message: renderMessage(m.message, {
      ...(aggregates ? asText(aggregates) : {}),
      ...fields,
      ...row.text,
    }),
    count: g.count,
    firstTime: iso(g.minTime),
    lastTime: iso(g.maxTime),
    fields,
    ...(aggregates === undefined ? {} : { aggregates }),
    ...(Object.keys(row.computed).length === 0 ? {} : { computed: row.computed }),
    source: sourceOf(source, g),
  };
}

function sourceOf(source: SourceRef, g: Group): FindingSource {
  const base: FindingSource = {
    uri: source.uri,
    ...(source.versionId === undefined ? {} : { version_id: source.versionId }),
    ...(source.etag === undefined ? {} : { etag: source.etag }),
  };
  if (g.first.line !== undefined) {
    return {
      ...base,
      first_line: g.first.line,
      last_line: g.last.lastLine ?? g.last.line ?? g.first.line,
    };
  }
  if (g.first.record !== undefined) {
    return { ...base, first_record: g.first.record, last_record: g.last.record ?? g.first.record };
  }
  return base;
}
