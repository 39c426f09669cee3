// CPU profile of the "many rules" scan alone (rules load first, unprofiled):
// `npx tsx bench/profile.ts [corpus file] [out.cpuprofile|-] [all|sigma|sc|processes]` (`-`: no profile,
// the speed alone), then open the file in Chrome
// DevTools (Performance) or read it with any `.cpuprofile` viewer.
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { fileSource } from "../src/input/fileSource.js";
import { scanSource } from "../src/scan.js";
import { buildCorpus } from "./corpus.js";
import { loadManyRules } from "./manyRules.js";

const file = process.argv[2] ?? (await buildCorpus()).plain;
const out = process.argv[3] ?? "many-rules.cpuprofile";
const only = process.argv[4] ?? "all";
const many = await loadManyRules();
const rules =
  only === "sigma"
    ? []
    : only === "processes"
      ? many.rules.filter(
          (r) =>
            r.datamodel === "Endpoint.Processes" &&
            (r.subsearches ?? []).every((s) => s.datamodel === "Endpoint.Processes"),
        )
      : many.rules;
const sigmaRules = only === "sc" ? [] : many.sigmaRules;
const session = new Session();
if (out !== "-") {
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
}
const t0 = performance.now();
const cpu0 = process.cpuUsage();
// MEMTRACE=1: heap, external memory and RSS every ~50 MB read, to see what a peak is made of.
let nextMark = 0;
const onBytes =
  process.env.MEMTRACE === undefined
    ? undefined
    : (n: number) => {
        if (n < nextMark) return;
        nextMark = n + 50 * 1024 * 1024;
        const m = process.memoryUsage();
        const mb = (x: number) => (x / 1048576).toFixed(0);
        console.log(
          `${mb(n)} MB read: rss ${mb(m.rss)} heapUsed ${mb(m.heapUsed)} heapTotal ${mb(m.heapTotal)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)}`,
        );
      };
const r = await scanSource(fileSource(file), {
  rules,
  sigmaRules,
  ...(onBytes ? { onBytes } : {}),
});
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
if (out !== "-") {
  const { profile } = await session.post("Profiler.stop");
  await writeFile(out, JSON.stringify(profile));
}
console.log(
  `${(r.summary.bytes / 1024 / 1024 / seconds).toFixed(1)} MB/s (${(r.summary.bytes / 1024 / 1024 / cpuSeconds).toFixed(1)} per CPU second), ${r.findings.length} findings, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB; profile in ${out}`,
);
