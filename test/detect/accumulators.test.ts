import { describe, expect, it } from "vitest";
import { type AccumulatorState, createAccumulators } from "../../src/detect/accumulators.js";
import type { CimRecord } from "../../src/model/types.js";
import type { AggregateSpec } from "../../src/rules/types.js";

const SPECS: AggregateSpec[] = [
  { fn: "values", field: "user", as: "users" },
  { fn: "dc", field: "user", as: "user_count" },
  { fn: "count", field: "user", as: "with_user" },
  { fn: "latest", field: "process", as: "last_process" },
  { fn: "earliest", field: "process", as: "first_process" },
];

function record(line: number, time: number, user: string | undefined, process: string): CimRecord {
  return {
    datamodel: "Endpoint.Processes",
    fields: { ...(user === undefined ? {} : { user }), process },
    time,
    position: { line },
  } as CimRecord;
}

/** Records with ties in time (the first / last of a tie wins), a missing field and a NaN time. */
const RECORDS = [
  record(1, 50, "b", "p1"),
  record(2, 10, "a", "p2"),
  record(3, 90, undefined, "p3"),
  record(4, 90, "c", "p4"),
  record(5, 10, "a", "p5"),
  record(6, Number.NaN, "d", "p6"),
  record(7, 30, "b", "p7"),
];

function resultOf(records: readonly CimRecord[]) {
  const acc = createAccumulators(SPECS);
  for (const r of records) acc?.add(r);
  return acc?.result();
}

describe("accumulators merge", () => {
  const expected = resultOf(RECORDS);

  it("the records exercise ties", () => {
    expect(expected).toEqual({
      users: ["a", "b", "c", "d"],
      user_count: 4,
      with_user: 6,
      last_process: "p4",
      first_process: "p2",
    });
  });

  // every way of dealing the records to two or three accumulators, in runs of 1, 2 and 3
  for (const [run, k] of [
    [1, 2],
    [2, 2],
    [3, 2],
    [1, 3],
    [2, 3],
  ] as const) {
    for (const first of [0, 1]) {
      it(`gives the result of one accumulator (runs of ${run}, ${k} parts, merged from part ${first})`, () => {
        const parts = Array.from({ length: k }, () => createAccumulators(SPECS));
        RECORDS.forEach((r, i) => {
          parts[Math.floor(i / run) % k]?.add(r);
        });
        const states = parts.map((p) => structuredClone(p?.state()) as AccumulatorState[]);
        const merged = createAccumulators(SPECS);
        const order = first === 0 ? states : [...states].reverse();
        for (const s of order) merged?.merge(s);
        expect(merged?.result()).toEqual(expected);
      });
    }
  }

  it("keeps a picked value over an empty part's", () => {
    const a = createAccumulators(SPECS);
    a?.add(RECORDS[0] as CimRecord);
    a?.merge(createAccumulators(SPECS)?.state() ?? []);
    expect(a?.result()).toEqual(resultOf([RECORDS[0] as CimRecord]));
  });
});
