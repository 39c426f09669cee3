import type { CimRecord } from "../model/types.js";
import { detach } from "../parse/detach.js";
import type { AggregateSpec } from "../rules/types.js";

/** Value of one aggregation in a finding: `values` a sorted list, `dc`/`count` a number. */
export type AggregateValue = readonly string[] | number | string | null;

/** Per-group state of a rule's extra aggregations, built from its specs once per group. */
export interface Accumulators {
  add(record: CimRecord): void;
  result(): Record<string, AggregateValue>;
}

/** Splunk's `values()` sorts lexicographically and keeps at most this many. */
const VALUES_LIMIT = 10_000 as const;

/** `latest`/`earliest`: the value kept and the time it was seen at. */
interface Pick {
  value: string | null;
  at: number;
}

/** One aggregation's state: a set (`values`, `dc`), a count, or a pick. */
type State = Set<string> | number | Pick;

function initial(spec: AggregateSpec): State {
  switch (spec.fn) {
    case "values":
    case "dc":
      return new Set<string>();
    case "count":
      return 0;
    case "latest":
    case "earliest":
      return { value: null, at: Number.NaN };
  }
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
          }
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
