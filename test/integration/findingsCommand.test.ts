import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { findingsCommand } from "../../src/cli/findingsCommand.js";
import { UsageError } from "../../src/cli/UsageError.js";
import { createHarness } from "./support/harness.js";
import { SAMPLE_LOG } from "./support/logs.js";

function capture(isTTY = false, columns = 200) {
  const out = new PassThrough();
  let text = "";
  out.on("data", (c: Buffer) => {
    text += c.toString();
  });
  return {
    stream: Object.assign(out, { isTTY, columns }) as unknown as NodeJS.WriteStream,
    text: () => text,
  };
}

describe("sysmon-hunt findings", () => {
  it("lists the aggregates of a table as JSON lines and as a table", async () => {
    const h = await createHarness();
    for (const key of ["a.log", "b.log"]) await h.handler(h.s3Event(await h.put(key, SAMPLE_LOG)));
    const out = capture();
    const err = capture();
    expect(
      await findingsCommand(["--table", h.table], { stdout: out.stream, stderr: err.stream }),
    ).toBe(0);
    const rows = out
      .text()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r).toMatchObject({ count: 2, objects: 2, risk_score: 15 });
      expect(r.last_source.uri).toMatch(new RegExp(`^s3://${h.bucket}/[ab]\\.log$`));
      expect(r).not.toHaveProperty("contributors");
    }
    const tty = capture(true);
    expect(
      await findingsCommand(["--table", h.table, "--format", "table"], {
        stdout: tty.stream,
        stderr: err.stream,
      }),
    ).toBe(0);
    const lines = tty.text().trim().split("\n");
    expect(lines[0]).toMatch(
      /^RISK\s+DETECTION\s+DEST\s+USER\s+COUNT\s+OBJECTS\s+LAST SEEN \(UTC\)\s+PROCESS$/,
    );
    expect(lines.slice(1).join("\n")).toMatch(
      /Network Connection Discovery With Netstat\s+wks-fin-07\.corp\.example\.com\s+CORP\\alice\s+2\s+2\s+2026-04-14 08:14:31\s+netstat {2}-ano/,
    );
  });

  it("reaches any endpoint with --endpoint-url and reports a missing table", async () => {
    const h = await createHarness();
    const out = capture();
    const err = capture();
    const code = await findingsCommand(
      ["--table", "no-such-table", "--endpoint-url", h.env.AWS_ENDPOINT_URL_DYNAMODB as string],
      {
        stdout: out.stream,
        stderr: err.stream,
      },
    );
    expect(code).toBe(2);
    expect(err.text()).toMatch(/cannot read table no-such-table: ResourceNotFoundException/);
  });

  it("needs --table and a known format", async () => {
    const io = { stdout: capture().stream, stderr: capture().stream };
    await expect(findingsCommand([], io)).rejects.toThrow(UsageError);
    await expect(findingsCommand(["--table", "t", "--format", "csv"], io)).rejects.toThrow(
      /unknown --format csv/,
    );
  });
});
