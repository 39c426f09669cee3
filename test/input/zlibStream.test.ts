import { setTimeout as sleep } from "node:timers/promises";
import { constants, createGunzip, gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { throughZlib } from "../../src/input/zlibStream.js";
import { chunksOf, collect } from "../helpers/streams.js";

/** ~1.3 MB of text that does not repeat much (gzip keeps it well under the read-ahead). */
function text(): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++)
    lines.push(`<Event><EventRecordID>${i * 7919}</EventRecordID></Event>`);
  return Buffer.from(lines.join("\n"));
}

/** Options as `unwrap`'s gunzip has them: a read-ahead that holds the whole output here. */
const GUNZIP = { chunkSize: 64 * 1024, readableHighWaterMark: 2 * 1024 * 1024 };

/** What a reader gets before the error, pausing `lagMs` after the first chunk. */
async function read(gz: Buffer, lagMs: number): Promise<{ bytes: number; error?: Error }> {
  let bytes = 0;
  const z = createGunzip(GUNZIP);
  try {
    for await (const chunk of throughZlib(chunksOf(gz, 64 * 1024), z, (e) => e)) {
      if (bytes === 0) await sleep(lagMs);
      bytes += chunk.length;
    }
    return { bytes };
  } catch (error) {
    return { bytes, error: error as Error };
  }
}

describe("throughZlib", () => {
  it("hands out all that was inflated before a failure, however far the reader lags", async () => {
    const gz = gzipSync(text());
    const truncated = gz.subarray(0, gz.length - 100);
    // all a truncated stream holds, as far as it goes
    const inflated = gunzipSync(truncated, { finishFlush: constants.Z_SYNC_FLUSH }).length;
    for (const lagMs of [0, 300]) {
      const r = await read(truncated, lagMs);
      expect(r.error?.message, `lag ${lagMs}`).toBe("unexpected end of file");
      expect(r.bytes, `lag ${lagMs}`).toBe(inflated);
    }
  });

  it("throws an error of the stream it reads as it is, not as the caller's zlib error", async () => {
    const lost = Object.assign(new Error("connection reset"), { code: "read-interrupted" });
    async function* breaking(): AsyncIterable<Buffer> {
      yield* chunksOf(gzipSync(text()).subarray(0, 100_000), 64 * 1024);
      throw lost;
    }
    const out = throughZlib(
      breaking(),
      createGunzip(GUNZIP),
      (e) => new Error(`corrupt: ${e.message}`),
    );
    await expect(collect(out)).rejects.toBe(lost);
  });
});
