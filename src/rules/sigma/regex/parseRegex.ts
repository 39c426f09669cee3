import { invalid, unsupported } from "../errors.js";
import type { AssertKind, ParsedRegex, RegexFlags, RegexNode } from "./ast.js";

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
export const isWordChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isSpace = (c: number): boolean =>
  c === 32 ||
  (c >= 9 && c <= 13) ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === 0xfeff;

const CLASS_TESTS: Readonly<Record<string, (c: number) => boolean>> = {
  d: isDigit,
  D: (c) => !isDigit(c),
  w: isWordChar,
  W: (c) => !isWordChar(c),
  s: isSpace,
  S: (c) => !isSpace(c),
};

const QUANTIFIER = /^\{(\d*)(,?)(\d*)\}/;

const CHAR_ESCAPES: Readonly<Record<string, number>> = {
  n: 10,
  r: 13,
  t: 9,
  f: 12,
  v: 11,
  a: 7,
  "0": 0,
};

/**
 * Parses a rule regex in the Python `re` dialect SigmaHQ writes (pySigma hands values to
 * backends as written): groups (`(?:`, `(?P<n>`), classes, quantifiers (`{,m}` too), escapes,
 * anchors, a leading inline flag group such as `(?i)`. Lookarounds and backreferences parse
 * as opaque nodes; scoped or mid-pattern inline flags, atomic groups and possessive
 * quantifiers are reported unsupported. Also returns the equivalent JavaScript source.
 */
export function parseRegex(pattern: string, baseFlags: RegexFlags): ParsedRegex {
  return new RegexParser(pattern, baseFlags).parse();
}

class RegexParser {
  private i = 0;
  private js = "";
  private flags: { i: boolean; m: boolean; s: boolean };

  constructor(
    private readonly p: string,
    base: RegexFlags,
  ) {
    this.flags = { ...base };
  }

  parse(): ParsedRegex {
    const lead = /^\(\?([aiLmsux]+)\)/.exec(this.p);
    if (lead !== null) {
      for (const f of lead[1] as string) {
        if (f === "i" || f === "m" || f === "s") this.flags[f] = true;
      }
      this.i = lead[0].length;
    }
    const node = this.alt();
    if (this.i < this.p.length) throw this.error("unbalanced parenthesis");
    return { node, flags: this.flags, jsSource: this.js };
  }

  private error(what: string): Error {
    return invalid(`bad regex ${JSON.stringify(this.p)} at ${this.i}: ${what}`);
  }

  private alt(): RegexNode {
    const items = [this.cat()];
    while (this.p[this.i] === "|") {
      this.i++;
      this.js += "|";
      items.push(this.cat());
    }
    return items.length === 1 ? (items[0] as RegexNode) : { t: "alt", items };
  }

  private cat(): RegexNode {
    const items: RegexNode[] = [];
    while (this.i < this.p.length && this.p[this.i] !== "|" && this.p[this.i] !== ")") {
      const atom = this.atom();
      if (atom !== undefined) items.push(this.quantified(atom));
    }
    return items.length === 1 ? (items[0] as RegexNode) : { t: "cat", items };
  }

  /** A quantifier at the cursor: `[min, max, source length]`, or undefined. */
  private quantifierAt(at: number): [number, number, number] | undefined {
    const c = this.p[at];
    if (c === "*") return [0, Number.POSITIVE_INFINITY, 1];
    if (c === "+") return [1, Number.POSITIVE_INFINITY, 1];
    if (c === "?") return [0, 1, 1];
    if (c !== "{") return undefined;
    const m = QUANTIFIER.exec(this.p.slice(at));
    if (m === null || (m[1] === "" && m[3] === "")) return undefined;
    const min = m[1] === "" ? 0 : Number(m[1]);
    const max = m[2] === "" ? min : m[3] === "" ? Number.POSITIVE_INFINITY : Number(m[3]);
    return [min, max, m[0].length];
  }

  private quantified(atom: RegexNode): RegexNode {
    const q = this.quantifierAt(this.i);
    if (q === undefined) return atom;
    const [min, max, len] = q;
    if (max < min) throw this.error("bad repetition range");
    if (atom.t === "assert") throw this.error("nothing to repeat");
    this.i += len;
    this.js +=
      len === 1
        ? (this.p[this.i - 1] as string)
        : `{${min},${max === Number.POSITIVE_INFINITY ? "" : max}}`;
    if (this.p[this.i] === "?") {
      this.i++;
      this.js += "?";
    } else if (this.p[this.i] === "+") {
      throw unsupported(`possessive quantifier in regex ${JSON.stringify(this.p)}`);
    }
    if (this.quantifierAt(this.i) !== undefined) throw this.error("multiple repeat");
    return { t: "rep", node: atom, min, max };
  }

  private atom(): RegexNode | undefined {
    const p = this.p;
    const c = p[this.i] as string;
    switch (c) {
      case "(":
        return this.group();
      case "[":
        return this.charClass();
      case ".":
        this.i++;
        this.js += ".";
        return { t: "any" };
      case "^":
      case "$":
        this.i++;
        // Python's and PCRE's `$` also match just before a final newline (JS's only at the end,
        // unless `m`, where both match before any newline), as the VM's does.
        this.js += c === "$" && !this.flags.m ? "(?=\\n?(?![\\s\\S]))" : c;
        return { t: "assert", kind: c };
      case "\\":
        return this.escape();
      case "*":
      case "+":
      case "?":
        throw this.error("nothing to repeat");
      default: {
        if (this.quantifierAt(this.i) !== undefined) throw this.error("nothing to repeat");
        this.i++;
        this.js += c === "{" || c === "}" || c === "/" ? `\\${c}` : c;
        return { t: "char", c: c.charCodeAt(0) };
      }
    }
  }

