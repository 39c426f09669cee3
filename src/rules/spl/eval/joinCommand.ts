import { SplSyntaxError, UnsupportedSearchError } from "../../errors.js";
import { splitArgs } from "./commandArgs.js";
import type { Item } from "./statsCommands.js";
import { type Row, toText, type Value } from "./values.js";

/** A parsed `| join [options] [fields] [<subsearch>]`. */
export interface JoinSpec {
  /** `inner` (the default) drops main rows without a match; `outer`/`left` keeps them. */
  readonly type: "inner" | "left";
  /** Subsearch rows joined to one main row at most (0: all). Splunk's default is 1. */
  readonly max: number;
  /** Subsearch fields replace main fields of the same name (Splunk's default). */
  readonly overwrite: boolean;
  /** Join fields; empty means every field the two rows share. */
  readonly fields: readonly string[];
  /** The subsearch text inside the brackets. */
  readonly subsearch: string;
}

/** What a join needs of a subsearch: the rows whose join fields form one of these keys. */
export interface SubsearchNeed {
  readonly fields: readonly string[];
  /** Keys as `keyOf` gives them. */
  readonly keys: ReadonlySet<string>;
}

/**
 * The final rows of a detection's subsearch `index`, in subsearch order: all of them, or when
 * `need` is given at least every row it asks for.
 */
export type SubsearchRows = (index: number, need?: SubsearchNeed) => readonly Row[];

/** A command over all rows that reads a subsearch (`join`, `search [...]`). */
export type JoinStage = (items: readonly Item[], subsearches: SubsearchRows) => Item[];

const BOOLEAN: Readonly<Record<string, boolean>> = {
  true: true,
  t: true,
  "1": true,
  false: false,
  f: false,
  "0": false,
};

/** Index of the `]` closing the `[` at `open`, outside double quotes; -1 when unbalanced. */
function closingBracket(text: string, open: number): number {
  let depth = 0;
  let quote = false;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if (c === "[") depth++;
    else if (c === "]" && --depth === 0) return i;
  }
  return -1;
}

function openBracket(text: string): number {
  let quote = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if (c === "[") return i;
  }
  return -1;
}

function option(
  name: string,
  value: string,
  spec: { -readonly [K in keyof JoinSpec]: JoinSpec[K] },
): void {
  const v = value.toLowerCase();
  switch (name) {
    case "type":
      if (v === "inner") spec.type = "inner";
      else if (v === "outer" || v === "left") spec.type = "left";
      else throw new SplSyntaxError(`join type=${value}`);
      return;
    case "max":
      if (!/^\d+$/.test(v)) throw new SplSyntaxError(`join max=${value}`);
      spec.max = Number(v);
      return;
    case "overwrite": {
      const b = BOOLEAN[v];
      if (b === undefined) throw new SplSyntaxError(`join overwrite=${value}`);
      spec.overwrite = b;
      return;
    }
    case "usetime":
    case "earlier":
      // usetime=false (the default) ignores `earlier`
      if (name === "usetime" && BOOLEAN[v] !== false)
        throw new UnsupportedSearchError("join usetime=true (time-ordered join)");
      return;
    default:
      throw new UnsupportedSearchError(`join option ${name}=`);
  }
}

const OPTIONS: ReadonlySet<string> = new Set(["type", "max", "overwrite", "usetime", "earlier"]);

/** Reads a join's options, fields and subsearch (options may come before or after fields). */
export function parseJoin(args: string): JoinSpec {
  const open = openBracket(args);
  if (open === -1) throw new UnsupportedSearchError("join without a [subsearch]");
  const close = closingBracket(args, open);
  if (close === -1) throw new SplSyntaxError("join: unbalanced [ ]");
  if (args.slice(close + 1).trim() !== "")
    throw new SplSyntaxError("join: text after the subsearch");
  const spec = {
    type: "inner",
    max: 1,
    overwrite: true,
    fields: [] as string[],
    subsearch: "",
  } as {
    -readonly [K in keyof JoinSpec]: JoinSpec[K];
  };
  const fields: string[] = [];
  for (const a of splitArgs(args.slice(0, open))) {
    const m = a.quoted ? null : /^([a-z_]+)=(.*)$/i.exec(a.text);
    if (m !== null && OPTIONS.has((m[1] as string).toLowerCase()))
      option((m[1] as string).toLowerCase(), m[2] as string, spec);
    else if (m !== null) throw new UnsupportedSearchError(`join option ${m[1]}=`);
    else fields.push(a.text);
  }
  spec.fields = fields;
  spec.subsearch = args.slice(open + 1, close).trim();
  return spec;
}

