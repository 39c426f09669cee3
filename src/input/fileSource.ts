import { createReadStream } from "node:fs";
import { open as openFile, readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describeFsError } from "./describeFsError.js";
import { InputError } from "./errors.js";
import type { ByteSource } from "./types.js";

/**
 * 256 KiB reads. `bench/worker.ts scan` on the 303 MB corpus: 1 MiB reads ran ~15% faster but
 * peaked at 174 MB RSS (each chunk's text lands in V8's large-object space until a full GC);
 * 256 KiB peaked at ~101 MB, 128 KiB was no lower and slower.
 */
const READ_CHUNK = 256 * 1024;

/** A local file; opening checks readability first so errors name the file. */
export function fileSource(path: string, size?: number): ByteSource {
  const abs = resolve(path);
  const uri = pathToFileURL(abs).href;
  return {
    uri,
    ...(size === undefined ? {} : { size }),
    async open() {
      try {
        const fh = await openFile(abs, "r");
        return createReadStream("", { fd: fh, highWaterMark: READ_CHUNK, autoClose: true });
      } catch (err) {
        throw new InputError("unreadable", uri, describeFsError(err), { cause: err });
      }
    },
  };
}

/** Standard input as a source (`-` on the command line). */
export function stdinSource(): ByteSource {
  return {
    uri: "stdin:",
    once: true,
    async open() {
      return process.stdin;
    },
  };
}

async function* walk(dir: string): AsyncIterable<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

/**
 * Expands command-line paths into sources: files as given, directories recursively (sorted,
 * so runs are reproducible), `-` as stdin. A path that does not exist throws `InputError`.
 */
export async function* expandPaths(paths: readonly string[]): AsyncIterable<ByteSource> {
  for (const p of paths) {
    if (p === "-") {
      yield stdinSource();
      continue;
    }
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(p);
    } catch (err) {
      throw new InputError("unreadable", pathToFileURL(resolve(p)).href, describeFsError(err), {
        cause: err,
      });
    }
    if (st.isDirectory()) {
      for await (const f of walk(p)) {
        const fst = await stat(f);
        yield fileSource(f, fst.size);
      }
    } else {
      yield fileSource(p, st.size);
    }
  }
}
