import { type Datamodel, datamodelSpec } from "../model/datamodels.js";
import type { CimRecord } from "../model/types.js";
import { detach } from "../parse/detach.js";
import type { EventPosition } from "../parse/types.js";
import type {
  FirstJoin,
  GroupInput,
  GroupKey,
  GroupTest,
  Pipeline,
  PipelineRow,
  RecordFilter,
  Row,
} from "../rules/spl/eval/index.js";
import { keyHash } from "../rules/spl/eval/index.js";
import type { SubsearchRows } from "../rules/spl/eval/joinCommand.js";
import { compareScalars } from "../rules/spl/eval/values.js";
import type { CompiledRule, Subsearch, TstatsPlan } from "../rules/types.js";
import {
  type AccumulatorState,
  type Accumulators,
  type AggregateValue,
  createAccumulators,
} from "./accumulators.js";
import { buildFinding, type Group, iso } from "./buildFinding.js";
import { type DeferredUse, deferJoins, planKey, planUses } from "./deferJoins.js";
import { offsetOf, orderOf, widenSpan } from "./evidenceSpan.js";
import { GroupTable } from "./GroupTable.js";
import { LowercaseReader } from "./LowercaseReader.js";
import { NO_FAULTS, RuleFaultLog, type RuleFaults } from "./RuleFaultLog.js";
import { RuleIndex } from "./RuleIndex.js";
import {
  anyOf,
  SecondPassIndex,
  type SecondPassIndexState,
  type WantedPositions,
} from "./SecondPassIndex.js";
import { sortFindings } from "./sortFindings.js";
import type { Finding, SourceRef, StatePart } from "./types.js";

/** A group as counted during the scan; its by-values are the ids of its tuple (see `ids`). */
interface Tally {
  /** Its number in the unit's `table`. */
  readonly index: number;
  readonly acc: Accumulators | undefined;
  count: number;
  minTime: number;
  maxTime: number;
  first: EventPosition;
  last: EventPosition;
}

/** One tstats being filled: a rule's own or a join subsearch's, shared by identical ones. */
interface Unit {
  readonly plan: TstatsPlan;
  /** The rule a fault of this tstats is charged to (the first one that uses it). */
  readonly owner: CompiledRule;
  /** Group numbers by the ids of their by-values (see `ids`); renumbered by `absorb`. */
  table: GroupTable;
  /** The groups in the order they were first seen (by their number). */
  readonly groups: Tally[];
  /** The record slot of each by-field (see `Aggregator.slotOf`). */
  readonly slots: Int32Array;
  /** The id of `plan.fillnull`, a missing by-field's value; -1 when none (such a record is not counted). */
  readonly fillId: number;
  /**
   * Whether a record's group can survive the pipes at all (`Pipeline.recordFilter`): a group
   * it rejects is never kept. Null when no pipe decides from by-values, or when the tstats is
   * shared (other pipes may keep the group).
   */
  readonly filter: RecordFilter | null;
  /**
   * The filter's outcomes by the ids of the by-values it reads (one id: the id itself; more:
   * the ids joined by commas), so that it runs once per distinct value (see `kept`).
   */
  readonly passed: Map<number | string, boolean>;
}

/**
 * Outcomes a unit's record filter remembers before it starts again, so that its memory stays
 * flat whatever the input (bench/run.ts (m): the largest of the 79 filters' memos holds 2,125
 * outcomes for 87,580 process records).
 */
const FILTER_MEMO = 65_536;

/** The tstats of one dataset and the index that picks the candidates among them per record. */
interface Slot {
  readonly units: Unit[];
  index: RuleIndex;
}

/** A tstats left to the second pass (see `AggregatorOptions.secondPass`). */
interface Deferred {
  readonly unit: Unit;
  readonly uses: readonly DeferredUse[];
  /** Per use: the number of its key's shape in the dataset's `SecondPassIndex`. */
  readonly shapes: number[];
  /** Set by `secondPass`: whether a record's group can match one of its joins at all. */
  test: GroupTest | undefined;
}

