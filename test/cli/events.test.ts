import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { makeTar, makeZip } from "../helpers/archives.js";
import { SHARED } from "../helpers/streams.js";
import { runCli } from "./runCli.js";

const SIGMA_CASE = join(
  SHARED,
  "data/sigma-regression/rules/windows/process_creation/proc_creation_win_driverquery_recon/9fc3072c-dc8f-4bf7-b231-18950000fadd",
);
const XML = `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4688</EventID><TimeCreated SystemTime='2024-01-02T03:04:05.000Z'/><EventRecordID>9</EventRecordID><Channel>Security</Channel><Computer>wks1</Computer></System><EventData><Data Name='NewProcessName'>C:\\Windows\\System32\\NETSTAT.EXE</Data><Data Name='CommandLine'>netstat -a</Data></EventData></Event>\n`;
const NXLOG = [
  '{"EventTime":"2020-08-01 05:46:46","Hostname":"h1","EventID":1,"SourceName":"Microsoft-Windows-Sysmon","RecordNumber":5,"Channel":"Microsoft-Windows-Sysmon/Operational","SourceModuleType":"im_msvistalog","Image":"C:\\\\x.exe","CommandLine":"x -a"}',
  '{"EventID":2,"truncated',
  '{"EventID":3,"SourceName":"Microsoft-Windows-Sysmon","Hostname":"h1"}',
].join("\n");

interface DumpEvent {
  Event: {
    System: { EventID: number; Computer: string; EventRecordID?: number };
    EventData: Record<string, string> | null;
  };
}

async function inputs(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "sysmon-hunt-events-"));
  await writeFile(join(dir, "a-nxlog.zip"), makeZip([{ name: "nxlog.json", data: NXLOG }]));
  await writeFile(
    join(dir, "b-security.tgz"),
    gzipSync(makeTar([{ name: "security.xml", data: XML }])),
  );
  await writeFile(join(dir, "c-sigma.json"), await readFile(`${SIGMA_CASE}.json`));
  return dir;
}

describe("sysmon-hunt events", () => {
  it("prints every event of any input as evtx_dump JSON lines, and a summary per input", async () => {
    const dir = await inputs();
    const r = await runCli(["events", dir]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    const events = lines.map((l) => JSON.parse(l) as DumpEvent);
    expect(events.map((e) => [e.Event.System.EventID, e.Event.System.Computer])).toEqual([
      [1, "h1"],
      [3, "h1"],
      [4688, "wks1"],
      [1, "ar-win-dc.attackrange.local"],
    ]);
    expect(events[0]?.Event.EventData).toEqual({ Image: "C:\\x.exe", CommandLine: "x -a" });
    expect(events[2]?.Event.EventData?.CommandLine).toBe("netstat -a");
    expect(r.stderr).toContain("a-nxlog.zip: zip+json, 2 events; 1 malformed-json");
    expect(r.stderr).toContain("b-security.tgz: gzip+tar+xml, 1 event\n");
  });

  it("--format json writes one array, and its output reads back to the same events", async () => {
    const dir = await inputs();
    const lines = await runCli(["events", "--quiet", dir]);
    const array = await runCli([
      "events",
      "--format",
      "json",
      "-q",
      join(dir, "c-sigma.json"),
      join(dir, "a-nxlog.zip"),
    ]);
    expect(array.code).toBe(0);
    const parsed = JSON.parse(array.stdout) as DumpEvent[];
    expect(parsed.map((e) => e.Event.System.EventID)).toEqual([1, 1, 3]);
    // The events command's own output is an input like any other.
    const again = await runCli(["events", "-q", "-"], lines.stdout);
    expect(again.stdout).toBe(lines.stdout);
    expect(again.stderr).toBe("");
  });

  it("names standard input stdin: in its line, and in an error", async () => {
    const r = await runCli(["events", "-"], XML + XML);
    expect(r).toMatchObject({ code: 0, stderr: "sysmon-hunt: stdin: xml, 2 events\n" });
    const bad = await runCli(["events", "-"], gzipSync(XML).subarray(0, 20));
    expect(bad.code).toBe(2);
    expect(bad.stderr.split("\n")[0]).toMatch(/^sysmon-hunt: stdin: gzip stream is corrupt/);
  });

  it("writes --output, and exits 2 naming an unreadable input or a bad option", async () => {
    const dir = await inputs();
    const out = join(dir, "events.jsonl");
    const ok = await runCli(["events", "-q", "--output", out, `${SIGMA_CASE}.json`]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe("");
    const written = JSON.parse(await readFile(out, "utf8")) as DumpEvent;
    expect(written.Event.System.EventRecordID).toBe(33534161);
    const missing = await runCli(["events", join(dir, "nope.json"), `${SIGMA_CASE}.json`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^sysmon-hunt: \S+\/nope\.json: no such file or directory\n/);
    expect(JSON.parse(missing.stdout)).toEqual(written);
    const noDir = join(dir, "no/such/events.jsonl");
    expect(await runCli(["events", "--output", noDir, dir])).toEqual({
      code: 2,
      stdout: "",
      stderr: `sysmon-hunt: cannot write --output ${noDir}: no such file or directory\n`,
    });
    const bad = await runCli(["events", "--format", "csv", dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown --format csv/);
  });
});
