import type { SigmaLevel } from "../rules/sigma/types.js";

/**
 * Risk score of a Sigma finding by the rule's `level` (Sigma has no score of its own): an even
 * spread over security_content's 0-100 risk scale, so both rule sets sort together.
 */
export const SIGMA_RISK_SCORES = {
  informational: 5,
  low: 25,
  medium: 50,
  high: 75,
  critical: 100,
} as const satisfies Record<SigmaLevel, number>;

export function sigmaRiskScore(level: SigmaLevel | null): number | null {
  return level === null ? null : SIGMA_RISK_SCORES[level];
}
