import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EventScan, type EventScanState } from "../src/EventScan.js";
import { fileSource } from "../src/input/fileSource.js";
import { selectParser } from "../src/parse/selectParser.js";
import type { WinEvent } from "../src/parse/types.js";
import { loadMacros, loadRules, type RuleSet } from "../src/rules/loadRules.js";
import { filesUnder, isLog } from "./helpers/files.js";
import { collect, SHARED } from "./helpers/streams.js";
import { unwrap } from "./helpers/unwrapJoined.js";

const xmlFiles = await filesUnder(join(SHARED, "data/xml"), isLog);
let ruleSet: RuleSet;

beforeAll(async () => {
  const sc = join(SHARED, "rules/security_content");
  ruleSet = await loadRules(
    [join(sc, "detections/endpoint"), join(SHARED, "rules/sigma/rules/windows")],
    await loadMacros([join(sc, "macros")]),
  );
}, 120_000);

async function eventsOf(path: string): Promise<WinEvent[]> {
  const source = fileSource(path);
  const content = await unwrap(await source.open(), source.uri);
  return collect(selectParser(content.head).parse(content.stream, { onIssue: () => {} }));
}

function scanOf(): EventScan {
  return new EventScan({ rules: ruleSet.rules, sigmaRules: ruleSet.sigmaRules, secondPass: false });
}

function outcome(scan: EventScan) {
  const ref = { uri: "file:///x" };
  return {
    events: scan.events,
    processRecords: scan.processRecords,
    eventsByType: scan.eventsByType,
    // in the order the types first appear (toEqual alone ignores key order)
    types: Object.keys(scan.eventsByType),
    findings: [...scan.aggregator.findings(ref), ...(scan.sigma?.findings(ref) ?? [])],
  };
}

/**
 * The events cut into runs of `run`, dealt in turn to `k` scans (as `ChunkPool` deals pieces to
 * workers), whose states, cloned as a thread would receive them, one fresh scan absorbs.
 */
function splitScan(events: readonly WinEvent[], run: number, k: number): EventScan {
  const scans = Array.from({ length: k }, scanOf);
  for (let i = 0; i < events.length; i++)
    (scans[Math.floor(i / run) % k] as EventScan).add(events[i] as WinEvent);
  const merged = scanOf();
  merged.absorb(scans.map((s) => structuredClone(s.state()) as EventScanState));
  return merged;
}

describe("EventScan.absorb gives what one scan of every event gives", () => {
  it("has rules with aggregates and Sigma rules to compare", () => {
    expect(xmlFiles.length).toBeGreaterThan(20);
    expect(ruleSet.sigmaRules.length).toBeGreaterThan(1000);
    const aggregates = ruleSet.rules.filter((r) => r.aggregates.length > 0);
    expect(aggregates.some((r) => r.aggregates.some((a) => a.fn === "values"))).toBe(true);
    expect(aggregates.some((r) => r.aggregates.some((a) => a.fn === "dc"))).toBe(true);
  });

  for (const file of xmlFiles) {
    it(relative(SHARED, file), async () => {
      const events = await eventsOf(file);
      const whole = scanOf();
      for (const e of events) whole.add(e);
      const expected = outcome(whole);
      for (const [run, k] of [
        [1, 2],
        [7, 3],
        [250, 2],
      ] as const) {
        expect(outcome(splitScan(events, run, k))).toEqual(expected);
      }
    });
  }

  it("the inputs give findings with aggregates, over many groups", async () => {
    const file = join(SHARED, "data/xml/from-evtx/EVTX-ATTACK-SAMPLES_all_sysmon.oneline.xml.log");
    const { findings } = outcome(splitScan(await eventsOf(file), 7, 3));
    expect(findings.length).toBeGreaterThan(500);
    expect(findings.filter((f) => f.detection.type === "Sigma").length).toBeGreaterThan(100);
    expect(findings.some((f) => f.count > 1 && f.source.first_line !== f.source.last_line)).toBe(
      true,
    );
  });
});
