import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Worker } from "node:worker_threads";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChunkPool, type RuleFiles, ruleIds } from "../../src/chunks/ChunkPool.js";
import { CHUNK_ERRORS } from "../../src/chunks/errors.js";
import { EventScan } from "../../src/EventScan.js";
import { fileSource } from "../../src/input/fileSource.js";
import type { ByteSource } from "../../src/input/types.js";
import { loadMacros, loadRules, type RuleSet } from "../../src/rules/loadRules.js";
import { type ScanResult, scanSource } from "../../src/scan.js";
import { makeTar } from "../helpers/archives.js";
import { memory, SHARED } from "../helpers/streams.js";

const SC = join(SHARED, "rules/security_content");
const XML = join(SHARED, "data/xml");
const FILES: RuleFiles = {
  rulePaths: [
    join(SC, "detections/endpoint"),
    join(SHARED, "rules/sigma/rules/windows/process_creation"),
  ],
  macroPaths: [join(SC, "macros")],
};
/** Small pieces, so that even the small shared files are cut into many. */
const SIZES = { target: 32 * 1024, max: 256 * 1024 } as const;

let ruleSet: RuleSet;
let pool: ChunkPool;

beforeAll(async () => {
  pool = new ChunkPool(FILES, 2, SIZES);
  ruleSet = await loadRules(FILES.rulePaths, await loadMacros(FILES.macroPaths));
}, 180_000);

afterAll(async () => {
  await pool?.close();
});

/** A source that counts its opens (a second pass opens it again). */
function counted(inner: ByteSource) {
  const counter = { opens: 0 };
  const source: ByteSource = {
    ...inner,
    open: () => {
      counter.opens++;
      return inner.open();
    },
  };
  return { source, counter };
}

function comparable(r: ScanResult) {
  const { durationMs, ...summary } = r.summary;
  // key order too: types are listed in the order they first appear
  return { findings: r.findings, summary, types: Object.keys(summary.eventsByType) };
}

async function both(make: () => ByteSource) {
  const options = { rules: ruleSet.rules, sigmaRules: ruleSet.sigmaRules };
  const one = counted(make());
  const alone = await scanSource(one.source, options);
  const split = counted(make());
  const pooled = await scanSource(split.source, { ...options, pool });
  return { alone, pooled, opens: [one.counter.opens, split.counter.opens] };
}