  private group(): RegexNode | undefined {
    const p = this.p;
    const rest = p.slice(this.i);
    let open: string;
    let opaque: string | undefined;
    if (rest.startsWith("(?#")) {
      const end = p.indexOf(")", this.i);
      if (end === -1) throw this.error("unterminated comment");
      this.i = end + 1;
      return undefined;
    }
    const backref = /^\(\?P=(\w+)\)/.exec(rest);
    if (backref !== null) {
      this.i += backref[0].length;
      this.js += `\\k<${backref[1]}>`;
      return { t: "opaque", what: "backreference" };
    }
    const named = /^\(\?P?<(\w+)>/.exec(rest);
    if (named !== null) {
      open = named[0];
      this.js += `(?<${named[1]}>`;
    } else if (/^\(\?(?:<?[=!])/.test(rest)) {
      open = (/^\(\?<?[=!]/.exec(rest) as RegExpExecArray)[0];
      opaque = "lookaround";
      this.js += open;
    } else if (rest.startsWith("(?:")) {
      open = "(?:";
      this.js += open;
    } else if (rest.startsWith("(?")) {
      throw unsupported(
        `regex construct ${rest.slice(0, 4)}... (inline flags, atomic group) in ${JSON.stringify(p)}`,
      );
    } else {
      open = "(";
      this.js += open;
    }
    this.i += open.length;
    const inner = this.alt();
    if (p[this.i] !== ")") throw this.error("missing )");
    this.i++;
    this.js += ")";
    return opaque === undefined ? inner : { t: "opaque", what: opaque };
  }

  private escape(): RegexNode {
    const p = this.p;
    const e = p[this.i + 1];
    if (e === undefined) throw this.error("trailing backslash");
    this.i += 2;
    const cls = CLASS_TESTS[e];
    if (cls !== undefined) {
      this.js += `\\${e}`;
      return { t: "set", test: cls };
    }
    const asserts: Record<string, [AssertKind, string]> = {
      b: ["b", "\\b"],
      B: ["B", "\\B"],
      A: ["A", "(?<![\\s\\S])"],
      Z: ["z", "(?![\\s\\S])"],
      z: ["z", "(?![\\s\\S])"],
    };
    const a = asserts[e];
    if (a !== undefined) {
      this.js += a[1];
      return { t: "assert", kind: a[0] };
    }
    if (e >= "1" && e <= "9") {
      this.js += `\\${e}`;
      return { t: "opaque", what: "backreference" };
    }
    const code = this.escapedCode(e);
    this.js += code < 0x20 || code > 0x7e ? `\\u${code.toString(16).padStart(4, "0")}` : `\\${e}`;
    return { t: "char", c: code };
  }

  /** The code unit an escape (after the backslash, `e` already consumed) stands for. */
  private escapedCode(e: string): number {
    const named = CHAR_ESCAPES[e];
    if (named !== undefined) return named;
    if (e === "x" || e === "u") {
      const len = e === "x" ? 2 : 4;
      const hex = this.p.slice(this.i, this.i + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw this.error(`bad \\${e} escape`);
      this.i += len;
      return Number.parseInt(hex, 16);
    }
    if (e === "p" || e === "P" || e === "N" || e === "U" || e === "k" || e === "c") {
      throw unsupported(`regex escape \\${e} in ${JSON.stringify(this.p)}`);
    }
    return e.charCodeAt(0);
  }

  private charClass(): RegexNode {
    const p = this.p;
    this.i++;
    let neg = false;
    if (p[this.i] === "^") {
      neg = true;
      this.i++;
    }
    const ranges: [number, number][] = [];
    const tests: ((c: number) => boolean)[] = [];
    let js = neg ? "[^" : "[";
    let first = true;
    while (true) {
      const c = p[this.i];
      if (c === undefined) throw this.error("unterminated character class");
      if (c === "]" && !first) break;
      first = false;
      const lo = this.classAtom();
      if (typeof lo !== "number") {
        tests.push(lo.test);
        js += lo.js;
        continue;
      }
      let loJs = this.lastClassJs;
      if (p[this.i] === "-" && p[this.i + 1] !== "]" && p[this.i + 1] !== undefined) {
        this.i++;
        const hi = this.classAtom();
        if (typeof hi !== "number") throw this.error("bad character range");
        if (hi < lo) throw this.error("bad character range");
        loJs += `-${this.lastClassJs}`;
        ranges.push([lo, hi]);
      } else ranges.push([lo, lo]);
      js += loJs;
    }
    this.i++;
    this.js += `${js}]`;
    const test = (c: number): boolean => {
      for (const [lo, hi] of ranges) if (c >= lo && c <= hi) return true;
      for (const t of tests) if (t(c)) return true;
      return false;
    };
    return { t: "set", test: neg ? (c) => !test(c) : test };
  }

  private lastClassJs = "";

  /** One class member: a code unit, or a class escape (`\d`...) with its JS text. */
  private classAtom(): number | { test: (c: number) => boolean; js: string } {
    const p = this.p;
    const c = p[this.i] as string;
    if (c !== "\\") {
      this.i++;
      this.lastClassJs = c === "]" || c === "[" || c === "^" || c === "-" ? `\\${c}` : c;
      return c.charCodeAt(0);
    }
    const e = p[this.i + 1];
    if (e === undefined) throw this.error("trailing backslash");
    this.i += 2;
    const cls = CLASS_TESTS[e];
    if (cls !== undefined) return { test: cls, js: `\\${e}` };
    const code = e === "b" ? 8 : this.escapedCode(e);
    this.lastClassJs =
      code < 0x20 || code > 0x7e ? `\\u${code.toString(16).padStart(4, "0")}` : `\\${e}`;
    return code;
  }
}
