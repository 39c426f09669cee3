import { describe, expect, it } from "vitest";
import type { WinEvent } from "../../../src/parse/types.js";
import { EventView } from "../../../src/rules/sigma/EventView.js";
import { eventKey } from "../../../src/rules/sigma/eventKey.js";
import { logsourceVariants } from "../../../src/rules/sigma/logsource.js";
import { SigmaIndex } from "../../../src/rules/sigma/SigmaIndex.js";
import { proc, security4688, sigma, sysmonEvent } from "./helpers.js";

const rule = (logsource: string, selection: string, condition = "sel") =>
  sigma(
    `title: t\nid: x-${Math.random()}\nlogsource:\n${logsource.replace(/^/gm, "    ")}\ndetection:\n    sel:\n${selection.replace(/^/gm, "        ")}\n    condition: ${condition}\n`,
  );

function event(
  channel: string,
  eventId: number,
  data: Record<string, string>,
  provider = "p",
): WinEvent {
  return {
    provider,
    eventId,
    channel,
    computer: "h",
    timeCreated: "2024-01-01T00:00:00Z",
    data,
    position: { record: 1 },
  };
}

describe("logsource mapping", () => {
  it("maps each category to its Sysmon event ids", () => {
    const ids = (category: string) =>
      logsourceVariants({ product: "windows", category })
        .flatMap((v) => v.keys)
        .filter((k) => k.startsWith("microsoft-windows-sysmon"))
        .map((k) => Number(k.split("#")[1]));
    expect(ids("process_creation")).toEqual([1]);
    expect(ids("network_connection")).toEqual([3]);
    expect(ids("driver_load")).toEqual([6]);
    expect(ids("image_load")).toEqual([7]);
    expect(ids("create_remote_thread")).toEqual([8]);
    expect(ids("raw_access_thread")).toEqual([9]);
    expect(ids("process_access")).toEqual([10]);
    expect(ids("file_event")).toEqual([11]);
    expect(ids("registry_event")).toEqual([12, 13, 14]);
    expect(ids("registry_set")).toEqual([13]);
    expect(ids("create_stream_hash")).toEqual([15]);
    expect(ids("pipe_created")).toEqual([17, 18]);
    expect(ids("wmi_event")).toEqual([19, 20, 21]);
    expect(ids("dns_query")).toEqual([22]);
    expect(ids("file_delete")).toEqual([23, 26]);
    expect(ids("process_tampering")).toEqual([25]);
  });

  it("runs process_creation on Sysmon 1 and on Security 4688 with Sigma's field names mapped", () => {
    const r = rule(
      "category: process_creation\nproduct: windows",
      "Image|endswith: '\\whoami.exe'\nParentImage|endswith: '\\cmd.exe'\nProcessId: 6952\nIntegrityLevel: S-1-16-12288\nUser: bob",
    );
    expect(r.variants.map((v) => v.label)).toEqual(["Sysmon 1", "Security 4688"]);
    const sec = {
      NewProcessName: "C:\\Windows\\System32\\whoami.exe",
      ParentProcessName: "C:\\Windows\\System32\\cmd.exe",
      NewProcessId: "0x1b28",
      ProcessId: "0x10",
      MandatoryLabel: "S-1-16-12288",
      SubjectUserName: "bob",
    };
    expect(r.match(security4688(sec))).toBe(true);
    expect(r.match(security4688({ ...sec, NewProcessId: "0x1b29" }))).toBe(false);
    expect(r.match(security4688({ ...sec, NewProcessName: "C:\\x\\cmd.exe" }))).toBe(false);
    // The Security field names mean nothing on Sysmon 1, and vice versa.
    expect(r.match(proc(sec))).toBe(false);
    const parent = rule("category: process_creation\nproduct: windows", "ParentProcessId: 16");
    expect(parent.match(security4688({ ProcessId: "0x10" }))).toBe(true);
    expect(parent.match(security4688({ ProcessId: "0x11" }))).toBe(false);
  });

  it("tells registry_add and registry_delete apart by EventType", () => {
    const add = rule("category: registry_add\nproduct: windows", "TargetObject|contains: '\\Run'");
    const del = rule(
      "category: registry_delete\nproduct: windows",
      "TargetObject|contains: '\\Run'",
    );
    const create = sysmonEvent(12, { EventType: "CreateKey", TargetObject: "HKLM\\x\\Run" });
    const remove = sysmonEvent(12, { EventType: "DeleteValue", TargetObject: "HKLM\\x\\Run" });
    expect([add.match(create), add.match(remove)]).toEqual([true, false]);
    expect([del.match(create), del.match(remove)]).toEqual([false, true]);
  });

  it("runs a rule only on its events", () => {
    const r = rule("category: dns_query\nproduct: windows", "QueryName|endswith: '.onion'");
    expect(r.match(sysmonEvent(22, { QueryName: "x.onion" }))).toBe(true);
    expect(r.match(sysmonEvent(1, { QueryName: "x.onion" }))).toBe(false);
    expect(r.match(event("Security", 22, { QueryName: "x.onion" }))).toBe(false);
  });

  it("maps PowerShell categories to 4103/4104 (Windows PowerShell and PowerShell 7) and classic 400", () => {
    const script = rule(
      "category: ps_script\nproduct: windows",
      "ScriptBlockText|contains: 'Invoke-Mimikatz'",
    );
    for (const channel of [
      "Microsoft-Windows-PowerShell/Operational",
      "PowerShellCore/Operational",
    ]) {
      expect(script.match(event(channel, 4104, { ScriptBlockText: "x Invoke-Mimikatz" }))).toBe(
        true,
      );
      expect(script.match(event(channel, 4103, { ScriptBlockText: "x Invoke-Mimikatz" }))).toBe(
        false,
      );
    }
    const mod = rule("category: ps_module\nproduct: windows", "Payload|contains: 'Get-Clipboard'");
    expect(
      mod.match(
        event("Microsoft-Windows-PowerShell/Operational", 4103, { Payload: "Get-Clipboard" }),
      ),
    ).toBe(true);
    const classic = rule(
      "category: ps_classic_start\nproduct: windows",
      "Data|contains: 'HostName=ConsoleHost'",
    );
    const start = event("Windows PowerShell", 400, {
      param1: "Available",
      param2: "None",
      param3: "NewEngineState=Available\n\tHostName=ConsoleHost",
    });
    expect(classic.match(start)).toBe(true);
    expect(classic.match({ ...start, data: { param1: "x" } })).toBe(false);
  });

  it("maps a service to its channel, any event id, and a bare product to every event", () => {
    const sec = rule("product: windows\nservice: security", "EventID: 1102");
    expect(sec.match(event("Security", 1102, {}))).toBe(true);
    expect(sec.match(event("System", 1102, {}))).toBe(false);
    const any = rule("product: windows", "- 'mimikatz'");
    expect(any.match(event("Application", 1, { x: "MimiKatz" }))).toBe(true);
  });

  it("reports log sources it cannot map", () => {
    expect(() => logsourceVariants({ product: "windows", category: "file_access" })).toThrow(
      /no Windows event mapping/,
    );
    expect(() => logsourceVariants({ product: "linux", category: "process_creation" })).toThrow(
      /not Windows/,
    );
    expect(() => logsourceVariants({ product: "windows", service: "iis-configuration" })).toThrow(
      /no channel mapping/,
    );
  });
});

