import { RuleError, SplSyntaxError, UnsupportedSearchError } from "../../errors.js";
import { regexStage, rexStage } from "./regexCommands.js";
import {
  convertStage,
  evalStage,
  fieldsStage,
  type RowStage,
  renameStage,
  tableStage,
  whereStage,
} from "./rowCommands.js";
import { compileSearchCommand } from "./searchRows.js";
import { eventstatsStage, type Item, statsStage, type TableStage } from "./statsCommands.js";
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
   * Fields the pipes created or changed (`eval`, `rex`, `rename` targets, `stats` results),
   * named with the datamodel prefix dropped; the by-fields, times and aggregations as tstats
   * gave them are not repeated.
   */
  readonly computed: Readonly<Record<string, Scalar | readonly string[]>>;
  /** Message text of the computed fields and of the count and time fields as the pipes left them. */
  readonly text: Readonly<Record<string, string>>;
}

/** The pipes after tstats, compiled once, run over one detection's groups when findings are built. */
export interface Pipeline {
  /**
   * The rows that pass every pipe. A row stage that throws on a row drops that row and calls
   * `onFault` with its group; a command over all rows (`stats`) that throws, throws.
   */
  run(groups: readonly GroupInput[], onFault: (group: number, err: unknown) => void): PipelineRow[];
}

type Stage = { readonly rows: RowStage } | { readonly table: TableStage };

/** Commands we do not run, and why. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  join: "join runs a subsearch",
  append: "append runs a subsearch",
  appendpipe: "appendpipe runs a subsearch",
  lookup: "lookup tables are not shipped with the detections",
  inputlookup: "lookup tables are not shipped with the detections",
  apply: "MLTK models are not available",
  transaction: "transaction is not supported",
};

/** `Processes.process` -> `process`, `values(Processes.x)` -> `values(x)`, as findings name them. */
function plainName(name: string): string {
  return name.replace(/(^|\()Processes\./g, "$1");
}

function compileOne(command: string, args: string): Stage | null {
  switch (command) {
    case "search": {
      const test = compileSearchCommand(args);
      return test === null ? null : { rows: test };
    }
    case "where":
      return { rows: whereStage(args) };
    case "eval":
      return { rows: evalStage(args) };
    case "rename":
      return { rows: renameStage(args) };
    case "regex":
      return { rows: regexStage(args) };
    case "rex":
      return { rows: rexStage(args) };
    case "table":
      return { rows: tableStage(args) };
    case "fields":
      return { rows: fieldsStage(args) };
    case "convert":
      return { rows: convertStage(args) };
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
function compilePipe(pipe: string): Stage | null {
  const m = /^(\w+)\b\s*([\s\S]*)$/.exec(pipe.trim());
  const where = `pipe "| ${pipe.split(/\s+/).slice(0, 3).join(" ")}" after tstats`;
  if (m === null) throw new SplSyntaxError(`${where}: no command`);
  try {
    return compileOne((m[1] as string).toLowerCase(), m[2] as string);
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

/** `_time` by-values back to ISO-8601 (as findings show them), other values as text. */
function byValue(name: string, value: string): string {
  const n = Number(value);
  return name === "_time" && value !== "" && Number.isFinite(n)
    ? new Date(n * 1000).toISOString()
    : value;
}

/**
 * Compiles the pipes after tstats (macros expanded): `search`, `where`, `eval`, `rename`,
 * `regex`, `rex`, `table`, `fields` and `convert ctime()` run row by row; `stats` and
 * `eventstats` over all rows of the detection. Each group's row holds the raw tstats names,
 * with `count`, and `firstTime`/`lastTime` as epoch seconds until a `convert ctime()` formats
 * them. Any other command makes the search unsupported, with a reason.
 */
export function compilePipes(pipes: readonly string[], spec: RowSpec): Pipeline {
  const stages = pipes.map(compilePipe).filter((s): s is Stage => s !== null);
  const timeNames = new Set([...spec.count, ...spec.minTime, ...spec.maxTime].map(plainName));

  const initial = (g: GroupInput): Row => {
    const row: Row = Object.create(null);
    spec.by.forEach((name, i) => {
      const v = g.by[i] as string;
      row[name] = name === "_time" && !Number.isNaN(Date.parse(v)) ? Date.parse(v) / 1000 : v;
    });
    for (const name of spec.count) row[name] = g.count;
    for (const name of spec.minTime) row[name] = epochSeconds(g.minTime);
    for (const name of spec.maxTime) row[name] = epochSeconds(g.maxTime);
    for (const a of spec.aggregates) row[a.raw] = g.aggregates?.[a.out] ?? null;
    return row;
  };

  /** A group's row as tstats gave it: each plain name to the values it had (a by-field and an aggregation may share one). */
  const snapshot = (row: Row): Map<string, Value[]> => {
    const m = new Map<string, Value[]>();
    for (const [k, v] of Object.entries(row)) {
      const name = plainName(k);
      m.set(name, [...(m.get(name) ?? []), v]);
    }
    return m;
  };

  const output = (item: Item, before: Map<string, Value[]> | undefined): PipelineRow => {
    const computed: Record<string, Scalar | readonly string[]> = {};
    const text: Record<string, string> = {};
    const byNames = new Set((item.regrouped ?? []).map(([f]) => plainName(f)));
    for (const [k, v] of Object.entries(item.row)) {
      if (v === null) continue;
      const name = plainName(k);
      if (timeNames.has(name)) text[name] = shown(v);
      else if (byNames.has(name)) continue;
      else if (before?.get(name)?.some((b) => sameValue(b, v))) continue;
      else {
        computed[name] = v;
        text[name] = shown(v);
      }
    }
    if (item.regrouped === undefined) return { sources: item.sources, computed, text };
    const fields: Record<string, string> = {};
    for (const [f, v] of item.regrouped) fields[plainName(f)] = byValue(plainName(f), v);
    return { sources: item.sources, fields, computed, text: { ...fields, ...text } };
  };

  return {
    run(groups, onFault) {
      const before = new Map<number, Map<string, Value[]>>();
      let items: Item[] = groups.map((g, i) => {
        const row = initial(g);
        before.set(i, snapshot(row));
        return { row, sources: [i] };
      });
      for (const stage of stages) {
        if ("table" in stage) {
          items = stage.table(items);
          continue;
        }
        items = items.filter((item) => {
          try {
            return stage.rows(item.row);
          } catch (err) {
            onFault(item.sources[0] ?? 0, err);
            return false;
          }
        });
      }
      return items.map((item) =>
        output(item, item.regrouped === undefined ? before.get(item.sources[0] ?? -1) : undefined),
      );
    },
  };
}
