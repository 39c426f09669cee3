// EVTX parsing speed: our streamed parser against @ts-evtx/core over all of ../shared/data/evtx,
// in one run, with the record counts each returns against libevtx's (the test fixture).
// Run alone with `npx tsx bench/evtxBench.ts`.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { evtx } from "@ts-evtx/core";
import { fileSource } from "../src/input/fileSource.js";
import { parseEvtx } from "../src/parse/evtx/index.js";

const EVTX_DIR = fileURLToPath(new URL("../../shared/data/evtx/", import.meta.url));
const COUNTS = fileURLToPath(new URL("../test/fixtures/evtx-record-counts.json", import.meta.url));
/**
 * Rounds alternate the two parsers (ours `oursPerRound` passes, then one of @ts-evtx/core) so
 * both see the same load on a shared machine, until `minSeconds` have passed.
 */
const BENCH = { minSeconds: 8, minRounds: 2, oursPerRound: 8 } as const;

function evtxFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...evtxFiles(p));
    else if (entry.name.endsWith(".evtx")) out.push(p);
  }
  return out.sort();
}

type CountFile = (path: string) => Promise<number>;

/** Ours: the product's file input (a plain read stream), every event decoded in full. */
const ours: CountFile = async (path) => {
  let n = 0;
  for await (const e of parseEvtx(await fileSource(path).open(), { onIssue: () => {} })) {
    if (e.eventId >= 0) n++;
  }
  return n;
};

/** @ts-evtx/core's streaming API (`evtx(path).forEach`), which decodes EventData the same way. */
const tsEvtx: CountFile = async (path) => {
  let n = 0;
  try {
    await evtx(path).forEach((e: { eventId: number }) => {
      if (e.eventId >= 0) n++;
    });
  } catch {
    // A file it cannot read counts its records as missed.
  }
  return n;
};

interface Run {
  readonly perFile: Map<string, number>;
  events: number;
  passes: number;
  seconds: number;
  cpuSeconds: number;
}

async function pass(count: CountFile, files: readonly string[], run: Run): Promise<void> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  for (const f of files) run.events += await count(f);
  const used = process.cpuUsage(cpu);
  run.seconds += (performance.now() - wall) / 1000;
  run.cpuSeconds += (used.user + used.system) / 1e6;
  run.passes++;
}

async function measure(files: readonly string[]): Promise<[Run, Run]> {
  const runs: [Run, Run] = [ours, tsEvtx].map(() => ({
    perFile: new Map<string, number>(),
    events: 0,
    passes: 0,
    seconds: 0,
    cpuSeconds: 0,
  })) as [Run, Run];
  // Warm-up pass of each, which also gives the per-file counts.
  for (const f of files) runs[0].perFile.set(f, await ours(f));
  for (const f of files) runs[1].perFile.set(f, await tsEvtx(f));
  const start = performance.now();
  for (
    let round = 0;
    round < BENCH.minRounds || performance.now() - start < BENCH.minSeconds * 1000;
    round++
  ) {
    for (let i = 0; i < BENCH.oursPerRound; i++) await pass(ours, files, runs[0]);
    await pass(tsEvtx, files, runs[1]);
  }
  return runs;
}

export async function evtxBench(): Promise<void> {
  const files = evtxFiles(EVTX_DIR);
  const expected = (
    JSON.parse(readFileSync(COUNTS, "utf8")) as { files: Record<string, { records: number }> }
  ).files;
  const libevtx = (f: string): number => expected[relative(EVTX_DIR, f)]?.records ?? Number.NaN;
  const total = files.reduce((s, f) => s + libevtx(f), 0);
  console.log(
    `EVTX: ${files.length} files, ${total.toLocaleString("en-US")} records (libevtx evtxexport)`,
  );
  const [a, b] = await measure(files);
  const rate = (r: Run): number => r.events / r.seconds;
  const cpuRate = (r: Run): number => r.events / r.cpuSeconds;
  const sum = (r: Run): number => [...r.perFile.values()].reduce((s, n) => s + n, 0);
  const missed = (r: Run) => files.filter((f) => r.perFile.get(f) !== libevtx(f));
  const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");
  console.log(
    "\n| parser | passes | events/s (wall) | events/s (CPU) | records returned | files missing records |",
  );
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const [name, r] of [
    ["sysmon-hunt parseEvtx (file stream)", a],
    ["@ts-evtx/core 1.1.1 evtx().forEach", b],
  ] as const) {
    const line = [
      name,
      r.passes,
      fmt(rate(r)),
      fmt(cpuRate(r)),
      `${sum(r)} / ${total}`,
      missed(r).length,
    ];
    console.log(`| ${line.join(" | ")} |`);
  }
  console.log(
    `\nspeed: ${(rate(a) / rate(b)).toFixed(1)}x @ts-evtx/core by wall time, ${(cpuRate(a) / cpuRate(b)).toFixed(1)}x by CPU time (target >= 20x, no record missed)`,
  );
  for (const [name, r] of [
    ["parseEvtx", a],
    ["@ts-evtx/core", b],
  ] as const) {
    for (const f of missed(r)) {
      console.log(
        `${name} misses records in ${relative(EVTX_DIR, f)}: ${r.perFile.get(f)} of ${libevtx(f)}`,
      );
    }
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await evtxBench();
}
