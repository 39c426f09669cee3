import type { WinEvent } from "./types.js";

const SHORT_PROVIDER: Readonly<Record<string, string>> = {
  "Microsoft-Windows-Sysmon": "Sysmon",
  "Microsoft-Windows-Security-Auditing": "Security",
  "Microsoft-Windows-PowerShell": "PowerShell",
  PowerShell: "PowerShell",
};

/** A short label for summaries: `Sysmon 1`, `Security 4688`, or `<provider> <id>`. */
export function eventType(event: WinEvent): string {
  return `${SHORT_PROVIDER[event.provider] ?? (event.provider || event.channel || "unknown")} ${event.eventId}`;
}
