import { describe, expect, it } from "vitest";
import { COUNTS, scansWithCounts } from "./sharedCounts.js";

const files = Object.keys(COUNTS).filter((f) => f.startsWith("jsonl/"));

describe("every JSON file in ../shared/data/jsonl (OTRF Security-Datasets, some zipped)", () => {
  it("is all there: 15 files, 67,256 events as the data's README says", () => {
    expect(files.length).toBe(15);
    expect(files.reduce((n, f) => n + (COUNTS[f]?.events ?? 0), 0)).toBe(67_256);
  });
  scansWithCounts(files, ["zip"]);
});
