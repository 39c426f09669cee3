import { SysmonHuntError } from "../errors.js";

/** Findings could not be delivered or stored; the record fails so AWS retries it. */
export class SinkError extends SysmonHuntError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "SinkError";
  }
}

/** Another invocation holds the scan claim for this object version; retry later. */
export class ScanInProgressError extends SinkError {
  readonly scanId: string;

  constructor(scanId: string, leaseUntil: number) {
    super(
      "scan-in-progress",
      `scan ${scanId} is claimed by another invocation until ${new Date(leaseUntil).toISOString()}`,
    );
    this.name = "ScanInProgressError";
    this.scanId = scanId;
  }
}
