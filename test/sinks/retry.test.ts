import { describe, expect, it } from "vitest";
import {
  backoffMs,
  isTransientAwsError,
  mapLimit,
  retryPartial,
  withRetry,
} from "../../src/sinks/retry.js";

const FAST = { maxAttempts: 4, baseMs: 1, maxMs: 4 } as const;
const err = (name: string, status?: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe("backoffMs", () => {
  it("draws from [0, min(max, base * 2^attempt)) (full jitter)", () => {
    const policy = { maxAttempts: 8, baseMs: 50, maxMs: 1000 };
    expect(backoffMs(1, policy, () => 0)).toBe(0);
    expect(backoffMs(1, policy, () => 0.999)).toBe(99);
    expect(backoffMs(3, policy, () => 0.5)).toBe(200);
    expect(backoffMs(10, policy, () => 0.999)).toBe(999);
    const draws = new Set(Array.from({ length: 50 }, () => backoffMs(4, policy)));
    expect(draws.size).toBeGreaterThan(10);
  });
});

describe("isTransientAwsError", () => {
  it("retries throttling, 5xx and connection resets, not client errors", () => {
    expect(isTransientAwsError(err("ProvisionedThroughputExceededException", 400))).toBe(true);
    expect(isTransientAwsError(err("ThrottlingException", 400))).toBe(true);
    expect(isTransientAwsError(err("InternalError", 503))).toBe(true);
    expect(isTransientAwsError(Object.assign(new Error("x"), { code: "ECONNRESET" }))).toBe(true);
    expect(isTransientAwsError(err("ConditionalCheckFailedException", 400))).toBe(false);
    expect(isTransientAwsError(err("ValidationException", 400))).toBe(false);
  });
});

describe("withRetry", () => {
  it("retries transient errors until success", async () => {
    let calls = 0;
    const out = await withRetry(async () => {
      calls++;
      if (calls < 3) throw err("ThrottlingException", 400);
      return "ok";
    }, FAST);
    expect(out).toBe("ok");
    expect(calls).toBe(3);
  });
  it("gives up after maxAttempts and rethrows", async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw err("ThrottlingException", 400);
      }, FAST),
    ).rejects.toThrow("ThrottlingException");
    expect(calls).toBe(4);
  });
  it("does not retry other errors", async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw err("ValidationException", 400);
      }, FAST),
    ).rejects.toThrow();
    expect(calls).toBe(1);
  });
});

describe("retryPartial", () => {
  it("resends only the failed items", async () => {
    const sent: number[][] = [];
    const left = await retryPartial(
      [1, 2, 3, 4],
      async (items) => {
        sent.push([...items]);
        return sent.length === 1 ? items.filter((i) => i % 2 === 0) : [];
      },
      FAST,
    );
    expect(left).toEqual([]);
    expect(sent).toEqual([
      [1, 2, 3, 4],
      [2, 4],
    ]);
  });
  it("returns what still fails after the last attempt", async () => {
    let calls = 0;
    const left = await retryPartial(
      ["a", "b"],
      async (items) => {
        calls++;
        return items.slice(0, 1);
      },
      FAST,
    );
    expect(left).toEqual(["a"]);
    expect(calls).toBe(FAST.maxAttempts);
  });
});

describe("mapLimit", () => {
  it("keeps at most `limit` calls in flight and results in order", async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });
  it("rejects with the first failure and starts nothing after it", async () => {
    const started: number[] = [];
    await expect(
      mapLimit([1, 2, 3, 4, 5], 1, async (n) => {
        started.push(n);
        if (n === 2) throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(started).toEqual([1, 2]);
  });
});
