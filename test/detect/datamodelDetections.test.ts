import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseInterest } from "../../src/detect/parseInterest.js";
import type { Finding } from "../../src/detect/types.js";
import { fileSource } from "../../src/input/fileSource.js";
import { loadMacros, loadRules } from "../../src/rules/loadRules.js";
import type { Pipeline } from "../../src/rules/spl/eval/index.js";
import type { CompiledRule } from "../../src/rules/types.js";
import { scanSource } from "../../src/scan.js";
import { SHARED } from "../helpers/streams.js";

const SC = join(SHARED, "rules/security_content");

/**
 * Real security_content detections over the new datasets: joins of Processes with Registry,
 * Filesystem and Network_Traffic subsearches, a Registry search outer-joined with Processes,
 * a `search [subsearch]`, a `join max=0`, plain Registry and Filesystem searches, and `by host`.
 */
const RULES = {
  eventvwr: "eventvwr_uac_bypass",
  batch: "batch_file_write_to_system32",
  gpupdate: "gpupdate_with_no_command_line_arguments_with_network",
  winlogon: "windows_winlogon_with_public_network_connection",
  lsa: "disabling_windows_local_security_authority_defences_via_registry",
  regExe: "suspicious_reg_exe_process",
  certipy: "detect_certipy_file_modifications",
  hidden: "disable_show_hidden_files",
  cab: "windows_cab_file_on_disk",
  notepad: "notepad_with_no_command_line_arguments",
  // bare terms with `\\` (one backslash in Splunk): `*HKLM\\SAM*`, `*\\currentversion\\run*`
  regSave: "attempted_credential_dump_from_registry_via_reg_exe",
  runKey: "registry_keys_used_for_persistence",
} as const;
type Key = keyof typeof RULES;

const xml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/'/g, "&apos;");

/** A Sysmon event as the XML renderer writes it, with `data` in order. */
function sysmon(
  id: number,
  at: string,
  host: string,
  data: Record<string, string>,
  n: number,
): string {
  const fields = Object.entries({
    RuleName: "-",
    UtcTime: at.replace("T", " ").slice(0, 23),
    ...data,
  })
    .map(([k, v]) => `<Data Name='${k}'>${xml(v)}</Data>`)
    .join("");
  return `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'/><EventID>${id}</EventID><Version>5</Version><Level>4</Level><Task>${id}</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='${at}'/><EventRecordID>${n}</EventRecordID><Correlation/><Execution ProcessID='3184' ThreadID='4012'/><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>${host}</Computer><Security UserID='S-1-5-18'/></System><EventData>${fields}</EventData></Event>`;
}

type Make = (n: number) => string;
const S32 = "C:\\Windows\\System32\\";
const HKU = "HKU\\S-1-5-21-1000-1001-1002-1104";

function proc(
  at: string,
  host: string,
  guid: string,
  pid: number,
  image: string,
  cmd: string,
  parent = `${S32}cmd.exe`,
  ppid = 900,
): Make {
  return (n) =>
    sysmon(
      1,
      at,
      host,
      {
        ProcessGuid: guid,
        ProcessId: String(pid),
        Image: image,
        OriginalFileName: image.split("\\").pop() ?? image,
        CommandLine: cmd,
        CurrentDirectory: S32,
        User: "CORP\\alice",
        IntegrityLevel: "Medium",
        ParentProcessId: String(ppid),
        ParentImage: parent,
        ParentCommandLine: parent,
      },
      n,
    );
}

function registry(
  id: 12 | 13,
  at: string,
  host: string,
  guid: string,
  target: string,
  details?: string,
  type = id === 13 ? "SetValue" : "CreateKey",
): Make {
  return (n) =>
    sysmon(
      id,
      at,
      host,
      {
        EventType: type,
        ProcessGuid: guid,
        ProcessId: "3100",
        Image: `${S32}reg.exe`,
        TargetObject: target,
        ...(details === undefined ? {} : { Details: details }),
        User: "CORP\\alice",
      },
      n,
    );
}

