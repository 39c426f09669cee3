import { describe, expect, it } from "vitest";
import { parseEventXml } from "../../../src/parse/parseEventXml.js";
import type { WinEvent } from "../../../src/parse/types.js";
import { parseBytes } from "./evtxFiles.js";
import { BinXml, evtxFile, nested, type Sub, v } from "./evtxWriter.js";

const NS = "http://schemas.microsoft.com/win/2004/08/events/event";
const GUID = "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}";

/** The System part of every record, and `%12` (a nested BinXml value) as the Event's content. */
function rootTemplate(t: BinXml): void {
  t.fragment().open("Event", true).attr("xmlns").text(NS).closeStart();
  t.open("System").closeStart();
  t.open("Provider", true)
    .attr("Name")
    .sub(0, 0x01, true)
    .attr("Guid")
    .sub(1, 0x0f, true)
    .closeEmpty();
  t.open("EventID", true).attr("Qualifiers").sub(2, 0x06, true).closeStart().sub(3, 0x06).end();
  t.open("Level").closeStart().sub(4, 0x04).end();
  t.open("TimeCreated", true).attr("SystemTime").sub(5, 0x11, true).closeEmpty();
  t.open("EventRecordID").closeStart().sub(6, 0x0a).end();
  t.open("Execution", true)
    .attr("ProcessID")
    .sub(7, 0x08)
    .attr("ThreadID")
    .sub(8, 0x08)
    .closeEmpty();
  t.open("Channel").closeStart().sub(9, 0x01).end();
  t.open("Computer").closeStart().sub(10, 0x01).end();
  t.open("Security", true).attr("UserID").sub(11, 0x13, true).closeEmpty();
  t.end(); // System
  t.sub(12, 0x21);
  t.end().eof(); // Event
}

function system(eventId: number, record: number, content: Sub): Sub[] {
  return [
    v.wstr("Test-Provider"),
    v.guid(GUID),
    v.nul(),
    v.int(0x06, 2, eventId),
    v.int(0x04, 1, 4),
    v.filetime("2019-06-20T08:07:42.331Z", 8108),
    v.int(0x0a, 8, record),
    v.int(0x08, 4, 2020),
    v.int(0x08, 4, 2088),
    v.wstr("Test/Operational"),
    v.wstr("HOST-1"),
    v.sid("S-1-5-18"),
    content,
  ];
}

const SYSTEM = {
  provider: "Test-Provider",
  providerGuid: GUID,
  level: 4,
  timeCreated: "2019-06-20T08:07:42.331810800Z",
  processId: 2020,
  threadId: 2088,
  channel: "Test/Operational",
  computer: "HOST-1",
  userId: "S-1-5-18",
};

function userDataTemplate(t: BinXml): void {
  t.fragment().open("UserData").closeStart();
  t.open("LogFileCleared", true)
    .attr("xmlns")
    .text("http://manifests.microsoft.com/win/2004/08/windows/eventlog")
    .closeStart();
  for (const [i, name, type] of [
    [0, "SubjectUserSid", 0x13],
    [1, "SubjectUserName", 0x01],
    [2, "Flags", 0x14],
    [3, "Empty", 0x01],
  ] as const) {
    t.open(name).closeStart().sub(i, type).end();
  }
  t.end().end().eof();
}

function userData(user: string): Sub {
  return nested((x, defs) => {
    x.fragment().instance(defs, "userdata-template", userDataTemplate, [
      v.sid("S-1-5-21-1-2-3-500"),
      v.wstr(user),
      v.int(0x14, 4, 0x1f),
      v.wstr(""),
    ]);
  });
}

function systemtime(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
) {
  const b = Buffer.alloc(16);
  [y, mo, 4, d, h, mi, s, ms].forEach((n, i) => {
    b.writeUInt16LE(n, 2 * i);
  });
  return v.raw(0x12, b);
}

