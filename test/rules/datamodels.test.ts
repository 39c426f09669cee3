import { describe, expect, it } from "vitest";
import { Aggregator } from "../../src/detect/Aggregator.js";
import { datamodelSpec, findDatamodel } from "../../src/model/datamodels.js";
import type { CimRecord } from "../../src/model/types.js";
import { compileDetection } from "../../src/rules/compileDetection.js";
import { requiredLiterals } from "../../src/rules/requiredLiterals.js";
import { withBuiltins } from "../../src/rules/spl/macros.js";
import { parseWhere } from "../../src/rules/spl/parseWhere.js";
import type { CompiledRule, FieldReader } from "../../src/rules/types.js";

const macros = withBuiltins([]);

function rule(search: string, id = "x-1"): CompiledRule {
  const r = compileDetection(
    { id, name: id, type: "TTP", search, tags: { risk_score: 10, message: "" } },
    "x.yml",
    macros,
  );
  if (r.status !== "ok") throw new Error(r.reason);
  return r.rule;
}

function reason(search: string): string {
  const r = compileDetection({ id: "x", name: "x", search }, "x.yml", macros);
  return r.status === "ok" ? "ok" : r.reason;
}

const reader =
  (fields: Record<string, string>): FieldReader =>
  (f) =>
    fields[f]?.toLowerCase();

describe("datasets: names, fields, literals", () => {
  it("finds the dataset a tstats names, Network_Traffic alone being its root dataset", () => {
    expect(findDatamodel("endpoint.registry")?.object).toBe("Registry");
    expect(findDatamodel("Network_Traffic")?.name).toBe("Network_Traffic.All_Traffic");
    expect(findDatamodel("Endpoint.Services")).toBeUndefined();
    expect(
      rule(
        "| tstats count from datamodel=Network_Traffic where All_Traffic.dest_port=9389 by All_Traffic.src",
      ).datamodel,
    ).toBe("Network_Traffic.All_Traffic");
  });

  it("checks where, by and aggregation fields against the rule's own dataset; host is everyone's", () => {
    const r = rule(
      '| tstats count values(Registry.registry_value_data) as data from datamodel=Endpoint.Registry where Registry.registry_path="*\\\\Run\\\\*" by host Registry.dest',
    );
    expect(r.datamodel).toBe("Endpoint.Registry");
    expect(r.by).toEqual(["host", "dest"]);
    expect(r.match(reader({ registry_path: "HKU\\S\\Run\\x" }))).toBe(true);
    expect(
      reason("| tstats count from datamodel=Endpoint.Filesystem by Filesystem.registry_path"),
    ).toBe("field Filesystem.registry_path is not an Endpoint.Filesystem field");
    expect(reason("| tstats count from datamodel=Endpoint.Registry by Processes.dest")).toBe(
      "field Processes.dest is not in Registry",
    );
    expect(
      reason(
        "| tstats dc(All_Traffic.process_guid) from datamodel=Network_Traffic.All_Traffic by All_Traffic.dest",
      ),
    ).toBe("field All_Traffic.process_guid is not an Network_Traffic.All_Traffic field");
    expect(
      rule("| tstats count from datamodel=Endpoint.Processes by host _time span=1h").by,
    ).toEqual(["host", "_time"]);
  });

  it("matches IPv4 networks in CIDR notation, and never requires their text", () => {
    const r = rule(
      "| tstats count from datamodel=Network_Traffic.All_Traffic where NOT All_Traffic.dest_ip IN (10.0.0.0/8, 192.168.0.0/16) All_Traffic.dest_port=443 by All_Traffic.dest",
    );
    expect(r.match(reader({ dest_ip: "10.20.30.40", dest_port: "443" }))).toBe(false);
    expect(r.match(reader({ dest_ip: "192.168.1.1", dest_port: "443" }))).toBe(false);
    expect(r.match(reader({ dest_ip: "8.8.8.8", dest_port: "443" }))).toBe(true);
    const traffic = datamodelSpec("Network_Traffic.All_Traffic");
    expect(requiredLiterals(parseWhere("All_Traffic.dest_ip=10.0.0.0/8"), traffic)).toBeNull();
    expect(requiredLiterals(parseWhere("All_Traffic.dest_ip=203.0.113.5"), traffic)).toEqual([
      "203.0.113.5",
    ]);
  });

  it("gives literal guarantees only for fields copied verbatim from the dataset's events", () => {
    const registry = datamodelSpec("Endpoint.Registry");
    expect(
      requiredLiterals(
        parseWhere('Registry.registry_path="*\\\\CurrentVersion\\\\Run*"'),
        registry,
      ),
    ).toEqual(["\\currentversion\\run"]);
    // the hive and the action are computed by the mapper, not copied
    expect(
      requiredLiterals(parseWhere('Registry.registry_hive="HKEY_CURRENT_USER"'), registry),
    ).toBeNull();
    expect(requiredLiterals(parseWhere("Registry.action=deleted"), registry)).toBeNull();
    const files = datamodelSpec("Endpoint.Filesystem");
    expect(requiredLiterals(parseWhere('Filesystem.file_name="*.js"'), files)).toBeNull();
    expect(requiredLiterals(parseWhere('Filesystem.file_name="dynwrapx.dll"'), files)).toEqual([
      "dynwrapx.dll",
    ]);
  });

  it("index keys (process_name) work for Filesystem and Registry rules too", () => {
    expect(
      rule(
        '| tstats count from datamodel=Endpoint.Filesystem where Filesystem.process_name="w3wp.exe" by Filesystem.dest',
      ).names,
    ).toEqual(["w3wp.exe"]);
  });
});

