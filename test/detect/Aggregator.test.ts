import { describe, expect, it } from "vitest";
import { Aggregator } from "../../src/detect/Aggregator.js";
import type { ProcessRecord } from "../../src/model/types.js";
import type { CompiledRule } from "../../src/rules/types.js";

function rule(
  id: string,
  match: CompiledRule["match"],
  by: CompiledRule["by"] = ["dest", "user"],
): CompiledRule {
  return {
    meta: {
      id,
      name: `Rule ${id}`,
      type: "Hunting",
      version: 1,
      status: null,
      mitre_attack_id: [],
      analytic_story: [],
      risk_score: 15,
      impact: 30,
      confidence: 50,
      message: "on $dest$ by $user$",
    },
    file: `${id}.yml`,
    datamodel: "Endpoint.Processes",
    by,
    span: null,
    aggregates: [],
    fillnull: "null",
    match,
    literals: null,
    names: null,
  };
}

function rec(fields: ProcessRecord["fields"], iso: string, line: number): ProcessRecord {
  return {
    datamodel: "Endpoint.Processes",
    fields,
    time: Date.parse(iso),
    position: { line, lastLine: line },
  };
}

describe("Aggregator (tstats count min(_time) max(_time) by ...)", () => {
  it("without fillnull_value, omits a record missing a by-field, as tstats does", () => {
    const agg = new Aggregator([{ ...rule("a", () => true), fillnull: null }]);
    agg.add(rec({ dest: "h1", user: "u" }, "2024-01-01T00:00:05Z", 10));
    agg.add(rec({ dest: "h1" }, "2024-01-01T00:00:06Z", 20));
    agg.add(rec({ user: "u" }, "2024-01-01T00:00:07Z", 30));
    const f = agg.findings({ uri: "s3://b/k" });
    expect(f.map((x) => [x.fields, x.count])).toEqual([[{ dest: "h1", user: "u" }, 1]]);
  });

  it("groups by exact by-values, fills missing ones with null, tracks count, times and lines", () => {
    const agg = new Aggregator([rule("a", () => true)]);
    agg.add(rec({ dest: "h1", user: "CORP\\bob" }, "2024-01-01T00:00:05Z", 10));
    agg.add(rec({ dest: "h1", user: "CORP\\bob" }, "2024-01-01T00:00:01Z", 20));
    agg.add(rec({ dest: "h1", user: "corp\\BOB" }, "2024-01-01T00:00:03Z", 30));
    agg.add(rec({ dest: "h1" }, "2024-01-01T00:00:02Z", 40));
    agg.add({
      datamodel: "Endpoint.Processes",
      fields: { dest: "h1" },
      time: Number.NaN,
      position: { line: 50 },
    });
    const f = agg.findings({ uri: "s3://b/k", versionId: "v1" });
    expect(
      f.map((x) => [
        x.fields,
        x.count,
        x.firstTime,
        x.lastTime,
        x.source.first_line,
        x.source.last_line,
        x.message,
      ]),
    ).toEqual([
      [
        { dest: "h1", user: "CORP\\bob" },
        2,
        "2024-01-01T00:00:01.000Z",
        "2024-01-01T00:00:05.000Z",
        10,
        20,
        "on h1 by CORP\\bob",
      ],
      [
        { dest: "h1", user: "null" },
        2,
        "2024-01-01T00:00:02.000Z",
        "2024-01-01T00:00:02.000Z",
        40,
        50,
        "on h1 by null",
      ],
      [
        { dest: "h1", user: "corp\\BOB" },
        1,
        "2024-01-01T00:00:03.000Z",
        "2024-01-01T00:00:03.000Z",
        30,
        30,
        "on h1 by corp\\BOB",
      ],
    ]);
    expect(f[0]?.source).toMatchObject({ uri: "s3://b/k", version_id: "v1" });
    // one frozen detection object for all of a rule's findings, in every scan
    expect(f[1]?.detection).toBe(f[0]?.detection);
    expect(agg.findings({ uri: "s3://b/k2" })[0]?.detection).toBe(f[0]?.detection);
    expect(Object.isFrozen(f[0]?.detection)).toBe(true);
  });

  it("buckets _time by span and computes values, dc, latest, earliest, count(field)", () => {
    const r = {
      ...rule("t", () => true, ["_time", "dest"]),
      span: 3600_000,
      aggregates: [
        { fn: "values", field: "process", as: "process" },
        { fn: "dc", field: "user", as: "users" },
        { fn: "latest", field: "process_id", as: "last_pid" },
        { fn: "earliest", field: "process_id", as: "first_pid" },
        { fn: "count", field: "user", as: "with_user" },
      ],
      meta: { ...rule("t", () => true).meta, message: "$process$ on $dest$" },
    } as CompiledRule;
    const agg = new Aggregator([r]);
    agg.add(
      rec({ dest: "h", process: "b", user: "u1", process_id: "2" }, "2024-01-01T10:59:00Z", 1),
    );
    agg.add(
      rec({ dest: "h", process: "a", user: "u1", process_id: "1" }, "2024-01-01T10:01:00Z", 2),
    );
    agg.add(rec({ dest: "h", process: "b", process_id: "3" }, "2024-01-01T10:30:00Z", 3));
    agg.add(rec({ dest: "h", process: "c", user: "u2" }, "2024-01-01T11:00:00Z", 4));
    const f = agg.findings({ uri: "x" });
    expect(f.map((x) => [x.fields, x.count, x.aggregates, x.message])).toEqual([
      [
        { _time: "2024-01-01T10:00:00.000Z", dest: "h" },
        3,
        { process: ["a", "b"], users: 1, last_pid: "2", first_pid: "1", with_user: 2 },
        "a, b on h",
      ],
      [
        { _time: "2024-01-01T11:00:00.000Z", dest: "h" },
        1,
        { process: ["c"], users: 1, last_pid: null, first_pid: null, with_user: 1 },
        "c on h",
      ],
    ]);
  });

  it("gives stable finding ids that depend on rule, by-values and source version", () => {
    const run = (versionId: string) => {
      const agg = new Aggregator([rule("a", () => true)]);
      agg.add(rec({ dest: "h1", user: "u" }, "2024-01-01T00:00:00Z", 1));
      return agg.findings({ uri: "s3://b/k", versionId })[0]?.finding_id;
    };
    expect(run("v1")).toBe(run("v1"));
    expect(run("v1")).not.toBe(run("v2"));
  });

  it("keeps going when one rule throws, counting the fault", () => {
    const agg = new Aggregator([
      rule("bad", () => {
        throw new Error("boom");
      }),
      rule("good", (read) => read("dest") === "h1"),
    ]);
    agg.add(rec({ dest: "H1", user: "u" }, "2024-01-01T00:00:00Z", 1));
    agg.add(rec({ dest: "h2", user: "u" }, "2024-01-01T00:00:00Z", 2));
    expect(agg.findings({ uri: "x" }).map((f) => f.detection.id)).toEqual(["good"]);
    expect(agg.ruleFaults()).toEqual({
      total: 2,
      samples: [
        { ruleId: "bad", message: "boom", offset: 1 },
        { ruleId: "bad", message: "boom", offset: 2 },
      ],
    });
  });
});
