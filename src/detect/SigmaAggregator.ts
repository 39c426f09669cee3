import { basename, parseSystemTime } from "../model/toProcessRecord.js";
import type { ProcessRecord } from "../model/types.js";
import { detach } from "../parse/detach.js";
import type { EventPosition, WinEvent } from "../parse/types.js";
import { EventView } from "../rules/sigma/EventView.js";
import { SigmaIndex } from "../rules/sigma/SigmaIndex.js";
import type { SigmaRule } from "../rules/sigma/types.js";
import { offsetOf, orderOf, spanSource, widenSpan } from "./evidenceSpan.js";
import { findingId } from "./findingId.js";
import { NO_FAULTS, RuleFaultLog, type RuleFaults } from "./RuleFaultLog.js";
import { sigmaRiskScore } from "./sigmaRisk.js";
import { sortFindings } from "./sortFindings.js";
import type { Finding, SourceRef, StatePart } from "./types.js";

/** The by-fields of every Sigma finding (a Sigma rule names none of its own). */
export const SIGMA_BY_FIELDS = [
  "dest",
  "user",
  "process_name",
  "process",
  "process_id",
  "parent_process_id",
] as const;

const MISSING = "null";

/** What a Sigma aggregator counted, as plain data (see `SigmaAggregator.state`). */
export interface SigmaState {
  /** Per rule, its groups. */
  readonly groups: readonly (readonly Group[])[];
  readonly faults: RuleFaults;
}

interface Group {
  readonly values: readonly string[];
  count: number;
  minTime: number;
  maxTime: number;
  first: EventPosition;
  last: EventPosition;
}

