import { createReadStream } from "node:fs";
import { open as openFile } from "node:fs/promises";
import { resolve } from "node:path";
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

/** The `file://` URI a local path is named by in findings and messages. */
export function fileUri(path: string): string {
  return pathToFileURL(resolve(path)).href;
}

/** A local file; opening checks readability first so errors name the file. */
export function fileSource(path: string, size?: number): ByteSource {
  const abs = resolve(path);
  const uri = fileUri(abs);
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