export interface AggregatorOptions {
  /**
   * Leaves to a second pass over the same input each side of a detection's first join (on
   * fields holding tstats by-values) that reads every record of its dataset (no image names,
   * no literals) when the other side does not (see `deferJoins`): e.g. every process grouped by
   * `process_guid`, joined with rare file writes. After the first pass `secondPass` tells
   * whether the other sides have any key; only then does the caller read the input again and
   * give its records to `addSecondPass`, which keeps only the groups whose key the other side
   * has (an inner join's own side; a subsearch of any join). The findings are the same;
   * what changes is memory: such a tstats kept one group per process for the whole scan
   * (bench/run.ts (m) on the unique-process corpus: ~1 million groups, peak RSS 1.3 GB for
   * 300 MB), and most inputs never need the second pass. Off for an input that can be read
   * only once (stdin).
   * @default false
   */
  readonly secondPass?: boolean;
}

/**
 * A tstats group as `Aggregator.state` hands it over: its by-values as text (a `_time` one as
 * its bucket start in epoch ms, null when the records had no time).
 */
export interface GroupState {
  readonly by: readonly (string | number | null)[];
  readonly count: number;
  readonly minTime: number;
  readonly maxTime: number;
  readonly first: EventPosition;
  readonly last: EventPosition;
  readonly acc?: readonly AccumulatorState[];
}

/**
 * What an aggregator counted, as plain (structured-cloneable) data: the groups of each tstats in
 * the order the aggregator built them (the same for the same rules), the second pass's index,
 * and the rule faults. See `Aggregator.absorb`.
 */
export interface AggregatorState {
  readonly units: readonly (readonly GroupState[])[];
  readonly seen: readonly (readonly [Datamodel, SecondPassIndexState])[];
  readonly faults: RuleFaults;
}

/** What a second pass must read: the datasets and literals of the tstats it fills. */
export interface SecondPass {
  readonly plans: readonly TstatsPlan[];
  /**
   * Where the records it needs sit (those whose join key the other side has), as the first
   * pass saw them; undefined when every record of the datasets must be read.
   */
  readonly positions: WantedPositions | undefined;
}

/** Orders groups as tstats returns them: by their by-values, numbers numerically. */
function compareValues(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareScalars(a[i] as string, b[i] as string);
    if (c !== 0) return c;
  }
  return 0;
}

function groupInput(g: Group, result: Record<string, AggregateValue> | undefined): GroupInput {
  return {
    by: g.values,
    count: g.count,
    minTime: g.minTime,
    maxTime: g.maxTime,
    aggregates: result,
  };
}

/**
 * `| tstats count min(_time) max(_time) ... by <fields>` over the records of one source: one
 * group per tstats and distinct tuple of by-values (exact, case-sensitive, missing ones filled
 * with the rule's `fillnull_value`), with the count, time range and the evidence span. A
 * record reaches only the tstats of its own dataset; a rule's join subsearches are tstats
 * filled in the same pass, and identical tstats commands share one set of groups.
 */
export class Aggregator {
  /** Per rule: its own tstats and those of its subsearches, in the rule's order. */
  private readonly units: ReadonlyArray<{ readonly main: Unit; readonly subs: readonly Unit[] }>;
  private readonly slots = new Map<Datamodel, Slot>();
  /** Every distinct tstats, in the order they were built (see `state`). */
  private readonly built: Unit[] = [];
  private readonly faults = new RuleFaultLog();
  /**
   * Small integer ids of by-values, shared by every tstats: a record's value is hashed and
   * compared once here, then each tstats looks its groups up by integers. Why: with join
   * detections ~20 tstats group every process record, and string keys (command lines) made
   * grouping the largest cost of bench/run.ts "many rules".
   */
  private readonly ids = new Map<string, number>();
  /** The value of each id, detached from the parser's text (see `detach`). */
  private readonly texts: string[] = [];
  /**
   * Record slots: each distinct by-field (a `_time` by-field per span) gets a number at build
   * time, and the current record's value id of each is computed once, however many tstats
   * group by it (`slotStamp[slot] === stamp` marks it as computed for this record).
   */
  private readonly slotOf = new Map<string, number>();
  private readonly slotField: string[] = [];
  private readonly slotSpan: (number | null)[] = [];
  private slotId = new Int32Array(0);
  private slotStamp = new Uint32Array(0);
  private stamp = 0;
  /** By-value ids of the record being counted in one tstats (reused). */
  private tuple = new Int32Array(8);
  /** The current record, lower-cased as rules read it (one reader reused for the scan). */
  private readonly reader = new LowercaseReader();
  /** Ids of `_time` bucket starts (epoch ms), and the start of each id. */
  private readonly startIds = new Map<number, number>();
  private readonly starts: number[] = [];
  /** ISO-8601 text of each start id, made when findings first need it. */
  private readonly startTexts: (string | undefined)[] = [];

