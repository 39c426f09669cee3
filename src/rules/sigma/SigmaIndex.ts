import type { WinEvent } from "../../parse/types.js";
import { AhoCorasick } from "./AhoCorasick.js";
import type { EventView, FieldRef } from "./EventView.js";
import { ANY_EVENT, eventKey } from "./eventKey.js";
import { MemoScan } from "./MemoScan.js";
import type { SigmaRule, SigmaVariant, ViewTest } from "./types.js";

/** A rule variant that applies to some event key. */
export interface IndexedTest {
  readonly rule: SigmaRule;
  /** Position of the rule in the list the index was built from. */
  readonly ruleIndex: number;
  readonly test: ViewTest;
}

/** One field's needles for an event key: which clauses of gated tests each needle satisfies. */
interface FieldScan {
  readonly field: FieldRef | null;
  readonly automaton: AhoCorasick;
  /** The automaton's scans, remembered by value. */
  readonly memo: MemoScan;
  /** Clause slots satisfied by each needle id. */
  readonly opens: readonly (readonly number[])[];
}

/** What runs for the entries of one index key (exact, channel-wide or any), built on first use. */
interface Plan {
  /** Tests with no literal guarantee: run on every event of the key. */
  readonly always: readonly IndexedTest[];
  /** Tests that run only when field scans satisfy every clause of their requirement. */
  readonly gated: readonly IndexedTest[];
  readonly scans: readonly FieldScan[];
  /** Per clause slot: its gated test; per gated test: its number of clauses. */
  readonly slotTest: Int32Array;
  readonly clauses: Int32Array;
  /** Per clause slot: the event number it was last satisfied in. */
  readonly slotMarks: Int32Array;
  /** Per gated test: the event number its `satisfied` count belongs to, and the count. */
  readonly marks: Int32Array;
  readonly satisfied: Int32Array;
}

interface Entry extends IndexedTest {
  readonly variant: SigmaVariant;
}

const NO_PLAN: Plan = {
  always: [],
  gated: [],
  scans: [],
  slotTest: new Int32Array(0),
  clauses: new Int32Array(0),
  slotMarks: new Int32Array(0),
  marks: new Int32Array(0),
  satisfied: new Int32Array(0),
};

/** Whether a rule variant has no literal every match holds: it runs on every event of its keys. */
export function runsOnEveryEvent(variant: Pick<SigmaVariant, "req">): boolean {
  return variant.req === null || variant.req.length === 0;
}

function buildPlan(entries: readonly Entry[]): Plan {
  const always: IndexedTest[] = [];
  const gated: IndexedTest[] = [];
  const slotTest: number[] = [];
  const clauses: number[] = [];
  const byField = new Map<string, { field: FieldRef | null; needles: Map<string, number[]> }>();
  for (const e of entries) {
    const req = e.variant.req;
    const t: IndexedTest = { rule: e.rule, ruleIndex: e.ruleIndex, test: e.test };
    // (`req === null` only narrows its type: runsOnEveryEvent holds for it)
    if (runsOnEveryEvent(e.variant) || req === null) {
      always.push(t);
      continue;
    }
    const g = gated.length;
    gated.push(t);
    clauses.push(req.length);
    for (const clause of req) {
      const slot = slotTest.length;
      slotTest.push(g);
      for (const n of clause) {
        const fk = n.field === null ? "" : n.field.key;
        const f = byField.get(fk) ?? { field: n.field, needles: new Map<string, number[]>() };
        byField.set(fk, f);
        const opens = f.needles.get(n.text) ?? [];
        if (opens[opens.length - 1] !== slot) opens.push(slot);
        f.needles.set(n.text, opens);
      }
    }
  }
  const scans: FieldScan[] = [...byField.values()].map(({ field, needles }) => {
    const automaton = new AhoCorasick([...needles.keys()]);
    return { field, automaton, memo: new MemoScan(automaton), opens: [...needles.values()] };
  });
  return {
    always,
    gated,
    scans,
    slotTest: Int32Array.from(slotTest),
    clauses: Int32Array.from(clauses),
    slotMarks: new Int32Array(slotTest.length),
    marks: new Int32Array(gated.length),
    satisfied: new Int32Array(gated.length),
  };
}

const shared = new WeakMap<readonly SigmaRule[], SigmaIndex>();

/**
 * The rules that apply to each event key, and a literal pre-filter over them, built once per
 * rule set (`SigmaIndex.of`) and shared by every scan. Per event, only the rules of its channel
 * and event id (plus channel-wide and product-wide ones) are considered; of those, a rule whose
 * every match needs literals (some of each of up to four sets, see `Requirement`) runs only
 * when one Aho-Corasick pass over each field's value finds them.
 */
export class SigmaIndex {
  private readonly exact = new Map<string, Entry[]>();
  private readonly plans = new Map<string, Plan>();
  private readonly byEvent = new Map<string, readonly Plan[]>();
  private gen = 0;

