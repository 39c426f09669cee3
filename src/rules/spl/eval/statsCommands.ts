import { SplSyntaxError, UnsupportedSearchError } from "../../errors.js";
import { splitArgs } from "./commandArgs.js";
import {
  compareScalars,
  fromList,
  type Row,
  type Scalar,
  toNumber,
  toText,
  type Value,
  valuesOf,
} from "./values.js";

/** One `stats` aggregation: `fn(field) as name`, or `count` alone. */
interface StatsAggregation {
  readonly fn: string;
  readonly field: string | null;
  readonly as: string;
}

/** A parsed `stats`/`eventstats` argument list. */
export interface StatsSpec {
  readonly aggregations: readonly StatsAggregation[];
  readonly by: readonly string[];
}

type Reducer = (values: readonly Scalar[], rows: number) => Value;

function numbers(values: readonly Scalar[]): number[] {
  const out: number[] = [];
  for (const v of values) {
    const n = toNumber(v);
    if (n !== null) out.push(n);
  }
  return out;
}

function variance(values: readonly Scalar[], sample: boolean): number | null {
  const ns = numbers(values);
  if (ns.length < (sample ? 2 : 1)) return null;
  const mean = ns.reduce((a, b) => a + b, 0) / ns.length;
  const sq = ns.reduce((a, b) => a + (b - mean) ** 2, 0);
  return sq / (ns.length - (sample ? 1 : 0));
}

function extreme(values: readonly Scalar[], sign: 1 | -1): Value {
  const ns = numbers(values);
  if (ns.length > 0) return sign > 0 ? Math.max(...ns) : Math.min(...ns);
  if (values.length === 0) return null;
  return [...values].sort((a, b) => sign * compareScalars(b, a))[0] ?? null;
}

