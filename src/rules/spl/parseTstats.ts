import { SplSyntaxError, UnsupportedSearchError } from "../errors.js";
import type { Aggregation, TstatsSearch } from "./ast.js";
import { parseWhere } from "./parseWhere.js";

/**
 * Splits at `sep` (a single character) outside double quotes and outside `[ ]` subsearches, so
 * `| join x [| tstats ... | rename ...]` stays one pipe.
 */
function splitOutsideQuotes(text: string, sep: string): string[] {
  const parts: string[] = [];
  let quote = false;
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote && c === "\\") i++;
    else if (c === '"') quote = !quote;
    else if (!quote && c === "[") depth++;
    else if (!quote && c === "]" && depth > 0) depth--;
    else if (!quote && depth === 0 && c === sep) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Index of character `c` outside double quotes, or -1 (`"*[kworker/*"` is a value, not a subsearch). */
function findOutsideQuotes(text: string, c: string): number {
  let quote = false;
  for (let i = 0; i < text.length; i++) {
    const d = text[i];
    if (quote && d === "\\") i++;
    else if (d === '"') quote = !quote;
    else if (!quote && d === c) return i;
  }
  return -1;
}

/** Index of the standalone word `word` (case-insensitive) outside quotes and parentheses. */
function findWord(text: string, word: string, from = 0): number {
  let quote = false;
  let depth = 0;
  const lower = word.toLowerCase();
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === '"') quote = false;
      continue;
    }
    if (c === '"') quote = true;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (
      depth === 0 &&
      text.slice(i, i + word.length).toLowerCase() === lower &&
      (i === 0 || /\s/.test(text[i - 1] as string)) &&
      (i + word.length === text.length || /\s/.test(text[i + word.length] as string))
    ) {
      return i;
    }
  }
  return -1;
}

const AGG = /^([a-z_]+)(?:\(([^()]*)\))?(?:\s+as\s+([\w.]+))?\s*/i;
const OPTION = /^([a-z_]+)=("[^"]*"|\S+)\s*/i;

function parseHead(head: string): { options: Record<string, string>; aggregations: Aggregation[] } {
  const options: Record<string, string> = {};
  const aggregations: Aggregation[] = [];
  let rest = head.trim();
  while (rest.length > 0) {
    const opt = OPTION.exec(rest);
    if (opt !== null && !rest.startsWith("count(")) {
      options[(opt[1] as string).toLowerCase()] = (opt[2] as string).replace(/^"|"$/g, "");
      rest = rest.slice(opt[0].length);
      continue;
    }
    const agg = AGG.exec(rest);
    if (agg === null || agg[0].length === 0)
      throw new SplSyntaxError(`cannot read tstats arguments near "${rest.slice(0, 40)}"`);
    const fn = (agg[1] as string).toLowerCase();
    const arg = agg[2]?.trim();
    aggregations.push({
      fn,
      ...(arg === undefined ? {} : { arg }),
      as: agg[3] ?? (arg === undefined ? fn : `${fn}(${arg})`),
    });
    rest = rest.slice(agg[0].length).replace(/^,\s*/, "");
  }
  return { options, aggregations };
}

/**
 * Reads a macro-expanded `| tstats <options> <aggregations> from datamodel=<dm> [where <expr>]
 * [by <fields>] | <pipes>` search. Anything else (another leading command, a `search` before
 * tstats, a subsearch) is unsupported.
 */
export function parseTstats(search: string): TstatsSearch {
  const segments = splitOutsideQuotes(search.trim().replace(/^\|/, ""), "|").map((s) => s.trim());
  const first = segments[0] ?? "";
  if (!/^tstats\s/i.test(first)) {
    throw new UnsupportedSearchError(
      `search does not start with tstats (starts "${first.split(/\s/)[0] ?? ""}")`,
    );
  }
  if (findOutsideQuotes(first, "[") !== -1) throw new UnsupportedSearchError("subsearch in tstats");
  const body = first.slice("tstats".length);
  const fromAt = findWord(body, "from");
  if (fromAt === -1) throw new UnsupportedSearchError("tstats without from datamodel=");
  const { options, aggregations } = parseHead(body.slice(0, fromAt));
  const afterFrom = body.slice(fromAt + 4).trim();
  const dm = /^datamodel\s*=\s*"?([\w.]+)"?\s*/i.exec(afterFrom);
  if (dm === null) throw new UnsupportedSearchError("tstats from something other than a datamodel");
  let rest = afterFrom.slice(dm[0].length);
  let whereText = "";
  let byText = "";
  const byAt = findWord(rest, "by");
  if (byAt !== -1) {
    byText = rest.slice(byAt + 2);
    rest = rest.slice(0, byAt);
  }
  rest = rest.trim();
  if (/^where\s/i.test(rest)) whereText = rest.slice(5);
  else if (rest.length > 0)
    throw new SplSyntaxError(`unexpected text after datamodel: "${rest.slice(0, 40)}"`);
  const tokens = byText.split(/[\s,]+/).filter((f) => f.length > 0);
  const span = tokens.find((f) => /^span=/i.test(f));
  const by = tokens.filter((f) => !/^span=/i.test(f)).map((f) => f.replace(/^"(.+)"$/, "$1"));
  return {
    command: first,
    options,
    aggregations,
    datamodel: dm[1] as string,
    where: parseWhere(whereText),
    by,
    ...(span === undefined ? {} : { span: span.slice(5) }),
    pipes: segments.slice(1).filter((p) => p.length > 0),
  };
}