/** Every value type, arrays, an optional empty value, a Name from a substitution, mixed text. */
const TYPES: [string | undefined, Sub, string][] = [
  ["I8", v.int(0x03, 1, -5), "-5"],
  ["U8", v.int(0x04, 1, 200), "200"],
  ["I16", v.int(0x05, 2, -300), "-300"],
  ["U16", v.int(0x06, 2, 65000), "65000"],
  ["I32", v.int(0x07, 4, -70000), "-70000"],
  ["U32", v.int(0x08, 4, 4000000000), "4000000000"],
  ["I64", v.int(0x09, 8, -(2 ** 40)), "-1099511627776"],
  ["I64Big", v.int(0x09, 8, -(2n ** 60n)), "-1152921504606846976"],
  ["U64", v.int(0x0a, 8, 2n ** 60n), "1152921504606846976"],
  ["R32", v.raw(0x0b, Buffer.from(new Float32Array([1.5]).buffer)), "1.5"],
  ["R64", v.raw(0x0c, Buffer.from(new Float64Array([-2.25]).buffer)), "-2.25"],
  ["Bool", v.int(0x0d, 4, 1), "true"],
  ["Bin", v.raw(0x0e, Buffer.from([0x01, 0xab, 0xff])), "01ABFF"],
  [
    "Guid",
    v.guid("{365ABB72-3ECE-5D0B-0000-00107F7F1A00}"),
    "{365ABB72-3ECE-5D0B-0000-00107F7F1A00}",
  ],
  ["SizeT", v.int(0x10, 8, 0x10), "0x10"],
  ["FileTime", v.filetime("2021-03-04T05:06:07.089Z"), "2021-03-04T05:06:07.089000000Z"],
  ["SysTime", systemtime(2021, 3, 4, 5, 6, 7, 89), "2021-03-04T05:06:07.089000000Z"],
  [
    "Sid",
    v.sid("S-1-5-21-3623811015-3361044348-30300820-1013"),
    "S-1-5-21-3623811015-3361044348-30300820-1013",
  ],
  ["Hex32", v.int(0x14, 4, 0x1fffff), "0x1fffff"],
  ["Hex64", v.int(0x15, 8, 0x3e7), "0x3e7"],
  ["Hex64Big", v.int(0x15, 8, 0x8000000000000000n), "0x8000000000000000"],
  ["Ansi", v.ansi("caf\u00e9\0"), "caf\u00e9"],
  ["Opt", v.nul(), ""],
];

function typesTemplate(t: BinXml): void {
  t.fragment().open("EventData").closeStart();
  TYPES.forEach(([name, value], i) => {
    t.dataElement(name as string, i, typeof value === "function" ? 0x21 : value.type);
  });
  const n = TYPES.length;
  t.open("Data").closeStart().sub(n, 0x81).end(); // unnamed, string array
  t.open("Data")
    .closeStart()
    .sub(n + 1, 0x86)
    .end(); // unnamed, uint16 array
  t.open("Data", true)
    .attr("Name")
    .sub(n + 2, 0x01)
    .closeStart();
  t.text("x").entity("amp").charRef(0x41).text("y").cdata("<z>").end();
  t.end().eof();
}

const u16s = Buffer.alloc(4);
u16s.writeUInt16LE(1, 0);
u16s.writeUInt16LE(2, 2);
const typesValues: Sub[] = [
  ...TYPES.map(([, value]) => value),
  v.raw(0x81, Buffer.from("a\0b\0", "utf16le")),
  v.raw(0x86, u16s),
  v.wstr("Dynamic"),
];

/** Template offsets already defined in the chunk being written (shared by its records). */
const defs = new Map<string, number>();

function record(at: number, eventId: number, id: number, content: Sub): BinXml {
  const x = new BinXml(at, false);
  x.fragment().instance(defs, "root-template", rootTemplate, system(eventId, id, content));
  return x.eof();
}

const file = evtxFile([
  (at) => record(at, 4624, 11, userData("bob")),
  (at) =>
    record(
      at,
      1,
      12,
      nested((x, d) => x.fragment().instance(d, "types-template", typesTemplate, typesValues)),
    ),
  (at) =>
    record(
      at,
      5,
      13,
      nested((x) => {
        // Template-less BinXml: elements written out, without dependency ids.
        x.fragment().open("EventData").closeStart();
        x.open("Data", true).attr("Name").text("Direct").closeStart().text("yes").end();
        x.end().eof();
      }),
    ),
  (at) => record(at, 4625, 14, userData("alice")),
]);

describe("parseEvtx on written BinXml: UserData, every value type, template-less streams", () => {
  it("reads all four records without issues", async () => {
    const { events, issues } = await parseBytes(file);
    expect(issues).toEqual([]);
    expect(events.map((e) => [e.eventId, e.eventRecordId, e.position.record])).toEqual([
      [4624, 11, 11],
      [1, 12, 12],
      [5, 13, 13],
      [4625, 14, 14],
    ]);
    for (const e of events) expect(e).toMatchObject(SYSTEM);
  });

  it("UserData leaves by name, blank ones left out, as parseEventXml reads the same XML", async () => {
    const { events } = await parseBytes(file);
    const ev = events[0] as WinEvent;
    expect(ev.data).toEqual({
      SubjectUserSid: "S-1-5-21-1-2-3-500",
      SubjectUserName: "bob",
      Flags: "0x1f",
    });
    expect((events[3] as WinEvent).data.SubjectUserName).toBe("alice");
    const xml =
      `<Event xmlns="${NS}"><System><Provider Name="Test-Provider" Guid="${GUID}"/><EventID>4624</EventID>` +
      `<Level>4</Level><TimeCreated SystemTime="2019-06-20T08:07:42.331810800Z"/><EventRecordID>11</EventRecordID>` +
      `<Execution ProcessID="2020" ThreadID="2088"/><Channel>Test/Operational</Channel><Computer>HOST-1</Computer>` +
      `<Security UserID="S-1-5-18"/></System><UserData><LogFileCleared xmlns="x"><SubjectUserSid>S-1-5-21-1-2-3-500</SubjectUserSid>` +
      `<SubjectUserName>bob</SubjectUserName><Flags>0x1f</Flags><Empty></Empty></LogFileCleared></UserData></Event>`;
    expect(parseEventXml(xml, { record: 11 })).toEqual(ev);
  });

  it("every value type rendered as Windows renders it", async () => {
    const { events } = await parseBytes(file);
    const data = (events[1] as WinEvent).data;
    for (const [name, , text] of TYPES) expect(data[name as string], name).toBe(text);
    // Arrays repeat their element: unnamed Data become param1.. in order.
    expect([data.param1, data.param2, data.param3, data.param4]).toEqual(["a", "b", "1", "2"]);
    expect(data.Dynamic).toBe("x&Ay<z>");
    expect(Object.keys(data)).toHaveLength(TYPES.length + 5);
  });

  it("template-less BinXml is read as elements", async () => {
    const { events } = await parseBytes(file);
    expect((events[2] as WinEvent).data).toEqual({ Direct: "yes" });
  });
});

