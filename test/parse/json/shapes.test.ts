import { describe, expect, it } from "vitest";
import { parseJsonEvents } from "../../../src/parse/json/parseJsonEvents.js";
import { parseXmlEvents } from "../../../src/parse/parseXmlEvents.js";
import type { ParseInterest, WinEvent } from "../../../src/parse/types.js";
import { chunksOf, parseAll } from "../../helpers/streams.js";

async function json(text: string, interest?: ParseInterest) {
  return parseAll(parseJsonEvents, chunksOf(Buffer.from(text), 13), interest);
}

async function one(value: unknown): Promise<WinEvent> {
  // `__KEYWORDS__` stands for nxlog's signed 64-bit keywords, which no JS number literal holds.
  const text = JSON.stringify(value).replace('"__KEYWORDS__"', "-9223372036854775808");
  const { events, issues } = await json(text);
  expect(issues).toEqual([]);
  expect(events).toHaveLength(1);
  return events[0] as WinEvent;
}

function withoutPosition(e: WinEvent): Omit<WinEvent, "position"> {
  const { position: _, ...rest } = e;
  return rest;
}

/** One Sysmon process creation as Windows renders it (the XML the other shapes must match). */
const XML = `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'/><EventID>1</EventID><Version>5</Version><Level>4</Level><Task>1</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='2024-01-02T03:04:05.678901Z'/><EventRecordID>42</EventRecordID><Correlation/><Execution ProcessID='3308' ThreadID='4008'/><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>wks1.corp.local</Computer><Security UserID='S-1-5-18'/></System><EventData><Data Name='RuleName'>-</Data><Data Name='ProcessGuid'>{5AA13A44-B487-68FE-7F5F-000000004002}</Data><Data Name='ProcessId'>2052</Data><Data Name='Image'>C:\\Windows\\System32\\NETSTAT.EXE</Data><Data Name='CommandLine'>netstat  -ano &amp; "whoami" é</Data><Data Name='LogonId'>0x529ae3</Data><Data Name='TerminalSessionId'>2</Data><Data Name='ParentProcessGuid'>{5AA13A44-B487-68FE-7E5F-000000004002}</Data><Data Name='ParentImage'>C:\\Windows\\System32\\cmd.exe</Data></EventData></Event>\n`;

const DATA = {
  RuleName: "-",
  ProcessGuid: "{5AA13A44-B487-68FE-7F5F-000000004002}",
  ProcessId: "2052",
  Image: "C:\\Windows\\System32\\NETSTAT.EXE",
  CommandLine: 'netstat  -ano & "whoami" é',
  LogonId: "0x529ae3",
  TerminalSessionId: "2",
  ParentProcessGuid: "{5AA13A44-B487-68FE-7E5F-000000004002}",
  ParentImage: "C:\\Windows\\System32\\cmd.exe",
};

/** The same event as `evtx_dump` writes it: typed numbers, GUIDs without braces. */
const EVTX_DUMP = {
  Event: {
    "#attributes": { xmlns: "http://schemas.microsoft.com/win/2004/08/events/event" },
    System: {
      Provider: {
        "#attributes": {
          Name: "Microsoft-Windows-Sysmon",
          Guid: "5770385F-C22A-43E0-BF4C-06F5698FFBD9",
        },
      },
      EventID: 1,
      Version: 5,
      Level: 4,
      Task: 1,
      Opcode: 0,
      Keywords: "0x8000000000000000",
      TimeCreated: { "#attributes": { SystemTime: "2024-01-02T03:04:05.678901Z" } },
      EventRecordID: 42,
      Correlation: null,
      Execution: { "#attributes": { ProcessID: 3308, ThreadID: 4008 } },
      Channel: "Microsoft-Windows-Sysmon/Operational",
      Computer: "wks1.corp.local",
      Security: { "#attributes": { UserID: "S-1-5-18" } },
    },
    EventData: {
      ...DATA,
      ProcessGuid: "5AA13A44-B487-68FE-7F5F-000000004002",
      ProcessId: 2052,
      TerminalSessionId: 2,
      ParentProcessGuid: "5AA13A44-B487-68FE-7E5F-000000004002",
    },
  },
};

