import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  mergeRuleFindings,
  sortFindings,
  sortRuleFindings,
} from "../../src/detect/sortFindings.js";
import type { Finding } from "../../src/detect/types.js";
import { random } from "../helpers/random.js";

/** The order sortFindings promises, stated plainly: English localeCompare on each key in turn; stable. */
function reference(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      a.detection.name.localeCompare(b.detection.name, "en") ||
      (a.firstTime ?? "").localeCompare(b.firstTime ?? "", "en") ||
      JSON.stringify(a.fields).localeCompare(JSON.stringify(b.fields), "en"),
  );
}

// names and values that the collator orders unlike code units: case, accents, punctuation,
// and two texts of one name it holds equal (composed and decomposed é)
const NAMES = [
  "Alpha",
  "alpha",
  "Émile",
  "Emile",
  "e\u0301mile",
  "émile",
  "beta",
  "B-eta",
  "_x",
  "Zed",
];
const VALUES = ["a", "A", "b", "B", "é", "e", "-", "_", "10", "9", "C:\\x", "c:\\x", ""];

function times(next: () => number): string | null {
  const r = next();
  if (r < 0.1) return null;
  if (r < 0.15)
    return ["not a time", "Not a time", "Z", "é", "f"][Math.floor(next() * 5)] as string;
  if (r < 0.2) return new Date(Date.UTC(12000, 0, 1) + Math.floor(next() * 1e12)).toISOString();
  // few distinct times, so that many findings tie on them
  return new Date(Date.UTC(2019, 6, 29) + Math.floor(next() * 8) * 997_531).toISOString();
}

function findings(seed: number, n: number): Finding[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  return Array.from({ length: n }, (_, i) => {
    const fields: Record<string, string> = { dest: pick(VALUES), user: pick(VALUES) };
    if (next() < 0.3) fields.process = pick(VALUES) + pick(VALUES);
    return {
      finding_id: `f${i}`,
      detection: { name: pick(NAMES) },
      firstTime: times(next),
      fields,
    } as unknown as Finding;
  });
}

/**
 * The detection names `sortFindings` orders in a fresh Node process whose locale is `lang`
 * (the default collator follows `LANG`/`LC_ALL`).
 */
function namesUnder(lang: string, names: readonly string[]): string[] {
  const module = new URL("../../src/detect/sortFindings.ts", import.meta.url).href;
  const script = `
    const { sortFindings } = await import(${JSON.stringify(module)});
    const names = ${JSON.stringify(names)};
    const input = names.map((name, i) => ({ finding_id: String(i), detection: { name }, firstTime: null, fields: { v: name } }));
    process.stdout.write(JSON.stringify({
      locale: new Intl.Collator().resolvedOptions().locale,
      names: sortFindings(input).map((f) => f.detection.name),
    }));`;
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", script],
    {
      env: { ...process.env, LANG: lang, LC_ALL: lang },
      encoding: "utf8",
    },
  );
  const { locale, names: sorted } = JSON.parse(out) as { locale: string; names: string[] };
  // the child really ran under that locale (else the test would prove nothing)
  expect(locale).toBe(lang.slice(0, 5).replace("_", "-"));
  return sorted;
}

describe("sortFindings", () => {
  it("orders the same whatever the machine's locale", () => {
    // Swedish collation puts ä and ö after z; English puts them beside a and o
    const names = ["zulu", "Äpple", "apple", "Ödla", "oak", "Zeta"];
    const english = namesUnder("en_US.UTF-8", names);
    expect(english).toEqual([...names].sort((a, b) => a.localeCompare(b, "en")));
    expect(namesUnder("sv_SE.UTF-8", names)).toEqual(english);
  });

  it("orders as localeCompare on name, first time and by-values does, ties kept in input order", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const input = findings(seed, 300);
      const ids = (list: readonly Finding[]) => list.map((f) => f.finding_id);
      expect(ids(sortFindings([...input])), `seed ${seed}`).toEqual(ids(reference(input)));
    }
  });

  it("orders ISO times of any digits as the collator does", () => {
    const next = random(7);
    const iso = Array.from({ length: 2000 }, () =>
      new Date(Math.floor(next() * Date.UTC(9999, 11, 31))).toISOString(),
    );
    const input = iso.map(
      (t, i) =>
        ({
          finding_id: `${i}`,
          detection: { name: "n" },
          firstTime: t,
          fields: {},
        }) as unknown as Finding,
    );
    const byCollator = [...iso].sort((a, b) => a.localeCompare(b, "en"));
    expect(sortFindings(input).map((f) => f.firstTime)).toEqual(byCollator);
  });

  it("merges rules' lists, each sorted alone, into the order of sorting them all", () => {
    for (let seed = 1; seed <= 40; seed++) {
      // rules in some order, each with findings of its one name (some names shared by two
      // rules, some the collator holds equal), as a split scan's threads build them
      const input = findings(seed, 300);
      const next = random(seed + 1000);
      const rules = Array.from({ length: 14 }, (_, r) => ({
        name: NAMES[(r * 7 + Math.floor(next() * 3)) % NAMES.length] as string,
        list: [] as Finding[],
      }));
      for (const f of input) {
        const rule = rules[Math.floor(next() * rules.length)] as (typeof rules)[number];
        rule.list.push({ ...f, detection: { ...f.detection, name: rule.name } });
      }
      const all = rules.flatMap((r) => r.list);
      const ids = (list: readonly Finding[]) => list.map((f) => f.finding_id);
      const merged = mergeRuleFindings(rules.map((r) => sortRuleFindings([...r.list])));
      expect(ids(merged), `seed ${seed}`).toEqual(ids(sortFindings([...all])));
    }
  });
});
