// Sysmon process-creation events in the attack_data XML shape (one <Event> per line), made to
// order for volume and aggregation tests.
import { readFileSync } from "node:fs";

export const SAMPLE_LOG = readFileSync(
  new URL("../../../events/logs/sample-sysmon.log", import.meta.url),
);
/** What the sample log yields: detection name -> findings. */
export const SAMPLE_FINDINGS = 3;

export interface NetstatOptions {
  readonly host?: string;
  readonly user?: string;
  readonly firstPid?: number;
  readonly start?: Date;
}

/** `n` netstat -ano process creations, each its own process id (so its own finding). */
export function netstatEvents(n: number, o: NetstatOptions = {}): string {
  const host = o.host ?? "wks-load-01.corp.example.com";
  const user = o.user ?? "CORP\\loadtest";
  const start = (o.start ?? new Date("2026-04-14T00:00:00Z")).getTime();
  const firstPid = o.firstPid ?? 10_000;
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = new Date(start + i * 1000).toISOString().replace("Z", "0000Z");
    lines.push(
      `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'/><EventID>1</EventID><Version>5</Version><Level>4</Level><Task>1</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='${t}'/><EventRecordID>${i + 1}</EventRecordID><Correlation/><Execution ProcessID='3184' ThreadID='4012'/><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>${host}</Computer><Security UserID='S-1-5-18'/></System><EventData><Data Name='UtcTime'>${t.slice(0, 23).replace("T", " ")}</Data><Data Name='ProcessId'>${firstPid + i}</Data><Data Name='Image'>C:\\Windows\\System32\\NETSTAT.EXE</Data><Data Name='CommandLine'>netstat -ano</Data><Data Name='User'>${user}</Data><Data Name='ParentProcessId'>2880</Data><Data Name='ParentImage'>C:\\Windows\\System32\\cmd.exe</Data><Data Name='ParentCommandLine'>cmd.exe</Data></EventData></Event>`,
    );
  }
  return `${lines.join("\n")}\n`;
}