describe("JSON shapes read as the XML of the same event", async () => {
  const xml = (await parseAll(parseXmlEvents, chunksOf(Buffer.from(XML), 1 << 16)))
    .events[0] as WinEvent;

  it("evtx_dump JSON (GUIDs regain their braces, numbers become text)", async () => {
    const e = await one(EVTX_DUMP);
    expect(withoutPosition(e)).toEqual(withoutPosition(xml));
    expect(e.position).toEqual({ line: 1, lastLine: 1, record: 42 });
  });

  it("evtx_dump JSON with --separate-json-attributes", async () => {
    const { Provider, TimeCreated, Execution, Security, ...rest } = EVTX_DUMP.Event.System;
    const separate = {
      Event: {
        System: {
          ...rest,
          Provider: null,
          Provider_attributes: Provider["#attributes"],
          TimeCreated: null,
          TimeCreated_attributes: TimeCreated["#attributes"],
          Execution: null,
          Execution_attributes: Execution["#attributes"],
          Security: null,
          Security_attributes: Security["#attributes"],
        },
        EventData: EVTX_DUMP.Event.EventData,
      },
    };
    expect(withoutPosition(await one(separate))).toEqual(withoutPosition(xml));
  });

  it("nxlog/OTRF flattened JSON (nxlog's local EventTime is put in UTC by the record's own offset)", async () => {
    const flat = {
      EventTime: "2024-01-01 22:04:05", // UTC-5 local time
      EventReceivedTime: "2024-01-01 22:04:07",
      "@timestamp": "2024-01-02T03:04:08.120Z",
      Hostname: "wks1.corp.local",
      Keywords: "__KEYWORDS__",
      EventType: "INFO",
      SeverityValue: 2,
      Severity: "INFO",
      EventID: 1,
      SourceName: "Microsoft-Windows-Sysmon",
      ProviderGuid: "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}",
      Version: 5,
      Task: 1,
      OpcodeValue: 0,
      Opcode: "Info",
      RecordNumber: 42,
      ExecutionProcessID: 3308,
      ThreadID: 4008,
      Channel: "Microsoft-Windows-Sysmon/Operational",
      Domain: "NT AUTHORITY",
      AccountName: "SYSTEM",
      UserID: "S-1-5-18",
      AccountType: "User",
      Message: "Process Create:\r\nRuleName: -\r\n...",
      Category: "Process Create (rule: ProcessCreate)",
      SourceModuleName: "eventlog",
      SourceModuleType: "im_msvistalog",
      host: "wec.internal",
      port: 64545,
      tags: ["mordorDataset"],
      "@version": "1",
      ...DATA,
    };
    const e = await one(flat);
    // nxlog keeps no Level and only whole seconds.
    const { level: _, timeCreated: __, ...expected } = withoutPosition(xml);
    const { timeCreated, ...got } = withoutPosition(e);
    expect(got).toEqual(expected);
    expect(timeCreated).toBe("2024-01-02T03:04:05Z");
  });

  it("Winlogbeat 8 (winlog.*), nested and as dotted keys, and Winlogbeat 6", async () => {
    const winlog = {
      "@timestamp": "2024-01-02T03:04:05.678Z",
      event: { code: "1", provider: "Microsoft-Windows-Sysmon", kind: "event" },
      log: { level: "information" },
      host: { name: "collector" },
      winlog: {
        api: "wineventlog",
        channel: "Microsoft-Windows-Sysmon/Operational",
        computer_name: "wks1.corp.local",
        event_id: "1",
        provider_name: "Microsoft-Windows-Sysmon",
        provider_guid: "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}",
        record_id: "42",
        process: { pid: 3308, thread: { id: 4008 } },
        user: { identifier: "S-1-5-18", domain: "NT AUTHORITY", name: "SYSTEM" },
        version: 5,
        opcode: "Info",
        task: "Process Create (rule: ProcessCreate)",
        keywords: ["Classic"],
        event_data: DATA,
      },
    };
    // Winlogbeat writes names for opcode, task and keywords, and milliseconds.
    const {
      opcode: _o,
      task: _t,
      keywords: _k,
      timeCreated: _c,
      ...expected
    } = withoutPosition(xml);
    const nested = withoutPosition(await one(winlog));
    expect(nested).toEqual({ ...expected, timeCreated: "2024-01-02T03:04:05.678Z" });
    const dotted: Record<string, unknown> = {
      "@timestamp": winlog["@timestamp"],
      "log.level": "information",
    };
    for (const [k, v] of Object.entries(winlog.winlog)) {
      if (k === "event_data")
        for (const [dk, dv] of Object.entries(DATA)) dotted[`winlog.event_data.${dk}`] = dv;
      else if (k === "process") {
        dotted["winlog.process.pid"] = 3308;
        dotted["winlog.process.thread.id"] = 4008;
      } else dotted[`winlog.${k}`] = v;
    }
    expect(withoutPosition(await one(dotted))).toEqual(nested);
    const legacy = {
      "@timestamp": "2024-01-02T03:04:05.678Z",
      computer_name: "wks1.corp.local",
      event_id: 1,
      log_name: "Microsoft-Windows-Sysmon/Operational",
      source_name: "Microsoft-Windows-Sysmon",
      provider_guid: "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}",
      record_number: "42",
      process_id: 3308,
      thread_id: 4008,
      level: "Information",
      version: 5,
      opcode: "Info",
      task: "Process Create (rule: ProcessCreate)",
      user: { identifier: "S-1-5-18" },
      event_data: DATA,
    };
    expect(withoutPosition(await one(legacy))).toEqual(nested);
    expect(withoutPosition(await one({ _index: "winlogbeat-8", _source: winlog }))).toEqual(nested);
  });
});

