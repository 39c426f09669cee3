import { createReadStream, createWriteStream, existsSync, statSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { createGzip } from "node:zlib";

export const SHARED_XML = fileURLToPath(
  new URL("../../shared/data/xml/from-evtx/", import.meta.url),
);
export const BENCH_DIR = join(tmpdir(), "sysmon-hunt-bench");
export const CORPUS = { targetBytes: 300 * 1024 * 1024 } as const;

/**
 * The real events with what is unique to each process in a real log made unique again in each
 * repetition: the first 16 bits of every GUID (`ProcessGuid`, `ParentProcessGuid`, `LogonGuid`)
 * become the repetition number, and every `ProcessId`/`ParentProcessId` is shifted, keeping the
 * byte length. Why: repeated verbatim, one process ran ~58 times with the same GUID, which let
 * join detections (one group per process GUID) keep ~1,500 groups instead of one per process
 * event, and the many-rules case measured 3x too fast with 1/3 of the memory.
 */
function repetition(unit: string, r: number): Buffer {
  const hex = r.toString(16).padStart(4, "0");
  const text = unit
    .replace(/\{[0-9A-Fa-f]{4}/g, `{${hex}`)
    .replace(/(ProcessId['"]>)(\d+)</g, (_m, tag: string, digits: string) => {
      const shifted = String((Number(digits) + r * 7919) % 10 ** digits.length);
      return `${tag}${shifted.padStart(digits.length, "1")}<`;
    });
  return Buffer.from(text, "latin1");
}

/** Builds (once, cached in the temp dir) a >= 300 MB XML file from the real events (see `repetition`). */
export async function buildCorpus(): Promise<{ plain: string; gz: string; bytes: number }> {
  await mkdir(BENCH_DIR, { recursive: true });
  const plain = join(BENCH_DIR, "corpus-unique.xml.log");
  const gz = `${plain}.gz`;
  if (!existsSync(plain) || statSync(plain).size < CORPUS.targetBytes) {
    const names = [
      "EVTX-ATTACK-SAMPLES_all_sysmon.oneline.xml.log",
      "EVTX-to-MITRE-Attack_all_sysmon.oneline.xml.log",
      "powercat_revShell_sysmon_1_3.oneline.xml.log",
    ];
    let unit = "";
    for (const n of names) {
      // latin1: every byte one char, so UTF-8 text passes through unchanged
      const text = await readFile(join(SHARED_XML, n), "latin1");
      unit += text.endsWith("\n") ? text : `${text}\n`;
    }
    const out = createWriteStream(plain);
    let written = 0;
    for (let r = 0; written < CORPUS.targetBytes; r++) {
      const chunk = repetition(unit, r);
      if (!out.write(chunk)) await new Promise<void>((res) => out.once("drain", () => res()));
      written += chunk.length;
    }
    await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
  }
  if (!existsSync(gz) || statSync(gz).mtimeMs < statSync(plain).mtimeMs) {
    await pipeline(createReadStream(plain), createGzip({ level: 6 }), createWriteStream(gz));
  }
  return { plain, gz, bytes: statSync(plain).size };
}
