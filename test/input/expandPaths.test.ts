import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { expandPaths, type PathNotice } from "../../src/input/expandPaths.js";

async function expand(paths: readonly string[]) {
  const notices: PathNotice[] = [];
  const uris: string[] = [];
  for await (const s of expandPaths(paths, (n) => notices.push(n))) uris.push(s.uri);
  return { uris, notices };
}

const uri = (path: string) => pathToFileURL(path).href;

describe("expandPaths", () => {
  it("follows links to files and folders in a folder, reading a looping link's folder once", async () => {
    const root = await mkdtemp(join(tmpdir(), "expand-"));
    const evidence = join(root, "evidence.log");
    await writeFile(evidence, "x");
    const dir = join(root, "case");
    await mkdir(join(dir, "sub"), { recursive: true });
    await writeFile(join(dir, "sub", "b.log"), "y");
    await symlink(evidence, join(dir, "a-link.log"));
    await symlink(join(dir, "sub"), join(dir, "z-sub-link"));
    await symlink(dir, join(dir, "sub", "loop"));
    const { uris, notices } = await expand([dir]);
    expect(uris).toEqual([uri(join(dir, "a-link.log")), uri(join(dir, "sub", "b.log"))]);
    expect(notices.map((n) => n.severity)).toEqual(["warning", "warning"]);
    expect(notices.map((n) => n.message)).toEqual([
      `${uri(join(dir, "sub", "loop"))}: a link to a folder already read, skipped`,
      `${uri(join(dir, "z-sub-link"))}: a link to a folder already read, skipped`,
    ]);
  });

  it("reports an unreadable path and a dangling link as errors, and expands the rest", async () => {
    const root = await mkdtemp(join(tmpdir(), "expand-"));
    const file = join(root, "a.log");
    await writeFile(file, "x");
    const dir = join(root, "dir");
    await mkdir(dir);
    await symlink(join(root, "gone.log"), join(dir, "dangling.log"));
    const { uris, notices } = await expand([join(root, "missing.log"), file, dir]);
    expect(uris).toEqual([uri(file)]);
    expect(notices).toEqual([
      {
        severity: "error",
        message: `${uri(join(root, "missing.log"))}: no such file or directory`,
      },
      {
        severity: "error",
        message: `${uri(join(dir, "dangling.log"))}: no such file or directory`,
      },
      { severity: "warning", message: `${uri(dir)}: folder holds no files` },
    ]);
  });

  it("warns about a folder with no files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "expand-"));
    await mkdir(join(dir, "nested"));
    expect(await expand([dir])).toEqual({
      uris: [],
      notices: [{ severity: "warning", message: `${uri(dir)}: folder holds no files` }],
    });
  });
});
