import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/detect/types.js";
import { FINDING_LIMITS, fitFinding } from "../../src/sinks/fitFinding.js";
import { sampleFinding } from "../helpers/finding.js";

const bytes = (f: Finding) => Buffer.byteLength(JSON.stringify(f));

describe("fitFinding", () => {
  it("returns a finding within the limit as it is", () => {
    const f = sampleFinding();
    expect(fitFinding(f)).toBe(f);
  });

  it("cuts a 1 MB command line (and the message quoting it) to fit, marking what it cut", () => {
    const long = `netstat -ano ${"A".repeat(1024 * 1024)}`;
    const f = sampleFinding({ fields: { dest: "wks1", process: long }, message: `ran ${long}` });
    const fitted = fitFinding(f);
    expect(bytes(fitted)).toBeLessThanOrEqual(FINDING_LIMITS.maxBytes);
    expect(fitted.truncated).toEqual(["fields.process", "message"]);
    expect(fitted.fields.dest).toBe("wks1");
    expect(fitted.fields.process).toMatch(
      /^netstat -ano A+… \[truncated: 1048589 characters, sha256 [0-9a-f]{16}\]$/,
    );
    // the identity is the whole finding's; the rest is unchanged
    expect(fitted.finding_id).toBe(f.finding_id);
    expect(fitted.source).toEqual(f.source);
    expect(fitted.count).toBe(1);
  });

  it("keeps two long values that share their beginning apart", () => {
    const base = "x".repeat(500_000);
    const a = fitFinding(sampleFinding({ fields: { process: `${base}a` } }));
    const b = fitFinding(sampleFinding({ fields: { process: `${base}b` } }));
    expect(a.fields.process).not.toBe(b.fields.process);
  });

  it("never cuts inside a surrogate pair", () => {
    // one ASCII character first: every high surrogate sits at an odd index, where cuts fall
    const long = `a${"😀".repeat(300_000)}`;
    const fitted = fitFinding(sampleFinding({ fields: { process: long } }));
    const kept = (fitted.fields.process ?? "").split("…")[0] ?? "";
    expect(kept.length % 2).toBe(1);
    expect(kept).not.toMatch(/[\ud800-\udbff]$/);
    expect(bytes(fitted)).toBeLessThanOrEqual(FINDING_LIMITS.maxBytes);
  });

  it("holds a values() list of many short values to fewer values, with a count of the rest", () => {
    const list = Array.from({ length: 20_000 }, (_, i) => `C:\\Windows\\Temp\\payload-${i}.exe`);
    const fitted = fitFinding(sampleFinding({ aggregates: { images: list, n: 20_000 } }));
    expect(bytes(fitted)).toBeLessThanOrEqual(FINDING_LIMITS.maxBytes);
    expect(fitted.truncated).toEqual(["aggregates.images"]);
    const kept = fitted.aggregates?.images as string[];
    expect(kept.length).toBeLessThan(list.length);
    expect(kept.slice(0, -1)).toEqual(list.slice(0, kept.length - 1));
    expect(kept.at(-1)).toBe(`… [truncated: ${list.length - (kept.length - 1)} more values]`);
    expect(fitted.aggregates?.n).toBe(20_000);
  });

  it("cuts computed fields too", () => {
    const fitted = fitFinding(sampleFinding({ computed: { decoded: "z".repeat(400_000) } }));
    expect(fitted.truncated).toEqual(["computed.decoded"]);
    expect(bytes(fitted)).toBeLessThanOrEqual(FINDING_LIMITS.maxBytes);
  });
});