  /** Tstats left to the second pass, by dataset (see `AggregatorOptions.secondPass`). */
  private readonly deferred = new Map<Datamodel, Deferred[]>();
  /** Per dataset with deferred tstats: where the first pass saw its records, and their keys. */
  private readonly seen = new Map<Datamodel, SecondPassIndex>();

  constructor(
    private readonly rules: readonly CompiledRule[],
    options: AggregatorOptions = {},
  ) {
    const shared = new Map<string, Unit>();
    const uses = planUses(rules);
    const later = options.secondPass === true ? deferJoins(rules, uses) : new Map();
    const unitFor = (plan: TstatsPlan, owner: CompiledRule, pipeline?: Pipeline): Unit => {
      const known = plan.signature === undefined ? undefined : shared.get(plan.signature);
      if (known !== undefined) return known;
      const unit: Unit = {
        plan,
        owner,
        table: new GroupTable(plan.by.length),
        groups: [],
        slots: Int32Array.from(plan.by, (f) => this.slotFor(f, plan.span)),
        fillId: plan.fillnull === null ? -1 : this.idOf(plan.fillnull),
        filter: uses.get(planKey(plan)) === 1 ? (pipeline?.recordFilter ?? null) : null,
        passed: new Map(),
      };
      if (plan.by.length > this.tuple.length) this.tuple = new Int32Array(plan.by.length);
      this.built.push(unit);
      if (plan.signature !== undefined) shared.set(plan.signature, unit);
      const deferredUses = later.get(planKey(plan));
      if (deferredUses !== undefined) {
        const list = this.deferred.get(plan.datamodel) ?? [];
        list.push({ unit, uses: deferredUses, shapes: [], test: undefined });
        this.deferred.set(plan.datamodel, list);
        return unit;
      }
      let slot = this.slots.get(plan.datamodel);
      if (slot === undefined) {
        slot = { units: [], index: new RuleIndex([]) };
        this.slots.set(plan.datamodel, slot);
      }
      slot.units.push(unit);
      return unit;
    };
    this.units = rules.map((rule) => ({
      main: unitFor(rule, rule, rule.pipeline),
      subs: (rule.subsearches ?? []).map((sub) => unitFor(sub, rule, sub.pipeline)),
    }));
    for (const [datamodel, slot] of this.slots)
      slot.index = new RuleIndex(
        slot.units.map((u) => u.plan),
        datamodelSpec(datamodel).verbatim,
      );
    this.slotId = new Int32Array(this.slotField.length);
    this.slotStamp = new Uint32Array(this.slotField.length);
    for (const [datamodel, list] of this.deferred) this.seen.set(datamodel, this.indexOf(list));
  }

  /** A use's own key at its join: the rule's first join key, or its subsearch's group key. */
  private useKey(use: DeferredUse): GroupKey {
    if (use.kind === "sub") return use.subKey;
    return (this.rules[use.rule] as CompiledRule).pipeline?.firstJoin as FirstJoin;
  }

  /**
   * The index of a dataset's deferred tstats: one key a record per shape, i.e. per distinct
   * by-fields a use's key reads (with what fills a missing one, and the span of a `_time`),
   * shared by the uses that read the same (`GroupKey.reads`).
   */
  private indexOf(list: readonly Deferred[]): SecondPassIndex {
    const shapes = new Map<string, number>();
    const keys: ((record: CimRecord) => number)[] = [];
    for (const d of list) {
      const plan = d.unit.plan;
      for (const use of d.uses) {
        const { hash, reads } = this.useKey(use);
        const span = reads.includes("_time") ? plan.span : null;
        const shape = JSON.stringify([reads, plan.fillnull, span]);
        let s = shapes.get(shape);
        if (s === undefined) {
          s = keys.length;
          shapes.set(shape, s);
          const unit = d.unit;
          keys.push((record) => hash((i) => this.recordText(unit, record, i)));
        }
        d.shapes.push(s);
      }
    }
    return new SecondPassIndex(keys);
  }

  /** The record slot of a by-field (`_time` one per span). */
  private slotFor(field: string, span: number | null): number {
    const name = field === "_time" ? `_time\u0000${span}` : field;
    let slot = this.slotOf.get(name);
    if (slot === undefined) {
      slot = this.slotField.length;
      this.slotOf.set(name, slot);
      this.slotField.push(field);
      this.slotSpan.push(span);
    }
    return slot;
  }