describe("templates cached across files are reused only when they render the same", () => {
  /** One record whose template (same GUID every time) names its Data `dataName`. */
  function fileWith(dataName: string, padRecords = 0): Buffer {
    const d = new Map<string, number>();
    const body = (t: BinXml): void => {
      t.fragment().open("Event").closeStart().open("System").closeStart();
      t.open("EventID").closeStart().sub(0, 0x06).end().end();
      t.open("EventData").closeStart().dataElement(dataName, 1, 0x01).end().end().eof();
    };
    const one = (at: number, text: string): BinXml =>
      new BinXml(at, false)
        .fragment()
        .instance(d, "same-guid-every-time", body, [v.int(0x06, 2, 1), v.wstr(text)])
        .eof();
    const pad = Array.from(
      { length: padRecords },
      () => (at: number) =>
        new BinXml(at, false)
          .fragment()
          .open("Event")
          .closeStart()
          .open("System")
          .closeStart()
          .open("EventID")
          .closeStart()
          .text("7")
          .end()
          .end()
          .end()
          .eof(),
    );
    return evtxFile([...pad, (at) => one(at, `${dataName} text`), (at) => one(at, "again")]);
  }

  it("same GUID, other names: each file renders its own", async () => {
    for (const name of ["Alpha", "Beta", "Alpha", "Gamma"]) {
      const { events, issues } = await parseBytes(fileWith(name));
      expect(issues).toEqual([]);
      expect(events.map((e) => e.data)).toEqual([{ [name]: `${name} text` }, { [name]: "again" }]);
    }
  });

  it("the same template at another chunk offset renders the same", async () => {
    const { events } = await parseBytes(fileWith("Alpha", 3));
    expect(events.map((e) => [e.eventId, e.data])).toEqual([
      [7, {}],
      [7, {}],
      [7, {}],
      [1, { Alpha: "Alpha text" }],
      [1, { Alpha: "again" }],
    ]);
  });
});

describe("nesting limits", () => {
  /** `<UserData>` holding `depth` levels of `<Wrap>` nested BinXml around the text "bottom". */
  function deepFile(depth: number): Buffer {
    const d = new Map<string, number>();
    const wrap = (t: BinXml): void => {
      t.fragment().open("Wrap").closeStart().sub(0, 0x21).end().eof();
    };
    const chain = (n: number): Sub =>
      nested((x, dd) =>
        x.fragment().instance(dd, "wrap", wrap, [n > 0 ? chain(n - 1) : v.wstr("bottom")]),
      );
    const userData = nested((x, dd) =>
      x
        .fragment()
        .instance(
          dd,
          "userdata-wrap",
          (t) => t.fragment().open("UserData").closeStart().sub(0, 0x21).end().eof(),
          [chain(depth)],
        ),
    );
    return evtxFile([
      (at) =>
        new BinXml(at, false)
          .fragment()
          .instance(d, "root-template", rootTemplate, system(1, 1, userData))
          .eof(),
    ]);
  }

  it("a few levels of nested BinXml are read to the innermost text", async () => {
    const { events, issues } = await parseBytes(deepFile(5));
    expect(issues).toEqual([]);
    expect(events[0]?.data).toEqual({ Wrap: "bottom" });
  });

  it("nesting past the limit is reported as a corrupt record, not a stack overflow", async () => {
    const { events, issues } = await parseBytes(deepFile(40));
    expect(events).toEqual([]);
    expect(issues.map((i) => i.code)).toEqual(["corrupt-record"]);
    expect(issues[0]?.message).toContain("nested deeper than");
  });
});
