import { describe, expect, it } from "vitest";
import { basename, parseSystemTime, toProcessRecord } from "../../src/model/toProcessRecord.js";
import type { WinEvent } from "../../src/parse/types.js";

function ev(provider: string, eventId: number, data: Record<string, string>): WinEvent {
  return {
    provider,
    eventId,
    timeCreated: "2019-06-20T08:07:42.331810800Z",
    channel: "c",
    computer: "IEWIN7",
    data,
    position: { line: 4 },
  };
}

describe("toProcessRecord", () => {
  it("maps Sysmon EID 1 to Endpoint.Processes", () => {
    const r = toProcessRecord(
      ev("Microsoft-Windows-Sysmon", 1, {
        Image: "C:\\Windows\\System32\\NETSTAT.EXE",
        CommandLine: '"C:\\Windows\\system32\\NETSTAT.EXE"  -na',
        User: "IEWIN7\\IEUser",
        ProcessId: "1284",
        ProcessGuid: "{365ABB72-3ECE-5D0B-0000-00107F7F1A00}",
        ParentImage: "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
        ParentCommandLine: "powershell",
        ParentProcessId: "816",
        ParentProcessGuid: "{365ABB72-3D05-5D0B-0000-001004220D00}",
        OriginalFileName: "netstat.exe",
        CurrentDirectory: "C:\\ProgramData\\",
        IntegrityLevel: "High",
        Hashes: "SHA1=F08D",
      }),
    );
    expect(r?.fields).toEqual({
      vendor_product: "Microsoft Sysmon",
      action: "allowed",
      dest: "IEWIN7",
      host: "IEWIN7",
      user: "IEWIN7\\IEUser",
      process: '"C:\\Windows\\system32\\NETSTAT.EXE"  -na',
      process_id: "1284",
      process_guid: "{365ABB72-3ECE-5D0B-0000-00107F7F1A00}",
      process_path: "C:\\Windows\\System32\\NETSTAT.EXE",
      process_name: "NETSTAT.EXE",
      process_exec: "NETSTAT.EXE",
      parent_process: "powershell",
      parent_process_id: "816",
      parent_process_guid: "{365ABB72-3D05-5D0B-0000-001004220D00}",
      parent_process_path: "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
      parent_process_name: "powershell.exe",
      parent_process_exec: "powershell.exe",
      original_file_name: "netstat.exe",
      process_current_directory: "C:\\ProgramData\\",
      process_integrity_level: "high",
      process_hash: "SHA1=F08D",
    });
    expect(r?.time).toBe(Date.parse("2019-06-20T08:07:42.331Z"));
    expect(r?.position).toEqual({ line: 4 });
  });

  it("maps Security 4688: hex ids to decimal, the account, the label", () => {
    const base = {
      SubjectUserName: "administrator",
      SubjectDomainName: "ATTACKRANGE",
      SubjectUserSid: "S-1-5-21-1",
      NewProcessId: "0x1b28",
      NewProcessName: "C:\\Windows\\System32\\certutil.exe",
      ProcessId: "0x1acc",
      CommandLine: "certutil -p x",
      TargetUserSid: "S-1-0-0",
      TargetUserName: "-",
      TargetDomainName: "-",
      ParentProcessName: "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
      MandatoryLabel: "S-1-16-12288",
    };
    const r = toProcessRecord(ev("Microsoft-Windows-Security-Auditing", 4688, base));
    expect(r?.fields).toMatchObject({
      user: "ATTACKRANGE\\administrator",
      user_id: "S-1-5-21-1",
      process_id: "6952",
      parent_process_id: "6860",
      process_name: "certutil.exe",
      parent_process_name: "powershell.exe",
      process_integrity_level: "high",
      vendor_product: "Microsoft Windows",
    });
    expect(r?.fields.parent_process).toBeUndefined();
    const target = toProcessRecord(
      ev("Microsoft-Windows-Security-Auditing", 4688, {
        ...base,
        TargetUserName: "bob",
        TargetDomainName: "CORP",
        TargetUserSid: "S-1-5-21-9",
        MandatoryLabel: "Mandatory Label\\Medium Mandatory Level",
      }),
    );
    expect(target?.fields).toMatchObject({
      user: "CORP\\bob",
      user_id: "S-1-5-21-9",
      process_integrity_level: "medium",
    });
  });

  it("ignores other events and other providers with the same id", () => {
    expect(toProcessRecord(ev("Microsoft-Windows-Sysmon", 3, {}))).toBeUndefined();
    expect(toProcessRecord(ev("Some-Other-Provider", 1, { Image: "x.exe" }))).toBeUndefined();
  });

  it("basename and SystemTime parsing", () => {
    expect(basename("C:\\a\\b.exe")).toBe("b.exe");
    expect(basename("/usr/bin/x")).toBe("x");
    expect(basename("x.exe")).toBe("x.exe");
    expect(parseSystemTime("2022-03-25T17:46:37.653084200Z")).toBe(
      Date.UTC(2022, 2, 25, 17, 46, 37, 653),
    );
    expect(parseSystemTime("2022-03-25 17:46:37")).toBe(Date.UTC(2022, 2, 25, 17, 46, 37));
    expect(parseSystemTime("garbage")).toBeNaN();
  });
});
