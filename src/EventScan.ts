import { Aggregator, type AggregatorState } from "./detect/Aggregator.js";
import { orderOf } from "./detect/evidenceSpan.js";
import { parseInterest } from "./detect/parseInterest.js";
import { faultsSince, NO_FAULTS, type RuleFaults } from "./detect/RuleFaultLog.js";
import { SigmaAggregator, type SigmaState } from "./detect/SigmaAggregator.js";
import { withSigmaInterest } from "./detect/sigmaInterest.js";
import { mergeRuleFindings, sortRuleFindings } from "./detect/sortFindings.js";
import type { Finding, SourceRef, StatePart } from "./detect/types.js";
import { DATAMODEL } from "./model/datamodels.js";
import { compileCimMapper } from "./model/toCimRecord.js";
import type { ProcessRecord } from "./model/types.js";
import { eventType } from "./parse/eventType.js";
import type { ParseInterest, WinEvent } from "./parse/types.js";
import type { SigmaRule } from "./rules/sigma/types.js";
import type { CompiledRule } from "./rules/types.js";

/**
 * The findings of the rules one thread of a split scan built (`EventScan.ruleFindings`): per
 * rule index, its list, and the rule faults raised while building them.
 */
export interface RuleFindings {
  readonly rules: readonly (readonly [number, readonly Finding[]])[];
  readonly sigmaRules: readonly (readonly [number, readonly Finding[]])[];
  readonly faults: RuleFaults;
  readonly sigmaFaults: RuleFaults;
}

/** Which thread builds each rule's findings in a split scan: a worker's number, or -1 for the scan's. */
export interface RuleOwners {
  readonly rules: readonly number[];
  readonly sigmaRules: readonly number[];
}

/**
 * The part of a split scan's counts that belongs to `owner` (see `RuleOwners`): its rules'
 * groups, and with `rest` what is no rule's.
 */
export function ownedBy(owners: RuleOwners, owner: number, rest: boolean): StatePart {
  return {
    rules: (r) => owners.rules[r] === owner,
    sigmaRules: (r) => owners.sigmaRules[r] === owner,
    rest,
  };
}

/** Per rule, the groups it holds (see `Aggregator.sizes`). */
export interface RuleSizes {
  readonly rules: readonly number[];
  readonly sigmaRules: readonly number[];
}

/** What an `EventScan` counted, as plain (structured-cloneable) data; see `EventScan.absorb`. */
export interface EventScanState {
  readonly events: number;
  readonly eventsByType: Readonly<Record<string, number>>;
  /** Per event type, the order (`orderOf`) of its first event. */
  readonly firstOfType: Readonly<Record<string, number>>;
  readonly processRecords: number;
  readonly aggregator: AggregatorState;
  readonly sigma: SigmaState | undefined;
}

export interface EventScanOptions {
  readonly rules: readonly CompiledRule[];
  readonly sigmaRules?: readonly SigmaRule[];
  /** What parsers must read in full for `rules`; defaults to `parseInterest(rules)`. */
  readonly interest?: ParseInterest;
  /** See `AggregatorOptions.secondPass`. */
  readonly secondPass: boolean;
}

/**
 * The detect stage of one input, event by event: counts events by type, maps each to its CIM
 * record, and hands it to the security_content aggregator and the Sigma rules. One per input,
 * in the scan's thread or in each worker of a split input (see `scanChunks`), whose counts one
 * of them then `absorb`s.
 */
export class EventScan {
  events = 0;
  processRecords = 0;
  /** Counts by event type, in the order the types first appear in the input. */
  readonly eventsByType: Record<string, number> = {};
  private readonly firstOfType: Record<string, number> = {};
  readonly aggregator: Aggregator;
  readonly sigma: SigmaAggregator | undefined;
  /** What parsers must read in full for these rules (Sigma's event ids included). */
  readonly interest: ParseInterest | undefined;
  readonly toRecord: ReturnType<typeof compileCimMapper>;

  constructor(options: EventScanOptions) {
    this.aggregator = new Aggregator(options.rules, { secondPass: options.secondPass });
    // Sigma and the summary count process records even when no rule reads them.
    this.toRecord = compileCimMapper([DATAMODEL.processes, ...this.aggregator.datamodels()]);
    const sigmaRules = options.sigmaRules ?? [];
    this.sigma = sigmaRules.length > 0 ? new SigmaAggregator(sigmaRules) : undefined;
    const base = options.interest ?? parseInterest(options.rules);
    this.interest =
      this.sigma === undefined ? base : withSigmaInterest(base, this.sigma.eventIds());
  }

