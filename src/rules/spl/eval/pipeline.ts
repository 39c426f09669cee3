import { RuleError, SplSyntaxError, UnsupportedSearchError } from "../../errors.js";
import { dedupStage } from "./dedupCommand.js";
import {
  type JoinSpec,
  type JoinStage,
  joinStage,
  keyOf,
  keyText,
  parseJoin,
  type SubsearchRows,
} from "./joinCommand.js";
import { type Effect, joinKeySources } from "./joinPushdown.js";
import { hashPart, KEY_HASH_SEED } from "./keyHash.js";
import { regexField, regexStage, rexStage, rexWrites } from "./regexCommands.js";
import {
  convertStage,
  convertTargets,
  evalStage,
  evalTargets,
  fieldsKeeps,
  fieldsStage,
  type RowStage,
  renameMoves,
  renameStage,
  tableKeeps,
  tableStage,
  whereStage,
} from "./rowCommands.js";
import { evalReads, filterPrefix, searchReads } from "./rowPushdown.js";
import { compileSearchCommand } from "./searchRows.js";
import { eventstatsStage, type Item, statsStage, type TableStage } from "./statsCommands.js";
import { subsearchFilterStage } from "./subsearchFilter.js";
import { timeOnlyStages } from "./timeOnlyStages.js";
import {
  formatNumber,
  type Row,
  type Scalar,
  sameValue,
  toText,
  type Value,
  valuesOf,
} from "./values.js";

/** How one tstats result row is laid out: raw output names (before any rename) to values. */
export interface RowSpec {
  /** Raw by-field names in `by` order: `Processes.dest`, `_time`. */
  readonly by: readonly string[];
  /** Output names of `count`, `min(_time)` and `max(_time)` aggregations (usually one each). */
  readonly count: readonly string[];
  readonly minTime: readonly string[];
  readonly maxTime: readonly string[];
  /** The other aggregations: raw output name and the name their value has in a finding. */
  readonly aggregates: readonly { readonly raw: string; readonly out: string }[];
  /** The dataset's object name (`Processes`): findings name fields without this prefix. */
  readonly object: string;
}

/** How pipes that run other searches are compiled. */
export interface PipeOptions {
  /**
   * Compiles the subsearch of a `| join` or `| search [...]` (its text inside the brackets) to
   * an aggregation filled in the same pass over the events, and gives its index: `run` then
   * takes that subsearch's rows at this index. Without it, a subsearch is unsupported.
   */
  readonly subsearch?: (text: string) => number;
  /** Set for a subsearch's own pipes: a subsearch inside it is unsupported. */
  readonly nested?: boolean;
}

/** One tstats group, as the aggregator has it. */
export interface GroupInput {
  /** By-values in `by` order; `_time` as an ISO-8601 string. */
  readonly by: readonly string[];
  readonly count: number;
  /** Epoch milliseconds (NaN when no event had a valid time). */
  readonly minTime: number;
  readonly maxTime: number;
  readonly aggregates: Readonly<Record<string, Value>> | undefined;
}

/** A row that passed every pipe, and the tstats groups it stands for. */
export interface PipelineRow {
  /** Indexes into the groups given to `run`: one, unless a `stats` merged rows. */
  readonly sources: readonly number[];
  /**
   * When a `stats ... by` regrouped the rows: its by-fields (datamodel prefix dropped) and
   * values, which identify the finding instead of the tstats by-fields. `_time` is ISO-8601.
   */
  readonly fields?: Readonly<Record<string, string>>;
  /**
   * With `fields`: the regrouping's own `count` (`stats count by ...`: rows, not events), the
   * number Splunk shows; absent when it outputs none (the finding then counts the events).
   */
  readonly count?: number;
  /**
   * Fields the pipes created or changed (`eval`, `rex`, `rename` targets, `stats` results),
   * named with the datamodel prefix dropped; the by-fields, times and aggregations as tstats
   * gave them are not repeated.
   */
  readonly computed: Readonly<Record<string, Scalar | readonly string[]>>;
  /** Message text of the computed fields and of the count and time fields as the pipes left them. */
  readonly text: Readonly<Record<string, string>>;
  /** Set when a join gave one tstats row several rows: tells the findings apart. */
  readonly variant?: string;
}