function file(at: string, host: string, guid: string, pid: number, target: string): Make {
  return (n) =>
    sysmon(
      11,
      at,
      host,
      {
        ProcessGuid: guid,
        ProcessId: String(pid),
        Image: `${S32}cmd.exe`,
        TargetFilename: target,
        CreationUtcTime: at.replace("T", " ").slice(0, 23),
        User: "CORP\\alice",
      },
      n,
    );
}

function network(at: string, host: string, pid: number, destIp: string, port: number): Make {
  return (n) =>
    sysmon(
      3,
      at,
      host,
      {
        ProcessGuid: "{00000000-0000-0000-0000-00000000AAAA}",
        ProcessId: String(pid),
        Image: `${S32}net-client.exe`,
        User: "CORP\\alice",
        Protocol: "tcp",
        Initiated: "true",
        SourceIsIpv6: "false",
        SourceIp: "10.0.0.5",
        SourceHostname: "-",
        SourcePort: "50123",
        DestinationIsIpv6: "false",
        DestinationIp: destIp,
        DestinationHostname: "-",
        DestinationPort: String(port),
      },
      n,
    );
}

const G = (k: string) => `{9D1ED712-0000-623D-1F02-0000000${k}}`;
const T = (m: string) => `2026-03-02T10:${m}.000Z`;

