import { describe, expect, it } from "vitest";
import {
  compilePipes,
  type GroupInput,
  keyHash,
  type Row,
  type RowSpec,
} from "../../../../src/rules/spl/eval/index.js";
import { parseJoin } from "../../../../src/rules/spl/eval/joinCommand.js";

/** Main rows: `by Processes.dest Processes.process_guid Processes.process_name`. */
const SPEC: RowSpec = {
  by: ["Processes.dest", "Processes.process_guid", "Processes.process_name"],
  count: ["count"],
  minTime: ["firstTime"],
  maxTime: ["lastTime"],
  aggregates: [],
  object: "Processes",
};

const T0 = Date.parse("2024-03-01T10:00:00Z");

function group(dest: string, guid: string, name: string, count = 1): GroupInput {
  return { by: [dest, guid, name], count, minTime: T0, maxTime: T0, aggregates: undefined };
}

const GROUPS: readonly GroupInput[] = [
  group("h1", "{A}", "cmd.exe", 2),
  group("h1", "{B}", "reg.exe"),
  group("h2", "{C}", "powershell.exe"),
];

const DROP = "rename Processes.* as *";

/** Runs `pipes` over GROUPS with the given subsearch rows; subsearch texts are recorded. */
function run(pipes: string[], subRows: readonly (readonly Row[])[]) {
  const texts: string[] = [];
  const pipeline = compilePipes(pipes, SPEC, {
    subsearch: (text) => {
      texts.push(text);
      return texts.length - 1;
    },
  });
  const rows = pipeline.run(
    GROUPS,
    (_i, err) => {
      throw err;
    },
    subRows,
  );
  return { rows, texts };
}

const SUB = "[| tstats count from datamodel=Endpoint.Registry by Registry.process_guid]";

