import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ruleIds } from "../../src/chunks/ChunkPool.js";
import { loadMacros, loadRules } from "../../src/rules/loadRules.js";
import { logicalId, REPO_ROOT, removeAssemblies, type Synthesized, synth } from "./synth.js";

// The one synthesis with real bundling: esbuild from node_modules, locally, no Docker.
let s: Synthesized;
let assetDir: string;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

afterAll(removeAssemblies);

beforeAll(() => {
  s = synth({}, true);
  const fn = logicalId(s.template, "AWS::Lambda::Function", "ScannerFunction");
  const key = s.template.findResources("AWS::Lambda::Function")[fn]?.Properties.Code.S3Key;
  assetDir = join(s.assembly.directory, `asset.${String(key).replace(/\.zip$/, "")}`);
}, 120_000);

describe("scanner bundle", () => {
  it("is one ESM file exporting the handler, with the AWS SDK bundled in", () => {
    expect(readdirSync(assetDir).sort()).toEqual([
      "chunkWorker.mjs",
      "chunkWorker.mjs.map",
      "index.mjs",
      "index.mjs.map",
      "rules",
    ]);
    const code = readFileSync(join(assetDir, "index.mjs"), "utf8");
    expect(code).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}|export\s*\{[^}]*\bhandler\b/);
    expect(code).toContain("createRequire");
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    s.template.hasResourceProperties("AWS::Lambda::Function", { Handler: "index.handler" });
  });

  it("carries the repository's rules/ folder as rules/", () => {
    const shipped = filesUnder(join(REPO_ROOT, "rules"));
    expect(shipped.length).toBeGreaterThan(0);
    expect(filesUnder(join(assetDir, "rules"))).toEqual(shipped);
    for (const f of shipped) {
      expect(readFileSync(join(assetDir, "rules", f), "utf8")).toBe(
        readFileSync(join(REPO_ROOT, "rules", f), "utf8"),
      );
    }
  });

  it("runs in Node: finds its rules in the bundle and answers an SQS-wrapped s3:TestEvent", () => {
    const bundle = pathToFileURL(join(assetDir, "index.mjs")).href;
    const event = readFileSync(join(REPO_ROOT, "events/s3-test-event.json"), "utf8");
    const out = execFileSync(
      process.execPath,
      [
        "--input-type=module",
        "--no-warnings",
        "-e",
        `const { handler } = await import(${JSON.stringify(bundle)});` +
          `const result = await handler(${event}, {});` +
          "console.log(JSON.stringify({ result }));",
      ],
      {
        env: {
          PATH: process.env.PATH,
          AWS_REGION: "eu-west-1",
          FINDINGS_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/findings",
          FINDINGS_TABLE: "findings",
        },
        encoding: "utf8",
        timeout: 30_000,
      },
    );
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // Powertools' cold-start line: rules loaded from the bundle's own rules/ folder.
    const coldStart = lines.find((l) => l.message === "cold start");
    expect(coldStart?.rulesDir).toBe(join(assetDir, "rules"));
    expect(coldStart?.rules).toBeGreaterThan(0);
    expect(lines.at(-1)).toEqual({ result: { batchItemFailures: [] } });
  });
});

describe("scanner bundle's chunk worker", () => {
  it("starts as a worker thread, loads the bundle's rules and names them as the handler does", async () => {
    const worker = new Worker(new URL(pathToFileURL(join(assetDir, "chunkWorker.mjs")).href), {
      workerData: {
        rulePaths: [join(assetDir, "rules")],
        macroPaths: [join(assetDir, "rules", "macros")],
      },
    });
    try {
      const reply = await new Promise<{ kind: string; ids?: string[] }>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      });
      const rules = join(REPO_ROOT, "rules");
      const set = await loadRules([rules], await loadMacros([join(rules, "macros")]));
      expect(reply.kind).toBe("ready");
      expect(reply.ids).toEqual(ruleIds(set.rules, set.sigmaRules));
      expect(reply.ids?.length).toBeGreaterThan(0);
    } finally {
      await worker.terminate();
    }
  });
});

describe("cdk-nag", () => {
  it("reports nothing unacknowledged on the bundled synthesis either", () => {
    expect(s.nagFindings).toEqual([]);
    expect(s.validationReport.pluginReports).toEqual([]);
  });
});
