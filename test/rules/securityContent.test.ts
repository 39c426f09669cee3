import { readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { loadMacros, loadRules } from "../../src/rules/loadRules.js";
import { expandMacros, type MacroTable } from "../../src/rules/spl/macros.js";
import type { RuleLoad } from "../../src/rules/types.js";
import { FIXTURES, SHARED } from "../helpers/streams.js";

const SC = join(SHARED, "rules/security_content");
/** Every Endpoint.Processes detection that does not load, with its reason (regenerate with UPDATE_FIXTURES=1). */
const NOT_OK_FIXTURE = join(FIXTURES, "security-content-endpoint-not-ok.json");

/**
 * What stays unsupported on purpose: lookups (their tables are not shipped; also inside a join
 * or `search [...]` subsearch), a subsearch inside tstats' where clause (it is an inputlookup),
 * MLTK, transaction, and fields no CIM dataset has (`temp`, `orig_process_name`, `path`).
 */
const OUT_OF_SCOPE =
  /lookup tables are not shipped|^subsearch in tstats$|MLTK models|transaction is not supported|is not an (Endpoint\.(Processes|Filesystem|Registry)|Network_Traffic\.All_Traffic) field/;

interface Entry {
  readonly file: string;
  readonly load: RuleLoad;
  /** The tstats aggregations are only `count`, `min(_time)` and `max(_time)`. */
  readonly basic: boolean;
}

/** `fn(arg)` of each tstats aggregation, read from the expanded search head. */
function aggregations(search: string): string[] {
  const head = /tstats\s+([\s\S]*?)\s+from\s+datamodel/i.exec(search)?.[1] ?? "";
  const body = head.replace(/\b\w+=("[^"]*"|\S+)/g, " ").replace(/\s+as\s+\S+/gi, " ");
  return [...body.matchAll(/(\w+)(?:\(([^)]*)\))?/g)].map((m) => `${m[1]}(${m[2] ?? ""})`);
}

let entries: Entry[];

beforeAll(async () => {
  const macros: MacroTable = await loadMacros([join(SC, "macros")]);
  const set = await loadRules([join(SC, "detections/endpoint")], macros);
  entries = [];
  for (const load of set.loads) {
    const text = await readFile(load.file, "utf8");
    if (!/datamodel=Endpoint\.Processes/.test(text)) continue;
    const search = String((parseYaml(text) as { search?: unknown }).search ?? "");
    let expanded = search;
    try {
      expanded = expandMacros(search, macros);
    } catch {
      // the load reports the macro problem
    }
    const aggs = aggregations(expanded);
    const basic = aggs.every((a) =>
      ["count()", "count(*)", "min(_time)", "max(_time)"].includes(a),
    );
    entries.push({ file: basename(load.file), load, basic });
  }
});

describe("security_content endpoint detections, as they are", () => {
  it("loads the Endpoint.Processes detections, pipes after tstats included", () => {
    const ok = entries.filter((e) => e.load.status === "ok");
    const basic = entries.filter((e) => e.basic);
    const basicOk = basic.filter((e) => e.load.status === "ok");
    console.log(
      `security_content Endpoint.Processes: ${ok.length}/${entries.length} ok; count/min/max form: ${basicOk.length}/${basic.length} ok`,
    );
    expect(entries.length).toBe(550);
    // joins and `search [...]` subsearches over Processes, Filesystem, Registry and
    // Network_Traffic run; the 20 left need lookup tables, MLTK, transaction or non-CIM fields
    expect(ok.length).toBeGreaterThanOrEqual(530);
    expect(basicOk.length).toBeGreaterThanOrEqual(370);
  });

  it("leaves unsupported only what needs lookups, MLTK, transaction or non-CIM fields, never crashing", () => {
    const rest = entries.filter((e) => e.load.status !== "ok");
    for (const e of rest) {
      expect(e.load.status, e.file).toBe("unsupported");
      expect(e.load.status === "ok" ? "" : e.load.reason, e.file).toMatch(OUT_OF_SCOPE);
    }
  });

  it("lists every detection that does not load, with its reason", async () => {
    const rest = entries
      .filter((e) => e.load.status !== "ok")
      .map((e) => ({ file: e.file, reason: e.load.status === "ok" ? "" : e.load.reason }))
      .sort((a, b) => (a.file < b.file ? -1 : 1));
    if (process.env.UPDATE_FIXTURES === "1")
      await writeFile(NOT_OK_FIXTURE, `${JSON.stringify(rest, null, 2)}\n`);
    expect(rest).toEqual(JSON.parse(await readFile(NOT_OK_FIXTURE, "utf8")));
  });
});
