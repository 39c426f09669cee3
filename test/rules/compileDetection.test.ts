import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileDetection } from "../../src/rules/compileDetection.js";
import { loadMacros, loadRules } from "../../src/rules/loadRules.js";
import type { CompiledRule, FieldReader } from "../../src/rules/types.js";
import { SHARED } from "../helpers/streams.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const macros = await loadMacros([join(ROOT, "rules/macros")]);

function doc(search: string, extra: Record<string, unknown> = {}) {
  return {
    id: "x-1",
    name: "X",
    type: "TTP",
    search,
    tags: { risk_score: 40, message: "m $dest$" },
    ...extra,
  };
}

const HEAD =
  "| tstats `security_content_summariesonly` count min(_time) as firstTime max(_time) as lastTime from datamodel=Endpoint.Processes";

function reader(fields: Record<string, string>): FieldReader {
  return (f) => fields[f]?.toLowerCase();
}

function compile(search: string, extra?: Record<string, unknown>) {
  return compileDetection(doc(search, extra), "x.yml", macros);
}

function rule(search: string): CompiledRule {
  const r = compile(search);
  if (r.status !== "ok") throw new Error(r.reason);
  return r.rule;
}

describe("compileDetection", () => {
  it("compiles the tstats form with by-fields, fillnull and literals", () => {
    const r = rule(
      `${HEAD} where Processes.process_name=netstat.exe Processes.process=*-a* by Processes.dest Processes.user | \`drop_dm_object_name(Processes)\` | \`security_content_ctime(firstTime)\` | \`x_filter\``,
    );
    expect(r.by).toEqual(["dest", "user"]);
    expect(r.fillnull).toBe("null");
    expect(r.literals).toEqual(["netstat.exe"]);
    expect(r.match(reader({ process_name: "NETSTAT.EXE", process: "netstat -ano" }))).toBe(true);
    expect(r.match(reader({ process_name: "NETSTAT.EXE", process: "netstat -na" }))).toBe(false);
    expect(r.match(reader({ process: "netstat -a" }))).toBe(false);
  });

  it("applies missing-field semantics: f!=v false, NOT f=v true", () => {
    const ne = rule(`${HEAD} where Processes.user!=SYSTEM by Processes.dest`);
    const not = rule(`${HEAD} where NOT Processes.user=SYSTEM by Processes.dest`);
    expect(ne.match(reader({}))).toBe(false);
    expect(not.match(reader({}))).toBe(true);
    expect(ne.match(reader({ user: "system" }))).toBe(false);
    expect(not.match(reader({ user: "bob" }))).toBe(true);
    expect(rule(`${HEAD} where Processes.user=* by Processes.dest`).match(reader({}))).toBe(false);
  });

  it("reports unsupported aggregations, pipes, datamodels, fields and macros with a reason", () => {
    const cases: Array<[string, RegExp]> = [
      [
        "| tstats count avg(Processes.process_id) as p from datamodel=Endpoint.Processes by Processes.dest",
        /aggregation avg\(Processes.process_id\)/,
      ],
      [`${HEAD} by Processes.dest | lookup tools name`, /pipe "\| lookup tools name" after tstats/],
      [
        "| tstats count from datamodel=Network_Resolution.DNS by DNS.query",
        /datamodel Network_Resolution.DNS/,
      ],
      [
        "| tstats count from datamodel=Endpoint.Registry by Registry.file_name",
        /field Registry.file_name is not an Endpoint.Registry field/,
      ],
      [`${HEAD} by Processes.dest temp`, /field temp is not an Endpoint.Processes field/],
      [
        `${HEAD} by Processes.dest | join dest [| tstats count from datamodel=Endpoint.Registry by Registry.dest | join dest [| tstats count from datamodel=Endpoint.Processes by Processes.dest]]`,
        /join subsearch: pipe "\| join dest \[\|" after tstats: join inside a subsearch/,
      ],
      [
        `${HEAD} by Processes.dest | join dest [search index=main]`,
        /join subsearch: search does not start with tstats/,
      ],
      [`${HEAD} by Processes.dest | search [| inputlookup x.csv]`, /inputlookup: lookup tables/],
      [`${HEAD} where Processes.bogus=1 by Processes.dest`, /not an Endpoint.Processes field/],
      [`${HEAD} where Filesystem.file_name=1 by Processes.dest`, /not in Processes/],
      [`${HEAD} where \`no_such_macro\` by Processes.dest`, /unknown macro/],
      ["search index=win EventCode=1 | stats count by dest", /does not start with tstats/],
      [`${HEAD} by _time span=1fortnight`, /span=1fortnight/],
      [`${HEAD} by Processes.dest span=1h`, /without _time/],
    ];
    for (const [search, reason] of cases) {
      const r = compile(search);
      expect(r.status, search).toBe("unsupported");
      expect(r.status === "ok" ? "" : r.reason, search).toMatch(reason);
    }
    expect(compile(`${HEAD} where Processes.dest=1 AND by Processes.dest`).status).toBe("error");
    expect(compileDetection({ name: "n" }, "f.yml", macros)).toMatchObject({ status: "error" });
  });

  it("reads risk from tags or from an rba block", () => {
    const old = rule(`${HEAD} by Processes.dest`);
    expect(old.meta).toMatchObject({ risk_score: 40, message: "m $dest$", impact: null });
    const r = compile(`${HEAD} by Processes.dest`, {
      tags: { mitre_attack_id: ["T1049"], analytic_story: ["S"] },
      rba: {
        message: "new $user$",
        risk_objects: [
          { field: "dest", type: "system", score: 25 },
          { field: "user", type: "user", score: 49 },
        ],
      },
    });
    expect(r.status === "ok" && r.rule.meta).toMatchObject({
      risk_score: 49,
      message: "new $user$",
      mitre_attack_id: ["T1049"],
    });
  });
});