describe("ChunkPool: one XML input scanned by worker threads", () => {
  it.each([
    "from-evtx/EVTX-ATTACK-SAMPLES_all_sysmon.oneline.xml.log",
    "from-evtx/EVTX-to-MITRE-Attack_all_sysmon.oneline.xml.log",
    "from-evtx/powercat_revShell_sysmon_1_3.oneline.xml.log",
  ])(
    "gives the findings and summary of a scan in this thread: %s",
    async (name) => {
      const path = join(XML, name);
      const { alone, pooled, opens } = await both(() => fileSource(path));
      expect(alone.findings.length).toBeGreaterThan(0);
      expect(pooled.summary.status).toBe("ok");
      expect(comparable(pooled)).toEqual(comparable(alone));
      // the join detections' second pass ran as it does in this thread
      expect(opens[1]).toBe(opens[0]);
    },
    120_000,
  );

  it("the large input is cut into many pieces and needs a second pass", async () => {
    const path = join(XML, "from-evtx/EVTX-ATTACK-SAMPLES_all_sysmon.oneline.xml.log");
    const bytes = (await readFile(path)).length;
    expect(bytes / SIZES.target).toBeGreaterThan(20);
    const { opens } = await both(() => fileSource(path));
    expect(opens).toEqual([2, 2]);
  }, 120_000);

  it("scans a gzipped input in pieces of its decompressed text, and an input read once", async () => {
    const path = join(XML, "from-evtx/EVTX-to-MITRE-Attack_all_sysmon.oneline.xml.log");
    const gz = gzipSync(await readFile(path));
    const zipped = await both(() => memory(gz, "file:///x.log.gz", 4096));
    expect(zipped.pooled.summary.wrappers).toEqual(["gzip"]);
    expect(comparable(zipped.pooled)).toEqual(comparable(zipped.alone));
    const once = await both(() => ({ ...memory(gz, "file:///stdin"), once: true }));
    expect(once.opens).toEqual([1, 1]);
    expect(comparable(once.pooled)).toEqual(comparable(once.alone));
  }, 120_000);

  it("keeps the counts and findings of what was read before a gzip breaks off, as this thread does", async () => {
    const path = join(XML, "from-evtx/EVTX-ATTACK-SAMPLES_all_sysmon.oneline.xml.log");
    const gz = gzipSync(await readFile(path));
    const cut = gz.subarray(0, Math.floor(gz.length * 0.9));
    for (const once of [{}, { once: true } as const]) {
      const { alone, pooled } = await both(() => ({ ...memory(cut, "file:///x.log.gz"), ...once }));
      expect(alone.summary).toMatchObject({ status: "error", error: { code: "corrupt-gzip" } });
      expect(alone.summary.events).toBeGreaterThan(1000);
      expect(alone.findings.length).toBeGreaterThan(0);
      expect(comparable(pooled).summary, `once ${once.once}`).toEqual(comparable(alone).summary);
      expect(pooled.findings.length, `once ${once.once}`).toEqual(alone.findings.length);
      expect(comparable(pooled)).toEqual(comparable(alone));
    }
  }, 120_000);

  it("keeps the issues of a damaged input, in input order", async () => {
    const text = (
      await readFile(
        join(XML, "from-evtx/EVTX-to-MITRE-Attack_all_sysmon.oneline.xml.log"),
        "latin1",
      )
    ).split("\n");
    // cut events, junk lines and a truncated last event, spread over the pieces
    const damaged = text.map((l, i) =>
      i % 9 === 4 ? l.slice(0, l.length / 2) : i % 13 === 6 ? "junk" : l,
    );
    const bytes = Buffer.from(`${damaged.join("\n")}\n${text[1]?.slice(0, 200)}`, "latin1");
    const { alone, pooled } = await both(() => memory(bytes, "file:///damaged.log"));
    expect(alone.summary.issues.errorCount).toBeGreaterThan(10);
    expect(comparable(pooled)).toEqual(comparable(alone));
  }, 120_000);

  it("shares the rules' findings out to the workers; rules needing the second pass stay here", async () => {
    const path = join(XML, "from-evtx/EVTX-ATTACK-SAMPLES_all_sysmon.oneline.xml.log");
    const { rules, sigmaRules } = ruleSet;
    const pinned = new EventScan({ rules, sigmaRules, secondPass: true }).aggregator.pinned();
    expect(pinned.filter(Boolean).length).toBeGreaterThan(0);
    const split = await pool.scan(await fileSource(path).open(), {
      ids: ruleIds(rules, sigmaRules),
      secondPass: true,
      onIssue: () => {},
      pinned,
      source: { uri: "file:///x.log" },
    });
    const built = await split.built;
    pinned.forEach((p, r) => {
      expect(split.owners.rules[r] === -1).toBe(p);
    });
    expect(split.owners.sigmaRules.every((o) => o === 0 || o === 1)).toBe(true);
    // each worker built findings, only of its own rules
    built.forEach((b, w) => {
      expect(b.rules.length + b.sigmaRules.length).toBeGreaterThan(0);
      expect([...b.rules, ...b.sigmaRules].some(([, list]) => list.length > 0)).toBe(true);
      for (const [r] of b.rules) expect(split.owners.rules[r]).toBe(w);
      for (const [r] of b.sigmaRules) expect(split.owners.sigmaRules[r]).toBe(w);
    });
    // and the scan's thread holds the groups of its own rules only (another rule has some
    // when it shares a tstats with one of them: then its groups are as many as that one's)
    const own = new EventScan({ rules, sigmaRules, secondPass: true });
    own.absorb(split.states);
    const sizes = own.aggregator.sizes();
    const pinnedSizes = new Set(sizes.filter((_n, r) => pinned[r]));
    sizes.forEach((n, r) => {
      if (!pinned[r] && n > 0) expect(pinnedSizes.has(n)).toBe(true);
    });
    expect(own.sigma?.sizes().every((n) => n === 0)).toBe(true);
  }, 120_000);

  it("counts a rule fault raised in a worker building findings, as this thread does", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pool-faults-"));
    // the regex is built from a field, and "(" (the host name below) is not a valid one
    await writeFile(
      join(dir, "faulty.yml"),
      [
        "name: Faulty",
        "id: 0b7c7d2e-0000-4000-8000-000000000001",
        "search: '| tstats count min(_time) as firstTime max(_time) as lastTime from datamodel=Endpoint.Processes by Processes.dest Processes.process | `drop_dm_object_name(Processes)` | where match(process, \"(?i)\" . dest) OR count > 0'",
        "",
      ].join("\n"),
    );
    const files: RuleFiles = { rulePaths: [dir], macroPaths: [join(SC, "macros")] };
    const own = new ChunkPool(files, 2, { target: 1024, max: 64 * 1024 });
    try {
      const set = await loadRules(files.rulePaths, await loadMacros(files.macroPaths));
      expect(set.rules).toHaveLength(1);
      const text = await readFile(
        join(XML, "from-evtx/powercat_revShell_sysmon_1_3.oneline.xml.log"),
        "latin1",
      );
      const lines = text.split("\n").filter((l) => l.includes("<EventID>1</EventID>"));
      const odd = lines.map((l, i) =>
        i % 2 === 0 ? l.replace(/<Computer>[^<]*<\/Computer>/, "<Computer>(</Computer>") : l,
      );
      const bytes = Buffer.from(`${[...lines, ...odd].join("\n")}\n`, "latin1");
      const options = { rules: set.rules };
      const alone = await scanSource(memory(bytes, "file:///f.log"), options);
      const pooled = await scanSource(memory(bytes, "file:///f.log"), { ...options, pool: own });
      expect(alone.summary.ruleFaults).toBeGreaterThan(0);
      expect(alone.findings.length).toBeGreaterThan(0);
      expect(comparable(pooled)).toEqual(comparable(alone));
    } finally {
      await own.close();
    }
  }, 120_000);

  it("leaves an archive's members to this thread", async () => {
    const data = await readFile(
      join(XML, "from-evtx/powercat_revShell_sysmon_1_3.oneline.xml.log"),
    );
    const tar = makeTar([
      { name: "a.log", data },
      { name: "b.log", data },
    ]);
    const { alone, pooled } = await both(() => memory(tar, "file:///x.tar"));
    expect(pooled.findings.some((f) => f.source.last_member === "b.log")).toBe(true);
    expect(comparable(pooled)).toEqual(comparable(alone));
  }, 120_000);

  it("refuses to scan with other rules than its workers hold", async () => {
    const path = join(XML, "from-evtx/powercat_revShell_sysmon_1_3.oneline.xml.log");
    const r = await scanSource(fileSource(path), { rules: ruleSet.rules.slice(1), pool });
    expect(r.summary.status).toBe("error");
    expect(r.summary.error?.message).toMatch(/other rules than the scan/);
    expect(r.summary.error?.code).toBe(CHUNK_ERRORS.workerFailed);
  }, 120_000);

  it("is broken once a worker dies, and a scan with it fails with a code worth a retry", async () => {
    const files: RuleFiles = {
      rulePaths: [fileURLToPath(new URL("../../rules", import.meta.url))],
      macroPaths: [],
    };
    const own = new ChunkPool(files, 2, SIZES);
    try {
      const set = await loadRules(files.rulePaths, await loadMacros(files.macroPaths));
      await own.ready(ruleIds(set.rules, set.sigmaRules));
      expect(own.broken).toBe(false);
      // a worker that dies (as one that runs out of memory would)
      await (own as unknown as { members: { worker: Worker }[] }).members[1]?.worker.terminate();
      expect(own.broken).toBe(true);
      const path = join(XML, "from-evtx/EVTX-ATTACK-SAMPLES_all_sysmon.oneline.xml.log");
      const r = await scanSource(fileSource(path), { rules: set.rules, pool: own });
      expect(r.summary.status).toBe("error");
      expect(r.summary.error?.code).toBe(CHUNK_ERRORS.workerFailed);
    } finally {
      await own.close();
    }
  }, 120_000);
});