/** Subsearch rows as a caller gives them: a function (see `SubsearchRows`) or all of them. */
export type SubsearchInput = SubsearchRows | readonly (readonly Row[])[];

/** A test of a group's by-values (read by index). */
export type GroupTest = (byValue: (i: number) => string) => boolean;

/** A test of a group from some of its by-values (see `Pipeline.recordFilter`). */
export interface RecordFilter {
  readonly test: GroupTest;
  /** The by-values (indices) `test` reads, ascending: its outcome depends on these alone. */
  readonly reads: readonly number[];
}

/** The key (`keyOf` over a join's fields) a group's row has at the join, from its by-values. */
export interface GroupKey {
  readonly key: (byValue: (i: number) => string) => string;
  /** `keyHash` of `key`, made from the by-values without building the key. */
  readonly hash: (byValue: (i: number) => string) => number;
  /**
   * The by-fields (raw names, as in `RowSpec.by`) `key` reads, in the join fields' order: the
   * key is the same function of their values whatever the pipeline, so two keys over the same
   * by-fields agree on a group with the same values.
   */
  readonly reads: readonly string[];
}

/** A detection's first join on fields that still hold its tstats by-values. */
export interface FirstJoin extends GroupKey {
  /** The index of the subsearch it reads (see `PipeOptions.subsearch`). */
  readonly subsearch: number;
  readonly type: JoinSpec["type"];
  readonly fields: readonly string[];
}

/** The test of whether a group can match a join at all, and the join keys it knows. */
export interface JoinKeyTest {
  /** Whether the group's key (`FirstJoin.key`) is one of `keys`. */
  readonly test: GroupTest;
  /** Distinct keys of the subsearch rows: none when no group can match. */
  readonly keys: ReadonlySet<string>;
}

/** The pipes after tstats, compiled once, run over one detection's groups when findings are built. */
export interface Pipeline {
  /**
   * The rows that pass every pipe. A row stage that throws on a row drops that row and calls
   * `onFault` with its group; a command over all rows (`stats`) that throws, throws.
   * `subsearches` gives the final rows of each subsearch, by the index `PipeOptions` gave it.
   */
  run(
    groups: readonly GroupInput[],
    onFault: (group: number, err: unknown) => void,
    subsearches?: SubsearchInput,
  ): PipelineRow[];
  /**
   * When the first join is inner and its fields still hold tstats by-values: given the
   * subsearch rows (all of them are read), a test that is false for groups the join would
   * drop anyway, so that a caller can skip them. Undefined otherwise (`firstJoin` is null or
   * not inner).
   */
  prefilter(subsearches: SubsearchInput): JoinKeyTest | undefined;
  /** The first join, when its fields still hold tstats by-values; null otherwise. */
  readonly firstJoin: FirstJoin | null;
  /**
   * Whether the pipes touch only the count and times, so that `run` makes each group's output
   * from those alone (see `timeOnlyStages`).
   */
  readonly timeOnly: boolean;
  /**
   * A test of a group's by-values that is false when the leading row pipes drop its row
   * whatever its count, times and aggregations (see `filterPrefix`): such a group need not be
   * kept at all. Null when no leading pipe decides from by-values alone. A pipe that throws
   * keeps the group (its fault is reported when the findings are built).
   */
  readonly recordFilter: RecordFilter | null;
  /**
   * For a subsearch's own pipes: when `fields` of its final rows still hold tstats by-values,
   * the key (`keyOf` over `fields`) a group's row will have, from its by-values; so that a join
   * can be given only the groups it can match. Null otherwise.
   */
  groupKey(fields: readonly string[]): GroupKey | null;
  /** The same pipes, giving the final rows themselves (what a subsearch hands to its join). */
  rows(
    groups: readonly GroupInput[],
    onFault: (group: number, err: unknown) => void,
    subsearches?: SubsearchInput,
  ): Row[];
}

type Stage =
  | { readonly rows: RowStage; readonly effect?: Effect; readonly convert?: true }
  | { readonly table: TableStage }
  | { readonly join: JoinStage; readonly spec?: JoinSpec; readonly subsearch?: number };