function iso(ms: number): string | null {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

function present(v: string | undefined): string {
  return v === undefined || v === "" || v === "-" ? MISSING : v;
}

/**
 * The finding's by-values for one event: the CIM fields of a process event (Sysmon 1,
 * Security 4688), else the same facts read from the event (`Computer`, `User`, `Image`,
 * `CommandLine`, `ProcessId`, `ParentProcessId`).
 */
export function sigmaByValues(event: WinEvent, record: ProcessRecord | undefined): string[] {
  if (record !== undefined) {
    const f = record.fields;
    return SIGMA_BY_FIELDS.map((k) => present(f[k]));
  }
  const d = event.data;
  const image = d.Image;
  return [
    present(event.computer),
    present(d.User),
    present(image === undefined ? undefined : basename(image)),
    present(d.CommandLine),
    present(d.ProcessId),
    present(d.ParentProcessId),
  ];
}

/**
 * Runs Sigma rules over the events of one source and groups the matches by rule and by-values
 * (`SIGMA_BY_FIELDS`), with count, time range and evidence span, like `Aggregator` does for
 * security_content rules. A rule that throws on an event is counted as a fault for that event
 * (the first few kept as samples) and every other rule still runs.
 */
export class SigmaAggregator {
  private readonly index: SigmaIndex;
  private readonly groups: Map<string, Group>[];
  private readonly faults = new RuleFaultLog();
  private view: EventView | undefined;

  constructor(readonly rules: readonly SigmaRule[]) {
    this.index = SigmaIndex.of(rules);
    this.groups = rules.map(() => new Map());
  }

  /** Event ids the rules need, or `all` (see `SigmaIndex.eventIds`). */
  eventIds(): ReadonlySet<number> | "all" {
    return this.index.eventIds();
  }

  /** Tests one event; `record` is its CIM process record when the caller has built one. */
  add(event: WinEvent, record?: ProcessRecord): void {
    if (event.partial) return;
    let view = this.view;
    if (view === undefined) {
      view = new EventView(event);
      this.view = view;
    } else view.reset(event);
    const candidates = this.index.candidates(view);
    if (candidates.length === 0) return;
    let values: string[] | undefined;
    let time = Number.NaN;
    for (const c of candidates) {
      let hit: boolean;
      try {
        hit = c.test(view);
      } catch (err) {
        this.fault(c.rule, err, event);
        continue;
      }
      if (!hit) continue;
      if (values === undefined) {
        values = sigmaByValues(event, record);
        time = record?.time ?? parseSystemTime(event.timeCreated);
      }
      this.update(this.groups[c.ruleIndex] as Map<string, Group>, values, time, event.position);
    }
  }

  private update(
    groups: Map<string, Group>,
    values: string[],
    t: number,
    position: EventPosition,
  ): void {
    const key = values.join("\u0000");
    const g = groups.get(key);
    if (g === undefined) {
      groups.set(key, {
        // kept for the scan: detached from the parser's text (a slice would keep its piece)
        values: values.map(detach),
        count: 1,
        minTime: t,
        maxTime: t,
        first: position,
        last: position,
      });
      return;
    }
    g.count++;
    if (Number.isFinite(t)) {
      if (!(t >= g.minTime)) g.minTime = t;
      if (!(t <= g.maxTime)) g.maxTime = t;
    }
    if (orderOf(position) < orderOf(g.first)) g.first = position;
    if (orderOf(position) >= orderOf(g.last)) g.last = position;
  }

  private fault(rule: SigmaRule, err: unknown, event: WinEvent): void {
    this.faults.record(rule.meta.id, err, offsetOf(event.position));
  }

  /** Rule faults seen so far (the first 20) and their total. */
  ruleFaults(): RuleFaults {
    return this.faults.report();
  }

  /** Rule faults another thread saw, to add to these. */
  absorbFaults(reports: readonly RuleFaults[]): void {
    this.faults.absorb(reports);
  }

  /** What this aggregator counted, for `absorb` in another thread: all, or `part` of it. */
  state(part?: StatePart): SigmaState {
    const want = part?.sigmaRules ?? (() => true);
    return {
      groups: this.groups.map((m, r) => (want(r) ? [...m.values()] : [])),
      faults: part?.rest === false ? NO_FAULTS : this.faults.report(),
    };
  }

  /** Per rule, its groups so far: a measure of the work of its findings. */
  sizes(): number[] {
    return this.groups.map((m) => m.size);
  }

  /**
   * Adds what aggregators of the same rules counted over other events of the same input (their
   * `state`), as `Aggregator.absorb` does: each rule's groups end in the order of their first
   * events in the input.
   */
  absorb(states: readonly SigmaState[]): void {
    this.groups.forEach((groups, r) => {
      if (states.every((state) => (state.groups[r]?.length ?? 0) === 0)) return;
      for (const state of states) {
        for (const g of state.groups[r] ?? []) {
          const key = g.values.join("\u0000");
          const mine = groups.get(key);
          if (mine === undefined) {
            groups.set(key, { ...g });
            continue;
          }
          widenSpan(mine, g);
        }
      }
      const sorted = [...groups].sort((a, b) => orderOf(a[1].first) - orderOf(b[1].first));
      groups.clear();
      for (const [key, g] of sorted) groups.set(key, g);
    });
    this.faults.absorb(states.map((s) => s.faults));
  }

  /** The findings, ordered by rule title, first time, then by-values. */
  findings(source: SourceRef): Finding[] {
    return sortFindings(this.ruleFindings(source).flat());
  }

  /**
   * Each rule's findings, in rule order and not yet sorted: those of the rules `only` picks
   * (see `Aggregator.ruleFindings`).
   */
  ruleFindings(source: SourceRef, only: (rule: number) => boolean = () => true): Finding[][] {
    return this.rules.map((rule, r) => {
      const out: Finding[] = [];
      if (!only(r)) return out;
      const m = rule.meta;
      // one object for all the rule's findings (see `detectionOf` in buildFinding.ts)
      const detection: Finding["detection"] = Object.freeze({
        id: m.id,
        name: m.title,
        type: "Sigma",
        version: null,
        mitre_attack_id: m.mitre_attack_id,
        analytic_story: [],
      });
      const risk = sigmaRiskScore(m.level);
      for (const g of (this.groups[r] as Map<string, Group>).values()) {
        const fields: Record<string, string> = {};
        SIGMA_BY_FIELDS.forEach((f, i) => {
          fields[f] = g.values[i] as string;
        });
        out.push({
          finding_id: findingId(m.id, g.values, source),
          detection,
          risk_score: risk,
          impact: null,
          confidence: null,
          message: `${m.title}: ${fields.process_name} on ${fields.dest} by ${fields.user}`,
          count: g.count,
          firstTime: iso(g.minTime),
          lastTime: iso(g.maxTime),
          fields,
          source: spanSource(source, g.first, g.last),
        });
      }
      return out;
    });
  }
}
