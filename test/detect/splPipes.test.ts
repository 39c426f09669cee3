import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Aggregator } from "../../src/detect/Aggregator.js";
import type { Finding } from "../../src/detect/types.js";
import { fileSource } from "../../src/input/fileSource.js";
import { compileDetection } from "../../src/rules/compileDetection.js";
import { loadMacros, loadRules } from "../../src/rules/loadRules.js";
import type { CompiledRule } from "../../src/rules/types.js";
import { scanSource } from "../../src/scan.js";
import { SHARED } from "../helpers/streams.js";

const SC = join(SHARED, "rules/security_content");

/** Real security_content detections whose searches pipe tstats into where/eval/regex/rex/stats. */
const RULES = {
  rundll32: "suspicious_rundll32_no_command_line_arguments",
  autoit: "windows_windbg_spawning_autoit3",
  wmiexec: "impacket_lateral_movement_wmiexec_commandline_parameters",
  unquoted: "detect_path_interception_by_creation_of_program_exe",
  singleLetter: "single_letter_process_on_endpoint",
  assoc: "windows_change_default_file_association_for_no_file_ext",
  rtlo: "detect_rtlo_in_process",
  sysinfo: "system_information_discovery_detection",
  taskkill: "excessive_usage_of_taskkill",
} as const;
type Key = keyof typeof RULES;

interface Proc {
  readonly at: string;
  readonly host?: string;
  readonly user?: string;
  readonly image: string;
  readonly cmd: string;
  readonly parent?: string;
  readonly pid?: number;
}

const xml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A Sysmon Event ID 1 as the XML renderer writes it. */
function sysmon1(p: Proc, n: number): string {
  const data = (name: string, v: string) => `<Data Name='${name}'>${xml(v)}</Data>`;
  const parent = p.parent ?? "C:\\Windows\\explorer.exe";
  const file = p.image.split("\\").pop() ?? p.image;
  return `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'/><EventID>1</EventID><Version>5</Version><Level>4</Level><Task>1</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='${p.at}'/><EventRecordID>${n}</EventRecordID><Correlation/><Execution ProcessID='3184' ThreadID='4012'/><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>${p.host ?? "wks-01.corp.example.com"}</Computer><Security UserID='S-1-5-18'/></System><EventData>${[
    data("RuleName", "-"),
    data("ProcessGuid", `{9D1ED712-${String(n).padStart(4, "0")}-623D-1F02-000000003B02}`),
    data("ProcessId", String(p.pid ?? 1000 + n)),
    data("Image", p.image),
    data("OriginalFileName", file),
    data("CommandLine", p.cmd),
    data("CurrentDirectory", "C:\\Windows\\system32\\"),
    data("User", p.user ?? "CORP\\alice"),
    data("IntegrityLevel", "Medium"),
    data("ParentProcessId", "900"),
    data("ParentImage", parent),
    data("ParentCommandLine", parent),
  ].join("")}</EventData></Event>`;
}

const S32 = "C:\\Windows\\System32\\";
const taskkills = (host: string, n: number, minute: string): Proc[] =>
  Array.from({ length: n }, (_, i) => ({
    at: `2026-03-02T10:${minute}:${String(i * 5).padStart(2, "0")}.000Z`,
    host,
    image: `${S32}taskkill.exe`,
    cmd: `taskkill /f /pid ${4000 + i}`,
    parent: `${S32}cmd.exe`,
  }));