describe("JSON shape details", () => {
  it("evtx_dump: EventID with Qualifiers, unnamed Data, Binary, UserData leaves, null EventData", async () => {
    const sys = (id: unknown) => ({
      Provider: { "#attributes": { EventSourceName: "Service Control Manager" } },
      EventID: id,
      Channel: "System",
      Computer: "dc1",
    });
    const classic = await one({
      Event: {
        System: sys({ "#attributes": { Qualifiers: 16384 }, "#text": 7036 }),
        EventData: { Data: { "#text": ["Netlogon", "running"] }, Binary: "4E0065007400" },
      },
    });
    expect(classic).toMatchObject({ provider: "Service Control Manager", eventId: 7036 });
    expect(classic.data).toEqual({ param1: "Netlogon", param2: "running", Binary: "4E0065007400" });
    const single = await one({ Event: { System: sys(7036), EventData: { Data: "only" } } });
    expect(single.data).toEqual({ param1: "only" });
    const user = await one({
      Event: {
        System: sys(1102),
        UserData: {
          LogFileCleared: {
            "#attributes": { xmlns: "http://manifests.microsoft.com/win/2004/08/windows/eventlog" },
            SubjectUserSid: "S-1-5-21-1",
            SubjectUserName: "alice",
            Empty: null,
            Inner: { Deeper: 7 },
          },
        },
      },
    });
    expect(user.data).toEqual({
      SubjectUserSid: "S-1-5-21-1",
      SubjectUserName: "alice",
      Deeper: "7",
    });
    expect((await one({ Event: { System: sys(1), EventData: null } })).data).toEqual({});
  });

  it("evtx_dump: braces only on GUID-named values (a PowerShell ScriptBlockId stays bare), arrays joined", async () => {
    const e = await one({
      Event: {
        System: {
          Provider: { "#attributes": { Name: "Microsoft-Windows-PowerShell" } },
          EventID: 4104,
        },
        EventData: {
          ScriptBlockId: "3f5c2f0c-8a4e-4b0a-9d3c-1a2b3c4d5e6f",
          ActivityGuid: "3f5c2f0c-8a4e-4b0a-9d3c-1a2b3c4d5e6f",
          Flags: [1, 2, 3],
          Ok: true,
          Nothing: null,
        },
      },
    });
    expect(e.data).toEqual({
      ScriptBlockId: "3f5c2f0c-8a4e-4b0a-9d3c-1a2b3c4d5e6f",
      ActivityGuid: "{3f5c2f0c-8a4e-4b0a-9d3c-1a2b3c4d5e6f}",
      Flags: "1,2,3",
      Ok: "true",
      Nothing: "",
    });
  });

  it("flattened: exact 64-bit keywords, nxlog's own fields kept out of the data", async () => {
    // -9223372036854775807 is 0x8000000000000001: no double holds it, the digits are read instead.
    const text = `{"EventID":4688,"SourceName":"Microsoft-Windows-Security-Auditing","Keywords":-9223372036854775807,"SeverityValue":2,"EventType":"AUDIT_SUCCESS","Hostname":"h","NewProcessName":"C:\\\\x.exe","ProcessID":4,"ThreadID":8}`;
    const { events } = await json(text);
    expect(events[0]).toMatchObject({ keywords: "0x8000000000000001", processId: 4, threadId: 8 });
    expect(events[0]?.data).toEqual({ NewProcessName: "C:\\x.exe" });
    // Digits some writer already rounded past 64 bits: the double (exactly -2^63) is used instead.
    const rounded = await json('{"EventID":1,"Keywords":-9223372036854776000}');
    expect(rounded.events[0]?.keywords).toBe("0x8000000000000000");
    const otrf = await one({
      EventID: 4688,
      Keywords: "0x8020000000000000",
      Level: "0",
      Task: "13312",
      TimeCreated: "2020-10-21T11:28:11.220Z",
      ProcessID: "3428",
      Message: "A new process",
    });
    expect(otrf).toMatchObject({
      keywords: "0x8020000000000000",
      level: 0,
      task: 13312,
      timeCreated: "2020-10-21T11:28:11.220Z",
    });
    expect(otrf.data).toEqual({ ProcessID: "3428" }); // a string ProcessID is event data (5156 has one)
  });

  it("flattened nxlog: Sysmon's ProcessId and EventType, lost to nxlog's own fields, are read back from Message", async () => {
    // As in splunk/attack_data T1027 (nxlog without Logstash): Sysmon 13, record 2544.
    const line = {
      EventTime: "2020-08-01 05:47:10",
      Hostname: "win-dc-881393.attackrange.local",
      EventType: "INFO",
      SeverityValue: 2,
      EventID: 13,
      SourceName: "Microsoft-Windows-Sysmon",
      RecordNumber: 2544,
      ProcessID: 2740,
      ThreadID: 3440,
      Message:
        "Registry value set:\r\nRuleName: \r\nEventType: SetValue\r\nUtcTime: 2020-08-01 05:47:10.422\r\nProcessGuid: {A837DB8D-01B5-5F25-0000-0010EDC30000}\r\nProcessId: 1224\r\nImage: C:\\Windows\\system32\\svchost.exe",
      UtcTime: "2020-08-01 05:47:10.422",
      Image: "C:\\Windows\\system32\\svchost.exe",
      EventReceivedTime: "2020-08-01 05:47:12",
      SourceModuleType: "im_msvistalog",
    };
    const e = await one(line);
    expect(e).toMatchObject({
      eventId: 13,
      processId: 2740,
      eventRecordId: 2544,
      timeCreated: "2020-08-01T05:47:10",
    });
    expect(e.data).toEqual({
      UtcTime: line.UtcTime,
      Image: line.Image,
      ProcessId: "1224",
      EventType: "SetValue",
    });
    // With Logstash's rename (EventTypeOrignal), EventType is Sysmon's and stays as given.
    const renamed = await one({
      ...line,
      EventType: "CreateKey",
      EventTypeOrignal: "INFO",
      ProcessId: "99",
    });
    expect(renamed.data).toMatchObject({ EventType: "CreateKey", ProcessId: "99" });
  });

  it("reads only the header of events no rule can use, when told (ParseInterest)", async () => {
    const text = `${JSON.stringify(EVTX_DUMP)}\n{"EventID":3,"SourceName":"Microsoft-Windows-Sysmon","Image":"x"}\n`;
    const { events } = await json(text, { eventIds: new Set([1]) });
    expect(events[0]?.partial).toBeUndefined();
    expect(events[0]?.data.Image).toBe(DATA.Image);
    expect(events[1]).toMatchObject({ eventId: 3, partial: true, data: {} });
  });

  it("drops unparsed the values on lines `at` rejects, pretty-printed ones included", async () => {
    const pretty = JSON.stringify(EVTX_DUMP, null, 2);
    const text = `${JSON.stringify(EVTX_DUMP)}\n${pretty}\n{"EventID":1,"Image":"x"\n`;
    const all = await json(text);
    const second = pretty.split("\n").length + 2;
    expect(all.events.map((e) => e.position.line)).toEqual([1, 2]);
    expect(all.issues.map((i) => i.offset)).toEqual([second]);
    const asked: number[] = [];
    const { events, issues } = await json(text, {
      eventIds: new Set([1]),
      at: (p) => {
        asked.push(p.line ?? -1);
        return p.line === 2;
      },
    });
    expect(events).toEqual([all.events[1]]);
    expect(asked).toEqual([1, 2]);
    // the splitter's own issues are still reported
    expect(issues).toEqual(all.issues);
  });

  it("skips JSON of no known shape, and reports an event without an id", async () => {
    const { events, issues } = await json(
      '{"message":"hello"}\n[1,2]\n{"Event":{"System":{"EventID":"x"}}}\n',
    );
    expect(events).toEqual([]);
    expect(issues.map((i) => [i.code, i.offset, i.severity])).toEqual([
      ["non-event-json", 1, "skip"],
      ["malformed-json", 2, "error"],
      ["malformed-json", 2, "error"],
      ["malformed-event", 3, "error"],
    ]);
  });
});