  add(event: WinEvent): void {
    this.events++;
    const type = eventType(event);
    const seen = this.eventsByType[type];
    if (seen === undefined) this.firstOfType[type] = orderOf(event.position);
    this.eventsByType[type] = (seen ?? 0) + 1;
    if (event.partial) return;
    const record = this.toRecord(event);
    const processes = record?.datamodel === DATAMODEL.processes;
    if (record !== undefined) {
      if (processes) this.processRecords++;
      this.aggregator.add(record);
    }
    this.sigma?.add(event, processes ? (record as ProcessRecord) : undefined);
  }

  /** What this scan counted, for `absorb` in another thread: all, or `part` of it. */
  state(part?: StatePart): EventScanState {
    const rest = part?.rest ?? true;
    return {
      events: rest ? this.events : 0,
      eventsByType: rest ? this.eventsByType : {},
      firstOfType: rest ? this.firstOfType : {},
      processRecords: rest ? this.processRecords : 0,
      aggregator: this.aggregator.state(part),
      sigma: this.sigma?.state(part),
    };
  }

  /** Per rule, the groups counted so far. */
  sizes(): RuleSizes {
    return { rules: this.aggregator.sizes(), sigmaRules: this.sigma?.sizes() ?? [] };
  }

  /**
   * The findings of the rules `owners` gives to `owner` (a worker's number, or -1 for the scan's
   * thread), as a thread of a split scan builds them after absorbing the other threads' groups
   * of those rules, and the rule faults raised meanwhile.
   */
  ruleFindings(source: SourceRef, owner: number, owners: RuleOwners): RuleFindings {
    const before = (f: RuleFaults) => ({ total: f.total, kept: f.samples.length });
    const sigmaFaults = () => this.sigma?.ruleFaults() ?? NO_FAULTS;
    const sc = before(this.aggregator.ruleFaults());
    const sigma = before(sigmaFaults());
    // each list sorted here, so that the scan's thread only merges them (`mergeRuleFindings`)
    const picked = (lists: Finding[][], owns: (r: number) => boolean) =>
      lists.flatMap((list, r) => (owns(r) ? [[r, sortRuleFindings(list)] as const] : []));
    const mine = ownedBy(owners, owner, false);
    const rules = this.aggregator.ruleFindings(source, mine.rules);
    const sigmaLists = this.sigma?.ruleFindings(source, mine.sigmaRules) ?? [];
    return {
      rules: picked(rules, mine.rules),
      sigmaRules: picked(sigmaLists, mine.sigmaRules),
      faults: faultsSince(this.aggregator.ruleFaults(), sc),
      sigmaFaults: faultsSince(sigmaFaults(), sigma),
    };
  }

  /**
   * The findings of the scan, ordered (see `Aggregator.findings`). In a split scan: those of
   * the rules this thread owns (`-1` in `split.owners`), with those the workers built.
   */
  findings(
    source: SourceRef,
    split?: { readonly owners: RuleOwners; readonly built: readonly RuleFindings[] },
  ): Finding[] {
    if (split === undefined)
      return [...this.aggregator.findings(source), ...(this.sigma?.findings(source) ?? [])];
    const own = this.ruleFindings(source, -1, split.owners);
    const rules: Finding[][] = this.aggregator.sizes().map(() => []);
    const sigmaRules: Finding[][] = this.sigma?.sizes().map(() => []) ?? [];
    for (const part of [own, ...split.built]) {
      for (const [r, list] of part.rules) rules[r] = list as Finding[];
      for (const [r, list] of part.sigmaRules) sigmaRules[r] = list as Finding[];
    }
    this.aggregator.absorbFaults(split.built.map((b) => b.faults));
    this.sigma?.absorbFaults(split.built.map((b) => b.sigmaFaults));
    return [...mergeRuleFindings(rules), ...mergeRuleFindings(sigmaRules)];
  }

  /** Adds what scans of the same rules counted over other events of the same input. */
  absorb(states: readonly EventScanState[]): void {
    const counts = new Map(Object.entries(this.eventsByType));
    for (const s of states) {
      this.events += s.events;
      this.processRecords += s.processRecords;
      for (const [type, n] of Object.entries(s.eventsByType)) {
        counts.set(type, (counts.get(type) ?? 0) + n);
        const at = s.firstOfType[type] as number;
        if (!((this.firstOfType[type] as number) <= at)) this.firstOfType[type] = at;
      }
    }
    // the types in the order they first appear in the input, as one scan of it lists them
    const order = (type: string) => this.firstOfType[type] as number;
    for (const type of counts.keys()) delete this.eventsByType[type];
    for (const type of [...counts.keys()].sort((a, b) => order(a) - order(b)))
      this.eventsByType[type] = counts.get(type) as number;
    this.aggregator.absorb(states.map((s) => s.aggregator));
    this.sigma?.absorb(states.flatMap((s) => (s.sigma === undefined ? [] : [s.sigma])));
  }
}
