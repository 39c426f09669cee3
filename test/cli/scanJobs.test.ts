import { copyFile, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { type CliRun, ROOT, runCli } from "./runCli.js";

const SHARED = join(ROOT, "../shared/data");
const FIXTURE = join(ROOT, "test/fixtures/xml/t1049_hunts.log");
const BIG = join(SHARED, "xml/from-evtx/EVTX-ATTACK-SAMPLES_all_sysmon.oneline.xml.log");
const POSITIVE = join(ROOT, "rules/tests/network_connection_discovery_with_netstat/positive.log");
/**
 * Named so the folder walk (sorted by name) interleaves formats and puts the corrupt file mid-way.
 * The first input (written by `folder`) is 42 MB of events then the fixture's, so it finishes after
 * the small files behind it yet its findings must still come first.
 */
const INPUTS = {
  "b-discovery_enum_shares.evtx": join(
    SHARED,
    "evtx/EVTX-ATTACK-SAMPLES/Discovery/discovery_enum_shares_target_sysmon_3_18.evtx",
  ),
  "c-sample-sysmon.log": join(ROOT, "events/logs/sample-sysmon.log"),
  "e-powercat.xml.log": join(SHARED, "xml/from-evtx/powercat_revShell_sysmon_1_3.oneline.xml.log"),
  "f-sysmon.evtx": join(SHARED, "evtx/omerbenamram-evtx/sysmon.evtx"),
  "g-runonce.log": join(
    SHARED,
    "xml/attack_data/datasets/attack_techniques/T1547.001/atomic_red_team/t1547001-runonce.log",
  ),
  "h-t1049_hunts-again.log": FIXTURE,
} as const;

/** Only the wall time in the summary may differ between runs. */
const untimed = (stderr: string) => stderr.replace(/ in \d+\.\d+ s/g, " in <t> s");

async function folder(withCorrupt: boolean): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "cli-jobs-"));
  const big = await readFile(BIG);
  const first = Buffer.concat([...Array(8).fill(big), await readFile(FIXTURE)]);
  await writeFile(join(dir, "a-big-then-hunts.log"), first);
  for (const [name, from] of Object.entries(INPUTS)) await copyFile(from, join(dir, name));
  if (withCorrupt) {
    const gz = gzipSync(await readFile(FIXTURE));
    await writeFile(join(dir, "d-evidence.log.gz"), gz.subarray(0, gz.length >> 1));
  }
  return dir;
}

async function bothModes(args: readonly string[]): Promise<{ one: CliRun; three: CliRun }> {
  const [one, three] = await Promise.all([
    runCli(["scan", "--jobs", "1", ...args]),
    runCli(["scan", "--jobs", "3", ...args]),
  ]);
  return { one, three };
}

