import { describe, expect, it } from "vitest";
import type { ScanSummary } from "../../src/scan.js";
import { formatSummary } from "../../src/sinks/formatSummary.js";
import { scannedSummary, skippedSummary } from "../../src/sinks/summaryMessage.js";

function summary(ruleFaults: number): ScanSummary {
  return {
    uri: "file:///x.log",
    format: "xml",
    wrappers: [],
    bytes: 2048,
    events: 3,
    eventsByType: { "Sysmon 1": 3 },
    processRecords: 3,
    issues: { skipped: {}, errors: {}, errorCount: 0, skippedCount: 0, samples: [] },
    ruleFaults,
    findings: 1,
    durationMs: 5,
    status: "ok",
  };
}

const rules = { ok: 2, unsupported: 0, error: 0 };
const obj = { scanId: "abc", bucket: "b", key: "k", uri: "s3://b/k" };

describe("rule faults are reported, not only counted", () => {
  it("the CLI summary names the run-time rule faults of every input, and stays quiet without any", () => {
    const faulty = formatSummary({
      summaries: [summary(2), summary(3)],
      rules,
      findings: 2,
      seconds: 1,
    });
    expect(faulty).toContain(
      "rules: 2 loaded, 0 unsupported, 0 with errors; rule faults at run time: 5\n",
    );
    const clean = formatSummary({ summaries: [summary(0)], rules, findings: 1, seconds: 1 });
    expect(clean).toContain("rules: 2 loaded, 0 unsupported, 0 with errors\n");
    expect(clean).not.toContain("rule faults");
  });

  it("the CLI summary counts one event as '1 event'", () => {
    const one = formatSummary({
      summaries: [{ ...summary(0), events: 1, eventsByType: { "Sysmon 1": 1 } }],
      rules,
      findings: 0,
      seconds: 1,
    });
    expect(one.split("\n")[0]).toBe("Scanned 1 file(s), 2.0 KB, 1 event in 1.00 s");
  });

  it("the SQS scan summary carries rule_faults (0 for a skipped object)", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    expect(scannedSummary(obj, summary(4), 5, now).rule_faults).toBe(4);
    const skipped = skippedSummary(obj, { code: "not-found", message: "gone" }, 1, now);
    expect(skipped.rule_faults).toBe(0);
  });
});
