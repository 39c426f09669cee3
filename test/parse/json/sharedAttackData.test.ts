import { describe, expect, it } from "vitest";
import { COUNTS, scansWithCounts } from "./sharedCounts.js";

const files = Object.keys(COUNTS).filter((f) => f.startsWith("xml/attack_data/"));

describe("the attack_data *.tar.gz (nxlog JSON lines in gzip > tar)", () => {
  it("are all there: 7 files, 51,579 events", () => {
    expect(files.length).toBe(7);
    expect(files.reduce((n, f) => n + (COUNTS[f]?.events ?? 0), 0)).toBe(51_579);
  });
  scansWithCounts(files, ["gzip", "tar"]);
});