/** Positives and near misses, one line each (line = index + 1). */
const EVENTS: readonly Proc[] = [
  // 1-3 rundll32 with no arguments; 3 has arguments
  { at: "2026-03-02T09:00:00.000Z", image: `${S32}rundll32.exe`, cmd: "rundll32.exe" },
  { at: "2026-03-02T09:00:01.000Z", image: `${S32}rundll32.exe`, cmd: `"${S32}rundll32.exe"` },
  {
    at: "2026-03-02T09:00:02.000Z",
    image: `${S32}rundll32.exe`,
    cmd: "rundll32.exe shell32.dll,Control_RunDLL",
  },
  // 4-5 windbg spawning AutoIt: a script fires, a bare option does not
  {
    at: "2026-03-02T09:01:00.000Z",
    image: "C:\\Tools\\AutoIt3.exe",
    cmd: "AutoIt3.exe C:\\Users\\Public\\x.au3",
    parent: "C:\\Dbg\\windbg.exe",
  },
  {
    at: "2026-03-02T09:01:01.000Z",
    image: "C:\\Tools\\AutoIt3.exe",
    cmd: "AutoIt3.exe /ErrorStdOut",
    parent: "C:\\Dbg\\windbg.exe",
  },
  // 6-7 wmiexec's cmd.exe, and a plain cmd.exe under WMI
  {
    at: "2026-03-02T09:02:00.000Z",
    image: `${S32}cmd.exe`,
    cmd: "cmd.exe /Q /c cd \\ 1> \\\\127.0.0.1\\ADMIN$\\__1698765432.123456 2>&1",
    parent: `${S32}wbem\\WmiPrvSE.exe`,
  },
  {
    at: "2026-03-02T09:02:01.000Z",
    image: `${S32}cmd.exe`,
    cmd: "cmd.exe /Q /c dir",
    parent: `${S32}wbem\\WmiPrvSE.exe`,
  },
  // 8-9 services.exe starting C:\Program.exe for an unquoted path, and a normal service
  {
    at: "2026-03-02T09:03:00.000Z",
    image: "C:\\Program.exe",
    cmd: "C:\\Program Files\\Vuln Service\\svc.exe",
    parent: `${S32}services.exe`,
    user: "NT AUTHORITY\\SYSTEM",
  },
  {
    at: "2026-03-02T09:03:01.000Z",
    image: `${S32}svchost.exe`,
    cmd: `${S32}svchost.exe -k netsvcs`,
    parent: `${S32}services.exe`,
    user: "NT AUTHORITY\\SYSTEM",
  },
  // 10 a one-letter process
  { at: "2026-03-02T09:04:00.000Z", image: "C:\\Users\\Public\\a.exe", cmd: "a.exe -s" },
  // 11-12 file association for a name with no extension, and for .txt
  {
    at: "2026-03-02T09:05:00.000Z",
    image: `${S32}reg.exe`,
    cmd: 'reg.exe add HKCR\\test\\shell\\open\\command /ve /d "C:\\Windows\\Notepad.exe test" /f',
  },
  {
    at: "2026-03-02T09:05:01.000Z",
    image: `${S32}reg.exe`,
    cmd: 'reg.exe add HKCR\\txtfile\\shell\\open\\command /ve /d "C:\\Windows\\Notepad.exe %1.txt" /f',
  },
  // 13 right-to-left override in a file name
  {
    at: "2026-03-02T09:06:00.000Z",
    image: "C:\\Users\\bob\\invoice\u202Efdp.exe",
    cmd: '"C:\\Users\\bob\\invoice\u202Efdp.exe" /q',
    user: "CORP\\bob",
  },
  // 14-16 three discovery commands on wks-02 by one user; 17-18 only two on wks-03
  {
    at: "2026-03-02T09:07:00.000Z",
    host: "wks-02",
    image: `${S32}systeminfo.exe`,
    cmd: "systeminfo",
    parent: `${S32}cmd.exe`,
  },
  {
    at: "2026-03-02T09:07:05.000Z",
    host: "wks-02",
    image: `${S32}HOSTNAME.EXE`,
    cmd: "hostname",
    parent: `${S32}cmd.exe`,
  },
  {
    at: "2026-03-02T09:07:09.000Z",
    host: "wks-02",
    image: `${S32}wbem\\WMIC.exe`,
    cmd: "wmic qfe list",
    parent: `${S32}cmd.exe`,
  },
  {
    at: "2026-03-02T09:08:00.000Z",
    host: "wks-03",
    image: `${S32}systeminfo.exe`,
    cmd: "systeminfo",
    parent: `${S32}cmd.exe`,
  },
  {
    at: "2026-03-02T09:08:05.000Z",
    host: "wks-03",
    image: `${S32}HOSTNAME.EXE`,
    cmd: "hostname",
    parent: `${S32}cmd.exe`,
  },
  // 19-28 ten taskkills within a minute on wks-04; 29-37 nine on wks-05
  ...taskkills("wks-04", 10, "10"),
  ...taskkills("wks-05", 9, "11"),
];

let findings: Finding[];
let ids: Record<Key, string>;

