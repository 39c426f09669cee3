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

/** Builds (once, cached in the temp dir) a >= 300 MB XML file by repeating the real events. */
export async function buildCorpus(): Promise<{ plain: string; gz: string; bytes: number }> {
  await mkdir(BENCH_DIR, { recursive: true });
  const plain = join(BENCH_DIR, "corpus.xml.log");
  const gz = `${plain}.gz`;
  if (!existsSync(plain) || statSync(plain).size < CORPUS.targetBytes) {
    const names = [
      "EVTX-ATTACK-SAMPLES_all_sysmon.oneline.xml.log",
      "EVTX-to-MITRE-Attack_all_sysmon.oneline.xml.log",
      "powercat_revShell_sysmon_1_3.oneline.xml.log",
    ];
    const parts: Buffer[] = [];
    for (const n of names) {
      let b = await readFile(join(SHARED_XML, n));
      if (b[b.length - 1] !== 10) b = Buffer.concat([b, Buffer.from("\n")]);
      parts.push(b);
    }
    const unit = Buffer.concat(parts);
    const out = createWriteStream(plain);
    let written = 0;
    while (written < CORPUS.targetBytes) {
      if (!out.write(unit)) await new Promise<void>((r) => out.once("drain", () => r()));
      written += unit.length;
    }
    await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
  }
  if (!existsSync(gz) || statSync(gz).mtimeMs < statSync(plain).mtimeMs) {
    await pipeline(createReadStream(plain), createGzip({ level: 6 }), createWriteStream(gz));
  }
  return { plain, gz, bytes: statSync(plain).size };
}
