import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Aggregator } from "../../src/detect/Aggregator.js";
import { SigmaAggregator } from "../../src/detect/SigmaAggregator.js";
import type { Finding } from "../../src/detect/types.js";
import { fileSource } from "../../src/input/fileSource.js";
import { DATAMODEL } from "../../src/model/datamodels.js";
import { compileCimMapper } from "../../src/model/toCimRecord.js";
import type { ProcessRecord } from "../../src/model/types.js";
import { selectParser } from "../../src/parse/selectParser.js";
import { loadMacros, loadRules } from "../../src/rules/loadRules.js";
import { loadSigmaRules } from "../../src/rules/sigma/loadSigmaRules.js";
import type { SigmaRule } from "../../src/rules/sigma/types.js";
import type { CompiledRule } from "../../src/rules/types.js";
import { scanSource } from "../../src/scan.js";
import { filesUnder, isLog } from "../helpers/files.js";
import { SHARED } from "../helpers/streams.js";
import { unwrap } from "../helpers/unwrapJoined.js";

const XML_DIR = join(SHARED, "data/xml");
const EVTX_DIR = join(SHARED, "data/evtx");
// The *.tar.gz hold nxlog JSON lines; LICENSE is not a log.
const xmlFiles = await filesUnder(XML_DIR, isLog);
// Every 8th EVTX file keeps the suite short; the sample still spans the three collections.
const evtxFiles = (await filesUnder(EVTX_DIR, (f) => f.endsWith(".evtx"))).filter(
  (_f, i) => i % 8 === 0,
);

let rules: readonly CompiledRule[];
let sigmaRules: readonly SigmaRule[];
let plainRules: CompiledRule[];
let plainSigma: SigmaRule[];

beforeAll(async () => {
  const sc = join(SHARED, "rules/security_content");
  rules = (
    await loadRules([join(sc, "detections/endpoint")], await loadMacros([join(sc, "macros")]))
  ).rules;
  sigmaRules = (await loadSigmaRules([join(SHARED, "rules/sigma/rules/windows")])).rules;
  // The same rules without any index key or literal guarantee: every rule runs on every record
  // (every Sigma rule on every event of its log source) and parsers read every event in full.
  plainRules = rules.map((r) => ({ ...r, names: null, literals: null }));
  plainSigma = sigmaRules.map((r) => ({
    ...r,
    variants: r.variants.map((v) => ({ ...v, req: null })),
  }));
}, 120_000);

/** Findings of a plain scan: full parse of every event, every rule on every event. */
async function reference(path: string): Promise<Finding[]> {
  const source = fileSource(path);
  const content = await unwrap(await source.open(), source.uri);
  const parser = selectParser(content.head);
  const aggregator = new Aggregator(plainRules);
  const sigma = new SigmaAggregator(plainSigma);
  const toRecord = compileCimMapper([DATAMODEL.processes, ...aggregator.datamodels()]);
  for await (const event of parser.parse(content.stream, { onIssue: () => {} })) {
    const record = toRecord(event);
    if (record !== undefined) aggregator.add(record);
    sigma.add(
      event,
      record?.datamodel === DATAMODEL.processes ? (record as ProcessRecord) : undefined,
    );
  }
  expect(aggregator.ruleFaults().total + sigma.ruleFaults().total).toBe(0);
  const ref = { uri: source.uri };
  return [...aggregator.findings(ref), ...sigma.findings(ref)];
}

describe("indexes and pre-filters change no finding (every security_content endpoint detection, every SigmaHQ Windows rule)", () => {
  it("loads the rule sets", () => {
    expect(rules.length).toBeGreaterThan(450);
    expect(sigmaRules.length).toBeGreaterThan(2000);
  });

  for (const file of [...xmlFiles, ...evtxFiles]) {
    const name = relative(SHARED, file);
    it(name, async () => {
      const expected = await reference(file);
      const { findings, summary } = await scanSource(fileSource(file), { rules, sigmaRules });
      expect(summary.status).toBe("ok");
      expect(summary.ruleFaults).toBe(0);
      expect(findings).toEqual(expected);
    });
  }

  it("the data gives findings of both kinds to compare", async () => {
    const file = join(XML_DIR, "from-evtx/EVTX-ATTACK-SAMPLES_all_sysmon.oneline.xml.log");
    const { findings } = await scanSource(fileSource(file), { rules, sigmaRules });
    expect(findings.filter((f) => f.detection.type === "Sigma").length).toBeGreaterThan(100);
    expect(findings.filter((f) => f.detection.type !== "Sigma").length).toBeGreaterThan(100);
  });
});
