import { SysmonHuntError } from "../errors.js";

/** Bad command line: printed as one line and exit code 2. */
export class UsageError extends SysmonHuntError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("usage", message, options);
    this.name = "UsageError";
  }
}
