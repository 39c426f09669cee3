import { type DatamodelSpec, findDatamodel } from "../model/datamodels.js";
import { compileExpr, fieldName } from "./compileExpr.js";
import { dispatchKeys } from "./dispatchKeys.js";
import { RuleError, UnsupportedSearchError } from "./errors.js";
import { literalFields, requiredLiterals } from "./requiredLiterals.js";
import type { TstatsSearch } from "./spl/ast.js";
import { compilePipes, type RowSpec } from "./spl/eval/index.js";
import { expandMacros, type MacroTable } from "./spl/macros.js";
import { parseTstats } from "./spl/parseTstats.js";
import type {
  AggregateSpec,
  ByField,
  CompiledRule,
  DetectionMeta,
  RuleLoad,
  Subsearch,
  TstatsPlan,
} from "./types.js";

type Yaml = Record<string, unknown>;

function num(v: unknown): number | null {
  const n = typeof v === "string" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) ? n : null;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** Risk and message from `tags` (older schema) or an `rba:` block (newer schema). */
export function detectionMeta(doc: Yaml): DetectionMeta {
  const tags = (doc.tags ?? {}) as Yaml;
  const rba = (doc.rba ?? undefined) as Yaml | undefined;
  let risk = num(tags.risk_score);
  let message = typeof tags.message === "string" ? tags.message : "";
  if (rba !== undefined) {
    const scores = (Array.isArray(rba.risk_objects) ? rba.risk_objects : [])
      .map((o) => num((o as Yaml).score))
      .filter((s): s is number => s !== null);
    if (risk === null && scores.length > 0) risk = Math.max(...scores);
    if (typeof rba.message === "string") message = rba.message;
  }
  return {
    id: String(doc.id),
    name: String(doc.name),
    type: typeof doc.type === "string" ? doc.type : "",
    version: num(doc.version),
    status: typeof doc.status === "string" ? doc.status : null,
    mitre_attack_id: strings(tags.mitre_attack_id),
    analytic_story: strings(tags.analytic_story),
    risk_score: risk,
    impact: num(tags.impact),
    confidence: num(tags.confidence),
    message,
  };
}

const FIELD_AGGREGATES: ReadonlySet<string> = new Set([
  "values",
  "dc",
  "latest",
  "earliest",
  "count",
]);

/** Other spellings of the same aggregation. */
const AGGREGATE_ALIASES: Readonly<Record<string, string>> = { distinct_count: "dc" };

/** Output name of an aggregation once `drop_dm_object_name` has run. */
function outputName(as: string, object: string): string {
  return as.replace(new RegExp(`(^|\\()${object}\\.`, "g"), "$1");
}

/**
 * `count`, `min(_time)` and `max(_time)` are built in; `values`, `dc`, `latest`, `earliest`
 * and `count` of a field become `AggregateSpec`s. Anything else is unsupported.
 */
function compileAggregations(search: TstatsSearch, dm: DatamodelSpec): AggregateSpec[] {
  const specs: AggregateSpec[] = [];
  for (const a of search.aggregations) {
    if (a.fn === "count" && (a.arg === undefined || a.arg === "*")) continue;
    if ((a.fn === "min" || a.fn === "max") && a.arg === "_time") continue;
    const fn = (AGGREGATE_ALIASES[a.fn] ?? a.fn) as AggregateSpec["fn"];
    if (!FIELD_AGGREGATES.has(fn) || a.arg === undefined) {
      throw new UnsupportedSearchError(
        `aggregation ${a.fn}${a.arg === undefined ? "" : `(${a.arg})`}`,
      );
    }
    specs.push({ fn, field: fieldName(a.arg, dm), as: outputName(a.as, dm.object) });
  }
  return specs;
}

/** Where each tstats output lands in the row the pipes after tstats see (raw names). */
function rowSpec(search: TstatsSearch, object: string): RowSpec {
  return { ...rowLayout(search, object), object };
}

function rowLayout(search: TstatsSearch, object: string): Omit<RowSpec, "object"> {
  const names = (test: (a: TstatsSearch["aggregations"][number]) => boolean): string[] =>
    search.aggregations.filter(test).map((a) => a.as);
  return {
    by: search.by,
    count: names((a) => a.fn === "count" && (a.arg === undefined || a.arg === "*")),
    minTime: names((a) => a.fn === "min" && a.arg === "_time"),
    maxTime: names((a) => a.fn === "max" && a.arg === "_time"),
    aggregates: search.aggregations
      .filter((a) => a.arg !== undefined && a.arg !== "*" && a.arg !== "_time")
      .map((a) => ({ raw: a.as, out: outputName(a.as, object) })),
  };
}

