import { SplSyntaxError, UnsupportedSearchError } from "../../errors.js";

/** A PCRE pattern (Splunk's regex dialect) converted to a JavaScript `RegExp`. */
export interface ConvertedRegex {
  readonly re: RegExp;
  /** Capture group names in order; group `i` is `(?<n{i}>...)` in `re`. */
  readonly names: readonly string[];
}

const FLAG_LETTERS = /^[imsx]+$/;

/** Horizontal and vertical whitespace (PCRE `\h`, `\v`), as class contents. */
const H_SPACE = "\\t \\u00a0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000";
const V_SPACE = "\\n\\x0b\\f\\r\\x85\\u2028\\u2029";

const POSIX: Readonly<Record<string, string>> = {
  alpha: "a-zA-Z",
  digit: "0-9",
  alnum: "a-zA-Z0-9",
  upper: "A-Z",
  lower: "a-z",
  space: "\\t\\n\\x0b\\f\\r ",
  blank: " \\t",
  punct: "!-\\/:-@\\[-`{-~",
  xdigit: "0-9A-Fa-f",
  word: "\\w",
  cntrl: "\\x00-\\x1f\\x7f",
  print: "\\x20-\\x7e",
  graph: "\\x21-\\x7e",
};

function unsupported(what: string, pattern: string): never {
  throw new UnsupportedSearchError(`regex ${what} (in "${pattern}")`);
}

