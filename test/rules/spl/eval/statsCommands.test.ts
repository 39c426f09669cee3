import { describe, expect, it } from "vitest";
import { SplSyntaxError, UnsupportedSearchError } from "../../../../src/rules/errors.js";
import {
  compilePipes,
  type GroupInput,
  type PipelineRow,
  type RowSpec,
} from "../../../../src/rules/spl/eval/index.js";

const SPEC: RowSpec = {
  by: ["Processes.dest", "Processes.user", "Processes.process"],
  count: ["count"],
  minTime: ["firstTime"],
  maxTime: ["lastTime"],
  object: "Processes",
  aggregates: [],
};

const T0 = Date.parse("2024-03-01T10:00:00Z");

function g(dest: string, user: string, process: string, minute = 0): GroupInput {
  return {
    by: [dest, user, process],
    count: 2,
    minTime: T0 + minute * 60_000,
    maxTime: T0 + minute * 60_000 + 1000,
    aggregates: undefined,
  };
}

const GROUPS = [
  g("h1", "alice", "whoami", 0),
  g("h1", "alice", "hostname", 1),
  g("h1", "bob", "ipconfig /all", 2),
  g("h2", "carol", "whoami", 3),
];

function run(pipes: string[], groups: readonly GroupInput[] = GROUPS): PipelineRow[] {
  return compilePipes(["rename Processes.* as *", ...pipes], SPEC).run(groups, (_i, err) => {
    throw err;
  });
}

describe("stats after tstats", () => {
  it("regroups rows, aggregates them and keeps track of the groups behind each row", () => {
    const rows = run([
      "stats count as n, dc(process) as procs, values(user) as users, sum(count) as events, min(firstTime) as firstTime by dest",
    ]);
    expect(rows.map((r) => [r.fields, r.sources, r.computed])).toEqual([
      [{ dest: "h1" }, [0, 1, 2], { n: 3, procs: 3, users: ["alice", "bob"], events: 6 }],
      [{ dest: "h2" }, [3], { n: 1, procs: 1, users: "carol", events: 2 }],
    ]);
    expect(rows[0]?.text).toMatchObject({
      dest: "h1",
      firstTime: String(T0 / 1000),
      users: "alice, bob",
    });
  });

  it("filters on the aggregates with where, and leaves out rows missing a by-field", () => {
    const rows = run(["stats dc(process) as procs by dest, nosuch"]);
    expect(rows).toEqual([]);
    const many = run(["stats dc(process) as procs by dest", "where procs > 2"]);
    expect(many.map((r) => r.fields)).toEqual([{ dest: "h1" }]);
  });

  it("computes avg, stdev, max, sum over eval results and names unnamed aggregations fn(field)", () => {
    const rows = run([
      "eval len=len(process)",
      "stats avg(len), stdev(len) as sd, max(len) as maxlen, list(user), range(len) by dest",
    ]);
    const h1 = rows[0]?.computed;
    expect(h1?.["avg(len)"]).toBeCloseTo((6 + 8 + 13) / 3);
    expect(h1?.sd).toBeCloseTo(Math.sqrt(((6 - 9) ** 2 + (8 - 9) ** 2 + (13 - 9) ** 2) / 2));
    expect(h1).toMatchObject({
      maxlen: 13,
      "list(user)": ["alice", "alice", "bob"],
      "range(len)": 7,
    });
    expect(rows[1]?.computed).not.toHaveProperty("sd");
  });

  it("keeps the first 100 values of list(), as Splunk does", () => {
    const spec: RowSpec = { ...SPEC, by: ["Processes.dest", "Processes.process_id"] };
    const groups = Array.from({ length: 150 }, (_, i) => ({
      by: ["h1", String(i)],
      count: 1,
      minTime: T0,
      maxTime: T0,
      aggregates: undefined,
    }));
    const rows = compilePipes(
      ["rename Processes.* as *", "stats list(process_id) as pids by dest"],
      spec,
    ).run(groups, () => {});
    const pids = rows[0]?.computed?.pids as string[];
    expect(pids).toHaveLength(100);
    expect(pids.slice(0, 3)).toEqual(["0", "1", "2"]);
  });

  it("groups by _time and shows it as ISO-8601", () => {
    const spec: RowSpec = { ...SPEC, by: ["_time", "Processes.dest"] };
    const rows = compilePipes(["stats count by _time"], spec).run(
      [
        {
          by: ["2024-03-01T10:00:00.000Z", "h1"],
          count: 1,
          minTime: T0,
          maxTime: T0,
          aggregates: undefined,
        },
      ],
      () => {},
    );
    expect(rows.map((r) => r.fields)).toEqual([{ _time: "2024-03-01T10:00:00.000Z" }]);
  });

  it("gives nothing for no rows, and rejects what it cannot compute", () => {
    expect(run(["stats count"], [])).toEqual([]);
    expect(() => run(["stats perc95(x) by dest"])).toThrow(/stats function perc95/);
    expect(() => run(["stats sum by dest"])).toThrow(/needs a field/);
    expect(() => run(["stats values(*) by dest"])).toThrow(/wildcard/);
    expect(() => run(["stats max(eval(if(x>1,1,0))) as n by dest"])).toThrow(
      UnsupportedSearchError,
    );
    expect(() => run(["stats max(x"])).toThrow(SplSyntaxError);
  });
});

describe("eventstats after tstats", () => {
  it("adds each group's aggregates to its rows without merging them", () => {
    const rows = run([
      "eventstats dc(process) as dc_processes_by_dest by dest",
      "where dc_processes_by_dest > 2",
    ]);
    expect(rows.map((r) => [r.sources, r.fields, r.computed])).toEqual([
      [[0], undefined, { dc_processes_by_dest: 3 }],
      [[1], undefined, { dc_processes_by_dest: 3 }],
      [[2], undefined, { dc_processes_by_dest: 3 }],
    ]);
  });

  it("feeds a later stats (system_information_discovery_detection's shape)", () => {
    const rows = run([
      "eventstats dc(process) as dc_processes_by_dest by dest",
      "where dc_processes_by_dest > 2",
      "stats values(process) as process min(firstTime) as firstTime max(lastTime) as lastTime by user, dest",
    ]);
    expect(rows.map((r) => [r.fields, r.sources, r.computed.process])).toEqual([
      [{ user: "alice", dest: "h1" }, [0, 1], ["hostname", "whoami"]],
      [{ user: "bob", dest: "h1" }, [2], "ipconfig /all"],
    ]);
    expect(rows[0]?.text.lastTime).toBe(String((T0 + 60_000 + 1000) / 1000));
  });

  it("a throwing row stage reports the row's group and drops only that row", () => {
    const faults: number[] = [];
    const rows = compilePipes(
      ["rename Processes.* as *", 'where match(process, "^who") OR match(user, "(?i)".dest)'],
      SPEC,
    ).run([g("(", "x", "ipconfig"), g("h1", "y", "whoami")], (i) => faults.push(i));
    expect(faults).toEqual([0]);
    expect(rows.map((r) => r.sources)).toEqual([[1]]);
  });
});