/** One event per line (line = index + 1), positives and near misses. */
const EVENTS: readonly Make[] = [
  // 1-5 Eventvwr UAC bypass: python sets mscfile\shell\open\command (Processes + Registry join)
  proc(
    T("00:00"),
    "wks-01",
    G("E01"),
    2001,
    "C:\\Python27\\python.exe",
    "python winpwnage.py -u uac -i 9",
  ),
  registry(
    13,
    T("00:01"),
    "wks-01",
    G("E01"),
    `${HKU}_Classes\\mscfile\\shell\\open\\command\\(Default)`,
    "c:\\windows\\system32\\cmd.exe",
  ),
  // the same key set by a process we never saw start: no main row to join
  registry(
    13,
    T("00:02"),
    "wks-01",
    G("E99"),
    `${HKU}_Classes\\mscfile\\shell\\open\\command\\(Default)`,
    "x.exe",
  ),
  proc(T("00:03"), "wks-01", G("E02"), 2002, `${S32}notepad.exe`, "notepad.exe readme.txt"),
  registry(
    13,
    T("00:04"),
    "wks-01",
    G("E02"),
    `${HKU}\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\x`,
    "x.exe",
  ),
  // 6-8 a .bat written to System32 (Processes + Filesystem join); one in a user folder is not
  proc(T("01:00"), "wks-01", G("B01"), 2101, `${S32}cmd.exe`, "cmd.exe /c copy x.bat"),
  file(T("01:01"), "wks-01", G("B01"), 2101, `${S32}evil.bat`),
  file(T("01:02"), "wks-01", G("E02"), 2002, "C:\\Users\\alice\\x.bat"),
  // 9-12 gpupdate without arguments then a connection (Processes + Network_Traffic on process_id)
  proc(T("02:00"), "wks-01", G("P01"), 4242, `${S32}gpupdate.exe`, "gpupdate.exe"),
  network(T("02:01"), "wks-01", 4242, "203.0.113.5", 443),
  proc(T("02:02"), "wks-01", G("P02"), 4343, `${S32}gpupdate.exe`, "gpupdate.exe /force"),
  network(T("02:03"), "wks-01", 4343, "203.0.113.6", 443),
  // 13-16 winlogon to a private address (NOT dest IN (10.0.0.0/8, ...)) and to a public one
  proc(T("03:00"), "wks-02", G("W01"), 600, `${S32}winlogon.exe`, "winlogon.exe"),
  network(T("03:01"), "wks-02", 600, "10.1.2.3", 445),
  proc(T("03:02"), "wks-03", G("W02"), 700, `${S32}winlogon.exe`, "winlogon.exe"),
  network(T("03:03"), "wks-03", 700, "198.51.100.7", 80),
  // 17-18 RunAsPPL deleted (Registry, outer-joined with Processes: no process event needed), and set
  registry(
    12,
    T("04:00"),
    "dc-01",
    G("L01"),
    "HKLM\\System\\CurrentControlSet\\Control\\Lsa\\RunAsPPL",
    undefined,
    "DeleteValue",
  ),
  registry(
    13,
    T("04:01"),
    "dc-01",
    G("L02"),
    "HKLM\\System\\CurrentControlSet\\Control\\Lsa\\RunAsPPL",
    "DWORD (0x00000000)",
  ),
  // 19-21 cmd.exe (not under explorer) spawning reg.exe: search [subsearch]; a cmd.exe without reg.exe
  proc(
    T("05:00"),
    "wks-04",
    G("R01"),
    5000,
    `${S32}cmd.exe`,
    "cmd.exe /c reg add x",
    `${S32}WindowsPowerShell\\v1.0\\powershell.exe`,
  ),
  proc(T("05:01"), "wks-04", G("R02"), 5001, `${S32}reg.exe`, "reg add x", `${S32}cmd.exe`, 5000),
  proc(
    T("05:02"),
    "wks-04",
    G("R03"),
    5100,
    `${S32}cmd.exe`,
    "cmd.exe /c dir",
    `${S32}WindowsPowerShell\\v1.0\\powershell.exe`,
  ),
  // 22-24 Certipy writing two files: join max=0 gives one finding per file
  proc(T("06:00"), "wks-05", G("C01"), 6000, "C:\\Users\\alice\\certipy.exe", "certipy.exe req"),
  file(T("06:01"), "wks-05", G("C01"), 6000, "C:\\Users\\alice\\20260302_certipy.zip"),
  file(T("06:02"), "wks-05", G("C01"), 6000, "C:\\Users\\alice\\20260302_certipy.txt"),
  // 25-26 Explorer\Advanced\Hidden set (any value) fires; HideFileExt=0 does not
  registry(
    13,
    T("07:00"),
    "wks-06",
    G("H01"),
    `${HKU}\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Explorer\\Advanced\\Hidden`,
    "DWORD (0x00000002)",
  ),
  registry(
    13,
    T("07:01"),
    "wks-06",
    G("H01"),
    `${HKU}\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Explorer\\Advanced\\HideFileExt`,
    "DWORD (0x00000000)",
  ),
  // 27-28 a .cab on disk fires, a .cab.txt does not
  file(T("08:00"), "wks-06", G("F01"), 7000, "C:\\Users\\alice\\Downloads\\payload.cab"),
  file(T("08:01"), "wks-06", G("F01"), 7000, "C:\\Users\\alice\\Downloads\\payload.cab.txt"),
  // 29-30 notepad with no arguments (by host) fires, with a file does not
  proc(T("09:00"), "wks-07", G("N01"), 8000, `${S32}notepad.exe`, `${S32}notepad.exe`),
  proc(T("09:01"), "wks-07", G("N02"), 8001, `${S32}notepad.exe`, "notepad.exe C:\\x.txt"),
  // 31-32 reg save of the SAM hive fires, of another hive does not
  proc(T("09:10"), "wks-08", G("R01"), 8100, `${S32}reg.exe`, "reg save HKLM\\SAM C:\\t\\sam.save"),
  proc(
    T("09:11"),
    "wks-08",
    G("R02"),
    8101,
    `${S32}reg.exe`,
    "reg save HKLM\\Software C:\\t\\s.hiv",
  ),
  // 33-34 a Run key value fires, another key does not
  registry(
    13,
    T("09:12"),
    "wks-08",
    G("R03"),
    `HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\evil`,
    "C:\\evil.exe",
  ),
  registry(13, T("09:13"), "wks-08", G("R04"), `HKLM\\SOFTWARE\\Vendor\\App\\Settings`, "1"),
];

