import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { compileDetection } from "../../../../src/rules/compileDetection.js";
import { loadMacros } from "../../../../src/rules/loadRules.js";
import {
  compilePipes,
  type GroupInput,
  type Pipeline,
  type RowSpec,
} from "../../../../src/rules/spl/eval/pipeline.js";
import type { CompiledRule } from "../../../../src/rules/types.js";
import { random } from "../../../helpers/random.js";
import { SHARED } from "../../../helpers/streams.js";
import { PROCESS_ROW_SPEC } from "./rowSpec.js";

const SPEC: RowSpec = { ...PROCESS_ROW_SPEC, by: [...PROCESS_ROW_SPEC.by, "_time"] };

const T0 = Date.parse("2024-03-01T10:00:00Z");

/** Groups of `by.length` by-values, with counts, times (some missing) and aggregations. */
function groups(seed: number, by: number, aggregates: readonly string[]): GroupInput[] {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] as T;
  return Array.from({ length: 12 }, () => {
    const t = next() < 0.15 ? Number.NaN : T0 + Math.floor(next() * 1e9);
    return {
      by: Array.from({ length: by }, () => pick(["host1", "cmd.exe", "1709280000", "null", "é ü"])),
      count: 1 + Math.floor(next() * 50),
      minTime: t,
      maxTime: Number.isNaN(t) ? t : t + Math.floor(next() * 1e6),
      aggregates: Object.fromEntries(aggregates.map((a) => [a, pick([["a", "b"], 3, null, "x"])])),
    };
  });
}

const noFault = (_group: number, err: unknown) => {
  throw err;
};

/** The same pipes and one more that changes nothing but keeps `run` on its general path. */
function bothWays(pipes: readonly string[], spec: RowSpec = SPEC): [Pipeline, Pipeline] {
  const general = compilePipes([...pipes, "eval __never=null"], spec);
  expect(general.timeOnly).toBe(false);
  return [compilePipes(pipes, spec), general];
}

const DROP = "rename Processes.* as *";
const CTIME = (f: string) => `convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(${f})`;

describe("time-only pipes", () => {
  it("give what the general path gives for drop_dm_object_name and ctime of the times", () => {
    for (const pipes of [
      [DROP, CTIME("firstTime"), CTIME("lastTime")],
      [DROP],
      [CTIME("lastTime"), DROP],
      ["rename Processes.dest as dest", CTIME("firstTime")],
      [],
    ]) {
      const [fast, general] = bothWays(pipes);
      expect(fast.timeOnly, pipes.join(" | ")).toBe(true);
      for (let seed = 1; seed <= 20; seed++) {
        const gs = groups(seed, SPEC.by.length, ["process_ids"]);
        expect(fast.run(gs, noFault), `${pipes.join(" | ")} seed ${seed}`).toEqual(
          general.run(gs, noFault),
        );
      }
    }
  });

  it("are not taken for pipes that filter, write, keep, regroup, or touch other fields", () => {
    for (const pipes of [
      [DROP, "where count > 1"],
      [DROP, "search process_name=cmd.exe"],
      [DROP, "eval x=1"],
      [DROP, "table dest count"],
      [DROP, "fields - process"],
      [DROP, "stats sum(count) as count by dest"],
      [DROP, "dedup dest"],
      ["rename Processes.dest as firstTime"],
      ["rename Processes.dest as host", CTIME("firstTime")],
      ["rename count as hits"],
      [DROP, "rename dest as process"],
      [CTIME("Processes.dest")],
      [DROP, CTIME("_time")],
      [`${CTIME("firstTime")} as first`],
    ])
      expect(compilePipes(pipes, SPEC).timeOnly, pipes.join(" | ")).toBe(false);
    // a renamed by-field onto an aggregation's name
    const clash: RowSpec = { ...SPEC, aggregates: [{ raw: "process", out: "process" }] };
    expect(compilePipes([DROP], clash).timeOnly).toBe(false);
  });

  it("give what the general path gives for every security_content endpoint detection that takes them", async () => {
    const sc = join(SHARED, "rules/security_content");
    const macros = await loadMacros([join(sc, "macros")]);
    const dir = join(sc, "detections/endpoint");
    const compile = (doc: Record<string, unknown>, file: string): CompiledRule | undefined => {
      const load = compileDetection(doc, file, macros);
      return load.status === "ok" ? load.rule : undefined;
    };
    let taken = 0;
    let checked = 0;
    for (const name of (await readdir(dir)).sort()) {
      const file = join(dir, name);
      const doc = parseYaml(await readFile(file, "utf8")) as Record<string, unknown>;
      const rule = compile(doc, file);
      if (rule?.pipeline === undefined) continue;
      checked++;
      if (!rule.pipeline.timeOnly) continue;
      taken++;
      const general = compile({ ...doc, search: `${doc.search} | eval __never=null` }, file);
      expect(general?.pipeline?.timeOnly, name).toBe(false);
      const gs = groups(
        taken,
        rule.by.length,
        rule.aggregates.map((a) => a.as),
      );
      expect(rule.pipeline.run(gs, noFault), name).toEqual(general?.pipeline?.run(gs, noFault));
    }
    // most detections end in drop_dm_object_name, ctime of their times and an empty filter
    expect(checked).toBeGreaterThan(500);
    expect(taken).toBeGreaterThan(checked / 2);
  });
});
