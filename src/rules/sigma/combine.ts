import type { CostedTest } from "./compileValue.js";
import { conjoin, union } from "./requirement.js";
import type { ViewTest } from "./types.js";

const byCost = (a: CostedTest, b: CostedTest): number => a.cost - b.cost;
const total = (tests: readonly CostedTest[]): number => tests.reduce((n, t) => n + t.cost, 0);

/** OR of tests, cheapest first (they are pure, so the order does not change the result). */
export function anyOf(tests: readonly CostedTest[]): CostedTest {
  if (tests.length === 1) return tests[0] as CostedTest;
  const sorted = [...tests].sort(byCost);
  const fns = sorted.map((t) => t.test);
  let test: ViewTest;
  if (fns.length === 0) test = () => false;
  else if (fns.length === 2) {
    const [a, b] = fns as [ViewTest, ViewTest];
    test = (v) => a(v) || b(v);
  } else {
    test = (v) => {
      for (const f of fns) if (f(v)) return true;
      return false;
    };
  }
  return { test, cost: total(tests), req: union(tests.map((t) => t.req)) };
}

/** AND of tests, cheapest first. */
export function allOf(tests: readonly CostedTest[]): CostedTest {
  if (tests.length === 1) return tests[0] as CostedTest;
  const sorted = [...tests].sort(byCost);
  const fns = sorted.map((t) => t.test);
  let test: ViewTest;
  if (fns.length === 0) test = () => true;
  else if (fns.length === 2) {
    const [a, b] = fns as [ViewTest, ViewTest];
    test = (v) => a(v) && b(v);
  } else {
    test = (v) => {
      for (const f of fns) if (!f(v)) return false;
      return true;
    };
  }
  return { test, cost: sorted[0]?.cost ?? 0, req: conjoin(tests.map((t) => t.req)) };
}

export function negate(t: CostedTest): CostedTest {
  const f = t.test;
  return { test: (v) => !f(v), cost: t.cost, req: null };
}

/** At least `n` of the tests. */
export function atLeast(n: number, tests: readonly CostedTest[]): CostedTest {
  if (n <= 1) return anyOf(tests);
  if (n >= tests.length) return allOf(tests);
  const fns = [...tests].sort(byCost).map((t) => t.test);
  return {
    cost: total(tests),
    // At least one of the tests holds, so their union is required.
    req: union(tests.map((t) => t.req)),
    test: (v) => {
      let hits = 0;
      for (let k = 0; k < fns.length; k++) {
        if ((fns[k] as ViewTest)(v) && ++hits >= n) return true;
        if (hits + fns.length - k - 1 < n) return false;
      }
      return false;
    },
  };
}
