import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { selectParser } from "../../../src/parse/selectParser.js";
import type { WinEvent } from "../../../src/parse/types.js";
import { EventView } from "../../../src/rules/sigma/EventView.js";
import { ANY_EVENT, eventKey } from "../../../src/rules/sigma/eventKey.js";
import { loadSigmaRules, type SigmaRuleSet } from "../../../src/rules/sigma/loadSigmaRules.js";
import { SYSMON_CATEGORY_EVENTS } from "../../../src/rules/sigma/logsource.js";
import { SigmaIndex } from "../../../src/rules/sigma/SigmaIndex.js";
import notLoaded from "./fixtures/sigmahq-windows-not-loaded.json" with { type: "json" };

const SHARED = new URL("../../../../shared/", import.meta.url).pathname;
const RULES = join(SHARED, "rules/sigma/rules/windows");
const REGRESSION = join(SHARED, "data/sigma-regression/rules/windows/process_creation");

/** The log source categories issue 6 maps (Sysmon, Security 4688 and PowerShell). */
const MAPPED_CATEGORIES = new Set([
  "process_creation",
  "network_connection",
  "driver_load",
  "image_load",
  "create_remote_thread",
  "raw_access_thread",
  "process_access",
  "file_event",
  "registry_add",
  "registry_delete",
  "registry_set",
  "registry_event",
  "create_stream_hash",
  "pipe_created",
  "wmi_event",
  "dns_query",
  "file_delete",
  "process_tampering",
  "ps_module",
  "ps_script",
  "ps_classic_start",
  "ps_classic_provider_start",
  "ps_classic_script",
]);

interface Case {
  readonly dir: string;
  readonly ruleId: string;
  readonly matchCount: number;
}

/**
 * The regression cases: `info.yml` names the rule and the expected `match_count`. SigmaHQ
 * leaves `match_count` out of some positive tests; each of those holds one event that the
 * rule must match, so it counts as 1.
 */
function cases(): Case[] {
  return readdirSync(REGRESSION)
    .sort()
    .map((dir) => {
      const info = parseYaml(readFileSync(join(REGRESSION, dir, "info.yml"), "utf8"));
      const test = info.regression_tests_info[0];
      return {
        dir,
        ruleId: info.rule_metadata[0].id as string,
        matchCount: (test.match_count as number | undefined) ?? 1,
      };
    });
}

async function* once(bytes: Buffer): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** Events of a file through the product's own parser, chosen by content. */
async function parseFile(
  path: string,
): Promise<{ format: string; events: WinEvent[]; issues: number }> {
  const bytes = readFileSync(path);
  const parser = selectParser(bytes);
  const events: WinEvent[] = [];
  let issues = 0;
  for await (const e of parser.parse(once(bytes), { onIssue: () => issues++ })) events.push(e);
  return { format: parser.format, events, issues };
}

let set: SigmaRuleSet;

beforeAll(async () => {
  set = await loadSigmaRules([RULES]);
});

describe("SigmaHQ regression data", () => {
  const all = cases();

  it("has the 65 cases", () => {
    expect(all).toHaveLength(65);
  });

  for (const ext of ["json", "evtx"] as const) {
    it(`every case's .${ext} gives exactly its match_count for its rule`, async () => {
      const byId = new Map(set.rules.map((r) => [r.meta.id, r]));
      const wrong: string[] = [];
      for (const c of all) {
        const rule = byId.get(c.ruleId);
        if (rule === undefined) {
          wrong.push(`${c.dir}: rule ${c.ruleId} did not load`);
          continue;
        }
        const { format, events, issues } = await parseFile(
          join(REGRESSION, c.dir, `${c.ruleId}.${ext}`),
        );
        expect(format).toBe(ext);
        expect(issues).toBe(0);
        expect(events.length).toBeGreaterThan(0);
        const count = events.filter((e) => rule.match(e)).length;
        if (count !== c.matchCount) wrong.push(`${c.dir}: ${count} matches, want ${c.matchCount}`);
      }
      expect(wrong).toEqual([]);
    });
  }

  it("does not match a case's event with its field values changed", async () => {
    const byId = new Map(set.rules.map((r) => [r.meta.id, r]));
    let tested = 0;
    for (const c of all) {
      const rule = byId.get(c.ruleId);
      const { events } = await parseFile(join(REGRESSION, c.dir, `${c.ruleId}.json`));
      for (const e of events) {
        const blank: WinEvent = {
          ...e,
          data: Object.fromEntries(Object.keys(e.data).map((k) => [k, "x"])),
        };
        expect(rule?.match(blank), c.dir).toBe(false);
        tested++;
      }
    }
    expect(tested).toBe(65);
  });
});

describe("SigmaHQ Windows rules", () => {
  it("loads at least 98% of the rules whose logsource maps to the Sysmon, Security 4688 and PowerShell events", () => {
    const category = (l: (typeof set.loads)[number]) => {
      const text = readFileSync(l.file, "utf8");
      return /^\s+category:\s*(\S+)/m.exec(text)?.[1];
    };
    const mapped = set.loads.filter((l) => MAPPED_CATEGORIES.has(category(l) ?? ""));
    const ok = mapped.filter((l) => l.status === "ok").length;
    expect(mapped.length).toBeGreaterThan(2000);
    expect(ok / mapped.length).toBeGreaterThanOrEqual(0.98);
    // Every Sysmon category is mapped at all.
    for (const c of MAPPED_CATEGORIES) {
      if (!c.startsWith("ps_")) expect(SYSMON_CATEGORY_EVENTS[c], c).toBeDefined();
    }
  });

  it("reports every rule it does not load, with the reason, as listed in the fixture", () => {
    const rows = set.loads
      .filter((l) => l.status !== "ok")
      .map((l) => ({
        file: relative(RULES, l.file),
        status: l.status,
        reason: (l as { reason: string }).reason,
      }));
    expect(rows).toEqual(notLoaded);
    expect(set.loads.length).toBe(set.rules.length + rows.length);
  });
});

describe("the literal pre-filter of SigmaIndex", () => {
  it("never hides a match: the same rules fire as when every rule runs on every event", async () => {
    const files = [
      join(SHARED, "data/evtx/omerbenamram-evtx/sysmon.evtx"),
      ...cases().map((c) => join(REGRESSION, c.dir, `${c.ruleId}.evtx`)),
    ];
    const index = new SigmaIndex(set.rules);
    let events = 0;
    let matches = 0;
    for (const file of files) {
      for (const e of (await parseFile(file)).events) {
        const view = new EventView(e);
        const viaIndex = index
          .candidates(view)
          .filter((c) => c.test(view))
          .map((c) => c.rule.meta.id)
          .sort();
        // Every rule's variant for this event, on the same view (as `match` does, with one cache).
        const keys = [eventKey(e.channel, e.eventId), eventKey(e.channel, "*"), ANY_EVENT];
        const everyRule = set.rules
          .filter(
            (r) =>
              r.variants.find((v) => v.keys.some((k) => keys.includes(k)))?.test(view) === true,
          )
          .map((r) => r.meta.id)
          .sort();
        expect(viaIndex).toEqual(everyRule);
        events++;
        matches += everyRule.length;
      }
    }
    expect(events).toBeGreaterThan(400);
    expect(matches).toBeGreaterThan(100);
  });
});
