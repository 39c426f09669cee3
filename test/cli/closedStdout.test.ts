import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ROOT } from "./runCli.js";

const TSX = fileURLToPath(new URL("../../node_modules/tsx/dist/cli.mjs", import.meta.url));
const SAMPLE = `${ROOT}events/logs/sample-sysmon.log`;

/** Runs the CLI and closes its stdout after the first chunk, as `| head -1` does. */
function runClosingEarly(
  args: readonly string[],
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, `${ROOT}src/cli.ts`, ...args], { cwd: ROOT });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString("utf8");
    });
    child.stdout.once("data", () => child.stdout.destroy());
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("a reader that closes stdout early", () => {
  it("ends `events | head` quietly with exit 0, not an internal error", async () => {
    // Enough events that the writer is still writing when the pipe closes.
    const r = await runClosingEarly(["events", "--quiet", ...Array(200).fill(SAMPLE)]);
    expect(r.stderr).not.toContain("internal error");
    expect(r.code).toBe(0);
  });
});