function escapeLiteral(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

function codePoint(hex: string, pattern: string, inClass: boolean): string {
  const cp = Number.parseInt(hex, 16);
  if (!Number.isFinite(cp) || cp > 0x10ffff) unsupported(`escape \\x{${hex}}`, pattern);
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, "0")}`;
  if (inClass) unsupported(`astral character \\x{${hex}} in a class`, pattern);
  const s = String.fromCodePoint(cp);
  return `(?:\\u${s.charCodeAt(0).toString(16)}\\u${s.charCodeAt(1).toString(16)})`;
}

/**
 * Converts a PCRE pattern to JavaScript: leading inline flags `(?i)`, `(?s)`, `(?m)`, `(?x)`
 * become RegExp flags (or, for `x`, stripped whitespace and comments); `\x{202E}`, `\Q...\E`,
 * `\A`, `\z`, `\Z`, `\h`, `\v`, `\R`, `\e`, `\a`, POSIX classes and `(?P<name>...)`,
 * `(?'name'...)`, `(?P=name)` are rewritten; PCRE's `.` (not a newline) and `$` (end, or
 * before a final newline) keep their PCRE meaning. Possessive quantifiers, atomic groups,
 * recursion, conditionals, `\G`, `\K`, Unicode properties and inline flags elsewhere than at
 * the start have no JavaScript equivalent and are rejected with the construct named. With
 * `testOnly` (the caller only asks whether it matches), a leading `.*` or `.+` is simplified.
 */
export function convertPcre(pattern: string, extraFlags = "", testOnly = false): ConvertedRegex {
  const flags = new Set<string>();
  let i = 0;
  for (let m = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?\)/.exec(pattern); m !== null; ) {
    const on = m[1] ?? "";
    const off = m[2] ?? "";
    if ((on !== "" && !FLAG_LETTERS.test(on)) || (off !== "" && !FLAG_LETTERS.test(off)))
      unsupported(`inline flags (?${m[0].slice(2, -1)})`, pattern);
    for (const f of on) flags.add(f);
    for (const f of off) flags.delete(f);
    i += m[0].length;
    m = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?\)/.exec(pattern.slice(i));
  }
  const extended = flags.has("x");
  const dotAll = flags.has("s");
  const multiline = flags.has("m");
  const names: string[] = [];
  const nameIndex = (name: string): number => {
    const at = names.indexOf(name);
    if (at === -1) unsupported(`back-reference to unknown group ${name}`, pattern);
    return at;
  };
  let out = "";
  // For a yes/no test, a leading `.*` changes nothing and a leading `.+` is one character; kept,
  // both make a failing search quadratic in the subject's length (security_content's
  // container-file regex on 20 000 characters: 1 s with them, under 10 ms without).
  const lead = testOnly ? /^\.([*+])\??/.exec(pattern.slice(i)) : null;
  if (lead !== null) {
    if (lead[1] === "+") out += dotAll ? "[\\s\\S]" : "[^\\n]";
    i += lead[0].length;
  }
  let inClass = false;
  /** True right after a quantifier, where a `+` would make it possessive. */
  let afterQuantifier = false;

  while (i < pattern.length) {
    const c = pattern[i] as string;
    const wasQuantifier: boolean = afterQuantifier;
    afterQuantifier = false;
    if (c === "\\") {
      const e = pattern[i + 1];
      if (e === undefined) throw new SplSyntaxError(`regex ends with a backslash: "${pattern}"`);
      i += 2;
      if (e === "x" && pattern[i] === "{") {
        const close = pattern.indexOf("}", i);
        if (close === -1) throw new SplSyntaxError(`unterminated \\x{ in regex "${pattern}"`);
        out += codePoint(pattern.slice(i + 1, close), pattern, inClass);
        i = close + 1;
      } else if (e === "Q") {
        const end = pattern.indexOf("\\E", i);
        const lit = pattern.slice(i, end === -1 ? pattern.length : end);
        out += [...lit].map(escapeLiteral).join("");
        i = end === -1 ? pattern.length : end + 2;
      } else if (e === "E") {
        // a stray \E ends nothing
      } else if (e === "e") out += "\\x1b";
      else if (e === "a") out += "\\x07";
      else if (e === "h") out += inClass ? H_SPACE : `[${H_SPACE}]`;
      else if (e === "v") out += inClass ? V_SPACE : `[${V_SPACE}]`;
      else if (e === "H" || e === "V") {
        if (inClass) unsupported(`\\${e} inside a class`, pattern);
        out += `[^${e === "H" ? H_SPACE : V_SPACE}]`;
      } else if (inClass) out += `\\${e}`;
      else if (e === "A") out += "(?<![\\s\\S])";
      else if (e === "z") out += "(?![\\s\\S])";
      else if (e === "Z") out += "(?=\\n?(?![\\s\\S]))";
      else if (e === "R") out += `(?:\\r\\n|[${V_SPACE}])`;
      else if (e === "G" || e === "K" || e === "C" || e === "X") unsupported(`\\${e}`, pattern);
      else if (e === "p" || e === "P") unsupported("Unicode property \\p", pattern);
      else if (e === "g" || e === "k") {
        const m = /^(?:\{(-?\d+|\w+)\}|<(\w+)>|'(\w+)'|(-?\d+))/.exec(pattern.slice(i));
        if (m === null) unsupported(`\\${e} without a group`, pattern);
        const ref = (m[1] ?? m[2] ?? m[3] ?? m[4]) as string;
        if (ref.startsWith("-")) unsupported("relative back-reference", pattern);
        out += /^\d+$/.test(ref) ? `\\${ref}` : `\\k<n${nameIndex(ref)}>`;
        i += m[0].length;
      } else out += `\\${e}`;
      afterQuantifier = false;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      if (c === "[" && pattern[i + 1] === ":") {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(pattern.slice(i));
        const body = m === null ? undefined : POSIX[m[2] as string];
        if (m !== null && body !== undefined) {
          if (m[1] === "^") unsupported(`negated POSIX class ${m[0]}`, pattern);
          out += body;
          i += m[0].length;
          continue;
        }
      }
      out += c === "[" ? "\\[" : c;
      i++;
      continue;
    }
    if (extended && /\s/.test(c)) {
      i++;
      continue;
    }
    if (extended && c === "#") {
      const nl = pattern.indexOf("\n", i);
      i = nl === -1 ? pattern.length : nl + 1;
      continue;
    }
    switch (c) {
      case "[": {
        inClass = true;
        out += "[";
        i++;
        if (pattern[i] === "^") {
          out += "^";
          i++;
        }
        if (pattern[i] === "]") {
          out += "\\]";
          i++;
        }
        continue;
      }
      case "(": {
        const rest = pattern.slice(i);
        const named = /^\((?:\?P?<([A-Za-z_]\w*)>|\?'([A-Za-z_]\w*)')/.exec(rest);
        if (named !== null) {
          out += `(?<n${names.length}>`;
          names.push((named[1] ?? named[2]) as string);
          i += named[0].length;
        } else if (rest.startsWith("(?#")) {
          const close = pattern.indexOf(")", i);
          i = close === -1 ? pattern.length : close + 1;
        } else if (/^\(\?P=(\w+)\)/.test(rest)) {
          const m = /^\(\?P=(\w+)\)/.exec(rest) as RegExpExecArray;
          out += `\\k<n${nameIndex(m[1] as string)}>`;
          i += m[0].length;
        } else if (/^\(\?(?::|=|!|<=|<!)/.test(rest)) {
          const m = /^\(\?(?::|=|!|<=|<!)/.exec(rest) as RegExpExecArray;
          out += m[0];
          i += m[0].length;
        } else if (rest.startsWith("(?>")) unsupported("atomic group (?>...)", pattern);
        else if (rest.startsWith("(?|")) unsupported("branch reset (?|...)", pattern);
        else if (rest.startsWith("(?(")) unsupported("conditional (?(...)", pattern);
        else if (/^\(\?(?:R|[+-]?\d|&|P>)/.test(rest)) unsupported("recursion", pattern);
        else if (rest.startsWith("(?")) {
          const m = /^\(\?([a-zA-Z]*)(?:-[a-zA-Z]*)?[):]/.exec(rest);
          // a repeat of a flag already on everywhere changes nothing
          if (m?.[0].endsWith(")") && [...(m[1] ?? "")].every((f) => flags.has(f))) {
            i += m[0].length;
            continue;
          }
          unsupported(`inline flags ${m === null ? "(?" : m[0]} not at the start`, pattern);
        } else {
          out += "(";
          i++;
        }
        continue;
      }
      case "*":
      case "+":
      case "?":
        if (c === "+" && wasQuantifier) unsupported("possessive quantifier", pattern);
        out += c;
        i++;
        afterQuantifier = c !== "?" || !wasQuantifier;
        if (c === "?" && wasQuantifier) afterQuantifier = false;
        continue;
      case "{": {
        const m = /^\{\d*,?\d*\}/.exec(pattern.slice(i));
        if (m !== null && /\d/.test(m[0]) && !m[0].startsWith("{,")) {
          out += m[0];
          i += m[0].length;
          afterQuantifier = true;
        } else {
          out += "\\{";
          i++;
        }
        continue;
      }
      case "}":
        out += "\\}";
        i++;
        continue;
      case ".":
        out += dotAll ? "[\\s\\S]" : "[^\\n]";
        i++;
        continue;
      case "$":
        out += multiline ? "(?=\\n|(?![\\s\\S]))" : "(?=\\n?(?![\\s\\S]))";
        i++;
        continue;
      case "^":
        out += multiline ? "(?<=^|\\n)" : "^";
        i++;
        continue;
      default:
        out += c === "/" ? "\\/" : c;
        i++;
    }
  }
  if (inClass) throw new SplSyntaxError(`unterminated character class in regex "${pattern}"`);
  const jsFlags = `${flags.has("i") ? "i" : ""}${extraFlags}`;
  try {
    return { re: new RegExp(out, jsFlags), names };
  } catch (err) {
    throw new SplSyntaxError(`invalid regex "${pattern}": ${(err as Error).message}`, {
      cause: err,
    });
  }
}