/** What a `| convert` writes: its fields in place, or its `as` targets. */
function convertEffect(args: string): Effect {
  const jobs = convertTargets(args);
  const inPlace = jobs.filter((j) => j.as === null).map((j) => j.test);
  return {
    kind: "write",
    matching: (name) => inPlace.some((t) => t(name)),
    assigns: jobs.flatMap((j) => (j.as === null ? [] : [{ to: j.as }])),
  };
}

/** Commands we do not run, and why. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  append: "append runs a subsearch",
  appendpipe: "appendpipe runs a subsearch",
  lookup: "lookup tables are not shipped with the detections",
  inputlookup: "lookup tables are not shipped with the detections",
  apply: "MLTK models are not available",
  transaction: "transaction is not supported",
};

/**
 * `Processes.process` -> `process`, `values(Processes.x)` -> `values(x)`, as findings name them;
 * each name worked out once (the names are the rule's own). Why: bench/run.ts (m), the regex
 * replace of every field of every row was ~1.6% of the scan.
 */
function plainNamer(object: string): (name: string) => string {
  const prefix = new RegExp(`(^|\\()${object.replace(/\W/g, "\\$&")}\\.`, "g");
  const known = new Map<string, string>();
  return (name) => {
    let plain = known.get(name);
    if (plain === undefined) {
      plain = name.replace(prefix, "$1");
      if (known.size < 4096) known.set(name, plain);
    }
    return plain;
  };
}

