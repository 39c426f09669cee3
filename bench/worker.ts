// One measurement in its own process, so peak RSS belongs to that case alone.
import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { fileSource } from "../src/input/fileSource.js";
import { loadMacros, loadRules } from "../src/rules/loadRules.js";
import { scanSource } from "../src/scan.js";

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

async function regexExtract(path: string): Promise<number> {
  let n = 0;
  let carry = "";
  for await (const chunk of createReadStream(path, READ)) {
    const text = carry + (chunk as Buffer).toString("utf8");
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

const cases: Record<string, (p: string) => Promise<number>> = {
  readSplit,
  regexExtract,
  gunzipOnly,
  scan,
};
const run = cases[kind];
if (!run) throw new Error(`unknown case ${kind}`);
const t0 = performance.now();
const count = await run(file);
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(
  `${JSON.stringify({ kind, seconds, count, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`,
);
