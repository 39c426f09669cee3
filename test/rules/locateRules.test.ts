import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/errors.js";
import { locateRules } from "../../src/rules/locateRules.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
let bundleDir: string;

beforeAll(async () => {
  // The CDK layout: index.mjs with a copy of the root rules/ beside it.
  bundleDir = await mkdtemp(join(tmpdir(), "sysmon-hunt-bundle-"));
  await cp(join(ROOT, "rules"), join(bundleDir, "rules"), { recursive: true });
  await writeFile(join(bundleDir, "index.mjs"), "");
});
afterAll(() => rm(bundleDir, { recursive: true, force: true }));

describe("locateRules", () => {
  it("finds the package rules from src/handler.ts (not the src/rules code folder)", async () => {
    const where = await locateRules({
      moduleUrl: pathToFileURL(join(ROOT, "src", "handler.ts")).href,
    });
    expect(where).toEqual({ rules: join(ROOT, "rules"), macros: [join(ROOT, "rules", "macros")] });
  });
  it("finds the package rules from dist/handler.js", async () => {
    const where = await locateRules({
      moduleUrl: pathToFileURL(join(ROOT, "dist", "handler.js")).href,
    });
    expect(where.rules).toBe(join(ROOT, "rules"));
  });
  it("prefers ./rules next to a bundle", async () => {
    const where = await locateRules({
      moduleUrl: pathToFileURL(join(bundleDir, "index.mjs")).href,
    });
    expect(where.rules).toBe(join(bundleDir, "rules"));
  });
  it("falls back to LAMBDA_TASK_ROOT when import.meta.url is unavailable (CommonJS bundle)", async () => {
    const where = await locateRules({ taskRoot: bundleDir });
    expect(where.rules).toBe(join(bundleDir, "rules"));
  });
  it("uses RULES_DIR instead, adding its macros to the shipped ones", async () => {
    const where = await locateRules({
      rulesDir: join(bundleDir, "rules"),
      moduleUrl: pathToFileURL(join(ROOT, "src", "handler.ts")).href,
    });
    expect(where).toEqual({
      rules: join(bundleDir, "rules"),
      macros: [join(ROOT, "rules", "macros"), join(bundleDir, "rules", "macros")],
    });
  });
  it("names RULES_DIR when it does not exist or nothing is found", async () => {
    await expect(locateRules({ rulesDir: join(bundleDir, "nope") })).rejects.toThrow(ConfigError);
    await expect(locateRules({ rulesDir: join(bundleDir, "nope") })).rejects.toThrow(
      /RULES_DIR names a path that does not exist/,
    );
    await expect(
      locateRules({ moduleUrl: pathToFileURL(join(tmpdir(), "x", "y.mjs")).href }),
    ).rejects.toThrow(/RULES_DIR is not set and no shipped rules folder was found/);
  });
});
