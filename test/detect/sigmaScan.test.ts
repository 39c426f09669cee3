import { cp, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fileSource } from "../../src/input/fileSource.js";
import { loadMacros, loadRules, type RuleSet } from "../../src/rules/loadRules.js";
import { scanSource } from "../../src/scan.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const SHARED = new URL("../../../shared/", import.meta.url).pathname;
const POWERCAT = "evtx/EVTX-ATTACK-SAMPLES/Lateral Movement/powercat_revShell_sysmon_1_3";

/** A network_connection rule: Sysmon 3 events, which no security_content rule reads. */
const LISTENER = `title: PowerShell Accepts A Connection
id: 44444444-4444-4444-4444-444444444444
level: critical
tags: [attack.command-and-control, attack.t1095]
logsource:
    category: network_connection
    product: windows
detection:
    selection:
        Image|endswith: '\\powershell.exe'
        Initiated: 'false'
    condition: selection
`;

const WHOAMI = `title: Whoami Run
id: 55555555-5555-5555-5555-555555555555
level: low
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    condition: selection
`;

let set: RuleSet;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), "mixed-rules-"));
  await cp(join(ROOT, "rules"), join(dir, "security_content"), { recursive: true });
  await writeFile(join(dir, "listener.yml"), LISTENER);
  await writeFile(join(dir, "whoami.yaml"), WHOAMI);
  set = await loadRules([dir], await loadMacros([join(ROOT, "rules/macros")]));
});

describe("Sigma rules beside security_content rules", () => {
  it("are recognised by content when loading a folder", () => {
    expect(set.sigmaRules.map((r) => r.meta.title).sort()).toEqual([
      "PowerShell Accepts A Connection",
      "Whoami Run",
    ]);
    expect(set.sigmaLoads.every((l) => l.status === "ok")).toBe(true);
    expect(set.rules.length).toBeGreaterThan(0);
    expect(set.loads.some((l) => l.file.endsWith("listener.yml"))).toBe(false);
  });

  for (const ext of ["evtx", "oneline.xml.log"]) {
    it(`run in the same scan and produce Sigma findings (.${ext})`, async () => {
      const path =
        ext === "evtx"
          ? join(SHARED, "data", `${POWERCAT}.evtx`)
          : join(SHARED, "data/xml/from-evtx/powercat_revShell_sysmon_1_3.oneline.xml.log");
      const r = await scanSource(fileSource(path), {
        rules: set.rules,
        sigmaRules: set.sigmaRules,
      });
      expect(r.summary.status).toBe("ok");
      expect(r.summary.ruleFaults).toBe(0);
      const sigma = r.findings.filter((f) => f.detection.type === "Sigma");
      expect(
        sigma.map((f) => [f.detection.name, f.fields.process_name, f.count, f.risk_score]),
      ).toEqual([
        ["PowerShell Accepts A Connection", "powershell.exe", 1, 100],
        ["Whoami Run", "whoami.exe", 1, 25],
      ]);
      const listener = sigma[0];
      expect(listener?.detection.mitre_attack_id).toEqual(["T1095"]);
      expect(listener?.fields.user).toBe("IEWIN7\\IEUser");
      if (ext === "evtx")
        expect(listener?.source).toMatchObject({ first_record: 8118, last_record: 8118 });
      else expect(listener?.source.first_line).toBeGreaterThan(0);
    });
  }

  it("leave a scan without Sigma rules unchanged", async () => {
    const path = join(SHARED, "data", `${POWERCAT}.evtx`);
    const both = await scanSource(fileSource(path), {
      rules: set.rules,
      sigmaRules: set.sigmaRules,
    });
    const only = await scanSource(fileSource(path), { rules: set.rules });
    expect(only.findings).toEqual(both.findings.filter((f) => f.detection.type !== "Sigma"));
    expect(only.summary.events).toBe(both.summary.events);
  });
});