  /** The datasets the rules read: records of any other one need not be built. */
  datamodels(): Datamodel[] {
    return [...new Set([...this.slots.keys(), ...this.deferred.keys()])];
  }

  /**
   * After the first pass: the tstats a second pass over the input must fill, or undefined when
   * none is needed (no deferred detection's join has a key, so it can give no finding).
   * Call once; records then go to `addSecondPass`.
   */
  secondPass(): SecondPass | undefined {
    const plans: TstatsPlan[] = [];
    const chosen: (WantedPositions | undefined)[] = [];
    for (const [datamodel, list] of this.deferred) {
      const wanted: Set<number>[] = [];
      for (const d of list) {
        const tests: GroupTest[] = [];
        d.uses.forEach((use, u) => {
          const join = this.joinTest(use);
          if (join === undefined) return;
          tests.push(join.test);
          const s = d.shapes[u] as number;
          const hashes = wanted[s] ?? new Set<number>();
          for (const k of join.keys) hashes.add(keyHash(k));
          wanted[s] = hashes;
        });
        d.test = tests.length <= 1 ? tests[0] : (byValue) => tests.some((t) => t(byValue));
        if (d.test !== undefined) plans.push(d.unit.plan);
      }
      const index = this.seen.get(datamodel) as SecondPassIndex;
      if (wanted.length > 0) chosen.push(index.select(wanted));
    }
    if (plans.length === 0) return undefined;
    return { plans, positions: anyOf(chosen) };
  }

  /** For one use of a deferred tstats: which of its groups the join can match, if any. */
  private joinTest(
    use: DeferredUse,
  ): { readonly test: GroupTest; readonly keys: ReadonlySet<string> } | undefined {
    const rule = this.rules[use.rule] as CompiledRule;
    const units = this.units[use.rule] as { main: Unit; subs: readonly Unit[] };
    if (use.kind === "main") {
      const rows = this.subsearchSource(rule, units.subs, (u) => this.inOrder(u, u.groups));
      const join = rule.pipeline?.prefilter(rows);
      return join === undefined || join.keys.size === 0 ? undefined : join;
    }
    const join = rule.pipeline?.firstJoin;
    if (join === undefined || join === null) return undefined;
    const main = units.main;
    const keys = new Set(main.groups.map((t) => join.key((i) => this.valueAt(main, t, i))));
    const subKey = use.subKey.key;
    return keys.size === 0 ? undefined : { test: (byValue) => keys.has(subKey(byValue)), keys };
  }

  /** Counts a record of the second pass in the deferred tstats whose join can match its group. */
  addSecondPass(record: CimRecord): void {
    const list = this.deferred.get(record.datamodel);
    if (list === undefined) return;
    const read = this.reader.reset(record);
    this.stamp = (this.stamp + 1) >>> 0 || this.restamp();
    for (const d of list) {
      if (d.test === undefined) continue;
      const unit = d.unit;
      try {
        if (!unit.plan.match(read)) continue;
        if (!d.test((i) => this.recordText(unit, record, i))) continue;
      } catch (err) {
        this.recordFault(unit.owner, err, offsetOf(record.position));
        continue;
      }
      this.update(unit, record);
    }
  }

  add(record: CimRecord): void {
    const seen = this.seen.get(record.datamodel);
    const slot = this.slots.get(record.datamodel);
    if (slot === undefined && seen === undefined) return;
    // a new record: the slot values cached for the last one are stale from here
    this.stamp = (this.stamp + 1) >>> 0 || this.restamp();
    seen?.note(record);
    if (slot === undefined) return;
    const read = this.reader.reset(record);
    const index = slot.index;
    const n = index.select(read);
    const chosen = index.chosen;
    for (let c = 0; c < n; c++) {
      const unit = slot.units[chosen[c] as number] as Unit;
      let hit: boolean;
      try {
        hit = unit.plan.match(read);
      } catch (err) {
        this.recordFault(unit.owner, err, offsetOf(record.position));
        continue;
      }
      if (hit) this.update(unit, record);
    }
  }

