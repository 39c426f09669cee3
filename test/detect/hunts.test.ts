import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import type { Finding } from "../../src/detect/types.js";
import { fileSource } from "../../src/input/fileSource.js";
import { loadMacros, loadRules } from "../../src/rules/loadRules.js";
import type { CompiledRule } from "../../src/rules/types.js";
import { scanSource } from "../../src/scan.js";
import { FIXTURES } from "../helpers/streams.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const NETSTAT = "2cf5cc25-f39a-436d-a790-4857e5995ede";
const GETNET = "e02af35c-1de5-4afe-b4be-f45aba57272b";
let rules: readonly CompiledRule[];
let dir: string;

beforeAll(async () => {
  rules = (await loadRules([join(ROOT, "rules")], await loadMacros([join(ROOT, "rules/macros")])))
    .rules;
  dir = await mkdtemp(join(tmpdir(), "hunts-"));
});

async function scanText(name: string, bytes: Buffer | string): Promise<Finding[]> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  const r = await scanSource(fileSource(path), {
    rules,
    sourceRef: { uri: "file:///evidence.log" },
  });
  expect(r.summary.status).toBe("ok");
  return [...r.findings];
}

/** A compact view of a finding: detection, by-values that vary, count and times. */
function view(f: Finding) {
  return {
    rule:
      f.detection.id === NETSTAT
        ? "netstat"
        : f.detection.id === GETNET
          ? "getnet"
          : f.detection.id,
    dest: f.fields.dest,
    process: f.fields.process,
    process_name: f.fields.process_name,
    parent_process: f.fields.parent_process,
    process_id: f.fields.process_id,
    count: f.count,
    firstTime: f.firstTime,
    lastTime: f.lastTime,
    lines: [f.source.first_line, f.source.last_line],
  };
}

