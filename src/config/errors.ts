import { SysmonHuntError } from "../errors.js";

/** A configuration variable is missing or invalid; the message names every one at fault. */
export class ConfigError extends SysmonHuntError {
  /** The variables at fault, e.g. `["FINDINGS_QUEUE_URL"]`. */
  readonly variables: readonly string[];

  constructor(problems: readonly { variable: string; message: string }[]) {
    super(
      "config",
      `invalid configuration: ${problems.map((p) => `${p.variable} ${p.message}`).join("; ")}`,
    );
    this.name = "ConfigError";
    this.variables = problems.map((p) => p.variable);
  }
}
