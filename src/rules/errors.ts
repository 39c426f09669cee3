import { SysmonHuntError } from "../errors.js";

/** A rule file that cannot be loaded (bad YAML, missing fields) or a search we cannot run. */
export class RuleError extends SysmonHuntError {
  constructor(code: "error" | "unsupported", message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "RuleError";
  }
}

/** The search uses SPL this engine does not run; the rule is reported, never silently dropped. */
export class UnsupportedSearchError extends RuleError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super("unsupported", reason, options);
    this.name = "UnsupportedSearchError";
  }
}

/** The search text is not valid SPL as far as this engine reads it. */
export class SplSyntaxError extends RuleError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("error", message, options);
    this.name = "SplSyntaxError";
  }
}
