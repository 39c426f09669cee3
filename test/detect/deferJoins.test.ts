import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { Aggregator } from "../../src/detect/Aggregator.js";
import { deferJoins } from "../../src/detect/deferJoins.js";
import { InputError } from "../../src/input/errors.js";
import { fileSource } from "../../src/input/fileSource.js";
import type { ByteSource } from "../../src/input/types.js";
import { DATAMODEL } from "../../src/model/datamodels.js";
import { compileCimMapper } from "../../src/model/toCimRecord.js";
import type { CimRecord } from "../../src/model/types.js";
import { selectParser } from "../../src/parse/selectParser.js";
import { loadMacros, loadRules } from "../../src/rules/loadRules.js";
import type { CompiledRule } from "../../src/rules/types.js";
import { SCAN_ERRORS, scanSource } from "../../src/scan.js";
import { makeTar } from "../helpers/archives.js";
import { memory, SHARED } from "../helpers/streams.js";
import { unwrap } from "../helpers/unwrapJoined.js";

const SC = join(SHARED, "rules/security_content");
const XML = join(SHARED, "data/xml/from-evtx");
/** Every process (by GUID) joined with rare writes, and rare processes joined with every connection. */
const RULES = {
  batch: "batch_file_write_to_system32",
  elevation: "windows_privilege_escalation_suspicious_process_elevation",
  rundll32: "rundll32_with_no_command_line_arguments_with_network",
  recycle: "suspicious_writes_to_windows_recycle_bin",
} as const;

let rules: readonly CompiledRule[] = [];
beforeAll(async () => {
  const files = Object.values(RULES).map((r) => join(SC, "detections/endpoint", `${r}.yml`));
  rules = (await loadRules(files, await loadMacros([join(SC, "macros")]))).rules;
  expect(rules).toHaveLength(4);
});

const named = (name: string) => rules.findIndex((r) => r.meta.name.startsWith(name));

/** A file source that counts how often it is opened, and can fail after the first time. */
function counted(path: string, once = false, failAgain = false) {
  const inner = fileSource(path);
  const counter = { opens: 0 };
  const source: ByteSource = {
    uri: inner.uri,
    ...(once ? { once: true as const } : {}),
    open: () => {
      counter.opens++;
      if (failAgain && counter.opens > 1)
        return Promise.reject(new InputError("unreadable", inner.uri, "gone"));
      return inner.open();
    },
  };
  return { source, counter };
}

/** Findings of one pass with nothing deferred: every tstats filled as records come. */
async function onePass(path: string) {
  const source = fileSource(path);
  const content = await unwrap(await source.open(), source.uri);
  const aggregator = new Aggregator(rules);
  const toRecord = compileCimMapper([DATAMODEL.processes, ...aggregator.datamodels()]);
  for await (const event of selectParser(content.head).parse(content.stream, {
    onIssue: () => {},
  })) {
    const record = toRecord(event);
    if (record !== undefined) aggregator.add(record);
  }
  return aggregator.findings({ uri: source.uri });
}

