import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fileSource } from "../../src/input/fileSource.js";
import { fastEventXml, readEventXml } from "../../src/parse/fastEventXml.js";
import { latin1ToUtf8 } from "../../src/parse/latin1.js";
import { parseEventXml } from "../../src/parse/parseEventXml.js";
import { filesUnder, isLog } from "../helpers/files.js";
import { SHARED } from "../helpers/streams.js";
import { unwrap } from "../helpers/unwrapJoined.js";

const XML_DIR = join(SHARED, "data/xml");

/** Every `<Event>` element of a file's content (after unwrapping), as latin1 text. */
async function eventTexts(path: string): Promise<string[]> {
  const source = fileSource(path);
  const content = await unwrap(await source.open(), source.uri);
  const parts: Buffer[] = [];
  for await (const chunk of content.stream) parts.push(Buffer.from(chunk));
  const text = Buffer.concat(parts).toString("latin1");
  return [...text.matchAll(/<Event[\s>][\s\S]*?<\/Event>/g)].map((m) => m[0]);
}

const POS = { line: 7, lastLine: 7 } as const;

/**
 * The fast path's result where it takes the event (`xml` as the splitter has it, latin1), which
 * must be the generic parser's on the event's UTF-8 text.
 */
function same(xml: string): boolean {
  const fast = fastEventXml(xml, POS);
  const generic = parseEventXml(latin1ToUtf8(xml), POS);
  expect(readEventXml(xml, POS)).toStrictEqual(generic);
  if (fast === undefined) return false;
  expect(fast).toStrictEqual(generic);
  return true;
}