describe("join subsearches in the aggregator", () => {
  const rec = (
    datamodel: CimRecord["datamodel"],
    fields: Record<string, string>,
    line: number,
  ): CimRecord => ({
    datamodel,
    fields,
    time: Date.parse("2026-01-01T00:00:00Z") + line * 1000,
    position: { line },
  });

  it("records reach only the tstats of their own dataset; identical tstats share their groups", () => {
    const main =
      "| tstats count from datamodel=Endpoint.Processes by Processes.process_guid Processes.dest";
    const a = rule(
      `${main} | rename Processes.* as * | join process_guid [| tstats count from datamodel=Endpoint.Registry by Registry.process_guid Registry.registry_path | rename Registry.* as *]`,
      "a",
    );
    const b = rule(
      `${main} | rename Processes.* as * | join process_guid [| tstats count from datamodel=Endpoint.Filesystem by Filesystem.process_guid Filesystem.file_name | rename Filesystem.* as *]`,
      "b",
    );
    expect(a.signature).toBe(b.signature);
    expect(a.subsearches?.[0]?.signature).not.toBe(b.subsearches?.[0]?.signature);
    const agg = new Aggregator([a, b]);
    expect(agg.datamodels().sort()).toEqual([
      "Endpoint.Filesystem",
      "Endpoint.Processes",
      "Endpoint.Registry",
    ]);
    agg.add(rec("Endpoint.Processes", { process_guid: "{1}", dest: "h" }, 1));
    agg.add(rec("Endpoint.Processes", { process_guid: "{2}", dest: "h" }, 2));
    // a Registry record with a Processes-like field does not reach the Processes tstats
    agg.add(
      rec("Endpoint.Registry", { process_guid: "{3}", dest: "h", registry_path: "HKLM\\x" }, 3),
    );
    agg.add(rec("Endpoint.Registry", { process_guid: "{1}", registry_path: "HKLM\\y" }, 4));
    agg.add(rec("Endpoint.Filesystem", { process_guid: "{2}", file_name: "x.dll" }, 5));
    const f = agg.findings({ uri: "file:///x" });
    expect(
      f.map((x) => [x.detection.id, x.fields.process_guid, x.computed, x.source.first_line]),
    ).toEqual([
      ["a", "{1}", { registry_path: "HKLM\\y" }, 1],
      ["b", "{2}", { file_name: "x.dll" }, 2],
    ]);
  });

  it("a subsearch pipe that throws is a rule fault; the rule's main rows still join nothing", () => {
    const r = rule(
      '| tstats count from datamodel=Endpoint.Processes by Processes.process_guid | rename Processes.* as * | join process_guid [| tstats count from datamodel=Endpoint.Registry by Registry.process_guid Registry.registry_path | rename Registry.* as * | where match(registry_path, "(?i)" . process_guid)]',
    );
    const agg = new Aggregator([r]);
    agg.add(rec("Endpoint.Processes", { process_guid: "(" }, 1));
    agg.add(rec("Endpoint.Registry", { process_guid: "(", registry_path: "x" }, 2));
    expect(agg.findings({ uri: "file:///x" })).toEqual([]);
    expect(agg.ruleFaults().total).toBe(1);
    expect(agg.ruleFaults().samples[0]).toMatchObject({ ruleId: "x-1", offset: 2 });
  });
});
