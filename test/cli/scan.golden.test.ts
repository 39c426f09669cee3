import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "./runCli.js";

const FIXTURE = "test/fixtures/xml/t1049_hunts.log";
const GOLDEN = join(ROOT, "test/golden");
const ROOT_URI = pathToFileURL(ROOT).href.replace(/\/$/, "");

/**
 * Makes output independent of the checkout's location and of timing. A file finding's id hashes
 * its absolute URI, so ids are replaced too (their stability is tested in Aggregator.test.ts).
 */
function normalise(text: string): string {
  return text
    .replace(/\b[0-9a-f]{64}\b/g, "<finding_id>")
    .replaceAll(ROOT_URI, "file://<root>")
    .replaceAll(ROOT.replace(/\/$/, ""), "<root>")
    .replace(/ in \d+\.\d+ s/g, " in <t> s");
}

/** Compares with the golden file; `UPDATE_GOLDEN=1` rewrites it instead. */
async function golden(name: string, actual: string): Promise<void> {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN || !existsSync(path)) {
    if (!process.env.UPDATE_GOLDEN)
      throw new Error(`missing golden file ${name}; run with UPDATE_GOLDEN=1`);
    await writeFile(path, actual);
    return;
  }
  expect(actual).toBe(await readFile(path, "utf8"));
}

describe("sysmon-hunt scan golden output", () => {
  for (const format of ["json", "jsonl", "csv", "table"] as const) {
    it(`--format ${format}`, async () => {
      const r = await runCli(["scan", "--format", format, FIXTURE]);
      expect(r.code).toBe(0);
      await golden(`scan.${format === "table" ? "table.txt" : format}`, normalise(r.stdout));
    });
  }

  it("prints the summary on stderr", async () => {
    const r = await runCli([
      "scan",
      "--format",
      "jsonl",
      FIXTURE,
      "../shared/data/xml/attack_data/datasets/attack_techniques/T1547.001",
    ]);
    expect(r.code).toBe(0);
    await golden("scan.summary.txt", normalise(r.stderr));
  });
});

describe("sysmon-hunt scan exit codes and inputs", () => {
  it("exits 1 with --fail-on-findings when there are findings, 0 when there are none", async () => {
    expect((await runCli(["scan", "--fail-on-findings", "--quiet", FIXTURE])).code).toBe(1);
    const clean = await runCli([
      "scan",
      "--fail-on-findings",
      "--quiet",
      "../shared/data/xml/from-evtx/powercat_revShell_sysmon_1_3.oneline.xml.log",
    ]);
    expect(clean).toMatchObject({ code: 0, stdout: "", stderr: "" });
  });

  it("exits 2 with a one-line error naming a missing file", async () => {
    const r = await runCli(["scan", "--quiet", "no/such file.log"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `sysmon-hunt: ${ROOT_URI}/no/such%20file.log: no such file or directory\n`,
    );
  });

  it("reports an unreadable path as it is met, scans the other inputs, then exits 2", async () => {
    const r = await runCli(["scan", "--format", "jsonl", "no/such file.log", FIXTURE]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(
      `sysmon-hunt: ${ROOT_URI}/no/such%20file.log: no such file or directory`,
    );
    expect(r.stderr).toContain("Scanned 1 file(s)");
    expect(r.stdout.trim().split("\n")).toHaveLength(7);
  });

  it("exits 2 for usage errors", async () => {
    for (const args of [
      ["scan"],
      ["scan", "--bogus", FIXTURE],
      ["scan", "--format", "xml", FIXTURE],
      ["scan", "--macros", "/nonexistent-macros", FIXTURE],
      ["rules", "lint", "--macros", "/nonexistent-macros"],
      ["frobnicate"],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.split("\n")[0], args.join(" ")).toMatch(/^sysmon-hunt: /);
    }
  });

  it("reads stdin, gzipped, and writes --output", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cli-"));
    const out = join(dir, "findings.jsonl");
    const gz = gzipSync(await readFile(join(ROOT, FIXTURE)));
    const r = await runCli(["scan", "--quiet", "--output", out, "-"], gz);
    expect(r).toMatchObject({ code: 0, stdout: "" });
    const lines = (await readFile(out, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { source: { uri: string } });
    expect(lines).toHaveLength(7);
    expect(lines[0]?.source.uri).toBe("stdin:");
  });

  it("refuses an --output it cannot write with one line, before reading anything", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cli-"));
    const cases: [string, string][] = [
      [join(dir, "no/such/findings.json"), "no such file or directory"],
      [dir, "is a directory"],
    ];
    for (const [out, reason] of cases) {
      const r = await runCli(["scan", "--output", out, FIXTURE]);
      expect(r).toEqual({
        code: 2,
        stdout: "",
        stderr: `sysmon-hunt: cannot write --output ${out}: ${reason}\n`,
      });
    }
  });

  it("reports a corrupt gzip with its name, keeps the other files' findings, exits 2", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cli-"));
    const bad = join(dir, "evidence.log.gz");
    const gz = gzipSync(await readFile(join(ROOT, FIXTURE)));
    await writeFile(bad, gz.subarray(0, gz.length >> 1));
    const r = await runCli(["scan", "--format", "jsonl", FIXTURE, bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `sysmon-hunt: ${pathToFileURL(bad).href}: gzip stream is corrupt or truncated`,
    );
    expect(r.stdout.trim().split("\n").length).toBeGreaterThanOrEqual(7);
  });
});