let rules: CompiledRule[];
let path: string;
let findings: Finding[];
let ids: Record<Key, string>;

beforeAll(async () => {
  const files = Object.values(RULES).map((r) => join(SC, "detections/endpoint", `${r}.yml`));
  const set = await loadRules(files, await loadMacros([join(SC, "macros")]));
  for (const l of set.loads) expect(l.status === "ok" ? "ok" : `${l.file}: ${l.reason}`).toBe("ok");
  rules = [...set.rules];
  ids = Object.fromEntries(
    Object.entries(RULES).map(([k, name]) => [
      k,
      (rules.find((r) => r.file.endsWith(`/${name}.yml`)) as CompiledRule).meta.id,
    ]),
  ) as Record<Key, string>;
  const dir = await mkdtemp(join(tmpdir(), "datamodels-"));
  path = join(dir, "sysmon.log");
  await writeFile(path, `${EVENTS.map((make, i) => make(i + 1)).join("\n")}\n`);
  const r = await scanSource(fileSource(path), {
    rules,
    sourceRef: { uri: "file:///evidence.log" },
  });
  expect(r.summary.status).toBe("ok");
  expect(r.summary.ruleFaults).toBe(0);
  expect(r.summary.events).toBe(EVENTS.length);
  findings = [...r.findings];
});

const of = (k: Key): Finding[] => findings.filter((f) => f.detection.id === ids[k]);
const lines = (k: Key): number[] => of(k).map((f) => f.source.first_line ?? 0);