describe("the two T1049 hunts on the fixture", () => {
  let findings: Finding[];
  beforeAll(async () => {
    findings = await scanText("t1049.log", await readFile(join(FIXTURES, "xml/t1049_hunts.log")));
  });

  it("fire exactly on the positives, grouped as tstats does", () => {
    expect(findings.map(view)).toEqual([
      {
        rule: "getnet",
        dest: "wks-fin-07.corp.example.com",
        process:
          'powershell.exe -NoProfile -Command "Get-NetTCPConnection -State Established | Select-Object LocalAddress,RemoteAddress"',
        process_name: "powershell.exe",
        parent_process: "C:\\Windows\\Explorer.EXE",
        process_id: "7200",
        count: 1,
        firstTime: "2026-03-02T11:00:00.250Z",
        lastTime: "2026-03-02T11:00:00.250Z",
        lines: [11, 11],
      },
      {
        rule: "getnet",
        dest: "srv-db-02.corp.example.com",
        process: "POWERSHELL -c get-nettcpconnection",
        process_name: "POWERSHELL.EXE",
        parent_process: "explorer.exe",
        process_id: "7300",
        count: 1,
        firstTime: "2026-03-02T11:05:00.000Z",
        lastTime: "2026-03-02T11:05:00.000Z",
        lines: [12, 12],
      },
      {
        rule: "getnet",
        dest: "srv-db-02.corp.example.com",
        process: "powershell.exe Get-NetTCPConnection -RemotePort 445",
        process_name: "powershell.exe",
        parent_process: "null",
        process_id: "6956",
        count: 1,
        firstTime: "2026-03-02T12:01:00.000Z",
        lastTime: "2026-03-02T12:01:00.000Z",
        lines: [18, 18],
      },
      {
        rule: "netstat",
        dest: "wks-fin-07.corp.example.com",
        process: '"C:\\Windows\\system32\\NETSTAT.EXE" -ano',
        process_name: "NETSTAT.EXE",
        parent_process: '"C:\\Windows\\system32\\cmd.exe"',
        process_id: "4120",
        count: 2,
        firstTime: "2026-03-02T09:15:01.123Z",
        lastTime: "2026-03-02T09:47:12.500Z",
        lines: [1, 2],
      },
      {
        rule: "netstat",
        dest: "wks-fin-07.corp.example.com",
        process: "netstat -a -n -o",
        process_name: "netstat.exe",
        parent_process: '"C:\\Windows\\system32\\cmd.exe"',
        process_id: "5004",
        count: 1,
        firstTime: "2026-03-02T10:02:00.000Z",
        lastTime: "2026-03-02T10:02:00.000Z",
        lines: [3, 3],
      },
      {
        rule: "netstat",
        dest: "srv-db-02.corp.example.com",
        process: "NETSTAT -A",
        process_name: "NetStat.exe",
        parent_process: "powershell.exe -nop",
        process_id: "6000",
        count: 1,
        firstTime: "2026-03-02T10:05:00.000Z",
        lastTime: "2026-03-02T10:05:00.000Z",
        lines: [4, 4],
      },
      {
        rule: "netstat",
        dest: "srv-db-02.corp.example.com",
        process: "netstat -an",
        process_name: "NETSTAT.EXE",
        parent_process: "null",
        process_id: "6952",
        count: 1,
        firstTime: "2026-03-02T12:00:00.000Z",
        lastTime: "2026-03-02T12:00:00.000Z",
        lines: [17, 17],
      },
    ]);
  });

  it("render the message, risk and ATT&CK metadata", () => {
    const f = findings.find(
      (x) => x.detection.id === NETSTAT && x.fields.process_id === "6952",
    ) as Finding;
    expect(f.message).toBe(
      "Network Connection discovery on srv-db-02.corp.example.com by CORP\\svc_backup",
    );
    expect(f).toMatchObject({ risk_score: 15, impact: 30, confidence: 50 });
    expect(f.detection).toEqual({
      id: NETSTAT,
      name: "Network Connection Discovery With Netstat",
      type: "Hunting",
      version: 1,
      mitre_attack_id: ["T1049"],
      analytic_story: ["Active Directory Discovery"],
    });
    expect(f.finding_id).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(findings.map((x) => x.finding_id)).size).toBe(findings.length);
  });

  it("do not fire on the near misses (-na, /a, cmd /c, netstat64, pwsh, Get-NetUDPEndpoint, 4104, EID 10)", () => {
    const processes = findings.map((f) => f.fields.process);
    for (const miss of [
      "-na",
      "netstat /a",
      "cmd.exe /c",
      "netstat64",
      "pwsh.exe",
      "Get-NetUDPEndpoint",
      "Get-NetTcpSetting",
      "netstat -rn",
    ]) {
      expect(
        processes.some((p) => p?.includes(miss)),
        miss,
      ).toBe(false);
    }
    expect(findings.some((f) => f.fields.process_id === "6105")).toBe(false); // netstat without arguments
  });
});

describe("the same evidence in other encodings gives identical findings", () => {
  it("CRLF, gzip, gzip+CRLF, and JSON-string-wrapped", async () => {
    const lf = await readFile(join(FIXTURES, "xml/t1049_hunts.log"), "utf8");
    const crlf = lf.replace(/\n/g, "\r\n");
    const base = await scanText("lf.log", lf);
    expect(base).toHaveLength(7);
    expect(await scanText("crlf.log", crlf)).toEqual(base);
    expect(await scanText("lf.log.gz", gzipSync(lf))).toEqual(base);
    expect(await scanText("no-suffix", gzipSync(crlf))).toEqual(base);
    const wrapped = JSON.stringify(lf);
    const fromJsonString = await scanText("wrapped.log", wrapped);
    expect(fromJsonString.map((f) => [f.finding_id, f.count])).toEqual(
      base.map((f) => [f.finding_id, f.count]),
    );
  });

  it("the pre-filter changes nothing: full parse of every event gives the same findings", async () => {
    const path = join(FIXTURES, "xml/t1049_hunts.log");
    const fast = await scanSource(fileSource(path), { rules });
    const full = await scanSource(fileSource(path), {
      rules,
      interest: { eventIds: new Set([1, 4688, 3, 10, 4104]) },
    });
    expect(fast.findings).toEqual(full.findings);
    expect(fast.summary.eventsByType).toEqual(full.summary.eventsByType);
  });
});
