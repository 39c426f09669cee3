import type { Dirent, Stats } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { describeFsError } from "./describeFsError.js";
import { fileSource, fileUri, stdinSource } from "./fileSource.js";
import { aboutInput } from "./inputMessage.js";
import type { ByteSource } from "./types.js";

/**
 * A path that gives no input, named by its URI in `message`: an `error` when it cannot be read
 * (missing, forbidden, a dangling link), a `warning` when it holds nothing to read (an empty
 * folder, a link back to a folder already read).
 */
export interface PathNotice {
  readonly severity: "error" | "warning";
  readonly message: string;
}

type OnNotice = (notice: PathNotice) => void;

function notice(severity: PathNotice["severity"], path: string, reason: string): PathNotice {
  return { severity, message: aboutInput(fileUri(path), reason) };
}

/** What `path` is, links followed; undefined, once reported, when it cannot be read. */
async function statOf(path: string, onNotice: OnNotice): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    onNotice(notice("error", path, describeFsError(err)));
    return undefined;
  }
}

/**
 * The files of a folder, recursively, in name order (so runs are reproducible), symbolic links
 * followed. Each folder is read once (by its real path), so a link loop ends.
 */
async function* walk(
  dir: string,
  seen: Set<string>,
  onNotice: OnNotice,
): AsyncIterable<ByteSource> {
  let entries: Dirent[];
  try {
    const real = await realpath(dir);
    if (seen.has(real)) {
      onNotice(notice("warning", dir, "a link to a folder already read, skipped"));
      return;
    }
    seen.add(real);
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    onNotice(notice("error", dir, describeFsError(err)));
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    const st = await statOf(p, onNotice);
    if (st === undefined) continue;
    if (st.isDirectory()) yield* walk(p, seen, onNotice);
    else if (st.isFile()) yield fileSource(p, st.size);
  }
}

/**
 * Expands command-line paths into sources: files as given, folders recursively (see `walk`),
 * `-` as stdin. A path that cannot be read, or a folder with no files, is passed to `onNotice`
 * as it is met, and the other paths are expanded all the same.
 */
export async function* expandPaths(
  paths: readonly string[],
  onNotice: OnNotice,
): AsyncIterable<ByteSource> {
  for (const p of paths) {
    if (p === "-") {
      yield stdinSource();
      continue;
    }
    const st = await statOf(p, onNotice);
    if (st === undefined) continue;
    if (!st.isDirectory()) {
      yield fileSource(p, st.size);
      continue;
    }
    let files = 0;
    for await (const f of walk(p, new Set(), onNotice)) {
      files++;
      yield f;
    }
    if (files === 0) onNotice(notice("warning", p, "folder holds no files"));
  }
}
