import { mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadMacros, loadRules } from "../../src/rules/loadRules.js";
import { readInOrder } from "../../src/rules/readInOrder.js";

const ROOT = new URL("../../", import.meta.url).pathname;

describe("readInOrder", () => {
  it("gives every file's text in the files' order, a failed read as its error in its place", async () => {
    const dir = await mkdtemp(join(tmpdir(), "read-in-order-"));
    const files: string[] = [];
    for (let i = 0; i < 40; i++) {
      const file = join(dir, `f${i}.yml`);
      // large and small files mixed, so that reads finish out of order
      await writeFile(file, `${i}\n`.repeat(i % 3 === 0 ? 200_000 : 1));
      files.push(file);
    }
    files.splice(7, 0, join(dir, "missing.yml"));
    const out = [];
    for await (const r of readInOrder(files, 4)) out.push(r);
    expect(out.map((r) => r.file)).toEqual(files);
    const missing = out[7];
    expect(missing && "error" in missing && (missing.error as NodeJS.ErrnoException).code).toBe(
      "ENOENT",
    );
    out.splice(7, 1);
    out.forEach((r, i) => {
      expect("text" in r && r.text.slice(0, `${i}\n`.length)).toBe(`${i}\n`);
      expect("text" in r && r.text.length).toBe(`${i}\n`.length * (i % 3 === 0 ? 200_000 : 1));
    });
  });

  it("gives nothing for no files", async () => {
    const out = [];
    for await (const r of readInOrder([])) out.push(r);
    expect(out).toEqual([]);
  });

  it("lets loadRules report an unreadable rule file in its place and load the others", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rules-unreadable-"));
    const netstat = join(ROOT, "rules/endpoint/network_connection_discovery_with_netstat.yml");
    await symlink(netstat, join(dir, "a.yml"));
    await symlink(join(dir, "nowhere.yml"), join(dir, "b.yml"));
    const set = await loadRules([dir], await loadMacros([join(ROOT, "rules/macros")]));
    expect(set.loads.map((l) => [l.file, l.status])).toEqual([
      [join(dir, "a.yml"), "ok"],
      [join(dir, "b.yml"), "error"],
    ]);
    expect(set.loads[1]?.status === "error" && set.loads[1].reason).toMatch(
      /^cannot read rule: ENOENT/,
    );
  });
});
