import { SysmonHuntError } from "../errors.js";

/** Codes of `ScanWorkerError`. */
export const CHUNK_ERRORS = { workerFailed: "scan-worker-failed" } as const;

/**
 * A worker thread of a `ChunkPool` failed (died, could not load its rules, or holds other
 * rules): the input's scan is incomplete through no fault of the input, so it is worth a retry
 * with new workers.
 */
export class ScanWorkerError extends SysmonHuntError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(CHUNK_ERRORS.workerFailed, message, options);
    this.name = "ScanWorkerError";
  }
}