describe("odd values never stop reading", () => {
  it("infinite numbers, out-of-range times, wrong types in every field", async () => {
    const odd = [
      '{"EventID":1,"Keywords":1e999,"Version":1e999,"RecordNumber":-1e999}',
      '{"EventID":1,"EventTime":"2020-01-01 00:00:00","EventReceivedTime":"2020-01-01 00:00:00","@timestamp":"+275760-09-13T00:00:00.000Z"}',
      '{"EventID":1,"SourceName":{"a":1},"Hostname":[1,{"b":2}],"Channel":null,"UserID":5,"tags":{}}',
      '{"Event":{"System":{"EventID":{"#text":[1]},"Provider":[],"TimeCreated":"x","Execution":5},"EventData":[1,2],"UserData":"x"}}',
      '{"winlog":{"event_id":{"x":1},"event_data":"nope","process":7},"@timestamp":5}',
      '{"Event":{"System":{"EventID":4},"EventData":{"Data":[{"#text":{"deep":1}},null]}}}',
    ].join("\n");
    const { events, issues } = await json(odd);
    expect(events.map((e) => e.eventId)).toEqual([1, 1, 1, 4]);
    expect(events[0]?.keywords).toBeUndefined();
    expect(issues.map((i) => i.code)).toEqual(["malformed-event", "malformed-event"]);
  });
});