describe("join sides that read every record wait for a second pass", () => {
  it("defers the side that reads every record, never both sides of one join", () => {
    const deferred = deferJoins(rules);
    const uses = [...deferred.values()].flat().map((u) => [u.kind, u.rule]);
    expect(uses).toEqual(
      expect.arrayContaining([
        ["main", named("Batch File Write")],
        ["main", named("Windows Privilege Escalation")],
        ["sub", named("Rundll32 with no")],
        ["sub", named("Suspicious writes")],
      ]),
    );
    expect(uses).toHaveLength(4);
  });

  it("reads the input again when a join has keys, with the findings of a single full pass", async () => {
    const path = join(XML, "EVTX-ATTACK-SAMPLES_all_sysmon.oneline.xml.log");
    const { source, counter } = counted(path);
    const { findings, summary } = await scanSource(source, { rules });
    expect(counter.opens).toBe(2);
    expect(summary.status).toBe("ok");
    const names = new Set(findings.map((f) => f.detection.name));
    // one deferred main side and one deferred subsearch side give findings
    expect([...names].sort()).toEqual([
      "Rundll32 with no Command Line Arguments with Network",
      "Windows Privilege Escalation Suspicious Process Elevation",
    ]);
    expect(findings).toEqual(await onePass(path));
    // the first pass's counts stand: the second pass counts no event twice
    expect(summary.events).toBe((await scanSource(fileSource(path), { rules: [] })).summary.events);
  });

  it("reads again in full only the events whose join key the other side has", async () => {
    const path = join(XML, "EVTX-ATTACK-SAMPLES_all_sysmon.oneline.xml.log");
    const source = fileSource(path);
    const content = await unwrap(await source.open(), source.uri);
    const aggregator = new Aggregator(rules, { secondPass: true });
    const toRecord = compileCimMapper([DATAMODEL.processes, ...aggregator.datamodels()]);
    const records: CimRecord[] = [];
    for await (const event of selectParser(content.head).parse(content.stream, {
      onIssue: () => {},
    })) {
      const record = toRecord(event);
      if (record === undefined) continue;
      records.push(record);
      aggregator.add(record);
    }
    const second = aggregator.secondPass();
    const at = second?.positions;
    expect(at).toBeDefined();
    const processes = records.filter((r) => r.datamodel === DATAMODEL.processes);
    const wanted = records.filter((r) => at?.(r.position));
    expect(wanted.length).toBeGreaterThan(0);
    expect(wanted.length).toBeLessThan(processes.length / 20);
    // those records alone give the deferred sides the groups a full second pass gives them
    for (const r of wanted) aggregator.addSecondPass(r);
    expect(aggregator.findings({ uri: source.uri })).toEqual(await onePass(path));
  });

  it("finds the wanted events of an archive member in that member", async () => {
    // the joins' events sit in the second member, at lines the first member also has
    const tar = makeTar([
      {
        name: "a.log",
        data: await readFile(join(XML, "powercat_revShell_sysmon_1_3.oneline.xml.log")),
      },
      {
        name: "b.log",
        data: await readFile(join(XML, "EVTX-ATTACK-SAMPLES_all_sysmon.oneline.xml.log")),
      },
    ]);
    const source = memory(tar, "file:///evidence.tar");
    const twice = await scanSource(source, { rules });
    const single = await scanSource({ ...source, once: true }, { rules });
    expect(twice.findings.length).toBeGreaterThan(0);
    expect(twice.findings).toEqual(single.findings);
  });

  it("finds the wanted events of a gzipped input by their lines in the decompressed text", async () => {
    const gz = gzipSync(
      await readFile(join(XML, "EVTX-ATTACK-SAMPLES_all_sysmon.oneline.xml.log")),
    );
    const source = memory(gz, "file:///evidence.log.gz", 4096);
    const twice = await scanSource(source, { rules });
    expect(twice.summary.wrappers).toEqual(["gzip"]);
    expect(twice.findings.length).toBeGreaterThan(0);
    expect(twice.findings).toEqual(
      (await scanSource({ ...source, once: true }, { rules })).findings,
    );
  });

  it("reads the input once when no join can match", async () => {
    const path = join(XML, "powercat_revShell_sysmon_1_3.oneline.xml.log");
    const { source, counter } = counted(path);
    const { findings } = await scanSource(source, { rules });
    expect(counter.opens).toBe(1);
    expect(findings).toEqual(await onePass(path));
  });

  it("makes one pass over an input that can be read only once, with the same findings", async () => {
    const path = join(XML, "EVTX-ATTACK-SAMPLES_all_sysmon.oneline.xml.log");
    const { source, counter } = counted(path, true);
    const { findings } = await scanSource(source, { rules });
    expect(counter.opens).toBe(1);
    expect(findings).toEqual(await onePass(path));
  });

  it("reads the same bytes again when the input has grown since (a log still being written)", async () => {
    const path = join(XML, "EVTX-ATTACK-SAMPLES_all_sysmon.oneline.xml.log");
    const bytes = await readFile(path);
    let opens = 0;
    const growing: ByteSource = {
      uri: fileSource(path).uri,
      open: async () => {
        const body = opens++ === 0 ? bytes : Buffer.concat([bytes, bytes]);
        return (async function* () {
          // in pieces, as a file is read
          for (let at = 0; at < body.length; at += 65536) yield body.subarray(at, at + 65536);
        })();
      },
    };
    const { findings, summary } = await scanSource(growing, { rules });
    expect(opens).toBe(2);
    expect(summary.bytes).toBe(bytes.length);
    // read in full, the second copy would have doubled the deferred sides' counts
    expect(findings).toEqual(await onePass(path));
  });

  it("reports a failed second pass as the scan's error, keeping the other findings", async () => {
    const path = join(XML, "EVTX-ATTACK-SAMPLES_all_sysmon.oneline.xml.log");
    const { source } = counted(path, false, true);
    const { findings, summary } = await scanSource(source, { rules });
    expect(summary.status).toBe("error");
    expect(summary.error?.code).toBe(SCAN_ERRORS.secondPass);
    expect(summary.error?.message).toBe(`${source.uri}: second pass for join detections: gone`);
    // the read error's own code, for the Lambda to tell S3 trouble (retried) from the rest
    expect(summary.error?.cause).toBe("unreadable");
    // the deferred sides stayed empty: their joins give nothing
    expect(findings).toEqual([]);
  });
});
