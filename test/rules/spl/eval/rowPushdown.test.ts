import { describe, expect, it } from "vitest";
import {
  compilePipes,
  type GroupInput,
  type RowSpec,
} from "../../../../src/rules/spl/eval/index.js";

/** Rows of `count min(_time) as firstTime values(Processes.user) as users by dest process _time`. */
const SPEC: RowSpec = {
  by: ["Processes.dest", "Processes.process", "_time"],
  count: ["count"],
  minTime: ["firstTime"],
  maxTime: [],
  aggregates: [{ raw: "users", out: "users" }],
  object: "Processes",
};

const T0 = Date.parse("2024-03-01T10:00:00Z");
const DROP = "rename Processes.* as *";
const CTIME = 'convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(firstTime)';

function group(dest: string, process: string, count = 1): GroupInput {
  return {
    by: [dest, process, new Date(T0).toISOString()],
    count,
    minTime: T0,
    maxTime: T0,
    aggregates: { users: ["alice"] },
  };
}

const GROUPS: readonly GroupInput[] = [
  group("h1", "cmd.exe /c echo \u202Etxt.exe", 3),
  group("h1", "cmd.exe /c dir", 7),
  group("h2", "powershell.exe -enc AAAA", 1),
  group("h3", "c:\\a\\..\\..\\..\\b.exe", 9),
];

const fail = (_i: number, err: unknown) => {
  throw err;
};

/**
 * The record filter of `pipes`, checked against the pipes themselves: every group it rejects
 * gives no row (for any count or aggregation), so keeping only the groups it passes gives the
 * same rows.
 */
function filterOf(pipes: string[]) {
  const pipeline = compilePipes(pipes, SPEC);
  const filter = pipeline.recordFilter;
  if (filter === null) return null;
  // it reads only the by-values it names
  const passed = GROUPS.map((g) =>
    filter.test((i) => {
      expect(filter.reads).toContain(i);
      return g.by[i] as string;
    }),
  );
  for (const [i, g] of GROUPS.entries()) {
    if (passed[i]) continue;
    for (const count of [0, 1, 7, 1e6])
      expect(pipeline.run([{ ...g, count }], fail), `${pipes.join(" | ")} on ${g.by[1]}`).toEqual(
        [],
      );
  }
  const kept = GROUPS.filter((_g, i) => passed[i]);
  const strip = (rows: ReturnType<typeof pipeline.run>, from: readonly GroupInput[]) =>
    rows.map((r) => ({ ...r, sources: r.sources.map((s) => from[s]) }));
  expect(strip(pipeline.run(kept, fail), kept)).toEqual(strip(pipeline.run(GROUPS, fail), GROUPS));
  return passed;
}

describe("record filter: leading pipes that decide from by-values alone", () => {
  it("runs a regex, where or search on by-fields through renames, converts and evals", () => {
    expect(filterOf([CTIME, DROP, 'regex process="\\x{202E}"'])).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(
      filterOf([
        DROP,
        'eval n = mvcount(split(process, "\\.."))-1',
        "search n > 1",
        "eval later = count * 2",
      ]),
    ).toEqual([false, false, false, true]);
    // a rex field holds what it had when nothing matches: here nothing, so it is decided
    expect(filterOf([DROP, 'rex field=process "(?<x>cmd)"', "where isnotnull(x)"])).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(
      filterOf([DROP, "eval x = count", 'rex field=process "(?<x>cmd)"', "where isnotnull(x)"]),
    ).toBeNull();
    expect(filterOf([DROP, 'where match(process, "(?i)powershell") AND dest="h2"'])).toEqual([
      false,
      false,
      true,
      false,
    ]);
    // renames in front are worked out once, collisions included: `process` ends up the command line
    expect(filterOf(["rename Processes.dest as process", DROP, 'where process = "h1"'])).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(
      filterOf(["rename Processes.dest as process", DROP, 'where like(process, "cmd%")']),
    ).toEqual([true, true, false, false]);
    // `_time` is read as epoch seconds, as tstats gives it
    expect(filterOf([DROP, `where _time = ${T0 / 1000}`])).toEqual([true, true, true, true]);
    expect(filterOf([DROP, `where _time > ${T0 / 1000}`])).toEqual([false, false, false, false]);
  });

  it("stops at a filter that reads the count, a time, an aggregation or a field made from them", () => {
    expect(filterOf([DROP, "where count > 5"])).toBeNull();
    expect(filterOf([DROP, "eval c = count", "where c > 5"])).toBeNull();
    expect(filterOf([DROP, 'search users="bob"'])).toBeNull();
    expect(filterOf([CTIME, DROP, 'where like(firstTime, "2024%")'])).toBeNull();
    // a renamed count is still the count; a by-field renamed over it is a by-value again
    expect(filterOf(["rename count as n", "where n > 5"])).toBeNull();
    expect(filterOf(["rename Processes.dest as count", 'where count = "h2"'])).toEqual([
      false,
      false,
      true,
      false,
    ]);
    // only the filters before the first one that cannot be decided
    expect(filterOf([DROP, 'where dest="h1"', "where count > 5", 'where dest="h9"'])).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it("stops at pipes over all rows and at pipes of unknown effect", () => {
    expect(filterOf([DROP, "stats count by dest", 'where dest="h1"'])).toBeNull();
    expect(filterOf([DROP, "dedup dest", 'where dest="h1"'])).toBeNull();
    expect(filterOf([DROP, 'rex field=count "(?<x>\\d)"', "where isnotnull(x)"])).toBeNull();
    expect(filterOf([DROP, "eval x = 1"])).toBeNull();
  });

  it("keeps a group whose test throws (its fault is reported when findings are built)", () => {
    const pipes = [DROP, "where match(process, dest)"];
    const pipeline = compilePipes(pipes, SPEC);
    const values = ["(", "cmd.exe", "2024-03-01T10:00:00.000Z"];
    expect(() => pipeline.run([{ ...group("(", "cmd.exe"), by: values }], fail)).toThrow();
    expect(pipeline.recordFilter?.test((i) => values[i] as string)).toBe(true);
    expect(pipeline.recordFilter?.test((i) => ["zzz", "cmd.exe", values[2]][i] as string)).toBe(
      false,
    );
  });

  it("names the by-values its outcome depends on, through renames and writes", () => {
    const readsOf = (pipes: string[]) => compilePipes(pipes, SPEC).recordFilter?.reads;
    expect(readsOf([CTIME, DROP, 'regex process="\\x{202E}"'])).toEqual([1]);
    expect(readsOf([DROP, 'where match(process, "(?i)powershell") AND dest="h2"'])).toEqual([0, 1]);
    // the collision above: `process` ends up the command line
    expect(readsOf(["rename Processes.dest as process", DROP, 'where process = "h1"'])).toEqual([
      1,
    ]);
    expect(readsOf(["rename Processes.dest as host", DROP, 'where host = "h1"'])).toEqual([0]);
    expect(readsOf([DROP, 'eval n = mvcount(split(process, "\\.."))-1', "search n > 1"])).toEqual([
      1,
    ]);
    expect(readsOf([DROP, "eval n = dest", 'where n = "h1"', "where _time > 0"])).toEqual([0, 2]);
    // a field dropped before the filter reads nothing
    expect(readsOf([DROP, "fields - dest", "where isnull(dest)"])).toEqual([]);
    // the filters after the first one that cannot be decided read nothing here
    expect(readsOf([DROP, 'where dest="h1"', "where count > 5", "where process=1"])).toEqual([0]);
  });
});
