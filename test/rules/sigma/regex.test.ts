import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isYMap, readSigmaYaml, type YValue } from "../../../src/rules/sigma/readSigmaYaml.js";
import type { RegexNode } from "../../../src/rules/sigma/regex/ast.js";
import {
  compileRuleRegex,
  requiredLiterals,
} from "../../../src/rules/sigma/regex/compileRuleRegex.js";
import { PikeVm } from "../../../src/rules/sigma/regex/PikeVm.js";
import { parseRegex } from "../../../src/rules/sigma/regex/parseRegex.js";

const SIGMA_WINDOWS = new URL("../../../../shared/rules/sigma/rules/windows/", import.meta.url)
  .pathname;
const NO_FLAGS = { i: false, m: false, s: false };

function* ymlFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* ymlFiles(p);
    else if (e.name.endsWith(".yml")) yield p;
  }
}

/** Every `|re` value of the SigmaHQ Windows rules, with its flag modifiers. */
function corpusRegexes(): { pattern: string; flags: typeof NO_FLAGS; file: string }[] {
  const out: { pattern: string; flags: typeof NO_FLAGS; file: string }[] = [];
  for (const file of ymlFiles(SIGMA_WINDOWS)) {
    const text = readFileSync(file, "utf8");
    if (!text.includes("|re")) continue;
    for (const doc of readSigmaYaml(text)) {
      const detection = doc.detection;
      if (!isYMap(detection)) continue;
      for (const sel of Object.values(detection)) {
        const maps = Array.isArray(sel) ? sel.filter(isYMap) : isYMap(sel) ? [sel] : [];
        for (const map of maps) {
          for (const [key, value] of Object.entries(map)) {
            const mods = key.split("|").slice(1);
            if (!mods.includes("re")) continue;
            const flags = { i: mods.includes("i"), m: mods.includes("m"), s: mods.includes("s") };
            for (const v of (Array.isArray(value) ? value : [value]) as YValue[]) {
              if (typeof v === "string") out.push({ pattern: v, flags, file });
            }
          }
        }
      }
    }
  }
  return out;
}

/** A small deterministic PRNG so the generated strings are the same on every run. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

// No \r or \u2028/9: `.` differs there between Python (the rules' dialect) and JavaScript.
const ALPHABET = "abcxyzABCXYZ0123456789 _-./\\:;\"'`{}[]()$%^&*+?|,=<>@#~!\t\nsetcmdclipnetuser";

/** A string the pattern should match (assertions aside), built by walking its tree. */
function generate(node: RegexNode, rnd: () => number): string {
  switch (node.t) {
    case "char":
      return String.fromCharCode(node.c);
    case "set":
    case "any": {
      for (let k = 0; k < 40; k++) {
        const c = ALPHABET.charCodeAt(Math.floor(rnd() * ALPHABET.length));
        if (node.t === "any" ? c !== 10 : node.test(c)) return String.fromCharCode(c);
      }
      return "a";
    }
    case "cat":
      return node.items.map((n) => generate(n, rnd)).join("");
    case "alt":
      return generate(node.items[Math.floor(rnd() * node.items.length)] as RegexNode, rnd);
    case "rep": {
      const n = node.min + Math.floor(rnd() * (Math.min(node.max, node.min + 3) - node.min + 1));
      let s = "";
      for (let k = 0; k < n; k++) s += generate(node.node, rnd);
      return s;
    }
    default:
      return "";
  }
}

