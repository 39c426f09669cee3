import { type FileHandle, open } from "node:fs/promises";
import { describeFsError } from "../input/describeFsError.js";
import { UsageError } from "./UsageError.js";

/**
 * Opens (creates or empties) the `--output FILE` before anything is read, as a shell's `>`
 * would: a path that cannot be written is a one-line usage error up front, not a crash after
 * the whole scan with its results lost. Undefined when output goes to stdout.
 */
export async function openOutput(path: string | undefined): Promise<FileHandle | undefined> {
  if (path === undefined) return undefined;
  try {
    return await open(path, "w");
  } catch (err) {
    throw new UsageError(`cannot write --output ${path}: ${describeFsError(err)}`, { cause: err });
  }
}