  private idOf(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.ids.size;
      const text = detach(value);
      this.ids.set(text, id);
      this.texts.push(text);
    }
    return id;
  }

  /**
   * The text of `record`'s `i`-th by-value in `unit`, as `byText` gives it,
   * without interning the value: a second pass tests every record of its datasets against its
   * joins and keeps few (bench/run.ts (m): interning each one's GUID grew `ids` by every
   * process of the input).
   */
  private recordText(unit: Unit, record: CimRecord, i: number): string {
    const field = unit.plan.by[i] as string;
    if (field === "_time") return this.byText(unit, i, this.byId(unit, record, i));
    return (
      (record.fields as Readonly<Partial<Record<string, string>>>)[field] ??
      unit.plan.fillnull ??
      ""
    );
  }

  /** Slot stamps start again after 2^32 records. */
  private restamp(): number {
    this.slotStamp.fill(0);
    return 1;
  }

  /**
   * The id of the value of a record slot (-1 when the record has none); `_time` slots hold
   * ids of bucket starts, their own number space (only `_time` holds them).
   */
  private slotValue(record: CimRecord, slot: number): number {
    if (this.slotStamp[slot] === this.stamp) return this.slotId[slot] as number;
    const field = this.slotField[slot] as string;
    let id = -1;
    if (field === "_time") {
      const ms = record.time;
      if (Number.isFinite(ms)) {
        const span = this.slotSpan[slot] as number | null;
        id = this.startId(span === null ? ms : Math.floor(ms / span) * span);
      }
    } else {
      const v = (record.fields as Readonly<Partial<Record<string, string>>>)[field];
      if (v !== undefined) id = this.idOf(v);
    }
    this.slotStamp[slot] = this.stamp;
    this.slotId[slot] = id;
    return id;
  }

  /** The id of `record`'s `i`-th by-value in `unit` (a missing one is `fillnull`'s; see `ids`). */
  private byId(unit: Unit, record: CimRecord, i: number): number {
    const id = this.slotValue(record, unit.slots[i] as number);
    // a missing value is `fillnull`'s: -1 when there is none (`_time` keeps -1: no time)
    return id === -1 && unit.plan.by[i] !== "_time" ? unit.fillId : id;
  }

  /**
   * Whether the record filter of `unit` keeps `record`'s group, from the by-values it reads:
   * run once per distinct tuple of them and remembered. Why: bench/run.ts (m), unique-process
   * corpus: run per new group (every process record, as groups hold its GUID) the filters
   * were ~8% of the scan, and only the values they read were hashed for a record they reject.
   */
  private kept(unit: Unit, filter: RecordFilter, record: CimRecord): boolean {
    const reads = filter.reads;
    let key: number | string;
    if (reads.length === 1) key = this.byId(unit, record, reads[0] as number);
    else {
      key = "";
      for (const i of reads) key += `${this.byId(unit, record, i)},`;
    }
    let ok = unit.passed.get(key);
    if (ok === undefined) {
      ok = filter.test((i) => this.byText(unit, i, this.byId(unit, record, i)));
      if (unit.passed.size >= FILTER_MEMO) unit.passed.clear();
      unit.passed.set(key, ok);
    }
    return ok;
  }

  /** Counts `record` in its group of `unit` (see `ids`). */
  private update(unit: Unit, record: CimRecord): void {
    const plan = unit.plan;
    if (unit.filter !== null && !this.kept(unit, unit.filter, record)) return;
    const tuple = this.tuple;
    for (let i = 0; i < plan.by.length; i++) {
      const id = this.byId(unit, record, i);
      // a by-field missing with no fillnull_value to fill it: tstats omits the record
      if (id === -1 && plan.by[i] !== "_time") return;
      tuple[i] = id;
    }
    const index = unit.table.findOrAdd(tuple);
    const t = record.time;
    if (index === unit.groups.length) {
      const acc = createAccumulators(plan.aggregates);
      acc?.add(record);
      const group: Tally = {
        index,
        acc,
        count: 1,
        minTime: t,
        maxTime: t,
        first: record.position,
        last: record.position,
      };
      unit.groups.push(group);
      return;
    }
    const g = unit.groups[index] as Tally;
    g.count++;
    g.acc?.add(record);
    if (Number.isFinite(t)) {
      if (!(t >= g.minTime)) g.minTime = t;
      if (!(t <= g.maxTime)) g.maxTime = t;
    }
    if (orderOf(record.position) < orderOf(g.first)) g.first = record.position;
    if (orderOf(record.position) >= orderOf(g.last)) g.last = record.position;
  }

  /** The `i`-th by-value of group `t` of `unit` (see `ids`). */
  private valueAt(unit: Unit, t: Tally, i: number): string {
    return this.byText(unit, i, unit.table.idAt(t.index, i));
  }

  /**
   * The text of the `i`-th by-value of `unit` from its id: a value id (a group's are never -1,
   * a record's is -1 when it lacks the field: `fillnull`), or for `_time` a bucket start id.
   */
  private byText(unit: Unit, i: number, id: number): string {
    const plan = unit.plan;
    if (id === -1) return plan.fillnull ?? NO_FILL;
    if (plan.by[i] !== "_time") return this.texts[id] as string;
    let text = this.startTexts[id];
    if (text === undefined) {
      text = iso(this.starts[id] as number) ?? plan.fillnull ?? NO_FILL;
      this.startTexts[id] = text;
    }
    return text;
  }

  /** A tally with its by-values decoded from its tuple. */
  private resolve(unit: Unit, t: Tally): Group {
    const values = unit.plan.by.map((_f, i) => this.valueAt(unit, t, i));
    return {
      values,
      acc: t.acc,
      count: t.count,
      minTime: t.minTime,
      maxTime: t.maxTime,
      first: t.first,
      last: t.last,
    };
  }

  /**
   * What this aggregator counted, for `absorb` in another thread (see `AggregatorState`): each
   * group's by-values as text, so that the receiver interns them in its own ids.
   */
  state(part?: StatePart): AggregatorState {
    const wanted = part === undefined ? undefined : this.unitsOf(part.rules);
    const units = this.built.map((unit) =>
      ((wanted?.has(unit) ?? true) ? unit.groups : []).map((t): GroupState => {
        const by = unit.plan.by.map((f, i) => {
          const id = unit.table.idAt(t.index, i);
          if (f !== "_time") return this.texts[id] as string;
          return id === -1 ? null : (this.starts[id] as number);
        });
        const acc = t.acc?.state();
        const { count, minTime, maxTime, first, last } = t;
        return { by, count, minTime, maxTime, first, last, ...(acc === undefined ? {} : { acc }) };
      }),
    );
    if (part?.rest === false) return { units, seen: [], faults: NO_FAULTS };
    const seen = [...this.seen].map(([d, index]) => [d, index.state()] as const);
    return { units, seen, faults: this.faults.report() };
  }

  /** The tstats the rules that `rules` picks read: their own and their subsearches'. */
  private unitsOf(rules: (rule: number) => boolean): Set<Unit> {
    const wanted = new Set<Unit>();
    this.units.forEach(({ main, subs }, r) => {
      if (!rules(r)) return;
      wanted.add(main);
      for (const u of subs) wanted.add(u);
    });
    return wanted;
  }

  /**
   * Per rule, whether one of its tstats is left to the second pass: its findings can be built
   * only where that pass runs (see `AggregatorOptions.secondPass`).
   */
  pinned(): boolean[] {
    const later = new Set([...this.deferred.values()].flatMap((list) => list.map((d) => d.unit)));
    return this.units.map(({ main, subs }) => later.has(main) || subs.some((u) => later.has(u)));
  }

  /** Per rule, the groups of its tstats so far: a measure of the work of its findings. */
  sizes(): number[] {
    return this.units.map(({ main, subs }) =>
      subs.reduce((n, u) => n + u.groups.length, main.groups.length),
    );
  }

  /**
   * Adds what aggregators of the same rules counted over other records of the same input (their
   * `state`), as if this one had counted those records too: counts add up, time ranges and
   * evidence spans widen, `values`/`dc` sets join, and each tstats' groups are then in the order
   * their first records have in the input, as one aggregator reading it all would have them.
   * Exact, except `values` past its 10,000 limit (which 10,000 are kept) and the order of
   * groups whose first records share one line. Before `secondPass`.
   */
  absorb(states: readonly AggregatorState[]): void {
    this.built.forEach((unit, u) => {
      const plan = unit.plan;
      // a tstats no state adds to keeps its order (a thread's own groups are in input order)
      if (states.every((state) => (state.units[u]?.length ?? 0) === 0)) return;
      for (const state of states) {
        for (const g of state.units[u] ?? []) {
          const tuple = this.tuple;
          g.by.forEach((v, i) => {
            tuple[i] =
              plan.by[i] !== "_time"
                ? this.idOf(v as string)
                : v === null
                  ? -1
                  : this.startId(v as number);
          });
          const index = unit.table.findOrAdd(tuple);
          if (index === unit.groups.length) {
            const acc = createAccumulators(plan.aggregates);
            if (g.acc !== undefined) acc?.merge(g.acc);
            const { count, minTime, maxTime, first, last } = g;
            unit.groups.push({ index, acc, count, minTime, maxTime, first, last });
            continue;
          }
          const t = unit.groups[index] as Tally;
          if (g.acc !== undefined) t.acc?.merge(g.acc);
          widenSpan(t, g);
        }
      }
      this.firstSeenOrder(unit);
    });
    for (const state of states)
      for (const [datamodel, index] of state.seen) this.seen.get(datamodel)?.absorb(index);
    this.faults.absorb(states.map((s) => s.faults));
  }

  /** Renumbers a tstats' groups in the order of their first records (see `absorb`). */
  private firstSeenOrder(unit: Unit): void {
    const sorted = [...unit.groups].sort((a, b) => orderOf(a.first) - orderOf(b.first));
    if (sorted.every((t, i) => t.index === i)) return;
    const width = unit.plan.by.length;
    const table = new GroupTable(width);
    const ids = new Int32Array(Math.max(width, 1));
    const renumbered = sorted.map((t, index) => {
      for (let i = 0; i < width; i++) ids[i] = unit.table.idAt(t.index, i);
      table.findOrAdd(ids);
      return { ...t, index };
    });
    unit.table = table;
    unit.groups.length = 0;
    unit.groups.push(...renumbered);
  }

  /** The id of a `_time` bucket start (see `startIds`). */
  private startId(start: number): number {
    let id = this.startIds.get(start);
    if (id === undefined) {
      id = this.startIds.size;
      this.startIds.set(start, id);
      this.starts.push(start);
    }
    return id;
  }

  private recordFault(rule: CompiledRule, err: unknown, offset: number): void {
    this.faults.record(rule.meta.id, err, offset);
  }

  /** Rule faults seen so far (the first 20) and their total. */
  ruleFaults(): RuleFaults {
    return this.faults.report();
  }

  /** Adds rule faults another thread saw (building findings of these rules). */
  absorbFaults(reports: readonly RuleFaults[]): void {
    this.faults.absorb(reports);
  }

  /**
   * The findings, ordered by detection name, first time, then by-values. A rule's pipes after
   * tstats run on its groups' rows here, after its join subsearches have run on theirs: a row
   * they drop gives no finding, the fields they create or change (joined ones included) go
   * into the finding's `computed` and its message, and a row a `stats` merged from several
   * groups gives one finding over all of them. Counts, times and evidence always come from
   * the rule's own groups. A pipe that throws is a rule fault; the rule's other rows and the
   * other rules go on.
   */
  findings(source: SourceRef): Finding[] {
    return sortFindings(this.ruleFindings(source).flat());
  }

  /**
   * Each rule's findings as `findings` builds them, in rule order and not yet sorted: those of
   * the rules `only` picks (the others' lists are empty). A split scan builds its rules'
   * findings in several threads, and `sortFindings` of them all in rule order is `findings`.
   */
  ruleFindings(source: SourceRef, only: (rule: number) => boolean = () => true): Finding[][] {
    const out: Finding[][] = [];
    // a subsearch's groups resolved and in tstats order, once however many rules read all of
    // them (a rule's own groups are resolved for that rule only, so that they can go when done)
    const sorted = new Map<Unit, Group[]>();
    const everyGroup = (unit: Unit): Group[] => {
      let list = sorted.get(unit);
      if (list === undefined) {
        list = this.inOrder(unit, unit.groups);
        sorted.set(unit, list);
      }
      return list;
    };
    this.rules.forEach((rule, r) => {
      const list: Finding[] = [];
      out.push(list);
      if (!only(r)) return;
      const units = this.units[r] as { main: Unit; subs: readonly Unit[] };
      const subsearches = this.subsearchSource(rule, units.subs, everyGroup);
      const main = units.main;
      // When the rule's own groups outnumber its subsearch's, the first join's test drops the
      // groups no subsearch row can match before they are resolved; otherwise the join asks
      // the subsearch only for the rows its own rows can match (see `subsearchSource`).
      const subGroups = units.subs.reduce((n, u) => n + u.groups.length, 0);
      const keep =
        main.groups.length > subGroups ? rule.pipeline?.prefilter(subsearches)?.test : undefined;
      const kept =
        keep === undefined
          ? main.groups
          : main.groups.filter((t) => keep((i) => this.valueAt(main, t, i)));
      const groups = this.tstatsRows(rule, main, kept);
      const results = groups.map((g) => g.acc?.result());
      for (const row of this.piped(rule, groups, results, subsearches)) {
        list.push(buildFinding(rule, groups, results, row, source));
      }
    });
    return out;
  }

  /**
   * A rule's subsearch rows, made when its pipes first ask: all of them (kept for the rule), or
   * when the join says which keys it needs and the subsearch's pipes keep its key fields as
   * tstats gave them, the rows of only the groups with those keys (same order, same rows).
   */
  private subsearchSource(
    rule: CompiledRule,
    units: readonly Unit[],
    everyGroup: (unit: Unit) => Group[],
  ): SubsearchRows {
    const all = new Map<number, readonly Row[]>();
    return (k, need) => {
      const known = all.get(k);
      if (known !== undefined) return known;
      const sub = (rule.subsearches ?? [])[k];
      const unit = units[k];
      if (sub === undefined || unit === undefined) return [];
      const key = need === undefined ? null : sub.pipeline.groupKey(need.fields);
      if (need !== undefined && key !== null) {
        const wanted = unit.groups.filter((t) =>
          need.keys.has(key.key((i) => this.valueAt(unit, t, i))),
        );
        return this.subsearchRows(rule, sub, this.inOrder(unit, wanted));
      }
      const rows = this.subsearchRows(rule, sub, everyGroup(unit));
      all.set(k, rows);
      return rows;
    };
  }

  /**
   * A rule's own groups as its pipes receive them: in tstats order (by their by-values), as
   * Splunk gives them to pipes whose result depends on row order (`dedup` keeps the first row,
   * `first()`/`list()`). Pipes that only format the count and times (`timeOnly`) take them as
   * they come: their rows do not depend on the order, and findings are sorted in the end.
   */
  private tstatsRows(rule: CompiledRule, main: Unit, tallies: readonly Tally[]): Group[] {
    if (rule.pipeline === undefined || rule.pipeline.timeOnly)
      return tallies.map((t) => this.resolve(main, t));
    return this.inOrder(main, tallies);
  }

  /** Groups resolved, in the order tstats returns them (by their by-values). */
  private inOrder(unit: Unit, tallies: readonly Tally[]): Group[] {
    return tallies
      .map((t) => this.resolve(unit, t))
      .sort((a, b) => compareValues(a.values, b.values));
  }

  /** A join subsearch's final rows: its groups in tstats order, through its own pipes. */
  private subsearchRows(rule: CompiledRule, sub: Subsearch, groups: readonly Group[]): Row[] {
    const at = (i: number): number => {
      const g = groups[i];
      return g === undefined ? 0 : orderOf(g.first);
    };
    try {
      return sub.pipeline.rows(
        groups.map((g) => groupInput(g, g.acc?.result())),
        (i, err) => this.recordFault(rule, err, at(i)),
      );
    } catch (err) {
      this.recordFault(rule, err, at(0));
      return [];
    }
  }

  /** The rows a rule's pipes let through; every group as it is when the rule has none. */
  private piped(
    rule: CompiledRule,
    groups: readonly Group[],
    results: ReadonlyArray<Record<string, AggregateValue> | undefined>,
    subRows: SubsearchRows,
  ): PipelineRow[] {
    if (rule.pipeline === undefined)
      return groups.map((_g, i) => ({ sources: [i], computed: {}, text: {} }));
    const at = (i: number): number => {
      const g = groups[i];
      return g === undefined ? 0 : orderOf(g.first);
    };
    try {
      return rule.pipeline.run(
        groups.map((g, i) => groupInput(g, results[i])),
        (i, err) => this.recordFault(rule, err, at(i)),
        subRows,
      );
    } catch (err) {
      this.recordFault(rule, err, at(0));
      return [];
    }
  }
}

/**
 * The text of a by-value that has none when the search sets no `fillnull_value`: a `_time`
 * without a time, or a missing field as a record filter reads it (that record is then omitted).
 */
const NO_FILL = "null";
