import { describe, expect, it } from "vitest";
import { parseEventXml } from "../../src/parse/parseEventXml.js";
import type { WinEvent } from "../../src/parse/types.js";

const NS = "http://schemas.microsoft.com/win/2004/08/events/event";

function ok(xml: string): WinEvent {
  const r = parseEventXml(xml, { line: 1 });
  if ("error" in r) throw new Error(r.error);
  return r;
}

describe("parseEventXml", () => {
  it("reads System and EventData with single quotes", () => {
    const e = ok(
      `<Event xmlns='${NS}'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'/><EventID>1</EventID><Version>5</Version><Level>4</Level><Task>1</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='2022-03-25T17:46:37.653084200Z'/><EventRecordID>361824</EventRecordID><Correlation/><Execution ProcessID='2740' ThreadID='2488'/><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>host1</Computer><Security UserID='S-1-5-18'/></System><EventData><Data Name='Image'>C:\\Windows\\System32\\NETSTAT.EXE</Data><Data Name='RuleName'/></EventData></Event>`,
    );
    expect(e).toMatchObject({
      provider: "Microsoft-Windows-Sysmon",
      providerGuid: "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}",
      eventId: 1,
      version: 5,
      level: 4,
      task: 1,
      opcode: 0,
      keywords: "0x8000000000000000",
      timeCreated: "2022-03-25T17:46:37.653084200Z",
      eventRecordId: 361824,
      processId: 2740,
      threadId: 2488,
      channel: "Microsoft-Windows-Sysmon/Operational",
      computer: "host1",
      userId: "S-1-5-18",
      data: { Image: "C:\\Windows\\System32\\NETSTAT.EXE", RuleName: "" },
    });
  });

  it("reads double quotes, pretty-printed layout and CRLF", () => {
    const xml = [
      `<Event xmlns="${NS}">`,
      "  <System>",
      '    <Provider Name="Microsoft-Windows-Security-Auditing" />',
      '    <EventID Qualifiers="0">4688</EventID>',
      '    <TimeCreated SystemTime="2021-01-14T23:41:39.938175300Z" />',
      "    <Channel>Security</Channel>",
      "    <Computer>dc1</Computer>",
      "  </System>",
      "  <EventData>",
      '    <Data Name="CommandLine">netstat  -a</Data>',
      "  </EventData>",
      "</Event>",
    ].join("\r\n");
    const e = ok(xml);
    expect(e.eventId).toBe(4688);
    expect(e.computer).toBe("dc1");
    expect(e.data.CommandLine).toBe("netstat  -a");
  });

  it("decodes named, decimal and hex entities and CDATA, and keeps unknown entities as text", () => {
    const e = ok(
      `<Event><System><Provider Name='P &amp; Q'/><EventID>1</EventID><Channel>c</Channel><Computer>h</Computer></System><EventData><Data Name='CommandLine'>a &quot;b&quot; &lt;c&gt; &apos;d&apos; &#65;&#x42; &foo; <![CDATA[<raw & text>]]></Data></EventData></Event>`,
    );
    expect(e.provider).toBe("P & Q");
    expect(e.data.CommandLine).toBe(`a "b" <c> 'd' AB &foo; <raw & text>`);
  });

  it("names unnamed Data param1.. and flattens UserData leaves", () => {
    const e = ok(
      "<Event><System><Provider Name='x'/><EventID>104</EventID><Channel>System</Channel><Computer>h</Computer></System><EventData><Data>one</Data><Data>two</Data></EventData></Event>",
    );
    expect(e.data).toEqual({ param1: "one", param2: "two" });
    const u = ok(
      "<Event><System><Provider Name='x'/><EventID>1102</EventID><Channel>Security</Channel><Computer>h</Computer></System><UserData><LogFileCleared xmlns='x'><SubjectUserName>bob</SubjectUserName></LogFileCleared></UserData></Event>",
    );
    expect(u.data).toEqual({ SubjectUserName: "bob" });
  });

  it("never processes a DTD and reports errors instead of throwing", () => {
    const cases: Array<[string, RegExp]> = [
      [`<Event><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><System/></Event>`, /DTD/],
      ["<Event><System><EventID>1</EventID></System>", /unclosed/],
      ["<Event><System><EventID>x</EventID></System></Event>", /EventID/],
      ["<Event><System><EventID>1</Sys></Event>", /does not match/],
      ["<Event><System><Provider Name='x></System></Event>", /unterminated|bad attributes/],
      ["<Other/>", /root element/],
    ];
    for (const [xml, err] of cases) {
      const r = parseEventXml(xml, { line: 3 });
      expect("error" in r ? r.error : "parsed", xml).toMatch(err);
    }
  });
});