const SPAN_UNITS: Readonly<Record<string, number>> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 };

/** `1h`, `30m`, `10s`, `1d` -> milliseconds. */
function spanMs(span: string): number {
  const m = /^(\d+)\s*(s|sec|secs|m|min|mins|h|hr|hrs|d|day|days)$/i.exec(span);
  if (m === null) throw new UnsupportedSearchError(`span=${span}`);
  const unit = (m[2] as string).toLowerCase()[0] as string;
  return Number(m[1]) * (SPAN_UNITS[unit] as number);
}

function byField(raw: string, dm: DatamodelSpec): ByField {
  return raw === "_time" ? "_time" : fieldName(raw, dm);
}

/** The dataset a tstats reads, or unsupported. */
function datamodelOf(search: TstatsSearch): DatamodelSpec {
  const dm = findDatamodel(search.datamodel);
  if (dm === undefined) throw new UnsupportedSearchError(`datamodel ${search.datamodel}`);
  return dm;
}

/** Compiles the tstats command of a search (the main one or a join's subsearch). */
function compilePlan(search: TstatsSearch, dm: DatamodelSpec): TstatsPlan {
  const aggregates = compileAggregations(search, dm);
  const by = search.by.map((f) => byField(f, dm));
  if (search.span !== undefined && !by.includes("_time")) {
    throw new UnsupportedSearchError(`span=${search.span} without _time in the by clause`);
  }
  const names = dispatchKeys(search.where, dm);
  return {
    datamodel: dm.name,
    by,
    span: search.span === undefined ? null : spanMs(search.span),
    aggregates,
    fillnull: search.options.fillnull_value ?? null,
    match: compileExpr(search.where, dm),
    literals: requiredLiterals(search.where, dm, names),
    literalFields: literalFields(search.where, dm),
    names,
    signature: `${dm.name}\u0000${search.command.replace(/\s+/g, " ")}`,
  };
}

/**
 * A subsearch of a `| join` or `| search [...]`: a supported tstats (any mapped dataset) and
 * pipes, compiled into `subsearches`; its index is what the command reads at run time. A
 * subsearch inside it is unsupported.
 */
function compileSubsearch(text: string, subsearches: Subsearch[]): number {
  if (/^\|?\s*inputlookup\b/i.test(text))
    throw new UnsupportedSearchError(
      "inputlookup: lookup tables are not shipped with the detections",
    );
  const search = parseTstats(text);
  const dm = datamodelOf(search);
  const plan = compilePlan(search, dm);
  const pipeline = compilePipes(search.pipes, rowSpec(search, dm.object), { nested: true });
  subsearches.push({ ...plan, pipeline });
  return subsearches.length - 1;
}

/** Compiles one parsed detection document. Never throws: problems become a `RuleLoad`. */
export function compileDetection(doc: unknown, file: string, macros: MacroTable): RuleLoad {
  if (typeof doc !== "object" || doc === null)
    return { status: "error", file, reason: "not a YAML mapping" };
  const d = doc as Yaml;
  const ident = {
    ...(typeof d.id === "string" ? { id: d.id } : {}),
    ...(typeof d.name === "string" ? { name: d.name } : {}),
  };
  if (typeof d.id !== "string" || typeof d.name !== "string" || typeof d.search !== "string") {
    return { status: "error", file, ...ident, reason: "missing id, name or search" };
  }
  try {
    const search = parseTstats(expandMacros(d.search, macros));
    const dm = datamodelOf(search);
    const plan = compilePlan(search, dm);
    const subsearches: Subsearch[] = [];
    const pipeline = compilePipes(search.pipes, rowSpec(search, dm.object), {
      subsearch: (text) => compileSubsearch(text, subsearches),
    });
    const rule: CompiledRule = {
      meta: detectionMeta(d),
      file,
      ...plan,
      pipeline,
      ...(subsearches.length === 0 ? {} : { subsearches }),
    };
    return { status: "ok", file, rule };
  } catch (err) {
    if (err instanceof RuleError) {
      return {
        status: err.code === "unsupported" ? "unsupported" : "error",
        file,
        ...ident,
        reason: err.message,
      };
    }
    throw err;
  }
}
