// One measurement in its own process, so peak RSS belongs to that case alone.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { availableParallelism } from "node:os";
import { createGunzip } from "node:zlib";
import { ChunkPool, ruleIds } from "../src/chunks/ChunkPool.js";
import { fileSource } from "../src/input/fileSource.js";
import { loadMacros, loadRules } from "../src/rules/loadRules.js";
import { scanSource } from "../src/scan.js";
import { loadManyRules, MANY_RULE_FILES } from "./manyRules.js";

const [kind, file] = process.argv.slice(2) as [string, string];
const READ = { highWaterMark: 1024 * 1024 } as const;

async function readSplit(path: string): Promise<number> {
  let lines = 0;
  let carry = "";
  for await (const chunk of createReadStream(path, READ)) {
    const text = carry + (chunk as Buffer).toString("utf8");
    const parts = text.split("\n");
    carry = parts.pop() ?? "";
    lines += parts.length;
  }
  return lines + (carry.length > 0 ? 1 : 0);
}

const FIELD =
  /<Data Name=["'](Image|CommandLine|User|ParentImage|ParentCommandLine|ProcessId|ParentProcessId|OriginalFileName)["']>([^<]*)<\/Data>/g;

/**
 * The baseline a hand-written scanner would be: split lines, keep EID 1 lines, pull the fields
 * out with one regex. `utf8` decodes as a correct scanner must; `latin1` is the stronger (faster)
 * baseline: the same work on text decoded byte for byte, ~2.5x quicker to decode on this corpus
 * (most lines hold non-ASCII), though its non-ASCII values come out mis-decoded.
 */
function regexExtract(encoding: "utf8" | "latin1"): (path: string) => Promise<number> {
  return async (path) => {
    let n = 0;
    let carry = "";
    for await (const chunk of createReadStream(path, READ)) {
      const text = carry + (chunk as Buffer).toString(encoding);
      const parts = text.split("\n");
      carry = parts.pop() ?? "";
      for (const line of parts) {
        if (!/<EventID>1<\/EventID>/.test(line)) continue;
        const rec: Record<string, string> = {};
        for (const m of line.matchAll(FIELD)) rec[m[1] as string] = m[2] as string;
        if (rec.Image !== undefined) n++;
      }
    }
    return n;
  };
}

async function gunzipOnly(path: string): Promise<number> {
  let bytes = 0;
  for await (const chunk of createReadStream(path, READ).pipe(createGunzip()))
    bytes += (chunk as Buffer).length;
  return bytes;
}

async function scan(path: string): Promise<number> {
  const root = new URL("../rules/", import.meta.url).pathname;
  const rules = await loadRules([root], await loadMacros([`${root}macros`]));
  const r = await scanSource(fileSource(path), { rules: rules.rules });
  if (r.summary.status !== "ok") throw new Error(r.summary.error?.message);
  return r.summary.events;
}

/** Rule counts and load + compile time of the "many rules" cases, reported beside their speed. */
const extra: Record<string, number | string> = {};

/**
 * See `manyRules.ts`; only the scans are timed, load + compile is reported apart. With `pool`,
 * the scan splits the input over that many worker threads, timed once they hold the rules.
 * The same input is scanned twice: the first scan's time is the case's (`scanSeconds`), the
 * second's (`warmSeconds`) is a warm Lambda's, whose rules and worker threads have scanned
 * before (the JIT has compiled the hot code in every thread); both must find the same.
 */
async function manyRules(path: string, jobs = 1): Promise<number> {
  const pool = jobs > 1 ? new ChunkPool(MANY_RULE_FILES, jobs) : undefined;
  try {
    const { rules, sigmaRules, loadMs } = await loadManyRules();
    extra.loadMs = loadMs;
    extra.rules = rules.length;
    extra.sigmaRules = sigmaRules.length;
    extra.jobs = jobs;
    await pool?.ready(ruleIds(rules, sigmaRules));
    let events = 0;
    for (const round of ["scanSeconds", "warmSeconds"] as const) {
      const t1 = performance.now();
      const r = await scanSource(fileSource(path), {
        rules,
        sigmaRules,
        ...(pool === undefined ? {} : { pool }),
      });
      extra[round] = (performance.now() - t1) / 1000;
      if (r.summary.status !== "ok") throw new Error(r.summary.error?.message);
      // finding by finding: one JSON text of them all (~88 MB) was most of the case's peak RSS
      const hash = createHash("sha1");
      for (const f of r.findings) hash.update(JSON.stringify(f));
      const sha1 = hash.digest("hex");
      if (extra.findingsSha1 !== undefined && extra.findingsSha1 !== sha1)
        throw new Error("the second scan found other findings than the first");
      extra.findings = r.findings.length;
      extra.findingsSha1 = sha1;
      events = r.summary.events;
    }
    return events;
  } finally {
    await pool?.close();
  }
}

const cases: Record<string, (p: string) => Promise<number>> = {
  readSplit,
  regexExtract: regexExtract("utf8"),
  regexExtractLatin1: regexExtract("latin1"),
  gunzipOnly,
  scan,
  manyRules: (p) => manyRules(p),
  manyRulesThreads: (p) => manyRules(p, availableParallelism()),
};
const run = cases[kind];
if (!run) throw new Error(`unknown case ${kind}`);
const t0 = performance.now();
const count = await run(file);
const seconds = (extra.scanSeconds as number | undefined) ?? (performance.now() - t0) / 1000;
const maxRssMB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ kind, seconds, count, maxRssMB, ...extra })}\n`);
