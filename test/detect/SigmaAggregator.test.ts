import { describe, expect, it } from "vitest";
import {
  SIGMA_BY_FIELDS,
  SigmaAggregator,
  sigmaByValues,
} from "../../src/detect/SigmaAggregator.js";
import { SIGMA_RISK_SCORES } from "../../src/detect/sigmaRisk.js";
import { toProcessRecord } from "../../src/model/toProcessRecord.js";
import type { WinEvent } from "../../src/parse/types.js";
import type { SigmaRule } from "../../src/rules/sigma/types.js";
import { proc, security4688, sigma, sysmonEvent } from "../rules/sigma/helpers.js";

const whoami = sigma(`title: Whoami Execution
id: 22222222-2222-2222-2222-222222222222
level: high
tags: [attack.discovery, attack.t1033]
logsource: {category: process_creation, product: windows}
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    condition: selection
`);

const dnsOnion = sigma(`title: Onion DNS
id: 33333333-3333-3333-3333-333333333333
level: low
logsource: {category: dns_query, product: windows}
detection:
    selection:
        QueryName|endswith: '.onion'
    condition: selection
`);

function at(event: WinEvent, time: string, record: number): WinEvent {
  return { ...event, timeCreated: time, position: { record } };
}

const W = {
  Image: "C:\\Windows\\System32\\whoami.exe",
  CommandLine: "whoami /all",
  User: "CORP\\bob",
  ProcessId: "100",
  ParentProcessId: "10",
};

function add(agg: SigmaAggregator, e: WinEvent): void {
  agg.add(e, toProcessRecord(e));
}

describe("SigmaAggregator", () => {
  it("groups matches by rule and by-values, with count, time range, span, risk and ATT&CK ids", () => {
    const agg = new SigmaAggregator([whoami, dnsOnion]);
    add(agg, at(proc(W), "2024-01-01T10:00:00Z", 7));
    add(agg, at(proc(W), "2024-01-01T09:00:00Z", 3));
    add(agg, at(proc({ ...W, User: "CORP\\eve" }), "2024-01-01T11:00:00Z", 9));
    add(agg, at(proc({ ...W, Image: "C:\\x\\notepad.exe" }), "2024-01-01T11:00:00Z", 10));
    add(
      agg,
      at(
        sysmonEvent(22, { QueryName: "abc.onion", Image: "C:\\tor\\tor.exe", ProcessId: "55" }),
        "2024-01-01T12:00:00Z",
        11,
      ),
    );
    const findings = agg.findings({ uri: "file:///x.evtx" });
    expect(findings.map((f) => [f.detection.name, f.fields.user, f.count])).toEqual([
      ["Onion DNS", "null", 1],
      ["Whoami Execution", "CORP\\bob", 2],
      ["Whoami Execution", "CORP\\eve", 1],
    ]);
    const bob = findings[1];
    expect(bob).toMatchObject({
      detection: {
        id: "22222222-2222-2222-2222-222222222222",
        type: "Sigma",
        version: null,
        mitre_attack_id: ["T1033"],
        analytic_story: [],
      },
      risk_score: SIGMA_RISK_SCORES.high,
      firstTime: "2024-01-01T09:00:00.000Z",
      lastTime: "2024-01-01T10:00:00.000Z",
      fields: {
        dest: "host1",
        user: "CORP\\bob",
        process_name: "whoami.exe",
        process: "whoami /all",
        process_id: "100",
        parent_process_id: "10",
      },
      source: { uri: "file:///x.evtx", first_record: 3, last_record: 7 },
    });
    expect(bob?.finding_id).toMatch(/^[0-9a-f]{64}$/);
    // one frozen detection object for all of a rule's findings
    expect(findings[2]?.detection).toBe(bob?.detection);
    expect(Object.isFrozen(bob?.detection)).toBe(true);
    expect(bob?.message).toBe("Whoami Execution: whoami.exe on host1 by CORP\\bob");
    expect(findings[0]).toMatchObject({
      risk_score: SIGMA_RISK_SCORES.low,
      fields: {
        dest: "host1",
        process_name: "tor.exe",
        process_id: "55",
        process: "null",
        parent_process_id: "null",
      },
    });
  });

  it("takes a process event's by-values from its CIM record (Security 4688 too)", () => {
    const e = security4688({
      NewProcessName: "C:\\Windows\\System32\\whoami.exe",
      NewProcessId: "0x64",
      ProcessId: "0xa",
      SubjectUserName: "bob",
      SubjectDomainName: "CORP",
      CommandLine: "whoami",
    });
    expect(sigmaByValues(e, toProcessRecord(e))).toEqual([
      "dc1",
      "CORP\\bob",
      "whoami.exe",
      "whoami",
      "100",
      "10",
    ]);
    const agg = new SigmaAggregator([whoami]);
    add(agg, e);
    expect(agg.findings({ uri: "s3://b/k" })[0]?.fields).toEqual(
      Object.fromEntries(
        SIGMA_BY_FIELDS.map((f, i) => [
          f,
          ["dc1", "CORP\\bob", "whoami.exe", "whoami", "100", "10"][i],
        ]),
      ),
    );
  });

  it("counts a rule that throws, reports it, and keeps running the others", () => {
    const broken: SigmaRule = {
      ...whoami,
      meta: { ...whoami.meta, id: "broken", title: "Broken" },
      variants: whoami.variants.map((v) => ({
        ...v,
        test: () => {
          throw new Error("boom");
        },
      })),
    };
    const agg = new SigmaAggregator([broken, whoami]);
    add(agg, proc(W));
    add(agg, proc(W));
    add(agg, sysmonEvent(22, { QueryName: "x" }));
    expect(agg.ruleFaults().total).toBe(2);
    expect(agg.ruleFaults().samples[0]).toMatchObject({ ruleId: "broken", message: "boom" });
    expect(agg.findings({ uri: "u" }).map((f) => [f.detection.name, f.count])).toEqual([
      ["Whoami Execution", 2],
    ]);
  });

  it("skips header-only events and events no rule applies to", () => {
    const agg = new SigmaAggregator([whoami]);
    agg.add({ ...proc(W), partial: true });
    agg.add(sysmonEvent(3, W));
    expect(agg.findings({ uri: "u" })).toEqual([]);
    expect(agg.eventIds()).toEqual(new Set([1, 4688]));
  });
});
