import { describe, expect, it } from "vitest";
import { assignRules } from "../../src/chunks/assignRules.js";

describe("assignRules: which thread builds each rule's findings", () => {
  it("keeps pinned rules in the scan's thread and shares the others out by their groups", () => {
    // two workers' group counts per rule: rule 0 is large, rule 3 pinned
    const sizes = [
      { rules: [100, 5, 5, 50, 0], sigmaRules: [40, 0] },
      { rules: [100, 5, 5, 50, 0], sigmaRules: [40, 0] },
    ];
    const owners = assignRules(sizes, [false, false, false, true, false], 2);
    expect(owners.rules[3]).toBe(-1);
    expect([...owners.rules, ...owners.sigmaRules].filter((o) => o === -1)).toHaveLength(1);
    // the largest rule alone on one worker, all the rest on the other (201 vs 80+11+11+1+1)
    const big = owners.rules[0] as number;
    expect(big).toBeGreaterThanOrEqual(0);
    expect(owners.sigmaRules[0]).toBe(1 - big);
    expect(owners.rules[1]).toBe(1 - big);
    expect(owners.rules[4]).toBe(1 - big);
    expect(owners.sigmaRules[1]).toBe(1 - big);
  });

  it("balances many equal rules and gives every rule an owner", () => {
    const sizes = [{ rules: new Array(10).fill(3), sigmaRules: new Array(7).fill(3) }];
    const owners = assignRules(sizes, [], 3);
    const all = [...owners.rules, ...owners.sigmaRules];
    expect(all.every((o) => o >= 0 && o < 3)).toBe(true);
    const counts = [0, 1, 2].map((w) => all.filter((o) => o === w).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });

  it("gives the same owners for the same sizes", () => {
    const sizes = [{ rules: [1, 1, 1, 1], sigmaRules: [1, 1] }];
    expect(assignRules(sizes, [], 2)).toEqual(assignRules(sizes, [], 2));
  });
});
