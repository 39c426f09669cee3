import { readdir } from "node:fs/promises";
import { join } from "node:path";

/** The files under `dir` (recursively, sorted) that `keep` accepts. */
export async function filesUnder(dir: string, keep: (path: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p, keep)));
    else if (keep(p)) out.push(p);
  }
  return out.sort();
}

/** The logs of a shared data folder: every file but licences and the nxlog JSON `.tar.gz`. */
export function isLog(path: string): boolean {
  return !path.endsWith(".tar.gz") && !path.endsWith("LICENSE");
}
