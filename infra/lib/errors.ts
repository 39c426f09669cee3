import { SysmonHuntError } from "../../src/errors.js";

/** A CDK context value is missing, malformed or out of range; the message names the key. */
export class InfraConfigError extends SysmonHuntError {
  /** The context key at fault. */
  readonly key: string;

  constructor(key: string, message: string, options?: { cause?: unknown }) {
    super("INFRA_CONFIG", `context ${key}: ${message}`, options);
    this.name = "InfraConfigError";
    this.key = key;
  }
}