describe("join: Splunk's default semantics", () => {
  it("reads options before or after the fields, and the subsearch text", () => {
    expect(parseJoin("max=0 dest process_guid [| tstats count from datamodel=x]")).toEqual({
      type: "inner",
      max: 0,
      overwrite: true,
      fields: ["dest", "process_guid"],
      subsearch: "| tstats count from datamodel=x",
    });
    expect(parseJoin("malicious_id type=inner[| tstats x]")).toMatchObject({
      type: "inner",
      fields: ["malicious_id"],
    });
    expect(parseJoin("type=outer process_guid, _time [ search a ]")).toMatchObject({
      type: "left",
      max: 1,
      fields: ["process_guid", "_time"],
      subsearch: "search a",
    });
    expect(parseJoin('type=left overwrite=false x [search "a]b" ]')).toMatchObject({
      type: "left",
      overwrite: false,
      subsearch: 'search "a]b"',
    });
    expect(() => parseJoin("usetime=true x [search a]")).toThrow(/usetime=true/);
    expect(() => parseJoin("left=L x [search a]")).toThrow(/join option left=/);
    expect(() => parseJoin("x [search a] y")).toThrow(/text after the subsearch/);
  });

  it("an inner join keeps main rows with a match and adds the first matching subsearch row", () => {
    const { rows, texts } = run(
      [DROP, `join process_guid ${SUB}`],
      [
        [
          { process_guid: "{B}", registry_path: "HKLM\\first", count: 7 },
          { process_guid: "{B}", registry_path: "HKLM\\second" },
          { process_guid: "{a}", registry_path: "case differs" },
        ],
      ],
    );
    expect(texts).toEqual([
      "| tstats count from datamodel=Endpoint.Registry by Registry.process_guid",
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.sources).toEqual([1]);
    // subsearch fields overwrite main ones (count: 1 becomes 7); new ones are computed
    expect(rows[0]?.computed).toEqual({ registry_path: "HKLM\\first" });
    expect(rows[0]?.text.count).toBe("7");
    expect(rows[0]?.variant).toBeUndefined();
  });

  it("type=outer (or left) keeps unmatched main rows as they are", () => {
    const { rows } = run(
      [DROP, `join type=outer process_guid ${SUB}`],
      [[{ process_guid: "{C}", registry_path: "HKU\\x" }]],
    );
    expect(rows.map((r) => [r.sources[0], r.computed])).toEqual([
      [0, {}],
      [1, {}],
      [2, { registry_path: "HKU\\x" }],
    ]);
  });

  it("max=0 joins every match, max=N the first N, and the rows are told apart", () => {
    const sub = [
      { process_guid: "{A}", file: "1" },
      { process_guid: "{A}", file: "2" },
      { process_guid: "{A}", file: "3" },
    ];
    const all = run([DROP, `join max=0 process_guid ${SUB}`], [sub]).rows;
    expect(all.map((r) => r.computed.file)).toEqual(["1", "2", "3"]);
    expect(new Set(all.map((r) => r.variant)).size).toBe(3);
    expect(all.every((r) => r.sources[0] === 0)).toBe(true);
    const two = run([DROP, `join max=2 process_guid ${SUB}`], [sub]).rows;
    expect(two.map((r) => r.computed.file)).toEqual(["1", "2"]);
  });

  it("overwrite=false keeps the main row's values", () => {
    const { rows } = run(
      [DROP, `join overwrite=false process_guid ${SUB}`],
      [[{ process_guid: "{A}", dest: "other", extra: "x" }]],
    );
    expect(rows[0]?.computed).toEqual({ extra: "x" });
  });

  it("matches on every join field exactly; a missing field matches nothing", () => {
    const { rows } = run(
      [DROP, `join dest process_guid ${SUB}`],
      [
        [
          { process_guid: "{A}", dest: "H1", tag: "case" },
          { process_guid: "{A}", tag: "no dest" },
          { process_guid: "{C}", dest: "h2", tag: "both" },
        ],
      ],
    );
    expect(rows.map((r) => r.computed.tag)).toEqual(["both"]);
    // a field the main rows lack (renamed away) matches nothing either
    expect(
      run(
        [DROP, "rename process_guid as guid", `join process_guid ${SUB}`],
        [[{ process_guid: "{A}" }]],
      ).rows,
    ).toEqual([]);
  });

  it("compares numbers and their text alike, and joins on _time buckets", () => {
    const { rows } = run([DROP, "eval n=1", `join n ${SUB}`], [[{ n: "1", ok: "yes" }]]);
    expect(rows).toHaveLength(3);
    const timed = compilePipes(
      [
        `rename Processes.* as *`,
        `join process_guid, _time [| tstats count from datamodel=Endpoint.Filesystem by _time span=1h Filesystem.process_guid]`,
      ],
      { ...SPEC, by: ["_time", ...SPEC.by] },
      { subsearch: () => 0 },
    ).run(
      [
        {
          ...group("h1", "{A}", "cmd.exe"),
          by: ["2024-03-01T10:00:00.000Z", "h1", "{A}", "cmd.exe"],
        },
        {
          ...group("h1", "{A}", "cmd.exe"),
          by: ["2024-03-01T11:00:00.000Z", "h1", "{A}", "cmd.exe"],
        },
      ],
      (_i, err) => {
        throw err;
      },
      [[{ _time: T0 / 1000 + 3600, process_guid: "{A}", file_name: "x.bat" }]],
    );
    expect(timed.map((r) => [r.sources[0], r.computed.file_name])).toEqual([[1, "x.bat"]]);
  });

  it("without fields, joins on every field the two rows share", () => {
    const { rows } = run(
      [DROP, "table dest process_guid", `join ${SUB}`],
      [
        [
          { dest: "h1", process_guid: "{B}", hit: "1" },
          { dest: "h9", hit: "2" },
        ],
      ],
    );
    expect(rows.map((r) => [r.sources[0], r.computed.hit])).toEqual([[1, "1"]]);
  });

  it("runs the remaining pipes on the joined rows", () => {
    const { rows } = run(
      [
        DROP,
        `join type=left process_guid ${SUB}`,
        "where isnotnull(registry_path)",
        "table dest registry_path",
      ],
      [[{ process_guid: "{C}", registry_path: "HKU\\x" }]],
    );
    expect(rows.map((r) => r.sources)).toEqual([[2]]);
  });
});

describe("search [subsearch]: a search made of the subsearch rows", () => {
  it("keeps rows matching any subsearch row on all its fields, case-insensitively", () => {
    const pipes = [
      DROP,
      "search [| tstats count from datamodel=Endpoint.Processes by Processes.dest]",
    ];
    const { rows } = run(pipes, [
      [
        { dest: "H1", process_guid: "{b}", _time: 5 },
        { dest: "h2", process_name: "nope.exe" },
      ],
    ]);
    expect(rows.map((r) => r.sources)).toEqual([[1]]);
    expect(rows[0]?.computed).toEqual({});
    expect(run(pipes, [[{ dest: "h*" }]]).rows).toHaveLength(3);
    expect(run(pipes, [[]]).rows).toEqual([]);
  });
});

describe("dedup", () => {
  const rows = (pipes: string[]) =>
    compilePipes([DROP, ...pipes], SPEC)
      .run([...GROUPS, group("h1", "{D}", "cmd.exe")], (_i, err) => {
        throw err;
      })
      .map((r) => r.sources[0]);

  it("keeps the first row of each combination, dropping rows without the fields", () => {
    expect(rows(["dedup dest"])).toEqual([0, 2]);
    expect(rows(["dedup dest process_name"])).toEqual([0, 1, 2]);
    expect(rows(["dedup 2 dest"])).toEqual([0, 1, 2]);
    expect(rows(['eval x=if(dest="h2", 1, null())', "dedup x"])).toEqual([2]);
    expect(rows(['eval x=if(dest="h2", 1, null())', "dedup x keepempty=true"])).toEqual([
      0, 1, 2, 3,
    ]);
    expect(rows(["dedup process_name consecutive=true"])).toEqual([0, 1, 2, 3]);
  });
});

describe("join pushdown: groups no subsearch key can match are dropped before their rows are built", () => {
  /** The same pipes with a no-op stage (`fields *`) in front, which turns the pushdown off. */
  const fail = (_i: number, err: unknown) => {
    throw err;
  };
  /** Runs `pipes` on the groups the prefilter keeps (as the aggregator does) and on all. */
  function both(pipes: string[], subRows: readonly Row[], pushdown = true) {
    const pipeline = compilePipes(pipes, SPEC, { subsearch: () => 0 });
    const keep = pipeline.prefilter([subRows]);
    expect(keep !== undefined, pipes.join(" | ")).toBe(pushdown);
    expect(pipeline.firstJoin?.type === "inner").toBe(pushdown);
    const kept = GROUPS.flatMap((g, i) =>
      keep === undefined || keep.test((k) => g.by[k] as string) ? [i] : [],
    );
    const fast = pipeline
      .run(
        kept.map((i) => GROUPS[i] as GroupInput),
        fail,
        [subRows],
      )
      .map((r) => ({ ...r, sources: r.sources.map((i) => kept[i] as number) }));
    expect(fast).toEqual(pipeline.run(GROUPS, fail, [subRows]));
    return fast;
  }
  const sub: Row[] = [
    { process_guid: "{B}", dest: "h1", guid: "{B}", x: "1" },
    { process_guid: "{C}", dest: "h9", guid: "{A}", x: "2" },
  ];

  it("gives the same rows through renames, copies, filters and converts", () => {
    expect(both([DROP, `join process_guid ${SUB}`], sub).map((r) => r.sources)).toEqual([[1], [2]]);
    expect(both([DROP, `join dest process_guid ${SUB}`], sub).map((r) => r.sources)).toEqual([[1]]);
    expect(
      both([DROP, "eval guid = process_guid", `join guid ${SUB}`], sub).map((r) => r.sources),
    ).toEqual([[0], [1]]);
    expect(
      both(
        [
          DROP,
          "rename process* as parent_process*",
          "rename parent_process_guid as guid",
          `join guid ${SUB}`,
        ],
        sub,
      ).map((r) => r.sources),
    ).toEqual([[0], [1]]);
    expect(
      both(
        [DROP, 'where dest="h1"', "convert ctime(firstTime)", `join process_guid ${SUB}`],
        sub,
      ).map((r) => r.sources),
    ).toEqual([[1]]);
    // the join field rewritten by eval, or moved away by rename: no pushdown, same answer
    expect(
      both([DROP, 'eval process_guid = "{B}"', `join process_guid ${SUB}`], sub, false),
    ).toHaveLength(3);
    expect(
      both([DROP, "rename process_guid as g", `join process_guid ${SUB}`], sub, false),
    ).toEqual([]);
    expect(both([DROP, "eval guid = nothing", `join guid ${SUB}`], sub, false)).toEqual([]);
    // an outer join keeps every row
    expect(both([DROP, `join type=outer process_guid ${SUB}`], sub, false)).toHaveLength(3);
  });
});

describe("search [subsearch]: exact terms by index, wildcard and multivalue ones one by one", () => {
  it("matches exact terms case-insensitively on every field, and the rest as before", () => {
    const pipes = [
      DROP,
      "search [| tstats count from datamodel=Endpoint.Processes by Processes.dest]",
    ];
    const sources = (sub: Row[]) => run(pipes, [sub]).rows.map((r) => r.sources[0]);
    expect(sources([{ dest: "H1", process_name: "REG.EXE" }])).toEqual([1]);
    expect(sources([{ dest: "h1", process_name: "reg.exe", process_guid: "{X}" }])).toEqual([]);
    expect(sources([{ dest: "h1" }, { dest: "h2", process_guid: "{c}" }])).toEqual([0, 1, 2]);
    expect(sources([{ dest: "h*", process_name: "p*" }])).toEqual([2]);
    expect(sources([{ dest: ["h2", "h9"] }])).toEqual([2]);
    expect(sources([{ process_id: "1" }])).toEqual([]);
  });
});

describe("the subsearch side: a join asks only for the keys its rows have", () => {
  const SUB_SPEC: RowSpec = {
    by: ["Registry.process_guid", "Registry.registry_path"],
    count: ["count"],
    minTime: [],
    maxTime: [],
    aggregates: [],
    object: "Registry",
  };
  const subGroup = (guid: string, path: string): GroupInput => ({
    by: [guid, path],
    count: 1,
    minTime: T0,
    maxTime: T0,
    aggregates: undefined,
  });

  it("gives a subsearch group's key when its pipes keep the field as tstats gave it", () => {
    const keep = compilePipes(
      ["rename Registry.* as *", "where count > 0", "fields process_guid registry_path"],
      SUB_SPEC,
    );
    const key = keep.groupKey(["process_guid"]);
    expect(key).not.toBeNull();
    const g = subGroup("{B}", "HKLM\\x");
    const [row] = keep.rows([g], () => {});
    expect(key?.key((i) => g.by[i] as string)).toBe(JSON.stringify([row?.process_guid]));
    // the by-field it reads, whatever the pipes renamed it to
    expect(key?.reads).toEqual(["Registry.process_guid"]);
    // its hash from the by-values is the hash of the key itself
    const byValue = (i: number) => g.by[i] as string;
    expect(key?.hash(byValue)).toBe(keyHash(key?.key(byValue) ?? ""));
    expect(key?.hash(byValue)).not.toBe(key?.hash((i) => (i === 0 ? "{C}" : (g.by[i] as string))));
    expect(keep.groupKey(["registry_value_data"])).toBeNull();
    expect(
      compilePipes(["rename Registry.* as *", "table registry_path"], SUB_SPEC).groupKey([
        "process_guid",
      ]),
    ).toBeNull();
    expect(
      compilePipes(
        ["rename Registry.* as *", "eval process_guid = lower(process_guid)"],
        SUB_SPEC,
      ).groupKey(["process_guid"]),
    ).toBeNull();
    expect(
      compilePipes(["rename Registry.* as *", "stats count by process_guid"], SUB_SPEC).groupKey([
        "process_guid",
      ]),
    ).toBeNull();
  });

  it("the join passes the keys of its rows, and uses the rows it gets", () => {
    const asked: Array<readonly string[]> = [];
    const rows = compilePipes([DROP, `join process_guid ${SUB}`], SPEC, { subsearch: () => 0 }).run(
      GROUPS,
      (_i, err) => {
        throw err;
      },
      (_k, need) => {
        asked.push([...(need?.keys ?? [])]);
        return [{ process_guid: "{C}", registry_path: "HKU\\y" }];
      },
    );
    expect(asked).toEqual([
      [JSON.stringify(["{A}"]), JSON.stringify(["{B}"]), JSON.stringify(["{C}"])],
    ]);
    expect(rows.map((r) => [r.sources, r.computed])).toEqual([[[2], { registry_path: "HKU\\y" }]]);
  });
});