describe("SigmaIndex", () => {
  it("considers only the rules for an event's channel and id, opened by their literals", () => {
    const a = rule("category: process_creation\nproduct: windows", "Image|endswith: 'a.exe'");
    const b = rule("category: network_connection\nproduct: windows", "Image|endswith: 'a.exe'");
    const c = rule("product: windows\nservice: sysmon", "EventID: 1");
    const index = new SigmaIndex([a, b, c]);
    const rulesFor = (e: WinEvent) =>
      index
        .candidates(new EventView(e))
        .map((t) => t.rule)
        .sort((x, y) => [a, b, c].indexOf(x) - [a, b, c].indexOf(y));
    expect(rulesFor(proc({ Image: "C:\\A.EXE" }))).toEqual([a, c]);
    // `a` needs "a.exe" in Image: without it, only the rule with no literal runs.
    expect(rulesFor(proc({ Image: "C:\\b.exe" }))).toEqual([c]);
    expect(rulesFor(sysmonEvent(3, { Image: "x\\a.exe" }))).toEqual([b]);
    expect(rulesFor(security4688({ NewProcessName: "c:\\a.exe" }))).toEqual([a]);
    expect(rulesFor(security4688({ Image: "c:\\a.exe" }))).toEqual([]);
    expect(rulesFor(event("System", 1, {}))).toEqual([]);
    expect(index.eventIds()).toBe("all");
    expect(new SigmaIndex([a, b]).eventIds()).toEqual(new Set([1, 4688, 3]));
    expect(eventKey("Security", 4688)).toBe("security#4688");
  });

  it("runs a rule only when every clause of its requirement is found, in any field order", () => {
    const both = rule(
      "category: process_creation\nproduct: windows",
      "Image|endswith: '\\cmd.exe'\nCommandLine|contains: ' /c whoami'",
    );
    const either = sigma(
      "title: t\nid: either\nlogsource: {category: process_creation, product: windows}\ndetection:\n    a:\n        Image|endswith: '\\cmd.exe'\n        CommandLine|contains: 'xyz'\n    b:\n        ParentImage|endswith: '\\evil.exe'\n    condition: a or b\n",
    );
    const index = new SigmaIndex([both, either]);
    const rulesFor = (data: Record<string, string>) =>
      index
        .candidates(new EventView(proc(data)))
        .map((t) => (t.rule === both ? "both" : "either"))
        .sort();
    expect(rulesFor({ Image: "C:\\cmd.exe", CommandLine: "cmd /c dir" })).toEqual([]);
    expect(rulesFor({ Image: "C:\\x.exe", CommandLine: "cmd /c whoami" })).toEqual([]);
    expect(rulesFor({ Image: "C:\\CMD.exe", CommandLine: "cmd /C WHOAMI" })).toEqual(["both"]);
    // (cmd.exe or evil.exe) and (xyz or evil.exe): each clause by a different field.
    expect(rulesFor({ Image: "C:\\cmd.exe", ParentImage: "c:\\evil.exe" })).toEqual(["either"]);
    expect(rulesFor({ Image: "C:\\cmd.exe", CommandLine: "xyz" })).toEqual(["either"]);
    expect(rulesFor({ Image: "C:\\a.exe", CommandLine: "xyz" })).toEqual([]);
    // A second event starts with no clause satisfied.
    expect(rulesFor({ Image: "C:\\cmd.exe" })).toEqual([]);
    expect(rulesFor({ CommandLine: "/c whoami" })).toEqual([]);
  });

  it("derives a literal requirement only where every match needs it", () => {
    const req = (body: string) =>
      sigma(
        `title: t\nid: r\nlogsource: {category: process_creation, product: windows}\ndetection:\n${body}\n`,
      ).variants[0]?.req?.map((c) => c.map((n) => `${n.field?.key ?? "*"}:${n.text}`)) ?? null;
    expect(
      req("    s:\n        Image|endswith: '\\x.exe'\n        User: bob\n    condition: s"),
    ).toEqual([["Image:\\x.exe"], ["User:bob"]]);
    expect(
      req(
        "    s:\n        CommandLine|contains:\n            - ' -enc '\n            - ' /e '\n    condition: s",
      ),
    ).toEqual([["CommandLine: -enc ", "CommandLine: /e "]]);
    expect(
      req(
        "    s:\n        CommandLine|contains|all:\n            - 'ab'\n            - 'longer'\n    condition: s",
      ),
    ).toEqual([["CommandLine:ab"], ["CommandLine:longer"]]);
    expect(
      req(
        "    a:\n        Image|endswith: 'x.exe'\n    b:\n        OriginalFileName: 'X.EXE'\n    condition: a or b",
      ),
    ).toEqual([["Image:x.exe", "OriginalFileName:x.exe"]]);
    expect(
      req(
        "    a:\n        Image|endswith: 'x.exe'\n    b:\n        User|exists: true\n    condition: a or b",
      ),
    ).toBeNull();
    expect(
      req(
        "    a:\n        Image|endswith: 'x.exe'\n    f:\n        User: bob\n    condition: not f and a",
      ),
    ).toEqual([["Image:x.exe"]]);
    expect(req("    a:\n        Image|endswith: 'x.exe'\n    condition: not a")).toBeNull();
    expect(req("    a:\n        CommandLine|re: 'net\\s+user'\n    condition: a")).toEqual([
      ["CommandLine:user"],
    ]);
    expect(req("    k:\n        - 'mimikatz'\n    condition: k")).toEqual([["*:mimikatz"]]);
    // A regex keeps single-character literals, and only ASCII ones (a case-insensitive
    // non-ASCII character may match what its lower case does not find).
    expect(req("    a:\n        CommandLine|re: '\\w+`(?:\\w+|-|.)`'\n    condition: a")).toEqual([
      ["CommandLine:`"],
    ]);
    expect(req("    a:\n        CommandLine|re: '(?i)straße'\n    condition: a")).toEqual([
      ["CommandLine:stra"],
    ]);
    // OR of ANDs: one clause per choice of a clause from each branch.
    expect(
      req(
        "    a:\n        Image|endswith: 'a.exe'\n        CommandLine|contains: ' -x'\n    b:\n        Image|endswith: 'b.exe'\n    condition: a or b",
      ),
    ).toEqual([
      ["Image:a.exe", "Image:b.exe"],
      ["CommandLine: -x", "Image:b.exe"],
    ]);
    // At most four clauses, the most selective (longest shortest needle) kept.
    expect(
      req(
        "    s:\n        CommandLine|contains|all: ['aa', 'bbbbbb', 'c', 'dddd', 'eeeee', 'ffffffff']\n    condition: s",
      ),
    ).toEqual([
      ["CommandLine:ffffffff"],
      ["CommandLine:bbbbbb"],
      ["CommandLine:eeeee"],
      ["CommandLine:dddd"],
    ]);
  });
});
