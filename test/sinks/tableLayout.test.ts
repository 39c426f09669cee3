import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/detect/types.js";
import {
  aggregateIdOf,
  aggregatePartitions,
  expiresAt,
  KEYS,
  scanIdOf,
} from "../../src/sinks/tableLayout.js";

const finding = (fields: Record<string, string>, uri = "s3://b/k"): Finding => ({
  finding_id: "f",
  detection: {
    id: "det-1",
    name: "D",
    type: "Hunting",
    version: 1,
    mitre_attack_id: [],
    analytic_story: [],
  },
  risk_score: 15,
  impact: null,
  confidence: null,
  message: "",
  count: 1,
  firstTime: null,
  lastTime: null,
  fields,
  source: { uri },
});

describe("scanIdOf", () => {
  it("identifies an object version by version id, else by eTag", () => {
    const base = { bucket: "b", key: "k" };
    expect(scanIdOf({ ...base, eTag: "e1" })).not.toBe(scanIdOf({ ...base, eTag: "e2" }));
    expect(scanIdOf({ ...base, versionId: "v1", eTag: "e1" })).toBe(
      scanIdOf({ ...base, versionId: "v1", eTag: "e2" }),
    );
    expect(scanIdOf({ ...base, versionId: "v1" })).not.toBe(scanIdOf({ ...base, versionId: "v2" }));
    expect(scanIdOf({ ...base, eTag: "e" })).not.toBe(
      scanIdOf({ bucket: "b", key: "k2", eTag: "e" }),
    );
    expect(scanIdOf(base)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("aggregateIdOf", () => {
  it("depends on detection and by-values, not on the object or field order", () => {
    const a = aggregateIdOf(finding({ dest: "h", user: "u" }, "s3://b/one"));
    expect(aggregateIdOf(finding({ user: "u", dest: "h" }, "s3://b/two"))).toBe(a);
    expect(aggregateIdOf(finding({ dest: "h", user: "v" }))).not.toBe(a);
  });
});

describe("KEYS", () => {
  it("puts a scan's record and findings in one partition, aggregates in 16 shards", () => {
    expect(KEYS.scan("abc").pk).toBe(KEYS.finding("abc", "f1").pk);
    expect(KEYS.finding("abc", "f1").sk).toBe("FINDING#f1");
    const agg = KEYS.aggregate("c0ffee", "det-1");
    expect(agg).toEqual({ pk: "AGG#c", sk: "det-1#c0ffee" });
    expect(aggregatePartitions()).toHaveLength(16);
    expect(aggregatePartitions()).toContain(agg.pk);
  });
});

describe("expiresAt", () => {
  it("is epoch seconds `days` ahead", () => {
    expect(expiresAt(new Date("2026-01-01T00:00:00Z"), 1)).toBe(Date.UTC(2026, 0, 2) / 1000);
  });
});
