import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ProgressBar } from "../../src/cli/ProgressBar.js";

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return {
    stream: { isTTY, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream,
    writes,
  };
}

describe("ProgressBar", () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ["performance"] }));
  afterEach(() => vi.useRealTimers());

  it("stays silent for the first second, then shows bytes, events and MB/s", () => {
    const { stream, writes } = fakeStream(true);
    const bar = new ProgressBar(stream, 100 * 1024 * 1024);
    bar.update(1024, 10);
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(2000);
    bar.update(50 * 1024 * 1024, 1234);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^\r\[#{12}\.{12}\] {2}50% 50\.0 MB, 1,234 events, 25\.0 MB\/s/);
    bar.update(60 * 1024 * 1024, 2000); // throttled: within 100 ms of the last draw
    expect(writes).toHaveLength(1);
    bar.clear();
    expect(writes[1]).toMatch(/^\r +\r$/);
  });

  it("is enabled only on a terminal outside CI", () => {
    const saved = process.env.CI;
    delete process.env.CI;
    expect(ProgressBar.enabled(fakeStream(true).stream)).toBe(true);
    expect(ProgressBar.enabled(fakeStream(false).stream)).toBe(false);
    process.env.CI = "true";
    expect(ProgressBar.enabled(fakeStream(true).stream)).toBe(false);
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  });
});
