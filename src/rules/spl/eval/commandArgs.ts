import { SplSyntaxError } from "../../errors.js";
import type { Row } from "./values.js";

/** One argument of a command: its text with quotes removed, and whether it was one quoted string. */
export interface Arg {
  readonly text: string;
  readonly quoted: boolean;
}

/**
 * Splits command arguments at spaces and commas outside double quotes. Quoted parts lose their
 * quotes and their `\"` and `\\` escapes (other backslashes stay, as regexes need them), and join
 * the bare text around them: `field="x y"` is one argument, `field=x y`.
 */
export function splitArgs(text: string): Arg[] {
  const out: Arg[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/[\s,]/.test(c)) {
      i++;
      continue;
    }
    let value = "";
    let quotedParts = 0;
    let bareParts = 0;
    while (i < text.length && !/[\s,]/.test(text[i] as string)) {
      if (text[i] === '"') {
        quotedParts++;
        let j = i + 1;
        for (; j < text.length && text[j] !== '"'; j++) {
          if (text[j] === "\\" && (text[j + 1] === '"' || text[j + 1] === "\\")) j++;
          value += text[j];
        }
        if (j >= text.length) throw new SplSyntaxError(`unterminated quoted string in "${text}"`);
        i = j + 1;
      } else {
        bareParts++;
        value += text[i];
        i++;
      }
    }
    out.push({ text: value, quoted: quotedParts === 1 && bareParts === 0 });
  }
  return out;
}

/** `key=value` options at the front of an argument list, lower-cased keys; the rest returned. */
export function takeOptions(
  args: readonly Arg[],
  keys: ReadonlySet<string>,
): {
  options: Map<string, string>;
  rest: Arg[];
} {
  const options = new Map<string, string>();
  const rest: Arg[] = [];
  for (const a of args) {
    const m = a.quoted ? null : /^([a-z_]+)=(.*)$/is.exec(a.text);
    if (m !== null && keys.has((m[1] as string).toLowerCase()))
      options.set((m[1] as string).toLowerCase(), m[2] as string);
    else rest.push(a);
  }
  return { options, rest };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** A field-name pattern with `*` wildcards (case-sensitive, like field names). */
export function fieldMatcher(pattern: string): (name: string) => boolean {
  if (!pattern.includes("*")) return (name) => name === pattern;
  const re = new RegExp(`^${pattern.split("*").map(escapeRegExp).join("[\\s\\S]*")}$`);
  return (name) => re.test(name);
}

/**
 * A renaming from a wildcard pattern to another (`Processes.* as *`, `process* as
 * parent_process*`): the text each `*` of `from` matched replaces the same `*` of `to`.
 * Null for names `from` does not match.
 */
export function fieldRenamer(from: string, to: string): (name: string) => string | null {
  const stars = from.split("*").length - 1;
  const toParts = to.split("*");
  if (stars === 0) return (name) => (name === from ? to : null);
  if (toParts.length - 1 !== 0 && toParts.length - 1 !== stars)
    throw new SplSyntaxError(`rename ${from} as ${to}: wildcard counts differ`);
  const re = new RegExp(`^${from.split("*").map(escapeRegExp).join("([\\s\\S]*)")}$`);
  return (name) => {
    const m = re.exec(name);
    if (m === null) return null;
    if (toParts.length === 1) return to;
    let out = toParts[0] as string;
    for (let k = 1; k < toParts.length; k++) out += (m[k] as string) + (toParts[k] as string);
    return out;
  };
}

/** Moves field `from` to `to` in place (replacing `to`); a no-op when `from` is absent. */
export function moveField(row: Row, from: string, to: string): void {
  if (from === to || !Object.hasOwn(row, from)) return;
  const v = row[from] ?? null;
  delete row[from];
  row[to] = v;
}
