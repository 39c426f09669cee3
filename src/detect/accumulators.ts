import type { CimRecord } from "../model/types.js";
import type { AggregateSpec } from "../rules/types.js";

/** Value of one aggregation in a finding: `values` a sorted list, `dc`/`count` a number. */
export type AggregateValue = readonly string[] | number | string | null;

/** Per-group state of a rule's extra aggregations, built from its specs once per group. */
export interface Accumulators {
  add(record: CimRecord): void;
  result(): Record<string, AggregateValue>;
}

interface One {
  add(record: CimRecord): void;
  result(): AggregateValue;
}

/** Splunk's `values()` sorts lexicographically and keeps at most this many. */
const VALUES_LIMIT = 10_000 as const;

function one(spec: AggregateSpec): One {
  const f = spec.field;
  switch (spec.fn) {
    case "values": {
      const seen = new Set<string>();
      return {
        add: (r) => {
          const v = r.fields[f];
          if (v !== undefined && seen.size < VALUES_LIMIT) seen.add(v);
        },
        result: () => [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
      };
    }
    case "dc": {
      const seen = new Set<string>();
      return {
        add: (r) => {
          const v = r.fields[f];
          if (v !== undefined) seen.add(v);
        },
        result: () => seen.size,
      };
    }
    case "count": {
      let n = 0;
      return {
        add: (r) => {
          if (r.fields[f] !== undefined) n++;
        },
        result: () => n,
      };
    }
    case "latest":
    case "earliest": {
      const latest = spec.fn === "latest";
      let best: string | null = null;
      let at = Number.NaN;
      return {
        add: (r) => {
          const v = r.fields[f];
          if (v === undefined) return;
          if (best === null || (latest ? r.time >= at : r.time < at)) {
            best = v;
            at = r.time;
          }
        },
        result: () => best,
      };
    }
  }
}

/** Creates the accumulators for one group; a rule without extra aggregations gets none. */
export function createAccumulators(specs: readonly AggregateSpec[]): Accumulators | undefined {
  if (specs.length === 0) return undefined;
  const parts = specs.map((s) => [s.as, one(s)] as const);
  return {
    add: (record) => {
      for (const [, p] of parts) p.add(record);
    },
    result: () => Object.fromEntries(parts.map(([name, p]) => [name, p.result()])),
  };
}