describe("sysmon-hunt scan --jobs", () => {
  let clean: string;
  let corrupt: string;
  beforeAll(async () => {
    clean = await folder(false);
    corrupt = await folder(true);
  });

  it("prints the same findings, summary and exit code with 3 workers as in-process", async () => {
    const { one, three } = await bothModes(["--format", "jsonl", "--fail-on-findings", clean]);
    expect(one.code).toBe(1);
    const lines = one.stdout.trim().split("\n");
    // Findings come in input order: the slow first file's, ..., the last file's 7.
    const uris = lines.map((l) => (JSON.parse(l) as { source: { uri: string } }).source.uri);
    expect(uris[0]).toBe(pathToFileURL(join(clean, "a-big-then-hunts.log")).href);
    expect(uris.slice(-7)).toEqual(
      Array(7).fill(pathToFileURL(join(clean, "h-t1049_hunts-again.log")).href),
    );
    expect(three.stdout).toBe(one.stdout);
    expect(untimed(three.stderr)).toBe(untimed(one.stderr));
    expect(one.stderr).toMatch(/^Scanned 7 file\(s\)/);
    expect(three.code).toBe(one.code);
  });

  it("names a corrupt input in the same one-line error and exits 2 in both modes", async () => {
    const { one, three } = await bothModes(["--format", "json", corrupt]);
    const bad = pathToFileURL(join(corrupt, "d-evidence.log.gz")).href;
    const line = `sysmon-hunt: ${bad}: gzip stream is corrupt or truncated`;
    for (const r of [one, three]) {
      expect(r.code).toBe(2);
      expect(r.stderr.split("\n")[0]?.slice(0, line.length)).toBe(line);
      // The files after the corrupt one are still scanned and reported.
      expect(r.stdout).toContain("h-t1049_hunts-again.log");
    }
    expect(three.stdout).toBe(one.stdout);
    expect(untimed(three.stderr)).toBe(untimed(one.stderr));
  });

  it("splits one XML input over 3 workers with the same output as in-process, from a file and gzipped on stdin", async () => {
    // 42 MB: about ten 4 MiB pieces, with every SigmaHQ process_creation rule beside the hunts
    const big = join(clean, "a-big-then-hunts.log");
    const sigma = ["--rules", join(ROOT, "../shared/rules/sigma/rules/windows/process_creation")];
    const { one, three } = await bothModes(["--format", "jsonl", ...sigma, big]);
    expect(one.code).toBe(0);
    expect(one.stdout.trim().split("\n").length).toBeGreaterThan(100);
    expect(three.stdout).toBe(one.stdout);
    expect(untimed(three.stderr)).toBe(untimed(one.stderr));
    const gz = gzipSync(await readFile(big));
    const [inOne, inThree] = await Promise.all(
      ["1", "3"].map((jobs) =>
        runCli(["scan", "--jobs", jobs, "--format", "jsonl", ...sigma, "-"], gz),
      ),
    );
    expect(inOne?.stdout.split("\n").length).toBe(one.stdout.split("\n").length);
    expect(inThree?.stdout).toBe(inOne?.stdout);
    expect(untimed(inThree?.stderr ?? "")).toBe(untimed(inOne?.stderr ?? ""));
    // four CLI runs, each loading 1,183 Sigma rules: ~20 s on a quiet 2-core machine
  }, 120_000);

  it("keeps what was read of a gzip that fails its CRC check or is cut short, the same with --jobs 2, and scans the next input", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cli-broken-gz-"));
    const positive = await readFile(POSITIVE);
    const gz = gzipSync(Buffer.concat([positive, await readFile(BIG), positive]));
    const crc = join(dir, "crc.log.gz");
    const cut = join(dir, "cut.log.gz");
    // 8 zero bytes mid-way: inflates, then fails its CRC check
    await writeFile(crc, Buffer.from(gz).fill(0, gz.length >> 1, (gz.length >> 1) + 8));
    await writeFile(cut, gz.subarray(0, Math.floor(gz.length * 0.9)));
    const runs: [string, readonly string[], Buffer?][] = [
      ["incorrect data check", [crc, POSITIVE]],
      ["unexpected end of file", [cut]],
      ["unexpected end of file", ["-"], await readFile(cut)],
    ];
    for (const [reason, paths, stdin] of runs) {
      const [one, two] = await Promise.all(
        ["1", "2"].map((jobs) =>
          runCli(["scan", "--jobs", jobs, "--format", "jsonl", ...paths], stdin),
        ),
      );
      expect(one?.code, paths.join(" ")).toBe(2);
      expect(one?.stderr.split("\n")[0]).toMatch(
        new RegExp(`corrupt or truncated \\(${reason}\\)$`),
      );
      expect(one?.stdout.trim().split("\n").length).toBeGreaterThan(1);
      // an input after the broken one is scanned: its findings are there
      if (paths.includes(POSITIVE)) expect(one?.stdout).toContain(pathToFileURL(POSITIVE).href);
      expect(two?.code).toBe(one?.code);
      expect(two?.stdout).toBe(one?.stdout);
      expect(untimed(two?.stderr ?? "")).toBe(untimed(one?.stderr ?? ""));
    }
  }, 60_000);

  it("reports an event with a 50 MB value as event-too-large with --jobs 1 and 2, and reads the others", async () => {
    const lines = (await readFile(POSITIVE, "utf8")).trimEnd().split("\n");
    const first = lines[0] ?? "";
    const at = first.indexOf("</EventData>");
    const huge = `${first.slice(0, at)}<Data Name='Junk'>${"A".repeat(50 * 1024 * 1024)}</Data>${first.slice(at)}`;
    const path = join(await mkdtemp(join(tmpdir(), "cli-huge-event-")), "huge_event.log");
    await writeFile(path, [...lines.slice(0, 3), huge, ...lines.slice(3)].join("\n"));
    const [one, two] = await Promise.all(
      ["1", "2"].map((jobs) => runCli(["scan", "--jobs", jobs, "--format", "jsonl", path])),
    );
    expect(one?.stderr).toMatch(/parse errors: 1 \(event-too-large: 1\)/);
    expect(one?.stderr).toMatch(new RegExp(`, ${lines.length} events in`));
    expect(two?.stdout).toBe(one?.stdout);
    expect(untimed(two?.stderr ?? "")).toBe(untimed(one?.stderr ?? ""));
  }, 60_000);

  it("rejects a --jobs that is not a whole number from 1", async () => {
    for (const n of ["0", "two", "1.5"]) {
      const r = await runCli(["scan", "--jobs", n, FIXTURE]);
      expect(r.code, n).toBe(2);
      expect(r.stderr, n).toMatch(/^sysmon-hunt: --jobs must be a whole number/);
    }
  });
});