/** Values `list()` keeps, as Splunk's `list_maxsize` default does. */
const LIST_MAX = 100;

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The stats functions, over the values of a field in a group (and the group's row count). */
const REDUCERS: Readonly<Record<string, Reducer>> = {
  count: (values) => values.length,
  dc: (values) => new Set(values.map(toText)).size,
  values: (values) => fromList([...new Set(values.map(toText))].sort(byText)),
  // Splunk returns the first 100 values only ("Multivalue stats and chart functions")
  list: (values) => fromList(values.slice(0, LIST_MAX).map(toText)),
  sum: (values) => {
    const ns = numbers(values);
    return ns.length === 0 ? null : ns.reduce((a, b) => a + b, 0);
  },
  avg: (values) => {
    const ns = numbers(values);
    return ns.length === 0 ? null : ns.reduce((a, b) => a + b, 0) / ns.length;
  },
  min: (values) => extreme(values, -1),
  max: (values) => extreme(values, 1),
  range: (values) => {
    const ns = numbers(values);
    return ns.length === 0 ? null : Math.max(...ns) - Math.min(...ns);
  },
  stdev: (values) => {
    const v = variance(values, true);
    return v === null ? null : Math.sqrt(v);
  },
  stdevp: (values) => {
    const v = variance(values, false);
    return v === null ? null : Math.sqrt(v);
  },
  var: (values) => variance(values, true),
  varp: (values) => variance(values, false),
  first: (values) => values[0] ?? null,
  last: (values) => values[values.length - 1] ?? null,
};

const ALIASES: Readonly<Record<string, string>> = {
  distinct_count: "dc",
  mean: "avg",
  c: "count",
  earliest: "first",
  latest: "last",
};

/** Reads `count, sum(x) as y, dc(z) by a, b` (commas optional). */
export function parseStats(args: string): StatsSpec {
  const words = splitArgs(args);
  const aggregations: StatsAggregation[] = [];
  const by: string[] = [];
  let i = 0;
  for (; i < words.length; i++) {
    const w = (words[i] as { text: string }).text;
    if (w.toLowerCase() === "by") break;
    const m = /^(\w+)(?:\(([^()]*)\))?$/.exec(w);
    if (m === null) {
      // `max(eval(...))` is valid SPL that this engine does not evaluate: unsupported, not an error.
      if (/^\w+\(\s*eval\s*\(/i.test(w))
        throw new UnsupportedSearchError(`stats over an eval expression ${w.slice(0, 40)}`);
      throw new SplSyntaxError(`stats: cannot read "${w}"`);
    }
    const name = (m[1] as string).toLowerCase();
    const fn = ALIASES[name] ?? name;
    if (!Object.hasOwn(REDUCERS, fn)) throw new UnsupportedSearchError(`stats function ${name}()`);
    const field = m[2] === undefined || m[2] === "" ? null : m[2].trim();
    if (field === null && fn !== "count")
      throw new SplSyntaxError(`stats function ${name} needs a field`);
    if (field?.includes("*")) throw new UnsupportedSearchError(`stats over wildcard fields ${w}`);
    let as = w;
    if (words[i + 1]?.text.toLowerCase() === "as" && words[i + 2] !== undefined) {
      as = (words[i + 2] as { text: string }).text;
      i += 2;
    }
    aggregations.push({ fn, field, as });
  }
  for (i++; i < words.length; i++) by.push((words[i] as { text: string }).text);
  if (aggregations.length === 0) throw new SplSyntaxError("stats without an aggregation");
  return { aggregations, by };
}

/**
 * The group key of a row under `by`: one key per combination of by-values (a multivalue
 * by-field puts the row in each of its values' groups); none when a by-field is null, since
 * stats leaves such rows out.
 */
export function groupKeys(row: Row, by: readonly string[]): Array<readonly string[]> {
  let keys: string[][] = [[]];
  for (const f of by) {
    const vs = valuesOf(row[f] ?? null).map(toText);
    if (vs.length === 0) return [];
    keys = keys.flatMap((k) => vs.map((v) => [...k, v]));
  }
  return keys;
}

/** Computes the aggregations over the rows of one group. */
export function aggregate(spec: StatsSpec, rows: readonly Row[]): Row {
  const out: Row = {};
  for (const a of spec.aggregations) {
    const reducer = REDUCERS[a.fn] as Reducer;
    if (a.field === null) {
      out[a.as] = rows.length;
      continue;
    }
    const values: Scalar[] = [];
    for (const r of rows) for (const v of valuesOf(r[a.field] ?? null)) values.push(v);
    const v =
      a.fn === "count"
        ? rows.filter((r) => (r[a.field as string] ?? null) !== null).length
        : reducer(values, rows.length);
    out[a.as] = v;
  }
  return out;
}

/** A row on its way through the pipes, with the tstats groups it stands for. */
export interface Item {
  readonly row: Row;
  /** Indexes of the tstats groups behind this row (one, until a `stats` merges rows). */
  readonly sources: readonly number[];
  /** After a `stats ... by`: its by-fields (raw names) and this row's values of them. */
  readonly regrouped?: ReadonlyArray<readonly [string, string]>;
  /** Set by a join that gave one row several subsearch rows: which ones this row took. */
  readonly variant?: string;
}

/** A command over all rows of a detection at once. */
export type TableStage = (items: readonly Item[]) => Item[];

interface Bucket {
  readonly key: readonly string[];
  readonly members: Item[];
}

function buckets(items: readonly Item[], by: readonly string[]): Bucket[] {
  const map = new Map<string, Bucket>();
  for (const item of items) {
    for (const key of groupKeys(item.row, by)) {
      const k = key.join("\u0000");
      let b = map.get(k);
      if (b === undefined) {
        b = { key, members: [] };
        map.set(k, b);
      }
      if (!b.members.includes(item)) b.members.push(item);
    }
  }
  return [...map.values()];
}

/**
 * `| stats <aggregations> [by <fields>]`: one row per distinct by-tuple (rows with a null
 * by-field are left out), holding the by-fields and the aggregations; it stands for all the
 * tstats groups of its members. No rows in, no rows out (Splunk's `stats count` of nothing
 * is a row with count 0, but a finding needs evidence).
 */
export function statsStage(args: string): TableStage {
  const spec = parseStats(args);
  return (items) => {
    if (items.length === 0) return [];
    return buckets(items, spec.by)
      .sort((a, b) => byText(a.key.join("\u0000"), b.key.join("\u0000")))
      .map((b) => {
        const row: Row = Object.create(null);
        spec.by.forEach((f, i) => {
          row[f] = b.key[i] as string;
        });
        Object.assign(
          row,
          aggregate(
            spec,
            b.members.map((m) => m.row),
          ),
        );
        const sources = [...new Set(b.members.flatMap((m) => m.sources))].sort((x, y) => x - y);
        return { row, sources, regrouped: spec.by.map((f, i) => [f, b.key[i] as string] as const) };
      });
  };
}

/** `| eventstats <aggregations> [by <fields>]`: adds each group's aggregations to its rows. */
export function eventstatsStage(args: string): TableStage {
  const spec = parseStats(args);
  return (items) => {
    for (const b of buckets(items, spec.by)) {
      const agg = aggregate(
        spec,
        b.members.map((m) => m.row),
      );
      for (const m of b.members) {
        for (const [k, v] of Object.entries(agg)) {
          if (v === null) delete m.row[k];
          else m.row[k] = v;
        }
      }
    }
    return [...items];
  };
}
