import { InputError } from "../input/errors.js";
import type { ByteSource } from "../input/types.js";
import { type ScanOptions, type ScanResult, scanSource } from "../scan.js";

/**
 * One input's outcome as plain data (a worker posts it as is): its scan, or the one-line reason
 * it could not be opened.
 */
export type InputOutcome =
  | { readonly kind: "scanned"; readonly result: ScanResult }
  | { readonly kind: "unreadable"; readonly message: string };

/** Scans one input; an input that cannot be opened is an outcome, any other error throws. */
export async function scanInput(source: ByteSource, options: ScanOptions): Promise<InputOutcome> {
  try {
    return { kind: "scanned", result: await scanSource(source, options) };
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { kind: "unreadable", message: err.message };
  }
}
