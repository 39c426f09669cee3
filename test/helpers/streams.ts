import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { ByteSource } from "../../src/input/types.js";
import type { ParseInterest, ParseIssue, Parser, WinEvent } from "../../src/parse/types.js";

/** The shared real data beside the checkout (`../shared`). */
export const SHARED = fileURLToPath(new URL("../../../shared/", import.meta.url));
export const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));

export async function fixture(name: string): Promise<Buffer> {
  return readFile(`${FIXTURES}${name}`);
}

/** Yields `bytes` cut at the given offsets (the awkward places a test wants to exercise). */
export async function* chunksAt(bytes: Uint8Array, cuts: readonly number[]): AsyncIterable<Buffer> {
  let prev = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    if (c <= prev || c >= bytes.length) continue;
    yield Buffer.from(bytes.subarray(prev, c));
    prev = c;
  }
  yield Buffer.from(bytes.subarray(prev));
}

/** Yields `bytes` in pieces of `size`. */
export async function* chunksOf(bytes: Uint8Array, size: number): AsyncIterable<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield Buffer.from(bytes.subarray(i, i + size));
}

/** An input held in memory, read in pieces of `pieceSize` each time it is opened. */
export function memory(bytes: Buffer, uri: string, pieceSize = 1 << 16): ByteSource {
  return { uri, size: bytes.length, open: async () => chunksOf(bytes, pieceSize) };
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

export async function parseAll(
  parser: Parser,
  stream: AsyncIterable<Uint8Array>,
  interest?: ParseInterest,
): Promise<{ events: WinEvent[]; issues: ParseIssue[] }> {
  const issues: ParseIssue[] = [];
  const events = await collect(
    parser(stream, { onIssue: (i) => issues.push(i), ...(interest ? { interest } : {}) }),
  );
  return { events, issues };
}
