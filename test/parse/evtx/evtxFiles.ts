import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { parseEvtx } from "../../../src/parse/evtx/index.js";
import type { ParseIssue, WinEvent } from "../../../src/parse/types.js";
import { chunksOf, parseAll, SHARED } from "../../helpers/streams.js";

export const EVTX_DIR = join(SHARED, "data/evtx");
export const SIGMA_DIR = join(SHARED, "data/sigma-regression");

/** Every file under `dir` whose name ends with `ext`, as paths relative to `dir`, sorted. */
export function filesUnder(dir: string, ext: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith(ext)) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** Parses bytes fed in pieces of `pieceSize` (64 KiB by default, like a file stream). */
export async function parseBytes(
  bytes: Uint8Array,
  pieceSize = 1 << 16,
): Promise<{ events: WinEvent[]; issues: ParseIssue[] }> {
  return parseAll(parseEvtx, chunksOf(bytes, pieceSize));
}

export async function parseFile(
  path: string,
): Promise<{ events: WinEvent[]; issues: ParseIssue[] }> {
  return parseBytes(await readFile(path));
}
