import type { WinEvent } from "../../../src/parse/types.js";
import { compileSigmaRule } from "../../../src/rules/sigma/compileSigmaRule.js";
import { readSigmaYaml } from "../../../src/rules/sigma/readSigmaYaml.js";
import type { SigmaOptions, SigmaRule } from "../../../src/rules/sigma/types.js";

export const SYSMON_CHANNEL = "Microsoft-Windows-Sysmon/Operational";

/** Compiles the first rule of a YAML text. */
export function sigma(yamlText: string, options?: SigmaOptions): SigmaRule {
  const [doc] = readSigmaYaml(yamlText);
  if (doc === undefined) throw new Error("no rule in text");
  return compileSigmaRule(doc, "test.yml", options);
}

/**
 * A process_creation rule whose detection is `body` (YAML, indented by 4 spaces, including
 * its `condition`).
 */
export function procRule(body: string, options?: SigmaOptions): SigmaRule {
  return sigma(
    `title: t\nid: 00000000-0000-0000-0000-000000000001\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n${body}\nlevel: high\n`,
    options,
  );
}

/** A rule with a single selection `sel` (YAML lines at 8 spaces) and `condition: sel`. */
export function selRule(selection: string, options?: SigmaOptions): SigmaRule {
  return procRule(`    sel:\n${selection.replace(/^/gm, "        ")}\n    condition: sel`, options);
}

let record = 0;

/** A Sysmon event of `eventId` with `data`. */
export function sysmonEvent(
  eventId: number,
  data: Record<string, string>,
  computer = "host1",
): WinEvent {
  record++;
  return {
    provider: "Microsoft-Windows-Sysmon",
    eventId,
    timeCreated: "2024-01-02T03:04:05.678Z",
    channel: SYSMON_CHANNEL,
    computer,
    data,
    position: { record },
  };
}

export const proc = (data: Record<string, string>): WinEvent => sysmonEvent(1, data);

/** A Security 4688 event. */
export function security4688(data: Record<string, string>): WinEvent {
  record++;
  return {
    provider: "Microsoft-Windows-Security-Auditing",
    eventId: 4688,
    timeCreated: "2024-01-02T03:04:05.678Z",
    channel: "Security",
    computer: "dc1",
    data,
    position: { record },
  };
}
