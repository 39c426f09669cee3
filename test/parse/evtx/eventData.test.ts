import { describe, expect, it } from "vitest";
import { parseBytes } from "./evtxFiles.js";
import { BinXml, evtxFile, type Value, v } from "./evtxWriter.js";

/** Two records of one template: `<EventData>` with `<Data Name="names[k]">%k+1</Data>` each. */
function fileWithData(key: string, names: readonly string[], values: readonly Value[]): Buffer {
  const defs = new Map<string, number>();
  const body = (t: BinXml): void => {
    t.fragment().open("Event").closeStart().open("System").closeStart();
    t.open("EventID").closeStart().sub(0, 0x06).end().end();
    t.open("EventData").closeStart();
    names.forEach((name, k) => {
      t.dataElement(name, k + 1, (values[k] as Value).type);
    });
    t.end().end().eof();
  };
  const record = (at: number): BinXml =>
    new BinXml(at, false)
      .fragment()
      .instance(defs, key, body, [v.int(0x06, 2, 1), ...values])
      .eof();
  return evtxFile([record, record]);
}

describe("EventData of literal Data names becomes data with those keys, in order", () => {
  it("keys in the order of the Data elements, names of any text kept as they are", async () => {
    const names = ["Zeta", "Alpha", 'quo"te\\', "}; throw 1; ({", "constructor", "Mid"];
    const values = names.map((n) => v.wstr(`value of ${n}`));
    const { events, issues } = await parseBytes(fileWithData("names-any-text", names, values));
    expect(issues).toEqual([]);
    expect(events).toHaveLength(2);
    for (const e of events) {
      expect(Object.keys(e.data)).toEqual(names);
      for (const n of names) expect(e.data[n]).toBe(`value of ${n}`);
      expect(Object.getPrototypeOf(e.data)).toBe(Object.prototype);
    }
  });

  it("an empty array leaves its Data out; other values are rendered", async () => {
    const names = ["A", "Empty", "Pid", "B"];
    const values = [v.wstr("a"), v.raw(0x88, Buffer.alloc(0)), v.int(0x08, 4, 4242), v.wstr("b")];
    const { events } = await parseBytes(fileWithData("empty-array-data", names, values));
    for (const e of events)
      expect(Object.entries(e.data)).toEqual([
        ["A", "a"],
        ["Pid", "4242"],
        ["B", "b"],
      ]);
  });

  it("a name given twice keeps its first place and its last value", async () => {
    const names = ["A", "B", "A"];
    const values = [v.wstr("first"), v.wstr("b"), v.wstr("last")];
    const { events } = await parseBytes(fileWithData("name-twice", names, values));
    for (const e of events)
      expect(Object.entries(e.data)).toEqual([
        ["A", "last"],
        ["B", "b"],
      ]);
  });

  it("__proto__ as a name is no prototype", async () => {
    const names = ["__proto__", "X"];
    const values = [v.wstr("p"), v.wstr("x")];
    const { events } = await parseBytes(fileWithData("proto-name", names, values));
    for (const e of events) {
      expect(Object.getPrototypeOf(e.data)).toBe(Object.prototype);
      expect(e.data.X).toBe("x");
    }
  });
});