describe("PikeVm agrees with JavaScript's engine", () => {
  const regexes = corpusRegexes();

  it("folds case as JavaScript does, one code unit at a time", () => {
    const cases: Array<[string, string]> = [
      ["ß", "S"],
      ["ß", "ß"],
      ["S", "ß"],
      ["[A-Z]", "ß"],
      ["[a-z]", "ſ"],
      ["s", "ſ"],
      ["\u212A", "k"],
      ["k", "\u212A"],
      ["[\u212A]", "K"],
      ["i", "İ"],
      ["İ", "i"],
      ["[à-ÿ]", "À"],
      ["É", "é"],
      ["[^a-z]", "ß"],
      ["Σ", "ς"],
      ["[σ]", "Σ"],
    ];
    for (const [pattern, input] of cases) {
      const parsed = parseRegex(pattern, { i: true, m: false, s: false });
      const vm = new PikeVm(parsed.node, parsed.flags);
      expect(vm.test(input), `/${pattern}/i on ${input}`).toBe(
        new RegExp(parsed.jsSource, "i").test(input),
      );
    }
  });

  it("finds the SigmaHQ Windows regexes", () => {
    expect(regexes.length).toBeGreaterThan(100);
  });

  it("on every SigmaHQ Windows regex, for matching, mutated and random strings", () => {
    const rnd = prng(42);
    let compared = 0;
    let matched = 0;
    for (const { pattern, flags, file } of regexes) {
      const parsed = parseRegex(pattern, flags);
      const vm = new PikeVm(parsed.node, parsed.flags);
      const re = new RegExp(
        parsed.jsSource,
        `${parsed.flags.i ? "i" : ""}${parsed.flags.m ? "m" : ""}${parsed.flags.s ? "s" : ""}`,
      );
      for (let k = 0; k < 30; k++) {
        const g = generate(parsed.node, rnd);
        const cut = Math.floor(rnd() * (g.length + 1));
        const candidates = [
          g,
          `noise ${g} tail`,
          g.slice(0, cut) + g.slice(cut + 1),
          g.toUpperCase(),
          g.slice(0, cut),
          generate({ t: "rep", min: 0, max: 20, node: { t: "any" } }, rnd),
        ];
        for (const s of candidates) {
          const want = re.test(s);
          if (vm.test(s) !== want)
            throw new Error(`${file}: ${pattern} on ${JSON.stringify(s)}: expected ${want}`);
          compared++;
          if (want) matched++;
        }
      }
    }
    expect(compared).toBeGreaterThan(10_000);
    // The comparison is only meaningful if both outcomes occur often.
    expect(matched).toBeGreaterThan(compared / 5);
    expect(compared - matched).toBeGreaterThan(compared / 5);
  });

  it("on syntax SigmaHQ writes: classes, escapes, anchors, counted repeats, flags", () => {
    const cases: [string, string, boolean][] = [
      ["[]a]+x", "]]ax", true],
      ["[^\\\\]{2,3}$", "C:\\ab", true],
      ["[^\\\\]{2,3}$", "C:\\a", false],
      ["\\bnet\\b", "a net b", true],
      ["\\bnet\\b", "internet", false],
      ["\\Bnet", "internet", true],
      ["x{,2}y", "y", true],
      ["(?P<n>ab)+c", "ababc", true],
      ["\\x41\\u0042", "AB", true],
      ["\\Aab", "xab", false],
      ["ab\\Z", "ab", true],
      ["a{2}{", "aa{", true],
      ["(?:a|b|)c", "c", true],
      ["(?i)[a-c]+Z", "ABCz", true],
    ];
    for (const [pattern, input, want] of cases) {
      const p = parseRegex(pattern, NO_FLAGS);
      expect(new PikeVm(p.node, p.flags).test(input), `${pattern} on ${input}`).toBe(want);
    }
  });
});

describe("regex anchors", () => {
  it("`$` matches at the end or before a final newline (Python, PCRE), on both engines", () => {
    const cases: [string, string, boolean][] = [
      ["abc$", "abc", true],
      ["abc$", "abc\n", true],
      ["abc$", "abc\n\n", false],
      ["abc$", "abc\nx", false],
      ["(?m)abc$", "abc\nx", true],
      ["abc\\Z", "abc\n", false],
    ];
    for (const [pattern, input, want] of cases) {
      const p = parseRegex(pattern, NO_FLAGS);
      expect(new PikeVm(p.node, p.flags).test(input), `vm ${pattern} on ${input}`).toBe(want);
      const rule = compileRuleRegex(pattern, NO_FLAGS);
      expect(rule.engine, pattern).toBe("backtracking");
      expect(rule.test(input, input.toLowerCase()), `js ${pattern} on ${input}`).toBe(want);
    }
  });
});

