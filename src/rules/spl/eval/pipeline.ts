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

/** A row that passed every pipe. */
export interface PipelineOutput {
  /**
   * Fields the pipes created or changed (`eval`, `rex`, `rename` targets), named with the
   * datamodel prefix dropped; the by-fields, times and aggregations as tstats gave them are
   * not repeated.
   */
  readonly computed: Readonly<Record<string, Scalar | readonly string[]>>;
  /** Message text of the computed fields and of the count and time fields as the pipes left them. */
  readonly text: Readonly<Record<string, string>>;
}

/** The pipes after tstats compiled once into one transform of each group's row. */
export interface Pipeline {
  /** Null when a pipe drops the row. May throw on a value a pipe cannot handle (a rule fault). */
  run(group: GroupInput): PipelineOutput | null;
}

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

function compileOne(command: string, args: string): RowStage | null {
  switch (command) {
    case "search":
      return compileSearchCommand(args);
    case "where":
      return whereStage(args);
    case "eval":
      return evalStage(args);
    case "rename":
      return renameStage(args);
    case "regex":
      return regexStage(args);
    case "rex":
      return rexStage(args);
    case "table":
      return tableStage(args);
    case "fields":
      return fieldsStage(args);
    case "convert":
      return convertStage(args);
    default:
      throw new UnsupportedSearchError(
        UNSUPPORTED[command] ?? `command ${command} is not supported`,
      );
  }
}

/** Compiles one pipe; reasons name the pipe as `pipe "| <first words>" after tstats`. */
function compilePipe(pipe: string): RowStage | null {
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

/**
 * Compiles the pipes after tstats (macros expanded) into one row transform: `search`,
 * `where`, `eval`, `rename`, `regex`, `rex`, `table`, `fields` and `convert ctime()`. Each group's
 * row holds the raw tstats names, with `count`, and `firstTime`/`lastTime` as epoch seconds until a
 * `convert ctime()` formats them. Any other command makes the search unsupported, with a reason.
 */
export function compilePipes(pipes: readonly string[], spec: RowSpec): Pipeline {
  const stages = pipes.map(compilePipe).filter((s): s is RowStage => s !== null);
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

  return {
    run(g) {
      const row = initial(g);
      const before = new Map<string, Value>();
      for (const [k, v] of Object.entries(row)) before.set(plainName(k), v);
      for (const stage of stages) if (!stage(row)) return null;
      const computed: Record<string, Scalar | readonly string[]> = {};
      const text: Record<string, string> = {};
      for (const [k, v] of Object.entries(row)) {
        if (v === null) continue;
        const name = plainName(k);
        const shown = valuesOf(v)
          .map((x) => (typeof x === "number" ? formatNumber(x) : toText(x)))
          .join(", ");
        if (timeNames.has(name)) {
          text[name] = shown;
          continue;
        }
        if (before.has(name) && sameValue(before.get(name) ?? null, v)) continue;
        computed[name] = v;
        text[name] = shown;
      }
      return { computed, text };
    },
  };
}
