import { expandPaths, type PathNotice } from "../input/expandPaths.js";
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
 * The inputs the command line names (files, folders' files, `-` for stdin). A path that cannot
 * be read is printed on `stderr` as it is met and counted in `unreadable` (the command reads
 * the others, then exits with usage); a warning (an empty folder) is printed unless `quiet`.
 */
export async function commandInputs(
  paths: readonly string[],
  io: { readonly stderr: NodeJS.WritableStream; readonly quiet?: boolean | undefined },
): Promise<{ sources: ByteSource[]; unreadable: number }> {
  const sources: ByteSource[] = [];
  let unreadable = 0;
  const onNotice = ({ severity, message }: PathNotice) => {
    if (severity === "error") {
      unreadable++;
      io.stderr.write(`sysmon-hunt: ${message}\n`);
    } else if (!io.quiet) io.stderr.write(`sysmon-hunt: warning: ${message}\n`);
  };
  for await (const s of expandPaths(paths, onNotice)) sources.push(s);
  return { sources, unreadable };
}