beforeAll(async () => {
  const files = Object.values(RULES).map((r) => join(SC, "detections/endpoint", `${r}.yml`));
  const set = await loadRules(files, await loadMacros([join(SC, "macros")]));
  for (const l of set.loads) expect(l.status === "ok" ? "ok" : `${l.file}: ${l.reason}`).toBe("ok");
  const rules: readonly CompiledRule[] = set.rules;
  ids = Object.fromEntries(
    Object.entries(RULES).map(([k, name]) => [
      k,
      (rules.find((r) => r.file.endsWith(`/${name}.yml`)) as CompiledRule).meta.id,
    ]),
  ) as Record<Key, string>;
  const dir = await mkdtemp(join(tmpdir(), "spl-pipes-"));
  const path = join(dir, "sysmon.log");
  await writeFile(path, `${EVENTS.map(sysmon1).join("\n")}\n`);
  const r = await scanSource(fileSource(path), {
    rules,
    sourceRef: { uri: "file:///evidence.log" },
  });
  expect(r.summary.status).toBe("ok");
  expect(r.summary.ruleFaults).toBe(0);
  findings = [...r.findings];
});

const of = (k: Key): Finding[] => findings.filter((f) => f.detection.id === ids[k]);
const lines = (k: Key): number[] => of(k).map((f) => f.source.first_line ?? 0);

describe("security_content detections with pipes after tstats, end to end", () => {
  it("regex: rundll32 with no arguments fires, with arguments does not", () => {
    expect(lines("rundll32").sort()).toEqual([1, 2]);
    expect(of("rundll32")[0]?.message).toBe(
      "Suspicious rundll32.exe process with no command line arguments executed on wks-01.corp.example.com by CORP\\alice",
    );
  });

  it("eval if(match()) then search: an AutoIt script under windbg fires, an option does not", () => {
    expect(lines("autoit")).toEqual([4]);
    expect(of("autoit")[0]?.computed).toEqual({ matches_extension: "Yes" });
  });

  it("where match() AND match() AND match(): wmiexec's output redirection fires, cmd /c dir does not", () => {
    expect(lines("wmiexec")).toEqual([6]);
  });

  it("rex, eval lower(), where a != b: an unquoted service path fires, a normal service does not", () => {
    expect(lines("unquoted")).toEqual([8]);
    expect(of("unquoted")[0]?.computed).toEqual({
      service_process: "svc.exe",
      process_name: "program.exe",
    });
    expect(of("unquoted")[0]?.message).toContain("spawning program.exe was identified");
  });

  it("eval len()/substr() then search and table: only the one-letter process fires", () => {
    expect(of("singleLetter").map((f) => f.fields.process_name)).toEqual(["a.exe"]);
  });

  it("two rex and where isnull() and isnotnull(): an association with no extension fires, .txt does not", () => {
    expect(lines("assoc")).toEqual([11]);
    expect(of("assoc")[0]?.computed).toEqual({ file_name_association: 'test" /f' });
  });

  it("regex \\x{202E}, rex, eval concatenation and fields - RTLO*: the RTLO name fires, shown without the override", () => {
    expect(lines("rtlo")).toEqual([13]);
    const f = of("rtlo")[0] as Finding;
    expect(f.computed).toEqual({
      process_with_RTLO: '"C:\\Users\\bob\\invoice\u202Efdp.exe" /q',
      process: '"C:\\Users\\bob\\invoicefdp.exe" /q',
    });
    expect(f.fields.process).toBe('"C:\\Users\\bob\\invoice\u202Efdp.exe" /q');
    expect(f.message).toBe(
      "Suspicious RTLO detected in invoice\u202Efdp.exe on endpoint wks-01.corp.example.com by user CORP\\bob.",
    );
  });

  it("eventstats, where, stats: three discovery commands on one host make one finding over all three", () => {
    expect(
      of("sysinfo").map((f) => [
        f.fields,
        f.count,
        f.firstTime,
        f.lastTime,
        f.source.first_line,
        f.source.last_line,
      ]),
    ).toEqual([
      [
        { user: "CORP\\alice", dest: "wks-02", parent_process_name: "cmd.exe" },
        3,
        "2026-03-02T09:07:00.000Z",
        "2026-03-02T09:07:09.000Z",
        14,
        16,
      ],
    ]);
    const f = of("sysinfo")[0] as Finding;
    expect(f.computed).toEqual({ process: ["hostname", "systeminfo", "wmic qfe list"] });
    expect(f.message).toBe(
      "Potential system information discovery behavior on wks-02 by CORP\\alice",
    );
    expect(f.aggregates).toBeUndefined();
  });

  it("where count >= 10 before the rename: ten taskkills in a minute fire, nine do not", () => {
    expect(of("taskkill").map((f) => [f.fields.dest, f.count, f.fields._time])).toEqual([
      ["wks-04", 10, "2026-03-02T10:10:00.000Z"],
    ]);
    expect(of("taskkill")[0]?.message).toContain(
      "with process id 1018, 1019, 1020, 1021, 1022, 1023, 1024, 1025, 1026, 1027 (more",
    );
  });

  it("fires on nothing else", () => {
    expect(findings).toHaveLength(10);
  });
});

