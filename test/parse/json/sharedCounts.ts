import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { fileSource } from "../../../src/input/fileSource.js";
import { eventType } from "../../../src/parse/eventType.js";
import type { WinEvent } from "../../../src/parse/types.js";
import { loadMacros, loadRules } from "../../../src/rules/loadRules.js";
import { scanSource } from "../../../src/scan.js";
import { FIXTURES, SHARED } from "../../helpers/streams.js";

const ROOT = new URL("../../../", import.meta.url).pathname;
export const DATA = join(SHARED, "data");

/** Counts made without sysmon-hunt (unzip/tar + jq): see shared-json-counts.sh beside it. */
export const COUNTS = (
  JSON.parse(await readFile(join(FIXTURES, "json/shared-json-counts.json"), "utf8")) as {
    files: Record<string, { events: number; byType: Record<string, number> }>;
  }
).files;

const rules = (
  await loadRules([join(ROOT, "rules")], await loadMacros([join(ROOT, "rules/macros")]))
).rules;

/** The fixture's `SourceName<TAB>EventID` counts under the labels a scan summary uses. */
function asLabels(byType: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, n] of Object.entries(byType)) {
    const [provider, id] = key.split("\t") as [string, string];
    const label = eventType({ provider, eventId: Number(id), channel: "" } as WinEvent);
    out[label] = (out[label] ?? 0) + n;
  }
  return out;
}

function processCreations(byType: Record<string, number>): number {
  return (
    (byType["Microsoft-Windows-Sysmon\t1"] ?? 0) +
    (byType["Microsoft-Windows-Security-Auditing\t4688"] ?? 0)
  );
}

/** One test per shared file: a full scan (shipped rules) finds the independently counted events. */
export function scansWithCounts(files: readonly string[], formatWrappers: readonly string[]): void {
  for (const name of files) {
    it(`${name}: events per provider and id as jq counts them, no parse issue`, async () => {
      const want = COUNTS[name];
      expect(want, "counted in the fixture").toBeDefined();
      if (want === undefined) return;
      const { summary } = await scanSource(fileSource(join(DATA, name)), { rules });
      expect(summary).toMatchObject({ status: "ok", format: "json", events: want.events });
      expect(summary.wrappers).toEqual(name.endsWith(".json") ? [] : formatWrappers);
      expect(summary.eventsByType).toEqual(asLabels(want.byType));
      expect(summary.processRecords).toBe(processCreations(want.byType));
      expect(summary.issues.errorCount + summary.issues.skippedCount).toBe(0);
    });
  }
}