/** A field value as a join key part: equal keys for equal values, case-sensitive. */
export function keyText(v: Value): string {
  return Array.isArray(v) ? v.join("\n") : toText(v as string | number);
}

/** The join key of `row` over `fields`, or undefined when one of them is missing. */
export function keyOf(row: Row, fields: readonly string[]): string | undefined {
  const parts: string[] = [];
  for (const f of fields) {
    const v = row[f];
    if (v === undefined || v === null) return undefined;
    parts.push(keyText(v));
  }
  return JSON.stringify(parts);
}

/** A row's fields and values as one text, fields in name order. */
function rowText(row: Row): string {
  return JSON.stringify(
    Object.keys(row)
      .sort()
      .map((k) => [k, row[k]]),
  );
}

function merge(main: Row, sub: Row, overwrite: boolean): Row {
  const row: Row = Object.create(null);
  Object.assign(row, overwrite ? main : sub, overwrite ? sub : main);
  return row;
}

/** The subsearch rows (with their positions) matching `row`, in subsearch order. */
type Matcher = (row: Row) => ReadonlyArray<readonly [number, Row]>;

function matcher(spec: JoinSpec, subRows: readonly Row[]): Matcher {
  if (spec.fields.length === 0) {
    // every field both rows have
    return (row) =>
      subRows.flatMap((sub, i) => {
        const shared = Object.keys(sub).filter((f) => Object.hasOwn(row, f));
        const key = shared.length === 0 ? undefined : keyOf(row, shared);
        return key !== undefined && key === keyOf(sub, shared) ? [[i, sub] as const] : [];
      });
  }
  const index = new Map<string, Array<readonly [number, Row]>>();
  subRows.forEach((sub, i) => {
    const key = keyOf(sub, spec.fields);
    if (key === undefined) return;
    const list = index.get(key);
    if (list === undefined) index.set(key, [[i, sub]]);
    else list.push([i, sub]);
  });
  return (row) => {
    const key = keyOf(row, spec.fields);
    return key === undefined ? [] : (index.get(key) ?? []);
  };
}

/**
 * `| join` with Splunk's semantics: each main row is joined with the first `max` subsearch rows
 * (all with `max=0`) whose join fields all equal its own (exact text, case-sensitive; a row
 * missing a join field matches nothing). Subsearch fields overwrite main fields unless
 * `overwrite=false`. An inner join drops main rows without a match, `type=outer|left` keeps
 * them as they are. Joined rows stand for the main rows' tstats groups; when one main row gives
 * several, each names its subsearch row so that the findings differ.
 */
export function joinStage(spec: JoinSpec, subsearch: number): JoinStage {
  return (items, subsearches) => {
    let need: SubsearchNeed | undefined;
    if (spec.fields.length > 0) {
      const keys = new Set<string>();
      for (const item of items) {
        const key = keyOf(item.row, spec.fields);
        if (key !== undefined) keys.add(key);
      }
      need = { fields: spec.fields, keys };
    }
    const match = matcher(spec, subsearches(subsearch, need));
    const out: Item[] = [];
    for (const item of items) {
      const all = match(item.row);
      const hits = spec.max === 0 ? all : all.slice(0, spec.max);
      if (hits.length === 0) {
        if (spec.type === "left") out.push(item);
        continue;
      }
      // Several hits: each finding is named by its subsearch row's content (and its ordinal
      // among equal rows), not its position, which depends on which rows the join asked for.
      const equal = hits.length > 1 ? new Map<string, number>() : undefined;
      for (const [, sub] of hits) {
        let variant: string | undefined;
        if (equal !== undefined) {
          const text = rowText(sub);
          const n = equal.get(text) ?? 0;
          equal.set(text, n + 1);
          variant = `${item.variant ?? ""}[${subsearch}:${text}${n === 0 ? "" : `#${n}`}]`;
        }
        out.push({
          ...item,
          row: merge(item.row, sub, spec.overwrite),
          ...(variant === undefined ? {} : { variant }),
        });
      }
    }
    return out;
  };
}
