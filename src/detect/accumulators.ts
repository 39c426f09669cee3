import type { CimRecord } from "../model/types.js";
import { detach } from "../parse/detach.js";
import type { AggregateSpec } from "../rules/types.js";
import { orderOf } from "./evidenceSpan.js";

/** Value of one aggregation in a finding: `values` a sorted list, `dc`/`count` a number. */
export type AggregateValue = readonly string[] | number | string | null;

/** Per-group state of a rule's extra aggregations, built from its specs once per group. */
export interface Accumulators {
  add(record: CimRecord): void;
  result(): Record<string, AggregateValue>;
  /** The state as plain data (structured-cloneable), for `merge` in another thread. */
  state(): readonly AccumulatorState[];
  /** Adds the state of the same group counted over other records (see `state`). */
  merge(other: readonly AccumulatorState[]): void;
}

/** Splunk's `values()` sorts lexicographically and keeps at most this many. */
const VALUES_LIMIT = 10_000 as const;

/** `latest`/`earliest`: the value kept, the time it was seen at and its record's order. */
interface Pick {
  value: string | null;
  at: number;
  order: number;
}

/** One aggregation's state: a set (`values`, `dc`), a count, or a pick. */
type State = Set<string> | number | Pick;

/** One aggregation's state, as `Accumulators.state` hands it over. */
export type AccumulatorState = State;

function initial(spec: AggregateSpec): State {
  switch (spec.fn) {
    case "values":
    case "dc":
      return new Set<string>();
    case "count":
      return 0;
    case "latest":
    case "earliest":
      return { value: null, at: Number.NaN, order: 0 };
  }
}

/**
 * Whether `add`, seeing the records of both picks in input order, would end with `b`: the
 * latest time (ties: the last record) or the earliest (ties: the first). A time that is not a
 * number loses to one that is (`add` keeps such a pick only when its record came first).
 */
function picks(fn: "latest" | "earliest", a: Pick, b: Pick): boolean {
  if (Number.isNaN(b.at)) return Number.isNaN(a.at) && b.order < a.order;
  if (Number.isNaN(a.at)) return true;
  if (b.at === a.at) return fn === "latest" ? b.order > a.order : b.order < a.order;
  return fn === "latest" ? b.at > a.at : b.at < a.at;
}

/**
 * A group's aggregations: one state per spec in an array, not closures, since join detections
 * keep a group per process record for the whole scan (measured with a scan of unique-process
 * Sysmon XML: closures per group were most of the heap).
 */
class GroupAccumulators implements Accumulators {
  private readonly states: State[];

  constructor(private readonly specs: readonly AggregateSpec[]) {
    this.states = specs.map(initial);
  }

  add(record: CimRecord): void {
    const fields: Readonly<Partial<Record<string, string>>> = record.fields;
    for (let i = 0; i < this.specs.length; i++) {
      const spec = this.specs[i] as AggregateSpec;
      const v = fields[spec.field];
      if (v === undefined) continue;
      const state = this.states[i] as State;
      switch (spec.fn) {
        case "values": {
          const seen = state as Set<string>;
          if (seen.size < VALUES_LIMIT && !seen.has(v)) seen.add(detach(v));
          break;
        }
        case "dc": {
          const seen = state as Set<string>;
          if (!seen.has(v)) seen.add(detach(v));
          break;
        }
        case "count":
          this.states[i] = (state as number) + 1;
          break;
        case "latest":
        case "earliest": {
          const pick = state as Pick;
          const t = record.time;
          const later = spec.fn === "latest" ? t >= pick.at : t < pick.at;
          if (pick.value === null || later) {
            pick.value = detach(v);
            pick.at = t;
            pick.order = orderOf(record.position);
          }
          break;
        }
      }
    }
  }

  state(): readonly AccumulatorState[] {
    return this.states;
  }

  merge(other: readonly AccumulatorState[]): void {
    for (let i = 0; i < this.specs.length; i++) {
      const spec = this.specs[i] as AggregateSpec;
      const mine = this.states[i] as State;
      const theirs = other[i] as State;
      switch (spec.fn) {
        case "values":
        case "dc": {
          const seen = mine as Set<string>;
          const limit = spec.fn === "values" ? VALUES_LIMIT : Number.POSITIVE_INFINITY;
          for (const v of theirs as Set<string>) if (seen.size < limit) seen.add(v);
          break;
        }
        case "count":
          this.states[i] = (mine as number) + (theirs as number);
          break;
        case "latest":
        case "earliest": {
          const a = mine as Pick;
          const b = theirs as Pick;
          if (b.value !== null && (a.value === null || picks(spec.fn, a, b)))
            this.states[i] = { ...b };
          break;
        }
      }
    }
  }

  result(): Record<string, AggregateValue> {
    const out: Record<string, AggregateValue> = {};
    this.specs.forEach((spec, i) => {
      const state = this.states[i] as State;
      switch (spec.fn) {
        case "values":
          out[spec.as] = [...(state as Set<string>)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          break;
        case "dc":
          out[spec.as] = (state as Set<string>).size;
          break;
        case "count":
          out[spec.as] = state as number;
          break;
        default:
          out[spec.as] = (state as Pick).value;
      }
    });
    return out;
  }
}

/** Creates the accumulators for one group; a rule without extra aggregations gets none. */
export function createAccumulators(specs: readonly AggregateSpec[]): Accumulators | undefined {
  return specs.length === 0 ? undefined : new GroupAccumulators(specs);
}