/** Compiles a subsearch with `options`, naming the command in a failure's reason. */
function compileSubsearch(text: string, options: PipeOptions, command: string): number {
  if (options.nested === true)
    throw new UnsupportedSearchError(`${command} inside a subsearch (nested subsearches)`);
  if (options.subsearch === undefined)
    throw new UnsupportedSearchError(`${command} runs a subsearch`);
  try {
    return options.subsearch(text);
  } catch (err) {
    if (err instanceof RuleError) {
      const E = err.code === "unsupported" ? UnsupportedSearchError : SplSyntaxError;
      throw new E(`${command} subsearch: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

function compileJoin(args: string, options: PipeOptions): Stage {
  const spec = parseJoin(args);
  const subsearch = compileSubsearch(spec.subsearch, options, "join");
  return { join: joinStage(spec, subsearch), spec, subsearch };
}

/** `| search <expr>`, or `| search [<subsearch>]` (a search made of the subsearch's rows). */
function compileSearch(args: string, options: PipeOptions): Stage | null {
  const sub = /^\s*\[([\s\S]*)\]\s*$/.exec(args);
  if (sub === null) {
    const test = compileSearchCommand(args);
    return test === null
      ? null
      : { rows: test, effect: { kind: "filter", reads: searchReads(args) } };
  }
  const text = (sub[1] as string).trim();
  return { join: subsearchFilterStage(compileSubsearch(text, options, "| search [...]")) };
}

function compileOne(command: string, args: string, options: PipeOptions): Stage | null {
  switch (command) {
    case "join":
      return compileJoin(args, options);
    case "dedup":
      return { table: dedupStage(args) };
    case "search":
      return compileSearch(args, options);
    case "where":
      return { rows: whereStage(args), effect: { kind: "filter", reads: evalReads(args) } };
    case "eval":
      return { rows: evalStage(args), effect: { kind: "write", assigns: evalTargets(args) } };
    case "rename":
      return { rows: renameStage(args), effect: { kind: "rename", moves: renameMoves(args) } };
    case "regex":
      return {
        rows: regexStage(args),
        effect: { kind: "filter", reads: new Set([regexField(args)]) },
      };
    case "rex":
      return { rows: rexStage(args), effect: { kind: "write", assigns: rexWrites(args) } };
    case "table":
      return { rows: tableStage(args), effect: { kind: "keep", keeps: tableKeeps(args) } };
    case "fields":
      return { rows: fieldsStage(args), effect: { kind: "keep", keeps: fieldsKeeps(args) } };
    case "convert":
      return { rows: convertStage(args), effect: convertEffect(args), convert: true };
    case "stats":
      return { table: statsStage(args) };
    case "eventstats":
      return { table: eventstatsStage(args) };
    default:
      throw new UnsupportedSearchError(
        UNSUPPORTED[command] ?? `command ${command} is not supported`,
      );
  }
}

/** Compiles one pipe; reasons name the pipe as `pipe "| <first words>" after tstats`. */
function compilePipe(pipe: string, options: PipeOptions): Stage | null {
  const m = /^(\w+)\b\s*([\s\S]*)$/.exec(pipe.trim());
  const where = `pipe "| ${pipe.split(/\s+/).slice(0, 3).join(" ")}" after tstats`;
  if (m === null) throw new SplSyntaxError(`${where}: no command`);
  try {
    return compileOne((m[1] as string).toLowerCase(), m[2] as string, options);
  } catch (err) {
    if (err instanceof RuleError) {
      const E = err.code === "unsupported" ? UnsupportedSearchError : SplSyntaxError;
      throw new E(`${where}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

function epochSeconds(ms: number): Value {
  return Number.isFinite(ms) ? ms / 1000 : null;
}

function shown(v: Scalar | readonly string[]): string {
  return valuesOf(v)
    .map((x) => (typeof x === "number" ? formatNumber(x) : toText(x)))
    .join(", ");
}

/** A by-value as the tstats row holds it: `_time` as epoch seconds, any other as text. */
function byRowValue(name: string, value: string): Value {
  if (name !== "_time") return value;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : ms / 1000;
}

/** The field names of a tstats row, by-fields first. */
function initialNames(spec: RowSpec): string[] {
  return [
    ...spec.by,
    ...spec.count,
    ...spec.minTime,
    ...spec.maxTime,
    ...spec.aggregates.map((a) => a.raw),
  ];
}

/** A group's key over by-fields `sources`, as `keyOf` gives it for its row. */
function keyFrom(spec: RowSpec, sources: readonly number[]): GroupKey {
  const part = (byValue: (i: number) => string, i: number) =>
    keyText(byRowValue(spec.by[i] as string, byValue(i)));
  return {
    key: (byValue) => JSON.stringify(sources.map((i) => part(byValue, i))),
    hash: (byValue) => {
      let h = KEY_HASH_SEED;
      for (const i of sources) h = hashPart(h, part(byValue, i));
      return h;
    },
    reads: sources.map((i) => spec.by[i] as string),
  };
}

function subsearchRows(input: SubsearchInput): SubsearchRows {
  return typeof input === "function" ? input : (i) => input[i] ?? [];
}

/**
 * The first join, when its fields still hold tstats by-values unchanged (see `joinKeySources`):
 * its subsearch, type and fields, and a group's key from its by-values.
 */
function firstJoinOf(stages: readonly Stage[], spec: RowSpec): FirstJoin | null {
  const at = stages.findIndex((s) => "join" in s);
  const join = stages[at];
  if (join === undefined || !("join" in join) || join.spec === undefined) return null;
  const { spec: js, subsearch } = join;
  if (subsearch === undefined) return null;
  const effects = stages.slice(0, at).map((s) => ("rows" in s ? s.effect : undefined));
  const sources = joinKeySources(spec.by, initialNames(spec), effects, js.fields);
  if (sources === null) return null;
  return { subsearch, type: js.type, fields: js.fields, ...keyFrom(spec, sources) };
}

/** Given the subsearch rows, a test of whether a group can match the (inner) first join at all. */
function joinPushdown(join: FirstJoin): (subsearches: SubsearchInput) => JoinKeyTest {
  return (subsearches) => {
    const keys = new Set<string>();
    for (const row of subsearchRows(subsearches)(join.subsearch)) {
      const k = keyOf(row, join.fields);
      if (k !== undefined) keys.add(k);
    }
    return { test: (byValue) => keys.has(join.key(byValue)), keys };
  };
}

/** The leading row pipes that decide from by-values alone, as a test of a group (see `Pipeline`). */
function compileRecordFilter(stages: readonly Stage[], spec: RowSpec): RecordFilter | null {
  const effects = stages.map((s) => ("rows" in s ? s.effect : undefined));
  const initial = initialNames(spec);
  const { stages: prefix, reads } = filterPrefix(spec.by, initial, effects);
  if (prefix === 0) return null;
  const rows = stages.slice(0, prefix).map((s) => (s as { rows: RowStage }).rows);
  // by-fields an aggregation overwrites are left out, as the row has the aggregation there
  const marked: Row = Object.create(null);
  spec.by.forEach((name, i) => {
    if (initial.lastIndexOf(name) === i) marked[name] = i;
  });
  // Leading renames (`drop_dm_object_name`) move names whatever the values: run once here on a
  // row of by-field numbers, they give the names the row is built with. Why: bench/run.ts (m),
  // unique-process corpus: renaming each new group's row was ~2% of the scan.
  let lead = 0;
  while (lead < prefix && effects[lead]?.kind === "rename") (rows[lead++] as RowStage)(marked);
  // the row holds only the by-values the filters read, so the outcome depends on them alone
  const layout = Object.entries(marked)
    .filter(([, i]) => reads.includes(i as number))
    .map(([name, i]) => [name, spec.by[i as number] as string, i as number] as const);
  const rest = rows.slice(lead);
  const test: GroupTest = (byValue) => {
    const row: Row = Object.create(null);
    for (const [name, by, i] of layout) row[name] = byRowValue(by, byValue(i));
    try {
      for (const stage of rest) if (!stage(row)) return false;
    } catch {
      return true;
    }
    return true;
  };
  return { test, reads };
}

/** `_time` by-values back to ISO-8601 (as findings show them), other values as text. */
function byValue(name: string, value: string): string {
  const n = Number(value);
  return name === "_time" && value !== "" && Number.isFinite(n)
    ? new Date(n * 1000).toISOString()
    : value;
}

/**
 * Compiles the pipes after tstats (macros expanded): `search`, `where`, `eval`, `rename`,
 * `regex`, `rex`, `table`, `fields` and `convert ctime()` run row by row; `stats`,
 * `eventstats`, `dedup` and `join` (with `options.subsearch`) over all rows of the detection.
 * Each group's row holds the raw tstats names, with `count`, and `firstTime`/`lastTime` as
 * epoch seconds until a `convert ctime()` formats them. Any other command makes the search
 * unsupported, with a reason.
 */
export function compilePipes(
  pipes: readonly string[],
  spec: RowSpec,
  options: PipeOptions = {},
): Pipeline {
  const stages = pipes.map((p) => compilePipe(p, options)).filter((s): s is Stage => s !== null);
  const plainName = plainNamer(spec.object);
  const firstJoin = firstJoinOf(stages, spec);
  const pushdown =
    firstJoin === null || firstJoin.type !== "inner" ? null : joinPushdown(firstJoin);
  const timeRaw = new Set([...spec.count, ...spec.minTime, ...spec.maxTime]);
  const timeNames = new Set([...timeRaw].map(plainName));
  const formats = timeOnlyStages(
    stages.map((stage) => ("rows" in stage ? stage : null)),
    { initial: initialNames(spec), times: timeRaw, plainName },
  );
  const recordFilter = compileRecordFilter(stages, spec);

  /**
   * A group's row as tstats gives it: each raw name (by-fields, count, times, aggregations, in
   * that order; a later one of the same name wins) and how its value is read from the group.
   */
  const asGiven = new Map<string, (g: GroupInput) => Value>();
  spec.by.forEach((name, i) => {
    asGiven.set(name, (g) => byRowValue(name, g.by[i] as string));
  });
  for (const name of spec.count) asGiven.set(name, (g) => g.count);
  for (const name of spec.minTime) asGiven.set(name, (g) => epochSeconds(g.minTime));
  for (const name of spec.maxTime) asGiven.set(name, (g) => epochSeconds(g.maxTime));
  for (const a of spec.aggregates) asGiven.set(a.raw, (g) => g.aggregates?.[a.out] ?? null);

  const initial = (g: GroupInput): Row => {
    const row: Row = Object.create(null);
    for (const [raw, get] of asGiven) row[raw] = get(g);
    return row;
  };

  /**
   * The same values by plain name (a by-field and an aggregation may share one), read from the
   * group when a passing row's field is output, instead of rebuilding its row and a map of it.
   * Why: bench/run.ts (m), that rebuilding was ~6% of building the 76,610 findings (a profile).
   */
  const givenByPlain = new Map<string, ((g: GroupInput) => Value)[]>();
  for (const [raw, get] of asGiven) {
    const name = plainName(raw);
    givenByPlain.set(name, [...(givenByPlain.get(name) ?? []), get]);
  }

  const output = (item: Item, before: GroupInput | undefined): PipelineRow => {
    const computed: Record<string, Scalar | readonly string[]> = {};
    const text: Record<string, string> = {};
    const byNames = new Set((item.regrouped ?? []).map(([f]) => plainName(f)));
    for (const [k, v] of Object.entries(item.row)) {
      if (v === null) continue;
      const name = plainName(k);
      if (timeNames.has(name)) text[name] = shown(v);
      else if (byNames.has(name)) continue;
      else if (
        before !== undefined &&
        givenByPlain.get(name)?.some((get) => sameValue(get(before), v))
      )
        continue;
      else {
        computed[name] = v;
        text[name] = shown(v);
      }
    }
    const variant = item.variant === undefined ? {} : { variant: item.variant };
    if (item.regrouped === undefined) return { sources: item.sources, computed, text, ...variant };
    const fields: Record<string, string> = {};
    for (const [f, v] of item.regrouped) fields[plainName(f)] = byValue(plainName(f), v);
    const count = item.row.count;
    return {
      sources: item.sources,
      fields,
      ...(typeof count === "number" && Number.isFinite(count) ? { count } : {}),
      computed,
      text: { ...fields, ...text },
      ...variant,
    };
  };

  const pass = (
    items: Item[],
    onFault: (group: number, err: unknown) => void,
    subsearches: SubsearchRows,
  ): Item[] => {
    let out = items;
    for (const stage of stages) {
      if ("table" in stage) {
        out = stage.table(out);
        continue;
      }
      if ("join" in stage) {
        out = stage.join(out, subsearches);
        continue;
      }
      out = out.filter((item) => {
        try {
          return stage.rows(item.row);
        } catch (err) {
          onFault(item.sources[0] ?? 0, err);
          return false;
        }
      });
    }
    return out;
  };

  /**
   * The rows when the pipes touch only the count and times (see `timeOnlyStages`): each group's
   * from a row of those alone, run through the `converts` that format them.
   */
  const timeOnlyRows = (
    converts: readonly RowStage[],
    groups: readonly GroupInput[],
    onFault: (group: number, err: unknown) => void,
  ): PipelineRow[] => {
    const out: PipelineRow[] = [];
    groups.forEach((g, i) => {
      const row: Row = Object.create(null);
      for (const name of spec.count) row[name] = g.count;
      for (const name of spec.minTime) row[name] = epochSeconds(g.minTime);
      for (const name of spec.maxTime) row[name] = epochSeconds(g.maxTime);
      try {
        for (const convert of converts) if (!convert(row)) return;
      } catch (err) {
        onFault(i, err);
        return;
      }
      const text: Record<string, string> = {};
      for (const k of Object.keys(row)) {
        const v = row[k];
        if (v !== null && v !== undefined) text[plainName(k)] = shown(v);
      }
      out.push({ sources: [i], computed: {}, text });
    });
    return out;
  };

  return {
    run(groups, onFault, subsearches = []) {
      if (formats !== null) return timeOnlyRows(formats, groups, onFault);
      const items = groups.map((g, i): Item => ({ row: initial(g), sources: [i] }));
      // a passing row's own group, to tell the fields its pipes made from those tstats gave
      return pass(items, onFault, subsearchRows(subsearches)).map((item) => {
        const g = item.regrouped === undefined ? groups[item.sources[0] ?? -1] : undefined;
        return output(item, g);
      });
    },
    prefilter(subsearches) {
      return pushdown === null ? undefined : pushdown(subsearches);
    },
    firstJoin,
    timeOnly: formats !== null,
    recordFilter,
    groupKey(fields) {
      if (fields.length === 0) return null;
      const effects = stages.map((s) => ("rows" in s ? s.effect : undefined));
      const sources = joinKeySources(spec.by, initialNames(spec), effects, fields);
      return sources === null ? null : keyFrom(spec, sources);
    },
    rows(groups, onFault, subsearches = []) {
      const items = groups.map((g, i): Item => ({ row: initial(g), sources: [i] }));
      return pass(items, onFault, subsearchRows(subsearches)).map((item) => item.row);
    },
  };
}