describe("security_content detections over Registry, Filesystem and Network_Traffic, end to end", () => {
  it("the rules run on the datasets they read, with their subsearches", () => {
    const byName = (k: Key) => rules.find((r) => r.meta.id === ids[k]) as CompiledRule;
    expect(byName("eventvwr").datamodel).toBe("Endpoint.Processes");
    expect(byName("eventvwr").subsearches?.map((s) => s.datamodel)).toEqual(["Endpoint.Registry"]);
    expect(byName("lsa").datamodel).toBe("Endpoint.Registry");
    expect(byName("lsa").subsearches?.map((s) => s.datamodel)).toEqual(["Endpoint.Processes"]);
    expect(byName("gpupdate").subsearches?.map((s) => s.datamodel)).toEqual([
      "Network_Traffic.All_Traffic",
    ]);
    expect(byName("cab").datamodel).toBe("Endpoint.Filesystem");
    expect(byName("cab").subsearches).toBeUndefined();
  });

  it("join with a Registry subsearch: Eventvwr UAC bypass fires on the process that set the key", () => {
    expect(lines("eventvwr")).toEqual([1]);
    const f = of("eventvwr")[0] as Finding;
    expect(f.fields).toMatchObject({ process_name: "python.exe", process_guid: G("E01") });
    expect(f.computed).toMatchObject({
      registry_value_name: "(Default)",
      registry_key_name: "command",
      registry_value_data: "c:\\windows\\system32\\cmd.exe",
    });
    // the evidence and the count are the main (process) row's
    expect(f.count).toBe(1);
    expect(f.source).toMatchObject({ first_line: 1, last_line: 1 });
    expect(f.firstTime).toBe("2026-03-02T10:00:00.000Z");
    expect(f.message).toBe(
      "Registry values were modified to bypass UAC using Event Viewer on wks-01 by CORP\\alice.",
    );
  });

  it("join with a Filesystem subsearch, then table and dedup: a .bat in System32 fires", () => {
    expect(lines("batch")).toEqual([6]);
    expect(of("batch")[0]?.computed).toMatchObject({
      file_name: "evil.bat",
      file_path: `${S32}evil.bat`,
    });
    expect(of("batch")[0]?.message).toBe(
      "A file - evil.bat was written to system32 has occurred on endpoint wks-01 by user CORP\\alice.",
    );
  });

  it("join with a Network_Traffic subsearch on process_id: gpupdate without arguments that connects", () => {
    expect(lines("gpupdate")).toEqual([9]);
    expect(of("gpupdate")[0]?.computed).toMatchObject({ C2: "203.0.113.5", dest_port: "443" });
  });

  it("NOT dest IN (10.0.0.0/8, ...) matches networks: winlogon to a public address only", () => {
    expect(lines("winlogon")).toEqual([15]);
    expect(of("winlogon")[0]?.computed).toMatchObject({ publicIp: "198.51.100.7" });
  });

  it("a Registry search outer-joined with Processes fires without a process event", () => {
    expect(lines("lsa")).toEqual([17]);
    const f = of("lsa")[0] as Finding;
    expect(f.fields).toMatchObject({
      action: "deleted",
      registry_path: "HKLM\\System\\CurrentControlSet\\Control\\Lsa\\RunAsPPL",
      process_guid: G("L01"),
      dest: "dc-01",
    });
    expect(f.computed?.process_name).toBeUndefined();
  });

  it("search [subsearch]: only the cmd.exe that spawned reg.exe", () => {
    expect(of("regExe").map((f) => f.fields.process_id)).toEqual(["5000"]);
  });

  it("join max=0: one finding per file Certipy wrote, with distinct ids", () => {
    const f = of("certipy");
    expect(f.map((x) => x.computed?.file_name).sort()).toEqual([
      "20260302_certipy.txt",
      "20260302_certipy.zip",
    ]);
    expect(new Set(f.map((x) => x.finding_id)).size).toBe(2);
    expect(f.every((x) => x.source.first_line === 22)).toBe(true);
  });

  it("plain Registry and Filesystem searches", () => {
    expect(lines("hidden")).toEqual([25]);
    expect(of("hidden")[0]?.fields).toMatchObject({
      registry_value_name: "Hidden",
      registry_key_name: "Advanced",
      registry_value_data: "0x00000002",
    });
    expect(lines("cab")).toEqual([27]);
    expect(of("cab")[0]?.fields).toMatchObject({ file_name: "payload.cab", action: "created" });
  });

  it("bare values with escaped backslashes match one backslash, as in Splunk", () => {
    expect(lines("regSave")).toEqual([31]);
    // line 5 sets a Run value too
    expect(lines("runKey")).toEqual([5, 33]);
  });

  it("by host: the event's Computer", () => {
    expect(lines("notepad")).toEqual([29]);
    expect(of("notepad")[0]?.fields.host).toBe("wks-07");
  });

  it("asks parsers for every dataset's events; indexes, pre-filters and join pushdowns change no finding", async () => {
    const interest = parseInterest(rules);
    expect([...interest.eventIds].sort((a, b) => a - b)).toEqual([
      1, 2, 3, 11, 12, 13, 14, 23, 26, 4688,
    ]);
    // no index keys, literals or join pushdowns: every tstats sees every record of its
    // dataset and every group is piped
    const off = <P extends Pipeline>(p: P): P => ({
      ...p,
      prefilter: () => undefined,
      firstJoin: null,
      recordFilter: null,
      groupKey: () => null,
    });
    const plain = rules.map((r) => ({
      ...r,
      names: null,
      literals: null,
      ...(r.pipeline === undefined ? {} : { pipeline: off(r.pipeline) }),
      subsearches: r.subsearches?.map((s) => ({
        ...s,
        names: null,
        literals: null,
        pipeline: off(s.pipeline),
      })),
    }));
    const again = await scanSource(fileSource(path), {
      rules: plain,
      sourceRef: { uri: "file:///evidence.log" },
    });
    expect(again.findings).toEqual(findings);
  });
});
