import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSX = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
const run = promisify(execFile);

/** Runs a script as `npm start` / `npm run invoke` do, with its own in-process stack. */
async function script(...args: string[]) {
  const env = { ...process.env };
  for (const k of Object.keys(env))
    if (k.startsWith("AWS_") || k.startsWith("FINDINGS_")) delete env[k];
  return run(TSX, args, { cwd: ROOT, env, timeout: 60_000 });
}

describe("npm start and npm run invoke", () => {
  it("npm start scans the sample log end to end and exits 0", async () => {
    const { stdout } = await script("scripts/local.ts");
    expect(stdout).toMatch(
      /uploaded s3:\/\/sysmon-hunt-logs\/incoming\/sample-sysmon\.log \(25646 bytes\)/,
    );
    expect(stdout).toMatch(/scanned: 3 findings \(ok\)/);
    expect(stdout).toMatch(/SQS sysmon-hunt-findings: 4 messages \(3 findings, 1 scan summary\)/);
    expect(stdout).toMatch(/DynamoDB sysmon-hunt-findings: 3 aggregated findings/);
    expect(stdout.match(/Network Connection Discovery With Netstat/g)).toHaveLength(4);
    expect(stdout.match(/GetNetTcpconnection with PowerShell/g)).toHaveLength(2);
  });

  it("npm run invoke hands a sample event to the handler", async () => {
    const { stdout } = await script("scripts/invoke.ts", "events/sns-sqs-s3.json");
    expect(stdout).toMatch(/"batchItemFailures": \[\]/);
    expect(stdout).toMatch(/3 findings, 1 scan summary/);
  });
});
