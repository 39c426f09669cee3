// `npm run bench`: speed and memory of the scan, as ratios measured in one run.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { buildCorpus } from "./corpus.js";

interface Result {
  kind: string;
  seconds: number;
  count: number;
  maxRssMB: number;
  /** "many rules" only: load + compile ms, rule counts, findings. */
  loadMs?: number;
  rules?: number;
  sigmaRules?: number;
  findings?: number;
  /** sha1 of the findings' JSON: the threaded scan must find exactly what one thread does. */
  findingsSha1?: string;
  jobs?: number;
  /** "many rules" only: the second scan of the same input by the same process (warm). */
  warmSeconds?: number;
}

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));
const EVTX_BENCH = fileURLToPath(new URL("./evtxBench.ts", import.meta.url));
const TSX = fileURLToPath(new URL("../node_modules/tsx/dist/cli.mjs", import.meta.url));

function measure(kind: string, file: string, runs = 2): Result {
  // Best of `runs`: the machine is shared, the fastest run is the least disturbed one.
  let best: Result | undefined;
  let warm = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, [TSX, WORKER, kind, file], { encoding: "utf8" });
    const r = JSON.parse(out.trim().split("\n").pop() as string) as Result;
    if (best === undefined || r.seconds < best.seconds) best = r;
    if (r.warmSeconds !== undefined) warm = Math.min(warm, r.warmSeconds);
  }
  return Number.isFinite(warm) ? { ...(best as Result), warmSeconds: warm } : (best as Result);
}

const corpus = await buildCorpus();
const mb = corpus.bytes / 1024 / 1024;
console.log(
  `corpus: ${mb.toFixed(0)} MB of real Sysmon XML events (from-evtx, repeated with GUIDs and process ids unique per repetition), gzip copy alongside`,
);
const a = measure("readSplit", corpus.plain);
const b = measure("regexExtract", corpus.plain);
const b2 = measure("regexExtractLatin1", corpus.plain);
const c = measure("scan", corpus.plain);
const g = measure("gunzipOnly", corpus.gz);
const cz = measure("scan", corpus.gz);
const m = measure("manyRules", corpus.plain);
const mt = measure("manyRulesThreads", corpus.plain);
const rate = (r: Result) => mb / r.seconds;
/** A "many rules" case's second scan (see `manyRules` in worker.ts), as a row of its own. */
const warmOf = (r: Result): Result => ({ ...r, seconds: r.warmSeconds ?? Number.NaN });
const mw = warmOf(m);
const mtw = warmOf(mt);
const rows = [
  ["(a) read + split lines", a, ""],
  ["(b) regex extraction of EID 1 fields (UTF-8)", b, ""],
  ["(b2) regex extraction of EID 1 fields (latin1)", b2, ""],
  [
    "(c) scan, 2 hunts, plain XML",
    c,
    `${(rate(c) / rate(b)).toFixed(2)}x (b), ${(rate(c) / rate(b2)).toFixed(2)}x (b2)  target >= 1.00x`,
  ],
  ["    gunzip alone", g, ""],
  [
    "(c) scan, 2 hunts, gzipped XML",
    cz,
    `${(rate(cz) / rate(g)).toFixed(2)}x gunzip  target >= 0.75x`,
  ],
  [
    `(m) scan, many rules, plain XML`,
    m,
    `${(rate(m) / rate(b)).toFixed(2)}x (b), ${(rate(m) / rate(b2)).toFixed(2)}x (b2), ${(rate(m) / rate(c)).toFixed(2)}x (c)  target >= 100 MB/s`,
  ],
  [
    `(m) same, input split over ${mt.jobs} worker threads`,
    mt,
    `${(rate(mt) / rate(m)).toFixed(2)}x (m)  target >= 100 MB/s`,
  ],
  ["(m) one thread, warm: a second scan", mw, `${(rate(mw) / rate(m)).toFixed(2)}x (m)`],
  [
    `(m) ${mt.jobs} worker threads, warm: a second scan`,
    mtw,
    `${(rate(mtw) / rate(m)).toFixed(2)}x (m)  target >= 100 MB/s`,
  ],
] as const;
console.log(`\n| case | MB/s (uncompressed) | peak RSS MB | ratio |\n|---|---:|---:|---|`);
for (const [name, r, ratio] of rows) {
  console.log(`| ${name} | ${rate(r).toFixed(0)} | ${r.maxRssMB.toFixed(0)} | ${ratio} |`);
}
console.log(
  `\n(m) many rules: ${m.rules} security_content endpoint detections + ${m.sigmaRules} SigmaHQ process_creation rules; load + compile ${((m.loadMs ?? 0) / 1000).toFixed(2)} s (not in its MB/s); ${m.findings} findings`,
);
console.log(
  "(m) warm: each (m) process scans the input twice with the same rules (and worker threads); the second scan is what a warm Lambda, whose threads have scanned before, does (its RSS is the process's peak over both)",
);
console.log(
  `(m) with ${mt.jobs} worker threads (this machine's cores): ${mt.findingsSha1 === m.findingsSha1 ? "the same findings as one thread (sha1 of their JSON)" : `DIFFERENT findings from one thread: ${mt.findings} against ${m.findings}`}; its peak RSS counts every thread, each holding the rules`,
);
const peak = Math.max(c.maxRssMB, cz.maxRssMB);
console.log(
  `\nscan events: ${c.count.toLocaleString("en-US")}; peak RSS of scans ${peak.toFixed(0)} MB (target <= 150 MB)`,
);
console.log(
  "\n(b) decodes UTF-8 as a correct scanner must; (b2) is the same extraction on latin1 text, the faster and so stronger baseline (its non-ASCII values come out mis-decoded).",
);

// EVTX: our parser against @ts-evtx/core, in its own process (it prints its own table).
console.log("");
process.stdout.write(execFileSync(process.execPath, [TSX, EVTX_BENCH], { encoding: "utf8" }));
