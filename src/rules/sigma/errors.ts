import { RuleError } from "../errors.js";

/**
 * A Sigma rule this engine will not run. `unsupported`: valid Sigma using a feature or log
 * source we do not map (aggregations, unknown modifiers, a category with no Windows event);
 * `error`: the rule itself is malformed (bad YAML, unknown identifier in the condition).
 */
export class SigmaRuleError extends RuleError {
  constructor(code: "error" | "unsupported", message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "SigmaRuleError";
  }
}

export function unsupported(message: string): SigmaRuleError {
  return new SigmaRuleError("unsupported", message);
}

export function invalid(message: string): SigmaRuleError {
  return new SigmaRuleError("error", message);
}