describe("fastEventXml gives the generic parser's WinEvent", () => {
  it("on every event of every XML file in ../shared/data/xml (one-line and pretty-printed)", async () => {
    let events = 0;
    let fast = 0;
    for (const file of await filesUnder(XML_DIR, isLog)) {
      for (const raw of await eventTexts(file)) {
        for (const xml of [raw, raw.replace(/\r\n/g, "\n")]) {
          events++;
          if (same(xml)) fast++;
        }
      }
    }
    expect(events).toBeGreaterThan(7000);
    // Nearly every event takes the fast path; the rest are read by the generic parser.
    expect(fast / events).toBeGreaterThan(0.95);
  });

  const sysmon = (eventData: string, system = "") =>
    `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385f-c22a-43e0-bf4c-06f5698ffbd9}'/><EventID>1</EventID><Version>5</Version><Level>4</Level><Task>1</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='2025-10-24T09:17:49.735032000Z'/><EventRecordID>81533</EventRecordID><Correlation/><Execution ProcessID='2480' ThreadID='3748'/><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>ar-win-1</Computer><Security UserID='S-1-5-18'/>${system}</System>${eventData}</Event>`;

  const fastCases: Record<string, string> = {
    "plain values": sysmon(
      "<EventData><Data Name='Image'>C:\\x.exe</Data><Data Name='CommandLine'>x  -a</Data></EventData>",
    ),
    "entities in names and values": sysmon(
      `<EventData><Data Name='a&amp;b'>&lt;x&gt; &amp;&#65;&#x42; &quot;q&apos; &bogus;</Data><Data Name="d&#39;q">v</Data></EventData>`,
    ),
    "self-closing, empty and unnamed items, Binary": sysmon(
      "<EventData><Data Name='RuleName'/><Data Name='E'></Data><Data>one</Data><Data>two</Data><Binary>00FF</Binary></EventData>",
    ),
    "a repeated name keeps the last value in the first place": sysmon(
      "<EventData><Data Name='A'>1</Data><Data Name='B'>2</Data><Data Name='A'>3</Data></EventData>",
    ),
    "quotes and > inside attribute values, extra attributes": sysmon(
      `<EventData><Data Name="it's>">v</Data><Data Type='x' Name='T'>w</Data><Data Name='q"x' >y</Data></EventData>`,
    ),
    "whitespace and line breaks between elements": sysmon(
      "\n  <EventData>\n    <Data Name='A'>1</Data>\r\n    <Data Name='B'>\n2 \n</Data>\n  </EventData>\n",
    ),
    "a name like an Object member": sysmon(
      "<EventData><Data Name='__proto__'>x</Data><Data Name='constructor'>y</Data></EventData>",
    ),
    "no EventData, or an empty one": sysmon(""),
    "empty EventData element": sysmon("<EventData/>"),
    "System values with spaces and entities": sysmon(
      "<EventData/>",
      "<Channel> Security </Channel><Computer>a&amp;b</Computer><EventID> 4688 </EventID>",
    ),
    "unknown flat elements are ignored": sysmon(
      "<EventData><Other x='1'>t</Other><Data Name='A'>1</Data></EventData>",
      "<Extra/>",
    ),
  };
  /** Text as the splitter has it: UTF-8 bytes, one latin1 character each. */
  const bytes = (text: string) => Buffer.from(text, "utf8").toString("latin1");

  for (const [name, xml] of Object.entries(fastCases)) {
    it(`takes the fast path: ${name}`, () => {
      expect(same(bytes(xml))).toBe(true);
    });
  }

  it("takes the fast path with non-ASCII and invalid UTF-8 in values, decoding them alone", () => {
    const xml = bytes(
      sysmon(
        "<EventData><Data Name='Product'>Microsoft® Windows®</Data><Data Name='A'>plain</Data><Data Name='C'>жé &amp; 𝄞</Data><Data Name='D'>x</Data></EventData>",
      ),
    );
    expect(same(xml)).toBe(true);
    expect(fastEventXml(xml, POS)?.data).toEqual({
      Product: "Microsoft® Windows®",
      A: "plain",
      C: "жé & 𝄞",
      D: "x",
    });
    const broken = xml.replace("plain", "pl\xe2\x82in\xc3").replace(">x<", ">\x80\xff<");
    expect(same(broken)).toBe(true);
    expect(fastEventXml(broken, POS)?.data.A).toBe("pl\ufffdin\ufffd");
  });

  for (const [name, xml] of Object.entries({
    "a non-ASCII Data name": sysmon("<EventData><Data Name='Prodüct'>x</Data></EventData>"),
    "a non-ASCII System value": sysmon("<EventData/>", "<Computer>hôte</Computer>"),
    "a non-ASCII unusual item": sysmon("<EventData><Data>é</Data></EventData>"),
  })) {
    it(`leaves it to the generic parser: ${name}`, () => {
      expect(same(bytes(xml))).toBe(false);
    });
  }

  const genericCases: Record<string, string> = {
    UserData: sysmon("<UserData><Log><A>1</A></Log></UserData>"),
    CDATA: sysmon("<EventData><Data Name='A'><![CDATA[<x>]]></Data></EventData>"),
    "a comment": sysmon("<EventData><!-- c --><Data Name='A'>1</Data></EventData>"),
    "nested element in a value": sysmon("<EventData><Data Name='A'>1<b/>2</Data></EventData>"),
    "mismatched end tag": sysmon("<EventData><Data Name='A'>1</Dat></EventData>"),
    "unclosed EventData": sysmon("<EventData><Data Name='A'>1</Data>"),
    "no EventID": sysmon("<EventData/>").replace("<EventID>1</EventID>", ""),
    "bad attributes": sysmon("<EventData><Data Name=x>1</Data></EventData>"),
    "RenderingInfo after EventData": sysmon(
      "<EventData><Data Name='A'>1</Data></EventData><RenderingInfo Culture='en-US'><Message>m</Message></RenderingInfo>",
    ),
    "text between elements": sysmon("<EventData>junk<Data Name='A'>1</Data></EventData>"),
    "end tag with a space": sysmon("<EventData><Data Name='A'>1</Data ></EventData>"),
  };
  for (const [name, xml] of Object.entries(genericCases)) {
    it(`leaves it to the generic parser: ${name}`, () => {
      expect(same(bytes(xml))).toBe(false);
    });
  }
});
