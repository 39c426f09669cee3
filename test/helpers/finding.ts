import type { Finding } from "../../src/detect/types.js";

/** A netstat hunt's finding as the sinks receive it, with `over` in place of its fields. */
export function sampleFinding(over: Partial<Finding> = {}): Finding {
  return {
    finding_id: "a".repeat(64),
    detection: {
      id: "det-1",
      name: "Network Connection Discovery With Netstat",
      type: "Hunting",
      version: 1,
      mitre_attack_id: ["T1049"],
      analytic_story: [],
    },
    risk_score: 15,
    impact: 30,
    confidence: 50,
    message: "m",
    count: 1,
    firstTime: null,
    lastTime: null,
    fields: { dest: "wks1", user: "u", process: "netstat -ano" },
    source: { uri: "s3://b/k", first_line: 1, last_line: 1 },
    ...over,
  };
}
