import { SplSyntaxError, UnsupportedSearchError } from "../../errors.js";
import { splitArgs, takeOptions } from "./commandArgs.js";
import { convertPcre } from "./pcre.js";
import type { RowStage } from "./rowCommands.js";
import { fromList, toText, valuesOf } from "./values.js";

/** A quoted command argument: `\"` and `\\` unescaped, other backslashes kept for the regex. */
function unquote(text: string): string {
  return text.replace(/\\(["\\])/g, "$1");
}

const REGEX_ARGS = /^\s*([^\s=!"]+)\s*(!?=)\s*(?:"((?:[^"\\]|\\.)*)"|(\S+))\s*$/s;

/** The field a `| regex` reads (`_raw` without one). */
export function regexField(args: string): string {
  return REGEX_ARGS.exec(args)?.[1] ?? "_raw";
}

/**
 * `| regex field="<PCRE>"` keeps rows where some value of the field matches;
 * `| regex field!="<PCRE>"` keeps rows where none does (a missing field matches nothing).
 * Without a field, `regex` reads `_raw`, which rows after tstats do not have.
 */
export function regexStage(args: string): RowStage {
  const m = REGEX_ARGS.exec(args);
  if (m === null) {
    throw new UnsupportedSearchError(
      `| regex without a field (it reads _raw, which rows after tstats do not have)`,
    );
  }
  const field = m[1] as string;
  const keep = m[2] === "=";
  const re = convertPcre(m[3] === undefined ? (m[4] as string) : unquote(m[3]), "", true).re;
  return (row) => {
    const hit = valuesOf(row[field] ?? null).some((v) => re.test(toText(v)));
    return hit === keep;
  };
}

const REX_OPTIONS: ReadonlySet<string> = new Set(["field", "max_match", "mode", "offset_field"]);

/**
 * `| rex field=<field> [max_match=<n>] "<PCRE with (?<name>...) groups>"`: each named group
 * that takes part in the first match (or in the first `n` matches, `0` for all, as
 * multivalue fields) sets the field of that name; on no match the row is left as is. A
 * multivalue subject is read value by value up to the first that matches.
 */
function parseRex(args: string) {
  const { options, rest } = takeOptions(splitArgs(args), REX_OPTIONS);
  if (options.has("mode")) throw new UnsupportedSearchError("rex mode=sed");
  if (options.has("offset_field")) throw new UnsupportedSearchError("rex offset_field");
  const field = options.get("field");
  if (field === undefined)
    throw new UnsupportedSearchError(
      "rex without field= (it reads _raw, which rows after tstats do not have)",
    );
  if (rest.length !== 1 || !(rest[0] as { quoted: boolean }).quoted)
    throw new SplSyntaxError(`rex needs one quoted regular expression: "${args}"`);
  const maxText = options.get("max_match") ?? "1";
  if (!/^\d+$/.test(maxText)) throw new SplSyntaxError(`rex max_match=${maxText}`);
  const max = Number(maxText) === 0 ? Number.POSITIVE_INFINITY : Number(maxText);
  const { re, names } = convertPcre((rest[0] as { text: string }).text, max > 1 ? "g" : "");
  if (names.length === 0) throw new SplSyntaxError("rex regular expression has no named group");
  return { field, max, re, names };
}

/**
 * What a `| rex` writes: each named group's field, from the subject field, or left as it was
 * when nothing matches (so its old value is read too).
 */
export function rexWrites(
  args: string,
): Array<{ readonly to: string; readonly reads: ReadonlySet<string> }> {
  const { field, names } = parseRex(args);
  return names.map((to) => ({ to, reads: new Set([field, to]) }));
}

export function rexStage(args: string): RowStage {
  const { field, max, re, names } = parseRex(args);
  if (max === 1) {
    return (row) => {
      for (const v of valuesOf(row[field] ?? null)) {
        const m = re.exec(toText(v));
        if (m === null) continue;
        names.forEach((name, k) => {
          const g = m.groups?.[`n${k}`];
          if (g !== undefined) row[name] = g;
        });
        break;
      }
      return true;
    };
  }
  return (row) => {
    const found = names.map((): string[] => []);
    let matches = 0;
    for (const v of valuesOf(row[field] ?? null)) {
      const text = toText(v);
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null && matches < max; m = re.exec(text)) {
        matches++;
        names.forEach((_name, k) => {
          const g = m?.groups?.[`n${k}`];
          if (g !== undefined) found[k]?.push(g);
        });
        if (m[0] === "") re.lastIndex++;
      }
      if (matches > 0) break;
    }
    names.forEach((name, k) => {
      const v = fromList(found[k] ?? []);
      if (v !== null) row[name] = v;
    });
    return true;
  };
}
