import { copyFile, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "./runCli.js";

describe("sysmon-hunt rules lint", () => {
  it("prints every rule's status as JSON", async () => {
    const r = await runCli(["rules", "lint", "--format", "json"]);
    expect(r.code).toBe(0);
    const entries = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(entries.map((e) => [e.id, e.format, e.status, e.reason, e.everyEvent])).toEqual([
      ["e02af35c-1de5-4afe-b4be-f45aba57272b", "security_content", "ok", null, false],
      ["2cf5cc25-f39a-436d-a790-4857e5995ede", "security_content", "ok", null, false],
    ]);
  });

  it("tells which rules run on every event of a type (nothing to index them by)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lint-every-"));
    const sc = (id: string, where: string) =>
      `name: ${id}\nid: ${id}\nsearch: '| tstats count from datamodel=Endpoint.Processes where ${where} by Processes.dest'\n`;
    await writeFile(join(dir, "a.yml"), sc("a", "Processes.process_name=whoami.exe"));
    await writeFile(join(dir, "b.yml"), sc("b", "Processes.process=*-EncodedCommand*"));
    await writeFile(join(dir, "c.yml"), sc("c", "Processes.process_name!=svchost.exe"));
    await writeFile(
      join(dir, "d.yml"),
      [
        "title: Not A Windows Image",
        "id: 9f0c7d52-6d1e-4f4e-9a53-0c0e5c1a2b3d",
        "logsource: {category: process_creation, product: windows}",
        "detection:",
        "  filter:",
        "    Image|startswith: 'C:\\Windows\\'",
        "  condition: not filter",
        "",
      ].join("\n"),
    );
    const json = await runCli(["rules", "lint", "--rules", dir, "--format", "json"]);
    const entries = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(entries.map((e) => [e.name, e.status, e.everyEvent])).toEqual([
      ["a", "ok", false],
      ["b", "ok", false],
      ["c", "ok", true],
      ["Not A Windows Image", "ok", true],
    ]);
    const text = await runCli(["rules", "lint", "--rules", dir]);
    expect(text.stdout).toContain("2 of the ok rules run on every event of a type they read");
  });

  it("names a --rules or --macros path it cannot read in one line, as scan does", async () => {
    for (const args of [
      ["rules", "lint", "--rules", "/nonexistent-rules"],
      ["rules", "lint", "--macros", "/nonexistent-rules"],
      ["scan", "--rules", "/nonexistent-rules", "-"],
    ]) {
      expect(await runCli(args), args.join(" ")).toEqual({
        code: 2,
        stdout: "",
        stderr: "sysmon-hunt: cannot read rules: /nonexistent-rules: no such file or directory\n",
      });
    }
  });

  it("reports unsupported rules with their reason and totals", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lint-"));
    await writeFile(
      join(dir, "stats.yml"),
      "name: S\nid: s-1\nsearch: '| tstats count from datamodel=Endpoint.Processes by Processes.dest | join dest [search x]'\n",
    );
    const r = await runCli(["rules", "lint", "--rules", dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("unsupported S: ");
    expect(r.stdout).toContain("1 rule: 0 ok, 1 unsupported, 0 with errors");
  });
});

describe("sysmon-hunt rules test", () => {
  it("passes the shipped rules' positive and negative tests", async () => {
    const r = await runCli(["rules", "test"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("4 tests: 4 passed, 0 failed, 0 skipped");
  });

  it("fails a test whose expectation does not hold, and skips remote-only data", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rtest-"));
    const src = join(ROOT, "rules/endpoint/network_connection_discovery_with_netstat.yml");
    await mkdir(join(dir, "data"));
    await copyFile(
      join(ROOT, "rules/tests/network_connection_discovery_with_netstat/negative.log"),
      join(dir, "data/neg.log"),
    );
    const yaml = (await readFile(src, "utf8")).split("\ntests:\n")[0];
    await writeFile(
      join(dir, "rule.yml"),
      `${yaml}\ntests:\n- name: wrong\n  attack_data:\n  - data: data/neg.log\n  expect:\n    findings: 1\n- name: upstream\n  attack_data:\n  - data: https://example.invalid/x.log\n`,
    );
    const r = await runCli(["rules", "test", "--rules", dir, "--format", "json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([
      {
        rule: "Network Connection Discovery With Netstat",
        test: "wrong",
        status: "fail",
        detail: "expected 1 finding(s), got 0",
      },
      {
        rule: "Network Connection Discovery With Netstat",
        test: "upstream",
        status: "skip",
        detail: "no expect: block",
      },
    ]);
  });
});

describe("sysmon-hunt rules lint with Sigma rules", () => {
  it("lists Sigma files with format sigma beside security_content ones", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lint-sigma-"));
    await writeFile(
      join(dir, "netstat.yml"),
      [
        "title: Netstat All Connections",
        "id: 0b3a1c55-6a0e-4c0d-9d7e-1c2b3a4d5e6f",
        "status: test",
        "level: low",
        "tags: [attack.discovery, attack.t1049]",
        "logsource: {category: process_creation, product: windows}",
        "detection:",
        "  selection:",
        "    Image|endswith: '\\netstat.exe'",
        "    CommandLine|contains: ' -a'",
        "  condition: selection",
        "",
      ].join("\n"),
    );
    await writeFile(
      join(dir, "broken.yml"),
      "title: Broken\nlogsource: {category: process_creation}\ndetection:\n  condition: nothing\n",
    );
    const r = await runCli(["rules", "lint", "--rules", dir, "--format", "json"]);
    expect(r.code).toBe(0);
    const entries = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(entries.map((e) => [e.name, e.format, e.status, e.everyEvent])).toEqual([
      ["Broken", "sigma", "error", null],
      ["Netstat All Connections", "sigma", "ok", false],
    ]);
  });
});
