// EVTX parsing speed: our streamed parser against @ts-evtx/core over all of ../shared/data/evtx,
// in one run, with the record counts each returns against libevtx's (the test fixture).
// Run alone with `npx tsx bench/evtxBench.ts`.
import { readdirSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { EvtxFile, evtx } from "@ts-evtx/core";
import { fileSource } from "../src/input/fileSource.js";
import { parseEvtx } from "../src/parse/evtx/index.js";

const EVTX_DIR = fileURLToPath(new URL("../../shared/data/evtx/", import.meta.url));
const COUNTS = fileURLToPath(new URL("../test/fixtures/evtx-record-counts.json", import.meta.url));
/**
 * Rounds run every case in turn (ours `oursPerRound` passes each, @ts-evtx/core one) so all see
 * the same load on a shared machine, until `minSeconds` have passed.
 */
const BENCH = { minSeconds: 10, minRounds: 2, oursPerRound: 6, piece: 64 * 1024 } as const;

function evtxFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...evtxFiles(p));
    else if (entry.name.endsWith(".evtx")) out.push(p);
  }
  return out.sort();
}

/** Parses one file, returns its event count. */
type Case = (path: string) => Promise<number>;

/** Files held in memory for the cases that leave I/O out. */
const preloaded = new Map<string, Buffer>();

/** `bytes` as a non-seekable stream of 64 KiB pieces (as an S3 body arrives), without copying. */
async function* pieces(bytes: Buffer): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += BENCH.piece) yield bytes.subarray(i, i + BENCH.piece);
}

async function countOurs(stream: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const e of parseEvtx(stream, { onIssue: () => {} })) if (e.eventId >= 0) n++;
  return n;
}

async function countTs(path: string): Promise<number> {
  let n = 0;
  try {
    await evtx(path).forEach((e: { eventId: number }) => {
      if (e.eventId >= 0) n++;
    });
  } catch {
    // A file it cannot read counts its records as missed.
  }
  return n;
}

const CASES: readonly { name: string; ours: boolean; memory: boolean; run: Case }[] = [
  {
    name: "parseEvtx, bytes in memory, 64 KiB pieces",
    ours: true,
    memory: true,
    run: (p) => countOurs(pieces(preloaded.get(p) as Buffer)),
  },
  { name: "@ts-evtx/core, bytes in memory", ours: false, memory: true, run: countTs },
  {
    name: "parseEvtx, fs.readFile (as ts-evtx reads), 64 KiB pieces",
    ours: true,
    memory: false,
    run: async (p) => countOurs(pieces(await readFile(p))),
  },
  {
    name: "parseEvtx, product file input (fileSource stream)",
    ours: true,
    memory: false,
    run: async (p) => countOurs(await fileSource(p).open()),
  },
  { name: "@ts-evtx/core 1.1.1, evtx(path).forEach", ours: false, memory: false, run: countTs },
];

interface Tally {
  readonly perFile: Map<string, number>;
  events: number;
  passes: number;
  seconds: number;
  cpuSeconds: number;
}

/** @ts-evtx/core reads each file with `EvtxFile.open`; served from memory for the memory cases. */
const openFromDisk = EvtxFile.open.bind(EvtxFile);
function tsEvtxFromMemory(memory: boolean): void {
  EvtxFile.open = memory
    ? async (path: string) => new EvtxFile(preloaded.get(path) as Buffer)
    : openFromDisk;
}

async function pass(c: (typeof CASES)[number], files: readonly string[], t: Tally): Promise<void> {
  tsEvtxFromMemory(c.memory);
  const wall = performance.now();
  const cpu = process.cpuUsage();
  for (const f of files) t.events += await c.run(f);
  const used = process.cpuUsage(cpu);
  t.seconds += (performance.now() - wall) / 1000;
  t.cpuSeconds += (used.user + used.system) / 1e6;
  t.passes++;
}

async function measure(files: readonly string[]): Promise<Tally[]> {
  for (const f of files) preloaded.set(f, await readFile(f));
  const tallies = CASES.map(() => ({
    perFile: new Map(),
    events: 0,
    passes: 0,
    seconds: 0,
    cpuSeconds: 0,
  }));
  // Warm-up pass of each case, which also gives the per-file counts.
  for (const [i, c] of CASES.entries()) {
    tsEvtxFromMemory(c.memory);
    for (const f of files) (tallies[i] as Tally).perFile.set(f, await c.run(f));
  }
  const start = performance.now();
  for (
    let round = 0;
    round < BENCH.minRounds || performance.now() - start < BENCH.minSeconds * 1000;
    round++
  ) {
    for (const [i, c] of CASES.entries()) {
      for (let k = 0; k < (c.ours ? BENCH.oursPerRound : 1); k++)
        await pass(c, files, tallies[i] as Tally);
    }
  }
  tsEvtxFromMemory(false);
  return tallies;
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
  const tallies = await measure(files);
  const rate = (t: Tally): number => t.events / t.seconds;
  const cpuRate = (t: Tally): number => t.events / t.cpuSeconds;
  const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");
  const sum = (t: Tally): number => [...t.perFile.values()].reduce((s, n) => s + n, 0);
  const missed = (t: Tally) => files.filter((f) => t.perFile.get(f) !== libevtx(f));
  console.log(
    "\n| case | passes | events/s (wall) | events/s (CPU) | records returned | files missing records |",
  );
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const [i, c] of CASES.entries()) {
    const t = tallies[i] as Tally;
    const row = [
      c.name,
      t.passes,
      fmt(rate(t)),
      fmt(cpuRate(t)),
      `${fmt(sum(t))} / ${fmt(total)}`,
      missed(t).length,
    ];
    console.log(`| ${row.join(" | ")} |`);
  }
  const [memOurs, memTs, diskOurs, , diskTs] = tallies as [Tally, Tally, Tally, Tally, Tally];
  const ratio = (a: Tally, b: Tally): string =>
    `${(rate(a) / rate(b)).toFixed(1)}x by wall time, ${(cpuRate(a) / cpuRate(b)).toFixed(1)}x by CPU time`;
  console.log(
    `\nparsing (bytes in memory): parseEvtx ${ratio(memOurs, memTs)} @ts-evtx/core (target >= 20x)`,
  );
  console.log(`files from disk, same reads: parseEvtx ${ratio(diskOurs, diskTs)} @ts-evtx/core`);
  for (const [i, c] of CASES.entries()) {
    for (const f of missed(tallies[i] as Tally)) {
      console.log(
        `${c.name} misses records in ${relative(EVTX_DIR, f)}: ${tallies[i]?.perFile.get(f)} of ${libevtx(f)}`,
      );
    }
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await evtxBench();
}
