import { InputError } from "../input/errors.js";
import { expandPaths } from "../input/fileSource.js";
import type { ByteSource } from "../input/types.js";
import { UsageError } from "./UsageError.js";

/** A command's `parseArgs` call, its errors (unknown option, missing value) as `UsageError`s. */
export function parseCommandArgs<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError((err as Error).message, { cause: err });
  }
}

/**
 * The inputs the command line names (files, folders' files, `-` for stdin); undefined, once
 * the reason is printed, when a path cannot be read (the command then exits with usage).
 */
export async function commandInputs(
  paths: readonly string[],
  stderr: NodeJS.WritableStream,
): Promise<ByteSource[] | undefined> {
  const sources: ByteSource[] = [];
  try {
    for await (const s of expandPaths(paths)) sources.push(s);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    stderr.write(`sysmon-hunt: ${err.message}\n`);
    return undefined;
  }
  return sources;
}