/** Compiles `| tstats <head> | drop_dm_object_name(Processes) <pipes>` as detection `id`. */
async function compiler(head: string): Promise<(id: string, pipes: string) => CompiledRule> {
  const macros = await loadMacros([join(SC, "macros")]);
  return (id, pipes) => {
    const load = compileDetection(
      {
        id,
        name: id,
        search: `| tstats ${head} | \`drop_dm_object_name(Processes)\` ${pipes}`,
      },
      `${id}.yml`,
      macros,
    );
    if (load.status !== "ok") throw new Error(load.reason);
    return load.rule;
  };
}

describe("pipes whose result depends on row order", () => {
  it("see tstats' rows sorted by their by-values, not in the order they were first seen", async () => {
    const compile = await compiler(
      "count from datamodel=Endpoint.Processes by Processes.dest Processes.process_name",
    );
    const agg = new Aggregator([
      compile("dedup", "| dedup process_name"),
      compile("first", "| stats first(dest) as d list(dest) as all by process_name"),
    ]);
    // zeta is seen first; Splunk's tstats returns alpha's row first
    for (const [dest, line] of [
      ["zeta", 1],
      ["alpha", 2],
    ] as const)
      agg.add({
        datamodel: "Endpoint.Processes",
        fields: { dest, process_name: "a.exe" },
        time: Date.UTC(2026, 2, 2, 0, line),
        position: { line },
      });
    const f = agg.findings({ uri: "file:///x" });
    expect(f.find((x) => x.detection.id === "dedup")?.fields).toEqual({
      dest: "alpha",
      process_name: "a.exe",
    });
    expect(f.find((x) => x.detection.id === "first")?.computed).toMatchObject({
      d: "alpha",
      all: ["alpha", "zeta"],
    });
  });
});

describe("a stats that regroups tstats' rows", () => {
  it("gives the finding its own count (rows, as Splunk shows it), or the events when it has none", async () => {
    const compile = await compiler(
      "count from datamodel=Endpoint.Processes by Processes.dest Processes.process_name Processes.process_id",
    );
    const agg = new Aggregator([
      compile("rows", "| stats count dc(process_name) as n by dest"),
      compile("events", "| stats values(process_name) as names by dest"),
    ]);
    // a.exe twice as pid 1, then as pid 2; b.exe as pid 3: 4 events, 3 tstats rows
    const runs = [
      ["a.exe", "1"],
      ["a.exe", "1"],
      ["a.exe", "2"],
      ["b.exe", "3"],
    ] as const;
    runs.forEach(([process_name, process_id], i) => {
      agg.add({
        datamodel: "Endpoint.Processes",
        fields: { dest: "h", process_name, process_id },
        time: Date.UTC(2026, 2, 2, 0, i),
        position: { line: i + 1 },
      });
    });
    const f = agg.findings({ uri: "file:///x" });
    const rows = f.find((x) => x.detection.id === "rows");
    expect([rows?.count, rows?.computed?.n]).toEqual([3, 2]);
    expect(f.find((x) => x.detection.id === "events")?.count).toBe(4);
  });
});

describe("a pipe that throws at run time", () => {
  it("is counted as a rule fault; the rule's other rows and other rules still give findings", async () => {
    const compile = await compiler(
      "count min(_time) as firstTime max(_time) as lastTime from datamodel=Endpoint.Processes by Processes.dest Processes.process",
    );
    // the regex is built from a field, and "(" is not a valid one
    const faulty = compile("faulty", '| where match(process, "(?i)" . dest)');
    const fine = compile("fine", "| where count > 0");
    const agg = new Aggregator([faulty, fine]);
    for (const [dest, line] of [
      ["(", 1],
      ["cmd", 2],
    ] as const)
      agg.add({
        datamodel: "Endpoint.Processes",
        fields: { dest, process: "cmd /c" },
        time: Date.UTC(2026, 2, 2),
        position: { line },
      });
    const found = agg.findings({ uri: "file:///x" });
    expect(found.map((f) => [f.detection.id, f.fields.dest])).toEqual([
      ["faulty", "cmd"],
      ["fine", "("],
      ["fine", "cmd"],
    ]);
    expect(agg.ruleFaults().total).toBe(1);
    expect(agg.ruleFaults().samples[0]).toMatchObject({ ruleId: "faulty", offset: 1 });
    expect(agg.ruleFaults().samples[0]?.message).toMatch(/invalid regex/);
  });
});
