import { UnsupportedSearchError } from "../errors.js";

/** One search macro: `definition` with `$arg$` placeholders for its `arguments`. */
export interface Macro {
  readonly name: string;
  readonly args: readonly string[];
  readonly definition: string;
}

/** Macros by `name` (no arguments) or `name(N)` (N arguments), as Splunk keys them. */
export type MacroTable = ReadonlyMap<string, Macro>;

export function macroKey(name: string, arity: number): string {
  return arity === 0 ? name : `${name}(${arity})`;
}

/** Macros Splunk ES provides outside security_content, built in here. */
const BUILTINS: readonly Macro[] = [
  { name: "drop_dm_object_name", args: ["object"], definition: "rename $object$.* as *" },
];

/** Bound on nested expansion, so a macro that refers to itself reports instead of looping. */
const MAX_DEPTH = 32;

/** Splits a macro's argument list at top-level commas (not inside quotes or parentheses). */
function splitArgs(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\" && quote) i++;
    else if (c === '"') quote = !quote;
    else if (!quote && c === "(") depth++;
    else if (!quote && c === ")") depth--;
    else if (!quote && depth === 0 && c === ",") {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  args.push(text.slice(start).trim());
  return args;
}

export function withBuiltins(macros: Iterable<Macro>): Map<string, Macro> {
  const table = new Map<string, Macro>();
  for (const m of BUILTINS) table.set(macroKey(m.name, m.args.length), m);
  for (const m of macros) table.set(macroKey(m.name, m.args.length), m);
  return table;
}

/**
 * Replaces each `` `call` `` outside double-quoted strings (a backtick inside a string, as in
 * `split(process, "`")`, is a character, not a macro) and drops each triple-backtick comment.
 */
function replaceMacroCalls(search: string, expand: (call: string) => string): string {
  let out = "";
  let quote = false;
  for (let i = 0; i < search.length; i++) {
    const c = search[i] as string;
    if (quote) {
      if (c === "\\" && i + 1 < search.length) {
        out += c + search[i + 1];
        i++;
        continue;
      }
      if (c === '"') quote = false;
      out += c;
    } else if (c === '"') {
      quote = true;
      out += c;
    } else if (search.startsWith("```", i)) {
      // A comment (Splunk 8.1+): dropped whole, a macro named inside it is never expanded.
      const end = search.indexOf("```", i + 3);
      if (end === -1) return out;
      out += " ";
      i = end + 2;
    } else if (c === "`") {
      const end = search.indexOf("`", i + 1);
      if (end === -1) return out + search.slice(i);
      out += expand(search.slice(i + 1, end));
      i = end;
    } else out += c;
  }
  return out;
}

/**
 * Expands every `` `macro` `` and `` `macro(a, b)` `` in `search`, recursively. A `*_filter`
 * macro that is not defined expands to `search *`, as security_content ships them empty; any
 * other undefined macro makes the search unsupported, naming the macro.
 */
export function expandMacros(search: string, table: MacroTable, depth = 0): string {
  if (search.indexOf("`") === -1) return search;
  if (depth > MAX_DEPTH)
    throw new UnsupportedSearchError("macro expansion nested too deep (recursive macro?)");
  return replaceMacroCalls(search, (call) => {
    const open = call.indexOf("(");
    const name = (open === -1 ? call : call.slice(0, open)).trim();
    const args = open === -1 ? [] : splitArgs(call.slice(open + 1, call.lastIndexOf(")")));
    const macro = table.get(macroKey(name, args.length));
    if (macro === undefined) {
      if (args.length === 0 && name.endsWith("_filter")) return "search *";
      throw new UnsupportedSearchError(`unknown macro \`${macroKey(name, args.length)}\``);
    }
    let body = macro.definition;
    macro.args.forEach((argName, i) => {
      body = body.split(`$${argName}$`).join(args[i] ?? "");
    });
    return expandMacros(body, table, depth + 1);
  });
}