describe("values, dc, latest and time buckets", () => {
  it("compiles the aggregations and the span", () => {
    const r = rule(
      "| tstats count min(_time) as firstTime values(Processes.process) as process dc(Processes.user) as users latest(Processes.process_id) count(Processes.parent_process) from datamodel=Endpoint.Processes where Processes.process_name=x.exe by _time span=30m Processes.dest | `drop_dm_object_name(Processes)`",
    );
    expect(r.by).toEqual(["_time", "dest"]);
    expect(r.span).toBe(30 * 60_000);
    expect(r.aggregates).toEqual([
      { fn: "values", field: "process", as: "process" },
      { fn: "dc", field: "user", as: "users" },
      { fn: "latest", field: "process_id", as: "latest(process_id)" },
      { fn: "count", field: "parent_process", as: "count(parent_process)" },
    ]);
  });
});

describe("loadRules", () => {
  it("names the file that first held a detection id a second file repeats", async () => {
    const shipped = join(ROOT, "rules/endpoint/network_connection_discovery_with_netstat.yml");
    const copy = join(
      SHARED,
      "rules/security_content/detections/endpoint/network_connection_discovery_with_netstat.yml",
    );
    const set = await loadRules([shipped, copy], await loadMacros([join(ROOT, "rules/macros")]));
    expect(set.loads.map((l) => l.status)).toEqual(["ok", "error"]);
    expect(set.loads[1]).toMatchObject({
      reason: `duplicate detection id (first loaded from ${shipped})`,
    });
  });

  it("loads the shipped rules", async () => {
    const set = await loadRules([join(ROOT, "rules")], macros);
    expect(set.loads.map((l) => l.status)).toEqual(["ok", "ok"]);
    expect(set.rules.map((r) => r.meta.id).sort()).toEqual([
      "2cf5cc25-f39a-436d-a790-4857e5995ede",
      "e02af35c-1de5-4afe-b4be-f45aba57272b",
    ]);
  });

  it("runs the upstream security_content files of the two hunts with upstream macros", async () => {
    const sc = join(SHARED, "rules/security_content");
    const problems: string[] = [];
    const upstream = await loadRules(
      [
        join(sc, "detections/endpoint/network_connection_discovery_with_netstat.yml"),
        join(sc, "detections/endpoint/getnettcpconnection_with_powershell.yml"),
      ],
      await loadMacros([join(sc, "macros")], (file, reason) => problems.push(`${file}: ${reason}`)),
    );
    // One upstream macro file (base64decode.yml) is not valid YAML; it is reported, not fatal.
    expect(problems.length).toBeGreaterThan(0);
    expect(upstream.loads.map((l) => l.status)).toEqual(["ok", "ok"]);
    const ours = await loadRules([join(ROOT, "rules")], macros);
    const key = (r: CompiledRule) => [
      r.meta.id,
      r.meta.name,
      r.by.join(","),
      r.meta.risk_score,
      r.meta.message,
    ];
    expect(upstream.rules.map(key).sort()).toEqual(ours.rules.map(key).sort());
  });

  it("reports a broken YAML file and a duplicate id without throwing", async () => {
    const { mkdtemp, writeFile, copyFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const dir = await mkdtemp(join(tmpdir(), "rules-"));
    await writeFile(join(dir, "a.yml"), "name: [unclosed\n");
    await copyFile(
      join(ROOT, "rules/endpoint/network_connection_discovery_with_netstat.yml"),
      join(dir, "b.yml"),
    );
    await copyFile(
      join(ROOT, "rules/endpoint/network_connection_discovery_with_netstat.yml"),
      join(dir, "c.yml"),
    );
    const set = await loadRules([dir], macros);
    expect(
      set.loads.map((l) => [l.status, l.status === "ok" ? "" : l.reason.slice(0, 20)]),
    ).toEqual([
      ["error", "cannot read rule: Fl"],
      ["ok", ""],
      ["error", "duplicate detection "],
    ]);
  });
});
