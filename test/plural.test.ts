import { describe, expect, it } from "vitest";
import { plural } from "../src/plural.js";

describe("plural", () => {
  it("writes the noun singular for 1 only, the count as given", () => {
    expect([0, 1, 2].map((n) => plural(n, "event"))).toEqual(["0 events", "1 event", "2 events"]);
    expect(plural(1, "chunk")).toBe("1 chunk");
    expect(plural(15000, "event", "15,000")).toBe("15,000 events");
  });
});