describe("regex safety", () => {
  // proc_creation_win_invoke_obfuscation_via_stdin.yml: `(?:.*\)){1,}` nests two unbounded
  // repetitions, so a backtracking engine tries every split of the `)` run: 2^n paths.
  const NESTED =
    'cmd.{0,5}(?:/c|/r)(?:\\s|)"set\\s[a-zA-Z]{3,6}.*(?:\\{\\d\\}){1,}\\\\"\\s+?\\-f(?:.*\\)){1,}.*"';
  // Three unbounded `.*` with unanchored search: about n^3/6 steps on a long near miss.
  const POLY = "(?i)echo.*clip.*&&.*(Clipboard|i`?n`?v`?o`?k`?e`?)";

  it("runs nested and repeated unbounded quantifiers on the linear-time engine", () => {
    expect(compileRuleRegex(NESTED, NO_FLAGS).engine).toBe("linear");
    expect(compileRuleRegex(POLY, NO_FLAGS).engine).toBe("linear");
    expect(compileRuleRegex("a.*b", NO_FLAGS).engine).toBe("linear");
    expect(compileRuleRegex("\\\\[a-z]{8}\\.tmp$", NO_FLAGS).engine).toBe("backtracking");
    expect(compileRuleRegex("^[A-Za-z0-9]{16}$", NO_FLAGS).engine).toBe("backtracking");
  });

  it("answers a pathological input at once where backtracking would run for hours", () => {
    const nested = compileRuleRegex(NESTED, NO_FLAGS);
    const evil = `cmd /c "set abc {1}\\" -f${")".repeat(20_000)}`;
    let t = performance.now();
    expect(nested.test(evil, evil.toLowerCase())).toBe(false);
    expect(performance.now() - t).toBeLessThan(2_000);
    expect(nested.test(`${evil}"`, `${evil}"`.toLowerCase())).toBe(true);

    const poly = compileRuleRegex(POLY, NO_FLAGS);
    const near = "echo clip && ".repeat(2_500);
    t = performance.now();
    expect(poly.test(near, near.toLowerCase())).toBe(false);
    expect(performance.now() - t).toBeLessThan(2_000);
    expect(poly.test(`${near}invoke`, `${near}invoke`)).toBe(true);
  });

  it("keeps lookarounds on JavaScript's engine only when backtracking is bounded", () => {
    expect(compileRuleRegex("foo(?!bar)", NO_FLAGS).engine).toBe("backtracking");
    expect(() => compileRuleRegex("(?=.*a).*b", NO_FLAGS)).toThrow(
      /could backtrack catastrophically/,
    );
    expect(() => compileRuleRegex("(a+)\\1+", NO_FLAGS)).toThrow(
      /could backtrack catastrophically/,
    );
  });

  it("rejects constructs it cannot translate faithfully", () => {
    expect(() => compileRuleRegex("a(?i)b", NO_FLAGS)).toThrow(/inline flags/);
    expect(() => compileRuleRegex("a++", NO_FLAGS)).toThrow(/possessive/);
    expect(() => compileRuleRegex("(?>a)", NO_FLAGS)).toThrow(/atomic/);
    expect(() => compileRuleRegex("*a", NO_FLAGS)).toThrow(/nothing to repeat/);
    expect(() => compileRuleRegex("(a", NO_FLAGS)).toThrow(/missing \)/);
    expect(() => compileRuleRegex("[a", NO_FLAGS)).toThrow(/unterminated/);
  });

  it("prefilters on the literals every match contains", () => {
    expect(requiredLiterals(parseRegex("echo.*clip.*&&.*(Clipboard|x)", NO_FLAGS).node)).toEqual([
      "echo",
      "clip",
      "&&",
    ]);
    expect(requiredLiterals(parseRegex("net\\s+user", NO_FLAGS).node)).toEqual(["net", "user"]);
    expect(requiredLiterals(parseRegex("a|bc", NO_FLAGS).node)).toEqual([]);
    expect(requiredLiterals(parseRegex("x(?:ab){1,3}yz", NO_FLAGS).node)).toEqual(["xab", "yz"]);
  });
});
