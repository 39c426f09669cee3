// Sigma rule cost: load/compile time of the SigmaHQ Windows rules, and scan speed of the bench
// corpus (real Sysmon XML) with them beside the shipped rules. `npx tsx bench/sigma.ts [MB]`.
import { execSync } from "node:child_process";
import { createReadStream, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fileSource } from "../src/input/fileSource.js";
import { loadMacros, loadRules } from "../src/rules/loadRules.js";
import { compileSigmaRule } from "../src/rules/sigma/compileSigmaRule.js";
import { loadSigmaRules } from "../src/rules/sigma/loadSigmaRules.js";
import { readSigmaYaml } from "../src/rules/sigma/readSigmaYaml.js";
import type { SigmaRule } from "../src/rules/sigma/types.js";
import { scanSource } from "../src/scan.js";
import { BENCH_DIR, buildCorpus } from "./corpus.js";

const SIGMA = fileURLToPath(new URL("../../shared/rules/sigma/rules/windows/", import.meta.url));
const ROOT = fileURLToPath(new URL("../rules/", import.meta.url));

const files = execSync(`find '${SIGMA}' -name '*.yml'`).toString().trim().split("\n");
const texts = files.map((f) => readFileSync(f, "utf8"));
let t = performance.now();
const docs = texts.map((x) => readSigmaYaml(x));
const yamlMs = performance.now() - t;
t = performance.now();
let compiled = 0;
docs.forEach((ds, i) => {
  for (const d of ds) {
    try {
      compileSigmaRule(d, files[i] as string);
      compiled++;
    } catch {}
  }
});
const compileMs = performance.now() - t;
console.log(
  `SigmaHQ Windows: ${files.length} files, ${compiled} rules compiled; YAML ${yamlMs.toFixed(0)} ms, compile ${compileMs.toFixed(0)} ms`,
);

const all = (await loadSigmaRules([SIGMA])).rules;
const processCreation = all.filter((r) => r.meta.logsource.category === "process_creation");
const shipped = await loadRules([ROOT], await loadMacros([join(ROOT, "macros")]));

// A slice of the corpus (default 60 MB) keeps the three runs short on a shared machine.
const mb = Number(process.argv[2] ?? "60");
const corpus = await buildCorpus();
const slice = join(BENCH_DIR, `corpus-${mb}MB.xml.log`);
await new Promise<void>((resolve, reject) => {
  const chunks: Buffer[] = [];
  let n = 0;
  const s = createReadStream(corpus.plain, { end: mb * 1024 * 1024 - 1 });
  s.on("data", (c) => {
    chunks.push(c as Buffer);
    n += (c as Buffer).length;
  });
  s.on("end", async () => {
    const buf = Buffer.concat(chunks, n);
    await writeFile(slice, buf.subarray(0, buf.lastIndexOf(10) + 1));
    resolve();
  });
  s.on("error", reject);
});

async function run(name: string, sigmaRules: readonly SigmaRule[]): Promise<void> {
  const start = performance.now();
  const r = await scanSource(fileSource(slice), { rules: shipped.rules, sigmaRules });
  const s = (performance.now() - start) / 1000;
  const bytes = r.summary.bytes / 1024 / 1024;
  console.log(
    `| ${name} | ${sigmaRules.length} | ${(bytes / s).toFixed(1)} | ${Math.round(r.summary.events / s).toLocaleString("en-US")} | ${r.findings.length} | ${r.summary.ruleFaults} |`,
  );
}

console.log(
  "\n| case | Sigma rules | MB/s | events/s | findings | rule faults |\n|---|---:|---:|---:|---:|---:|",
);
await run("shipped rules only", []);
await run("+ SigmaHQ process_creation", processCreation);
await run("+ all SigmaHQ Windows", all);