  /** The index of a rule list, built on first use and kept while the list lives. */
  static of(rules: readonly SigmaRule[]): SigmaIndex {
    let index = shared.get(rules);
    if (index === undefined) {
      index = new SigmaIndex(rules);
      shared.set(rules, index);
    }
    return index;
  }

  constructor(readonly rules: readonly SigmaRule[]) {
    rules.forEach((rule, ruleIndex) => {
      for (const variant of rule.variants) {
        for (const key of variant.keys) {
          const list = this.exact.get(key) ?? [];
          // A rule appears once per key even when two variants claim it (the first wins).
          if (!list.some((t) => t.ruleIndex === ruleIndex))
            list.push({ rule, ruleIndex, test: variant.test, variant });
          this.exact.set(key, list);
        }
      }
    });
  }

  private plan(key: string): Plan {
    let plan = this.plans.get(key);
    if (plan === undefined) {
      const entries = this.exact.get(key);
      plan = entries === undefined ? NO_PLAN : buildPlan(entries);
      this.plans.set(key, plan);
    }
    return plan;
  }

  /**
   * The last event's channel and id and their plans: runs of events share them, and the key
   * text (lower-cased, then hashed) cost ~0.4 us an event (`bench/run.ts` (m) "many rules").
   */
  private lastChannel = "";
  private lastId = -1;
  private lastPlans: readonly Plan[] = [];

  private plansFor(event: WinEvent): readonly Plan[] {
    if (event.eventId === this.lastId && event.channel === this.lastChannel) return this.lastPlans;
    const key = eventKey(event.channel, event.eventId);
    let plans = this.byEvent.get(key);
    if (plans === undefined) {
      plans = [
        this.plan(key),
        this.plan(eventKey(event.channel, "*")),
        this.plan(ANY_EVENT),
      ].filter((p) => p !== NO_PLAN);
      this.byEvent.set(key, plans);
    }
    this.lastChannel = event.channel;
    this.lastId = event.eventId;
    this.lastPlans = plans;
    return plans;
  }

  /** The tests of the last event (reused). */
  private readonly out: IndexedTest[] = [];

  /**
   * The tests worth running for an event: those without a pre-filter and those it opens (the
   * array is reused by the next call). Fields are scanned lower-cased as the view caches them
   * for the rules (see `AhoCorasick.scanLower`).
   */
  candidates(view: EventView): IndexedTest[] {
    const out = this.out;
    out.length = 0;
    if (this.gen >= 0x7fffffff) {
      for (const p of this.plans.values()) {
        p.marks.fill(0);
        p.slotMarks.fill(0);
      }
      this.gen = 0;
    }
    const gen = ++this.gen;
    for (const plan of this.plansFor(view.event)) {
      for (const t of plan.always) out.push(t);
      for (const scan of plan.scans) {
        if (scan.field !== null) {
          const v = view.lower(scan.field);
          if (v !== undefined && v !== "") this.open(scan, v, plan, gen, out);
        } else {
          for (const v of view.lowerValues()) if (v !== "") this.open(scan, v, plan, gen, out);
        }
      }
    }
    return out;
  }

  /**
   * Scans one value and adds the gated tests whose last unsatisfied clause its needles
   * satisfy (each test once per event).
   */
  private open(scan: FieldScan, value: string, plan: Plan, gen: number, out: IndexedTest[]): void {
    const hits = this.hits(scan.automaton.needles);
    const found = scan.memo.scan(value, hits);
    const { gated, slotTest, clauses, slotMarks, marks, satisfied } = plan;
    for (let h = 0; h < found; h++) {
      for (const slot of scan.opens[hits[h] as number] as readonly number[]) {
        if (slotMarks[slot] === gen) continue;
        slotMarks[slot] = gen;
        const g = slotTest[slot] as number;
        let n = 1;
        if (marks[g] === gen) n = (satisfied[g] as number) + 1;
        else marks[g] = gen;
        satisfied[g] = n;
        if (n === clauses[g]) out.push(gated[g] as IndexedTest);
      }
    }
  }

  private hitBuffer = new Int32Array(64);

  /** A reusable buffer with room for `n` needle ids. */
  private hits(n: number): Int32Array {
    if (this.hitBuffer.length < n) this.hitBuffer = new Int32Array(n);
    return this.hitBuffer;
  }

  /** Event ids some rule needs, or `all` when a rule applies to any id of a channel or event. */
  eventIds(): ReadonlySet<number> | "all" {
    const ids = new Set<number>();
    for (const key of this.exact.keys()) {
      const id = key.slice(key.lastIndexOf("#") + 1);
      if (key === ANY_EVENT || id === "*") return "all";
      ids.add(Number(id));
    }
    return ids;
  }
}
