import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/errors.js";
import { CONFIG_DEFAULTS, loadConfig } from "../../src/config/loadConfig.js";

const GOOD = {
  FINDINGS_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/findings",
  FINDINGS_TABLE: "sysmon-hunt-findings",
};

function problem(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("applies defaults to the optional variables", () => {
    expect(loadConfig(GOOD)).toEqual({
      findingsQueueUrl: GOOD.FINDINGS_QUEUE_URL,
      findingsTable: GOOD.FINDINGS_TABLE,
      maxObjectBytes: CONFIG_DEFAULTS.maxObjectBytes,
      logLevel: "INFO",
      findingsTtlDays: 90,
      scanThreads: 0,
    });
  });
  it("splits XML objects over one thread per vCPU the memory buys, or as SCAN_THREADS says", () => {
    const threads = (env: Record<string, string>) => loadConfig({ ...GOOD, ...env }).scanThreads;
    expect(threads({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "1769" })).toBe(0);
    expect(threads({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "3537" })).toBe(0);
    expect(threads({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "3538" })).toBe(2);
    expect(threads({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "10240" })).toBe(5);
    expect(threads({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "10240", SCAN_THREADS: "0" })).toBe(0);
    expect(threads({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "1024", SCAN_THREADS: "4" })).toBe(4);
    expect(threads({ SCAN_THREADS: "1" })).toBe(0);
    expect(problem({ ...GOOD, SCAN_THREADS: "two" }).message).toMatch(
      /SCAN_THREADS must be a whole number from 0 to 64 \(got 'two'\)/,
    );
    expect(problem({ ...GOOD, SCAN_THREADS: "65" }).variables).toEqual(["SCAN_THREADS"]);
  });
  it("reads the optional variables", () => {
    const c = loadConfig({
      ...GOOD,
      RULES_DIR: "/opt/rules",
      MAX_OBJECT_BYTES: "1048576",
      LOG_LEVEL: "debug",
      FINDINGS_TTL_DAYS: "7",
    });
    expect(c).toMatchObject({
      rulesDir: "/opt/rules",
      maxObjectBytes: 1048576,
      logLevel: "DEBUG",
      findingsTtlDays: 7,
    });
  });
  it("names every missing required variable in one error", () => {
    const err = problem({});
    expect(err.variables).toEqual(["FINDINGS_QUEUE_URL", "FINDINGS_TABLE"]);
    expect(err.message).toMatch(/FINDINGS_QUEUE_URL is not set/);
    expect(err.message).toMatch(/FINDINGS_TABLE is not set/);
    expect(err.code).toBe("config");
  });
  it("names the variable holding a bad value", () => {
    expect(problem({ ...GOOD, FINDINGS_QUEUE_URL: "findings" }).variables).toEqual([
      "FINDINGS_QUEUE_URL",
    ]);
    expect(problem({ ...GOOD, FINDINGS_TABLE: "a b" }).variables).toEqual(["FINDINGS_TABLE"]);
    expect(problem({ ...GOOD, MAX_OBJECT_BYTES: "10MB" }).message).toMatch(
      /MAX_OBJECT_BYTES must be a positive whole number \(got '10MB'\)/,
    );
    expect(problem({ ...GOOD, MAX_OBJECT_BYTES: "0" }).variables).toEqual(["MAX_OBJECT_BYTES"]);
    expect(problem({ ...GOOD, LOG_LEVEL: "LOUD" }).message).toMatch(
      /LOG_LEVEL must be one of TRACE, DEBUG/,
    );
  });
});
