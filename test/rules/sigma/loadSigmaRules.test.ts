import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  compileSigmaText,
  isSigmaDocument,
  loadSigmaRules,
  looksLikeSigma,
} from "../../../src/rules/sigma/loadSigmaRules.js";
import { proc, sysmonEvent } from "./helpers.js";

const RULE = `title: Whoami
id: 11111111-1111-1111-1111-111111111111
status: test
level: medium
tags:
    - attack.discovery
    - attack.t1033
    - attack.t1059.001
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    condition: selection
`;

describe("compileSigmaText", () => {
  it("compiles a rule with its metadata", () => {
    const [load] = compileSigmaText(RULE, "r.yml");
    expect(load?.status).toBe("ok");
    if (load?.status !== "ok") return;
    expect(load.rule.meta).toMatchObject({
      id: "11111111-1111-1111-1111-111111111111",
      title: "Whoami",
      level: "medium",
      status: "test",
      mitre_attack_id: ["T1033", "T1059.001"],
      logsource: { category: "process_creation", product: "windows" },
    });
    expect(load.rule.eventKeys).toEqual([
      "microsoft-windows-sysmon/operational#1",
      "security#4688",
    ]);
    expect(load.rule.match(proc({ Image: "C:\\Windows\\System32\\whoami.exe" }))).toBe(true);
  });

  it("expands collections: action global, reset and repeat", () => {
    const text = `action: global
title: Shared
logsource:
    product: windows
    category: process_creation
detection:
    condition: selection
---
id: aaaaaaaa-0000-0000-0000-000000000001
detection:
    selection:
        Image|endswith: '\\a.exe'
---
action: repeat
id: aaaaaaaa-0000-0000-0000-000000000002
logsource:
    category: image_load
---
action: reset
---
title: Alone
id: aaaaaaaa-0000-0000-0000-000000000003
logsource:
    product: windows
    category: dns_query
detection:
    selection:
        QueryName: x
    condition: selection
`;
    const loads = compileSigmaText(text, "c.yml");
    expect(loads.map((l) => l.status)).toEqual(["ok", "ok", "ok"]);
    const rules = loads.flatMap((l) => (l.status === "ok" ? [l.rule] : []));
    expect(rules.map((r) => r.meta.title)).toEqual(["Shared", "Shared", "Alone"]);
    expect(rules[0]?.match(proc({ Image: "c:\\a.exe" }))).toBe(true);
    expect(rules[1]?.match(sysmonEvent(7, { Image: "c:\\a.exe" }))).toBe(true);
    expect(rules[1]?.match(proc({ Image: "c:\\a.exe" }))).toBe(false);
  });

  it("reports broken and unsupported rules instead of throwing", () => {
    const cases: [string, string, RegExp][] = [
      ["title: [unclosed", "error", /bad YAML/],
      [
        "title: x\nlogsource:\n    product: linux\n    category: process_creation\ndetection:\n    s:\n        a: b\n    condition: s\n",
        "unsupported",
        /not Windows/,
      ],
      [
        "title: x\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    s:\n        a: b\n",
        "error",
        /no condition/,
      ],
      [
        "title: x\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    s: []\n    condition: s\n",
        "error",
        /empty/,
      ],
      [
        "logsource:\n    product: windows\n    category: process_creation\ndetection:\n    s:\n        a: b\n    condition: s\n",
        "error",
        /no title/,
      ],
      ["title: x\nfoo: bar\n", "error", /not a Sigma rule/],
      [
        "title: x\ncorrelation:\n    type: event_count\n    rules: [a]\n",
        "unsupported",
        /correlation/,
      ],
      [
        "title: x\nfilter:\n    rules: [a]\n    selection: {User: x}\n    condition: selection\n",
        "unsupported",
        /filters/,
      ],
      [RULE.replace("status: test", "status: unsupported"), "unsupported", /status is unsupported/],
    ];
    for (const [text, status, reason] of cases) {
      const [load] = compileSigmaText(text, "bad.yml");
      expect(load?.status, text).toBe(status);
      expect(load?.status === "ok" ? "" : load?.reason, text).toMatch(reason);
    }
  });
});

describe("recognising Sigma", () => {
  it("by its logsource and detection keys, not by file name", () => {
    expect(looksLikeSigma(RULE)).toBe(true);
    expect(
      looksLikeSigma("name: x\nsearch: '| tstats count from datamodel=Endpoint.Processes'\n"),
    ).toBe(false);
    expect(isSigmaDocument({ logsource: {}, detection: {} })).toBe(true);
    expect(isSigmaDocument({ search: "| tstats" })).toBe(false);
  });
});

describe("loadSigmaRules", () => {
  it("reads folders recursively and flags duplicate ids", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sigma-"));
    writeFileSync(join(dir, "a.yml"), RULE);
    writeFileSync(join(dir, "b.yml"), RULE.replace("Whoami", "Whoami again"));
    writeFileSync(join(dir, "notes.txt"), "not a rule");
    const set = await loadSigmaRules([dir]);
    expect(set.rules.map((r) => r.meta.title)).toEqual(["Whoami"]);
    expect(set.loads.map((l) => l.status)).toEqual(["ok", "error"]);
    expect(set.loads[1]).toMatchObject({
      name: "Whoami again",
      reason: `duplicate rule id (first loaded from ${set.loads[0]?.file})`,
    });
  });
});
